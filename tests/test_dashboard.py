"""Every dashboard page and its main interactions, headless (Streamlit's AppTest), against the REAL test Neo4j
loaded with the bundled data/. Expected values are computed here from the analysis functions on the same
graph, never typed in.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from dashboard import frames as page_frames
from dashboard.selection import ALL, widget_key
from dashboard.sitemap import PAGES
from graph.analysis import (
    STATUSES,
    AnalysisConfig,
    Facts,
    broker_evidence,
    build_coalition,
    coverage_cells,
    data_limits,
    find_partners,
    funders,
    in_force,
    organisation_network,
    screen_partners,
    similar_organisations,
    what_if_remove,
)
from graph.analysis.communities import communities
from graph.analysis.groups import brokerage_by
from graph.db import connect
from graph.server import LocalServer, free_port
from graph.settings import ANALYSIS_SETTINGS, REPO_ROOT, Settings, analysis_config
from graph.snapshot import AnalysedGraph, current_graph
from loaders.load.directory import load_directory
from presentation.colours import STATUS_COLOURS
from presentation.labels import theme_name
from presentation.values import evidence_text
from tests import svg_parts

pytestmark = pytest.mark.integration
APP = str(REPO_ROOT / "dashboard" / "app.py")
NEO4J_KEYS = ("NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD", "NEO4J_DATABASE")
TIMEOUT = 180


@pytest.fixture(scope="module")
def analysed(neo4j_settings: Settings) -> AnalysedGraph:
    """The bundled data loaded into the test server, and its graph as the dashboard will see it."""
    with connect(neo4j_settings) as db:
        db.write("MATCH (n) DETACH DELETE n")
        load_directory(db, REPO_ROOT / "data")
        graph = current_graph(db, use_cache=False)
    st.cache_data.clear()
    st.cache_resource.clear()
    return graph


@pytest.fixture(scope="module")
def config() -> AnalysisConfig:
    return analysis_config({})


@pytest.fixture(scope="module")
def facts(analysed: AnalysedGraph) -> Facts:
    return analysed.facts


@pytest.fixture(scope="module")
def cells(facts: Facts, config: AnalysisConfig) -> pd.DataFrame:
    return coverage_cells(facts, config)


@pytest.fixture()
def app(monkeypatch: pytest.MonkeyPatch, neo4j_env: dict[str, str], analysed: AnalysedGraph
        ) -> Callable[..., AppTest]:
    """Open a page of the dashboard (optionally with URL query parameters) pointed at the test server."""
    for key in NEO4J_KEYS:
        monkeypatch.setenv(key, neo4j_env[key])
    for setting in ANALYSIS_SETTINGS:  # the expected values below use the default analysis settings
        monkeypatch.delenv(setting.env, raising=False)

    def open_page(page: str = "overview", **query: str | list[str]) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=TIMEOUT)
        at.query_params.update(query)
        at.run()
        if page != "overview":
            at.switch_page(f"app_pages/{page}.py").run()
        assert_clean(at)
        return at

    return open_page


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def texts(at: AppTest) -> str:
    return "\n".join([m.value for m in at.markdown] + [c.value for c in at.caption] + [i.value for i in at.info]
                     + [w.value for w in at.warning] + [h.value for h in at.subheader] + [h.value for h in at.header])


def charts(at: AppTest) -> list[str]:
    """The SVG of every chart on the page (``dashboard.components.svg_chart``), in page order."""
    return [json.loads(e.proto.json) for e in at.get("bidi_component") if e.proto.component_name == "ogpnet_svg"]


def frames(at: AppTest) -> list[pd.DataFrame]:
    """The values of every table on the page (``dashboard.components.table`` sends them with the drawn table:
    its header sort uses them), in page order."""
    out = []
    for e in at.get("bidi_component"):
        if e.proto.component_name != "ogpnet_table":
            continue
        ref = json.loads(e.proto.mixed.json)["frame"]["__streamlit_arrow_ref__"]
        table = pa.ipc.open_stream(e.proto.mixed.arrow_blobs[ref].data).read_all().to_pandas()
        out.append(table.map(lambda v: v.tolist() if isinstance(v, np.ndarray) else v))
    return out


def key(page: str, name: str) -> str:
    return widget_key(page, name)


# -- every page -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("spec", PAGES, ids=[p.url_path for p in PAGES])
def test_every_page_renders(app: Callable[..., AppTest], spec) -> None:  # noqa: ANN001
    at = app(spec.file.split("/")[1].removesuffix(".py"))
    assert [t.value for t in at.title] == [spec.title if spec.title != "Overview" else
                                           "Open government partnerships network"]
    assert at.sidebar.caption, "the sidebar names the load shown"


def test_overview_headline_numbers_and_sources(app: Callable[..., AppTest], facts: Facts, cells: pd.DataFrame,
                                               analysed: AnalysedGraph) -> None:
    at = app("overview")
    assert metric(at, "OGP members") == str(len(facts.members))
    assert metric(at, "Organisations") == str(len(facts.organisations))
    assert metric(at, "Gap cells") == str(int((cells["status"] == "gap").sum()))
    assert metric(at, "Fragile cells") == str(int((cells["status"] == "fragile").sum()))
    sources = next(f for f in frames(at) if "as_of" in f.columns and "rows" in f.columns)
    assert set(sources["id"]) == set(analysed.snapshot.tables["sources"]["id"])
    assert analysed.snapshot.snapshot in texts(at)
    assert len(at.get("page_link")) == len(PAGES) - 1
    assert len(at.download_button) >= 2
    # the limits beside the headline: one row per theme, as data_limits computes them
    limits = next(f for f in frames(at) if "organisations_with_evidence" in f.columns)
    expected = data_limits(facts, cells, analysis_config({})).assign(theme=lambda f: f["theme_id"].map(theme_name))
    assert limits["theme"].tolist() == expected["theme"].tolist()
    assert limits["monitoring_only_cells"].tolist() == expected["monitoring_only_cells"].tolist()
    (trend,) = (svg for svg in charts(at) if "over time" in svg)
    assert "cells by status over time" in trend, "the trend chart of one theme"
    rollup = next(svg for svg in charts(at) if "Demanded cells per theme" in svg)
    gaps = {t.split(" · ")[0]: int(t.rsplit(": ", 1)[1].replace(",", ""))
            for t, _ in svg_parts.titled(rollup) if " · Gap: " in t}
    assert gaps == {r.theme: int(r.gap) for r in page_frames.theme_rollup(cells).itertuples() if r.gap}


def test_the_server_warms_the_latest_load_before_it_serves(monkeypatch: pytest.MonkeyPatch,
                                                            neo4j_env: dict[str, str], analysed: AnalysedGraph,
                                                            config: AnalysisConfig) -> None:
    """``dashboard.serve`` computes the shared results first: afterwards a page's calls are cache hits (the
    coverage function is not run again), and without a server warming says so instead of failing."""
    from dashboard import state

    for key in NEO4J_KEYS:
        monkeypatch.setenv(key, neo4j_env[key])
    for setting in ANALYSIS_SETTINGS:
        monkeypatch.delenv(setting.env, raising=False)
    st.cache_data.clear()
    said = state.warm()
    assert said.startswith(f"warmed snapshot {analysed.key}") and "coverage" in said
    calls: list[object] = []
    monkeypatch.setattr(state, "coverage_cells", lambda *a: calls.append(a))
    cells = state.cells(analysed.key, config)
    assert calls == [] and len(cells) > 0  # served from the warm cache
    monkeypatch.setenv("NEO4J_URI", f"bolt://127.0.0.1:{free_port()}")
    st.cache_resource.clear()
    assert state.warm().startswith("not warmed (")


def test_evidence_as_of_a_past_year(app: Callable[..., AppTest], facts: Facts, config: AnalysisConfig) -> None:
    """The sidebar's year (URL ``as_of``) recomputes every number with the evidence observed by then."""
    at = app("overview", as_of="2017")
    then = coverage_cells(facts, replace(config, as_of="2017"))
    assert metric(at, "OGP members") == str(len(in_force(facts, replace(config, as_of="2017")).members))
    assert metric(at, "Gap cells") == str(int((then["status"] == "gap").sum()))
    assert "Evidence as of **2017**" in texts(at)
    at.sidebar.selectbox(key=key("sidebar", "as_of")).select(ALL).run()
    assert metric(at, "Gap cells") == str(int((coverage_cells(facts, config)["status"] == "gap").sum()))
    assert "as_of" not in at.query_params
    # a year the data cannot show is dropped with a warning, not an error
    at = app("overview", as_of="1999")
    assert "cannot be shown" in texts(at)


