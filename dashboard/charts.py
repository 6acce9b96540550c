"""Plotly figures of the dashboard, built from the frames of :mod:`dashboard.frames` (no Streamlit here).

The world map needs plotly.js's world topology. plotly.js fetches it from a CDN by default; the dashboard
serves the vendored copy (``dashboard/static/world_110m.json``) itself and points plotly.js at it with the
``topojsonURL`` config option (see :func:`map_config`).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from presentation.colours import ROLE_COLOURS, STATUS_COLOURS
from presentation.labels import NO_DEMAND, ROLE_NAMES

STATIC_DIR = Path(__file__).resolve().parent / "static"
#: plotly.js requests ``<topojsonURL><scope>_<resolution>m.json``: ``world_110m.json`` for a world map.
TOPOJSON_FILE = "world_110m.json"
#: Relative to the page, so that it works behind a proxy path too: Streamlit serves ``static/`` next to the main
#: script at ``<app root>/app/static/`` when ``server.enableStaticServing`` is on (.streamlit/config.toml).
TOPOJSON_URL = "app/static/"
STATUS_ORDER = ["gap", "fragile", "covered", "redundant", NO_DEMAND]


def map_config() -> dict[str, Any]:
    """``st.plotly_chart`` config of the world map: the vendored topology, no plotly logo."""
    return {"topojsonURL": TOPOJSON_URL, "displaylogo": False}


@lru_cache(maxsize=1)
def map_countries() -> frozenset[str]:
    """ISO-3 codes of the countries the vendored world map can draw."""
    topo = json.loads((STATIC_DIR / TOPOJSON_FILE).read_text(encoding="utf-8"))
    return frozenset(g["id"] for g in topo["objects"]["countries"]["geometries"] if isinstance(g.get("id"), str))


HOVER_LABELS = {"category": "Status", "demand": "Demand", "supporters": "Supporters",
                "reachable": "Reachable organisations", "gap": "Gap cells", "fragile": "Fragile cells",
                "covered": "Covered cells", "redundant": "Redundant cells"}


def world_map(frame: pd.DataFrame, theme: str | None, selected: str | None = None) -> go.Figure:
    """Choropleth of the national members: status on one theme, or the number of gap cells over all themes.
    ``selected`` (an ISO-3 code) is outlined."""
    hover = ({"category": True, "demand": ":.1f", "supporters": True, "reachable": True, "iso3": False}
             if theme else {"gap": True, "fragile": True, "covered": True, "redundant": True, "iso3": False})
    common: dict[str, Any] = {"locations": "iso3", "locationmode": "ISO-3", "hover_name": "name",
                              "hover_data": hover, "custom_data": ["member_id"], "labels": HOVER_LABELS}
    if theme:
        fig = px.choropleth(frame, color="category", color_discrete_map=STATUS_COLOURS,
                            category_orders={"category": STATUS_ORDER}, **common)
    else:
        top = max(1, int(frame["gap"].max())) if len(frame) else 1
        fig = px.choropleth(frame, color="gap", color_continuous_scale="Reds", range_color=[0, top], **common)
    # a click selects a country: keep every country's colour instead of fading the others
    fig.update_traces(selected={"marker": {"opacity": 1}}, unselected={"marker": {"opacity": 1}})
    if selected is not None and selected in set(frame["iso3"]):
        fig.add_trace(go.Choropleth(locations=[selected], locationmode="ISO-3", z=[0], showscale=False,
                                    colorscale=[[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]], hoverinfo="skip",
                                    marker={"line": {"color": "#000000", "width": 2.5}}, showlegend=False))
    fig.update_geos(projection_type="natural earth", showframe=False, showcoastlines=False, showland=True,
                    landcolor="#f4f4f4", showcountries=True, countrycolor="#ffffff", lataxis_range=[-58, 85])
    fig.update_layout(height=460, margin={"l": 0, "r": 0, "t": 0, "b": 0}, clickmode="event+select",
                      legend={"orientation": "h", "y": -0.02, "title": {"text": "Status: "}})
    return fig


def status_heatmap(matrix: pd.DataFrame) -> go.Figure:
    """Members × themes coloured by cell status (categories in :data:`STATUS_ORDER`)."""
    codes = {s: i for i, s in enumerate(STATUS_ORDER)}
    z = matrix.apply(lambda col: col.map(codes)).to_numpy(dtype=float)
    n = len(STATUS_ORDER)
    scale = []
    for i, s in enumerate(STATUS_ORDER):
        scale += [[i / n, STATUS_COLOURS[s]], [(i + 1) / n, STATUS_COLOURS[s]]]
    text = [[f"{row} · {col}: {matrix.loc[row, col]}" for col in matrix.columns] for row in matrix.index]
    fig = go.Figure(go.Heatmap(
        z=z, x=list(matrix.columns), y=list(matrix.index), zmin=-0.5, zmax=n - 0.5, colorscale=scale,
        text=text, hoverinfo="text", xgap=1, ygap=1,
        colorbar={"tickvals": list(range(n)), "ticktext": STATUS_ORDER, "title": {"text": "Status"}, "len": 0.5,
                  "y": 1, "yanchor": "top"}))
    fig.update_layout(height=max(320, 18 * len(matrix) + 140), margin={"l": 0, "r": 0, "t": 10, "b": 0},
                      yaxis={"autorange": "reversed", "tickfont": {"size": 11}}, xaxis={"side": "top"})
    return fig


def rollup_bars(rollup: pd.DataFrame) -> go.Figure:
    """Demanded cells per theme, stacked by status (gap first)."""
    long = rollup.melt(id_vars=["theme"], value_vars=STATUS_ORDER[:4], var_name="status", value_name="cells")
    order = rollup.sort_values("gap", ascending=True)["theme"].tolist()
    fig = px.bar(long, y="theme", x="cells", color="status", orientation="h", color_discrete_map=STATUS_COLOURS,
                 category_orders={"status": STATUS_ORDER[:4], "theme": order[::-1]})
    fig.update_layout(height=420, margin={"l": 0, "r": 0, "t": 10, "b": 0}, yaxis_title=None,
                      xaxis_title="members asking for help on the theme", legend={"orientation": "h", "y": -0.15})
    return fig


def trend_area(frame: pd.DataFrame) -> go.Figure:
    """Cells per status over the years (``year``, ``status``, ``cells``), stacked, gap at the bottom."""
    order = [*STATUS_ORDER[:4], "mature"]
    fig = px.area(frame, x="year", y="cells", color="status", color_discrete_map=STATUS_COLOURS,
                  category_orders={"status": order})
    fig.update_layout(height=360, margin={"l": 0, "r": 0, "t": 10, "b": 0}, xaxis_title=None,
                      yaxis_title="members (cells of the theme)", legend={"orientation": "h", "y": -0.2})
    return fig


def score_bars(parts: pd.DataFrame) -> go.Figure:
    """Partner scores split into their weighted parts (one stacked bar per partner, best on top)."""
    order = parts.groupby("name", sort=False)["points"].sum().index.tolist()
    fig = px.bar(parts, y="name", x="points", color="part", orientation="h",
                 category_orders={"name": order}, color_discrete_sequence=px.colors.qualitative.Safe)
    fig.update_layout(height=max(260, 34 * len(order) + 80), margin={"l": 0, "r": 0, "t": 10, "b": 0},
                      yaxis_title=None, xaxis_title="score (weighted parts)", legend={"orientation": "h", "y": -0.2})
    return fig


def broker_bars(table: pd.DataFrame) -> go.Figure:
    """Betweenness of the top brokers, coloured by their dominant brokerage role."""
    fig = px.bar(table.assign(role=table["dominant_role"].map(lambda r: ROLE_NAMES.get(r, r))), y="name",
                 x="betweenness", color="role", orientation="h",
                 category_orders={"name": table["name"].tolist(), "role": list(ROLE_NAMES.values())},
                 color_discrete_map={ROLE_NAMES[r]: c for r, c in ROLE_COLOURS.items()},
                 labels={"role": "Main role"})
    fig.update_layout(height=max(260, 26 * len(table) + 80), margin={"l": 0, "r": 0, "t": 10, "b": 0},
                      yaxis_title=None)
    return fig
