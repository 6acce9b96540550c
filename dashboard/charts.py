"""The dashboard's charts as static SVG, built from the frames of :mod:`dashboard.frames` (no Streamlit here).

Bar and line charts are the report's chart descriptions (:mod:`reports.charts`: one description, the same
colours and the same drawing in the dashboard, the HTML/PDF report and, natively, Excel). The world map and the
member × theme heatmap are drawn here. Everything is drawn on the server: the browser receives a few kilobytes
of SVG instead of loading a charting library (plotly.js alone is 4.7 MB, which made every page with a chart
several times slower than a plain Streamlit page). Hover shows an SVG ``<title>``; a shape with a
``data-pick`` attribute can be clicked (:func:`dashboard.components.svg_chart` sends its value to Python).

All text from the data is escaped (:func:`html.escape`): the SVG is inserted as markup.

The world map projects the vendored Natural Earth 1:110m topology (``dashboard/static/world_110m.json``, the
one plotly.js used) with the Natural Earth projection (Šavrič et al. 2011, the polynomial d3-geo uses).
"""

from __future__ import annotations

import json
import math
from collections.abc import Hashable, Mapping
from functools import lru_cache
from html import escape
from pathlib import Path
from typing import Any

import pandas as pd

from graph.analysis import ALL_STATUSES
from presentation.colours import LAND, PART_COLOURS, ROLE_COLOURS, STATUS_COLOURS, UNKNOWN, scale_colour
from presentation.labels import NO_DEMAND, ROLE_NAMES, status_name
from reports.charts import Chart, Series, svg, trend_chart

STATIC_DIR = Path(__file__).resolve().parent / "static"
TOPOJSON_FILE = "world_110m.json"
#: Every status a cell can have, in the order of every legend (problems first).
STATUS_ORDER = [*ALL_STATUSES, NO_DEMAND]
#: Width of the drawings in SVG units; the page scales them to its column (text stays ~12-14 px).
WIDTH = 760
#: The map's latitudes (Antarctica and the Arctic sea are left out, as on most thematic world maps).
MAP_LATITUDES = (-58.0, 85.0)
MAP_WIDTH = 1000
_FONT = 'font-family="Source Sans Pro, DejaVu Sans, Arial, sans-serif" font-size="11" fill="#1d2330"'


# -- bars and lines (the report's descriptions) --------------------------------------------------------


def rollup_bars(rollup: pd.DataFrame) -> str:
    """Demanded cells per theme, stacked by status, most gaps on top (``theme`` and one column per status).

    >>> s = rollup_bars(pd.DataFrame({"theme": ["Open data", "Climate"], "gap": [1, 3], "fragile": [0, 1],
    ...                               "covered": [2, 0], "redundant": [0, 0]}))
    >>> s.index("Climate") < s.index("Open data"), STATUS_COLOURS["gap"] in s
    (True, True)
    """
    frame = rollup.sort_values("gap", ascending=False, kind="stable")
    series = [Series(status_name(status), [float(v) for v in frame[status]], STATUS_COLOURS[status])
              for status in STATUS_ORDER[:4]]
    return svg(Chart("bar", "Demanded cells per theme, by status", frame["theme"].tolist(), series,
                     x_title="members asking for help on the theme"), WIDTH)


def trend_lines(trend: pd.DataFrame, theme: str) -> str:
    """One theme's cells per status at the end of each year (the report's trend chart of one theme)."""
    return svg(trend_chart(trend[trend["theme_id"] == theme]), WIDTH)


def score_bars(parts: pd.DataFrame) -> str:
    """Partner scores split into their weighted parts (``name``, ``part``, ``points``; one stacked bar per
    partner, best on top).

    >>> parts = pd.DataFrame({"name": ["A", "A", "B", "B"], "part": ["expertise", "presence"] * 2,
    ...                       "points": [0.5, 0.2, 0.1, 0.0]})
    >>> s = score_bars(parts)
    >>> s.index(">A<") < s.index(">B<"), PART_COLOURS["presence"] in s
    (True, True)
    """
    names = list(dict.fromkeys(parts["name"]))
    wide = parts.pivot_table(index="name", columns="part", values="points", aggfunc="sum", sort=False)
    wide = wide.reindex(names).fillna(0.0)
    series = [Series(part, [float(v) for v in wide[part]], PART_COLOURS.get(part, UNKNOWN))
              for part in dict.fromkeys(parts["part"])]
    return svg(Chart("bar", "Score of each partner, by weighted part", names, series,
                     x_title="score (weighted parts)"), WIDTH)


