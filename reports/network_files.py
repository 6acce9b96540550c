"""The network explorer's graph as files for other tools: GEXF (Gephi), GraphML (Cytoscape, yEd, igraph) and
a PNG picture, each with the explorer's positions, colours, sizes, communities and measures.

:func:`annotated` flattens a view into plain attributes (lists joined with "; ", no missing values: both
formats want scalars) plus GEXF's ``viz`` position, colour and size; :func:`render` writes one format.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

import networkx as nx
import pandas as pd

from presentation.labels import KIND_NAMES, SECTOR_NAMES, sector_name, theme_name
from presentation.network_style import (
    COLOUR_BY,
    colour_legend,
    link_colour,
    measure_values,
    node_colour,
    node_sizes,
)

__all__ = ["FORMATS", "annotated", "render", "title_of"]

#: File formats: key -> (file extension, MIME type).
FORMATS: dict[str, tuple[str, str]] = {"gexf": ("gexf", "application/gexf+xml"),
                                       "graphml": ("graphml", "application/graphml+xml"),
                                       "png": ("png", "image/png")}


def _rgb(colour: str) -> dict[str, int]:
    c = colour.lstrip("#")
    return {"r": int(c[0:2], 16), "g": int(c[2:4], 16), "b": int(c[4:6], 16), "a": 1}


def _scalar(value: Any) -> Any:
    if isinstance(value, (list, tuple, set)):
        return "; ".join(str(v) for v in value)
    if isinstance(value, float) and value != value:
        return None
    return value


def annotated(G: nx.Graph, positions: Mapping[str, tuple[float, float]], measures: pd.DataFrame,
              community_of: Mapping[str, int], region_of: Mapping[str, str], *, colour_by: str = "kind",
              size_by: str = "degree") -> nx.Graph:
    """A copy of the explorer graph ``G`` with flat attributes for GEXF and GraphML.

    Nodes: ``label`` (name), ``kind``, ``sector``, ``region``, ``community``, ``degree``, ``betweenness``,
    ``effective_size``, ``source``, ``as_of``, ``x``, ``y``, ``colour`` and GEXF's ``viz``. Ties: ``relation``
    (or ``shared``), ``shared_with`` (the shared consortia and members), ``weight``, ``evidence``.

    >>> G = nx.Graph(); G.add_node("organisation:a", kind="organisation", label="A", sector="private")
    >>> G.add_node("member:KEN", kind="member", label="Kenya"); G.add_edge("organisation:a", "member:KEN",
    ...                                                                   rels=["works in"], evidence=["s, 2024"])
    >>> m = pd.DataFrame({"degree": [1, 1], "betweenness": [0.0, 0.0], "effective_size": [1.0, 1.0]},
    ...                  index=["organisation:a", "member:KEN"])
    >>> A = annotated(G, {"organisation:a": (0, 0), "member:KEN": (10, 5)}, m, {"organisation:a": 1}, {})
    >>> A.nodes["organisation:a"]["sector"], A.nodes["member:KEN"]["community"], A.edges["organisation:a",
    ...                                                                                 "member:KEN"]["relation"]
    ('Private', 0, 'works in')
    """
    A = nx.Graph()
    sizes = node_sizes(measure_values(measures, size_by, G.nodes))
    numbers = {m: measure_values(measures, m, G.nodes) for m in ("degree", "betweenness", "effective_size")}
    for n, d in G.nodes(data=True):
        kind = str(d.get("kind", ""))
        attrs: dict[str, Any] = {"label": str(d.get("label", n)), "kind": KIND_NAMES.get(kind, kind),
                                 "sector": sector_name(d.get("sector")) if kind == "organisation" else "",
                                 "region": region_of.get(n, ""), "community": int(community_of.get(n, 0))}
        for m, values in numbers.items():
            attrs[m] = 0.0 if values[n] != values[n] else values[n]  # NaN (no ties): 0 in the file
        attrs["source"], attrs["as_of"] = str(d.get("source", "")), str(d.get("as_of", ""))
        x, y = positions.get(n, (0.0, 0.0))
        colour = node_colour({**d, "community": community_of.get(n)}, colour_by)
        attrs |= {"x": float(x), "y": float(-y), "colour": colour, "size": sizes[n]}
        attrs["viz"] = {"position": {"x": float(x), "y": float(-y), "z": 0.0}, "color": _rgb(colour),
                        "size": sizes[n]}
        A.add_node(n, **attrs)
    for u, v, d in G.edges(data=True):
        rels = d.get("rels")
        A.add_edge(u, v, relation=_scalar(rels) if rels else "shared", weight=float(d.get("weight", 1.0)),
                   shared_with=_scalar(d.get("names", [])) or "", evidence=_scalar(d.get("evidence", [])) or "")
    A.graph.update({"colour_by": colour_by, "size_by": size_by})
    return A


def title_of(view: str, theme: str | None, region: str | None, sector: str | None, community: int | None,
             whole: bool) -> str:
    """The file's title: the view and its filters.

    >>> title_of("organisations", "open_data", None, None, 2, False)
    'ogpnet network: organisations; theme Open data; community 2'
    >>> title_of("partnerships", "open_data", "Europe", None, None, True)
    'ogpnet network: partnerships (whole network)'
    """
    if whole:
        return f"ogpnet network: {view} (whole network)"
    parts = [f"theme {theme_name(theme)}" if theme else "", f"region {region}" if region else "",
             f"sector {sector_name(sector)}" if sector else "", f"community {community}" if community else ""]
    return f"ogpnet network: {view}" + "".join(f"; {p}" for p in parts if p)


def render(A: nx.Graph, fmt: str, *, title: str = "ogpnet network") -> bytes:
    """``A`` (from :func:`annotated`) as GEXF 1.2, GraphML or a PNG picture.

    >>> G = nx.Graph(); G.add_node("a", label="A", x=0.0, y=0.0, colour="#009e73", size=20.0, kind="Theme")
    >>> render(G, "graphml")[:5], render(G, "gexf")[:5], render(G, "png")[1:4]
    (b'<?xml', b'<?xml', b'PNG')
    """
    if fmt == "png":
        return _png(A, title)
    if fmt not in FORMATS:
        raise ValueError(f"unknown network file format {fmt!r}; use one of {', '.join(FORMATS)}")
    out = io.BytesIO()
    if fmt == "gexf":
        nx.write_gexf(A, out, version="1.2draft")
    else:
        plain = nx.Graph(A)
        for _, d in plain.nodes(data=True):
            d.pop("viz", None)
        plain.graph = {k: str(v) for k, v in A.graph.items()}
        nx.write_graphml(plain, out)
    return out.getvalue()


def _png(A: nx.Graph, title: str) -> bytes:
    """The view drawn with matplotlib (Agg, no display): ties, nodes by colour and size, names of the larger
    nodes, and a colour legend."""
    import matplotlib  # noqa: PLC0415 - only when a picture is asked for (import takes ~0.3 s)

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt  # noqa: PLC0415
    from matplotlib.collections import LineCollection  # noqa: PLC0415
    from matplotlib.lines import Line2D  # noqa: PLC0415

    fig, ax = plt.subplots(figsize=(12, 8), dpi=120)
    try:
        pos = {n: (float(d.get("x", 0.0)), float(d.get("y", 0.0))) for n, d in A.nodes(data=True)}
        segments = [(pos[u], pos[v]) for u, v in A.edges]
        colours = [link_colour(str(d.get("relation", "shared")).split("; ")[0]) for _, _, d in A.edges(data=True)]
        ax.add_collection(LineCollection(segments, colors=colours, linewidths=0.8, alpha=0.5, zorder=1))
        nodes = list(A.nodes(data=True))
        ax.scatter([pos[n][0] for n, _ in nodes], [pos[n][1] for n, _ in nodes],
                   s=[(float(d.get("size", 20.0)) / 2.2) ** 2 for _, d in nodes],
                   c=[str(d.get("colour", "#b3b3b3")) for _, d in nodes], edgecolors="white", linewidths=0.6,
                   zorder=2)
        biggest = sorted(nodes, key=lambda nd: -float(nd[1].get("size", 0.0)))[:40]
        for n, d in biggest:
            ax.annotate(str(d.get("label", n))[:30], pos[n], fontsize=7, ha="center", va="top",
                        xytext=(0, -6), textcoords="offset points", zorder=3)
        colour_by = str(A.graph.get("colour_by", "kind"))
        raw = [{"kind": _kind_id(str(d.get("kind", ""))), "sector": _sector_id(str(d.get("sector", ""))),
                "community": d.get("community") or None} for _, d in nodes]
        handles = [Line2D([], [], marker="o", linestyle="", color=item.colour, label=item.text)
                   for item in colour_legend(raw, colour_by)]
        if handles:
            ax.legend(handles=handles, title=COLOUR_BY.get(colour_by, colour_by), loc="upper left",
                      fontsize=7, title_fontsize=8, frameon=False)
        ax.set_title(title, fontsize=10)
        ax.autoscale()
        ax.set_aspect("equal", adjustable="datalim")
        ax.axis("off")
        out = io.BytesIO()
        fig.savefig(out, format="png", bbox_inches="tight", metadata={"Software": None})
        return out.getvalue()
    finally:
        plt.close(fig)


def _kind_id(name: str) -> str:
    return next((k for k, v in KIND_NAMES.items() if v == name), name)


def _sector_id(name: str) -> str:
    return next((k for k, v in SECTOR_NAMES.items() if v == name), "")
