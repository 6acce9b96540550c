"""Reach: how many hops separate members from organisations in the partnership network.

Hops are counted in the undirected graph whose nodes are members and organisations and whose edges are:
organisation - member it WORKS_IN (any theme), organisation - organisation sharing a consortium, member -
neighbouring member (local member - its parent country always; members of the same OGP region when
``region_neighbours``). :class:`Reach` computes the distances for many members at once with bitset
frontiers over sparse adjacency; :func:`hop_distances` returns them as a table.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np
import pandas as pd
import scipy.sparse as sp

from graph.analysis.scope import analysed_members
from model.config import AnalysisConfig
from model.facts import Facts, column

__all__ = ["Reach", "hop_distances", "neighbour_pairs"]


def neighbour_pairs(members: pd.DataFrame, region_neighbours: bool = True,
                    of: Iterable[str] | None = None) -> pd.DataFrame:
    """Ordered (member_id, neighbour_id) pairs among ``members``: local <-> parent, and same region.

    ``of`` keeps only the pairs of those members (the full region table grows with the square of the
    members per region).

    Examples
    --------
    >>> members = pd.DataFrame({"member_id": ["KEN", "KEN-x", "GHA", "MEX"],
    ...                         "level": ["national", "local", "national", "national"],
    ...                         "parent_iso3": [None, "KEN", None, None],
    ...                         "region": ["Africa", None, "Africa", "Americas"]})
    >>> neighbour_pairs(members)
      member_id neighbour_id
    0       GHA          KEN
    1       KEN          GHA
    2       KEN        KEN-x
    3     KEN-x          KEN
    >>> neighbour_pairs(members, region_neighbours=False, of=["KEN"])
      member_id neighbour_id
    0       KEN        KEN-x
    """
    ids = set(column(members, "member_id"))
    wanted = ids if of is None else set(of)
    pairs = []
    local = members[members["parent_iso3"].notna() & members["parent_iso3"].isin(ids)]
    for child, parent in zip(column(local, "member_id"), column(local, "parent_iso3"), strict=True):
        if child != parent:
            pairs += [(a, b) for a, b in ((child, parent), (parent, child)) if a in wanted]
    frame = pd.DataFrame(pairs, columns=["member_id", "neighbour_id"])
    if region_neighbours:
        with_region = members.loc[members["region"].notna(), ["member_id", "region"]]
        mine = with_region[with_region["member_id"].isin(wanted)]
        same = mine.merge(with_region, on="region", suffixes=("", "_other"))
        same = same[same["member_id"] != same["member_id_other"]]
        frame = pd.concat([frame, same.rename(columns={"member_id_other": "neighbour_id"})[
            ["member_id", "neighbour_id"]]], ignore_index=True)
    frame = frame.astype("str")
    return frame.drop_duplicates().sort_values(["member_id", "neighbour_id"], ignore_index=True)


def hop_distances(facts: Facts, config: AnalysisConfig | None = None,
                  members: Iterable[str] | None = None) -> pd.DataFrame:
    """Hop distance (1..h) from analysed members (default: all) to each organisation within ``config.hops``.

    Hops are counted as described in the module docstring. Returns columns ``member_id``,
    ``organisation_id``, ``hops`` sorted by member, hops, organisation. With region neighbours the result
    has about (members x organisations of their region) rows: pass ``members`` on large graphs.

    Examples
    --------
    >>> facts = Facts.from_rows(
    ...     members=[{"id": "KEN", "status": "active"}],
    ...     engagements=[{"organisation_id": "a", "member_id": "KEN", "relation": "x"}],
    ...     memberships=[{"participant_type": "organisation", "participant_id": o, "consortium_id": "wg"}
    ...                  for o in "ab"])
    >>> hop_distances(facts)
      member_id organisation_id  hops
    0       KEN               a     1
    1       KEN               b     2
    """
    cfg = config or AnalysisConfig()
    analysed = analysed_members(facts, cfg)
    sources = column(analysed, "member_id") if members is None else sorted(set(members))
    reach = Reach(facts, analysed, cfg)
    frames = []
    for names, dist in reach.chunks(sources):
        rows, cols = np.nonzero(dist)
        frames.append(pd.DataFrame({"member_id": np.asarray(names, dtype=object)[rows],
                                    "organisation_id": reach.orgs[cols], "hops": dist[rows, cols].astype("int64")}))
    if not frames:
        return pd.DataFrame({"member_id": [], "organisation_id": [], "hops": []})
    out = pd.concat(frames, ignore_index=True).astype({"member_id": "str", "organisation_id": "str"})
    return out.sort_values(["member_id", "hops", "organisation_id"], ignore_index=True)




class Reach:
    """Hop distances from members to organisations (see the module docstring), computed in chunks of source
    members with dense frontiers and sparse adjacency, so memory stays bounded on large graphs."""

    CHUNK = 2048

    def __init__(self, facts: Facts, members: pd.DataFrame, cfg: AnalysisConfig) -> None:
        self.hops = cfg.hops
        self.member_ids = pd.Index(column(members, "member_id"))
        org_ms = facts.memberships[facts.memberships["participant_type"] == "organisation"]
        self.orgs = np.array(sorted(set(column(facts.organisations, "organisation_id"))
                                    | set(column(facts.engagements, "organisation_id"))
                                    | set(column(org_ms, "participant_id"))), dtype=object)
        org_index = pd.Index(self.orgs)
        n_m, n_o = len(self.member_ids), len(self.orgs)
        eng = facts.engagements[facts.engagements["member_id"].isin(self.member_ids)]
        self.E = _incidence(self.member_ids.get_indexer(pd.Index(eng["member_id"])),
                            org_index.get_indexer(pd.Index(eng["organisation_id"])), n_m, n_o)
        self.ET = sp.csr_array(self.E.T)
        parents = neighbour_pairs(members, region_neighbours=False)
        self.P = _incidence(self.member_ids.get_indexer(pd.Index(parents["member_id"])),
                            self.member_ids.get_indexer(pd.Index(parents["neighbour_id"])), n_m, n_m)
        # same region: member -> region -> members (a member reaching itself is harmless: already seen)
        regions = members["region"] if cfg.region_neighbours else pd.Series([None] * n_m, dtype="object")
        codes, names = pd.factorize(regions)
        has = codes >= 0
        self.R = _incidence(np.flatnonzero(has), codes[has], n_m, len(names))
        self.RT = sp.csr_array(self.R.T)
        cons_codes, cons = pd.factorize(org_ms["consortium_id"])
        self.C = _incidence(org_index.get_indexer(pd.Index(org_ms["participant_id"])), cons_codes, n_o, len(cons))
        self.CT = sp.csr_array(self.C.T)

    def chunks(self, sources: list[str]) -> Iterator[tuple[list[str], np.ndarray]]:
        """(source member ids, distances sources x organisations as int8, 0 = beyond h hops), chunk by chunk.

        Frontiers are bitsets (one bit per source member of the chunk, nodes x words): a step ORs the
        frontier rows of each node's neighbours, which reads far less memory than a float matrix product.
        """
        n_m, n_o = len(self.member_ids), len(self.orgs)
        rows = self.member_ids.get_indexer(pd.Index(sources))
        if (rows < 0).any():
            raise ValueError(f"unknown or not analysed member(s): {sorted(np.asarray(sources)[rows < 0])}")
        PT = sp.csr_array(self.P.T)
        for start in range(0, len(rows), self.CHUNK):
            chunk = rows[start:start + self.CHUNK]
            s = len(chunk)
            words = (s + 63) // 64
            seen_m = np.zeros((n_m, words), dtype=np.uint64)
            offsets = np.arange(s, dtype=np.uint64)
            np.bitwise_or.at(seen_m, (chunk, np.arange(s) // 64), np.uint64(1) << (offsets % np.uint64(64)))
            seen_o = np.zeros((n_o, words), dtype=np.uint64)
            dist = np.zeros((n_o, s), dtype=np.int8)
            front_m, front_o = seen_m.copy(), seen_o.copy()
            for step in range(1, self.hops + 1):
                new_o = _or_product(self.ET, front_m) | _or_product(self.C, _or_product(self.CT, front_o))
                new_o &= ~seen_o
                seen_o |= new_o
                dist[_unpack(new_o, s)] = step
                if step < self.hops:
                    new_m = (_or_product(PT, front_m) | _or_product(self.R, _or_product(self.RT, front_m))
                             | _or_product(self.E, front_o))
                    new_m &= ~seen_m
                    seen_m |= new_m
                    front_m, front_o = new_m, new_o
            yield [sources[i] for i in range(start, start + s)], np.ascontiguousarray(dist.T)


def _or_product(S: sp.csr_array, bits: np.ndarray) -> np.ndarray:
    """Row i of the result = OR of ``bits[j]`` over the non-zeros j of row i of ``S`` (boolean S @ bits)."""
    out = np.zeros((S.shape[0], bits.shape[1]), dtype=bits.dtype)
    lengths = np.diff(S.indptr)
    nonempty = np.flatnonzero(lengths)
    if len(nonempty):
        out[nonempty] = np.bitwise_or.reduceat(bits[S.indices], S.indptr[nonempty], axis=0)
    return out


def _unpack(bits: np.ndarray, s: int) -> np.ndarray:
    """(nodes x words) uint64 bitsets -> (nodes x s) booleans (bit b of word w = source 64 w + b)."""
    return np.unpackbits(bits.view(np.uint8), axis=1, bitorder="little")[:, :s].astype(bool)


def _incidence(rows: np.ndarray, cols: np.ndarray, n_rows: int, n_cols: int) -> sp.csr_array:
    ok = (rows >= 0) & (cols >= 0)
    data = np.ones(int(ok.sum()))
    matrix = sp.csr_array((data, (rows[ok], cols[ok])), shape=(n_rows, n_cols))
    matrix.data[:] = 1.0  # duplicates summed on construction: back to 0/1
    return matrix
