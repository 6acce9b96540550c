"""Brokerage: who connects otherwise separate parts of the organisation network.

* :func:`betweenness` - Brandes betweenness (unweighted shortest paths, normalised, endpoints excluded),
  exact up to ``betweenness_exact_limit`` nodes, else estimated from ``betweenness_sample_size`` pivot
  sources drawn with ``random.Random(seed).sample(list(H), k)``. Values equal
  ``networkx.betweenness_centrality(H, k=k, seed=seed)`` (same pivots, same rescaling); the computation is
  a batched linear-algebra form of Brandes' algorithm (one sparse-dense product per BFS level).
* :func:`structural_holes` - Burt's constraint and effective size, equal to ``networkx.constraint`` and
  ``networkx.effective_size`` with ``weight="weight"`` node by node, computed with sparse matrix products.
  (NetworkX 3.6's own all-nodes fast path of ``effective_size`` normalises by the wrong axis on weighted
  graphs - networkx PR #8906 - so compare with ``nx.effective_size(H, nodes=list(H), weight=...)``.)
* :func:`local_bridges`, :func:`articulation_points` - single points of failure.
* :func:`gould_fernandez` - Gould-Fernandez brokerage roles with the z-scores of R's ``sna::brokerage``.

All functions take the undirected organisation network of
:func:`graph.analysis.network.organisation_network` (any NetworkX graph works).
"""

from __future__ import annotations

import random
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
import scipy.sparse as sp

from graph.analysis.network import organisation_matrix
from model.config import AnalysisConfig
from model.facts import Facts

__all__ = [
    "ROLES",
    "Betweenness",
    "BrokerageReport",
    "articulation_points",
    "betweenness",
    "brokerage_report",
    "dominant_role",
    "gould_fernandez",
    "local_bridges",
    "structural_holes",
]

#: Gould-Fernandez roles in R's column order (w_I, w_O, b_IO, b_OI, b_O).
ROLES = ("coordinator", "itinerant", "representative", "gatekeeper", "liaison")

# rows of the masked matrix product computed at once (bounds the memory of X[rows] @ Y)
_CHUNK_CELLS = 4_000_000


@dataclass(frozen=True)
class Betweenness:
    """Betweenness values and how they were computed (``method`` is ``"exact"`` or ``"sampled"``)."""

    values: pd.Series
    method: str
    k: int | None
    seed: int | None

    def to_dict(self) -> dict[str, Any]:
        return {"method": self.method, "k": self.k, "seed": self.seed, "values": self.values.to_dict()}


def betweenness(H: nx.Graph, config: AnalysisConfig | None = None) -> Betweenness:
    """Normalised shortest-path betweenness, exact or from sampled pivots (see the module docstring).

    Examples
    --------
    >>> H = nx.path_graph(["a", "b", "c", "d"])
    >>> result = betweenness(H)
    >>> result.method, result.values.round(4).to_dict()
    ('exact', {'a': 0.0, 'b': 0.6667, 'c': 0.6667, 'd': 0.0})
    >>> sampled = betweenness(H, AnalysisConfig(betweenness_exact_limit=3, betweenness_sample_size=2, seed=1))
    >>> sampled.method, sampled.k
    ('sampled', 2)
    """
    nodes = list(H.nodes())
    return _betweenness(_adjacency(H, nodes), nodes, config or AnalysisConfig())


def _betweenness(A: sp.csr_array, nodes: list[Hashable], cfg: AnalysisConfig) -> Betweenness:
    n = len(nodes)
    k: int | None = None
    if n > cfg.betweenness_exact_limit and cfg.betweenness_sample_size < n:
        k = cfg.betweenness_sample_size
        pivots = random.Random(cfg.seed).sample(nodes, k)  # the pivots networkx draws for the same seed
    else:
        pivots = nodes
    index = {v: i for i, v in enumerate(nodes)}
    sources = np.array([index[s] for s in pivots], dtype=np.int64)
    raw = _brandes(A, sources)
    N = n - 1  # endpoints excluded: v is never the target
    if N >= 2:
        if k is None:
            raw *= 1.0 / (N * (N - 1))
        else:
            scale_source = 1.0 / ((k - 1) * (N - 1)) if k > 1 else np.nan
            is_source = np.zeros(n, dtype=bool)
            is_source[sources] = True
            raw = np.where(is_source, raw * scale_source, raw * (1.0 / (k * (N - 1))))
    values = pd.Series(raw, index=pd.Index(nodes, name="node"), name="betweenness", dtype="float64")
    return Betweenness(values, "exact" if k is None else "sampled", k, cfg.seed if k is not None else None)


