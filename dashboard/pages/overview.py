"""Overview: server status, the last load and what the graph holds."""

import streamlit as st

from dashboard.state import counts, guard

st.title("Open government partnerships network")
run = guard()
if run is None:
    st.warning("The database is empty: run `ogpnet load` (or `make run`) to load the bundled data.")
    st.stop()

st.caption(f"Last load {run['finished']} · snapshot `{run['snapshot']}`")
nodes, rels = counts(run["snapshot"])
left, right = st.columns(2)
left.subheader("Nodes")
left.dataframe(nodes, hide_index=True, use_container_width=True)
right.subheader("Relationships")
right.dataframe(rels, hide_index=True, use_container_width=True)
