"""How the network explorer draws a node and a tie: colour by kind, sector or community; size by a measure;
tie colour and words by relation. The dashboard's interactive graph, the PNG export and the GEXF file's
``viz`` attributes all call these, so a node looks the same in each.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from presentation.colours import KIND_COLOURS, SECTOR_COLOURS, UNKNOWN
from presentation.labels import KIND_NAMES, sector_name

__all__ = ["COLOUR_BY", "measure_values", "COMMUNITY_PALETTE", "LINK_COLOURS", "MAX_SIZE", "MIN_SIZE", "LegendItem",
           "colour_legend", "community_colour", "link_colour", "node_colour", "node_sizes"]

#: What nodes can be coloured by, in words.
COLOUR_BY: dict[str, str] = {"kind": "Node type", "sector": "Sector", "community": "Community"}
#: Community colours, by community number (1 = largest): Tableau 10, then grey for the small rest.
COMMUNITY_PALETTE = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
                     "#9c755f", "#bab0ac")
#: Tie colour per kind of tie (the partnership view's relation words; "shared" = the organisation network).
LINK_COLOURS: dict[str, str] = {"works in": "#0072b2", "member of": "#e69f00", "expert in": "#cc79a7",
                                "focuses on": "#009e73", "shared": "#8c8c8c"}
#: Node diameters in pixels (at zoom 1) of the smallest and the largest value of the size measure.
MIN_SIZE, MAX_SIZE = 18.0, 64.0


@dataclass(frozen=True)
class LegendItem:
    """One entry of a legend: a colour and what it means."""

    colour: str
    text: str


def community_colour(number: int | None) -> str:
    """The colour of community ``number`` (1 = largest); communities beyond the palette share its last colour.

    >>> community_colour(1), community_colour(99), community_colour(None) == UNKNOWN
    ('#4e79a7', '#bab0ac', True)
    """
    if number is None or number < 1:
        return UNKNOWN
    return COMMUNITY_PALETTE[min(number, len(COMMUNITY_PALETTE)) - 1]


def node_colour(attrs: Mapping[str, Any], colour_by: str) -> str:
    """A node's fill: by ``kind`` (organisation, member, …), ``sector`` (organisations; other kinds keep their
    kind's colour, so a member never turns grey) or ``community``.

    >>> node_colour({"kind": "member", "sector": ""}, "sector") == KIND_COLOURS["member"]
    True
    >>> node_colour({"kind": "organisation", "sector": "private"}, "sector") == SECTOR_COLOURS["private"]
    True
    >>> node_colour({"kind": "organisation", "community": 2}, "community")
    '#f28e2b'
    """
    kind = str(attrs.get("kind", ""))
    if colour_by == "community":
        return community_colour(attrs.get("community"))
    if colour_by == "sector" and kind == "organisation":
        return SECTOR_COLOURS.get(str(attrs.get("sector", "")), UNKNOWN)
    return KIND_COLOURS.get(kind, UNKNOWN)


def node_sizes(values: Mapping[str, float]) -> dict[str, float]:
    """Diameters proportional to the square root of each value (area ~ value), from MIN_SIZE to MAX_SIZE.

    >>> node_sizes({"a": 0.0, "b": 1.0, "c": 4.0})
    {'a': 18.0, 'b': 41.0, 'c': 64.0}
    >>> node_sizes({"a": 3.0, "b": 3.0})  # all equal: all middle-sized
    {'a': 41.0, 'b': 41.0}
    """
    roots = {n: max(0.0, float(v) if v == v else 0.0) ** 0.5 for n, v in values.items()}
    low, high = min(roots.values(), default=0.0), max(roots.values(), default=0.0)
    if high == low:
        return {n: round((MIN_SIZE + MAX_SIZE) / 2, 1) for n in roots}
    return {n: round(MIN_SIZE + (r - low) / (high - low) * (MAX_SIZE - MIN_SIZE), 1) for n, r in roots.items()}


def measure_values(measures: Any, column: str, nodes: Iterable[str]) -> dict[str, float]:
    """One measure of each node from a frame indexed by node (0 for a node it lacks; NaN stays NaN).

    >>> import pandas as pd
    >>> measure_values(pd.DataFrame({"degree": [2]}, index=["a"]), "degree", ["a", "b"])
    {'a': 2.0, 'b': 0.0}
    """
    known: dict[Any, Any] = measures[column].to_dict() if column in measures.columns else {}
    return {n: float(known.get(n, 0.0)) for n in nodes}


def link_colour(kind: str) -> str:
    """A tie's colour by its kind (a relation in words, or ``shared``).

    >>> link_colour("works in"), link_colour("nonsense") == UNKNOWN
    ('#0072b2', True)
    """
    return LINK_COLOURS.get(kind, UNKNOWN)


def colour_legend(nodes: Sequence[Mapping[str, Any]], colour_by: str) -> list[LegendItem]:
    """The colours in use among ``nodes`` and what each means, in a fixed order (kinds, sectors, communities).

    >>> [i.text for i in colour_legend([{"kind": "member"}, {"kind": "organisation", "sector": "private"}],
    ...                                "sector")]
    ['OGP member', 'Private']
    """
    items: dict[str, LegendItem] = {}
    for attrs in nodes:
        kind = str(attrs.get("kind", ""))
        if colour_by == "community":
            c = attrs.get("community")
            key, text = f"c{int(c) if c else 0:04d}", f"Community {c}" if c else "No community"
            if c and int(c) >= len(COMMUNITY_PALETTE):
                key, text = "c9999", f"Community {len(COMMUNITY_PALETTE)} or smaller"
        elif colour_by == "sector" and kind == "organisation":
            sector = str(attrs.get("sector", ""))
            key, text = f"s{sector}", sector_name(sector) if sector else "Sector not known"
        else:
            key, text = f"k{list(KIND_COLOURS).index(kind) if kind in KIND_COLOURS else 99}", KIND_NAMES.get(kind,
                                                                                                          kind)
        items.setdefault(key, LegendItem(node_colour(attrs, colour_by), text))
    return [items[k] for k in sorted(items)]
