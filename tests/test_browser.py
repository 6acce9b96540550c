"""The dashboard in a real browser: `streamlit run` against the test Neo4j, headless Debian chromium with every
request outside 127.0.0.1 blocked (as behind a firewall). Every page opens without an exception and shows a
value computed here from the data; a screenshot of each is saved to test-output/.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from bench.dashboard import PAGES, DashboardServer, PageCheck, block_external, launch_chromium, open_page, wait_rendered
from dashboard import charts
from graph.analysis import (
    AnalysisConfig,
    Facts,
    build_coalition,
    coverage_cells,
    find_partners,
    organisation_network,
    screen_partners,
)
from graph.analysis.groups import brokerage_by
from graph.db import connect
from graph.settings import ANALYSIS_SETTINGS, REPO_ROOT, Settings
from graph.snapshot import current_graph
from loaders.load.directory import load_directory
from presentation.labels import sector_name

pytestmark = [pytest.mark.browser, pytest.mark.integration]
CONFIG = AnalysisConfig()


@pytest.fixture(scope="module")
def facts(neo4j_settings: Settings) -> Facts:
    with connect(neo4j_settings) as db:
        db.write("MATCH (n) DETACH DELETE n")
        load_directory(db, REPO_ROOT / "data")
        return current_graph(db, use_cache=False).facts


@pytest.fixture(scope="module")
def cells(facts: Facts) -> pd.DataFrame:
    return coverage_cells(facts, CONFIG)


@pytest.fixture(scope="module")
def dashboard(neo4j_env: dict[str, str], facts: Facts, output_dir: Path) -> Iterator[DashboardServer]:
    """The app served by `streamlit run` on a free port; always terminated."""
    env = {k: v for k, v in neo4j_env.items() if k not in {s.env for s in ANALYSIS_SETTINGS}}
    server = DashboardServer(env, log_path=output_dir / "dashboard-browser-test.log")
    try:
        server.start(timeout=120)
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as pw:
        chromium = launch_chromium(pw)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture()
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 2200})
    page = context.new_page()
    page.blocked = []  # type: ignore[attr-defined]
    block_external(page, page.blocked)  # type: ignore[attr-defined]
    try:
        yield page
    finally:
        context.close()


def expected_texts(name: str, facts: Facts, cells: pd.DataFrame) -> tuple[str, list[str]]:
    """The query string that opens the page on a known view, and texts from the data that must be visible."""
    demanded = cells[cells["status"].notna()]
    if name == "overview":
        return "", [str(int((cells["status"] == "gap").sum())), str(len(facts.organisations))]
    if name == "coverage":
        return "theme=open_contracting&members=KEN", ["Kenya (KEN)"]
    if name == "gaps":
        n = int(demanded["status"].isin(["gap", "fragile"]).sum())
        return "", [f"{n} cells"]
    if name == "network":
        H = organisation_network(facts, CONFIG.max_affiliation_size)
        linked = sum(1 for n in H if H.degree(n) > 0)
        return "", [f"of {linked} nodes", "Civil society"]
    if name == "brokers":
        top = brokerage_by(facts, "sector", CONFIG).organisations.sort_values("betweenness").iloc[-1]["name"]
        return "", [top]
    if name == "partners":
        best = find_partners(facts, "open_contracting", members=["KEN"], config=CONFIG).iloc[0]["name"]
        return "theme=open_contracting&members=KEN", [best]
    if name == "coalition":
        result = build_coalition(facts, "beneficial_ownership", region="Americas", size=3, min_sectors=2,
                                 config=CONFIG)
        return "theme=beneficial_ownership&scope=region&region=Americas&size=3", [
            f"the exact answer {result.optimum_covered} (value {result.optimum_value:.2f}) of {result.cells_total} "
            "cells"]
    if name == "screening":
        best = screen_partners(facts, "beneficial_ownership", config=CONFIG).iloc[0]["name"]
        return "theme=beneficial_ownership", [best, "Who could fund the work"]
    if name == "reports":
        europe = demanded[demanded["region"] == "Europe"]
        return "region=Europe", [f"{int((europe['status'] == 'gap').sum())} gap"]
    return "", [f"redundant cov ≥ {CONFIG.redundant_k}", "Gould and Fernandez"]


@pytest.mark.parametrize("check", PAGES, ids=[p.name for p in PAGES])
def test_every_page_in_the_browser(check: PageCheck, page: Page, dashboard: DashboardServer, facts: Facts,
                                   cells: pd.DataFrame, output_dir: Path) -> None:
    query, wanted = expected_texts(check.name, facts, cells)
    open_page(page, dashboard.url, check, query)
    page.screenshot(path=str(output_dir / f"dashboard-{check.name}.png"), full_page=True)
    assert page.locator('[data-testid="stException"]').count() == 0
    body = page.locator('[data-testid="stMain"]').inner_text() + page.eval_on_selector_all(
        ".js-plotly-plot text", "els => els.map(e => e.textContent).join(' ')")
    for text in wanted:
        assert text in body, f"{text!r} not shown on {check.name}"
    assert page.blocked == [], "the page tried to reach the internet"  # type: ignore[attr-defined]


def test_world_map_draws_offline_and_a_click_opens_the_profile(page: Page, dashboard: DashboardServer,
                                                               cells: pd.DataFrame, output_dir: Path) -> None:
    coverage = next(p for p in PAGES if p.name == "coverage")
    open_page(page, dashboard.url, coverage, "theme=open_data")
    national = set(cells.loc[cells["level"] == "national", "member_id"])
    drawable = national & charts.map_countries()
    countries = page.locator("path.choroplethlocation")
    assert countries.count() >= len(drawable)  # drawn from the vendored topology: nothing else is reachable
    box = max((countries.nth(i).bounding_box() for i in range(countries.count())),
              key=lambda b: b["width"] * b["height"] if b else 0)
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_url("**members=*", timeout=60_000)
    wait_rendered(page, coverage.title)
    member = page.url.split("members=")[1].split("&")[0]
    name = cells.loc[cells["member_id"] == member, "member_name"].iloc[0]
    page.get_by_role("heading", name=f"{name} ({member})").wait_for(timeout=60_000)
    page.screenshot(path=str(output_dir / "dashboard-coverage-clicked.png"), full_page=True)
    assert page.blocked == []  # type: ignore[attr-defined]


def test_network_click_selects_a_node(page: Page, dashboard: DashboardServer, facts: Facts,
                                      output_dir: Path) -> None:
    network = next(p for p in PAGES if p.name == "network")
    open_page(page, dashboard.url, network, "org_sector=multilateral")
    points = page.locator(".js-plotly-plot .scatterlayer .trace .point")
    assert points.count() > 0
    points.first.click(force=True)
    page.wait_for_url("**node=*", timeout=60_000)
    wait_rendered(page, network.title)
    node = page.url.split("node=")[1].split("&")[0].replace("%3A", ":")
    org = node.split(":", 1)[1]
    name = facts.organisations.set_index("organisation_id").loc[org, "name"]
    page.get_by_role("heading", name=name).wait_for(timeout=60_000)
    page.get_by_role("button", name="Expand neighbourhood").click()
    page.get_by_text(f"Showing the neighbourhood of {name}").wait_for(timeout=60_000)
    page.screenshot(path=str(output_dir / "dashboard-network-expanded.png"), full_page=True)
    legend = page.eval_on_selector_all(".js-plotly-plot .legend text", "els => els.map(e => e.textContent)")
    assert sector_name("multilateral") in legend