def test_methods_page_shows_the_catalogue(app: Callable[..., AppTest], config: AnalysisConfig) -> None:
    at = app("methods")
    shown = "\n".join(m.value for m in at.markdown)
    assert f"Catalogue version {config.catalogue.version}" in shown
    assert "gdb_bo_framework" in shown


# -- coverage map -----------------------------------------------------------------------------------------


def test_coverage_map_theme_and_member_profile(app: Callable[..., AppTest], cells: pd.DataFrame) -> None:
    at = app("coverage")
    at.selectbox(key=key("coverage", "theme")).select("open_contracting").run()
    assert_clean(at)
    world = charts(at)[0]
    colour_of = {m: e.get("fill") for m, e in svg_parts.picks(world).items()}
    theme_cells = cells[(cells["theme_id"] == "open_contracting") & (cells["level"] == "national")]
    for member, status in zip(theme_cells["member_id"], theme_cells["status"].fillna("no demand"), strict=True):
        # members too small for the map are listed instead
        assert colour_of.get(member, STATUS_COLOURS[status]) == STATUS_COLOURS[status]
    assert len(colour_of) > 50
    at.selectbox(key=key("coverage", "members")).select("KEN").run()
    assert_clean(at)
    assert "Kenya (KEN)" in [h.value for h in at.header]
    kenya = cells[cells["member_id"] == "KEN"]
    assert metric(at, "Gaps") == str(int((kenya["status"] == "gap").sum()))
    assert metric(at, "Themes with demand") == str(int(kenya["status"].isin(STATUSES).sum()))
    evidence = next(f for f in frames(at) if "what" in f.columns)
    one = kenya[kenya["theme_id"] == "open_contracting"].iloc[0]
    assert len(evidence) == (len(one["commitment_ids"]) + len(one["pledges"]) + len(one["need_signals"])
                             + len(one["achievements"]))
    assert at.query_params["members"] in ("KEN", ["KEN"]) and at.query_params["theme"] == "open_contracting"


