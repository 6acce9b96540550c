"""The dashboard's data shaping (dashboard/frames.py, dashboard/charts.py) on the fixture dataset: nothing running."""

from __future__ import annotations

import doctest
import json
import xml.etree.ElementTree as ET

import networkx as nx
import pandas as pd
import pytest

from dashboard import charts, frames, html_table, network_view
from graph.analysis import (
    ALL_STATUSES,
    STATUSES,
    AnalysisConfig,
    brokerage_report,
    build_coalition,
    coverage_cells,
    coverage_headline,
    find_partners,
    organisation_network,
    unique_coverage,
    what_if_remove,
)
from graph.analysis.communities import bridges, communities, community_table
from graph.analysis.groups import brokerage_by
from model.facts import facts_from_tables
from model.tables import read_tables
from presentation import colours, labels, network_style, ranking
from reports import network_files
from tests import svg_parts
from tests.conftest import FIXTURE_DATASET

CFG = AnalysisConfig()


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return read_tables(FIXTURE_DATASET)


@pytest.fixture(scope="module")
def facts(tables: dict[str, pd.DataFrame]):  # noqa: ANN201 - Facts
    return facts_from_tables(tables)


@pytest.fixture(scope="module")
def cells(facts) -> pd.DataFrame:  # noqa: ANN001
    return coverage_cells(facts, CFG)


def test_docstring_examples() -> None:
    assert doctest.testmod(frames).failed == 0
    assert doctest.testmod(charts).failed == 0
    assert doctest.testmod(html_table).failed == 0


def test_headline_counts_nodes_and_cells(facts, cells: pd.DataFrame, tables) -> None:  # noqa: ANN001
    numbers = coverage_headline(facts, cells)
    assert numbers["members"] == len(tables["members"])
    assert numbers["organisations"] == len(tables["organisations"])
    assert numbers["themes"] == len(tables["themes"])
    for status in STATUSES:
        assert numbers[f"{status}_cells"] == int((cells["status"] == status).sum())
    assert numbers["demanded_cells"] == sum(numbers[f"{s}_cells"] for s in STATUSES)


def test_theme_rollup_names_every_theme(cells: pd.DataFrame) -> None:
    rollup = frames.theme_rollup(cells)
    assert len(rollup) == 15
    assert rollup.loc[rollup["theme_id"] == "open_data", "theme"].item() == "Open data"
    assert rollup["gap"].sum() == (cells["status"] == "gap").sum()


def test_sources_table_counts_citing_rows(tables) -> None:  # noqa: ANN001
    sources = frames.sources_table(tables).set_index("id")
    expected = sum(int((t["source"] == "fixture-indicators").sum()) for name, t in tables.items()
                   if name != "sources" and "source" in t)
    assert sources.loc["fixture-indicators", "rows"] == expected
    assert sources.loc["fixture-indicators", "as_of"] == "2024-03"


def test_rank_cells_filters_and_orders_as_the_cli(cells: pd.DataFrame) -> None:
    ranked = ranking.rank_cells(cells)
    assert set(ranked["status"]) <= {"gap", "fragile"}
    order = ranked["status"].map({s: i for i, s in enumerate(STATUSES)})
    assert order.is_monotonic_increasing
    for _, group in ranked.groupby("status"):
        assert group["demand"].is_monotonic_decreasing
    one = ranking.rank_cells(cells, theme="open_contracting", region="Americas", statuses=ALL_STATUSES)
    assert set(one["theme_id"]) == {"open_contracting"} and set(one["region"]) == {"Americas"}
    assert one["status"].tolist() == ["mature"]  # MEX: its commitment was completed
    supported = ranking.rank_cells(cells, statuses=STATUSES, sector="network")
    assert len(supported) and all("network" in s for s in supported["sectors"])
    assert ranking.rank_cells(cells, members=["KEN"], statuses=STATUSES)["member_id"].eq("KEN").all()


def test_cell_evidence_lists_commitments_and_signals_with_source_and_date(cells: pd.DataFrame, tables) -> None:  # noqa: ANN001
    evidence = frames.cell_evidence(cells, tables, "KEN", "open_data")
    commitments = evidence[evidence["kind"] == "commitment"]
    assert sorted(commitments["what"]) == ["KE0001", "KE0002"]
    assert commitments.set_index("what").loc["KE0002", "detail"].startswith("Open data standards for county")
    needs = evidence[evidence["kind"] == "need signal"]
    assert needs["what"].tolist() == ["gdb_overall_score"]
    assert needs["source"].tolist() == ["fixture-indicators"] and needs["as_of"].tolist() == ["2022"]
    row = frames.cell_row(cells, "KEN", "open_data")
    assert len(evidence) == row["n_commitments"] + row["n_pledges"] + row["n_need_signals"]


