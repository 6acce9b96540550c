"""Partnership screening: consortia and networks scored against OGP's selection criteria on a theme."""

from dataclasses import replace
from typing import Any

import streamlit as st

from dashboard import components, frames, selection, state
from graph.analysis import CRITERIA, criteria
from presentation import labels

PAGE = "screening"
SCOPES = {"all": "All members", "region": "A region", "members": "Chosen members"}
st.title("Partnership screening")
loaded = state.guard()
components.sidebar(loaded)
facts, cells = state.facts(loaded), state.cells(loaded.snapshot, loaded.config)
choices = frames.member_choices(cells)

cols = st.columns(3)
theme = selection.choose("Theme", list(facts.themes), "theme", PAGE, format_func=labels.theme_name,
                         container=cols[0])
scope = selection.radio("Scope", list(SCOPES), "scope", PAGE, format_func=SCOPES.get, container=cols[1],
                        default="all")
members: tuple[str, ...] | None = None
if scope == "members":
    members = tuple(selection.multiselect("Members", list(choices), "members", PAGE, format_func=choices.get,
                                          container=cols[2], placeholder="Choose members…"))
    if not members:
        st.info("Choose at least one member.")
        st.stop()
elif scope == "region":
    region = selection.choose("Region", frames.regions(facts), "region", PAGE, container=cols[2])
    members = tuple(sorted(cells.loc[cells["region"] == region, "member_id"].unique()))

with st.expander("Thresholds (this page only; the settings stay as they are)", icon=":material/tune:"):
    tcols = st.columns(len(CRITERIA))
    changed: dict[str, Any] = {}
    for col, criterion in zip(tcols, CRITERIA, strict=True):
        current = getattr(loaded.config, criterion.setting)
        if isinstance(current, int):
            changed[criterion.setting] = col.number_input(criterion.id.replace("_", " "), min_value=0,
                                                          value=int(current), step=1, key=f"{PAGE}:{criterion.id}",
                                                          help=criterion.meaning)
        else:
            upper = 1.0 if criterion.setting in ("screen_min_expertise", "screen_min_alignment") else 20.0
            changed[criterion.setting] = col.number_input(criterion.id.replace("_", " "), min_value=0.0,
                                                          max_value=upper, value=float(current), step=0.05,
                                                          key=f"{PAGE}:{criterion.id}", help=criterion.meaning)
config = replace(loaded.config, **changed)

table = state.screening(loaded.snapshot, theme, members, config)
passing = int((table["criteria_met"] == len(CRITERIA)).sum()) if not table.empty else 0
st.markdown(f"**{len(table)} candidates** (consortia and network organisations) for {labels.theme_name(theme)}; "
            f"**{passing}** meet every criterion.")
components.table(frames.screening_table(table), "screening", columns=[
    "rank", "name", "kind", "criteria_met", *(f"{c.id}_mark" for c in CRITERIA), "failed"])

st.subheader("Side by side")
names = dict(zip(table["candidate_id"], table["name"], strict=True))
picked = selection.multiselect("Compare two to four candidates", list(names), "compare", PAGE,
                               default=list(names)[:2], format_func=names.get)
if picked:
    columns = st.columns(min(len(picked), 4))
    for col, candidate in zip(columns, picked[:4], strict=False):
        row = table[table["candidate_id"] == candidate].iloc[0]
        with col:
            st.markdown(f"**{row['name']}** ({row['kind']}, {row['n_organisations']} organisations)")
            st.metric("Criteria met", f"{row['criteria_met']} of {len(CRITERIA)}")
            for criterion in CRITERIA:
                mark = "✅" if row[f"{criterion.id}_pass"] else "❌"
                st.markdown(f"{mark} **{criterion.id.replace('_', ' ')}**: "
                            f"{frames.measure_text(row[criterion.id], criterion.id)}")
            st.caption(f"Members asking for help where it works: {', '.join(row['members_reached']) or 'none'}; "
                       f"gaps among them: {', '.join(row['gaps_reached']) or 'none'}")
            with st.expander("Evidence"):
                components.evidence_list(row["evidence"], limit=20)

st.subheader("Who could fund the work")
money = state.funder_table(loaded.snapshot, theme, members, config)
if money.empty:
    st.info("No organisation in the data is named as a funder with a tie to this theme or scope.")
else:
    components.table(money, "funders", columns=["rank", "name", "sector", "funds_in_scope", "present_in_scope",
                                                "theme_interest", "role_detail"])
components.explain("How the screening works", config, "screening", "funders")
components.table(criteria(config), "screening-criteria")
