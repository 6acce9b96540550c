"""Small Streamlit building blocks the pages share: tables with a CSV download, SVG charts, explanations, the
sidebar."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Literal

import pandas as pd
import streamlit as st

from dashboard import frames, html_table, selection, state
from dashboard.state import Loaded
from model.config import AnalysisConfig
from presentation import labels
from presentation.labels import COLUMNS, sector_name, theme_name
from presentation.methods import method
from presentation.values import evidence_text
from presentation.writers import to_csv

#: Shared by both in-page components: the element (of class ``name``) that holds the server-drawn markup.
_HOST_JS = """
function host(parentElement, name, markup) {
  let box = parentElement.querySelector(':scope > .' + name);
  if (!box) {
    box = document.createElement('div');
    box.className = name;
    parentElement.appendChild(box);
  }
  box.innerHTML = markup;
  return box;
}
"""
#: The chart component's script: draws the SVG it is given and sends the ``data-pick`` of a clicked shape.
_SVG_JS = _HOST_JS + """
export default function (component) {
  const { data, setTriggerValue, parentElement } = component;
  const box = host(parentElement, 'ogpnet-svg', data);
  box.onclick = (event) => {
    const shape = event.target.closest('[data-pick]');
    if (shape) setTriggerValue('pick', shape.getAttribute('data-pick'));
  };
}
"""
_SVG_CSS = """
.ogpnet-svg svg { width: 100%; max-width: 1100px; height: auto; display: block; }
.ogpnet-svg svg.map { max-width: 1200px; }
.ogpnet-svg [data-pick] { cursor: pointer; }
.ogpnet-svg [data-pick]:hover { stroke: #1d2330; stroke-width: 1.5; }
"""
#: A Streamlit "v2" component: it renders in the page itself (no iframe, no extra library), so a chart costs a
#: few kilobytes of SVG drawn on the server (:mod:`dashboard.charts`). Registered once per process.
_svg_component = st.components.v2.component("ogpnet_svg", js=_SVG_JS, css=_SVG_CSS, isolate_styles=False)


def svg_chart(svg: str, *, key: str | None = None, on_pick: Callable[[], None] | None = None) -> None:
    """Show an SVG drawing of :mod:`dashboard.charts`; with ``on_pick``, clicking a shape that has a
    ``data-pick`` attribute stores its value under ``st.session_state[key]["pick"]`` and calls ``on_pick``.

    The SVG must come from :mod:`dashboard.charts` (trusted markup, every data text escaped there)."""
    if on_pick is None:
        _svg_component(data=svg, key=key)
    else:
        _svg_component(data=svg, key=key, on_pick_change=on_pick)


#: The table component's script: sorts the server-drawn table by a clicked header (on the column's values,
#: sent alongside as ``frame``: numbers as numbers, empty cells last) and sends the position of a picked row.
_TABLE_JS = _HOST_JS + """
function plain(v) {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number') return Number.isNaN(v) ? null : v;
  if (typeof v === 'object' && typeof v.toArray === 'function') return Array.from(v).join('; ');
  return String(v);
}
function compare(a, b) {
  if (a === null || a === '') return (b === null || b === '') ? 0 : 1;
  if (b === null || b === '') return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b), undefined, { numeric: true, sensitivity: 'base' });
}
export default function (component) {
  const { data, setTriggerValue, parentElement } = component;
  const box = host(parentElement, 'ogpnet-table-host', data.html);
  const frame = data.frame;
  const body = box.querySelector('tbody');
  box.querySelectorAll('th[data-col]').forEach((th) => {
    th.onclick = () => {
      const column = frame && frame.getChild ? frame.getChild(th.dataset.col) : null;
      const descending = th.getAttribute('aria-sort') === 'ascending';
      box.querySelectorAll('th').forEach((h) => h.setAttribute('aria-sort', 'none'));
      th.setAttribute('aria-sort', descending ? 'descending' : 'ascending');
      const index = [...th.parentElement.children].indexOf(th);
      const value = (row) => column ? plain(column.get(Number(row.dataset.row)))
                                    : row.children[index].textContent;
      const rows = [...body.rows].sort((a, b) => {
        const c = compare(value(a), value(b));
        return descending ? -c : c;
      });
      body.append(...rows);
    };
  });
  const pick = (row) => {
    if (!row || !row.dataset.pick) return;
    box.querySelectorAll('tr[aria-selected]').forEach((r) => r.setAttribute('aria-selected', 'false'));
    row.setAttribute('aria-selected', 'true');
    setTriggerValue('pick', row.dataset.pick);
  };
  body.onclick = (event) => { if (!event.target.closest('a')) pick(event.target.closest('tr')); };
  body.onkeydown = (event) => { if (event.key === 'Enter' || event.key === ' ') pick(event.target.closest('tr')); };
}
"""
_TABLE_CSS = """
.ogpnet-table-box { overflow: auto; border: 1px solid rgba(49, 51, 63, 0.15); border-radius: 0.5rem; }
.ogpnet-table { border-collapse: collapse; width: 100%; font-size: 0.875rem; line-height: 1.35; }
.ogpnet-table thead th { position: sticky; top: 0; background: #f7f7f9; z-index: 1; text-align: left;
  font-weight: 600; padding: 0.35rem 0.6rem; border-bottom: 1px solid rgba(49, 51, 63, 0.2); cursor: pointer;
  white-space: nowrap; }
