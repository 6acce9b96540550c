"""What every page shares: the driver (``st.cache_resource``) and results keyed by load snapshot (``st.cache_data``).

No connection is made at import time; pages call these functions.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from graph.db import Database, connect
from graph.errors import OgpnetError
from graph.settings import Settings
from queries.load import LATEST_LOAD_RUN
from queries.schema import COUNT_BY_LABEL, COUNT_BY_REL_TYPE


@st.cache_resource(show_spinner=False)
def database() -> Database:
    """The one driver of this dashboard process (read queries only)."""
    return connect(Settings.from_env())


def latest_run() -> dict[str, Any] | None:
    """The last complete load; checked on every rerun so new loads show up by themselves."""
    rows = database().read(LATEST_LOAD_RUN)
    return rows[0] if rows else None


@st.cache_data(show_spinner=False, ttl=3600)
def counts(snapshot: str | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Node counts per label and relationship counts per type for one snapshot."""
    db = database()
    return pd.DataFrame(db.read(COUNT_BY_LABEL)), pd.DataFrame(db.read(COUNT_BY_REL_TYPE))


def guard() -> dict[str, Any] | None:
    """Check the server before a page renders: on failure show one clear message and stop the page.

    Returns the latest load run (None when nothing has been loaded yet).
    """
    try:
        database().verify()
        return latest_run()
    except OgpnetError as e:
        st.error(f"**The graph database is not available.** {e.message}")
        st.info(f"What to do: {e.hint}. This page retries by itself when you reload it or change a setting.")
        st.stop()
    return None
