"""How scores work: every measure of the dashboard in plain words."""

import streamlit as st

from dashboard import components, explain, state

st.title("How scores work")
loaded = state.guard()
components.sidebar(loaded)
cfg = loaded.config
st.markdown("Every number in this app comes from the loaded data and the settings below; nothing is estimated "
            "by hand. Settings are changed with `OGPNET_<NAME>` environment variables (see README).")
st.header("Coverage")
for text in (explain.demand(cfg), explain.coverage(cfg), explain.reachable(cfg), explain.WHAT_IF):
    st.markdown(text)
st.header("Brokerage")
for text in (explain.NETWORK, explain.BETWEENNESS, explain.CONSTRAINT, explain.EFFECTIVE_SIZE, explain.ROLES,
             explain.BRIDGES):
    st.markdown(text)
st.header("Partners and coalitions")
for text in (explain.partner_score(cfg), explain.SIMILAR, explain.coalition(cfg)):
    st.markdown(text)
with st.expander("Settings in use"):
    st.json(cfg.to_dict(), expanded=True)
