"""Communities of the network explorer's graph: Louvain, seeded, numbered by size, and who bridges them.

* :func:`communities` partitions a graph with NetworkX's Louvain method (Blondel et al. 2008), seeded so that
  the same graph always gives the same partition; communities are numbered 1, 2, … from the largest.
  Leiden is not used: NetworkX only dispatches it to an installed backend.
* :func:`community_table` describes each community: its size by kind, its best-connected members, the themes
  its organisations are expert in, and its **brokers between communities** — nodes with ties into other
  communities, ranked by how many other communities they reach, then by their ties there.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping

import networkx as nx
import pandas as pd

__all__ = ["COMMUNITY_COLUMNS", "bridges", "communities", "community_table"]

#: Columns of :func:`community_table`.
COMMUNITY_COLUMNS = ["community", "nodes", "organisations", "members", "largest", "themes", "brokers"]


def communities(H: nx.Graph, seed: int, weight: str | None = "weight") -> dict[str, int]:
    """Node -> community number (1 = the largest), by seeded Louvain modularity optimisation.

    Ties are weighted by ``weight`` where edges carry it (the organisation network's Newman weights),
    else counted once. A node without ties belongs to no community (it is left out of the mapping: a
    "community" of one untied node would only say that the data records no tie). Equal-sized communities
    are numbered by their smallest node key, so the numbers do not depend on the order of discovery.

    Examples
    --------
    >>> H = nx.barbell_graph(4, 0)  # two 4-cliques joined by one tie
    >>> H = nx.relabel_nodes(H, {i: f"n{i}" for i in H})
    >>> H.add_node("alone")
    >>> parts = communities(H, seed=7)
    >>> sorted(set(parts.values())), parts["n0"] == parts["n3"], parts["n0"] != parts["n4"]
    ([1, 2], True, True)
    >>> "alone" in parts
    False
    >>> parts == communities(H, seed=7)
    True
    """
    tied = H.subgraph([n for n in H if H.degree(n) > 0])
    if tied.number_of_nodes() == 0:
        return {}
    use = weight if weight and any(weight in d for _, _, d in tied.edges(data=True)) else None
    found = nx.community.louvain_communities(tied, weight=use, seed=seed)
    ordered = sorted((sorted(map(str, c)) for c in found), key=lambda c: (-len(c), c[0]))
    return {node: i for i, members in enumerate(ordered, start=1) for node in members}


def bridges(H: nx.Graph, community: Mapping[str, int]) -> pd.DataFrame:
    """Nodes tied into communities other than their own: how many other communities, and how many such ties.

    Sorted by other communities reached, then cross ties (both descending), then node key.

    >>> H = nx.Graph([("a", "b"), ("b", "c"), ("b", "d"), ("c", "d")])
    >>> bridges(H, {"a": 1, "b": 1, "c": 2, "d": 3})
      node  community  reaches  ties
    0    b          1        2     2
    1    c          2        2     2
    2    d          3        2     2
    """
    rows = []
    for n in H.nodes:
        own = community.get(n)
        others = [community.get(v) for v in H.neighbors(n) if community.get(v) != own]
        if others:
            rows.append({"node": str(n), "community": own, "reaches": len(set(others)), "ties": len(others)})
    out = pd.DataFrame(rows, columns=["node", "community", "reaches", "ties"])
    return out.sort_values(["reaches", "ties", "node"], ascending=[False, False, True], ignore_index=True)


def community_table(H: nx.Graph, community: Mapping[str, int], *,
                    themes_of: Mapping[str, list[str]] | None = None,
                    name: Callable[[str], str] | None = None, top: int = 3) -> pd.DataFrame:
    """One row per community: size, organisations and members in it, its best-connected nodes, its themes
    and its brokers to other communities.

    ``H`` nodes carry ``kind`` (``organisation``, ``member``, …) and ``label``. ``themes_of`` maps a node to
    its themes (an organisation's expertise; a theme node is its own theme); ``name`` turns a theme id into
    words. ``largest`` lists the ``top`` nodes with most ties; ``brokers`` the ``top`` nodes of
    :func:`bridges` with the number of other communities each reaches.

    Examples
    --------
    >>> H = nx.Graph()
    >>> H.add_nodes_from([("o:a", {"kind": "organisation", "label": "A"}), ("o:b", {"kind": "organisation",
    ...                   "label": "B"}), ("m:KEN", {"kind": "member", "label": "Kenya"})])
    >>> H.add_edges_from([("o:a", "m:KEN"), ("o:b", "m:KEN")])
    >>> table = community_table(H, {"o:a": 1, "m:KEN": 1, "o:b": 2}, themes_of={"o:a": ["open_data"]})
    >>> row = table.to_dict("records")[0]
    >>> row["community"], row["nodes"], row["organisations"], row["members"], row["largest"]
    (1, 2, 1, 1, 'Kenya, A')
    >>> row["themes"], row["brokers"]
    ('open_data', 'Kenya (1 other)')
    """
    name = name or str
    themes_of = themes_of or {}
    by_community: dict[int, list[str]] = {}
    for n, c in community.items():
        if n in H:
            by_community.setdefault(c, []).append(n)
    crossing = bridges(H, community)
    rows = []
    for c in sorted(by_community):
        nodes = by_community[c]
        kinds = Counter(H.nodes[n].get("kind", "") for n in nodes)
        largest = sorted(nodes, key=lambda n: (-H.degree(n), str(n)))[:top]
        theme_counts = Counter(t for n in nodes for t in themes_of.get(n, []))
        top_themes = [t for t, _ in sorted(theme_counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top]]
        brokers = crossing.loc[crossing["community"] == c].head(top)
        rows.append({
            "community": c, "nodes": len(nodes), "organisations": kinds.get("organisation", 0),
            "members": kinds.get("member", 0),
            "largest": ", ".join(str(H.nodes[n].get("label", n)) for n in largest),
            "themes": ", ".join(name(t) for t in top_themes),
            "brokers": ", ".join(f"{H.nodes[n].get('label', n)} ({r} other{'s' if r > 1 else ''})"
                                 for n, r in zip(brokers["node"], brokers["reaches"], strict=True)),
        })
    return pd.DataFrame(rows, columns=COMMUNITY_COLUMNS)