def test_supporters_table_says_how_each_organisation_supports(facts, cells: pd.DataFrame, tables) -> None:  # noqa: ANN001
    table = frames.supporters_table(facts, tables, "KEN", "open_data")
    row = frames.cell_row(cells, "KEN", "open_data")
    assert sorted(table["organisation_id"]) == sorted(row["supporters"])
    general = table.set_index("organisation_id").loc["world-dev-bank", "how"]
    assert "general engagement" in general
    assert table.set_index("organisation_id").loc["civic-lab", "source"] == "fixture"


def test_reachable_table_lists_exactly_the_reachable_count(facts, cells: pd.DataFrame) -> None:  # noqa: ANN001
    demanded = cells[cells["status"].notna()]
    assert demanded["reachable_cov"].sum() > 0
    for member, group in demanded.groupby("member_id"):
        for row in group.itertuples():
            table = frames.reachable_table(facts, cells, member, row.theme_id, CFG)
            assert len(table) == row.reachable_cov, (member, row.theme_id)
            assert not set(table["organisation_id"]) & set(row.supporters)
            assert table["hops"].is_monotonic_increasing
            assert table["why"].str.len().gt(0).all()
            assert table["source"].str.len().gt(0).all() and table["as_of"].str.len().gt(0).all()


def test_member_summary_and_reachable(facts, cells: pd.DataFrame) -> None:  # noqa: ANN001
    about = frames.member_summary(cells, facts, "KEN")
    mine = cells[cells["member_id"] == "KEN"]
    assert about["name"] == "Kenya" and about["demanded"] == mine["status"].isin(STATUSES).sum()
    assert about["gap"] == (mine["status"] == "gap").sum()
    reach = frames.member_reachable(facts, cells, "KEN", CFG)
    wanted = mine[mine["status"].isin(["gap", "fragile"])]
    assert len(reach) == wanted["reachable_cov"].sum()


def test_map_frame_is_national_members_by_status(cells: pd.DataFrame) -> None:
    frame = frames.map_frame(cells, "open_contracting")
    national = cells[(cells["level"] == "national") & (cells["theme_id"] == "open_contracting")]
    assert sorted(frame["iso3"]) == sorted(national["member_id"])
    assert set(frame["category"]) <= set(colours.STATUS_COLOURS)
    assert frame.set_index("iso3").loc["MEX", "category"] == national.set_index("member_id").loc["MEX", "status"]
    overall = frames.map_frame(cells, None).set_index("iso3")
    gaps = cells[(cells["status"] == "gap") & (cells["level"] == "national")].groupby("member_id").size()
    for member, n in gaps.items():
        assert overall.loc[member, "gap"] == n
    drawn, missing = frames.drawable(frame, {"KEN", "GHA"})
    assert set(drawn["iso3"]) == {"KEN", "GHA"} and "Mexico" in missing


def test_heatmap_frame_has_every_member_and_theme(cells: pd.DataFrame) -> None:
    matrix = frames.heatmap_frame(cells)
    assert matrix.shape == (cells["member_id"].nunique(), 15)
    assert set(matrix.stack()) <= set(colours.STATUS_COLOURS)
    africa = frames.heatmap_frame(cells, "Africa and Middle East")
    assert "Kenya (KEN)" in africa.index and "Mexico (MEX)" not in africa.index
    cells_drawn = svg_parts.titled(charts.status_heatmap(africa))
    assert len(cells_drawn) == africa.size
    for text, rect in cells_drawn:
        row_theme, status = text.rsplit(": ", 1)
        row, theme = row_theme.split(" · ")
        assert africa.loc[row, theme] == status and rect.get("fill") == colours.STATUS_COLOURS[status]


