"""The ogpnet dashboard: `streamlit run dashboard/app.py` (``make run`` serves it on 127.0.0.1:8501).

Pages live in ``app_pages/`` (not ``pages/``: Streamlit would treat that folder as an old-style multipage app
when a page's URL is opened directly). Only this file calls ``st.navigation``.

Every page of :data:`dashboard.sitemap.PAGES` opens at ``/<url_path>``, the first one (Overview) too: Streamlit
serves its default page at the root instead of at its own path, so the default page is a hidden one that only
switches to the first page, keeping the query string (``/`` opens ``/overview``).
"""

import sys
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # `streamlit run` does not add the repo root

from dashboard import selection  # noqa: E402
from dashboard.sitemap import PAGES  # noqa: E402

st.set_page_config(page_title="ogpnet", page_icon=str(Path(__file__).parent / "static" / "favicon.png"),
                   layout="wide")
selection.read_url()
sections: dict[str, list[st.Page]] = {}
for spec in PAGES:
    sections.setdefault(spec.section, []).append(
        st.Page(spec.file, title=spec.title, icon=spec.icon, url_path=spec.url_path))
home = sections[PAGES[0].section][0]


def root() -> None:
    st.switch_page(home, query_params=[(k, v) for k in st.query_params for v in st.query_params.get_all(k)])


sections[PAGES[0].section].append(st.Page(root, title=PAGES[0].title, url_path="root", default=True,
                                          visibility="hidden"))
st.navigation(sections).run()
