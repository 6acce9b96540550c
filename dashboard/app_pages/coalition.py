"""Coalition builder: a few organisations that together close the most demand cells on a theme."""

import pandas as pd
import streamlit as st

from dashboard import components, frames, selection, state
from presentation import labels

PAGE = "coalition"
SCOPES = {"members": "Chosen members", "region": "A region", "all": "All members"}
st.title("Coalition builder")
loaded = state.guard()
components.sidebar(loaded)
facts, cells = state.facts(loaded), state.cells(loaded.snapshot, loaded.config)
choices = frames.member_choices(cells)

cols = st.columns(3)
theme = selection.choose("Theme", list(facts.themes), "theme", PAGE, format_func=labels.theme_name,
                         container=cols[0])
scope = selection.radio("Close gaps in", list(SCOPES), "scope", PAGE, format_func=SCOPES.get, container=cols[1],
                        default="region")
members: list[str] = []
region: str | None = None
if scope == "members":
    members = selection.multiselect("Members", list(choices), "members", PAGE, format_func=choices.get,
                                    container=cols[2], placeholder="Choose members…")
elif scope == "region":
    region = selection.choose("Region", frames.regions(facts), "region", PAGE, container=cols[2])
left, middle, right = st.columns(3)
size = selection.slider("Coalition size", 1, 10, "size", PAGE, default=3, container=left)
min_sectors = selection.slider("At least this many sectors", 1, 6, "min_sectors", PAGE, default=2,
                               container=middle)
role = selection.radio("Organisations", ["any", "implementer", "funder"], "role", PAGE, container=right,
                       format_func={"any": "Any", "implementer": "Implementers", "funder": "Funders"}.get,
                       default="any")
if scope == "members" and not members:
    st.info("Choose at least one member.")
    st.stop()

result = state.coalition(loaded.snapshot, theme, tuple(members), region, size, min_sectors, loaded.config, role)
counts, per_cell = frames.coalition_coverage(cells, result)
numbers = st.columns(4)
numbers[0].metric("Members asking for help", counts["cells"], help="demanded cells of the theme in the scope")
numbers[1].metric("Supported today", counts["today"], help="at least one organisation supports them now")
numbers[2].metric("The coalition can cover", counts["coalition"], help="its members support them or could step in")
numbers[3].metric("Supported after", counts["after"], delta=counts["new"], help="today's supporters plus the coalition")
st.markdown(frames.coalition_method(result))
for note in result.notes:
    st.info(note)

st.subheader("The coalition and why each pick")
picks = frames.coalition_picks(result, frames.organisation_names(facts))
components.table(picks, "coalition", columns=["order", "name", "sector", "reason", "value_added", "adds",
                                               "supports_now", "replacement", "role", "consortia"])
if not picks.empty:
    with st.expander("Evidence behind each pick", icon=":material/fact_check:"):
        for row in picks.to_dict("records"):
            st.markdown(f"**{row['order']}. {row['name']}**")
            components.evidence_list(row["evidence"])
st.subheader("Coverage before and after")
components.table(per_cell, "coalition-coverage", columns=["member_name", "member_id", "status", "supporters",
                                                          "today", "picks", "coalition", "after"])
if result.funders:
    st.subheader("Likely funders of this work")
    funders = pd.DataFrame(result.funders)
    components.table(funders, "coalition-funders", columns=["name", "sector", "funds_in_scope", "present_in_scope",
                                                             "theme_interest", "role_detail"])
components.explain("How the coalition is chosen", loaded.config, "coalition", "roles", "funders")