def test_what_if_named_and_scoped(facts, cells: pd.DataFrame) -> None:  # noqa: ANN001
    changed = what_if_remove(facts, organisation="integrity-analytics", config=CFG, cells=cells)
    named = frames.named_what_if(changed, cells)
    assert len(named) == len(changed) and {"member_name", "theme"} <= set(named.columns)
    scoped = ranking.scope_frame(named, theme="beneficial_ownership", region="Africa and Middle East", cells=cells)
    assert set(scoped["theme_id"]) <= {"beneficial_ownership"}
    risk = frames.withdrawal_risk(cells, facts)
    assert risk["n_unique_cells"].tolist() == unique_coverage(cells)["n_unique_cells"].tolist()


def test_broker_tables(facts) -> None:  # noqa: ANN001
    report = brokerage_by(facts, "sector", CFG)
    table = ranking.rank_brokers(report)
    assert table["rank"].tolist() == list(range(1, len(table) + 1))
    assert table["betweenness"].is_monotonic_decreasing
    assert len(ranking.rank_brokers(report, 3)) == 3
    cut = frames.articulation_table(facts, report, CFG)
    assert sorted(cut["organisation_id"]) == sorted(map(str, report.articulation_points))
    assert (cut["cut_off"] >= 1).all()
    bridges = frames.bridge_table(report, frames.organisation_names(facts))
    assert len(bridges) == len(report.bridges)
    assert set(bridges.loc[bridges["bridge"], "span"]) <= {"no other path"}


def test_score_parts_add_up_to_the_score(facts) -> None:  # noqa: ANN001
    partners = find_partners(facts, "open_data", members=["KEN"], config=CFG)
    parts = frames.score_parts(partners, CFG)
    totals = parts.groupby("name", sort=False)["points"].sum()
    for name, score in zip(partners["name"], partners["score"], strict=True):
        assert totals[name] == pytest.approx(score)
    drawn = charts.score_bars(parts)
    assert set(svg_parts.legend(drawn)) == set(parts["part"])
    for text, rect in svg_parts.titled(drawn):  # "<partner> · <part>: <points>", one bar piece per non-zero part
        name_part, points = text.rsplit(": ", 1)
        name, part = name_part.split(" · ")
        got = parts[(parts["name"] == name) & (parts["part"] == part)]["points"].iloc[0]
        assert float(points.replace(",", "")) == pytest.approx(got, abs=5e-4)
        assert rect.get("fill") == colours.PART_COLOURS[part]


def test_coalition_coverage_before_and_after(facts, cells: pd.DataFrame) -> None:  # noqa: ANN001
    result = build_coalition(facts, "open_data", size=2, min_sectors=2, config=CFG)
    counts, per_cell = frames.coalition_coverage(cells, result)
    assert counts["cells"] == result.cells_total
    assert counts["coalition"] == len(result.cells_covered)
    today = cells[(cells["theme_id"] == "open_data") & cells["status"].notna()]
    assert counts["today"] == int((today["cov"] > 0).sum())
    assert counts["after"] == counts["today"] + counts["new"]
    assert per_cell["after"].sum() == counts["after"]
    assert "optimality gap" in frames.coalition_method(result)


def test_explorer_graph_views_and_filters(facts, cells: pd.DataFrame) -> None:  # noqa: ANN001
    orgs = frames.explorer_graph(facts, "organisations", CFG)
    network = organisation_network(facts, CFG.max_affiliation_size)
    assert orgs.number_of_nodes() == network.number_of_nodes()
    assert orgs.number_of_edges() == network.number_of_edges()
    civil = frames.explorer_graph(facts, "organisations", CFG, sector="civil_society")
    assert {d["sector"] for _, d in civil.nodes(data=True)} == {"civil_society"}
    full = frames.explorer_graph(facts, "partnerships", CFG, cells=cells)
    assert {d["kind"] for _, d in full.nodes(data=True)} == {"organisation", "member", "consortium", "theme"}
    assert full.has_edge("organisation:civic-lab", "consortium:open-data-wg")
    assert "member of" in full.edges["organisation:civic-lab", "consortium:open-data-wg"]["rels"]
    themed = frames.explorer_graph(facts, "partnerships", CFG, theme="open_data", cells=cells)
    assert [n for n, d in themed.nodes(data=True) if d["kind"] == "theme"] == ["theme:open_data"]
    with pytest.raises(ValueError, match="unknown network view"):
        frames.explorer_graph(facts, "nope", CFG)