.ogpnet-table thead th[aria-sort="ascending"]::after { content: " \\25B2"; font-size: 0.7em; }
.ogpnet-table thead th[aria-sort="descending"]::after { content: " \\25BC"; font-size: 0.7em; }
.ogpnet-table td { padding: 0.3rem 0.6rem; border-bottom: 1px solid rgba(49, 51, 63, 0.08); white-space: nowrap;
  max-width: 24rem; overflow: hidden; text-overflow: ellipsis; }
.ogpnet-table td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
.ogpnet-table td.share { background: linear-gradient(90deg, rgba(103, 169, 207, 0.35) calc(var(--share) * 100%),
  transparent 0); }
.ogpnet-table tbody tr:nth-child(even) { background: rgba(49, 51, 63, 0.03); }
.ogpnet-table.pickable tbody tr { cursor: pointer; }
.ogpnet-table.pickable tbody tr:hover { background: rgba(255, 75, 75, 0.08); }
.ogpnet-table tbody tr[aria-selected="true"] { background: rgba(255, 75, 75, 0.16); }
"""
_table_component = st.components.v2.component("ogpnet_table", js=_TABLE_JS, css=_TABLE_CSS, isolate_styles=False)


def table(frame: pd.DataFrame, name: str, *, columns: Sequence[str] | None = None, key: str | None = None,
          height: int | Literal["auto"] = "auto", on_select: Callable[[], None] | None = None,
          selected: int | None = None, caption: str | None = None) -> None:
    """A table with plain-word headers (sortable), and a CSV download of every column (formula injection
    neutralised) written when the button is pressed.

    With ``on_select`` (and a ``key``) a row can be picked: its position in ``frame`` is stored under
    ``st.session_state[key]["pick"]`` and ``on_select`` is called (:func:`dashboard.selection.on_row_pick`);
    ``selected`` marks the row of the current selection. At most :data:`dashboard.html_table.MAX_ROWS` rows are
    drawn (the caption says so); the CSV has every row."""
    shown = html_table.columns_shown(frame, columns)
    readable = _readable(frame[shown].head(html_table.MAX_ROWS)).reset_index(drop=True)
    drawn = html_table.table_html(readable, pickable=on_select is not None, selected=selected,
                                  height=None if height == "auto" else int(height))
    kwargs: dict[str, Any] = {"data": {"html": drawn, "frame": readable}, "key": key or f"table:{name}"}
    if on_select is not None:
        kwargs["on_pick_change"] = on_select
    _table_component(**kwargs)
    row = st.container(horizontal=True, vertical_alignment="center", gap="medium")
    # the CSV is written when the button is pressed, not on every run of the page (it took half the run time)
    row.download_button("Download CSV", lambda: to_csv(frame), file_name=f"{name}.csv", mime="text/csv",
                        key=f"csv:{name}", on_click="ignore", icon=":material/download:")
    cut = (f"the first {html_table.MAX_ROWS:,} of {len(frame):,} rows are shown (header sorts sort those); the CSV "
           "has them all" if len(frame) > html_table.MAX_ROWS else "")
    row.caption(" · ".join(t for t in (caption or f"{len(frame)} rows", cut) if t))


def _readable(frame: pd.DataFrame) -> pd.DataFrame:
    """The shown copy: sector ids as words, evidence items ``{text, source, as_of}`` as lines of text (one list
    entry each in a list column, joined with "; " otherwise). The CSV download keeps the ids."""
    out = frame.copy()
    if "sector" in out.columns:
        out["sector"] = out["sector"].map(lambda s: sector_name(s) if isinstance(s, str) and s else "")
    for col in out.columns:
        if out[col].map(_is_evidence).any():
            as_list = col in COLUMNS and COLUMNS[col].kind == labels.LIST
            out[col] = out[col].map(lambda items, as_list=as_list: _evidence_lines(items, as_list))
    return out


def _is_evidence(value: Any) -> bool:
    return isinstance(value, list) and any(isinstance(v, dict) and "text" in v for v in value)


def _evidence_lines(items: Any, as_list: bool) -> Any:
    if not isinstance(items, list):
        return items
    lines = [evidence_text(v) if isinstance(v, dict) else str(v) for v in items]
    return lines if as_list else "; ".join(lines)


def evidence_list(items: Sequence[dict[str, Any]], limit: int = 12) -> None:
    """Evidence items as a bulleted list (read without scrolling sideways)."""
    lines = [f"- {evidence_text(e)}" for e in items[:limit]]
    if len(items) > limit:
        lines.append(f"- … and {len(items) - limit} more (in the CSV download)")
    st.markdown("\n".join(lines) or "No evidence recorded.")


def explain(title: str, config: AnalysisConfig, *keys: str, expanded: bool = False) -> None:
    """An expander with the plain-word definitions (from the methods registry) of the scores on the page."""
    with st.expander(title, expanded=expanded, icon=":material/help:"):
        for key in keys:
            st.markdown(method(key).markdown(config))


#: The selections that carry across pages: the sidebar lists them and every page keeps them in the URL.
SHARED = ("theme", "members", "region", "organisation")


def sidebar(loaded: Loaded) -> None:
    """The load shown, the "evidence as of" year and the current selections (they carry across pages and are in
    the URL). Values of the link that the data does not have are dropped first, with a warning at the top of the
    page, so the list never shows them."""
    facts = state.facts(loaded)
    choices = frames.as_of_choices(facts)
    selection.notices(st.container())
    for name, options in (("theme", list(facts.themes)), ("region", frames.regions(facts)),
                          ("members", list(facts.members["member_id"])),
                          ("organisation", list(facts.organisations["organisation_id"]))):
        selection.check(name, options)
    selection.keep_in_url(SHARED)
    with st.sidebar:
        st.caption(f"Data: load of {loaded.finished[:16].replace('T', ' ')} UTC · snapshot `{loaded.snapshot}`")
        if loaded.config.as_of and not selection.get("as_of"):
            st.caption(f"Evidence as of **{loaded.config.as_of}** (set by OGPNET_AS_OF)")
        else:
            selection.narrow("Evidence as of", choices, "as_of", "sidebar", all_label=f"Latest data ({choices[0]})",
                             help="Only facts observed by the end of that year: members that had joined, commitments "
                                  "submitted, engagements and signals dated by then. Commitments count less as they "
                                  "age (half-life in the settings).")
        selection.summary(st.empty(), selected_text)


def selected_text() -> str:
    """The shared selections in words, for the sidebar (empty when there are none)."""
    picked = []
    if selection.get("theme"):
        picked.append(f"theme **{theme_name(selection.get('theme'))}**")
    if selection.get("members"):
        picked.append(f"members **{', '.join(selection.get('members'))}**")
    if selection.get("region"):
        picked.append(f"region **{selection.get('region')}**")
    if selection.get("organisation"):
        picked.append(f"organisation **{selection.get('organisation')}**")
    if not picked:
        return ""
    return "Selected: " + "; ".join(picked) + ". Copy the address bar to share this view."