def test_coverage_region_filters_the_map_and_the_heatmap(app: Callable[..., AppTest], cells: pd.DataFrame) -> None:
    """The Region filter acts on the world map as on the heatmap; the Theme filter on both too (issue 18)."""
    at = app("coverage", region="Europe", theme="open_data")
    europe = cells[(cells["region"] == "Europe") & (cells["theme_id"] == "open_data")]
    world, heat = charts(at)[:2]
    drawn = set(svg_parts.picks(world))
    assert drawn and drawn <= set(europe.loc[europe["level"] == "national", "member_id"])
    cells_drawn = [text for text, _ in svg_parts.titled(heat)]
    assert len(cells_drawn) == len(europe) and all(t.split(": ")[0].endswith(" · Open data") for t in cells_drawn)
    at.selectbox(key=key("coverage", "region")).select("Americas").run()
    americas = set(cells.loc[(cells["region"] == "Americas") & (cells["level"] == "national"), "member_id"])
    assert set(svg_parts.picks(charts(at)[0])) <= americas


def test_unknown_link_values_are_named_not_listed(app: Callable[..., AppTest]) -> None:
    """A link's theme or region that the data does not have: a warning names it and what is shown instead; the
    sidebar does not list it as if it applied and the URL drops it (issue 18)."""

    def open_link(page: str, **query: str) -> AppTest:  # the link opens this page first (`app` opens the overview)
        at = AppTest.from_file(APP, default_timeout=TIMEOUT)
        at.query_params.update(query)
        at.switch_page(f"app_pages/{page}.py").run()
        assert_clean(at)
        return at

    at = open_link("coverage", theme="nonsense", region="Atlantis")
    assert [w.value for w in at.warning] == ["Unknown theme 'nonsense' in the link: showing all themes.",
                                             "Unknown region 'Atlantis' in the link: showing all regions."]
    sidebar = " ".join(c.value for c in at.sidebar.caption)
    assert "nonsense" not in sidebar and "Atlantis" not in sidebar
    assert "theme" not in at.query_params and "region" not in at.query_params
    at = open_link("brokers", region="Atlantis")  # a page without a region filter says so too
    assert [w.value for w in at.warning] == ["Unknown region 'Atlantis' in the link: ignored."]


