"""Pure analyses of the typed graph: coverage, brokerage, partner fit and coalitions.

Every function takes the typed multigraph of :func:`graph.network.build_graph` (or the :class:`Facts` read
from it once with :func:`graph_facts`) and an optional :class:`AnalysisConfig`; none does I/O or talks to
Neo4j. Definitions: ``docs/methods.md`` and each module's docstring.
"""

from graph.analysis.brokerage import (
    ROLES,
    Betweenness,
    BrokerageReport,
    articulation_points,
    betweenness,
    brokerage_report,
    dominant_role,
    gould_fernandez,
    local_bridges,
    structural_holes,
)
from graph.analysis.coalition import PICK_COLUMNS, Coalition, build_coalition
from graph.analysis.config import AnalysisConfig
from graph.analysis.coverage import (
    CELL_COLUMNS,
    STATUSES,
    analysed_members,
    compare_snapshots,
    coverage_cells,
    coverage_headline,
    coverage_rollup,
    hop_distances,
    neighbour_pairs,
    unique_coverage,
    what_if_remove,
)
from graph.analysis.partners import (
    PARTNER_COLUMNS,
    SIMILAR_COLUMNS,
    PartnerIndex,
    find_partners,
    partner_index,
    similar_organisations,
)
from graph.analysis.views import (
    Facts,
    affiliations,
    capabilities,
    facts_from_tables,
    graph_facts,
    organisation_network,
    supporting_links,
)

__all__ = [
    "AnalysisConfig",
    "Betweenness",
    "BrokerageReport",
    "CELL_COLUMNS",
    "Coalition",
    "Facts",
    "PARTNER_COLUMNS",
    "PICK_COLUMNS",
    "PartnerIndex",
    "ROLES",
    "SIMILAR_COLUMNS",
    "STATUSES",
    "affiliations",
    "analysed_members",
    "articulation_points",
    "betweenness",
    "brokerage_report",
    "build_coalition",
    "capabilities",
    "compare_snapshots",
    "coverage_cells",
    "coverage_headline",
    "coverage_rollup",
    "dominant_role",
    "facts_from_tables",
    "find_partners",
    "gould_fernandez",
    "graph_facts",
    "hop_distances",
    "local_bridges",
    "neighbour_pairs",
    "organisation_network",
    "partner_index",
    "similar_organisations",
    "structural_holes",
    "supporting_links",
    "unique_coverage",
    "what_if_remove",
]