def test_node_measures_match_the_brokers_page(facts) -> None:  # noqa: ANN001
    H = frames.explorer_graph(facts, "organisations", CFG)
    measures = frames.node_measures(H, CFG)
    report = brokerage_report(organisation_network(facts, CFG.max_affiliation_size), CFG).organisations
    for node, row in measures.iterrows():
        org = node.split(":", 1)[1]
        assert row["betweenness"] == pytest.approx(report.loc[org, "betweenness"])
        assert row["degree"] == report.loc[org, "degree"]


def test_cut_to_budget_keeps_the_focus_and_the_budget() -> None:
    G = nx.barabasi_albert_graph(300, 3, seed=1)
    G = nx.relabel_nodes(G, {n: f"organisation:{n}" for n in G})
    shown, cut = frames.cut_to_budget(G, budget=200, keep=["organisation:299"])
    assert cut.cut and cut.elements <= 200 and "organisation:299" in shown
    assert (cut.nodes_total, cut.edges_total) == (300, G.number_of_edges())
    whole, uncut = frames.cut_to_budget(G, budget=10_000)
    assert not uncut.cut and whole.number_of_edges() == G.number_of_edges()
    around = ["organisation:5", *G.neighbors("organisation:5")]
    local, small = frames.cut_to_budget(G, within=around)
    assert set(local) == set(around) and not small.cut and small.nodes_total == len(around)


def test_layout_is_seeded_forceatlas2_in_pixels(facts) -> None:  # noqa: ANN001
    H, dropped = frames.without_isolates(frames.explorer_graph(facts, "organisations", CFG))
    assert dropped == sum(1 for _ in nx.isolates(frames.explorer_graph(facts, "organisations", CFG)))
    first, second = network_view.layout(H, 42), network_view.layout(H, 42)
    assert first == second and set(first) == set(H)
    assert network_view.layout(H, 7) != first  # the seed matters: it is not a fixed picture
    xs, ys = [x for x, _ in first.values()], [y for _, y in first.values()]
    width = max(max(xs) - min(xs), max(ys) - min(ys))
    assert width >= network_view.MIN_EXTENT - 0.5  # a small view is spread: fitting it does not blow labels up
    big = nx.relabel_nodes(nx.barabasi_albert_graph(300, 2, seed=1), str)
    pos = network_view.layout(big, 42)
    xs, ys = [x for x, _ in pos.values()], [y for _, y in pos.values()]
    assert max(max(xs) - min(xs), max(ys) - min(ys)) == pytest.approx(network_view.SPACING * 300 ** 0.5, rel=0.01)


def test_node_details_lists_neighbours(facts, cells: pd.DataFrame) -> None:  # noqa: ANN001
    H = frames.explorer_graph(facts, "partnerships", CFG, cells=cells)
    info, neighbours = frames.node_details(H, "organisation:civic-lab")
    assert info["label"] == "Civic Lab" and info["sector"] == "Civil society"
    assert len(neighbours) == H.degree("organisation:civic-lab")
    assert "Kenya" in set(neighbours["name"])
    assert frames.node_options(H)["organisation:civic-lab"] == "Civic Lab (Organisation)"


def test_explorer_elements_carry_position_style_measures_and_evidence(facts, cells: pd.DataFrame) -> None:  # noqa: ANN001
    H, _ = frames.without_isolates(frames.explorer_graph(facts, "partnerships", CFG, cells=cells))
    measures = frames.node_measures(H, CFG)
    parts = communities(H, seed=CFG.seed)
    pos = network_view.layout(H, 1)
    els = network_view.elements(H, pos, measures, colour_by="community", size_by="betweenness",
                                community_of=parts, region_of=frames.node_regions(facts, H))
    by_id = {n["data"]["id"]: n for n in els["nodes"]}
    assert set(by_id) == set(H) and len(els["edges"]) == H.number_of_edges()
    lab = by_id["organisation:civic-lab"]
    assert lab["position"] == {"x": pos["organisation:civic-lab"][0], "y": pos["organisation:civic-lab"][1]}
    assert lab["data"]["name"] == "Civic Lab" and lab["data"]["label"] == "Organisation"
    assert lab["data"]["colour"] == network_style.community_colour(parts["organisation:civic-lab"])
    assert lab["data"]["source"] and lab["data"]["as of"]  # the details panel shows where the node comes from
    sizes = [n["data"]["size"] for n in els["nodes"]]
    assert min(sizes) == network_style.MIN_SIZE and max(sizes) == network_style.MAX_SIZE
    top = measures["betweenness"].idxmax()
    assert by_id[top]["data"]["size"] == network_style.MAX_SIZE
    works = [e["data"] for e in els["edges"] if e["data"]["label"] == "works in"]
    assert works and all(e["colour"] == network_style.LINK_COLOURS["works in"] and e["evidence"] for e in works)
    by_sector = network_view.elements(H, pos, measures, colour_by="sector", size_by="degree", community_of=parts)
    member = next(n for n in by_sector["nodes"] if n["data"]["id"].startswith("member:"))
    assert member["data"]["colour"] == colours.KIND_COLOURS["member"]  # colour by sector never greys out members