# -- gaps ------------------------------------------------------------------------------------------------


def test_gaps_members_filter_is_in_the_url_both_ways(app: Callable[..., AppTest], cells: pd.DataFrame) -> None:
    """`/gaps?members=KEN` keeps the member in the URL and the table (issue 18)."""
    at = app("gaps", members=["KEN"])
    assert at.multiselect(key=key("gaps", "members")).value == ["KEN"]
    assert at.query_params["members"] in ("KEN", ["KEN"])
    kenya = cells[(cells["member_id"] == "KEN") & cells["status"].isin(["gap", "fragile"])]
    assert f"**{len(kenya)} cells**" in texts(at) and set(frames(at)[0]["member_id"]) == {"KEN"}
    at.multiselect(key=key("gaps", "members")).set_value(["KEN", "GHA"]).run()
    assert sorted(at.query_params["members"]) == ["GHA", "KEN"]
    at.multiselect(key=key("gaps", "members")).set_value([]).run()
    assert "members" not in at.query_params


def test_gaps_filters_and_drill_down(app: Callable[..., AppTest], cells: pd.DataFrame) -> None:
    at = app("gaps")
    demanded = cells[cells["status"].isin(["gap", "fragile"])]
    assert f"**{len(demanded)} cells**" in texts(at)
    at.selectbox(key=key("gaps", "theme")).select("open_contracting").run()
    at.selectbox(key=key("gaps", "region")).select("Europe").run()
    assert_clean(at)
    scoped = demanded[(demanded["theme_id"] == "open_contracting") & (demanded["region"] == "Europe")]
    assert f"**{len(scoped)} cells**" in texts(at)
    table = frames(at)[0]
    assert set(table["member_id"]) == set(scoped["member_id"])
    top = scoped.assign(later=scoped["status"] != "gap").sort_values(["later", "demand"],
                                                                     ascending=[True, False]).iloc[0]
    assert table.iloc[0]["demand"] == top["demand"] and table.iloc[0]["status"] == "gap"
    cell = f"{table.iloc[0]['member_id']}/open_contracting"
    at.selectbox(key=key("gaps", "cell")).select(cell).run()
    assert_clean(at)
    row = cells[(cells["member_id"] == table.iloc[0]["member_id"]) & (cells["theme_id"] == "open_contracting")].iloc[0]
    assert any(row["member_name"] in s.value for s in at.subheader)
    evidence = next(f for f in frames(at) if "what" in f.columns)
    assert len(evidence) == (len(row["commitment_ids"]) + len(row["pledges"]) + len(row["need_signals"])
                             + len(row["achievements"]))
    assert set(evidence["counts"].str.split(" ").str[0]) <= {"open", "fulfilled", "need", "lowers"}
    reachable = next(f for f in frames(at) if "why" in f.columns)
    assert len(reachable) == row["reachable_cov"]
    at.multiselect(key=key("gaps", "status")).set_value(["fragile"]).run()
    assert set(frames(at)[0]["status"]) <= {"fragile"}


def test_gaps_sector_filter(app: Callable[..., AppTest], cells: pd.DataFrame) -> None:
    at = app("gaps")
    at.selectbox(key=key("gaps", "supported_by")).select("multilateral").run()
    assert_clean(at)
    expected = cells[cells["status"].isin(["gap", "fragile"]) & cells["sectors"].map(lambda s: "multilateral" in s)]
    assert f"**{len(expected)} cells**" in texts(at)


