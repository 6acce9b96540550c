"""The dashboard in a real browser: `streamlit run` against the test Neo4j, headless Debian chromium with every
request outside 127.0.0.1 blocked (as behind a firewall). Every page opens without an exception and shows a
value computed here from the data; a screenshot of each is saved to test-output/.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd
import pytest
from playwright.sync_api import Browser, Frame, Page, sync_playwright

from bench.dashboard import (
    GRAPH_FRAME,
    PAGES,
    DashboardServer,
    PageCheck,
    block_external,
    launch_chromium,
    open_page,
    wait_rendered,
)
from dashboard import charts, frames
from dashboard.sitemap import PAGES as SITEMAP
from graph.analysis import (
    AnalysisConfig,
    Facts,
    build_coalition,
    coverage_cells,
    find_partners,
    organisation_network,
    screen_partners,
)
from graph.analysis.communities import communities
from graph.analysis.groups import brokerage_by
from graph.db import connect
from graph.settings import ANALYSIS_SETTINGS, REPO_ROOT, Settings
from graph.snapshot import current_graph
from loaders.load.directory import load_directory
from presentation import network_style

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
        return "", [f"all {linked} nodes", "Civil society"]
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
        ".ogpnet-svg svg text", "els => els.map(e => e.textContent).join(' ')")
    for text in wanted:
        assert text in body, f"{text!r} not shown on {check.name}"
    assert page.blocked == [], "the page tried to reach the internet"  # type: ignore[attr-defined]


def test_a_table_sorts_opens_a_picked_row_and_downloads_as_csv(page: Page, dashboard: DashboardServer,
                                                               cells: pd.DataFrame, tmp_path: Path) -> None:
    """The gaps table: a header click sorts it by that column's values (again: the other way); a row click opens
    that cell (``cell=`` in the URL, the row marked); the CSV is written when its button is pressed and has
    every ranked cell."""
    gaps = next(p for p in PAGES if p.name == "gaps")
    open_page(page, dashboard.url, gaps)
    table = page.locator("table.ogpnet-table").first
    demand_column = table.locator("th").all_inner_texts().index("Demand")

    def demands() -> list[float]:
        texts = table.locator(f"tbody tr td:nth-child({demand_column + 1})").all_inner_texts()
        return [float(t.replace(",", "")) for t in texts]

    table.get_by_role("columnheader", name="Demand").click()
    assert demands() == sorted(demands())
    table.get_by_role("columnheader", name="Demand").click()
    shown = demands()
    assert shown == sorted(shown, reverse=True) and shown != sorted(shown)
    first = table.locator("tbody tr").first
    member, theme = first.locator("td").nth(1).inner_text(), first.locator("td").nth(2).inner_text()
    first.click()
    page.wait_for_url("**cell=*", timeout=60_000)
    wait_rendered(page, gaps.title)
    assert f"cell={member}" in page.url.replace("%2F", "/")
    picked = page.locator('table.ogpnet-table tr[aria-selected="true"]')
    assert picked.count() == 1 and picked.locator("td").nth(2).inner_text() == theme
    with page.expect_download() as download:
        page.get_by_role("button", name="Download CSV").first.click()
    assert download.value.suggested_filename == "gaps.csv"
    path = tmp_path / "gaps.csv"
    download.value.save_as(path)
    table = pd.read_csv(path)
    demanded = cells[cells["status"].isin(["gap", "fragile"])]
    assert len(table) == len(demanded)
    assert set(zip(table["member_id"], table["theme_id"], strict=True)) == set(
        zip(demanded["member_id"], demanded["theme_id"], strict=True))


def test_the_intake_workbook_is_written_when_its_button_is_pressed(page: Page, dashboard: DashboardServer,
                                                                  tmp_path: Path) -> None:
    """The partner finder's intake template (written on click, not on every run) opens as the prefilled workbook
    of the chosen organisation."""
    from openpyxl import load_workbook

    partners = next(p for p in PAGES if p.name == "partners")
    open_page(page, dashboard.url, partners, "organisation=open-ownership")
    with page.expect_download() as download:
        page.get_by_role("button", name="Intake template for Open Ownership (.xlsx)").click()
    assert download.value.suggested_filename == "intake-open-ownership.xlsx"
    path = tmp_path / "intake.xlsx"
    download.value.save_as(path)
    workbook = load_workbook(path)
    assert {"Instructions", "Organisation", "Lists", "About"} <= set(workbook.sheetnames)


def test_world_map_draws_offline_and_a_click_opens_the_profile(page: Page, dashboard: DashboardServer,
                                                               cells: pd.DataFrame, output_dir: Path) -> None:
    coverage = next(p for p in PAGES if p.name == "coverage")
    open_page(page, dashboard.url, coverage, "theme=open_data")
    national = set(cells.loc[cells["level"] == "national", "member_id"])
    drawable = national & charts.map_countries()
    countries = page.locator(".ogpnet-svg path.country")
    assert countries.count() == len(drawable)  # drawn from the vendored topology: nothing else is reachable
    assert {countries.nth(i).get_attribute("data-pick") for i in range(countries.count())} == drawable
    page.locator(".ogpnet-svg svg.map").scroll_into_view_if_needed()
    # the largest member whose bounding box centre lies on the member itself (not on a lake or a neighbour)
    x, y, clicked = page.eval_on_selector_all(".ogpnet-svg path.country", """els => {
        const sized = els.map(e => [e, e.getBoundingClientRect()]).sort((a, b) =>
            b[1].width * b[1].height - a[1].width * a[1].height);
        for (const [e, r] of sized) {
            const x = r.x + r.width / 2, y = r.y + r.height / 2;
            if (document.elementFromPoint(x, y) === e) return [x, y, e.getAttribute('data-pick')];
        }
        return null; }""")
    page.mouse.click(x, y)
    page.wait_for_url("**members=*", timeout=60_000)
    wait_rendered(page, coverage.title)
    member = page.url.split("members=")[1].split("&")[0]
    assert member == clicked
    outline = page.locator('.ogpnet-svg path[stroke="#000000"]')  # the chosen member is outlined on the map
    assert outline.count() == 1 and outline.get_attribute("d") == page.locator(
        f'.ogpnet-svg path.country[data-pick="{member}"]').get_attribute("d")
    name = cells.loc[cells["member_id"] == member, "member_name"].iloc[0]
    page.get_by_role("heading", name=f"{name} ({member})").wait_for(timeout=60_000)
    page.screenshot(path=str(output_dir / "dashboard-coverage-clicked.png"), full_page=True)
    assert page.blocked == []  # type: ignore[attr-defined]


def graph_frame(page: Page) -> Frame:
    """The network explorer's graph component (its iframe), once Cytoscape has drawn nodes."""
    page.wait_for_selector(GRAPH_FRAME, timeout=120_000)
    frame = page.locator(GRAPH_FRAME).element_handle().content_frame()
    assert frame is not None
    frame.wait_for_function("() => { const e = document.getElementById('cy');"
                            " return e && e._cyreg && e._cyreg.cy.nodes().length > 0; }", timeout=120_000)
    return frame


