"""Small Streamlit building blocks the pages share: tables with a CSV download, explanations, the sidebar."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import pandas as pd
import streamlit as st

from dashboard import selection
from dashboard.state import Loaded
from dashboard.views import sector_name, theme_name
from ogpnet.output import to_csv

_NUMBER = "number"
_LIST = "list"
_TEXT = "text"
_PROGRESS = "progress"
_CHECK = "check"
_LINK = "link"

#: Column -> (label, help, kind): the plain words shown in every table header.
COLUMNS: dict[str, tuple[str, str, str]] = {
    "member_id": ("Member id", "ISO-3 code of a country, or <country>-<name> for a local member", _TEXT),
    "member_name": ("Member", "", _TEXT),
    "theme_id": ("Theme id", "", _TEXT),
    "theme": ("Theme", "", _TEXT),
    "status": ("Status", "gap: nobody supports it; fragile: one organisation; covered: a few; redundant: many",
               _TEXT),
    "demand": ("Demand", "commitments + pledges + low indicator scores (weighted)", _NUMBER),
    "cov": ("Supporters", "number of organisations supporting the member on the theme", _NUMBER),
    "supporters": ("Supporting organisations", "", _LIST),
    "sectors": ("Supporter sectors", "", _LIST),
    "n_sectors": ("Sectors", "number of different sectors among the supporters", _NUMBER),
    "reachable_cov": ("Reachable", "organisations able to help that are a step or two away in the network", _NUMBER),
    "reachable_min_hops": ("Nearest (steps)", "steps to the nearest reachable organisation", _NUMBER),
    "reachable_orgs": ("Reachable organisations", "nearest first", _LIST),
    "commitment_ids": ("Commitments", "", _LIST),
    "n_commitments": ("Commitments", "", _NUMBER),
    "n_pledges": ("Pledges", "", _NUMBER),
    "n_need_signals": ("Need signals", "indicator scores below the need threshold", _NUMBER),
    "organisation_id": ("Organisation id", "", _TEXT),
    "name": ("Name", "", _TEXT),
    "sector": ("Sector", "", _TEXT),
    "group": ("Group", "the group used for the brokerage roles", _TEXT),
    "betweenness": ("Betweenness", "share of shortest paths between others that pass through it (0-1)", _NUMBER),
    "constraint": ("Constraint", "low: partners in separate circles; high: inside one tight group", _NUMBER),
    "effective_size": ("Effective size", "partners that are not tied to its other partners", _NUMBER),
    "degree": ("Partners", "number of organisations it is tied to", _NUMBER),
    "dominant_role": ("Main role", "brokerage role with the highest z-score", _TEXT),
    "z_coordinator": ("z coordinator", "within its own group", _NUMBER),
    "z_itinerant": ("z itinerant", "between two members of another group", _NUMBER),
    "z_representative": ("z representative", "from its group to another", _NUMBER),
    "z_gatekeeper": ("z gatekeeper", "from another group into its own", _NUMBER),
    "z_liaison": ("z liaison", "between two other, different groups", _NUMBER),
    "articulation_point": ("Single point of failure", "its withdrawal splits the network", _CHECK),
    "score": ("Score", "sum of the weighted parts", _NUMBER),
    "expertise": ("Expertise", "1 if it declares expertise in the theme", _PROGRESS),
    "presence": ("Presence", "1 already in the member, 0.5 in a neighbouring member", _PROGRESS),
    "track_record": ("Track record", "countries where it supports the theme (capped)", _PROGRESS),
    "complementarity": ("Complementarity", "1 if it brings a sector the current supporters lack", _PROGRESS),
    "proximity": ("Proximity", "closeness in the network to organisations already there (1 = closest)",
                  _PROGRESS),
    "countries": ("Countries", "where it supports the theme", _LIST),
    "evidence": ("Evidence", "where the score comes from", _TEXT),
    "jaccard": ("Jaccard", "shared cells / all cells of either", _NUMBER),
    "resource_allocation": ("Resource allocation", "shared cells weighted by how rare they are", _NUMBER),
    "n_shared": ("Shared cells", "", _NUMBER),
    "shared": ("Shared member/theme cells", "", _LIST),
    "adds": ("Adds (members)", "demanded cells it adds to the coalition, in pick order", _LIST),
    "covers": ("Can cover", "all demanded cells it could cover", _LIST),
    "supports_now": ("Supports now", "", _LIST),
    "could_reach": ("Could step into", "", _LIST),
    "role": ("Brokerage role", "main Gould-Fernandez role (groups: sector)", _TEXT),
    "works_with": ("Works with", "other picks it is tied to", _LIST),
    "consortia": ("Consortia", "", _LIST),
    "unique_cells": ("Cells it alone supports", "", _LIST),
    "n_unique_cells": ("Unique coverage", "cells that become gaps if it withdraws", _NUMBER),
    "lost_supporters": ("Withdrawn supporters", "", _LIST),
    "status_before": ("Status now", "", _TEXT),
    "cov_before": ("Supporters now", "", _NUMBER),
    "rows": ("Rows citing it", "rows of the loaded data that name this source", _NUMBER),
    "as_of": ("As of", "date the fact was true or published", _TEXT),
    "source": ("Source", "", _TEXT),
    "hops": ("Steps away", "", _NUMBER),
    "why": ("Why it is near", "", _TEXT),
    "today": ("Supported today", "", _CHECK),
    "coalition": ("Coalition covers", "", _CHECK),
    "after": ("Supported after", "", _CHECK),
    "picks": ("Picks covering it", "", _LIST),
    "gap": ("Gap", "", _NUMBER), "fragile": ("Fragile", "", _NUMBER), "covered": ("Covered", "", _NUMBER),
    "redundant": ("Redundant", "", _NUMBER), "demand_cells": ("Demanded", "members with demand", _NUMBER),
    "gap_share": ("Gap share", "gaps / demanded", _PROGRESS),
    "u_name": ("Organisation", "", _TEXT), "v_name": ("Tied to", "", _TEXT),
    "span": ("Detour without the tie", "", _TEXT), "bridge": ("Bridge", "no other path at all", _CHECK),
    "pieces": ("Pieces after", "parts its component splits into", _NUMBER),
    "id": ("Id", "", _TEXT), "url": ("Address", "", _LINK), "licence": ("Licence", "", _TEXT),
    "kind": ("Kind", "", _TEXT), "what": ("What", "commitment id or indicator", _TEXT),
    "detail": ("Detail", "", _TEXT), "how": ("How it supports", "", _TEXT),
    "reason": ("Why this pick", "", _TEXT), "link": ("Tie", "", _TEXT),
    "rank": ("Rank", "", _NUMBER), "order": ("Pick", "order in which the greedy method adds it", _NUMBER),
    "reachable_gaps": ("Gaps with help nearby", "gaps with at least one reachable organisation", _NUMBER),
    "cut_off": ("Organisations cut off", "organisations that lose their connection to the rest", _NUMBER),
}


def column_config(columns: Sequence[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for col in columns:
        if col not in COLUMNS:
            continue
        label, help_text, kind = COLUMNS[col]
        help_arg = help_text or None
        if kind == _NUMBER:
            out[col] = st.column_config.NumberColumn(label, help=help_arg, format="%.3g" if col in (
                "betweenness", "constraint", "effective_size", "jaccard", "resource_allocation", "score", "demand")
                or col.startswith("z_") else None)
        elif kind == _LIST:
            out[col] = st.column_config.ListColumn(label, help=help_arg)
        elif kind == _PROGRESS:
            out[col] = st.column_config.ProgressColumn(label, help=help_arg, min_value=0.0, max_value=1.0,
                                                       format="%.2f")
        elif kind == _LINK:
            out[col] = st.column_config.LinkColumn(label, help=help_arg)
        elif kind == _CHECK:
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


def explain(title: str, *texts: str, expanded: bool = False) -> None:
    """An expander with the plain-word definitions of the scores on the page."""
    with st.expander(title, expanded=expanded, icon=":material/help:"):
        for text in texts:
            st.markdown(text)


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