def test_organisation_ties_name_what_is_shared(facts) -> None:  # noqa: ANN001
    H = frames.explorer_graph(facts, "organisations", CFG)
    for u, v, d in H.edges(data=True):
        assert len(d["names"]) == d["shared"], (u, v, d)
    u, v, d = max(H.edges(data=True), key=lambda e: e[2]["shared"])
    _, neighbours = frames.node_details(H, u)
    link = neighbours.set_index("node").at[v, "link"]
    assert link.startswith("shares ") and all(name in link for name in d["names"])


def test_view_expands_in_place_and_keeps_the_budget() -> None:
    G = nx.relabel_nodes(nx.barabasi_albert_graph(400, 3, seed=1), lambda n: f"organisation:{n}")
    parts = communities(G, seed=3)
    small = max(set(parts.values()))
    view = network_view.view_graph(G, parts, community=small)
    assert set(view.graph) == {n for n, c in parts.items() if c == small}
    edge = next(iter(view.graph)) if view.graph else next(n for n, c in parts.items() if c == small)
    grown = network_view.view_graph(G, parts, community=small, expanded=[edge])
    assert set(view.graph) | set(G.neighbors(edge)) <= set(grown.graph)
    capped = network_view.view_graph(G, parts, budget=150, expanded=["organisation:399"])
    assert capped.cut.cut and capped.cut.elements <= 150
    assert {"organisation:399", *G.neighbors("organisation:399")} <= set(capped.graph)


def test_communities_are_seeded_and_the_table_names_brokers_between_them(facts, cells: pd.DataFrame) -> None:  # noqa: ANN001
    H = frames.explorer_graph(facts, "partnerships", CFG, cells=cells)
    parts = communities(H, seed=CFG.seed)
    tied = {n for n in H if H.degree(n) > 0}
    assert parts == communities(H, seed=CFG.seed) and set(parts) == tied and len(tied) < len(H)
    table = community_table(H, parts, themes_of=frames.node_themes(facts, H), name=labels.theme_name)
    assert table["nodes"].sum() == len(tied)
    assert list(table["community"]) == sorted(table["community"]) and table["nodes"].is_monotonic_decreasing
    crossing = bridges(H, parts)
    assert len(crossing) > 0  # the fixture's communities are tied to each other
    first = crossing.iloc[0]
    row = table.set_index("community").loc[first["community"]]
    assert H.nodes[first["node"]]["label"] in row["brokers"]


def test_network_files_read_back_with_networkx(facts, cells: pd.DataFrame, tmp_path) -> None:  # noqa: ANN001
    H, _ = frames.without_isolates(frames.explorer_graph(facts, "partnerships", CFG, cells=cells))
    measures = frames.node_measures(H, CFG)
    parts = communities(H, seed=CFG.seed)
    A = network_files.annotated(H, network_view.layout(H, 1), measures, parts, frames.node_regions(facts, H),
                                colour_by="community", size_by="degree")
    for fmt, reader in (("gexf", nx.read_gexf), ("graphml", nx.read_graphml)):
        path = tmp_path / f"net.{fmt}"
        path.write_bytes(network_files.render(A, fmt))
        back = reader(path)
        assert set(back) == set(H) and back.number_of_edges() == H.number_of_edges(), fmt
        lab = back.nodes["organisation:civic-lab"]
        assert lab["community"] == parts["organisation:civic-lab"] and lab["kind"] == "Organisation"
        assert float(lab["degree"]) == measures.at["organisation:civic-lab", "degree"]
    png = network_files.render(A, "png", title="test")
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20_000


