"""Overview: headline numbers, data freshness and the questions the app answers."""

import streamlit as st

from dashboard import charts, components, frames, state
from dashboard.sitemap import PAGES
from graph.analysis import coverage_headline

st.title("Open government partnerships network")
loaded = state.guard()
components.sidebar(loaded)
facts, cells = state.facts(loaded), state.cells(loaded.snapshot, loaded.config)
numbers = coverage_headline(facts, cells)

cols = st.columns(6)
cols[0].metric("OGP members", numbers["members"], help="countries and local governments in the data")
cols[1].metric("Organisations", numbers["organisations"])
cols[2].metric("Consortia", numbers["consortia"], help="working groups, collective actions, partnerships")
cols[3].metric("Themes", numbers["themes"])
cols[4].metric("Gap cells", numbers["gap_cells"], help="member asks for help on a theme and nobody supports it")
cols[5].metric("Fragile cells", numbers["fragile_cells"], help="exactly one organisation supports it")
st.caption(f"{numbers['demanded_cells']} member × theme cells show demand: {numbers['gap_cells']} gaps, "
           f"{numbers['fragile_cells']} fragile, {numbers['covered_cells']} covered, "
           f"{numbers['redundant_cells']} redundant.")

st.subheader("What this app answers")
for spec in PAGES[1:]:
    st.page_link(spec.file, label=f"{spec.question} — **{spec.title}**", icon=spec.icon)

st.subheader("Coverage per theme")
rollup = frames.theme_rollup(cells)
st.plotly_chart(charts.rollup_bars(rollup), config={"displaylogo": False})
components.table(rollup, "coverage-per-theme", columns=["theme", "demand_cells", "gap", "fragile", "covered",
                                                         "redundant", "reachable_gaps", "gap_share"])
components.explain("What the statuses mean", loaded.config, "demand", "status")

st.subheader("Data freshness")
st.markdown(f"Last load finished **{loaded.finished}** · snapshot `{loaded.snapshot}` · load `{loaded.load_id}`")
components.table(frames.sources_table(state.tables(loaded)), "sources",
                 columns=["id", "name", "as_of", "rows", "licence", "url"],
                 caption="Where the facts come from, newest first; every row of the data names its source and date.")