def structural_holes(H: nx.Graph, weight: str | None = "weight") -> pd.DataFrame:
    """Burt's constraint and effective size of every node (NaN for isolates).

    Equals ``networkx.constraint(H, weight=weight)`` and
    ``networkx.effective_size(H, nodes=list(H), weight=weight)`` (Burt's redundancy with mutual weights
    normalised by the row sum and the row maximum). Self-loops are ignored. Returns a DataFrame indexed by
    node with columns ``constraint``, ``effective_size``, ``degree``.

    Examples
    --------
    >>> H = nx.Graph([("hub", "a"), ("hub", "b"), ("hub", "c"), ("a", "b")])
    >>> structural_holes(H).round(4).reset_index()
      node  constraint  effective_size  degree
    0  hub      0.6111          2.3333       3
    1    a      1.0069          1.0000       2
    2    b      1.0069          1.0000       2
    3    c      1.0000          1.0000       1
    """
    nodes = list(H.nodes())
    return _structural_holes(_weights(H, nodes, weight), nodes)


def _structural_holes(W: sp.csr_array, nodes: list[Hashable]) -> pd.DataFrame:
    M = sp.csr_array(W + W.T)  # mutual weight: a_uv + a_vu
    pattern = M.copy()
    pattern.data[:] = 1.0
    degree = np.diff(pattern.indptr)
    with np.errstate(divide="ignore", invalid="ignore"):
        row_sum = np.asarray(M.sum(axis=1)).ravel()
        row_max = M.max(axis=1).toarray().ravel() if M.nnz else np.zeros(len(nodes))
        P = sp.csr_array(sp.diags_array(np.where(row_sum > 0, 1.0 / row_sum, 0.0)) @ M)
        Mx = sp.csr_array(sp.diags_array(np.where(row_max > 0, 1.0 / row_max, 0.0)) @ M)
    indirect = _masked_matmul(P, P, pattern)
    constraint = np.asarray((P + indirect).power(2).sum(axis=1)).ravel()
    redundancy = np.asarray(P.multiply(_masked_matmul(pattern, Mx, P)).sum(axis=1)).ravel()
    effective = degree - redundancy
    isolate = degree == 0
    return pd.DataFrame({"constraint": np.where(isolate, np.nan, constraint),
                         "effective_size": np.where(isolate, np.nan, effective),
                         "degree": degree.astype("int64")}, index=pd.Index(nodes, name="node"))


def local_bridges(H: nx.Graph) -> pd.DataFrame:
    """Local bridges (edges whose endpoints share no neighbour) with their span, as ``nx.local_bridges``.

    ``span`` is the length of the shortest path between the endpoints without the edge (``inf`` when there is
    none: then the edge is a bridge). Columns ``u``, ``v`` (``u`` < ``v`` as strings), ``span``, ``bridge``;
    sorted by span descending then u, v.

    Examples
    --------
    >>> H = nx.Graph([("a", "b"), ("b", "c"), ("c", "d"), ("d", "a"), ("d", "e")])
    >>> local_bridges(H)
       u  v  span  bridge
    0  d  e   inf    True
    1  a  b   3.0   False
    2  a  d   3.0   False
    3  b  c   3.0   False
    4  c  d   3.0   False
    """
    if H.is_directed() or H.is_multigraph():
        raise ValueError("local_bridges needs an undirected simple graph")
    nodes = list(H.nodes())
    return _local_bridges(_adjacency(H, nodes), nodes)


