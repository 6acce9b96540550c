"""Reports an analyst can forward (issue 19): briefs, the executive summary, labels, charts, print and PDF.

Values are checked against the analysis functions on the fixture dataset; the PDF is opened with pypdf and
rendered with pdftoppm (pages in test-output/), the workbook's charts are read from its XML.
"""

from __future__ import annotations

import csv
import io
import re
import subprocess
import zipfile
from dataclasses import replace
from pathlib import Path
from xml.etree import ElementTree

import openpyxl
import pandas as pd
import pytest
from pypdf import PdfReader

from graph.analysis import ALL_STATUSES, AnalysisConfig, build_coalition, coverage_cells, find_partners
from graph.snapshot import AnalysedGraph, Snapshot
from model.tables import read_tables
from presentation.labels import column_label
from reports.charts import status_chart, trend_chart
from reports.csv_tables import csv_texts
from reports.gap_report import (
    MEMBER_SHEETS,
    THEME_SHEETS,
    GapReport,
    ReportScopeError,
    collect_gap_report,
    generated_at_line,
    render,
    render_html,
    render_pdf,
    render_xlsx,
)
from reports.html_page import html_page
from tests.conftest import FIXTURE_DATASET

LOADED = "2024-06-01T12:00:00+00:00"
CHART_NS = {"c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
            "a": "http://schemas.openxmlformats.org/drawingml/2006/main"}


@pytest.fixture(scope="module")
def graph() -> AnalysedGraph:
    return AnalysedGraph(Snapshot("fixture-run", "fixture-snapshot", LOADED, read_tables(FIXTURE_DATASET)))


@pytest.fixture(scope="module")
def member_brief(graph: AnalysedGraph) -> GapReport:
    return collect_gap_report(graph, AnalysisConfig(), member="KEN", kind="member")


@pytest.fixture(scope="module")
def theme_brief(graph: AnalysedGraph) -> GapReport:
    return collect_gap_report(graph, AnalysisConfig(), theme="access_to_information", kind="theme")


@pytest.fixture(scope="module")
def gap_report(graph: AnalysedGraph) -> GapReport:
    return collect_gap_report(graph, AnalysisConfig())


def workbook_rows(ws: openpyxl.worksheet.worksheet.Worksheet) -> list[list[object]]:
    return [[c.value for c in row] for row in ws.iter_rows()]


# -- what the briefs hold ----------------------------------------------------------------------------------


def test_member_brief_every_theme_of_the_member(member_brief: GapReport, graph: AnalysedGraph) -> None:
    cfg = AnalysisConfig()
    cells = coverage_cells(graph.facts, cfg)
    ken = cells[(cells["member_id"] == "KEN") & cells["status"].notna()]
    assert member_brief.title == "Member brief: Kenya (KEN)"
    assert list(member_brief.tables()) == list(MEMBER_SHEETS)
    table = member_brief.cells
    assert set(table["member_id"]) == {"KEN"}
    assert set(zip(table["theme_id"], table["status"], strict=True)) == set(zip(ken["theme_id"], ken["status"],
                                                                                strict=True))
    # ranked as everywhere: gaps first, then fragile, covered, redundant, mature; highest demand first in each
    order = [list(ALL_STATUSES).index(st) for st in table["status"]]
    assert order == sorted(order)
    for _, group in table.groupby("status"):
        assert list(group["demand"]) == sorted(group["demand"], reverse=True)
    # every gap of the member, with its suggested partners (those of find_partners) and their evidence
    gaps = ken[ken["status"] == "gap"]
    assert set(member_brief.gaps["theme_id"]) == set(gaps["theme_id"])
    top = member_brief.executive.top_gaps
    assert set(top["theme_id"]) == set(gaps["theme_id"])
    for rec in top.to_dict("records"):
        found = find_partners(graph.facts, rec["theme_id"], members="KEN", top=3, config=cfg)
        assert rec["suggested_partners"] == list(found["organisation_id"])
        assert rec["top_gaps"][0].startswith("Kenya (KEN): demand ")
    assert all(member_brief.partner_suggestions["evidence"].map(len) > 0)


