"""The report's charts, from one data description each, drawn natively in Excel and as inline SVG (HTML, PDF).

:func:`status_chart` (demanded cells per theme by status, stacked bars) and :func:`trend_chart` (gap cells per
theme at the end of each year, lines; one theme: every status) describe a chart as a :class:`Chart`: title,
categories and series with their fixed colours (:mod:`presentation.colours`). :func:`svg` draws it as static
SVG (no script, so it prints and converts to PDF as it is); :func:`add_excel_chart` writes its numbers to a
sheet and adds an openpyxl chart over them (a real Excel chart: it redraws when the numbers change).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

import pandas as pd
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.worksheet.worksheet import Worksheet

from graph.analysis import ALL_STATUSES
from presentation.colours import STATUS_COLOURS, THEME_COLOURS, UNKNOWN, excel_rgb
from presentation.labels import status_name, theme_name
from presentation.values import display_number

__all__ = ["Chart", "Series", "add_excel_chart", "status_chart", "svg", "trend_chart"]


@dataclass(frozen=True)
class Series:
    name: str
    values: list[float]
    colour: str


@dataclass(frozen=True)
class Chart:
    """``kind`` is ``bar`` (horizontal, stacked) or ``line``; one value per category in each series."""

    kind: str
    title: str
    categories: list[str]
    series: list[Series] = field(default_factory=list)
    x_title: str = ""
    y_title: str = ""

    @property
    def empty(self) -> bool:
        return not self.categories or not any(any(v for v in s.values) for s in self.series)


def status_chart(by_theme: pd.DataFrame) -> Chart:
    """Demanded cells per theme by status, from a coverage roll-up (``theme_id`` and one count per status).

    >>> c = status_chart(pd.DataFrame({"theme_id": ["climate"], "gap": [3], "fragile": [1], "covered": [0],
    ...                                "redundant": [0], "mature": [2]}))
    >>> c.categories, [(s.name, s.values) for s in c.series][:2]
    (['Climate and environment'], [('Gap', [3.0]), ('Fragile', [1.0])])
    """
    frame = by_theme.reset_index(drop=True)
    series = [Series(status_name(s), [float(v) for v in frame[s]] if s in frame else [0.0] * len(frame),
                     STATUS_COLOURS[s]) for s in ALL_STATUSES]
    return Chart("bar", "Demanded cells per theme, by status", [theme_name(t) for t in frame["theme_id"]], series,
                 x_title="member × theme cells")


def trend_chart(trend: pd.DataFrame) -> Chart:
    """Gap cells at the end of each year, one line per theme (for one theme: one line per status).

    >>> t = pd.DataFrame({"year": [2020, 2021, 2020, 2021], "theme_id": ["climate", "climate", "open_data",
    ...                   "open_data"], "gap": [1, 2, 0, 4], "fragile": [0, 1, 0, 0], "covered": 0, "redundant": 0,
    ...                   "mature": 0})
    >>> c = trend_chart(t)
    >>> c.categories, [(s.name, s.values) for s in c.series]
    (['2020', '2021'], [('Climate and environment', [1.0, 2.0]), ('Open data', [0.0, 4.0])])
    >>> [s.name for s in trend_chart(t[t["theme_id"] == "climate"]).series]
    ['Gap', 'Fragile', 'Covered', 'Redundant', 'Mature']
    """
    if trend.empty:
        return Chart("line", "Gap cells over time", [])
    years = sorted(int(y) for y in trend["year"].unique())
    themes = list(dict.fromkeys(trend["theme_id"]))
    if len(themes) == 1:
        by_year = trend.set_index("year")
        series = [Series(status_name(s), [float(v) for v in by_year[s].reindex(years).fillna(0)], STATUS_COLOURS[s])
                  for s in ALL_STATUSES]
        return Chart("line", f"{theme_name(themes[0])}: cells by status over time", [str(y) for y in years],
                     series, y_title="cells")
    gaps = trend.pivot_table(index="year", columns="theme_id", values="gap", aggfunc="sum").reindex(years)
    series = [Series(theme_name(t), [float(v) for v in gaps[t].fillna(0)], THEME_COLOURS.get(t, UNKNOWN))
              for t in themes]
    return Chart("line", "Gap cells over time, per theme", [str(y) for y in years], series, y_title="gap cells")


# -- SVG ------------------------------------------------------------------------------------------------


def svg(chart: Chart, width: int = 760) -> str:
    """The chart as one static ``<svg>`` element (with a legend and a text alternative).

    >>> s = svg(status_chart(pd.DataFrame({"theme_id": ["climate"], "gap": [3], "fragile": [1], "covered": [0],
    ...                                      "redundant": [0], "mature": [0]})))
    >>> s.startswith("<svg") and "Climate" in s and "#b2182b" in s
    True
    """
    if chart.empty:
        return f'<p class="note">{escape(chart.title)}: nothing to draw.</p>'
    return _svg_bars(chart, width) if chart.kind == "bar" else _svg_lines(chart, width)


def _legend(chart: Chart, y: int, width: int) -> tuple[str, int]:
    parts: list[str] = []
    x, row = 0.0, 0
    for s in chart.series:
        w = 26 + 6.2 * len(s.name)
        if x + w > width and x > 0:
            x, row = 0.0, row + 1
        parts.append(f'<rect x="{x:.0f}" y="{y + row * 18}" width="12" height="12" fill="{s.colour}"/>'
                     f'<text x="{x + 16:.0f}" y="{y + row * 18 + 10}">{escape(s.name)}</text>')
        x += w
    return "".join(parts), (row + 1) * 18


def _svg_bars(chart: Chart, width: int) -> str:
    label_w, bar_h, gap = 200, 14, 5
    plot_w = width - label_w - 50
    totals = [sum(s.values[i] for s in chart.series) for i in range(len(chart.categories))]
    top = max(totals) or 1.0
    body = []
    for i, cat in enumerate(chart.categories):
        y = 28 + i * (bar_h + gap)
        body.append(f'<text x="{label_w - 6}" y="{y + 11}" text-anchor="end">{escape(_short(cat))}'
                    f"<title>{escape(cat)}</title></text>")
        x = float(label_w)
        for s in chart.series:
            w = s.values[i] / top * plot_w
            if w > 0:
                body.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{s.colour}">'
                            f"<title>{escape(cat)} · {escape(s.name)}: {display_number(s.values[i])}</title>"
                            "</rect>")
            x += w
        body.append(f'<text x="{x + 4:.1f}" y="{y + 11}" fill="#5b6475">{display_number(totals[i])}</text>')
    plot_bottom = 28 + len(chart.categories) * (bar_h + gap)
    legend, legend_h = _legend(chart, plot_bottom + 10, width)
    height = plot_bottom + 14 + legend_h
    return _svg_frame(chart, width, height, "".join(body) + legend)


#: The longest category label a bar chart shows in full (the rest is cut with "…"; the full text is its tooltip).
LABEL_CHARS = 30


def _short(text: str, limit: int = LABEL_CHARS) -> str:
    """
    >>> _short("Open Government Partnership Support Unit", 20)
    'Open Government Par…'
    """
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _svg_lines(chart: Chart, width: int) -> str:
    left, right, top_y, plot_h = 44, 24, 44, 200
    plot_w = width - left - right
    n = len(chart.categories)
    top = max((max(s.values) for s in chart.series if s.values), default=1.0) or 1.0
    step = plot_w / max(n - 1, 1)

    def xy(i: int, v: float) -> str:
        return f"{left + i * step:.1f},{top_y + plot_h - v / top * plot_h:.1f}"

    body = [f'<line x1="{left}" y1="{top_y + plot_h}" x2="{left + plot_w}" y2="{top_y + plot_h}" stroke="#9aa3b2"/>',
            f'<line x1="{left}" y1="{top_y}" x2="{left}" y2="{top_y + plot_h}" stroke="#9aa3b2"/>']
    for frac in (0.0, 0.5, 1.0):
        y = top_y + plot_h - frac * plot_h
        body.append(f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end">{top * frac:g}</text>')
    every = max(1, -(-n // 10))
    for i, cat in enumerate(chart.categories):
        if i % every == 0 or i == n - 1:
            body.append(f'<text x="{left + i * step:.1f}" y="{top_y + plot_h + 14}" text-anchor="middle">'
                        f"{escape(cat)}</text>")
    for s in chart.series:
        if not any(s.values):
            continue
        points = " ".join(xy(i, v) for i, v in enumerate(s.values))
        body.append(f'<polyline points="{points}" fill="none" stroke="{s.colour}" stroke-width="2">'
                    f"<title>{escape(s.name)}</title></polyline>")
    if chart.y_title:
        body.append(f'<text x="{left}" y="{top_y - 10}" fill="#5b6475">{escape(chart.y_title)}</text>')
    legend, legend_h = _legend(chart, top_y + plot_h + 28, width)
    return _svg_frame(chart, width, top_y + plot_h + 34 + legend_h, "".join(body) + legend)


def _svg_frame(chart: Chart, width: int, height: int, inner: str) -> str:
    alt = f"{chart.title}: " + "; ".join(
        f"{s.name} " + ", ".join(f"{c} {v:g}" for c, v in zip(chart.categories, s.values, strict=True) if v)
        for s in chart.series if any(s.values))
    return (f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
            f'width="{width}" height="{height}" role="img" aria-label="{escape(alt)}" '
            'font-family="DejaVu Sans, Arial, sans-serif" font-size="10" fill="#1d2330">'
            f'<text x="0" y="14" font-size="12" font-weight="bold">{escape(chart.title)}</text>{inner}</svg>')


# -- Excel ----------------------------------------------------------------------------------------------


def add_excel_chart(ws: Worksheet, chart: Chart, data_ws: Worksheet, data_row: int, anchor: str) -> int:
    """Write the chart's numbers to ``data_ws`` from ``data_row`` (categories in column A, one column per
    series) and add a native chart over them at ``anchor`` on ``ws``; returns the next free data row."""
    if chart.empty:
        ws[anchor] = f"{chart.title}: nothing to draw."
        return data_row
    data_ws.cell(row=data_row, column=1, value=chart.title)
    for j, s in enumerate(chart.series, start=2):
        data_ws.cell(row=data_row, column=j, value=s.name)
    for i, cat in enumerate(chart.categories, start=1):
        data_ws.cell(row=data_row + i, column=1, value=cat)
        for j, s in enumerate(chart.series, start=2):
            data_ws.cell(row=data_row + i, column=j, value=s.values[i - 1])
    last = data_row + len(chart.categories)
    excel: BarChart | LineChart
    if chart.kind == "bar":
        excel = BarChart()
        excel.type = "bar"
        excel.grouping = "stacked"
        excel.overlap = 100
        excel.height = max(7.0, 0.55 * len(chart.categories) + 3)
    else:
        excel = LineChart()
        excel.height = 9.0
    excel.width = 24.0
    excel.title = chart.title
    excel.y_axis.title = chart.x_title if chart.kind == "bar" else chart.y_title
    data = Reference(data_ws, min_col=2, max_col=1 + len(chart.series), min_row=data_row, max_row=last)
    excel.add_data(data, titles_from_data=True)
    excel.set_categories(Reference(data_ws, min_col=1, min_row=data_row + 1, max_row=last))
    for series, s in zip(excel.series, chart.series, strict=True):
        rgb = excel_rgb(s.colour)
        if chart.kind == "bar":
            series.graphicalProperties.solidFill = rgb
            series.graphicalProperties.line.solidFill = rgb
        else:
            series.graphicalProperties.line.solidFill = rgb
            series.graphicalProperties.line.width = 22_000
            series.smooth = False
    if chart.kind == "bar":
        excel.x_axis.scaling.orientation = "maxMin"  # first theme on top, as in the table
    excel.legend.position = "b"
    ws.add_chart(excel, anchor)
    return last + 2
