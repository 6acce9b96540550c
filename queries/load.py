"""The Cypher that writes the canonical tables into Neo4j and reads them back, generated from the mapping
that :mod:`model.schema` declares for each table.

Node tables become nodes keyed by ``id``; relationship tables become
relationships keyed by a ``key`` property (the table's unique key joined with
``|``), so that ``MERGE`` is idempotent even when a key column is blank.
All text is built from :mod:`model.schema` enums; values are parameters.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import LiteralString, cast

from model.schema import (
    NODE_TABLES,
    TABLE_BY_NAME,
    Label,
    RelMapping,
    RelType,
    node_property_columns,
    rel_property_columns,
)


def rel_key(table: str, row: dict[str, object]) -> str:
    """The ``key`` property of a relationship row: its unique key, ``|``-joined, blanks kept as empty.

    >>> rel_key("engagements", {"organisation_id": "oo", "member_id": "KEN", "theme_id": None,
    ...                         "relation": "programme", "source": "oo-tracker-2022"})
    'oo|KEN||programme|oo-tracker-2022'
    """
    return key_text(row.get(c) for c in rel_key_columns(table))


def key_text(parts: Iterable[object]) -> str:
    """Key parts joined with ``|`` so that different parts never give the same key: ``\\`` and ``|`` inside a
    part are escaped (valid ids contain neither, so the keys of valid data read as before).

    >>> key_text(["a|b", "c"]) != key_text(["a", "b|c"]), key_text(["oo", None, "x"])
    (True, 'oo||x')
    >>> print(key_text(["a|b", "c"]), key_text(["a", "b|c"]))
    a\\|b|c a|b\\|c
    """
    return "|".join("" if p is None else str(p).replace("\\", "\\\\").replace("|", "\\|") for p in parts)


def rel_key_columns(table: str) -> tuple[str, ...]:
    """The columns whose values, ``|``-joined, make a relationship's ``key`` (commitments: member and id).

    >>> rel_key_columns("commitments"), rel_key_columns("expertise")
    (('member_id', 'id'), ('organisation_id', 'theme_id'))
    """
    spec = TABLE_BY_NAME[table]
    if spec.label is not None and spec.rel is not None:  # a node table's relationship: its two ends
        return (spec.rel.start_column, spec.rel.end_column)
    return tuple(spec.key)


def _lit(text: str) -> LiteralString:
    # Every caller builds `text` from enum values, schema column names (checked by `_name`) and fixed strings.
    return cast(LiteralString, text)


def node_ids(label: Label) -> LiteralString:
    """The ids of every node of a label (what a load compares the file's ids with).

    >>> print(node_ids(Label.THEME))
    MATCH (n:Theme) RETURN n.id AS id
    """
    return _lit(f"MATCH (n:{Label(label).value}) RETURN n.id AS id")


def node_properties(label: Label) -> LiteralString:
    """The properties of the nodes with ids ``$ids`` (a page of the nodes a load may change)."""
    return _lit(f"UNWIND $ids AS id MATCH (n:{Label(label).value} {{id: id}}) "
                "RETURN n.id AS id, properties(n) AS props")


def rels_from(start: Label, rel: RelType, end: Label) -> LiteralString:
    """The relationships of a type leaving the nodes with ids ``$ids``: key, properties and element id.

    >>> print(rels_from(Label.MEMBER, RelType.SIGNALS, Label.THEME)[:66])
    UNWIND $ids AS id MATCH (:Member {id: id})-[r:SIGNALS]->(:Theme) R
    """
    s, t, e = Label(start).value, RelType(rel).value, Label(end).value
    return _lit(f"UNWIND $ids AS id MATCH (:{s} {{id: id}})-[r:{t}]->(:{e}) "
                "RETURN r.key AS key, properties(r) AS props, elementId(r) AS rid")


def merge_nodes(label: Label) -> LiteralString:
    """Upsert a batch of nodes; ``SET n = props`` replaces all properties (gone columns disappear).

    >>> print(merge_nodes(Label.THEME))
    UNWIND $rows AS row MERGE (n:Theme {id: row.id}) SET n = row.props RETURN count(*) AS n
    """
    lab = Label(label).value
    return _lit(f"UNWIND $rows AS row MERGE (n:{lab} {{id: row.id}}) SET n = row.props RETURN count(*) AS n")


def create_nodes_flat(table: str) -> LiteralString:
    """Create a batch of new nodes from positional rows: ``row[i]`` is column ``i`` of
    :func:`node_property_columns` (``id`` first).

    Only for ids the load has just read to be absent, inside the same transaction (the load holds
    the load lock, :mod:`graph.load_lock`, and the id's uniqueness constraint still guards it):
    ``CREATE`` skips the lookup and lock that ``MERGE`` makes per row (with :func:`create_rels_flat`).
    A blank (null) value sets no property. Lists instead of maps carry no key names per row. Both were
    measured with ``make bench`` (``bench/results/load.json``). Changed nodes go through :func:`merge_nodes`.

    >>> print(create_nodes_flat("themes"))  # doctest: +NORMALIZE_WHITESPACE
    UNWIND $rows AS row CREATE (n:Theme {id: row[0], name: row[1], source: row[2], as_of: row[3]})
    RETURN count(*) AS n
    """
    label = NODE_TABLES[table].value
    columns = node_property_columns(table)
    if columns[0] != "id":
        raise ValueError(f"{table}: the id column must come first")
    props = ", ".join(f"{_name(c)}: row[{i}]" for i, c in enumerate(columns))
    return _lit(f"UNWIND $rows AS row CREATE (n:{label} {{{props}}}) RETURN count(*) AS n")


def create_rels_flat(m: RelMapping, start: Label) -> LiteralString:
    """Create a batch of new relationships from positional rows ``[start, end, key, *properties]``, the
    properties in the order of :func:`rel_property_columns`.

    Like :func:`create_nodes_flat`: only for keys the load has just read to be absent from the start
    node (a ``MERGE`` would expand the start node's relationships for each row). ``count(*)`` counts
    the rows whose two nodes were found.

    >>> print(create_rels_flat(TABLE_BY_NAME["expertise"].rel, Label.ORGANISATION))  # doctest: +NORMALIZE_WHITESPACE
    UNWIND $rows AS row MATCH (a:Organisation {id: row[0]}) MATCH (b:Theme {id: row[1]})
    CREATE (a)-[r:EXPERT_IN {key: row[2], confidence: row[3], source: row[4], as_of: row[5]}]->(b)
    RETURN count(*) AS n
    """
    s, t, e = Label(start).value, RelType(m.rel_type).value, Label(m.end_label).value
    props = ", ".join(["key: row[2]", *(f"{_name(c)}: row[{i}]" for i, c in enumerate(rel_property_columns(m), 3))])
    return _lit(f"UNWIND $rows AS row MATCH (a:{s} {{id: row[0]}}) MATCH (b:{e} {{id: row[1]}}) "
                f"CREATE (a)-[r:{t} {{{props}}}]->(b) RETURN count(*) AS n")


_IDENTIFIER = re.compile(r"[a-z][a-z0-9_]*")


def _name(column: str) -> str:
    """A schema column name checked to be a plain identifier (it becomes a property name in Cypher text)."""
    if not _IDENTIFIER.fullmatch(column) or column in ("start", "end", "key"):
        raise ValueError(f"column name {column!r} cannot be a property name in the loader's Cypher")
    return column


def merge_rels(start: Label, rel: RelType, end: Label) -> LiteralString:
    """Upsert a batch of relationships between existing nodes, keyed by ``key``; ``count(*)`` is the rows written.

    >>> text = merge_rels(Label.ORGANISATION, RelType.EXPERT_IN, Label.THEME)
    >>> "MATCH (b:Theme {id: row.end}) MERGE (a)-[r:EXPERT_IN {key: row.key}]->(b) SET r = row.props" in text
    True
    """
    s, t, e = Label(start).value, RelType(rel).value, Label(end).value
    return _lit(f"UNWIND $rows AS row MATCH (a:{s} {{id: row.start}}) MATCH (b:{e} {{id: row.end}}) "
                f"MERGE (a)-[r:{t} {{key: row.key}}]->(b) SET r = row.props RETURN count(*) AS n")


def delete_nodes(label: Label) -> LiteralString:
    """Delete the nodes with ids ``$ids`` and whatever relationships they still have."""
    return _lit(f"UNWIND $ids AS id MATCH (n:{Label(label).value} {{id: id}}) DETACH DELETE n RETURN count(*) AS n")


def delete_rels(start: Label, rel: RelType, end: Label) -> LiteralString:
    """Delete the relationships with element ids ``$ids`` (read earlier in the same transaction)."""
    s, t, e = Label(start).value, RelType(rel).value, Label(end).value
    return _lit(f"UNWIND $ids AS rid MATCH (:{s})-[r:{t}]->(:{e}) WHERE elementId(r) = rid DELETE r "
                "RETURN count(*) AS n")


def read_nodes(table: str) -> LiteralString:
    """Every node of a node table as one list of its :func:`node_property_columns` values (projection).

    Positional, like the load's writes: no property map per record, and no key names on the wire.

    >>> print(read_nodes("themes"))
    MATCH (n:Theme) RETURN [n.id, n.name, n.source, n.as_of] AS v ORDER BY n.id
    """
    values = ", ".join(f"n.{_name(c)}" for c in node_property_columns(table))
    return _lit(f"MATCH (n:{NODE_TABLES[table].value}) RETURN [{values}] AS v ORDER BY n.id")


def read_rels(m: RelMapping, start: Label | None = None) -> LiteralString:
    """Every relationship of a mapping as one list: start id, end id, then :func:`read_rel_columns` (projection).

    >>> print(read_rels(TABLE_BY_NAME["expertise"].rel))  # doctest: +NORMALIZE_WHITESPACE
    MATCH (a:Organisation)-[r:EXPERT_IN]->(b:Theme) RETURN [a.id, b.id, r.confidence, r.source, r.as_of] AS v
    ORDER BY r.key
    """
    s = Label(start or m.start_label).value
    values = ", ".join(["a.id", "b.id", *(f"r.{_name(c)}" for c in read_rel_columns(m))])
    return _lit(f"MATCH (a:{s})-[r:{RelType(m.rel_type).value}]->(b:{Label(m.end_label).value}) "
                f"RETURN [{values}] AS v ORDER BY r.key")


def read_rel_columns(m: RelMapping) -> list[str]:
    """The property columns :func:`read_rels` returns after the two ids (none for MADE: it only links).

    >>> read_rel_columns(TABLE_BY_NAME["commitments"].rel), read_rel_columns(TABLE_BY_NAME["commitment_themes"].rel)
    ([], ['tags', 'source', 'as_of'])
    """
    return [] if m.table == "commitments" else rel_property_columns(m)


#: The load lock (how it works: :mod:`graph.load_lock`): the id of its node, which is never committed,
#: and the statements that take and release it.
LOAD_LOCK_ID = "ogpnet-load-in-progress"
TAKE_LOAD_LOCK: LiteralString = "CREATE (:LoadRun {id: $lock})"
RELEASE_LOAD_LOCK: LiteralString = "MATCH (l:LoadRun {id: $lock}) DELETE l"

#: The record of a load, created last in its transaction. ``seq`` numbers the loads 1, 2, 3, … (taken
#: under the load lock, so it only grows); it orders them where ``finished`` (to the second) may tie.
CREATE_LOAD_RUN: LiteralString = (
    "MATCH (p:LoadRun) WITH coalesce(max(p.seq), 0) + 1 AS seq "
    "CREATE (r:LoadRun {id: $id, seq: seq, started: $started, finished: $finished, source_dir: $source_dir, "
    "files: $files, counts: $counts, snapshot: $snapshot})"
)
# Records from before ``seq`` existed count as 0 and are ordered by ``finished``.
LATEST_LOAD_RUN: LiteralString = (
    "MATCH (r:LoadRun) RETURN r.id AS id, r.started AS started, r.finished AS finished, r.files AS files, "
    "r.counts AS counts, r.snapshot AS snapshot, r.source_dir AS source_dir "
    "ORDER BY coalesce(r.seq, 0) DESC, r.finished DESC LIMIT 1"
)
#: The content snapshots of the loads committed after load ``$id`` (its ``seq``; a record from before ``seq``
#: existed counts as 0). Used by a reader to tell whether the loads that committed while it read changed anything.
LOAD_SNAPSHOTS_AFTER: LiteralString = (
    "MATCH (p:LoadRun {id: $id}) WITH coalesce(p.seq, 0) AS seq "
    "MATCH (r:LoadRun) WHERE coalesce(r.seq, 0) > seq AND r.snapshot IS NOT NULL "
    "RETURN collect(DISTINCT r.snapshot) AS snapshots"
)