def test_theme_brief_best_coalition_is_the_coalition_builders(theme_brief: GapReport, graph: AnalysedGraph) -> None:
    assert theme_brief.title == "Theme brief: Access to information"
    assert list(theme_brief.tables()) == list(THEME_SHEETS)
    assert set(theme_brief.cells["theme_id"]) == {"access_to_information"}
    top = theme_brief.executive.top_gaps
    assert list(top["theme_id"]) == ["access_to_information"]
    assert top.loc[0, "top_gaps"] == ["Kenya (KEN): demand 0.45"]
    coalition = build_coalition(graph.facts, "access_to_information", size=3, config=AnalysisConfig())
    assert coalition.optimum == ["civic-lab"]  # the fixture's one organisation able to close it
    assert top.loc[0, "best_coalition"] == coalition.optimum
    assert top.loc[0, "coalition_closes"] == coalition.optimum_covered
    assert top.loc[0, "gap"] == len(theme_brief.gaps)
    # the trend is the theme's only
    assert set(theme_brief.trend["theme_id"]) == {"access_to_information"}


def test_executive_headline_counts_the_cells(gap_report: GapReport, graph: AnalysedGraph) -> None:
    cells = coverage_cells(graph.facts, AnalysisConfig())
    head = gap_report.executive.headline.set_index("item")
    demanded = int(cells["status"].isin(["gap", "fragile", "covered", "redundant"]).sum())
    gaps = int((cells["status"] == "gap").sum())
    assert head.loc["Demanded cells", "value"] == demanded
    assert head.loc["Gaps", "value"] == gaps
    assert head.loc["Gaps", "note"].startswith(f"{round(100 * gaps / demanded)}% of demanded cells")
    assert head.loc["Mature cells", "value"] == int((cells["status"] == "mature").sum())
    caveats = gap_report.executive.headline.query("item == 'Caveat'")["value"].tolist()
    assert caveats[0].startswith("A gap means nobody in the data supports")
    # themes with thin evidence are named with their count
    thin = gap_report.limits[gap_report.limits["organisations_with_evidence"] < 10]
    for name, n in zip(thin["theme_name"], thin["organisations_with_evidence"], strict=True):
        assert any(c.startswith(f"{name}: only {n} organisations") for c in caveats), name


def test_since_a_saved_snapshot_says_what_changed(graph: AnalysedGraph) -> None:
    cfg = AnalysisConfig()
    cells = coverage_cells(graph.facts, cfg)
    before = cells.copy()
    covered = before.index[before["status"] == "fragile"][0]
    gap = before.index[before["status"] == "gap"][0]
    before.loc[covered, ["status", "cov"]] = ["gap", 0]  # was a gap: now closed
    before.loc[gap, ["status", "cov"]] = ["covered", 2]  # was covered: now a gap
    report = collect_gap_report(graph, cfg, since_cells=before, since="saved.json")
    changes = report.executive.changes
    closed = changes[changes["change"] == "gap_closed"]
    opened = changes[changes["change"] == "gap_opened"]
    assert list(zip(closed["member_id"], closed["theme_id"], strict=True)) == [
        (cells.loc[covered, "member_id"], cells.loc[covered, "theme_id"])]
    assert list(zip(opened["member_id"], opened["theme_id"], strict=True)) == [
        (cells.loc[gap, "member_id"], cells.loc[gap, "theme_id"])]
    head = report.executive.headline.set_index("item")
    assert head.loc["Gaps closed since", "value"] == 1 and head.loc["Gaps opened since", "value"] == 1
    assert "Changes" in report.tables() and list(report.tables()).index("Changes") == 2
    assert "What changed since saved.json" in render_html(report)


def test_a_brief_needs_its_subject(graph: AnalysedGraph) -> None:
    with pytest.raises(ReportScopeError):
        collect_gap_report(graph, AnalysisConfig(), kind="member")
    with pytest.raises(ReportScopeError):
        collect_gap_report(graph, AnalysisConfig(), kind="theme")
    with pytest.raises(ReportScopeError):
        collect_gap_report(graph, AnalysisConfig(), member="ATLANTIS", kind="member")
    with pytest.raises(ReportScopeError):
        render(collect_gap_report(graph, AnalysisConfig(), member="KEN", kind="member"), "docx")


# -- readable everywhere -----------------------------------------------------------------------------------


