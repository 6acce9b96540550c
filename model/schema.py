"""The canonical dataset: one CSV file per node or relationship type.

This module is the single source of truth for the project's data model. The
dataset builder (``loaders.build.dataset``) writes these files, the validator and the
Neo4j loader (``loaders``) read them, the projection (``graph.projection``)
returns the same tables from Neo4j, and ``graph.network.build_graph`` turns the
tables into a NetworkX graph for the analyses. README's data-model section is
generated from / checked against it.

Every row of every file carries ``source`` (an id in ``sources.csv``) and
``as_of`` (an ISO date: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

THEMES: dict[str, str] = {
    "open_contracting": "Open contracting",
    "beneficial_ownership": "Beneficial ownership",
    "fiscal_openness": "Fiscal openness",
    "open_data": "Open data",
    "access_to_information": "Access to information",
    "public_services": "Public services",
    "natural_resources": "Natural resources",
    "legislative_openness": "Legislative openness",
    "climate": "Climate and environment",
    "anti_corruption": "Anti-corruption and integrity",
    "civic_space": "Civic space",
    "justice": "Justice",
    "gender_inclusion": "Gender and inclusion",
    "digital_governance": "Digital governance",
    "public_participation": "Public participation",
}

SECTORS = ("civil_society", "multilateral", "government", "private", "academic", "network")
MEMBER_LEVELS = ("national", "local")
MEMBER_STATUSES = ("active", "inactive", "withdrawn", "suspended", "letter_of_intent", "unknown")
CONSORTIUM_KINDS = ("working_group", "collective_action", "partnership", "network", "initiative")
#: ``self_reported``: stated by the organisation itself (a partner's intake workbook, :mod:`loaders.intake`), not
#: seen in a public source; shown as such everywhere, counted as coverage only when the setting
#: ``self_reported_coverage`` says so.
CONFIDENCE = ("high", "medium", "low", "self_reported")
#: The confidence level of a partner's own statements.
SELF_REPORTED = "self_reported"
#: Every source of a partner's own statements (one per submission) has an id starting with this.
SELF_REPORTED_SOURCE = "self-reported-"


def is_self_reported(source: object) -> bool:
    """Whether a source id is a partner's own statement (an intake submission).

    >>> is_self_reported("self-reported-open-ownership-2026-12-07"), is_self_reported("gdb-2022")
    (True, False)
    """
    return isinstance(source, str) and source.startswith(SELF_REPORTED_SOURCE)
#: What an organisation does besides working on themes: ``funder`` = it funds open-government work (OGP itself,
#: members' OGP processes, other organisations), as a source says in ``role_detail``.
ORGANISATION_ROLES = ("funder",)
# A pledge is a yes/no commitment (value 1); a score is 0-100 where higher is better
# (a low score is a need signal).
SIGNAL_KINDS = ("pledge", "score")
PARTICIPANT_TYPES = ("organisation", "member")


class Label(StrEnum):
    """Node labels: the only labels that may appear in Cypher text."""

    @property
    def kind(self) -> str:
        """The node kind: the label in lower case (``member``, ``organisation``, ...), the prefix of the
        multigraph's node keys and of the ``<kind>_id`` columns of :class:`model.facts.Facts`.

        >>> Label.ORGANISATION.kind
        'organisation'
        """
        return self.value.lower()

    MEMBER = "Member"
    THEME = "Theme"
    ORGANISATION = "Organisation"
    CONSORTIUM = "Consortium"
    COMMITMENT = "Commitment"
    SOURCE = "Source"
    LOAD_RUN = "LoadRun"


#: memberships.participant_type -> the label of the participant node
PARTICIPANT_LABELS: dict[str, Label] = {"organisation": Label.ORGANISATION, "member": Label.MEMBER}


class RelType(StrEnum):
    """Relationship types: the only types that may appear in Cypher text."""

    MADE = "MADE"
    ON_THEME = "ON_THEME"
    WORKS_IN = "WORKS_IN"
    EXPERT_IN = "EXPERT_IN"
    MEMBER_OF = "MEMBER_OF"
    FOCUSES_ON = "FOCUSES_ON"
    SIGNALS = "SIGNALS"
    BORDERS = "BORDERS"


@dataclass(frozen=True)
class Column:
    name: str
    type: str = "str"  # str | int | float | bool | date | iso3 | enum | theme | list
    required: bool = True
    choices: tuple[str, ...] = ()
    ref: str | None = None  # "<table>.<column>" this value must exist in
    help: str = ""
    range: tuple[float | None, float | None] = (None, None)  # int/float: the value; date: its year

#: Years a fact can be dated in (Neo4j and pandas hold them; OGP's own facts start in 2011).
YEARS = (1900, 2100)


PROVENANCE = (
    Column("source", ref="sources.id", help="id of the source in sources.csv"),
    Column("as_of", "date", help="date the fact was true or published: YYYY, YYYY-MM or YYYY-MM-DD", range=YEARS),
)
CONF = Column("confidence", "enum", required=False, choices=CONFIDENCE,
              help="high, medium, low or self_reported (the organisation's own statement); blank = high")


@dataclass(frozen=True)
class RelMapping:
    """Where a table's rows go as relationships: (start label, start column) -[type]-> (end label, end column).

    ``start_by``: the column whose value (a :data:`PARTICIPANT_TYPES` kind) chooses the start label row by row
    (memberships). ``properties``: the columns stored on the relationship; ``None`` = every column but the two
    endpoints (a node table's relationship, ``MADE``, carries only its provenance).
    """

    table: str
    rel_type: RelType
    start_label: Label
    start_column: str
    end_label: Label
    end_column: str
    start_by: str | None = None
    properties: tuple[str, ...] | None = None

    @property
    def start_labels(self) -> tuple[Label, ...]:
        """Every label a start node may have.

        >>> TABLE_BY_NAME["memberships"].rel.start_labels
        (<Label.ORGANISATION: 'Organisation'>, <Label.MEMBER: 'Member'>)
        """
        return tuple(PARTICIPANT_LABELS.values()) if self.start_by else (self.start_label,)


@dataclass(frozen=True)
class TableSpec:
    name: str  # file name without .csv
    kind: str  # "node" or "rel"
    columns: tuple[Column, ...]
    key: tuple[str, ...]  # unique key of a row
    label: Label | None = None  # node tables
    rel: RelMapping | None = None  # relationship tables, and a node table that also gives a relationship
    help: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def rel_type(self) -> RelType | None:
        return self.rel.rel_type if self.rel else None

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def claim(self) -> tuple[str, ...]:
        """The key without ``source``: what a row says. Where ``source`` is part of the key (engagements), the
        same claim from two sources is two facts (a partner's statement never overwrites public evidence);
        the dataset builder keeps one row per claim.

        >>> TABLE_BY_NAME["engagements"].claim
        ('organisation_id', 'member_id', 'theme_id', 'relation')
        >>> TABLE_BY_NAME["expertise"].claim == TABLE_BY_NAME["expertise"].key
        True
        """
        return tuple(k for k in self.key if k != "source")


TABLES: tuple[TableSpec, ...] = (
    TableSpec(
        "sources", "node",
        (
            Column("id", help="short stable id, e.g. ogp-commitments"),
            Column("name"),
            Column("url", required=False),
            Column("licence", required=False),
            Column("as_of", "date", range=YEARS),
        ),
        key=("id",), label=Label.SOURCE,
        help="Where facts come from: every other row names one of these in `source`.",
    ),
    TableSpec(
        "themes", "node",
        (Column("id", "theme"), Column("name"), *PROVENANCE),
        key=("id",), label=Label.THEME, help="The 15 theme keys.",
    ),
    TableSpec(
        "members", "node",
        (
            Column("id", help="national: ISO-3 code (Kosovo XKX); local: <parent_iso3>-<slug>"),
            Column("name"),
            Column("iso3", "iso3", help="ISO-3 of the country (of the parent country for a local member)"),
            Column("level", "enum", choices=MEMBER_LEVELS),
            Column("parent_iso3", "iso3", required=False, help="local members: the country"),
            Column("region", required=False,
                   help="OGP region: Africa and Middle East, Americas, Asia and the Pacific, Europe"),
            Column("joined", "int", required=False, help="year the member joined OGP (OGP began in 2011)",
                   range=(2011, YEARS[1])),
            Column("status", "enum", choices=MEMBER_STATUSES),
            CONF, *PROVENANCE,
        ),
        key=("id",), label=Label.MEMBER,
        help="OGP members: countries and local governments (national and local); non-member countries are left "
             "out (see data/BUILD_REPORT.md).",
    ),
    TableSpec(
        "organisations", "node",
        (
            Column("id", help="slug of the name, e.g. open-ownership"),
            Column("name"),
            Column("sector", "enum", choices=SECTORS),
            Column("hq_iso3", "iso3", required=False, help="headquarters country"),
            Column("region", required=False,
                   help="OGP region of the headquarters country (blank when no source gives the headquarters)"),
            Column("roles", "list", required=False, choices=ORGANISATION_ROLES,
                   help="what it does besides working on themes (;-separated): funder"),
            Column("role_detail", required=False, help="the source's words for those roles, e.g. 'OGP funder "
                   "(2013-2019)'"),
            CONF, *PROVENANCE,
        ),
        key=("id",), label=Label.ORGANISATION,
    ),
    TableSpec(
        "consortia", "node",
        (
            Column("id"), Column("name"),
            Column("kind", "enum", choices=CONSORTIUM_KINDS),
            CONF, *PROVENANCE,
        ),
        key=("id",), label=Label.CONSORTIUM,
        help="Working groups, Paris Declaration collective actions, partnerships such as EITI or BOLG.",
    ),
    TableSpec(
        "commitments", "node",
        (
            Column("id", help="OGP commitment unique identifier, e.g. AL0002"),
            Column("member_id", ref="members.id"),
            Column("title"),
            Column("year", "int", help="year the action plan was submitted", range=(2011, YEARS[1])),
            Column("action_plan", required=False),
            Column("irm_specificity", required=False),
            Column("irm_potential_impact", required=False),
            Column("irm_completion", required=False),
            Column("irm_starred", "bool", required=False),
            *PROVENANCE,
        ),
        key=("id",), label=Label.COMMITMENT,
        rel=RelMapping("commitments", RelType.MADE, Label.MEMBER, "member_id", Label.COMMITMENT, "id",
                       properties=("source", "as_of")),
        help="OGP commitments; each also gives (Member)-[:MADE]->(Commitment).",
    ),
    TableSpec(
        "commitment_themes", "rel",
        (Column("commitment_id", ref="commitments.id"), Column("theme_id", "theme", ref="themes.id"),
         Column("tags", required=False, help="OGP policy-area tags that map to the theme, ';'-separated"),
         *PROVENANCE),
        key=("commitment_id", "theme_id"),
        rel=RelMapping("commitment_themes", RelType.ON_THEME, Label.COMMITMENT, "commitment_id", Label.THEME,
                       "theme_id"),
    ),
    TableSpec(
        "engagements", "rel",
        (
            Column("organisation_id", ref="organisations.id"),
            Column("member_id", ref="members.id"),
            Column("theme_id", "theme", required=False, ref="themes.id",
                   help="blank: general engagement on all of the organisation's themes"),
            Column("relation", help="e.g. supports_implementation, named_in_commitment, national_chapter, "
                                    "research_hub, country_programme"),
            Column("detail", required=False),
            Column("until", "date", required=False, range=YEARS,
                   help="when the engagement ended (blank: not known to have ended); as_of is when it was "
                        "observed or began"),
            Column("url", required=False, help="a public page that shows the engagement"),
            CONF, *PROVENANCE,
        ),
        key=("organisation_id", "member_id", "theme_id", "relation", "source"),
        rel=RelMapping("engagements", RelType.WORKS_IN, Label.ORGANISATION, "organisation_id", Label.MEMBER,
                       "member_id"),
        help="(Organisation)-[:WORKS_IN]->(Member): supply.",
    ),
    TableSpec(
        "expertise", "rel",
        (Column("organisation_id", ref="organisations.id"), Column("theme_id", "theme", ref="themes.id"), CONF,
         *PROVENANCE),
        key=("organisation_id", "theme_id"),
        rel=RelMapping("expertise", RelType.EXPERT_IN, Label.ORGANISATION, "organisation_id", Label.THEME,
                       "theme_id"),
    ),
    TableSpec(
        "memberships", "rel",
        (
            Column("participant_type", "enum", choices=PARTICIPANT_TYPES),
            Column("participant_id", help="organisations.id or members.id, by participant_type"),
            Column("consortium_id", ref="consortia.id"),
            Column("role", required=False, help="e.g. member, anchor, co-chair, signatory, supporter"),
            CONF, *PROVENANCE,
        ),
        key=("participant_type", "participant_id", "consortium_id"),
        rel=RelMapping("memberships", RelType.MEMBER_OF, Label.ORGANISATION, "participant_id", Label.CONSORTIUM,
                       "consortium_id", start_by="participant_type"),
    ),
    TableSpec(
        "consortium_themes", "rel",
        (Column("consortium_id", ref="consortia.id"), Column("theme_id", "theme", ref="themes.id"), *PROVENANCE),
        key=("consortium_id", "theme_id"),
        rel=RelMapping("consortium_themes", RelType.FOCUSES_ON, Label.CONSORTIUM, "consortium_id", Label.THEME,
                       "theme_id"),
    ),
    TableSpec(
        "signals", "rel",
        (
            Column("member_id", ref="members.id"),
            Column("theme_id", "theme", ref="themes.id"),
            Column("indicator", help="e.g. oo_bo_commitment_ogp, ocp_ogp_commitment, gdb_module_score, "
                                     "obs_open_budget_index"),
            Column("kind", "enum", choices=SIGNAL_KINDS),
            Column("value", "float", help="pledge: 1; score: 0-100, higher is better"),
            Column("detail", required=False),
            CONF, *PROVENANCE,
        ),
        key=("member_id", "theme_id", "indicator"),
        rel=RelMapping("signals", RelType.SIGNALS, Label.MEMBER, "member_id", Label.THEME, "theme_id"),
        help="(Member)-[:SIGNALS]->(Theme): pledges (demand) and indicator scores (need).",
    ),
    TableSpec(
        "borders", "rel",
        (Column("member_id", ref="members.id"), Column("neighbour_id", ref="members.id"), *PROVENANCE),
        key=("member_id", "neighbour_id"),
        rel=RelMapping("borders", RelType.BORDERS, Label.MEMBER, "member_id", Label.MEMBER, "neighbour_id"),
        help="(Member)-[:BORDERS]->(Member): national members sharing a land border (both directions are rows).",
    ),
)

TABLE_BY_NAME: dict[str, TableSpec] = {t.name: t for t in TABLES}

#: Node tables and their labels, in load order.
NODE_TABLES: dict[str, Label] = {t.name: t.label for t in TABLES if t.label is not None}
#: Every relationship mapping, in load order (after every node table).
REL_MAPPINGS: tuple[RelMapping, ...] = tuple(t.rel for t in TABLES if t.rel is not None)


def node_property_columns(table: str) -> list[str]:
    """Columns of a node table stored as node properties: all but the start column of the relationship the
    table also gives (a commitment's member is its ``MADE`` relationship).

    >>> node_property_columns("commitments")[:3]
    ['id', 'title', 'year']
    """
    spec = TABLE_BY_NAME[table]
    skip = {spec.rel.start_column} if spec.rel is not None and spec.label is not None else set()
    return [c for c in spec.column_names if c not in skip]


def rel_property_columns(m: RelMapping) -> list[str]:
    """Columns stored as relationship properties: all but the two endpoints, or the mapping's ``properties``.

    >>> rel_property_columns(TABLE_BY_NAME["engagements"].rel)
    ['theme_id', 'relation', 'detail', 'until', 'url', 'confidence', 'source', 'as_of']
    >>> rel_property_columns(TABLE_BY_NAME["commitments"].rel)
    ['source', 'as_of']
    """
    if m.properties is not None:
        return list(m.properties)
    skip = {m.start_column, m.end_column}  # memberships keep participant_type on the relationship too
    return [c for c in TABLE_BY_NAME[m.table].column_names if c not in skip]
