"""The typed NetworkX multigraph of a load, generated from the mapping :mod:`model.schema` declares.

The analyses take :class:`model.facts.Facts`; this graph is for the network explorer and for exports to
graph tools (GEXF, GraphML), where the whole typed graph is wanted.

Node keys are ``"<kind>:<id>"`` with kind ``member``, ``organisation``, ``theme``, ``consortium`` or
``commitment``. Every node has attribute ``kind`` plus the non-missing values of its table row (a
consortium's own ``kind`` column is stored as ``consortium_kind``, since ``kind`` names the node kind).
Every edge has attribute ``type`` (a :class:`model.schema.RelType` value) plus the non-missing values of its
row, except the two endpoint id columns: ``source``, ``as_of``, ``confidence`` and, by type, ``theme_id``,
``relation``, ``detail`` (WORKS_IN), ``role`` (MEMBER_OF), ``indicator``, ``kind``, ``value`` (SIGNALS),
``tags`` (ON_THEME). Missing values are left out, as Neo4j does with null properties. Sources are kept in
``G.graph["sources"]`` (id -> row).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import networkx as nx
import pandas as pd

from model.facts import column
from model.schema import NODE_TABLES, REL_MAPPINGS, Label, rel_property_columns
from model.tables import TableError, normalise_tables

__all__ = ["NODE_KINDS", "build_graph", "node_key"]

#: table name -> node kind, for the node tables drawn as nodes (sources are graph attributes)
NODE_KINDS: dict[str, str] = {table: label.kind for table, label in NODE_TABLES.items() if label is not Label.SOURCE}


def node_key(kind: str, id: str) -> str:
    """The graph key of a node.

    >>> node_key("member", "KEN")
    'member:KEN'
    """
    return f"{kind}:{id}"


def build_graph(tables: Mapping[str, pd.DataFrame]) -> nx.MultiDiGraph:
    """Build the typed multigraph from the canonical tables.

    ``tables`` maps table names of :data:`model.schema.TABLES` to DataFrames with (at least) the required
    columns; absent tables count as empty. Relationship rows whose endpoints are not nodes raise
    :class:`model.tables.TableError`.

    Examples
    --------
    >>> tables = {
    ...     "members": pd.DataFrame({"id": ["KEN"], "name": ["Kenya"], "iso3": ["KEN"], "level": ["national"],
    ...                              "status": ["active"], "source": ["s"], "as_of": ["2024"]}),
    ...     "organisations": pd.DataFrame({"id": ["civic-lab"], "name": ["Civic Lab"],
    ...                                    "sector": ["civil_society"], "source": ["s"], "as_of": ["2024"]}),
    ...     "engagements": pd.DataFrame({"organisation_id": ["civic-lab"], "member_id": ["KEN"],
    ...                                  "relation": ["country_programme"], "source": ["s"], "as_of": ["2024"]}),
    ... }
    >>> G = build_graph(tables)
    >>> sorted(G.nodes(data="kind"))
    [('member:KEN', 'member'), ('organisation:civic-lab', 'organisation')]
    >>> [(u, v, d["type"], d["relation"]) for u, v, d in G.edges(data=True)]
    [('organisation:civic-lab', 'member:KEN', 'WORKS_IN', 'country_programme')]
    """
    tables = normalise_tables(tables)
    G = nx.MultiDiGraph()
    G.graph["sources"] = {row["id"]: row for row in _records(tables["sources"])}
    for table, kind in NODE_KINDS.items():
        frame = tables[table]
        if kind == "consortium":
            frame = frame.rename(columns={"kind": "consortium_kind"})
        keys = _objects(_keys(kind, frame["id"]))
        G.add_nodes_from((key, {"kind": kind, **attrs}) for key, attrs in zip(keys, _records(frame), strict=True))
    for m in REL_MAPPINGS:
        frame = tables[m.table]
        if frame.empty:
            continue
        if m.start_by is None:
            sources = _keys(m.start_label.kind, frame[m.start_column])
        else:  # memberships: the participant type (a node kind) says which kind of node
            sources = pd.Series([f"{k}:{i}" for k, i in zip(_objects(frame[m.start_by]),
                                                            _objects(frame[m.start_column]), strict=True)],
                                dtype="str")
        targets = _keys(m.end_label.kind, frame[m.end_column])
        _check_endpoints(G, m.table, sources)
        _check_endpoints(G, m.table, targets)
        props = frame[[c for c in rel_property_columns(m) if c != m.start_by]]
        G.add_edges_from(_edges(sources, targets, m.rel_type.value, props))
    return G


def _edges(sources: pd.Series, targets: pd.Series, rel_type: str,
           props: pd.DataFrame) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for u, v, attrs in zip(_objects(sources), _objects(targets), _records(props), strict=True):
        yield u, v, {"type": rel_type, **attrs}


def _records(frame: pd.DataFrame) -> Iterator[dict[str, Any]]:
    """Rows as dicts without missing values (one conversion per column: iterating Arrow-backed strings value
    by value is slow)."""
    names = list(frame.columns)
    columns = [_objects(frame[c]) for c in names]
    for values in zip(*columns, strict=True):
        yield {k: x for k, x in zip(names, values, strict=True) if x is not None}


def _check_endpoints(G: nx.MultiDiGraph, table: str, keys: pd.Series) -> None:
    known = pd.Series(list(G.nodes), dtype="str")
    bad = keys[keys.isna() | ~keys.isin(known)]
    if len(bad):
        missing = sorted({str(k) for k in bad})
        shown = ", ".join(missing[:5])
        more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        raise TableError(f"{table}: rows refer to unknown nodes: {shown}{more}")


def _keys(kind: str, ids: pd.Series) -> pd.Series:
    return pd.Series([None if i is None else f"{kind}:{i}" for i in _objects(ids)], dtype="str")


def _objects(series: pd.Series) -> list[Any]:
    return column(series.to_frame("v"), "v")