def _local_bridges(A: sp.csr_array, nodes: list[Hashable], common: sp.csr_array | None = None) -> pd.DataFrame:
    if common is None:
        common = _masked_matmul(A, A, A)  # common neighbours of the endpoints of every edge
    upper = sp.triu(A, k=1).tocoo()
    shared = np.asarray(sp.csr_array(common)[upper.row, upper.col]).ravel() if upper.nnz else np.zeros(0)
    indptr, indices = A.indptr.tolist(), A.indices.tolist()
    rows = []
    for i, j in zip(upper.row[shared == 0].tolist(), upper.col[shared == 0].tolist(), strict=True):
        a, b = sorted((nodes[i], nodes[j]), key=str)
        rows.append((a, b, _span(indptr, indices, i, j)))
    out = pd.DataFrame(rows, columns=["u", "v", "span"])
    out["span"] = out["span"].astype("float64")
    out["bridge"] = np.isinf(out["span"])
    return out.sort_values(["span", "u", "v"], ascending=[False, True, True], key=_sort_key,
                           ignore_index=True)


def _span(indptr: list[int], indices: list[int], u: int, v: int) -> float:
    """Length of a shortest u-v path avoiding the edge u-v (inf if none): bidirectional BFS, level by level."""
    dist: list[dict[int, int]] = [{u: 0}, {v: 0}]
    fronts = [[u], [v]]
    while fronts[0] and fronts[1]:
        side = 0 if len(fronts[0]) <= len(fronts[1]) else 1
        mine, other = dist[side], dist[1 - side]
        best = float("inf")
        following = []
        for x in fronts[side]:
            dx = mine[x] + 1
            for y in indices[indptr[x]:indptr[x + 1]]:
                if (x == u and y == v) or (x == v and y == u):
                    continue
                if y in other:
                    best = min(best, dx + other[y])
                if y not in mine:
                    mine[y] = dx
                    following.append(y)
        if best < float("inf"):
            return best
        fronts[side] = following
    return float("inf")


def articulation_points(H: nx.Graph) -> list[Hashable]:
    """Nodes whose removal disconnects their component, sorted.

    >>> articulation_points(nx.Graph([("a", "b"), ("b", "c")]))
    ['b']
    """
    nodes = list(H.nodes())
    A = _adjacency(H.to_undirected(as_view=True) if H.is_directed() else H, nodes)
    return _articulation_points(A, nodes)


def _articulation_points(A: sp.csr_array, nodes: list[Hashable]) -> list[Hashable]:
    """Hopcroft-Tarjan on the symmetric 0/1 adjacency, iteratively (no recursion limit)."""
    n = A.shape[0]
    indptr, indices = A.indptr.tolist(), A.indices.tolist()
    disc = [-1] * n
    low = [0] * n
    parent = [-1] * n
    cut: set[int] = set()
    clock = 0
    for root in range(n):
        if disc[root] != -1:
            continue
        disc[root] = low[root] = clock
        clock += 1
        children = 0
        stack = [(root, indptr[root])]
        while stack:
            v, ptr = stack[-1]
            if ptr < indptr[v + 1]:
                stack[-1] = (v, ptr + 1)
                w = indices[ptr]
                if disc[w] == -1:
                    parent[w] = v
                    disc[w] = low[w] = clock
                    clock += 1
                    if v == root:
                        children += 1
                    stack.append((w, indptr[w]))
                elif w != parent[v]:
                    low[v] = min(low[v], disc[w])
            else:
                stack.pop()
                if stack:
                    p = stack[-1][0]
                    low[p] = min(low[p], low[v])
                    if p != root and low[v] >= disc[p]:
                        cut.add(p)
        if children > 1:
            cut.add(root)
    return sorted((nodes[i] for i in cut), key=str)