def broker_bars(table: pd.DataFrame) -> str:
    """Betweenness of the top brokers (``name``, ``betweenness``, ``dominant_role``), coloured by their main
    role (colours fixed per role, :data:`presentation.colours.ROLE_COLOURS`).

    >>> s = broker_bars(pd.DataFrame({"name": ["A", "B"], "betweenness": [0.4, 0.1],
    ...                               "dominant_role": ["liaison", "coordinator"]}))
    >>> ROLE_COLOURS["liaison"] in s and ROLE_COLOURS["coordinator"] in s and ROLE_COLOURS["itinerant"] not in s
    True
    """
    roles = [r for r in ROLE_NAMES if r in set(table["dominant_role"])]
    series = [Series(ROLE_NAMES[r], [float(b) if d == r else 0.0
                                     for b, d in zip(table["betweenness"], table["dominant_role"], strict=True)],
                     ROLE_COLOURS.get(r, UNKNOWN)) for r in roles]
    return svg(Chart("bar", "Betweenness of the top brokers, by main brokerage role", table["name"].tolist(),
                     series, x_title="betweenness"), WIDTH)


# -- member × theme heatmap -----------------------------------------------------------------------------


def status_heatmap(matrix: pd.DataFrame) -> str:
    """Members (rows) × themes (columns) coloured by cell status; hover names the cell.

    >>> m = pd.DataFrame({"Open data": ["gap", NO_DEMAND]}, index=["Kenya (KEN)", "Ghana (GHA)"])
    >>> s = status_heatmap(m)
    >>> "Kenya (KEN) · Open data: gap" in s and s.count("<rect") == 2 + len(STATUS_ORDER)
    True
    """
    label_w, cell_w, cell_h, head = 230, 64, 16, 118
    width = label_w + cell_w * max(len(matrix.columns), 1) + 10
    body = []
    for j, theme in enumerate(matrix.columns):
        x = label_w + j * cell_w + cell_w / 2
        body.append(f'<text transform="translate({x:.0f},{head - 6}) rotate(-40)">{escape(str(theme))}</text>')
    for i, (row, values) in enumerate(matrix.iterrows()):
        y = head + i * cell_h
        body.append(f'<text x="{label_w - 6}" y="{y + 12}" text-anchor="end">{escape(str(row))}</text>')
        for j, (column, value) in enumerate(values.items()):
            status = value if isinstance(value, str) else NO_DEMAND
            body.append(f'<rect x="{label_w + j * cell_w + 1}" y="{y + 1}" width="{cell_w - 2}" '
                        f'height="{cell_h - 2}" fill="{STATUS_COLOURS.get(status, UNKNOWN)}">'
                        f"<title>{escape(f'{row} · {column}: {status}')}</title></rect>")
    bottom = head + len(matrix) * cell_h + 14
    legend = _legend([(s, STATUS_COLOURS[s]) for s in STATUS_ORDER], 0, bottom)
    return _frame(width, bottom + 20, "".join(body) + legend,
                  f"Status of {len(matrix)} members on {len(matrix.columns)} themes")


# -- world map ------------------------------------------------------------------------------------------


def map_countries() -> frozenset[str]:
    """ISO-3 codes of the countries the vendored world map can draw."""
    return frozenset(_country_paths())


def world_map(frame: pd.DataFrame, theme: str | None, selected: str | None = None) -> str:
    """The national members on a world map: status on one theme (``category``), or the number of gap cells over
    all themes (``gap``, a sequential scale). Members can be clicked (``data-pick`` = member id); ``selected``
    (an ISO-3 code) is outlined.

    >>> f = pd.DataFrame({"iso3": ["KEN"], "member_id": ["KEN"], "name": ["Kenya"], "category": ["gap"],
    ...                   "demand": [0.8], "supporters": [0], "reachable": [2]})
    >>> s = world_map(f, "open_data", selected="KEN")
    >>> 'data-pick="KEN"' in s and "Kenya: gap" in s and STATUS_COLOURS["gap"] in s
    True
    """
    paths = _country_paths()
    rows = {str(r["iso3"]): r for r in frame.to_dict("records") if r["iso3"] in paths}
    top = max([int(r["gap"]) for r in rows.values()] + [1]) if not theme else 1
    body = []
    for iso3, d in paths.items():
        row = rows.get(iso3)
        if row is None:
            body.append(f'<path d="{d}" fill="{LAND}"/>')
            continue
        colour = STATUS_COLOURS.get(row["category"], UNKNOWN) if theme else scale_colour(float(row["gap"]), top)
        body.append(f'<path class="country" data-pick="{escape(str(row["member_id"]))}" d="{d}" fill="{colour}">'
                    f"<title>{escape(_map_hover(row, theme))}</title></path>")
    if selected in rows:
        body.append(f'<path d="{paths[str(selected)]}" fill="none" stroke="#000000" stroke-width="2.2" '
                    'pointer-events="none"/>')
    _, height = _map_size()
    if theme:
        legend = _legend([(s, STATUS_COLOURS[s]) for s in STATUS_ORDER], 0, height + 10)
    else:
        stops = "".join(f'<stop offset="{i / 4:.2f}" stop-color="{scale_colour(i / 4 * top, top)}"/>'
                        for i in range(5))
        legend = (f'<defs><linearGradient id="gapscale">{stops}</linearGradient></defs>'
                  f'<text x="0" y="{height + 20}">gap cells: 0</text>'
                  f'<rect x="72" y="{height + 10}" width="160" height="12" fill="url(#gapscale)"/>'
                  f'<text x="238" y="{height + 20}">{top}</text>')
    alt = f"World map of {len(rows)} national members" + (" by status on the theme" if theme else
                                                          " by their number of gap cells")
    return _frame(MAP_WIDTH, height + 30, '<g stroke="#ffffff" stroke-width="0.5">' + "".join(body) + "</g>" + legend,
                  alt, css_class="map")


