"""How scores work: every measure of the dashboard in plain words (the methods registry)."""

import streamlit as st

from dashboard import components, state
from presentation.methods import METHODS, SECTIONS

st.title("How scores work")
loaded = state.guard()
components.sidebar(loaded)
cfg = loaded.config
st.markdown("Every number in this app comes from the loaded data and the settings below; nothing is estimated "
            "by hand. Settings are changed with `OGPNET_<NAME>` environment variables (see README).")
for section, heading in SECTIONS.items():
    st.header(heading)
    for method in METHODS:
        if method.section == section:
            st.markdown(method.markdown(cfg))
with st.expander("Settings in use"):
    st.json(cfg.to_dict(), expanded=True)
