"""The ogpnet dashboard: `streamlit run dashboard/app.py` (``make run`` serves it on 127.0.0.1:8501)."""

import sys
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # `streamlit run` does not add the repo root

st.set_page_config(page_title="ogpnet", page_icon="🌐", layout="wide")
pages = [st.Page("pages/overview.py", title="Overview", icon="🏠", default=True)]
st.navigation(pages).run()
