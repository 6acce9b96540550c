"""Pure analyses of a load: coverage, brokerage, partner fit and coalitions. The public API is exported here.

Every domain analysis takes the load's :class:`~model.facts.Facts` and an optional
:class:`~model.config.AnalysisConfig`; the generic graph measures (:func:`betweenness`,
:func:`structural_holes`, :func:`gould_fernandez`, ...) take any undirected NetworkX graph. None does I/O
or talks to Neo4j (``tests/test_architecture.py`` fails if one imports the driver). Definitions: the
methods registry (:mod:`presentation.methods`) and each module's docstring.
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
from graph.analysis.coverage import (
    ALL_STATUSES,
    CELL_COLUMNS,
    STATUSES,
    compare_snapshots,
    coverage_cells,
    coverage_headline,
    coverage_rollup,
    removed_organisations,
    unique_coverage,
    what_if_remove,
)
from graph.analysis.demand import DEMAND_COLUMNS, demand_evidence, signal_readings, unknown_indicators
from graph.analysis.groups import GROUPINGS, broker_evidence, brokerage_by, organisation_groups
from graph.analysis.limits import LIMIT_COLUMNS, coverage_trend, data_limits
from graph.analysis.multigraph import build_graph
from graph.analysis.network import affiliations, organisation_matrix, organisation_network
from graph.analysis.partners import (
    PARTNER_COLUMNS,
    SIMILAR_COLUMNS,
    PartnerIndex,
    find_partners,
    partner_index,
    similar_organisations,
)
from graph.analysis.reach import TIES, closure_options, hop_distances, member_ties, neighbour_pairs, reachable_help
from graph.analysis.scope import analysed_members, in_force, reference_year
from graph.analysis.screening import CRITERIA, FUNDER_COLUMNS, SCREEN_COLUMNS, criteria, funders, screen_partners
from graph.analysis.supply import (
    PARTNER_ROLES,
    capabilities,
    organisations_in_role,
    relation_strengths,
    support_links,
    supporting_links,
)
from model.config import AnalysisConfig
from model.facts import Facts

__all__ = [
    "ALL_STATUSES",
    "AnalysisConfig",
    "Betweenness",
    "BrokerageReport",
    "CELL_COLUMNS",
    "CRITERIA",
    "Coalition",
    "DEMAND_COLUMNS",
    "FUNDER_COLUMNS",
    "Facts",
    "GROUPINGS",
    "LIMIT_COLUMNS",
    "PARTNER_COLUMNS",
    "PICK_COLUMNS",
    "PartnerIndex",
    "PARTNER_ROLES",
    "ROLES",
    "SCREEN_COLUMNS",
    "SIMILAR_COLUMNS",
    "STATUSES",
    "TIES",
    "affiliations",
    "analysed_members",
    "articulation_points",
    "betweenness",
    "broker_evidence",
    "brokerage_by",
    "brokerage_report",
    "build_coalition",
    "build_graph",
    "capabilities",
    "closure_options",
    "compare_snapshots",
    "coverage_cells",
    "coverage_headline",
    "coverage_rollup",
    "coverage_trend",
    "criteria",
    "data_limits",
    "demand_evidence",
    "dominant_role",
    "find_partners",
    "funders",
    "gould_fernandez",
    "hop_distances",
    "in_force",
    "local_bridges",
    "member_ties",
    "neighbour_pairs",
    "organisation_groups",
    "organisation_matrix",
    "organisation_network",
    "organisations_in_role",
    "partner_index",
    "reachable_help",
    "reference_year",
    "relation_strengths",
    "removed_organisations",
    "screen_partners",
    "signal_readings",
    "similar_organisations",
    "structural_holes",
    "support_links",
    "supporting_links",
    "unique_coverage",
    "unknown_indicators",
    "what_if_remove",
]