def gould_fernandez(G: nx.Graph, group: str | Mapping[Hashable, Hashable]) -> pd.DataFrame:
    """Gould-Fernandez brokerage roles with raw counts and z-scores, as R's ``sna::brokerage``.

    For every open two-path ``a -> v -> b`` (``a != b``, no arc ``a -> b``) the broker ``v`` gets one count
    in the role given by the groups: coordinator ``g(a) = g(v) = g(b)``; itinerant ``g(a) = g(b) != g(v)``;
    representative ``g(a) = g(v) != g(b)``; gatekeeper ``g(a) != g(v) = g(b)``; liaison (all differ).
    Undirected edges count as two arcs; parallel edges count once; self-loops never form two-paths but, as
    in ``sna``, count as arcs in the density ``d = arcs / (N (N - 1))`` of the null model. z-scores are
    ``(raw - E) / sd`` with ``sna``'s expected values and variances for a random graph of density ``d``
    with the same group sizes (NaN when both numerator and variance are 0, as in R).

    ``group`` is a node attribute name or a mapping node -> group; nodes without a group form one group.
    Returns a DataFrame indexed by node (graph order) with columns coordinator, itinerant, representative,
    gatekeeper, liaison, total (int) and z_coordinator, ..., z_liaison, z_total (float).

    Examples
    --------
    >>> G = nx.DiGraph([("a", "b"), ("b", "c"), ("c", "d")])
    >>> gf = gould_fernandez(G, {"a": "x", "b": "x", "c": "y", "d": "y"})
    >>> gf[["coordinator", "representative", "gatekeeper", "total"]].reset_index()
      node  coordinator  representative  gatekeeper  total
    0    a            0               0           0      0
    1    b            0               1           0      1
    2    c            0               0           1      1
    3    d            0               0           0      0
    >>> round(float(gf.loc["b", "z_representative"]), 6)
    2.83011
    """
    nodes = list(G.nodes())
    return _gould_fernandez(_adjacency(G, nodes, keep_loops=True), _labels(G, nodes, group), nodes)


def _gould_fernandez(A_full: sp.csr_array, labels: list[Any], nodes: list[Hashable], common: sp.csr_array | None = None,
                     symmetric: bool = False) -> pd.DataFrame:
    codes, _ = pd.factorize(pd.Series(labels, dtype="object"), use_na_sentinel=False)
    arcs = A_full.nnz  # self-loops included, as sna counts them in the density
    A = A_full.copy()
    A.setdiag(0)
    A.eliminate_zeros()
    raw = _gf_counts(A, codes, common, symmetric)
    z = _gf_zscores(raw, codes, len(nodes), arcs)
    out = pd.DataFrame(raw, columns=[*ROLES, "total"], index=pd.Index(nodes, name="node")).astype("int64")
    for j, name in enumerate([*ROLES, "total"]):
        out[f"z_{name}"] = z[:, j]
    return out


def dominant_role(gf: pd.DataFrame) -> pd.Series:
    """Per node, the role with the highest z-score among roles with a positive raw count, else ``"none"``.

    Ties go to the earlier role in :data:`ROLES`.

    >>> gf = pd.DataFrame({"coordinator": [0, 2], "itinerant": [1, 0], "representative": [0, 0],
    ...                    "gatekeeper": [0, 0], "liaison": [0, 0], "z_coordinator": [0.1, 1.5],
    ...                    "z_itinerant": [0.7, -1.0], "z_representative": [0.0, 0.0],
    ...                    "z_gatekeeper": [0.0, 0.0], "z_liaison": [0.0, 0.0]}, index=["a", "b"])
    >>> dominant_role(gf).to_dict()
    {'a': 'itinerant', 'b': 'coordinator'}
    """
    raw = gf[list(ROLES)].to_numpy()
    z = gf[[f"z_{r}" for r in ROLES]].to_numpy(dtype=float)
    score = np.where(raw > 0, np.nan_to_num(z, nan=-np.inf, posinf=np.inf), -np.inf)
    best = np.argmax(score, axis=1)
    has_any = raw.sum(axis=1) > 0
    return pd.Series(np.where(has_any, np.array(ROLES, dtype=object)[best], "none"), index=gf.index,
                     name="dominant_role")


