"""Small Streamlit building blocks the pages share: tables with a CSV download, SVG charts, explanations, the
sidebar."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Literal

import pandas as pd
import streamlit as st

from dashboard import frames, selection, state
from dashboard.state import Loaded
from model.config import AnalysisConfig
from presentation import labels
from presentation.labels import COLUMNS, sector_name, theme_name
from presentation.methods import method
from presentation.values import evidence_text
from presentation.writers import to_csv


def column_config(columns: Sequence[str]) -> dict[str, Any]:
    """Streamlit column settings from the one column registry (:data:`presentation.labels.COLUMNS`)."""
    out: dict[str, Any] = {}
    for col in columns:
        if col not in COLUMNS:
            continue
        label, help_text, kind = COLUMNS[col].label, COLUMNS[col].help, COLUMNS[col].kind
        help_arg = help_text or None
        if kind == labels.NUMBER:
            out[col] = st.column_config.NumberColumn(label, help=help_arg, format="%.3g" if col in (
                "betweenness", "constraint", "effective_size", "jaccard", "resource_allocation", "score", "demand")
                or col.startswith("z_") else None)
        elif kind == labels.LIST:
            out[col] = st.column_config.ListColumn(label, help=help_arg)
        elif kind == labels.SHARE:
            out[col] = st.column_config.ProgressColumn(label, help=help_arg, min_value=0.0, max_value=1.0,
                                                       format="%.2f")
        elif kind == labels.LINK:
            out[col] = st.column_config.LinkColumn(label, help=help_arg)
        elif kind == labels.CHECK:
            out[col] = st.column_config.CheckboxColumn(label, help=help_arg)
        else:
            out[col] = st.column_config.TextColumn(label, help=help_arg)
    return out


#: The chart component's script: draws the SVG it is given and sends the ``data-pick`` of a clicked shape.
_SVG_JS = """
export default function (component) {
  const { data, setTriggerValue, parentElement } = component;
  let box = parentElement.querySelector(':scope > .ogpnet-svg');
  if (!box) {
    box = document.createElement('div');
    box.className = 'ogpnet-svg';
    parentElement.appendChild(box);
  }
  box.innerHTML = data;
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


def table(frame: pd.DataFrame, name: str, *, columns: Sequence[str] | None = None, key: str | None = None,
          height: int | Literal["auto"] = "auto", on_select: Any = "ignore", caption: str | None = None) -> Any:
    """A table with plain-word headers and a CSV download of every column (formula injection neutralised),
    written when the button is pressed."""
    shown = [c for c in (columns or frame.columns) if c in frame.columns]
    kwargs: dict[str, Any] = {}
    if on_select != "ignore":
        kwargs = {"on_select": on_select, "selection_mode": "single-row", "key": key}
    event = st.dataframe(_readable(frame[shown]), hide_index=True, column_config=column_config(shown), height=height,
                         **kwargs)
    row = st.container(horizontal=True, vertical_alignment="center", gap="medium")
    # the CSV is written when the button is pressed, not on every run of the page (it took half the run time)
    row.download_button("Download CSV", lambda: to_csv(frame), file_name=f"{name}.csv", mime="text/csv",
                        key=f"csv:{name}", on_click="ignore", icon=":material/download:")
    row.caption(caption or f"{len(frame)} rows")
    return event


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

