"""The network explorer's view: which nodes to draw (community, expanded nodes, element budget), where (a seeded
ForceAtlas2 layout computed here, not in the browser), and the Cytoscape.js elements, styles and legend that
the page hands to the graph component (``st-link-analysis``). No Streamlit here: every function is tested.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx
import pandas as pd

from dashboard.frames import ELEMENT_BUDGET, MEASURES, Cut, cut_to_budget
from presentation.labels import KIND_NAMES, sector_name
from presentation.network_style import (
    COLOUR_BY,
    LINK_COLOURS,
    MAX_SIZE,
    MIN_SIZE,
    colour_legend,
    link_colour,
    measure_values,
    node_colour,
    node_sizes,
)

__all__ = ["GraphStyle", "View", "choose_view", "edge_kind", "elements", "graph_styles", "layout", "legend_html",
           "view_graph"]

#: Pixels per layout unit: ForceAtlas2 spreads n nodes over roughly sqrt(n) units, so the default zoom that fits
#: the view keeps 13-pixel labels readable up to a few hundred nodes.
SPACING = 90.0
#: The smallest picture in pixels: a view of a few nodes is spread to this, so that fitting it in the browser
#: does not zoom its labels to three times their size.
MIN_EXTENT = 480.0


@dataclass(frozen=True)
class View:
    """The drawn part of the explorer's graph and how it was chosen."""

    graph: nx.Graph
    cut: Cut
    expanded: tuple[str, ...]
    community: int | None


def view_graph(H: nx.Graph, community_of: Mapping[str, int], *, community: int | None = None,
               expanded: Sequence[str] = (), selected: str | None = None, budget: int = ELEMENT_BUDGET) -> View:
    """The nodes to draw: those of ``community`` (all when None), plus every neighbour of an ``expanded`` node
    (expansion adds to the view, in place), within an element budget that keeps expanded nodes, their
    neighbours and the selected node first (then by links; see :func:`dashboard.frames.cut_to_budget`).

    >>> H = nx.path_graph(["a", "b", "c", "d"])
    >>> v = view_graph(H, {"a": 1, "b": 1, "c": 2, "d": 2}, community=1)
    >>> sorted(v.graph), v.cut.nodes_total
    (['a', 'b'], 2)
    >>> sorted(view_graph(H, {"a": 1, "b": 1, "c": 2, "d": 2}, community=1, expanded=["b"]).graph)
    ['a', 'b', 'c']
    """
    done = tuple(n for n in dict.fromkeys(expanded) if n in H)
    base = [n for n in H if community is None or community_of.get(n) == community]
    around = [v for n in done for v in sorted(H.neighbors(n), key=str)]
    pool = list(dict.fromkeys([*base, *done, *around]))
    keep = [*done, *around, *([selected] if selected in H else [])]
    shown, cut = cut_to_budget(H, budget=budget, keep=keep, within=pool)
    return View(shown, cut, done, community)


def choose_view(community: Any, known: Iterable[int]) -> int | None:
    """A community number from the URL, or None when it is not one of ``known``.

    >>> choose_view("2", [1, 2]), choose_view("9", [1, 2]), choose_view("x", [1])
    (2, None, None)
    """
    try:
        number = int(community)
    except (TypeError, ValueError):
        return None
    return number if number in set(known) else None


def _fa2(G: nx.Graph, seed: int, iterations: int) -> dict[str, tuple[float, float]]:
    """ForceAtlas2 positions of one connected graph, centred on (0, 0), about ``SPACING`` pixels per node along
    a side (nodes and ties added in key order, so the result depends on the data and the seed only)."""
    nodes = sorted(G.nodes, key=str)
    if len(nodes) == 1:
        return {str(nodes[0]): (0.0, 0.0)}
    ordered = nx.Graph()
    ordered.add_nodes_from(nodes)
    ordered.add_edges_from(sorted((tuple(sorted((str(u), str(v)))) for u, v in G.edges), key=lambda e: e))
    raw = nx.forceatlas2_layout(ordered, max_iter=iterations, seed=seed, scaling_ratio=2.0, gravity=1.0)
    xs = [float(p[0]) for p in raw.values()]
    ys = [float(p[1]) for p in raw.values()]
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    spread = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
    side = SPACING * len(nodes) ** 0.5
    return {str(n): (round((float(p[0]) - cx) / spread * side, 1), round((float(p[1]) - cy) / spread * side, 1))
            for n, p in raw.items()}