def test_what_if_removal(app: Callable[..., AppTest], facts: Facts, cells: pd.DataFrame,
                         config: AnalysisConfig) -> None:
    at = app("gaps")
    org = "open-ownership"  # OCP's impact stories are mentions, not coverage: removing it opens no gap
    at.multiselect(key=key("gaps", "remove")).set_value([org]).run()
    assert_clean(at)
    changed = what_if_remove(facts, organisation=org, config=config, cells=cells)
    assert len(changed) > 0
    assert f"**{len(changed)} cells would become gaps**" in texts(at)
    table = next(f for f in frames(at) if "lost_supporters" in f.columns)
    assert sorted(zip(table["member_id"], table["theme"], strict=True)) == \
        sorted(zip(changed["member_id"], changed["theme_id"].map(theme_name), strict=True))
    at.multiselect(key=key("gaps", "remove")).set_value([]).run()
    consortium = facts.consortia["consortium_id"].iloc[0]
    at.selectbox(key=key("gaps", "consortium")).select(consortium).run()
    assert_clean(at)
    by_consortium = what_if_remove(facts, consortium=consortium, config=config, cells=cells)
    assert f"**{len(by_consortium)} cells would become gaps**" in texts(at)


# -- network explorer --------------------------------------------------------------------------------------


def drawing_caption(facts: Facts, config: AnalysisConfig, cells: pd.DataFrame, view: str) -> str:
    """What the network page says about the drawing of ``view`` (no filters): cut to the budget, or all of it."""
    full = page_frames.explorer_graph(facts, view, config, cells=cells)
    drawn, _ = page_frames.without_isolates(full)
    _, cut = page_frames.cut_to_budget(drawn)
    if cut.cut:
        return f"Showing {cut.nodes_shown} of {cut.nodes_total} nodes and {cut.edges_shown} of {cut.edges_total} ties"
    return f"Showing all {cut.nodes_shown} nodes and {cut.edges_shown} ties"


def test_network_search_expand_community_and_views(app: Callable[..., AppTest], facts: Facts,
                                                   config: AnalysisConfig, cells: pd.DataFrame) -> None:
    at = app("network")
    H = organisation_network(facts, config.max_affiliation_size)
    linked = [n for n in H if H.degree(n) > 0]
    caption = drawing_caption(facts, config, cells, "organisations")
    assert caption in texts(at)
    assert f"all {len(linked)} nodes" in caption  # the bundled network is drawn whole
    # communities of the whole view: the table and the filter
    whole = page_frames.explorer_graph(facts, "organisations", config, cells=cells)
    parts = communities(whole, seed=config.seed)
    table = next(f for f in frames(at) if "brokers" in f.columns)
    assert list(table["community"]) == sorted(set(parts.values()))
    def outside(o: str) -> list[str]:
        return [v for v in H.neighbors(o) if parts[f"organisation:{v}"] != parts[f"organisation:{o}"]]

    org = min((n for n in linked if 3 <= H.degree(n) <= 12 and outside(n)), key=str)  # it reaches other communities
    node = f"organisation:{org}"
    c = parts[node]
    at.selectbox(key=key("network", "community")).select(c).run()
    assert_clean(at)
    in_c = [n for n in whole if parts.get(n) == c]
    assert f"Showing all {len(in_c)} nodes" in texts(at)
    assert at.query_params["community"] in (str(c), [str(c)])
    name = facts.organisations.set_index("organisation_id").loc[org, "name"]
    at.selectbox(key=key("network", "node")).select(node).run()
    assert_clean(at)
    assert name in [s.value for s in at.subheader]
    assert metric(at, "Links") == str(H.degree(org))
    at.button(key="network:expand").click().run()  # the neighbours join the view, the community stays
    assert_clean(at)
    assert at.query_params["focus"] in (node, [node])
    assert f"Showing all {len(set(in_c) | {f'organisation:{v}' for v in outside(org)})} nodes" in texts(at)
    at.button(key="network:collapse").click().run()
    assert f"Showing all {len(in_c)} nodes" in texts(at) and "focus" not in at.query_params
    at.selectbox(key=key("network", "community")).select(ALL).run()
    at.selectbox(key=key("network", "view")).select("partnerships").run()
    at.selectbox(key=key("network", "size_by")).select("betweenness").run()
    at.selectbox(key=key("network", "colour")).select("community").run()
    assert_clean(at)
    assert drawing_caption(facts, config, cells, "partnerships") in texts(at)


# -- brokers --------------------------------------------------------------------------------------------------


