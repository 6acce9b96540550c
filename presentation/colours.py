"""Colours, fixed per status, role, sector and node kind, for every chart, map, matrix and workbook.

Statuses use ColorBrewer's colour-blind-safe RdBu scheme: warm for problems (gap, fragile), blues for cover,
grey for no demand. Roles and sectors use the colour-blind-safe Okabe-Ito palette; each value keeps its colour
whatever else is shown (a chart of liaisons only still draws them in the liaison colour).
"""

from __future__ import annotations

from model.schema import THEMES
from presentation.labels import NO_DEMAND

__all__ = ["GAP_SCALE", "KIND_COLOURS", "LAND", "PART_COLOURS", "ROLE_COLOURS", "SECTOR_COLOURS", "STATUS_COLOURS",
           "STATUS_TEXT_COLOURS", "THEME_COLOURS", "UNKNOWN", "excel_rgb", "scale_colour"]

STATUS_COLOURS: dict[str, str] = {"gap": "#b2182b", "fragile": "#ef8a62", "covered": "#67a9cf",
                                  "redundant": "#2166ac", "mature": "#5aae61", NO_DEMAND: "#e0e0e0"}
#: Readable text on each status fill.
STATUS_TEXT_COLOURS: dict[str, str] = {"gap": "#ffffff", "fragile": "#000000", "covered": "#000000",
                                       "redundant": "#ffffff", "mature": "#000000", NO_DEMAND: "#000000"}
ROLE_COLOURS: dict[str, str] = {"coordinator": "#0072b2", "itinerant": "#e69f00", "representative": "#009e73",
                                "gatekeeper": "#cc79a7", "liaison": "#d55e00", "none": "#bbbbbb"}
SECTOR_COLOURS: dict[str, str] = {"civil_society": "#009e73", "multilateral": "#0072b2", "government": "#d55e00",
                                  "private": "#cc79a7", "academic": "#e69f00", "network": "#56b4e9"}
KIND_COLOURS: dict[str, str] = {"organisation": "#009e73", "consortium": "#e69f00", "member": "#0072b2",
                                "theme": "#cc79a7", "commitment": "#999999"}
#: One colour per theme (Tableau 20's distinct hues, in the catalogue's theme order), for trend lines.
_TABLEAU_20 = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
               "#17becf", "#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5", "#c49c94", "#f7b6d2", "#dbdb8d",
               "#9edae5", "#c7c7c7")
THEME_COLOURS: dict[str, str] = {t: _TABLEAU_20[i % len(_TABLEAU_20)] for i, t in enumerate(THEMES)}
#: The colour of anything without a known category.
UNKNOWN = "#b3b3b3"
#: The parts of a partner's score (colour-blind-safe Paul Tol "muted" hues), in the score's order.
PART_COLOURS: dict[str, str] = {"expertise": "#332288", "presence": "#88ccee", "track record": "#117733",
                                "complementarity": "#ddcc77", "proximity": "#cc6677"}
#: A count of gaps from none to the most (ColorBrewer's sequential Reds), e.g. gap cells per country on the map.
GAP_SCALE: tuple[str, ...] = ("#fff5f0", "#fcbba1", "#fb6a4a", "#cb181d", "#67000d")
#: Land without data on a map.
LAND = "#eeeeee"


def scale_colour(value: float, top: float, scale: tuple[str, ...] = GAP_SCALE) -> str:
    """The colour of ``value`` on a sequential scale from 0 to ``top`` (linear between the scale's stops).

    >>> scale_colour(0, 4), scale_colour(4, 4), scale_colour(9, 4), scale_colour(1, 0)
    ('#fff5f0', '#67000d', '#67000d', '#fff5f0')
    >>> scale_colour(1, 4)
    '#fcbba1'
    """
    share = min(max(value / top, 0.0), 1.0) if top > 0 else 0.0
    where = share * (len(scale) - 1)
    low = min(int(where), len(scale) - 2)
    frac = where - low
    a, b = (tuple(int(c[i:i + 2], 16) for i in (1, 3, 5)) for c in (scale[low], scale[low + 1]))
    return "#" + "".join(f"{round(x + (y - x) * frac):02x}" for x, y in zip(a, b, strict=True))


def excel_rgb(colour: str) -> str:
    """A ``#rrggbb`` colour as openpyxl wants it (``RRGGBB``).

    >>> excel_rgb(STATUS_COLOURS["gap"])
    'B2182B'
    """
    return colour.lstrip("#").upper()
