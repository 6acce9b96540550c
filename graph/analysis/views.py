"""Derived views of the typed graph that the analyses share.

* :func:`graph_facts` reads the typed multigraph once into tidy tables (:class:`Facts`), so that every
  analysis works with vectorised pandas operations instead of walking the graph again;
  :func:`facts_from_tables` gives the same :class:`Facts` straight from the canonical tables (for large
  datasets, without building the multigraph).
* :func:`organisation_network` is the organisation-organisation graph: two organisations are tied when
  they share a consortium or a member they work in, weighted by Newman's collaboration weight
  ``w_uv = sum over shared affiliations a of 1 / (n_a - 1)`` (``n_a`` = organisations in ``a``), as
  :func:`networkx.algorithms.bipartite.collaboration_weighted_projected_graph` does, so that a large
  consortium does not become a heavy clique. :func:`organisation_matrix` is the same network as sparse
  matrices.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import networkx as nx
import numpy as np
import pandas as pd
import scipy.sparse as sp

__all__ = ["Facts", "graph_facts", "facts_from_tables", "column", "organisation_network", "organisation_matrix",
           "affiliations", "capabilities", "supporting_links"]

_COLUMNS: dict[str, tuple[str, ...]] = {
    "members": ("member_id", "name", "iso3", "level", "parent_iso3", "region", "status"),
    "organisations": ("organisation_id", "name", "sector", "hq_iso3"),
    "consortia": ("consortium_id", "name", "consortium_kind"),
    "engagements": ("organisation_id", "member_id", "theme_id", "relation", "source", "as_of"),
    "expertise": ("organisation_id", "theme_id"),
    "memberships": ("participant_type", "participant_id", "consortium_id", "role"),
    "consortium_themes": ("consortium_id", "theme_id"),
    "commitments": ("commitment_id", "member_id", "theme_id", "source", "as_of"),
    "signals": ("member_id", "theme_id", "indicator", "kind", "value", "source", "as_of"),
}


@dataclass(frozen=True)
class Facts:
    """The typed graph as tidy tables (plain ids, no ``kind:`` prefixes).

    ``members``, ``organisations``, ``consortia``: one row per node. ``engagements`` (``theme_id`` missing
    for a general engagement), ``expertise``, ``memberships``, ``consortium_themes``, ``signals``: one row
    per edge. ``commitments``: one row per (commitment, theme) with the member that made it. ``themes``:
    sorted theme ids.
    """

    members: pd.DataFrame
    organisations: pd.DataFrame
    consortia: pd.DataFrame
    themes: tuple[str, ...]
    engagements: pd.DataFrame
    expertise: pd.DataFrame
    memberships: pd.DataFrame
    consortium_themes: pd.DataFrame
    commitments: pd.DataFrame
    signals: pd.DataFrame


def graph_facts(G: nx.MultiDiGraph | Facts) -> Facts:
    """Read the typed graph built by :func:`graph.network.build_graph` into :class:`Facts`.

    A :class:`Facts` argument is returned unchanged, so every analysis accepts either.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("organisation:a", kind="organisation", id="a", sector="private")
    >>> G.add_node("member:KEN", kind="member", id="KEN", status="active")
    >>> _ = G.add_edge("organisation:a", "member:KEN", type="WORKS_IN", relation="country_programme")
    >>> graph_facts(G).engagements[["organisation_id", "member_id", "relation"]]
      organisation_id member_id           relation
    0               a       KEN  country_programme
    """
    if isinstance(G, Facts):
        return G
    nodes: dict[str, list[dict]] = {"member": [], "organisation": [], "consortium": [], "theme": [],
                                    "commitment": []}
    for key, data in G.nodes(data=True):
        kind = data.get("kind")
        if kind in nodes:
            nodes[kind].append({**data, "_id": data.get("id", _plain(key))})
    rows: dict[str, list[tuple]] = {t: [] for t in ("MADE", "ON_THEME", "WORKS_IN", "EXPERT_IN", "MEMBER_OF",
                                                    "FOCUSES_ON", "SIGNALS")}
    for u, v, d in G.edges(data=True):
        rel = d.get("type")
        if rel == "WORKS_IN":
            rows[rel].append((_plain(u), _plain(v), d.get("theme_id"), d.get("relation"), d.get("source"),
                              d.get("as_of")))
        elif rel == "SIGNALS":
            rows[rel].append((_plain(u), _plain(v), d.get("indicator"), d.get("kind"), d.get("value"),
                              d.get("source"), d.get("as_of")))
        elif rel == "MEMBER_OF":
            rows[rel].append((u.split(":", 1)[0], _plain(u), _plain(v), d.get("role")))
        elif rel in ("EXPERT_IN", "FOCUSES_ON", "MADE", "ON_THEME"):
            rows[rel].append((_plain(u), _plain(v)))

    def frame(name: str, records: list, columns: Iterable[str] | None = None) -> pd.DataFrame:
        cols = list(columns or _COLUMNS[name])
        return pd.DataFrame.from_records(records, columns=cols) if records else _empty(cols)

    def node_frame(kind: str, name: str) -> pd.DataFrame:
        cols = _COLUMNS[name]
        records = [(n["_id"], *(n.get(c) for c in cols[1:])) for n in nodes[kind]]
        return frame(name, records).sort_values(cols[0], ignore_index=True)

    commitment_info = {n["_id"]: (n.get("source"), n.get("as_of")) for n in nodes["commitment"]}
    made = dict((c, m) for m, c in rows["MADE"])
    commitments = [(c, made[c], t, *commitment_info.get(c, (None, None)))
                   for c, t in rows["ON_THEME"] if c in made]
    signals = frame("signals", rows["SIGNALS"])
    signals["value"] = pd.to_numeric(signals["value"], errors="coerce").astype("float64")
    return Facts(
        members=node_frame("member", "members"),
        organisations=node_frame("organisation", "organisations"),
        consortia=node_frame("consortium", "consortia"),
        themes=tuple(sorted(n["_id"] for n in nodes["theme"])),
        engagements=frame("engagements", rows["WORKS_IN"]),
        expertise=frame("expertise", rows["EXPERT_IN"]).drop_duplicates(ignore_index=True),
        memberships=frame("memberships", rows["MEMBER_OF"]),
        consortium_themes=frame("consortium_themes", rows["FOCUSES_ON"]).drop_duplicates(ignore_index=True),
        commitments=frame("commitments", commitments).drop_duplicates(["commitment_id", "theme_id"],
                                                                        ignore_index=True),
        signals=signals,
    )


def facts_from_tables(tables: Mapping[str, pd.DataFrame]) -> Facts:
    """The :class:`Facts` of the graph that :func:`graph.network.build_graph` would build from ``tables``.

    A fast path for large datasets: it skips building the NetworkX multigraph. ``tables`` must already have
    the canonical columns and dtypes (as :func:`graph.tables.read_tables` or
    :func:`graph.tables.normalise_tables` return them). Rows are the same as :func:`graph_facts` gives.

    Examples
    --------
    >>> tables = {"engagements": pd.DataFrame({"organisation_id": ["a"], "member_id": ["KEN"],
    ...                                        "theme_id": [None], "relation": ["country_programme"],
    ...                                        "source": ["s"], "as_of": ["2024"]})}
    >>> facts_from_tables(tables).engagements[["organisation_id", "member_id", "relation"]]
      organisation_id member_id           relation
    0               a       KEN  country_programme
    """

    def table(name: str, rename: Mapping[str, str] | None = None) -> pd.DataFrame:
        frame = tables.get(name)
        if frame is None:
            return pd.DataFrame()
        return frame.rename(columns=dict(rename or {}))

    def pick(frame: pd.DataFrame, name: str) -> pd.DataFrame:
        cols = list(_COLUMNS[name])
        if frame.empty:
            return _empty(cols)
        for c in cols:
            if c not in frame.columns:
                frame = frame.assign(**{c: None})
        return frame[cols].reset_index(drop=True)

    members = pick(table("members", {"id": "member_id"}), "members")
    organisations = pick(table("organisations", {"id": "organisation_id"}), "organisations")
    consortia = pick(table("consortia", {"id": "consortium_id", "kind": "consortium_kind"}), "consortia")
    themes = table("themes")
    made = table("commitments", {"id": "commitment_id"})
    on_theme = table("commitment_themes")
    if made.empty or on_theme.empty:
        commitments = _empty(list(_COLUMNS["commitments"]))
    else:
        commitments = on_theme[["commitment_id", "theme_id"]].merge(
            made[["commitment_id", "member_id", "source", "as_of"]], on="commitment_id")
        commitments = pick(commitments, "commitments").drop_duplicates(["commitment_id", "theme_id"],
                                                                       ignore_index=True)
    signals = pick(table("signals"), "signals")
    signals["value"] = pd.to_numeric(signals["value"], errors="coerce").astype("float64")
    return Facts(
        members=members.sort_values("member_id", ignore_index=True),
        organisations=organisations.sort_values("organisation_id", ignore_index=True),
        consortia=consortia.sort_values("consortium_id", ignore_index=True),
        themes=tuple(sorted(themes["id"])) if not themes.empty else (),
        engagements=pick(table("engagements"), "engagements"),
        expertise=pick(table("expertise"), "expertise").drop_duplicates(ignore_index=True),
        memberships=pick(table("memberships"), "memberships"),
        consortium_themes=pick(table("consortium_themes"), "consortium_themes").drop_duplicates(ignore_index=True),
        commitments=commitments,
        signals=signals,
    )


#: Engagement relations that are not support given to the member: a country funding an initiative, and
#: engagements that have ended. They still tie organisations to members in the network.
NON_SUPPLY_RELATIONS: tuple[str, ...] = ("supporting_country", "past_engagement", "former_implementing_country")


def supporting_links(G: nx.MultiDiGraph | Facts,
                     exclude_relations: Iterable[str] = NON_SUPPLY_RELATIONS) -> pd.DataFrame:
    """(organisation_id, member_id, theme_id) triples of supply, one row each, sorted.

    An organisation supports theme t in member m when it WORKS_IN m with ``theme_id == t``, or works in m
    with a general engagement (blank theme) and is EXPERT_IN t; engagements whose relation is in
    ``exclude_relations`` (default :data:`NON_SUPPLY_RELATIONS`) are not support.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> _ = G.add_edge("organisation:a", "member:KEN", type="WORKS_IN", relation="country_programme")
    >>> _ = G.add_edge("organisation:a", "theme:open_data", type="EXPERT_IN")
    >>> _ = G.add_edge("organisation:b", "member:KEN", type="WORKS_IN", theme_id="justice", relation="x")
    >>> supporting_links(G)
      organisation_id member_id   theme_id
    0               a       KEN  open_data
    1               b       KEN    justice
    """
    facts = graph_facts(G)
    eng = facts.engagements
    eng = eng[~eng["relation"].isin(list(exclude_relations))]
    specific = eng.loc[eng["theme_id"].notna(), ["organisation_id", "member_id", "theme_id"]]
    general = eng.loc[eng["theme_id"].isna(), ["organisation_id", "member_id"]].merge(
        facts.expertise, on="organisation_id")
    links = pd.concat([specific, general[["organisation_id", "member_id", "theme_id"]]], ignore_index=True)
    links = links.astype("str")
    return links.drop_duplicates().sort_values(["organisation_id", "member_id", "theme_id"], ignore_index=True)


def capabilities(G: nx.MultiDiGraph | Facts) -> pd.DataFrame:
    """(organisation_id, theme_id) pairs where the organisation can work on the theme, sorted.

    Capable = EXPERT_IN the theme, or WORKS_IN some member on the theme.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> _ = G.add_edge("organisation:b", "member:KEN", type="WORKS_IN", theme_id="justice", relation="x")
    >>> _ = G.add_edge("organisation:a", "theme:climate", type="EXPERT_IN")
    >>> capabilities(G)
      organisation_id theme_id
    0               a  climate
    1               b  justice
    """
    facts = graph_facts(G)
    eng = facts.engagements
    worked = eng.loc[eng["theme_id"].notna(), ["organisation_id", "theme_id"]]
    both = pd.concat([facts.expertise[["organisation_id", "theme_id"]], worked], ignore_index=True).astype("str")
    return both.drop_duplicates().sort_values(["organisation_id", "theme_id"], ignore_index=True)


def affiliations(G: nx.MultiDiGraph | Facts) -> pd.DataFrame:
    """(organisation_id, affiliation) pairs: ``consortium:<id>`` it is a member of, ``member:<id>`` it works in.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> _ = G.add_edge("organisation:a", "member:KEN", type="WORKS_IN", theme_id="justice", relation="x")
    >>> _ = G.add_edge("organisation:a", "member:KEN", type="WORKS_IN", relation="country_programme")
    >>> _ = G.add_edge("organisation:a", "consortium:wg", type="MEMBER_OF", role="member")
    >>> affiliations(G)
      organisation_id    affiliation
    0               a  consortium:wg
    1               a     member:KEN
    """
    facts = graph_facts(G)
    ms = facts.memberships
    orgs_in = ms.loc[ms["participant_type"] == "organisation"]
    pairs = pd.concat([
        pd.DataFrame({"organisation_id": orgs_in["participant_id"],
                      "affiliation": "consortium:" + orgs_in["consortium_id"]}),
        pd.DataFrame({"organisation_id": facts.engagements["organisation_id"],
                      "affiliation": "member:" + facts.engagements["member_id"]}),
    ], ignore_index=True).astype("str")
    return pairs.drop_duplicates().sort_values(["organisation_id", "affiliation"], ignore_index=True)


def organisation_network(G: nx.MultiDiGraph | Facts, max_affiliation_size: int = 0) -> nx.Graph:
    """Organisations tied by shared consortia and shared members, with Newman collaboration weights.

    Nodes are organisation ids (every organisation, isolates included) with attributes ``name`` and
    ``sector``. Edge ``weight`` = sum over shared affiliations of ``1 / (n_a - 1)``; ``shared`` = number of
    shared affiliations. Affiliations with more than ``max_affiliation_size`` organisations are left out
    (0 = keep all): a member with thousands of organisations says little about who works with whom, and
    its clique would dominate the cost.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> for org in "abc":
    ...     _ = G.add_node(f"organisation:{org}", kind="organisation", id=org, sector="private")
    ...     _ = G.add_edge(f"organisation:{org}", "consortium:wg", type="MEMBER_OF")
    >>> _ = G.add_edge("organisation:a", "member:KEN", type="WORKS_IN", relation="x")
    >>> _ = G.add_edge("organisation:b", "member:KEN", type="WORKS_IN", relation="x")
    >>> H = organisation_network(G)
    >>> sorted(H.edges(data="weight"))
    [('a', 'b', 1.5), ('a', 'c', 0.5), ('b', 'c', 0.5)]
    """
    facts = graph_facts(G)
    names, weights, counts = organisation_matrix(facts, max_affiliation_size)
    info = {o: (n, sec) for o, n, sec in zip(column(facts.organisations, "organisation_id"),
                                              column(facts.organisations, "name"),
                                              column(facts.organisations, "sector"), strict=True)}
    H = nx.Graph()
    H.add_nodes_from((o, {"name": info[o][0], "sector": info[o][1]} if o in info else {}) for o in names)
    upper_w = sp.triu(weights, k=1).tocoo()
    shared = np.asarray(sp.csr_array(counts)[upper_w.row, upper_w.col]).ravel()
    H.add_edges_from(
        (names[i], names[j], {"weight": float(w), "shared": int(c)})
        for i, j, w, c in zip(upper_w.row.tolist(), upper_w.col.tolist(), upper_w.data.tolist(), shared.tolist(),
                              strict=True))
    return H


def organisation_matrix(G: nx.MultiDiGraph | Facts,
                        max_affiliation_size: int = 0) -> tuple[list[str], sp.csr_array, sp.csr_array]:
    """The organisation network as matrices: (sorted organisation ids, Newman weights, shared counts).

    Same ties and weights as :func:`organisation_network` (whose node order is these ids), without building
    a NetworkX graph; both matrices are symmetric with a zero diagonal.
    """
    facts = graph_facts(G)
    pairs = affiliations(facts)
    names = sorted(set(column(facts.organisations, "organisation_id")) | set(column(pairs, "organisation_id")))
    n = len(names)
    if pairs.empty:
        return names, sp.csr_array((n, n)), sp.csr_array((n, n))
    org_index = pd.Index(names)
    aff_codes, aff_names = pd.factorize(pairs["affiliation"])
    rows = org_index.get_indexer(pd.Index(pairs["organisation_id"]))
    B = sp.csr_array((np.ones(len(pairs)), (rows, aff_codes)), shape=(n, len(aff_names)))
    size = np.asarray(B.sum(axis=0)).ravel()
    keep = size >= 2
    if max_affiliation_size > 0:
        keep &= size <= max_affiliation_size
    B = sp.csr_array(B[:, np.flatnonzero(keep)])
    size = size[keep]
    weights = sp.csr_array(B @ sp.diags_array(1.0 / (size - 1)) @ B.T)
    counts = sp.csr_array(B @ B.T)
    for matrix in (weights, counts):
        matrix.setdiag(0)
        matrix.eliminate_zeros()
    return names, weights, counts


def column(frame: pd.DataFrame, name: str) -> list:
    """A column as a list of Python values, missing values as None (fast to iterate, unlike Arrow strings)."""
    return frame[name].to_numpy(dtype=object, na_value=None).tolist()  # type: ignore[call-overload]


def _plain(key: str) -> str:
    return key.split(":", 1)[1] if ":" in key else key


def _empty(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype="object") for c in columns})