def layout(G: nx.Graph, seed: int, *, iterations: int = 150) -> dict[str, tuple[float, float]]:
    """Seeded ForceAtlas2 positions in pixels (NetworkX's ``forceatlas2_layout``): the largest connected group
    centred on (0, 0), about ``SPACING`` pixels per node along a side; smaller groups laid out the same way in
    rows beneath it (a separate pair would otherwise drift far off and shrink the picture); nodes without ties
    last, in a row. The same graph and seed give the same picture every time.

    >>> G = nx.path_graph(["a", "b", "c"]); G.add_edge("x", "y"); G.add_node("z")
    >>> pos = layout(G, seed=1)
    >>> pos == layout(G, seed=1), sorted(pos)
    (True, ['a', 'b', 'c', 'x', 'y', 'z'])
    >>> min(pos["x"][1], pos["y"][1], pos["z"][1]) > max(pos[n][1] for n in "abc")  # beneath the main group
    True
    """
    groups = sorted((sorted(map(str, c)) for c in nx.connected_components(G)), key=lambda c: (-len(c), c[0]))
    if not groups:
        return {}
    out = _fa2(G.subgraph(groups[0]), seed, iterations)
    xs, ys = [x for x, _ in out.values()], [y for _, y in out.values()]
    left, right = min(xs), max(max(xs), min(xs) + SPACING * 4)
    x, y, row = left, max(ys) + SPACING, 0.0
    for group in groups[1:]:
        part = _fa2(G.subgraph(group), seed, iterations)
        px, py = [p[0] for p in part.values()], [p[1] for p in part.values()]
        width, height = max(px) - min(px), max(py) - min(py)
        if x > left and x + width > right:
            x, y, row = left, y + row + SPACING, 0.0
        for n, (nx_, ny_) in part.items():
            out[n] = (round(x + nx_ - min(px), 1), round(y + ny_ - min(py), 1))
        x += width + SPACING
        row = max(row, height)
    xs, ys = [p[0] for p in out.values()], [p[1] for p in out.values()]
    extent = max(max(xs) - min(xs), max(ys) - min(ys))
    if 0 < extent < MIN_EXTENT:  # a few nodes: spread them so the fitted zoom stays near 1
        grow = MIN_EXTENT / extent
        out = {n: (round(px * grow, 1), round(py * grow, 1)) for n, (px, py) in out.items()}
    return out


def edge_kind(attrs: Mapping[str, Any]) -> str:
    """A tie's kind for colour and words: its first relation (partnership view) or ``shared`` (organisations).

    >>> edge_kind({"rels": ["works in"]}), edge_kind({"shared": 2})
    ('works in', 'shared')
    """
    rels = attrs.get("rels")
    return str(rels[0]) if rels else "shared"


#: Label size in pixels at zoom 1; labels rendered smaller than ``MIN_READABLE`` are hidden by the browser.
LABEL_FONT, MIN_READABLE = 13.0, 9.0
#: How many names are sized to be read at the zoom that fits the view (the largest nodes first).
MAJOR_LABELS = 30
#: The graph's drawing area in pixels (the component's width on a laptop screen, its height on the page).
VIEWPORT = (880.0, 620.0)