def test_labels_percentages_names_and_dates_in_the_workbook(gap_report: GapReport) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(render_xlsx(gap_report)))
    for ws in wb.worksheets:
        header = [c.value for c in ws[1] if c.value is not None]
        assert not [h for h in header if isinstance(h, str) and re.fullmatch(r"[a-z]+(_[a-z0-9]+)+", h)], ws.title
    summary = wb["Summary"]
    header = [c.value for c in summary[1]]
    rows = {r[0].value: r for r in summary.iter_rows(min_row=2) if r[0].value}
    assert rows["Gap share"][1].number_format == "0.0%"
    # coverage by theme under the summary: the gap share column is a percentage
    by_theme_header = next(i for i, r in enumerate(summary.iter_rows(), 1) if r[0].value == "Theme")
    share_col = [c.value for c in summary[by_theme_header]].index(column_label("gap_share")) + 1
    assert summary.cell(row=by_theme_header + 1, column=share_col).number_format == "0.0%"
    assert header[:3] == ["Item", "Value", "Explanation"]
    gaps = wb["Gaps"]
    assert [c.value for c in gaps[1]][:3] == ["Member", "Member id", "Level"]
    assert gaps["A2"].value == gap_report.gaps.loc[0, "member_name"]


def test_html_reads_like_the_workbook(gap_report: GapReport) -> None:
    page = render_html(gap_report)
    assert '<th class="c-n_need_signals">Need signals</th>' in page
    share = gap_report.by_theme["gap_share"].iloc[0]
    assert f">{share:.1%}</td>" in page
    org, name = next((o, n) for o, n in gap_report.names.items() if o in gap_report.gaps.loc[0, "suggested_partners"])
    assert f"{name} ({org})" in page
    # the executive summary comes first, with its charts as inline SVG
    assert page.index('id="executive"') < page.index('id="summary"') < page.index('id="gaps"')
    assert page.count('<svg class="chart"') >= 3


def test_csv_documents_every_column(gap_report: GapReport) -> None:
    texts = csv_texts(gap_report)
    documented = list(csv.DictReader(io.StringIO(texts["columns.csv"])))
    for name, text in texts.items():
        if name == "columns.csv":
            continue
        header = next(csv.reader(io.StringIO(text)))
        assert [r["column"] for r in documented if r["file"] == name] == header, name


# -- charts ------------------------------------------------------------------------------------------------


def test_workbook_has_native_charts_over_the_report_numbers(gap_report: GapReport) -> None:
    data = render_xlsx(gap_report)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        charts = sorted(n for n in archive.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n))
        xml = [ElementTree.fromstring(archive.read(n)) for n in charts]
        drawing = archive.read("xl/drawings/drawing1.xml").decode()
    assert len(charts) == 2 and drawing.count("<c:chart ") + drawing.count(":chart ") >= 2
    bar, line = xml
    assert bar.find(".//c:barChart/c:grouping", CHART_NS).get("val") == "stacked"
    assert line.find(".//c:lineChart", CHART_NS) is not None
    titles = ["Gap", "Fragile", "Covered", "Redundant", "Mature"]
    # each series takes its name from the header cell over its numbers
    assert [f.text for f in bar.findall(".//c:ser/c:tx//c:f", CHART_NS)] == [
        f"'Chart data'!{c}1" for c in "BCDEF"]
    # the numbers the bars draw are the report's by-theme counts (on the 'Chart data' sheet)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    rows = workbook_rows(wb["Chart data"])
    chart = status_chart(gap_report.by_theme)
    assert rows[0][:6] == [chart.title, *titles]
    assert [r[0] for r in rows[1:1 + len(chart.categories)]] == chart.categories
    by_theme = gap_report.by_theme.reset_index(drop=True)
    for i, row in enumerate(rows[1:1 + len(chart.categories)]):
        assert row[1:6] == [by_theme.loc[i, s] for s in ALL_STATUSES]
    refs = [f.text for f in bar.findall(".//c:val//c:f", CHART_NS)]
    assert refs and all(r.startswith("'Chart data'!") for r in refs)
    trend = trend_chart(gap_report.trend)
    assert len(line.findall(".//c:ser", CHART_NS)) == len(trend.series)


# -- print and PDF -----------------------------------------------------------------------------------------


