"""Constraints and indexes, created idempotently (``IF NOT EXISTS``) by ``ogpnet db init`` and every load."""

from __future__ import annotations

from typing import LiteralString, cast

from model.schema import Label, RelType

UNIQUE_ID_LABELS: tuple[Label, ...] = (
    Label.MEMBER, Label.THEME, Label.ORGANISATION, Label.CONSORTIUM, Label.COMMITMENT, Label.SOURCE, Label.LOAD_RUN,
)
# (label, property) pairs for looking nodes and relationships up in Cypher by hand (Neo4j Browser, cypher-shell).
# None of the project's own queries needs them: the analyses and the dashboard filter the projected tables in
# pandas, and the latest load is found by its sequence number among a handful of LoadRun records. Each index
# costs load time (measured by `make bench`: bench/results/load.json).
NODE_INDEXES: tuple[tuple[Label, str], ...] = (
    (Label.MEMBER, "iso3"), (Label.MEMBER, "region"), (Label.ORGANISATION, "sector"), (Label.ORGANISATION, "name"),
    (Label.LOAD_RUN, "finished"),
)
REL_INDEXES: tuple[tuple[RelType, str], ...] = ((RelType.WORKS_IN, "theme_id"), (RelType.SIGNALS, "indicator"))


def schema_statements() -> list[LiteralString]:
    """Every constraint and index statement, in order.

    >>> stmts = schema_statements()
    >>> stmts[0]
    'CREATE CONSTRAINT member_id IF NOT EXISTS FOR (n:Member) REQUIRE n.id IS UNIQUE'
    >>> all("IF NOT EXISTS" in s for s in stmts)
    True
    """
    out: list[str] = []
    for label in UNIQUE_ID_LABELS:
        out.append(f"CREATE CONSTRAINT {label.value.lower()}_id IF NOT EXISTS "
                   f"FOR (n:{label.value}) REQUIRE n.id IS UNIQUE")
    for label, prop in NODE_INDEXES:
        out.append(f"CREATE INDEX {label.value.lower()}_{prop} IF NOT EXISTS FOR (n:{label.value}) ON (n.{prop})")
    for rel, prop in REL_INDEXES:
        out.append(f"CREATE INDEX {rel.value.lower()}_{prop} IF NOT EXISTS FOR ()-[r:{rel.value}]-() ON (r.{prop})")
    # Built only from enum values and fixed names above, never from input.
    return [cast(LiteralString, s) for s in out]


SHOW_CONSTRAINTS: LiteralString = (
    "SHOW CONSTRAINTS YIELD name, labelsOrTypes, properties RETURN name, labelsOrTypes, properties"
)
COUNT_BY_LABEL: LiteralString = (
    "CALL db.labels() YIELD label "
    "CALL (label) { MATCH (n) WHERE label IN labels(n) RETURN count(n) AS nodes } "
    "RETURN label, nodes ORDER BY label"
)
COUNT_BY_REL_TYPE: LiteralString = (
    "CALL db.relationshipTypes() YIELD relationshipType AS type "
    "CALL (type) { MATCH ()-[r]->() WHERE type(r) = type RETURN count(r) AS relationships } "
    "RETURN type, relationships ORDER BY type"
)
SERVER_VERSION: LiteralString = (
    "CALL dbms.components() YIELD name, versions, edition RETURN name, versions[0] AS version, edition"
)