def test_brokers_grouping_and_single_points_of_failure(app: Callable[..., AppTest], facts: Facts,
                                                       config: AnalysisConfig) -> None:
    at = app("brokers")
    report = brokerage_by(facts, "sector", config)
    top = report.organisations["betweenness"].idxmax()
    assert frames(at)[0].iloc[0]["name"] == report.organisations.loc[top, "name"]
    assert len(frames(at)[0]) == 20
    reasons = broker_evidence(facts, report, [top], config)[top]
    assert frames(at)[0].iloc[0]["evidence"] == "; ".join(evidence_text(e) for e in reasons)
    points = next(f for f in frames(at) if "cut_off" in f.columns)
    names = facts.organisations.set_index("organisation_id")["name"]
    assert sorted(points["name"]) == sorted(names[str(o)] for o in report.articulation_points)
    at.radio(key=key("brokers", "group_by")).set_value("region").run()
    assert_clean(at)
    by_region = brokerage_by(facts, "region", config).organisations.set_index("name")
    table = frames(at)[0].set_index("name")
    for org in table.index:
        assert table.loc[org, "group"] == by_region.loc[org, "group"]
        assert table.loc[org, "dominant_role"] == by_region.loc[org, "dominant_role"]
    assert any("Gould and Fernandez" in m.value for m in at.markdown)


# -- partners -------------------------------------------------------------------------------------------------


def test_partner_search(app: Callable[..., AppTest], facts: Facts, config: AnalysisConfig) -> None:
    at = app("partners")
    # nothing chosen: the page's defaults (a theme, Open Ownership for similar organisations) stay out of the URL
    assert "organisation" not in at.query_params and "theme" not in at.query_params
    at.selectbox(key=key("partners", "theme")).select("open_contracting").run()
    at.multiselect(key=key("partners", "members")).set_value(["KEN"]).run()
    assert_clean(at)
    expected = find_partners(facts, "open_contracting", members=["KEN"], top=10, config=config)
    table = next(f for f in frames(at) if "evidence" in f.columns)
    assert table["name"].tolist() == expected["name"].tolist()
    assert table["evidence"].tolist() == ["; ".join(evidence_text(e) for e in items)
                                          for items in expected["evidence"]]
    at.selectbox(key=key("partners", "partner_sector")).select("multilateral").run()
    table = next(f for f in frames(at) if "evidence" in f.columns)
    assert set(table["sector"]) <= {"Multilateral"}
    # similar organisations on the chosen theme (open contracting), with the configured non-supply relations
    at.selectbox(key=key("partners", "organisation")).select("hivos").run()
    similar = similar_organisations(facts, "hivos", top=10, theme="open_contracting", config=config)
    shown = next(f for f in frames(at) if "jaccard" in f.columns)
    assert len(similar) > 0 and shown["name"].tolist() == similar["name"].tolist()
    # OCP's only open contracting evidence is impact stories (a mention): not support, and the page says why
    at.selectbox(key=key("partners", "organisation")).select("open-contracting-partnership").run()
    assert any("a mention, monitoring or research does not count as support" in i.value for i in at.info)
    # the bundled data holds no partner's own statements: the page says so and offers the intake template
    assert any("has not returned an intake workbook" in i.value for i in at.info)
    buttons = [b.proto.label for b in at.get("download_button")]
    assert "Intake template for Open Contracting Partnership (.xlsx)" in buttons, buttons


# -- coalition ------------------------------------------------------------------------------------------------


