"""Overview: headline numbers, data freshness and the questions the app answers."""

import streamlit as st

from dashboard import charts, components, frames, selection, state
from dashboard.sitemap import PAGES
from graph.analysis import coverage_headline
from presentation import labels

st.title("Open government partnerships network")
loaded = state.guard()
components.sidebar(loaded)
facts, cells = state.facts(loaded), state.cells(loaded.snapshot, loaded.config)
numbers = coverage_headline(facts, cells, loaded.config)
if loaded.config.as_of:
    st.info(f"Evidence as of **{loaded.config.as_of}**: only members, commitments, engagements and signals "
            "observed by then. Choose *Latest data* in the sidebar to see today's picture.")

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
components.svg_chart(charts.rollup_bars(rollup))
components.table(rollup, "coverage-per-theme", columns=["theme", "demand_cells", "gap", "fragile", "covered",
                                                         "redundant", "reachable_gaps", "gap_share"])
components.explain("What the statuses mean", loaded.config, "demand", "status")

st.subheader("What the data can see")
st.markdown("A gap means *nobody in the data* supports the member on the theme: it may be missing data rather "
            "than missing support. Read each theme's gaps with these limits.")
limits = state.limits(loaded.snapshot, loaded.config).assign(
    theme=lambda f: f["theme_id"].map(labels.theme_name),
    demand_by_source=lambda f: f["demand_by_source"].map(
        lambda shares: ", ".join(f"{s} {v:.0%}" for s, v in shares.items())))
components.table(limits, "data-limits", columns=[
    "theme", "organisations_with_evidence", "covering_organisations", "demand_cells", "monitoring_only_cells",
    "demand_by_source", "members_with_commitments", "sample_members_then", "reference_members",
    "unknown_indicator_signals"])
components.explain("How the limits are measured", loaded.config, "limits")

st.subheader("How coverage changed")
trend = state.trend(loaded.snapshot, loaded.config)
theme = selection.choose("Theme", list(facts.themes), "trend_theme", "overview", format_func=labels.theme_name,
                         default=selection.get("theme"))
components.svg_chart(charts.trend_lines(trend, theme))
st.caption("Cells per status at the end of each year, each year with only the evidence observed by then: "
           "early years see little because most sources were published recently.")

st.subheader("Data freshness")
st.markdown(f"Last load finished **{loaded.finished}** · snapshot `{loaded.snapshot}` · load `{loaded.load_id}`")
components.table(frames.sources_table(state.tables(loaded)), "sources",
                 columns=["id", "name", "as_of", "rows", "licence", "url"],
                 caption="Where the facts come from, newest first; every row of the data names its source and date.")
