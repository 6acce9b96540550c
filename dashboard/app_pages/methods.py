"""How scores work: every measure of the dashboard in plain words (the methods registry)."""

import streamlit as st

from dashboard import components, state
from presentation.methods import METHODS, SECTIONS, catalogue_markdown, settings_markdown

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
with st.expander("Indicator and relation catalogue in use", icon=":material/menu_book:"):
    st.markdown("How each source's indicators and relations are read: whether a value is a need, a commitment or "
                "an achievement, its weight and thresholds, and how strong each kind of support or tie is. "
                "Replace it with `OGPNET_CATALOGUE=<file>` (see README).")
    st.markdown(catalogue_markdown(cfg))
with st.expander("Settings in use"):
    st.markdown(settings_markdown(cfg))