@dataclass(frozen=True)
class BrokerageReport:
    """Brokerage measures of every organisation plus the network's single points of failure.

    ``organisations`` is indexed by organisation id with columns ``name``, the group (``sector`` by default:
    ``config.brokerage_group``), ``degree``,
    ``strength`` (sum of Newman weights), ``betweenness``, ``constraint``, ``effective_size``,
    ``articulation_point``, the :func:`gould_fernandez` columns (groups = ``config.brokerage_group``) and
    ``dominant_role``. ``bridges`` is :func:`local_bridges`.
    """

    organisations: pd.DataFrame
    bridges: pd.DataFrame
    articulation_points: list[Hashable]
    betweenness_method: str
    betweenness_k: int | None
    seed: int | None
    group: str
    extra: dict[str, Any] = field(default_factory=dict)


def brokerage_report(G: Facts | nx.Graph, config: AnalysisConfig | None = None) -> BrokerageReport:
    """All brokerage measures on the organisation network of ``G``.

    ``G`` is the load's :class:`~model.facts.Facts` (the organisation network is then built as matrices with
    ``config.max_affiliation_size``, and the groups are the organisations' ``config.brokerage_group`` column,
    e.g. ``sector`` or ``hq_iso3``), or an undirected organisation network already built (groups from the
    node attribute). Local bridges and Gould-Fernandez share one common-neighbour product.
    """
    cfg = config or AnalysisConfig()
    if isinstance(G, nx.Graph) and not G.is_directed() and not G.is_multigraph():
        nodes = list(G.nodes())
        W = _weights(G, nodes, "weight")
        names = [G.nodes[v].get("name") for v in nodes]
        groups = _labels(G, nodes, cfg.brokerage_group)
    elif isinstance(G, Facts):  # build the projection as matrices, without a NetworkX graph
        facts = G
        nodes, W, _ = organisation_matrix(facts, cfg.max_affiliation_size)
        orgs = facts.organisations.set_index("organisation_id")
        names = [orgs["name"].get(v) for v in nodes]
        group_col = orgs[cfg.brokerage_group] if cfg.brokerage_group in orgs.columns else pd.Series(dtype=object)
        groups = [group_col.get(v) for v in nodes]
    else:
        raise TypeError("brokerage_report takes Facts or an undirected organisation network (nx.Graph)")
    A = _pattern(W)
    common = _masked_matmul(A, A, A)  # shared by local bridges and Gould-Fernandez
    bc = _betweenness(A, nodes, cfg)
    holes = _structural_holes(W, nodes)
    gf = _gould_fernandez(A, groups, nodes, common=common, symmetric=True)
    cut = _articulation_points(A, nodes)
    orgs_out = pd.DataFrame(index=pd.Index(nodes, name="organisation_id"))
    orgs_out["name"] = pd.Series(names, index=orgs_out.index, dtype="object")
    orgs_out[cfg.brokerage_group] = pd.Series(groups, index=orgs_out.index, dtype="object")
    orgs_out["degree"] = holes["degree"].to_numpy()
    orgs_out["strength"] = np.asarray(W.sum(axis=1)).ravel()
    orgs_out["betweenness"] = bc.values.to_numpy()
    orgs_out["constraint"] = holes["constraint"].to_numpy()
    orgs_out["effective_size"] = holes["effective_size"].to_numpy()
    orgs_out["articulation_point"] = orgs_out.index.isin(cut)
    for col in gf.columns:
        orgs_out[col] = gf[col].to_numpy()
    orgs_out["dominant_role"] = dominant_role(gf).to_numpy()
    return BrokerageReport(orgs_out, _local_bridges(A, nodes, common), cut, bc.method, bc.k, bc.seed,
                           cfg.brokerage_group)


# -- Gould-Fernandez -------------------------------------------------------------------------------------


def _labels(G: nx.Graph, nodes: list[Hashable], group: str | Mapping[Hashable, Hashable]) -> list[Any]:
    if isinstance(group, str):
        return [G.nodes[v].get(group) for v in nodes]
    return [group.get(v) for v in nodes]