def test_pdf_member_brief_pages_carry_title_snapshot_and_numbers(member_brief: GapReport, output_dir: Path
                                                                  ) -> None:
    data = render_pdf(member_brief, "a4")
    reader = PdfReader(io.BytesIO(data))
    pages = [p.extract_text() for p in reader.pages]
    n = len(pages)
    assert n >= 2
    for i, text in enumerate(pages, start=1):  # every page: title, snapshot with generated-at, page number
        flat = " ".join(text.split())
        assert "Member brief: Kenya (KEN)" in flat, i
        assert f"snapshot fixture-snapshot · {generated_at_line(member_brief)}" in flat, i
        assert f"Page {i} of {n}" in flat, i
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)  # A4 landscape, in points
    letter = PdfReader(io.BytesIO(render_pdf(member_brief, "letter"))).pages[0].mediabox
    assert (round(float(letter.width)), round(float(letter.height))) == (792, 612)
    text = " ".join(" ".join(pages).split())
    for theme in member_brief.executive.top_gaps["theme_name"]:
        assert theme in text
    assert "What the data cannot see" in text
    # the same report gives the same bytes
    assert render_pdf(member_brief, "a4") == data
    (output_dir / "member-brief-KEN.pdf").write_bytes(data)
    for old in output_dir.glob("member-brief-KEN-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "2", str(output_dir / "member-brief-KEN.pdf"),
                    str(output_dir / "member-brief-KEN")], check=True, timeout=120)
    pngs = sorted(output_dir.glob("member-brief-KEN-*.png"))
    assert len(pngs) == 2 and all(p.stat().st_size > 10_000 for p in pngs)


def test_pdf_gap_report_opens_with_the_executive_summary(gap_report: GapReport, output_dir: Path) -> None:
    data = render_pdf(replace(gap_report), "a4")
    reader = PdfReader(io.BytesIO(data))
    first = " ".join(reader.pages[0].extract_text().split())
    assert first.index("Executive summary") < first.index("Demanded cells")
    path = output_dir / "gap-report.pdf"
    path.write_bytes(data)
    for old in output_dir.glob("gap-report-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "2", str(path), str(output_dir / "gap-report")],
                   check=True, timeout=120)
    assert len(sorted(output_dir.glob("gap-report-*.png"))) == 2


def test_print_version_says_when_it_prints_the_first_rows_only(gap_report: GapReport,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    import reports.html_page

    monkeypatch.setattr(reports.html_page, "PRINT_ROWS", 2)
    printed = html_page(gap_report, for_print=True)
    n = len(gap_report.partner_suggestions)
    assert n > 2 and f"printed: the first 2 of {n} rows; every row is in the Excel, CSV and HTML versions" in printed
    table = printed[printed.index('id="partners-table"'):]
    assert table[:table.index("</table>")].count("<tr>") == 3  # header and two rows
    assert f"({n} rows.)" in render_html(gap_report)  # the screen page has them all


def test_print_version_leaves_out_the_map_script_and_narrows_wide_tables(gap_report: GapReport) -> None:
    printed = html_page(gap_report, for_print=True, paper="letter")
    assert "<script" not in printed and "size: letter landscape" in printed
    assert 'id="countries-table"' in printed  # the map's numbers stay
    gaps_table = printed[printed.index('id="gaps-table"'):]
    gaps_table = gaps_table[:gaps_table.index("</thead>")]
    assert gaps_table.count("<th ") == 11  # PRINT_COLUMNS["gaps"]
    assert "Printed version: wide tables show the columns" in printed
    screen = render_html(gap_report)
    assert "<script" in screen and "size: landscape" in screen  # the screen page prints on the printer's paper


def test_one_table_frame_per_format_is_the_same(member_brief: GapReport) -> None:
    """xlsx, CSV and HTML carry the same cells table (labels, names first)."""
    wb = openpyxl.load_workbook(io.BytesIO(render_xlsx(member_brief)))
    xlsx_header = [c.value for c in wb["Themes"][1]]
    csv_header = next(csv.reader(io.StringIO(csv_texts(member_brief)["themes.csv"])))
    assert xlsx_header == csv_header
    page = render_html(member_brief)
    cells_table = page[page.index('id="cells-table"'):]
    html_header = re.findall(r"<th class=\"c-[^\"]+\">([^<]+)</th>", cells_table[:cells_table.index("</thead>")])
    assert html_header == xlsx_header
    assert pd.Series(xlsx_header).is_unique


@pytest.mark.browser
def test_chromium_prints_the_bundled_report_within_the_page(tmp_path: Path, output_dir: Path) -> None:
    """The whole-network HTML report printed by headless Chromium: A4 landscape, nothing wider than the page,
    tables in full (no scroll boxes), the margins carry the title and page numbers."""
    from playwright.sync_api import sync_playwright

    bundled = AnalysedGraph(Snapshot("run", "bundled", LOADED, read_tables(FIXTURE_DATASET.parents[2] / "data")))
    report = collect_gap_report(bundled, AnalysisConfig(), region="Africa and Middle East")
    path = tmp_path / "report.html"
    path.write_text(render_html(report), encoding="utf-8")
    printable_px = round((297 - 20) / 25.4 * 96)  # A4 landscape less the 10 mm side margins
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": printable_px, "height": 800})
            page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file://", "data:"))
                       else r.abort())
            page.goto(path.as_uri())
            page.emulate_media(media="print")
            widest = page.evaluate("""() => Math.max(...[...document.querySelectorAll("table, svg, section")]
                .map(e => e.getBoundingClientRect().right))""")
            rows = page.evaluate("() => document.querySelectorAll('#gaps-table tbody tr').length")
            scrolls = page.evaluate("""() => [...document.querySelectorAll('.scroll')]
                .filter(e => e.scrollHeight > e.clientHeight + 1).length""")
            pdf = page.pdf(format="A4", landscape=True, print_background=True)  # the paper of the print dialog
        finally:
            browser.close()
    assert widest <= printable_px + 1, widest
    assert rows == len(report.gaps) and scrolls == 0
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) > 3
    for pdf_page in reader.pages:  # A4 landscape, 841.9 x 595.3 pt (Chromium rounds to whole pixels)
        box = pdf_page.mediabox
        assert abs(float(box.width) - 841.9) < 2 and abs(float(box.height) - 595.3) < 2
    last = " ".join(reader.pages[-1].extract_text().split())
    assert f"Page {len(reader.pages)} of {len(reader.pages)}" in last and report.title in last
    (output_dir / "gap-report-chromium.pdf").write_bytes(pdf)