def label_fonts(positions: Mapping[str, tuple[float, float]], sizes: Mapping[str, float], *,
                keep: Sequence[str] = (), major: int = MAJOR_LABELS) -> dict[str, float]:
    """Label font sizes: the ``major`` largest nodes and ``keep`` get a size that renders at ``LABEL_FONT``
    pixels at the zoom fitting all ``positions`` in ``VIEWPORT``; the others ``LABEL_FONT`` (readable once
    zoomed in).

    >>> pos = {str(i): (i * 100.0, 0.0) for i in range(20)}  # 1,900 px wide: fits at zoom ~0.46
    >>> fonts = label_fonts(pos, {str(i): float(i) for i in range(20)}, major=2)
    >>> fonts["19"], fonts["18"], fonts["0"]
    (28.1, 28.1, 13.0)
    """
    if not positions:
        return {}
    xs, ys = [p[0] for p in positions.values()], [p[1] for p in positions.values()]
    zoom = min(1.0, VIEWPORT[0] / max(1.0, max(xs) - min(xs)), VIEWPORT[1] / max(1.0, max(ys) - min(ys)))
    big = round(min(48.0, LABEL_FONT / zoom), 1)
    chosen = {*sorted(sizes, key=lambda n: (-sizes[n], n))[:major], *keep}
    return {n: big if n in chosen else LABEL_FONT for n in positions}


def _plain(value: Any) -> str:
    """Text for the component's details panel, which writes values as HTML: angle brackets become look-alikes,
    so a name or an intake detail can never inject markup.

    >>> _plain("<b>A & B</b>")
    '‹b›A & B‹/b›'
    """
    return str(value).replace("<", "‹").replace(">", "›")


def _number(value: Any, digits: int) -> str:
    return "–" if value is None or value != value else (f"{value:.{digits}f}" if digits else str(int(value)))


def elements(G: nx.Graph, positions: Mapping[str, tuple[float, float]], measures: pd.DataFrame, *,
             colour_by: str, size_by: str, community_of: Mapping[str, int],
             region_of: Mapping[str, str] | None = None, keep: Sequence[str] = ()) -> dict[str, list[dict[str, Any]]]:
    """Cytoscape.js elements: nodes with their position, colour, size and what the details panel shows
    (name, type, sector, region, community, measures, source and date); ties with their relation and evidence.

    The component groups elements by ``label`` (shown as the panel's title): a node's type, a tie's relation.
    Names of the largest nodes (and of ``keep``: selected, expanded) are sized to be read at the zoom that fits
    the view; the others appear when zoomed in (:func:`label_fonts`).
    """
    region_of = region_of or {}
    sizes = node_sizes(measure_values(measures, size_by, G.nodes))
    fonts = label_fonts(positions, sizes, keep=keep)
    nodes = []
    for n, d in G.nodes(data=True):
        attrs = {**d, "community": community_of.get(n)}
        x, y = positions.get(n, (0.0, 0.0))
        row = measures.loc[n] if n in measures.index else None
        data: dict[str, Any] = {"id": n, "label": KIND_NAMES.get(str(d.get("kind", "")), str(d.get("kind", ""))),
                                "name": _plain(d.get("label", n))}
        if d.get("kind") == "organisation":
            data["sector"] = sector_name(d.get("sector"))
        if region_of.get(n):
            data["region"] = _plain(region_of[n])
        data["community"] = community_of.get(n, "–")
        if row is not None:
            data["links"] = _number(row["degree"], 0)
            data["betweenness"] = _number(row["betweenness"], 3)
            data["effective size"] = _number(row["effective_size"], 1)
        if d.get("source"):
            data["source"] = _plain(d["source"])
        if d.get("as_of"):
            data["as of"] = _plain(d["as_of"])
        # drawing only (the details panel lists every field: these come last)
        data |= {"colour": node_colour(attrs, colour_by), "size": sizes[n], "font": fonts.get(n, LABEL_FONT)}
        nodes.append({"data": data, "position": {"x": x, "y": y}})
    edges = []
    for i, (u, v, d) in enumerate(sorted(G.edges(data=True), key=lambda e: (str(e[0]), str(e[1])))):
        kind = edge_kind(d)
        data = {"id": f"e{i}", "source": u, "target": v,
                # relation words on the partnership view's ties; the organisation network's ties all mean
                # "shares …" (named in the details), and their labels only cluttered the picture
                "label": ", ".join(d["rels"]) if d.get("rels") else ""}
        if d.get("names"):
            data["shares"] = _plain("; ".join(d["names"]))
        if d.get("evidence"):
            data["evidence"] = _plain("; ".join(d["evidence"]))
        data |= {"colour": link_colour(kind), "width": round(0.6 + min(3.0, float(d.get("weight", 1.0))), 2)}
        edges.append({"data": data})
    return {"nodes": nodes, "edges": edges}


