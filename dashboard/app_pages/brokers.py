"""Brokers: who bridges separate communities, and the network's single points of failure."""

import streamlit as st

from dashboard import charts, components, explain, selection, state, views
from graph.analysis.groups import GROUPINGS

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
ranked = views.broker_table(report)
method = "exact" if report.betweenness_method == "exact" else \
    f"estimated from {report.betweenness_k} sampled organisations (seed {report.seed})"
st.caption(f"Betweenness {method}, on the collaboration network of {len(ranked)} organisations.")

st.plotly_chart(charts.broker_bars(ranked.head(min(top, 25))), config={"displaylogo": False})
components.table(ranked.head(top), "brokers", columns=[c for c in ranked.columns if c != "organisation_id"])
components.explain("What these measures mean", explain.NETWORK, explain.BETWEENNESS, explain.CONSTRAINT,
                   explain.EFFECTIVE_SIZE, explain.ROLES, expanded=False)

st.header("Single points of failure")
st.markdown(explain.BRIDGES)
st.subheader("Organisations that hold the network together")
components.table(views.articulation_table(facts, report, loaded.config), "articulation-points",
                 columns=["name", "sector", "cut_off", "pieces"])
st.subheader("Bridges and local bridges")
components.table(views.bridge_table(report, views.organisation_names(facts)), "bridges",
                 columns=["u_name", "v_name", "span", "bridge"])
