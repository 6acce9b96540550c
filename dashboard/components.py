"""Small Streamlit building blocks the pages share: tables with a CSV download, explanations, the sidebar."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import pandas as pd
import streamlit as st

from dashboard import selection
from dashboard.state import Loaded
from model.config import AnalysisConfig
from presentation import labels
from presentation.labels import COLUMNS, sector_name, theme_name
from presentation.methods import method
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


def table(frame: pd.DataFrame, name: str, *, columns: Sequence[str] | None = None, key: str | None = None,
          height: int | Literal["auto"] = "auto", on_select: Any = "ignore", caption: str | None = None) -> Any:
    """A table with plain-word headers and a CSV download of every column (formula injection neutralised)."""
    shown = [c for c in (columns or frame.columns) if c in frame.columns]
    kwargs: dict[str, Any] = {}
    if on_select != "ignore":
        kwargs = {"on_select": on_select, "selection_mode": "single-row", "key": key}
    event = st.dataframe(_readable(frame[shown]), hide_index=True, column_config=column_config(shown), height=height,
                         **kwargs)
    row = st.container(horizontal=True, vertical_alignment="center", gap="medium")
    row.download_button("Download CSV", to_csv(frame), file_name=f"{name}.csv", mime="text/csv",
                        key=f"csv:{name}", on_click="ignore", icon=":material/download:")
    row.caption(caption or f"{len(frame)} rows")
    return event


def _readable(frame: pd.DataFrame) -> pd.DataFrame:
    """The shown copy: sector ids as words (the CSV keeps the ids)."""
    if "sector" not in frame.columns:
        return frame
    return frame.assign(sector=frame["sector"].map(lambda s: sector_name(s) if isinstance(s, str) and s else ""))


def explain(title: str, config: AnalysisConfig, *keys: str, expanded: bool = False) -> None:
    """An expander with the plain-word definitions (from the methods registry) of the scores on the page."""
    with st.expander(title, expanded=expanded, icon=":material/help:"):
        for key in keys:
            st.markdown(method(key).markdown(config))


def sidebar(loaded: Loaded) -> None:
    """The load shown and the current selections (they carry across pages and are in the URL)."""
    with st.sidebar:
        st.caption(f"Data: load of {loaded.finished[:16].replace('T', ' ')} UTC · snapshot `{loaded.snapshot}`")
        picked = []
        if selection.get("theme"):
            picked.append(f"theme **{theme_name(selection.get('theme'))}**")
        if selection.get("members"):
            picked.append(f"members **{', '.join(selection.get('members'))}**")
        if selection.get("region"):
            picked.append(f"region **{selection.get('region')}**")
        if selection.get("organisation"):
            picked.append(f"organisation **{selection.get('organisation')}**")
        if picked:
            st.caption("Selected: " + "; ".join(picked) + ". Copy the address bar to share this view.")