def test_brief_on_a_member_that_joined_later(graph: AnalysedGraph) -> None:
    """Nigeria joined in 2016: the years before count no member (the trend once failed on them)."""
    brief = collect_gap_report(graph, AnalysisConfig(), member="NGA", kind="member")
    members = brief.trend.groupby("year")["members"].first()
    assert (members[members.index < 2016] == 0).all() and (members[members.index >= 2016] == 1).all()
    assert brief.title == "Member brief: Nigeria (NGA)"


def test_a_network_of_one_organisation_has_no_tie() -> None:
    from graph.analysis import Facts
    from graph.analysis.network import organisation_network

    facts = Facts.from_rows(organisations=[{"id": "lab", "sector": "civil_society"}],
                            engagements=[{"organisation_id": "lab", "member_id": "KEN", "relation": "x"}])
    H = organisation_network(facts)
    assert list(H.nodes) == ["lab"] and H.number_of_edges() == 0


@pytest.mark.parametrize("scope", [{}, {"members": ["KEN"]}, {"members": ["NGA", "GHA"], "themes": ["climate"]},
                                   {"themes": ["access_to_information", "public_participation"]}])
def test_trend_is_the_status_count_of_each_years_cells(graph: AnalysedGraph, scope: dict[str, list[str]]) -> None:
    """The fast trend (scoped facts, signals read once, no evidence lists) counts what coverage_cells says at the
    end of each year, cell by cell, for the scope."""
    from graph.analysis import coverage_trend

    cfg = AnalysisConfig()
    trend = coverage_trend(graph.facts, cfg, **scope)
    for year in sorted(set(trend["year"])):
        cells = coverage_cells(graph.facts, replace(cfg, as_of=str(year)))
        if "members" in scope:
            cells = cells[cells["member_id"].isin(scope["members"])]
        if "themes" in scope:
            cells = cells[cells["theme_id"].isin(scope["themes"])]
        got = trend[trend["year"] == year].set_index("theme_id")
        for theme in got.index:
            mine = cells[cells["theme_id"] == theme]
            for status in ALL_STATUSES:
                assert got.loc[theme, status] == int((mine["status"] == status).sum()), (year, theme, status)
            assert got.loc[theme, "members"] == mine["member_id"].nunique()
