"""Brokers: who bridges separate communities, and the network's single points of failure."""

import streamlit as st

from dashboard import charts, components, frames, selection, state
from graph.analysis import GROUPINGS
from presentation import ranking
from presentation.methods import method as method_text

PAGE = "brokers"
st.title("Brokers")
loaded = state.guard()
components.sidebar(loaded)
facts = state.facts(loaded)

left, right = st.columns(2)
group_by = selection.radio("Group organisations by", list(GROUPINGS), "group_by", PAGE, container=left,
                           format_func=str.capitalize,
                           help="The groups that decide the brokerage roles (within a group, between groups)")
top = selection.slider("Show the top", 5, len(facts.organisations), "top", PAGE, default=20, container=right)
report = state.brokerage(loaded.snapshot, group_by, loaded.config)
ranked = ranking.rank_brokers(report)
method = "exact" if report.betweenness_method == "exact" else \
    f"estimated from {report.betweenness_k} sampled organisations (seed {report.seed})"
st.caption(f"Betweenness {method}, on the collaboration network of {len(ranked)} organisations.")

components.svg_chart(charts.broker_bars(ranked.head(min(top, 25))))
shown = ranked.head(top).copy()
reasons = state.broker_reasons(loaded.snapshot, group_by, tuple(shown["organisation_id"]), loaded.config)
shown["evidence"] = shown["organisation_id"].map(reasons)
components.table(shown, "brokers",
                 columns=["rank", *[c for c in frames.BROKER_COLUMNS if c != "organisation_id"], "evidence"])
with st.expander("Why each is a broker: the ties that reach other groups", icon=":material/fact_check:"):
    for row in shown.head(10).to_dict("records"):
        st.markdown(f"**{row['rank']}. {row['name']}**")
        components.evidence_list(row["evidence"])
components.explain("What these measures mean", loaded.config, "network", "betweenness", "constraint",
                   "effective_size", "roles", expanded=False)

st.header("Single points of failure")
st.markdown(method_text("bridges").markdown(loaded.config))
st.subheader("Organisations that hold the network together")
components.table(state.articulation(loaded.snapshot, group_by, loaded.config), "articulation-points",
                 columns=["name", "sector", "cut_off", "pieces"])
st.subheader("Bridges and local bridges")
components.table(frames.bridge_table(report, frames.organisation_names(facts)), "bridges",
                 columns=["u_name", "v_name", "span", "bridge"])
