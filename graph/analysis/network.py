"""The organisation collaboration network that brokerage, partners and the explorer share.

* :func:`organisation_network` is the organisation-organisation graph: two organisations are tied when
  they share a consortium or a member they work in, weighted by Newman's collaboration weight
  ``w_uv = sum over shared affiliations a of 1 / (n_a - 1)`` (``n_a`` = organisations in ``a``), as
  :func:`networkx.algorithms.bipartite.collaboration_weighted_projected_graph` does, so that a large
  consortium does not become a heavy clique. :func:`organisation_matrix` is the same network as sparse
  matrices.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import scipy.sparse as sp

from model.facts import Facts, column

__all__ = ["affiliations", "organisation_network", "organisation_matrix"]

def affiliations(facts: Facts) -> pd.DataFrame:
    """(organisation_id, affiliation) pairs: ``consortium:<id>`` it is a member of, ``member:<id>`` it works in.

    Examples
    --------
    >>> facts = Facts.from_rows(
    ...     engagements=[{"organisation_id": "a", "member_id": "KEN", "theme_id": "justice", "relation": "x"},
    ...                  {"organisation_id": "a", "member_id": "KEN", "relation": "country_programme"}],
    ...     memberships=[{"participant_type": "organisation", "participant_id": "a", "consortium_id": "wg"}])
    >>> affiliations(facts)
      organisation_id    affiliation
    0               a  consortium:wg
    1               a     member:KEN
    """
    ms = facts.memberships
    orgs_in = ms.loc[ms["participant_type"] == "organisation"]
    pairs = pd.concat([
        pd.DataFrame({"organisation_id": orgs_in["participant_id"],
                      "affiliation": "consortium:" + orgs_in["consortium_id"]}),
        pd.DataFrame({"organisation_id": facts.engagements["organisation_id"],
                      "affiliation": "member:" + facts.engagements["member_id"]}),
    ], ignore_index=True).astype("str")
    return pairs.drop_duplicates().sort_values(["organisation_id", "affiliation"], ignore_index=True)


def organisation_network(facts: Facts, max_affiliation_size: int = 0) -> nx.Graph:
    """Organisations tied by shared consortia and shared members, with Newman collaboration weights.

    Nodes are organisation ids (every organisation, isolates included) with attributes ``name`` and
    ``sector``. Edge ``weight`` = sum over shared affiliations of ``1 / (n_a - 1)``; ``shared`` = number of
    shared affiliations. Affiliations with more than ``max_affiliation_size`` organisations are left out
    (0 = keep all): a member with thousands of organisations says little about who works with whom, and
    its clique would dominate the cost.

    Examples
    --------
    >>> facts = Facts.from_rows(
    ...     organisations=[{"id": o, "sector": "private"} for o in "abc"],
    ...     memberships=[{"participant_type": "organisation", "participant_id": o, "consortium_id": "wg"}
    ...                  for o in "abc"],
    ...     engagements=[{"organisation_id": o, "member_id": "KEN", "relation": "x"} for o in "ab"])
    >>> H = organisation_network(facts)
    >>> sorted(H.edges(data="weight"))
    [('a', 'b', 1.5), ('a', 'c', 0.5), ('b', 'c', 0.5)]
    """
    names, weights, counts = organisation_matrix(facts, max_affiliation_size)
    info = {o: (n, sec) for o, n, sec in zip(column(facts.organisations, "organisation_id"),
                                              column(facts.organisations, "name"),
                                              column(facts.organisations, "sector"), strict=True)}
    H = nx.Graph()
    H.add_nodes_from((o, {"name": info[o][0], "sector": info[o][1]} if o in info else {}) for o in names)
    upper_w = sp.triu(weights, k=1).tocoo()
    # (no tie at all: indexing with two empty arrays would not give an empty result)
    shared = (np.asarray(sp.csr_array(counts)[upper_w.row, upper_w.col]).ravel() if upper_w.nnz
              else np.zeros(0, dtype="int64"))
    H.add_edges_from(
        (names[i], names[j], {"weight": float(w), "shared": int(c)})
        for i, j, w, c in zip(upper_w.row.tolist(), upper_w.col.tolist(), upper_w.data.tolist(), shared.tolist(),
                              strict=True))
    return H


def organisation_matrix(facts: Facts,
                        max_affiliation_size: int = 0) -> tuple[list[str], sp.csr_array, sp.csr_array]:
    """The organisation network as matrices: (sorted organisation ids, Newman weights, shared counts).

    Same ties and weights as :func:`organisation_network` (whose node order is these ids), without building
    a NetworkX graph; both matrices are symmetric with a zero diagonal.
    """
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