class GraphStyle:
    """A Cytoscape.js style rule in the shape ``st_link_analysis`` takes (an object with ``dump()``)."""

    def __init__(self, selector: str, style: dict[str, Any]) -> None:
        self.selector, self.style = selector, style

    def dump(self) -> dict[str, Any]:
        return {"selector": self.selector, "style": self.style}


def graph_styles() -> list[GraphStyle]:
    """Node colour and size from the element data, names under the nodes (outlined, readable at the default
    zoom), ties coloured by relation with their words shown once zoomed in."""
    return [
        GraphStyle("node", {"background-color": "data(colour)", "width": "data(size)", "height": "data(size)",
                            "label": "data(name)", "font-size": "data(font)", "color": "#1a1a1a",
                            "text-valign": "bottom",
                            "text-margin-y": 3, "text-outline-color": "#ffffff", "text-outline-width": 2,
                            "text-wrap": "ellipsis", "text-max-width": "400px", "min-zoomed-font-size": MIN_READABLE,
                            "border-width": 1, "border-color": "#ffffff"}),
        GraphStyle("edge", {"line-color": "data(colour)", "width": "data(width)", "opacity": 0.5,
                            "curve-style": "bezier", "label": "data(label)", "font-size": 9, "color": "#333333",
                            "text-rotation": "autorotate", "min-zoomed-font-size": 10,
                            "text-background-color": "#ffffff", "text-background-opacity": 0.8}),
    ]


def _swatch(colour: str, text: str, *, shape: str = "circle") -> str:
    radius = "50%" if shape == "circle" else "0"
    height = "0.8em" if shape == "circle" else "0.25em"
    return (f'<span style="display:inline-flex;align-items:center;margin-right:0.9em;white-space:nowrap">'
            f'<span style="display:inline-block;width:0.8em;height:{height};border-radius:{radius};'
            f'background:{colour};margin-right:0.3em"></span>{html.escape(text)}</span>')


def legend_html(G: nx.Graph, colour_by: str, size_by: str, community_of: Mapping[str, int]) -> str:
    """One line of legend for the drawn view: node colours in use, what size means, and tie colours in use.

    >>> G = nx.Graph(); G.add_node("m", kind="member"); G.add_node("o", kind="organisation", sector="private")
    >>> G.add_edge("o", "m", rels=["works in"])
    >>> text = legend_html(G, "kind", "degree", {})
    >>> "OGP member" in text and "works in" in text and "Links (degree)" in text
    True
    """
    nodes = [{**d, "community": community_of.get(n)} for n, d in G.nodes(data=True)]
    parts = [f"<b>{html.escape(COLOUR_BY.get(colour_by, colour_by))}:</b> "]
    parts += [_swatch(item.colour, item.text) for item in colour_legend(nodes, colour_by)]
    parts.append(f"&nbsp;<b>Size:</b> {html.escape(MEASURES.get(size_by, size_by))} "
                 f"({MIN_SIZE:.0f}–{MAX_SIZE:.0f} px, area grows with the value)&nbsp; ")
    kinds = sorted({edge_kind(d) for _, _, d in G.edges(data=True)}, key=lambda k: list(LINK_COLOURS).index(k)
                   if k in LINK_COLOURS else 99)
    if kinds:
        parts.append("<b>Ties:</b> ")
        parts += [_swatch(link_colour(k), "shared consortium or member" if k == "shared" else k, shape="line")
                  for k in kinds]
    return '<div style="font-size:0.85rem;line-height:1.7">' + "".join(parts) + "</div>"