def _gf_counts(A: sp.csr_array, codes: np.ndarray, common: sp.csr_array | None = None,
               symmetric: bool = False) -> np.ndarray:
    """Raw role counts (n x 6) from the 0/1 adjacency without diagonal and the group codes.

    ``common`` = ``A @ A.T`` on the pattern of A if already computed; ``symmetric``: A is symmetric (an
    undirected graph), so two of the three masked products are transposes of each other.
    """
    n = A.shape[0]
    if n == 0:
        return np.zeros((0, 6), dtype=np.int64)
    coo = A.tocoo()
    same = codes[coo.row] == codes[coo.col]
    W = sp.csr_array((coo.data[same], (coo.row[same], coo.col[same])), shape=A.shape)  # same-group arcs
    AT = sp.csr_array(A.T)
    WT = sp.csr_array(W.T)

    def colsum(X: sp.csr_array) -> np.ndarray:
        return np.asarray(X.sum(axis=0)).ravel()

    def rowsum(X: sp.csr_array) -> np.ndarray:
        return np.asarray(X.sum(axis=1)).ravel()

    indeg, outdeg = colsum(A), rowsum(A)
    in_same, out_same = colsum(W), rowsum(W)
    recip = colsum(A.multiply(AT))  # a -> v -> a
    recip_same = colsum(W.multiply(AT))
    groups = sp.csr_array((np.ones(n), (np.arange(n), codes)), shape=(n, int(codes.max()) + 1))
    raw_same_pair = np.asarray((AT @ groups).multiply(A @ groups).sum(axis=1)).ravel()
    # closed two-paths a -> v -> b with a -> b, by which of a, b share the group of v (or of each other):
    AAt = common if common is not None else _masked_matmul(A, AT, A)  # common out-neighbours of a and v
    AWt = _masked_matmul(A, WT, A)
    WAt = sp.csr_array(AWt.T) if symmetric else _masked_matmul(W, AT, A)
    closed_all = colsum(A.multiply(AAt))
    closed_same_any = colsum(W.multiply(AAt))
    closed_same_same = colsum(W.multiply(AWt))
    closed_any_same = colsum(A.multiply(AWt))
    closed_pair = colsum(A.multiply(WAt))
    total = indeg * outdeg - recip - closed_all
    ss = in_same * out_same - recip_same - closed_same_same  # g(a) = g(v) = g(b)
    sa = in_same * outdeg - recip_same - closed_same_any  # g(a) = g(v)
    as_ = indeg * out_same - recip_same - closed_any_same  # g(b) = g(v)
    pair = raw_same_pair - recip - closed_pair  # g(a) = g(b)
    counts = np.column_stack([ss, pair - ss, sa - ss, as_ - ss, total - sa - as_ - pair + 2 * ss, total])
    out: np.ndarray = np.rint(counts).astype(np.int64)
    return out


def _gf_zscores(raw: np.ndarray, codes: np.ndarray, n_nodes: int, arcs: int) -> np.ndarray:
    """sna::brokerage's node-level z-scores (same expected values and variances, group by group)."""
    if n_nodes < 2:
        return np.full(raw.shape, np.nan)
    N = float(n_nodes)
    d = arcs / (N * (N - 1))
    n = np.bincount(codes).astype(float)
    p = d**2 * (1 - d)
    q = d**3 * (1 - d) ** 3
    expect = np.zeros((len(n), 6))
    var = np.zeros((len(n), 6))
    for i, ni in enumerate(n):
        rest = np.delete(n, i)
        expect[i, 0] = p * (ni - 1) * (ni - 2)
        var[i, 0] = expect[i, 0] * (1 - p) + 2 * (ni - 1) * (ni - 2) * (ni - 3) * q
        expect[i, 1] = p * np.sum(rest * (rest - 1))
        var[i, 1] = expect[i, 1] * (1 - p) + 2 * np.sum(rest * (rest - 1) * (rest - 2)) * q
        expect[i, 2] = p * (N - ni) * (ni - 1)
        var[i, 2] = expect[i, 2] * (1 - p) + 2 * ((ni - 1) * _choose2(N - ni) + (N - ni) * _choose2(ni - 1)) * q
        expect[i, 3], var[i, 3] = expect[i, 2], var[i, 2]
        expect[i, 4] = p * (np.sum(np.outer(rest, rest)) - np.sum(rest**2))
        var[i, 4] = expect[i, 4] * (1 - p) + 4 * np.sum(rest * _choose2(N - rest - ni) * q)
        expect[i, 5] = p * (N - 1) * (N - 2)
        var[i, 5] = expect[i, 5] * (1 - p) + 2 * (N - 1) * (N - 2) * (N - 3) * q
    with np.errstate(divide="ignore", invalid="ignore"):
        z: np.ndarray = (raw - expect[codes]) / np.sqrt(var[codes])
        return z