def drawn_nodes(page: Page) -> dict[str, dict[str, Any]]:
    """Every node Cytoscape draws: model position, position on the page, colour, size, community."""
    frame = graph_frame(page)
    box = page.locator(GRAPH_FRAME).bounding_box()
    assert box is not None
    nodes = frame.evaluate("""() => document.getElementById('cy')._cyreg.cy.nodes().map(n => ({
        id: n.id(), x: n.position('x'), y: n.position('y'), rx: n.renderedPosition('x'),
        ry: n.renderedPosition('y'), colour: n.data('colour'), size: n.data('size'),
        community: n.data('community')}))""")
    return {n["id"]: {**n, "px": box["x"] + n["rx"], "py": box["y"] + n["ry"]} for n in nodes}


def pick(page: Page, label: str, option: str) -> None:
    """Choose ``option`` in the select box labelled ``label``."""
    page.locator('[data-testid="stSelectbox"]', has_text=label).click()
    page.get_by_role("option", name=option, exact=True).click()


def test_network_explorer_click_expand_restyle_community_export_and_restore(
        page: Page, browser: Browser, dashboard: DashboardServer, facts: Facts, cells: pd.DataFrame,
        output_dir: Path, tmp_path: Path) -> None:
    network = next(p for p in PAGES if p.name == "network")
    whole = frames.explorer_graph(facts, "organisations", CONFIG, cells=cells)
    parts = communities(whole, seed=CONFIG.seed)

    def outside(n: str) -> list[str]:
        return [v for v in whole.neighbors(n) if parts[v] != parts[n]]

    # a node of a smaller community with a few ties into others
    node = max((n for n in parts if outside(n)), key=lambda n: (len(outside(n)) <= 6, parts[n], n))
    c = parts[node]
    in_c = {n for n in whole if parts.get(n) == c}
    name = facts.organisations.set_index("organisation_id").loc[node.split(":", 1)[1], "name"]
    # follow a community: only its nodes are drawn
    open_page(page, dashboard.url, network, f"community={c}")
    nodes = drawn_nodes(page)
    assert set(nodes) == in_c
    page.screenshot(path=str(output_dir / "dashboard-network-community.png"))
    # click a node: it is selected (URL) and its details show, with its evidence
    page.mouse.click(nodes[node]["px"], nodes[node]["py"])
    page.wait_for_url("**node=*", timeout=60_000)
    wait_rendered(page, network.title)
    assert "node=organisation%3A" + node.split(":", 1)[1] in page.url or f"node={node}" in page.url
    page.get_by_role("heading", name=name).wait_for(timeout=60_000)
    details = page.locator('[data-testid="stMain"]').inner_text()
    assert f"community {c}" in details and "source: " in details
    # the component's expand button (shown for the selected node; a double-click does the same) expands it in
    # place: its neighbours in other communities join the view
    graph_frame(page).locator("#nodeActionsExpand").click()
    page.wait_for_url("**focus=*", timeout=60_000)
    wait_rendered(page, network.title)
    want = in_c | set(outside(node))
    page.wait_for_function(f"() => document.querySelector('{GRAPH_FRAME}').contentDocument"
                           f".getElementById('cy')._cyreg.cy.nodes().length === {len(want)}", timeout=60_000)
    assert set(drawn_nodes(page)) == want
    page.screenshot(path=str(output_dir / "dashboard-network-expanded.png"))
    # colour by community and size by betweenness change every node as the shared style rules say
    measures = frames.node_measures(whole, CONFIG)
    top = max(want, key=lambda n: (measures.at[n, "betweenness"], n))
    low = min(want, key=lambda n: (measures.at[n, "betweenness"], n))
    pick(page, "Colour by", "Community")
    wait_rendered(page, network.title)
    pick(page, "Size by", "Betweenness")
    wait_rendered(page, network.title)
    page.wait_for_url("**size_by=betweenness*", timeout=60_000)
    sizes = network_style.node_sizes({n: float(measures.at[n, "betweenness"]) for n in want})
    cy = f"document.querySelector('{GRAPH_FRAME}').contentDocument.getElementById('cy')._cyreg.cy"
    try:  # the component applies new element data after the script has finished: wait until it has
        page.wait_for_function(f"(sizes) => Object.entries(sizes).every(([id, s]) => {cy}.$id(id).data('size') === s)",
                               arg=sizes, timeout=60_000)
    finally:
        nodes = drawn_nodes(page)
    assert all(n["colour"] == network_style.community_colour(parts[i]) for i, n in nodes.items())
    assert {i: n["size"] for i, n in nodes.items()} == sizes
    assert nodes[top]["size"] == network_style.MAX_SIZE and nodes[low]["size"] == network_style.MIN_SIZE
    legend = page.locator('[data-testid="stMain"]').inner_text()
    assert f"Community {c}" in legend and "Betweenness" in legend
    page.screenshot(path=str(output_dir / "dashboard-network-restyled.png"))
    # export the view as GEXF and read it back with NetworkX
    with page.expect_download() as download:
        page.get_by_role("button", name="This view (GEXF)").click()
    path = tmp_path / "view.gexf"
    download.value.save_as(path)
    G = nx.read_gexf(path)
    assert set(G) == want and G.nodes[node]["community"] == c and G.nodes[node]["label"] == name
    assert G.number_of_edges() == whole.subgraph(want).number_of_edges()
    # the copied URL restores the same view: same nodes, positions, colours and sizes
    url = page.url
    again = browser.new_context(viewport={"width": 1400, "height": 2200}).new_page()
    block_external(again)
    again.goto(url, wait_until="commit")
    wait_rendered(again, network.title)
    restored = drawn_nodes(again)
    keys = ("x", "y", "colour", "size")
    assert {i: [n[k] for k in keys] for i, n in restored.items()} == {i: [n[k] for k in keys] for i, n in nodes.items()}
    again.get_by_role("heading", name=name).wait_for(timeout=60_000)
    again.screenshot(path=str(output_dir / "dashboard-network-restored.png"))
    again.context.close()
    assert page.blocked == []  # type: ignore[attr-defined]