def test_coalition_build(app: Callable[..., AppTest], facts: Facts, cells: pd.DataFrame,
                         config: AnalysisConfig) -> None:
    at = app("coalition")
    at.selectbox(key=key("coalition", "theme")).select("beneficial_ownership").run()
    at.selectbox(key=key("coalition", "region")).select("Americas").run()
    at.slider(key=key("coalition", "size")).set_value(4).run()
    assert_clean(at)
    result = build_coalition(facts, "beneficial_ownership", region="Americas", size=4, min_sectors=2, config=config)
    picks = next(f for f in frames(at) if "adds" in f.columns)
    assert sorted(picks["name"]) == sorted(result.picks["name"])
    scope = cells[(cells["theme_id"] == "beneficial_ownership") & (cells["region"] == "Americas")
                  & cells["status"].notna()]
    assert metric(at, "Members asking for help") == str(len(scope))
    assert metric(at, "Supported today") == str(int((scope["cov"] > 0).sum()))
    after = ((scope["cov"] > 0) | scope["member_id"].isin(result.cells_covered)).sum()
    assert metric(at, "Supported after") == str(int(after))
    assert f"optimality gap **{result.optimality_gap:.1%}**" in texts(at)
    at.radio(key=key("coalition", "scope")).set_value("members").run()
    assert "Choose at least one member." in texts(at)
    at.multiselect(key=key("coalition", "members")).set_value(["KEN", "GHA"]).run()
    assert_clean(at)
    picked = build_coalition(facts, "beneficial_ownership", members=["GHA", "KEN"], size=4, min_sectors=2,
                             config=config)
    assert sorted(next(f for f in frames(at) if "adds" in f.columns)["name"]) == sorted(picked.picks["name"])


# -- reports --------------------------------------------------------------------------------------------------


def test_reports_page(app: Callable[..., AppTest], cells: pd.DataFrame) -> None:
    at = app("reports")
    assert [b.proto.label for b in at.download_button] == ["Excel workbook", "HTML report", "PDF", "CSV files (zip)"]
    at.selectbox(key=key("reports", "region")).select("Europe").run()
    assert_clean(at)
    europe = cells[cells["region"] == "Europe"]
    assert f"**{int((europe['status'] == 'gap').sum())} gap**" in texts(at)
    # a member brief needs its member, and then narrows to it
    at.radio(key=key("reports", "report")).set_value("member").run()
    assert_clean(at)
    assert "Choose the member of the brief." in texts(at) and not at.download_button
    at.selectbox(key=key("reports", "members")).select("KEN").run()
    assert_clean(at)
    ken = cells[cells["member_id"] == "KEN"]
    assert f"**{int((ken['status'] == 'gap').sum())} gap**" in texts(at)
    assert len(at.download_button) == 4
    # a member brief covers every theme: no theme or region to choose; a theme brief no member
    assert not [s for s in at.selectbox if s.key in (key("reports", "theme"), key("reports", "region"))]
    at.radio(key=key("reports", "report")).set_value("theme").run()
    assert_clean(at)
    assert not [s for s in at.selectbox if s.key == key("reports", "members")]
    assert "Choose the theme of the brief." in texts(at)


# -- selections across pages and in the URL -------------------------------------------------------------------


def test_query_params_round_trip_and_selections_carry_across_pages(app: Callable[..., AppTest]) -> None:
    at = app("gaps", theme="climate", region="Europe", members=["KEN"])
    assert at.selectbox(key=key("gaps", "theme")).value == "climate"
    assert at.selectbox(key=key("gaps", "region")).value == "Europe"
    at.selectbox(key=key("gaps", "theme")).select("justice").run()
    assert at.query_params["theme"] == "justice"
    at.switch_page("app_pages/partners.py").run()
    assert_clean(at)
    assert at.selectbox(key=key("partners", "theme")).value == "justice"
    assert at.multiselect(key=key("partners", "members")).value == ["KEN"]
    at.multiselect(key=key("partners", "members")).set_value(["KEN", "GHA"]).run()
    assert sorted(at.query_params["members"]) == ["GHA", "KEN"]
    at.switch_page("app_pages/coalition.py").run()
    assert at.selectbox(key=key("coalition", "theme")).value == "justice"
    at.selectbox(key=key("coalition", "region")).select("Americas").run()
    at.switch_page("app_pages/gaps.py").run()
    assert at.selectbox(key=key("gaps", "region")).value == "Americas"
    bad = app("gaps", theme="no_such_theme", region="Atlantis")
    assert bad.selectbox(key=key("gaps", "theme")).value == ALL  # unknown values fall back to "all"
    assert bad.selectbox(key=key("gaps", "region")).value == ALL


# -- the server down ------------------------------------------------------------------------------------------