def _choose2(x: Any) -> Any:
    return x * (x - 1) / 2


# -- linear algebra helpers ---------------------------------------------------------------------------


def _adjacency(G: nx.Graph, nodes: list[Hashable], keep_loops: bool = False) -> sp.csr_array:
    """0/1 out-adjacency (both directions for undirected graphs), parallel edges collapsed."""
    A = sp.csr_array(nx.to_scipy_sparse_array(G, nodelist=nodes, weight=None, format="csr"), dtype=float)
    if not keep_loops:
        A.setdiag(0)
    A.eliminate_zeros()
    A.data[:] = 1.0
    return A


def _weights(H: nx.Graph, nodes: list[Hashable], weight: str | None) -> sp.csr_array:
    """Edge weights (1 without ``weight``), both directions for undirected graphs, self-loops dropped."""
    W = sp.csr_array(nx.to_scipy_sparse_array(H, nodelist=nodes, weight=weight, format="csr"), dtype=float)
    W.setdiag(0)
    W.eliminate_zeros()
    return W


def _pattern(W: sp.csr_array) -> sp.csr_array:
    A = sp.csr_array(W, dtype=float, copy=True)
    A.eliminate_zeros()
    A.data[:] = 1.0
    return A


def _masked_matmul(X: sp.csr_array, Y: sp.csr_array, mask: sp.csr_array) -> sp.csr_array:
    """``(X @ Y)`` kept only where ``mask`` is non-zero, computed in row chunks to bound memory."""
    n_rows, n_cols = X.shape[0], Y.shape[1]
    pattern = sp.csr_array(mask, dtype=float, copy=True)
    pattern.data[:] = 1.0
    step = max(1, _CHUNK_CELLS // max(1, n_cols))
    if step >= n_rows:
        return sp.csr_array((X @ Y).multiply(pattern))
    parts = [sp.csr_array((X[r:r + step] @ Y).multiply(pattern[r:r + step])) for r in range(0, n_rows, step)]
    return sp.csr_array(sp.vstack(parts, format="csr"))


def _brandes(A: sp.csr_array, sources: np.ndarray, batch: int | None = None) -> np.ndarray:
    """Sum over ``sources`` of Brandes' dependencies delta_s(v), v != s (unweighted, arcs of A)."""
    n = A.shape[0]
    bc = np.zeros(n)
    if n == 0 or len(sources) == 0:
        return bc
    AT = sp.csr_array(A.T)
    batch = batch or max(1, min(len(sources), _CHUNK_CELLS // max(1, n)))
    for start in range(0, len(sources), batch):
        src = sources[start:start + batch]
        b = len(src)
        cols = np.arange(b)
        sigma = np.zeros((n, b))
        sigma[src, cols] = 1.0
        depth = np.full((n, b), -1, dtype=np.int32)
        depth[src, cols] = 0
        frontier = sigma.copy()
        level = 0
        while True:
            reached = AT @ frontier  # paths into every node from the current level
            new = (reached > 0) & (depth < 0)
            if not new.any():
                break
            level += 1
            depth[new] = level
            sigma[new] = reached[new]
            frontier = np.where(new, reached, 0.0)
        delta = np.zeros((n, b))
        with np.errstate(divide="ignore", invalid="ignore"):
            for lv in range(level, 0, -1):
                coeff = np.where(depth == lv, (1.0 + delta) / sigma, 0.0)
                delta += np.where(depth == lv - 1, sigma * (A @ coeff), 0.0)
        delta[src, cols] = 0.0
        bc += delta.sum(axis=1)
    return bc


def _sort_key(s: pd.Series) -> pd.Series:
    return s if s.name == "span" else s.astype("str")
