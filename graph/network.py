"""The typed NetworkX graph built from the canonical tables (:mod:`graph.schema`).

Node keys are ``"<kind>:<id>"`` with kind ``member``, ``organisation``, ``theme``, ``consortium`` or
``commitment``. Every node has attribute ``kind`` plus the non-missing values of its table row (a
consortium's own ``kind`` column is stored as ``consortium_kind``, since ``kind`` names the node kind).
Every edge has attribute ``type`` (a :class:`graph.schema.RelType` value) plus the non-missing values of its
row, except the two endpoint id columns: ``source``, ``as_of``, ``confidence`` and, by type, ``theme_id``,
``relation``, ``detail`` (WORKS_IN), ``role`` (MEMBER_OF), ``indicator``, ``kind``, ``value`` (SIGNALS),
``tags`` (ON_THEME). Missing values are left out, as Neo4j does with null properties. Sources are kept in
``G.graph["sources"]`` (id -> row).

Derived views (the organisation collaboration projection, the tidy fact tables the analyses use) live in
:mod:`graph.analysis.views` and are re-exported here. Every analysis accepts the graph or its
:class:`Facts`; on large datasets ``facts_from_tables(tables)`` gives the same facts without building the
multigraph (NetworkX spends most of the time of :func:`build_graph` adding edges).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import networkx as nx
import pandas as pd

from graph.analysis.views import Facts, facts_from_tables, graph_facts, organisation_network
from graph.schema import RelType
from graph.tables import TableError, normalise_tables

__all__ = ["NODE_KINDS", "build_graph", "node_key", "graph_facts", "facts_from_tables", "Facts", "organisation_network"]

#: table name -> node kind
NODE_KINDS: dict[str, str] = {
    "members": "member",
    "organisations": "organisation",
    "themes": "theme",
    "consortia": "consortium",
    "commitments": "commitment",
}

# table -> (type, (source kind, source id column), (target kind, target id column))
_RELATIONSHIPS: tuple[tuple[str, RelType, tuple[str, str], tuple[str, str]], ...] = (
    ("commitments", RelType.MADE, ("member", "member_id"), ("commitment", "id")),
    ("commitment_themes", RelType.ON_THEME, ("commitment", "commitment_id"), ("theme", "theme_id")),
    ("engagements", RelType.WORKS_IN, ("organisation", "organisation_id"), ("member", "member_id")),
    ("expertise", RelType.EXPERT_IN, ("organisation", "organisation_id"), ("theme", "theme_id")),
    ("memberships", RelType.MEMBER_OF, ("", "participant_id"), ("consortium", "consortium_id")),
    ("consortium_themes", RelType.FOCUSES_ON, ("consortium", "consortium_id"), ("theme", "theme_id")),
    ("signals", RelType.SIGNALS, ("member", "member_id"), ("theme", "theme_id")),
)
# properties of the MADE edge (the other commitment columns stay on the commitment node)
_MADE_PROPERTIES = ("source", "as_of")


def node_key(kind: str, id: str) -> str:
    """The graph key of a node.

    >>> node_key("member", "KEN")
    'member:KEN'
    """
    return f"{kind}:{id}"


def build_graph(tables: Mapping[str, pd.DataFrame]) -> nx.MultiDiGraph:
    """Build the typed multigraph from the canonical tables.

    ``tables`` maps table names of :data:`graph.schema.TABLES` to DataFrames with (at least) the required
    columns; absent tables count as empty. Relationship rows whose endpoints are not nodes raise
    :class:`graph.tables.TableError`.

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
    for table, rel_type, (src_kind, src_col), (dst_kind, dst_col) in _RELATIONSHIPS:
        frame = tables[table]
        if frame.empty:
            continue
        if src_kind:
            sources = _keys(src_kind, frame[src_col])
        else:  # memberships: the participant type says which kind of node
            sources = pd.Series([f"{k}:{i}" for k, i in zip(_objects(frame["participant_type"]),
                                                            _objects(frame[src_col]), strict=True)], dtype="str")
        targets = _keys(dst_kind, frame[dst_col])
        _check_endpoints(G, table, sources)
        _check_endpoints(G, table, targets)
        if rel_type is RelType.MADE:
            props = frame[list(_MADE_PROPERTIES)]
        else:
            drop = [src_col, dst_col] + (["participant_type"] if not src_kind else [])
            props = frame.drop(columns=drop)
        G.add_edges_from(_edges(sources, targets, rel_type.value, props))
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
    return series.to_numpy(dtype=object, na_value=None).tolist()  # type: ignore[call-overload]