class Forwarder:
    """A TCP forwarder to the test Neo4j on its own port: stopped, the port is closed (the server is "down");
    started again, the same URI answers (the server is "back")."""

    def __init__(self, target_port: int) -> None:
        self.target = target_port
        self.port = free_port()
        self._listener: socket.socket | None = None
        self._sockets: list[socket.socket] = []

    def start(self) -> None:
        listener = socket.create_server(("127.0.0.1", self.port), reuse_port=False)
        listener.settimeout(0.2)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def stop(self) -> None:
        if self._listener is not None:
            self._listener.close()
            self._listener = None
        for s in self._sockets:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()
        self._sockets.clear()

    def _accept(self, listener: socket.socket) -> None:
        while self._listener is listener:
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.target))
            self._sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(a: socket.socket, b: socket.socket) -> None:
        try:
            while data := a.recv(65536):
                b.sendall(data)
        except OSError:
            pass
        finally:
            for s in (a, b):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


@pytest.fixture()
def forwarder(neo4j_server: LocalServer) -> Iterator[Forwarder]:
    fwd = Forwarder(neo4j_server.bolt_port)
    yield fwd
    fwd.stop()


def assert_one_clear_message(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.error) == 1 and "not available" in at.error[0].value
    assert len(at.info) == 1 and at.info[0].value.startswith("What to do:")
    assert not frames(at) and not at.metric


@pytest.mark.parametrize("spec", PAGES, ids=[p.url_path for p in PAGES])
def test_every_page_with_the_server_down_shows_one_clear_message(
        spec, monkeypatch: pytest.MonkeyPatch, neo4j_env: dict[str, str], forwarder: Forwarder,  # noqa: ANN001
        analysed: AnalysedGraph) -> None:
    monkeypatch.setenv("NEO4J_URI", f"bolt://127.0.0.1:{forwarder.port}")  # nothing listens there
    for k in ("NEO4J_USER", "NEO4J_PASSWORD", "NEO4J_DATABASE"):
        monkeypatch.setenv(k, neo4j_env[k])
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    if spec is not PAGES[0]:
        at.switch_page(spec.file).run()
    assert_one_clear_message(at)


def test_the_dashboard_recovers_when_the_server_is_back(monkeypatch: pytest.MonkeyPatch, neo4j_env: dict[str, str],
                                                        forwarder: Forwarder, facts: Facts) -> None:
    monkeypatch.setenv("NEO4J_URI", f"bolt://127.0.0.1:{forwarder.port}")
    for k in ("NEO4J_USER", "NEO4J_PASSWORD", "NEO4J_DATABASE"):
        monkeypatch.setenv(k, neo4j_env[k])
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    assert_one_clear_message(at)
    forwarder.start()  # the same URI answers again: the next rerun works without a restart
    at.run()
    assert_clean(at)
    assert metric(at, "Organisations") == str(len(facts.organisations))
    forwarder.stop()  # down again while the session is open: one message, no traceback
    at.run()
    assert_one_clear_message(at)
    forwarder.start()
    at.switch_page("app_pages/gaps.py").run()
    assert_clean(at)


# -- partnership screening ---------------------------------------------------------------------------------------


def test_screening_scorecard_thresholds_and_comparison(app: Callable[..., AppTest], facts: Facts,
                                                       config: AnalysisConfig) -> None:
    at = app("screening", theme="beneficial_ownership")
    expected = screen_partners(facts, "beneficial_ownership", config=config)
    table = next(f for f in frames(at) if "criteria_met" in f.columns)
    assert table["name"].tolist() == expected["name"].tolist()
    assert table.iloc[0]["expertise_mark"].startswith("✓" if expected.iloc[0]["expertise_pass"] else "✗")
    # a stricter threshold in the page only: fewer candidates pass that criterion, the settings are untouched
    at.number_input(key="screening:reach").set_value(30).run()
    assert_clean(at)
    table = next(f for f in frames(at) if "criteria_met" in f.columns)
    assert not any(mark.startswith("✓") for mark in table["reach_mark"])
    assert config.screen_min_countries == 3
    # side by side: the two first candidates, each with its criteria
    assert any(m.label == "Criteria met" for m in at.metric)
    funders_shown = next(f for f in frames(at) if "funds_in_scope" in f.columns)
    assert funders_shown["name"].tolist() == funders(facts, "beneficial_ownership", config=config)["name"].tolist()