def settled(page: Page) -> None:
    """Until the script has run (the page's title is not known here: any page of the sitemap)."""
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=180_000)
    page.wait_for_selector('[data-testid="stMain"] h1', timeout=180_000)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=180_000)


def test_every_page_opens_at_its_url_path(page: Page, dashboard: DashboardServer) -> None:
    """`/<url_path>` of every page of the sitemap opens that page, the default one (Overview) too; `/` opens
    `/overview` with its query string (issue 18)."""
    for spec in SITEMAP:
        page.goto(f"{dashboard.url}/{spec.url_path}", wait_until="commit")
        settled(page)
        assert page.get_by_text("Page not found").count() == 0, spec.url_path
        assert page.url.split("?")[0] == f"{dashboard.url}/{spec.url_path}", spec.url_path
        assert page.locator('[data-testid="stException"]').count() == 0, spec.url_path
    page.goto(f"{dashboard.url}/?theme=justice", wait_until="commit")
    page.wait_for_url("**/overview?theme=justice", timeout=60_000)
    settled(page)
    assert page.get_by_text("Page not found").count() == 0


def test_links_keep_their_selections_across_pages_and_name_unknown_values(page: Page, dashboard: DashboardServer,
                                                                          cells: pd.DataFrame) -> None:
    """Following the menu to another page keeps the shared selections in the address bar (Gaps binds the members
    to its own filter); a value the data does not have is named in a warning and not listed in the sidebar; a
    page's defaults are not written into the URL (issue 18)."""
    coverage = next(p for p in PAGES if p.name == "coverage")
    open_page(page, dashboard.url, coverage, "members=KEN&theme=open_data")
    def both(path: str) -> Callable[[str], bool]:
        return lambda url: f"/{path}?" in url and "members=KEN" in url and "theme=open_data" in url

    page.get_by_role("link", name="Gaps").first.click()
    page.wait_for_url(both("gaps"), timeout=60_000)
    wait_rendered(page, "Gaps")
    kenya = cells[(cells["member_id"] == "KEN") & (cells["theme_id"] == "open_data")
                  & cells["status"].isin(["gap", "fragile"])]
    page.get_by_text(f"{len(kenya)} cells, highest demand first").wait_for(timeout=60_000)
    assert "Kenya (KEN)" in page.locator('[data-testid="stMain"]').inner_text()  # in the Members filter
    page.get_by_role("link", name="Brokers").first.click()  # a page without these filters keeps them too
    page.wait_for_url(both("brokers"), timeout=60_000)
    open_page(page, dashboard.url, coverage, "theme=nonsense&region=Atlantis")
    alerts = " ".join(page.locator('[data-testid="stAlert"]').all_inner_texts())
    assert "Unknown theme 'nonsense' in the link: showing all themes." in alerts
    assert "Unknown region 'Atlantis' in the link: showing all regions." in alerts
    sidebar = page.locator('[data-testid="stSidebarUserContent"]').inner_text()
    assert "nonsense" not in sidebar and "Atlantis" not in sidebar and "nonsense" not in page.url
    partners = next(p for p in PAGES if p.name == "partners")
    open_page(page, dashboard.url, partners)
    assert "organisation=" not in page.url and "theme=" not in page.url