def _map_hover(row: Mapping[Hashable, Any], theme: str | None) -> str:
    if theme:
        demand = row.get("demand")
        shown = f"{float(demand):.1f}" if isinstance(demand, int | float) and not math.isnan(float(demand)) else "–"
        return (f"{row['name']}: {row['category']} · demand {shown} · supporters {row['supporters']} · "
                f"reachable organisations {row['reachable']}")
    return (f"{row['name']}: {row['gap']} gap, {row['fragile']} fragile, {row['covered']} covered, "
            f"{row['redundant']} redundant cells")


def _project(lon: float, lat: float) -> tuple[float, float]:
    """Natural Earth projection (Šavrič et al. 2011) of a point in degrees, in radians-like units.

    >>> [round(v, 4) for v in _project(180, 0)]
    [2.7354, 0.0]
    """
    lam, phi = math.radians(lon), math.radians(lat)
    p2 = phi * phi
    p4 = p2 * p2
    x = lam * (0.8707 - 0.131979 * p2 + p4 * (-0.013791 + p4 * (0.003971 * p2 - 0.001529 * p4)))
    y = phi * (1.007226 + p2 * (0.015085 + p4 * (-0.044475 + 0.028874 * p2 - 0.005916 * p4)))
    return x, y


def _map_size() -> tuple[float, float]:
    scale = MAP_WIDTH / (2 * _project(180, 0)[0])
    north, south = (_project(0, lat)[1] for lat in (MAP_LATITUDES[1], MAP_LATITUDES[0]))
    return scale, round((north - south) * scale, 1)


@lru_cache(maxsize=1)
def _country_paths() -> dict[str, str]:
    """ISO-3 code -> SVG path of the country (projected, in map units), from the vendored TopoJSON."""
    topo = json.loads((STATIC_DIR / TOPOJSON_FILE).read_text(encoding="utf-8"))
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    scale, _ = _map_size()
    half = MAP_WIDTH / 2
    north = _project(0, MAP_LATITUDES[1])[1]
    arcs: list[list[tuple[float, float]]] = []
    for arc in topo["arcs"]:
        qx = qy = 0
        points = []
        for dx, dy in arc:
            qx, qy = qx + dx, qy + dy
            points.append((qx * sx + tx, max(min(qy * sy + ty, 90.0), -90.0)))
        arcs.append(points)

    def ring(indexes: list[int]) -> str:
        points: list[tuple[float, float]] = []
        for i in indexes:
            part = arcs[i] if i >= 0 else arcs[~i][::-1]
            points.extend(part if not points else part[1:])
        if any(abs(a[0] - b[0]) > 180 for a, b in zip(points, points[1:], strict=False)):
            # a ring across the 180th meridian (Russia, Fiji): put it on the side most of it lies on; the part
            # beyond the edge is outside the drawing (as on any world map cut at the antimeridian)
            east = sum(lon > 0 for lon, _ in points) >= len(points) / 2
            points = [(lon + 360 if east and lon < 0 else lon - 360 if not east and lon > 0 else lon, lat)
                      for lon, lat in points]
        xy = []
        for lon, lat in points:
            px, py = _project(lon, lat)
            xy.append((round(half + px * scale, 1), round((north - py) * scale, 1)))
        kept = [p for k, p in enumerate(xy) if k == 0 or p != xy[k - 1]]
        return "M" + "L".join(f"{x:g},{y:g}" for x, y in kept) + "Z"

    out: dict[str, str] = {}
    for geometry in topo["objects"]["countries"]["geometries"]:
        iso3 = geometry.get("id")
        if not isinstance(iso3, str) or iso3 == "ATA":
            continue
        polygons = [geometry["arcs"]] if geometry["type"] == "Polygon" else geometry.get("arcs", [])
        rings = [ring(r) for polygon in polygons for r in polygon]
        if rings:
            out[iso3] = "".join(rings)
    return out


# -- shared ---------------------------------------------------------------------------------------------


def _legend(items: list[tuple[str, str]], x: float, y: float) -> str:
    parts = []
    for name, colour in items:
        parts.append(f'<rect x="{x:.0f}" y="{y}" width="12" height="12" fill="{colour}"/>'
                     f'<text x="{x + 16:.0f}" y="{y + 10}">{escape(name)}</text>')
        x += 30 + 6.5 * len(name)
    return "".join(parts)


def _frame(width: float, height: float, inner: str, alt: str, css_class: str = "chart") -> str:
    return (f'<svg class="{css_class}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:g} {height:g}" '
            f'width="{width:g}" height="{height:g}" role="img" aria-label="{escape(alt)}" {_FONT}>{inner}</svg>')