def test_world_map_draws_the_vendored_topology_and_marks_members(cells: pd.DataFrame) -> None:
    topo = json.loads((charts.STATIC_DIR / charts.TOPOJSON_FILE).read_text(encoding="utf-8"))
    assert topo["type"] == "Topology" and {"KEN", "MEX", "GHA"} <= charts.map_countries()
    frame, _ = frames.drawable(frames.map_frame(cells, "open_data"), charts.map_countries())
    drawn = charts.world_map(frame, "open_data", selected="KEN")
    clickable = svg_parts.picks(drawn)
    assert set(clickable) == set(frame["member_id"])  # every drawn member can be clicked, nothing else
    for row in frame.itertuples():
        assert clickable[row.member_id].get("fill") == colours.STATUS_COLOURS[row.category]
    outlines = [e for e in svg_parts.parse(drawn).iter() if e.get("stroke") == "#000000"]
    assert len(outlines) == 1 and outlines[0].get("d") == clickable["KEN"].get("d")
    # the projection keeps geography: Kenya is east of Mexico and Ghana, south of Mexico, inside the drawing
    root = svg_parts.parse(drawn)
    width, height = (float(v) for v in root.get("viewBox", "").split()[2:])

    def centre(iso3: str) -> tuple[float, float]:
        numbers = [float(v) for v in clickable[iso3].get("d", "").replace("M", " ").replace("L", " ")
                   .replace("Z", " ").replace(",", " ").split()]
        xs, ys = numbers[0::2], numbers[1::2]
        assert 0 <= min(xs) and max(xs) <= width and 0 <= min(ys) and max(ys) <= height
        return sum(xs) / len(xs), sum(ys) / len(ys)

    (ken_x, ken_y), (mex_x, mex_y), (gha_x, _) = centre("KEN"), centre("MEX"), centre("GHA")
    assert ken_x > gha_x > mex_x and ken_y > mex_y
    overall = charts.world_map(frames.map_frame(cells, None), None)
    assert "gap cells: 0" in overall and svg_parts.picks(overall)


def test_coalition_picks_say_why(facts) -> None:  # noqa: ANN001
    result = build_coalition(facts, "open_data", size=3, min_sectors=3, config=CFG)
    picks = frames.coalition_picks(result, frames.organisation_names(facts))
    assert len(picks) == len(result.picks)
    for row in picks.itertuples():
        assert row.reason.startswith(f"closes {len(row.adds)} cell(s) first" if row.adds
                                     else "closes no cell the others leave open")
        assert ("could take its place" in row.reason or "would lose" in row.reason
                or "nobody outside the coalition could replace it" in row.reason)
    first = picks.iloc[0]
    assert (first["organisation_id"], first["replacement"]) == ("civic-lab", "world-dev-bank")
    assert first["reason"].endswith("World Development Bank could take its place at no loss")


def test_the_benchmark_times_every_page_of_the_sitemap() -> None:
    """`make bench` and the browser tests open every page (the screening page was once left out)."""
    from bench.dashboard import PAGES as TIMED
    from dashboard.sitemap import PAGES as SITEMAP

    assert [p.path for p in TIMED] == [spec.url_path for spec in SITEMAP]


def test_tables_are_drawn_as_people_read_them_and_escaped(cells: pd.DataFrame) -> None:
    """Every cell of a drawn table: the report's text of the value, HTML-escaped; numbers right-aligned; a row
    per frame row, each pickable when asked."""
    rollup = frames.theme_rollup(cells)[["theme", "demand_cells", "gap_share"]]
    rollup.loc[0, "theme"] = '<script>alert("x")</script>'
    drawn = html_table.table_html(rollup, pickable=True, selected=1)
    root = ET.fromstring(drawn)  # well-formed markup
    ns = ""
    headers = [th.text for th in root.iter(f"{ns}th")]
    assert headers == [labels.COLUMNS[c].label for c in rollup.columns]
    rows = list(root.iter(f"{ns}tr"))[1:]
    assert [r.get("data-pick") for r in rows] == [str(i) for i in range(len(rollup))]
    assert [r.get("aria-selected") for r in rows].count("true") == 1 and rows[1].get("aria-selected") == "true"
    for row, (theme, demand_cells, share) in zip(rows, rollup.itertuples(index=False), strict=True):
        texts = [td.text or "" for td in row.iter(f"{ns}td")]
        assert texts == [theme, f"{int(demand_cells):,}", f"{share:.1%}"]
        assert [td.get("class") for td in row.iter(f"{ns}td")][1:] == ["num", "num share"]
    assert "<script>" not in drawn
