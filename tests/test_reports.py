"""Gap reports: the workbook, the HTML page and the CSV files, their safety, reproducibility and the CLI.

Unit tests build the graph from the shared fixture dataset (and from a copy whose names try formula and
markup injection) without Neo4j. Integration tests run ``ogpnet report gaps`` as a user does, against the
test Neo4j loaded with the bundled data/, and compare with the analysis functions on the same graph. The
browser tests open the HTML in Debian's headless chromium with every network request blocked.
"""

from __future__ import annotations

import csv
import html
import importlib
import io
import re
import subprocess
import zipfile
from dataclasses import replace
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest

from graph.analysis import (
    ALL_STATUSES,
    LIMIT_COLUMNS,
    STATUSES,
    AnalysisConfig,
    broker_evidence,
    coverage_cells,
    coverage_trend,
    find_partners,
)
from graph.analysis.groups import brokerage_by
from graph.db import Database
from graph.settings import REPO_ROOT
from graph.snapshot import AnalysedGraph, Snapshot, current_graph
from model.schema import THEMES
from model.tables import read_tables
from presentation.labels import COLUMNS, column_label, labelled, reading_order
from presentation.methods import METHODS
from presentation.safety import DANGEROUS_START
from presentation.values import display_setting, evidence_text
from reports.csv_tables import CSV_FILES
from reports.gap_report import (
    BROKER_COLUMNS,
    FRAGILE_COLUMNS,
    GAP_COLUMNS,
    GENERATED_AT_LABEL,
    SHEETS,
    SUGGESTION_COLUMNS,
    GapReport,
    ReportScopeError,
    collect_gap_report,
    generated_at_line,
    render_csv,
    render_csv_zip,
    render_html,
    render_xlsx,
)
from reports.html_page import WORLD_TOPOJSON
from tests.conftest import FIXTURE_DATASET

OGPNET = str(REPO_ROOT / ".venv" / "bin" / "ogpnet")
DATA = REPO_ROOT / "data"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
LOADED = "2024-06-01T12:00:00+00:00"

HYPERLINK = '=HYPERLINK("http://x","y")'
SCRIPT_ORG = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">'
SCRIPT_MEMBER = 'Kenya <b onmouseover="window.__pwned = 3">bold</b></script><script>window.__pwned = 4</script>'
UNICODE_MEMBER = "Colômbia — “Bogotá” ✓"
NUMERIC_COLUMNS = {
    "Gaps": ("demand", "n_commitments", "n_pledges", "n_need_signals", "reachable_cov"),
    "Fragile": ("demand", "n_commitments", "reachable_cov"),
    "Brokers": ("degree", "strength", "betweenness", "coordinator", "liaison", "z_liaison"),
    "Partner suggestions": ("rank", "score", "expertise", "presence", "track_record", "complementarity",
                            "proximity"),
}


# -- helpers and fixtures ------------------------------------------------------------------------------


def analysed_from(directory: Path, load_id: str = "fixture-run", snapshot: str = "fixture-snapshot") -> AnalysedGraph:
    """The analysed graph of a dataset folder, as :func:`graph.snapshot.current_graph` would return it."""
    tables = read_tables(directory)
    return AnalysedGraph(Snapshot(load_id, snapshot, LOADED, tables))


def column_ids(labels: list[Any]) -> list[Any]:
    """The machine ids behind a report's labelled headers (``columns.csv`` documents the same mapping)."""
    known = sorted([*COLUMNS, *THEMES, "explanation", "note"], key=lambda c: c.endswith("_name"))  # _name wins
    reverse = {column_label(c): c for c in known} | {f"{column_label(c)} ({c})": c for c in known}
    return [reverse.get(label, label) for label in labels]


def sheet_rows(ws: Any) -> list[dict[str, Any]]:
    header = column_ids([c.value for c in ws[1]])
    return [dict(zip(header, (c.value for c in row), strict=True)) for row in ws.iter_rows(min_row=2)]


def workbook(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def csv_rows(text: str) -> list[dict[str, str]]:
    reader = csv.reader(io.StringIO(text))
    header = column_ids(next(reader))
    return [dict(zip(header, row, strict=True)) for row in reader]


@pytest.fixture(scope="module")
def fixture_graph() -> AnalysedGraph:
    return analysed_from(FIXTURE_DATASET)


@pytest.fixture(scope="module")
def fixture_report(fixture_graph: AnalysedGraph) -> GapReport:
    return collect_gap_report(fixture_graph, AnalysisConfig())


@pytest.fixture(scope="module")
def hostile_dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the fixture whose names try formula injection, markup injection and non-ASCII text."""
    directory = tmp_path_factory.mktemp("hostile")
    for path in FIXTURE_DATASET.glob("*.csv"):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        if path.stem == "organisations":
            frame.loc[frame["id"] == "budget-watch", "name"] = HYPERLINK
            frame.loc[frame["id"] == "civic-lab", "name"] = SCRIPT_ORG
        if path.stem == "members":
            frame.loc[frame["id"] == "KEN", "name"] = SCRIPT_MEMBER
            frame.loc[frame["id"] == "COL", "name"] = UNICODE_MEMBER
        frame.to_csv(directory / path.name, index=False, encoding="utf-8")
    return directory


@pytest.fixture(scope="module")
def hostile_report(hostile_dataset: Path) -> GapReport:
    return collect_gap_report(analysed_from(hostile_dataset), AnalysisConfig())


class _Tags(HTMLParser):
    """Every start tag with its attributes, and the text of every script element."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"
        if self._in_script:
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data


def parse_html(text: str) -> _Tags:
    parser = _Tags()
    parser.feed(text)
    return parser


# -- the workbook --------------------------------------------------------------------------------------


def test_workbook_sheets_headers_frozen_panes_and_filters(fixture_report: GapReport) -> None:
    wb = workbook(render_xlsx(fixture_report))
    assert wb.sheetnames == [*SHEETS, "Chart data"]
    expected_ids = {
        "Executive summary": ["item", "value", "note"],
        "Top gaps": ["theme_name", "theme_id", "gap", "top_gaps", "best_coalition", "coalition_closes",
                     "demand_cells"],
        "Summary": ["item", "value", "explanation"], "Data limits": ["theme_id", "theme_name", *LIMIT_COLUMNS[1:]],
        "Trend": ["year", "theme_id", "theme_name", "members", *ALL_STATUSES],
        "Gaps": list(GAP_COLUMNS), "Fragile": list(FRAGILE_COLUMNS),  # (ids; the headers are their labels)
        "Brokers": list(BROKER_COLUMNS), "Partner suggestions": list(SUGGESTION_COLUMNS),
        "Methodology": ["kind", "name", "value", "default", "explanation"],
        "Provenance": ["kind", "name", "value", "url", "licence", "as_of"],
        "Coverage matrix": ["member_id", "member_name", "level", "region", *fixture_report.themes, "gap_cells",
                            "fragile_cells"],
    }
    # people read labels, names first (the one presentation layer), never raw ids such as n_need_signals
    expected_headers = {name: list(labelled(pd.DataFrame(columns=reading_order(ids))).columns)
                        for name, ids in expected_ids.items()}
    assert "Need signals" in expected_headers["Gaps"] and "n_need_signals" not in expected_headers["Gaps"]
    assert expected_headers["Gaps"][:2] == ["Member", "Member id"]
    for name in SHEETS:
        ws = wb[name]
        header = [c.value for c in ws[1] if c.value is not None]
        assert header == expected_headers[name], name
        assert all(c.font.b for c in ws[1] if c.value is not None), name
        assert ws.freeze_panes == ("C2" if name == "Coverage matrix" else "A2"), name
        first = name == "Executive summary"
        rows = len(fixture_report.tables()[name]) + (2 if first else 1)  # + header (+ generated-at)
        last_column = openpyxl.utils.get_column_letter(len(expected_headers[name]))
        assert ws.auto_filter.ref == f"A1:{last_column}{rows}", name
        for letter in (openpyxl.utils.get_column_letter(j) for j in range(1, len(header) + 1)):
            assert 8 <= ws.column_dimensions[letter].width <= 70, (name, letter)
    assert wb["Executive summary"]["A2"].value == GENERATED_AT_LABEL


def test_workbook_values_are_those_of_the_analyses(fixture_report: GapReport, fixture_graph: AnalysedGraph) -> None:
    G, cfg = fixture_graph.facts, AnalysisConfig()
    cells = coverage_cells(G, cfg)
    wb = workbook(render_xlsx(fixture_report))
    summary = {r["item"]: r["value"] for r in sheet_rows(wb["Summary"])}
    for status in ("gap", "fragile", "covered", "redundant", "mature"):
        assert summary[f"{status.capitalize()} cells"] == int((cells["status"] == status).sum())
    assert summary["Demanded cells"] == int(cells["status"].isin(STATUSES).sum())
    assert summary["Monitoring-only cells"] == int((cells["status"].isin(STATUSES) & cells["monitoring_only"]).sum())
    assert summary["Organisations"] == len(G.organisations)

    gaps = sheet_rows(wb["Gaps"])
    expected = cells[cells["status"] == "gap"].set_index(["member_id", "theme_id"])
    assert {(r["member_id"], r["theme_id"]) for r in gaps} == set(expected.index)
    for row in gaps:
        cell = expected.loc[(row["member_id"], row["theme_id"])]
        assert row["demand"] == pytest.approx(cell["demand"])
        assert row["reachable_cov"] == cell["reachable_cov"]
        assert row["commitment_ids"] == ("; ".join(cell["commitment_ids"]) or None)
        partners = find_partners(G, row["theme_id"], members=row["member_id"], top=3, config=cfg)
        # names first, ids beside them
        assert row["suggested_partners"] == "; ".join(f"{n} ({o})" for n, o in zip(
            partners["name"], partners["organisation_id"], strict=True))
    demands = [r["demand"] for r in gaps]
    assert demands == sorted(demands, reverse=True)

    suggestions = sheet_rows(wb["Partner suggestions"])
    first = gaps[0]
    mine = [r for r in suggestions if (r["member_id"], r["theme_id"]) == (first["member_id"], first["theme_id"])]
    partners = find_partners(G, first["theme_id"], members=first["member_id"], top=3, config=cfg)
    assert [r["organisation_id"] for r in mine] == list(partners["organisation_id"])
    assert [r["score"] for r in mine] == pytest.approx(list(partners["score"]))
    # in the workbook, each evidence item is one "text (source, as_of)" line
    assert [r["evidence"] for r in mine] == ["; ".join(evidence_text(e) for e in items)
                                             for items in partners["evidence"]]

    fragile = {(r["member_id"], r["theme_id"]): r["supporter_id"] for r in sheet_rows(wb["Fragile"])}
    expected_fragile = cells[cells["status"] == "fragile"]
    assert fragile == {(m, t): s[0] for m, t, s in zip(expected_fragile["member_id"], expected_fragile["theme_id"],
                                                       expected_fragile["supporters"], strict=True)}

    matrix = {r["member_id"]: r for r in sheet_rows(wb["Coverage matrix"])}
    for m, t, status in zip(cells["member_id"], cells["theme_id"], cells["status"], strict=True):
        assert matrix[m][t] == (status if isinstance(status, str) else None), (m, t)

    brokers = {r["organisation_id"]: r for r in sheet_rows(wb["Brokers"])}
    report = brokerage_by(G, "sector", cfg).organisations
    assert set(brokers) == set(report.index)
    for org, row in report.iterrows():
        assert brokers[org]["betweenness"] == pytest.approx(row["betweenness"])
        assert brokers[org]["dominant_role"] == row["dominant_role"]
        assert brokers[org]["articulation_point"] is bool(row["articulation_point"])
    # each broker's evidence: the ties that reach other sectors, with source and date
    reasons = broker_evidence(G, brokerage_by(G, "sector", cfg), list(report.index), cfg)
    for org in report.index:
        assert (brokers[org]["evidence"] or "") == "; ".join(evidence_text(e) for e in reasons[org]), org
    assert any("ties civil society to" in (r["evidence"] or "") for r in brokers.values())

    trend = coverage_trend(G, cfg)
    rows = sheet_rows(wb["Trend"])
    assert [(r["year"], r["theme_id"], r["gap"], r["mature"]) for r in rows] == list(
        zip(trend["year"], trend["theme_id"], trend["gap"], trend["mature"], strict=True))


def test_workbook_numbers_are_numeric_cells(fixture_report: GapReport) -> None:
    wb = workbook(render_xlsx(fixture_report))
    number = re.compile(r"^-?\d+(\.\d+)?$")
    for name, columns in NUMERIC_COLUMNS.items():
        ws = wb[name]
        header = column_ids([c.value for c in ws[1]])
        for column in columns:
            j = header.index(column)
            values = [row[j] for row in ws.iter_rows(min_row=2)]
            assert values, (name, column)
            for cell in values:
                assert cell.value is None or (cell.data_type == "n" and isinstance(cell.value, (int, float))), \
                    (name, column, cell.value)
    for ws in [w for w in wb.worksheets if w.title != "Chart data"]:  # (chart categories, e.g. years, are labels)
        # nothing that is a number hides as text (dates like "2022" are as_of text)
        header = column_ids([c.value for c in ws[1]])
        for row in ws.iter_rows(min_row=2):
            for column, cell in zip(header, row, strict=False):
                if isinstance(cell.value, str) and column != "as_of":
                    assert not number.match(cell.value), (ws.title, column, cell.value)
    settings = {r["name"]: r for r in sheet_rows(wb["Methodology"]) if r["kind"] == "setting"}
    assert settings["redundant_k"]["value"] == AnalysisConfig().redundant_k
    assert isinstance(settings["need_weight"]["value"], float)
    summary = {r["item"]: r for r in sheet_rows(wb["Summary"])}
    assert isinstance(summary["Gap share"]["value"], float)


def test_workbook_methodology_and_provenance(fixture_report: GapReport) -> None:
    wb = workbook(render_xlsx(fixture_report))
    method = sheet_rows(wb["Methodology"])
    settings = [r for r in method if r["kind"] == "setting"]
    cfg = AnalysisConfig().to_dict()
    assert [r["name"] for r in settings] == [name for name, _, _ in AnalysisConfig.describe()]
    for row in settings:
        assert row["value"] == display_setting(cfg[row["name"]])
        assert row["explanation"] and f"OGPNET_{row['name'].upper()}" in row["explanation"]
    terms = {r["name"]: r for r in method if r["kind"] == "definition"}
    # every method of the registry (the dashboard's methods page and README render the same texts)
    for term in [m.title for m in METHODS if m.section != "explorer"]:
        assert terms[term]["explanation"] or terms[term]["value"], term
    assert "need: 0.5 × weight" in terms["Demand"]["value"]  # the weights used, not just their names
    for role in ("coordinator", "itinerant", "representative", "gatekeeper", "liaison"):
        assert role in terms["Brokerage roles"]["explanation"]

    provenance = sheet_rows(wb["Provenance"])
    load = {r["name"]: r["value"] for r in provenance if r["kind"] == "load"}
    assert load == {"load run id": "fixture-run", "snapshot": "fixture-snapshot", "loaded at (UTC)": LOADED}
    software = {r["name"]: r["value"] for r in provenance if r["kind"] == "software"}
    assert {"ogpnet", "Neo4j server", "neo4j Python driver", "networkx", "pandas", "Python"} <= set(software)
    assert software["networkx"] == importlib.import_module("networkx").__version__
    with open(FIXTURE_DATASET / "sources.csv", encoding="utf-8", newline="") as f:
        sources = list(csv.DictReader(f))
    got = [(r["value"], r["name"], r["licence"], r["as_of"]) for r in provenance if r["kind"] == "source"]
    sources.sort(key=lambda s: s["id"])
    # a full date is a real date in Excel (formatted yyyy-mm-dd); a year or a month stays text
    assert got == [(s["id"], s["name"], s["licence"] or None,
                    datetime.fromisoformat(s["as_of"]) if len(s["as_of"]) == 10 else s["as_of"]) for s in sources]
    dated = [c for c in wb["Provenance"]["F"] if isinstance(c.value, datetime)]
    assert dated and all(c.number_format == "yyyy-mm-dd" for c in dated)


# -- injection -----------------------------------------------------------------------------------------


def test_formula_names_are_neutralised_in_excel(hostile_report: GapReport) -> None:
    data = render_xlsx(hostile_report)
    wb = workbook(data)
    brokers = {r["organisation_id"]: r for r in sheet_rows(wb["Brokers"])}
    assert brokers["budget-watch"]["name"] == "'" + HYPERLINK
    seen = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(DANGEROUS_START), (ws.title, cell.coordinate, cell.value)
                    seen += HYPERLINK in cell.value
    assert seen >= 2  # the Brokers name and at least one partner suggestion or evidence
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name), name


def test_formula_names_are_neutralised_in_csv(hostile_report: GapReport) -> None:
    texts = render_csv(hostile_report)
    brokers = {r["organisation_id"]: r for r in csv_rows(texts["brokers.csv"])}
    assert brokers["budget-watch"]["name"] == "'" + HYPERLINK
    for name, text in texts.items():
        for row in csv.reader(io.StringIO(text)):
            for field in row:  # numbers (negative z-scores) are numbers; any text is neutralised
                assert not field.startswith(DANGEROUS_START) or _is_number(field), (name, field)
    matrix = {r["member_id"]: r for r in csv_rows(texts["coverage_matrix.csv"])}
    assert matrix["COL"]["member_name"] == UNICODE_MEMBER  # UTF-8, unchanged
    with zipfile.ZipFile(io.BytesIO(render_csv_zip(hostile_report))) as archive:
        assert archive.read("coverage_matrix.csv").decode("utf-8") == texts["coverage_matrix.csv"]


def test_markup_in_names_is_escaped_in_html(hostile_report: GapReport) -> None:
    page = render_html(hostile_report)
    for raw in (SCRIPT_ORG, SCRIPT_MEMBER):
        assert raw not in page
        assert html.escape(raw) in page
    tags = parse_html(page)
    assert [t for t, _ in tags.tags].count("script") == 3  # topology, plotly.js, the map
    assert not [t for t, _ in tags.tags if t == "img"]
    assert not [a for _, a in tags.tags if any(k.startswith("on") for k in a)]
    # inside the scripts the names are JSON strings whose "<" is escaped, so no value ends a script early
    map_script = tags.scripts[-1]
    assert "\\u0026lt;script\\u0026gt;window.__pwned = 4" in map_script  # HTML-escaped, then JSON-escaped
    assert "<" not in map_script.replace("\\u003c", "")
    assert HYPERLINK.replace('"', "&quot;") in page


# -- CSV -----------------------------------------------------------------------------------------------


def test_csv_one_file_per_table(fixture_report: GapReport) -> None:
    texts = render_csv(fixture_report)
    assert tuple(texts) == CSV_FILES
    frames = {"gaps.csv": fixture_report.gaps, "fragile.csv": fixture_report.fragile,
              "brokers.csv": fixture_report.brokers, "partner_suggestions.csv": fixture_report.partner_suggestions,
              "coverage_matrix.csv": fixture_report.coverage_matrix, "methodology.csv": fixture_report.methodology,
              "provenance.csv": fixture_report.provenance, "coverage_by_theme.csv": fixture_report.by_theme}
    documented = csv_rows(texts["columns.csv"])
    for name, frame in frames.items():
        # the same labels as the workbook, names first; columns.csv maps each label back to its machine id
        ids = reading_order(list(frame.columns))
        assert next(csv.reader(io.StringIO(texts[name]))) == list(labelled(frame[ids]).columns), name
        assert len(csv_rows(texts[name])) == len(frame), name
        assert [r["id"] for r in documented if r["file"] == name] == ids, name
    gaps = csv_rows(texts["gaps.csv"])
    names = fixture_report.names
    assert gaps[0]["suggested_partners"] == "; ".join(f"{names[o]} ({o})"
                                                      for o in fixture_report.gaps.loc[0, "suggested_partners"])
    help_of = {(r["file"], r["id"]): r["meaning"] for r in documented}
    assert help_of[("gaps.csv", "n_need_signals")] == COLUMNS["n_need_signals"].help
    summary = csv_rows(texts["executive_summary.csv"])
    assert summary[0]["item"] == GENERATED_AT_LABEL
    with zipfile.ZipFile(io.BytesIO(render_csv_zip(fixture_report))) as archive:
        assert archive.namelist() == list(CSV_FILES)
        assert {n: archive.read(n).decode("utf-8") for n in CSV_FILES} == texts


# -- reproducibility -----------------------------------------------------------------------------------


def _differing_lines(a: str, b: str) -> list[tuple[str, str]]:
    la, lb = a.splitlines(), b.splitlines()
    assert len(la) == len(lb)
    return [(x, y) for x, y in zip(la, lb, strict=True) if x != y]


def test_same_snapshot_gives_the_same_report_apart_from_generated_at(fixture_graph: AnalysedGraph) -> None:
    first = collect_gap_report(fixture_graph, AnalysisConfig())
    second = collect_gap_report(analysed_from(FIXTURE_DATASET), AnalysisConfig())  # graph built afresh
    first = replace(first, generated_at=datetime(2026, 1, 1, 9, 0, tzinfo=UTC))
    second = replace(second, generated_at=datetime(2026, 2, 2, 10, 30, tzinfo=UTC))

    # the same generated-at time: identical bytes
    assert render_xlsx(first) == render_xlsx(replace(second, generated_at=first.generated_at))
    assert render_html(first) == render_html(replace(second, generated_at=first.generated_at))
    assert render_csv_zip(first) == render_csv_zip(replace(second, generated_at=first.generated_at))

    # different times: only the generated-at line differs
    diff = _differing_lines(render_html(first), render_html(second))
    # the page's generated-at line, and the same line in the margin of every printed page
    assert diff[1] == (f'<p class="generated-at">{generated_at_line(first)}</p>',
                       f'<p class="generated-at">{generated_at_line(second)}</p>')
    assert len(diff) == 2 and generated_at_line(first) in diff[0][0] and "@top-right" in diff[0][0]
    a, b = render_csv(first), render_csv(second)
    assert [n for n in CSV_FILES if a[n] != b[n]] == ["executive_summary.csv"]
    assert [x.split(",")[:2] for x, _ in _differing_lines(a["executive_summary.csv"],
                                                          b["executive_summary.csv"])] == [
        [GENERATED_AT_LABEL, "2026-01-01T09:00:00Z"]]
    wa, wb = workbook(render_xlsx(first)), workbook(render_xlsx(second))
    changed = [(ws.title, ca.coordinate) for ws in wa.worksheets
               for ra, rb in zip(ws.iter_rows(), wb[ws.title].iter_rows(), strict=True)
               for ca, cb in zip(ra, rb, strict=True) if ca.value != cb.value]
    assert changed == [("Executive summary", "B2")]
    # workbook properties and zip members carry the load time, not the time of rendering
    loaded = datetime(2024, 6, 1, 12, 0)
    assert wa.properties.created == loaded and wa.properties.modified == loaded
    with zipfile.ZipFile(io.BytesIO(render_xlsx(first))) as archive:
        assert {i.date_time for i in archive.infolist()} == {(2024, 6, 1, 12, 0, 0)}


# -- scope ---------------------------------------------------------------------------------------------


def test_scope_limits_every_cell_table(fixture_graph: AnalysedGraph) -> None:
    cfg = AnalysisConfig()
    africa = collect_gap_report(fixture_graph, cfg, region="Africa and Middle East")
    members = fixture_graph.facts.members
    in_region = set(members.loc[(members["region"] == "Africa and Middle East")
                                & members["status"].isin(cfg.member_statuses), "member_id"])
    assert set(africa.coverage_matrix["member_id"]) == in_region
    for table in (africa.gaps, africa.fragile, africa.partner_suggestions):
        assert set(table["member_id"]) <= in_region
    one = collect_gap_report(fixture_graph, cfg, theme="open_data", member="KEN")
    assert list(one.coverage_matrix.columns[4:5]) == ["open_data"] and list(one.coverage_matrix["member_id"]) == ["KEN"]
    assert one.summary.set_index("item").loc["Scope", "value"] == "theme open_data; member KEN"
    nothing = collect_gap_report(fixture_graph, cfg, theme="civic_space", member="UKR")  # no demand at all
    assert nothing.gaps.empty and nothing.partner_suggestions.empty
    last = openpyxl.utils.get_column_letter(len(GAP_COLUMNS))
    assert workbook(render_xlsx(nothing))["Gaps"].auto_filter.ref == f"A1:{last}1"
    assert 'id="gaps-table">None.' in render_html(nothing)
    assert list(csv.reader(io.StringIO(render_csv(nothing)["gaps.csv"]))) == [
        list(labelled(pd.DataFrame(columns=reading_order(GAP_COLUMNS))).columns)]
    for bad in ({"theme": "nope"}, {"region": "Atlantis"}, {"member": "XXX"}, {"member": "RUS"}):
        with pytest.raises(ReportScopeError):
            collect_gap_report(fixture_graph, cfg, **bad)


# -- the CLI (no server needed for refusals) ----------------------------------------------------------


def test_cli_refuses_a_missing_directory_and_a_csv_suffix(tmp_path: Path) -> None:
    env = {"NEO4J_URI": "bolt://127.0.0.1:1", "PATH": "/usr/bin:/bin"}  # never reached
    out = subprocess.run([OGPNET, "report", "gaps", "--format", "xlsx", "--out", str(tmp_path / "no" / "r.xlsx")],
                         env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 73
    assert "does not exist" in out.stderr and str(tmp_path / "no") in out.stderr
    out = subprocess.run([OGPNET, "report", "gaps", "--format", "csv", "--out", str(tmp_path / "r.csv")],
                         env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 2 and "r.zip" in out.stderr
    assert list(tmp_path.iterdir()) == []


# -- the CLI against the real test Neo4j loaded with data/ ---------------------------------------------


@pytest.fixture(scope="module")
def real_db(bundled_database: Database) -> Database:
    return bundled_database


@pytest.fixture(scope="module")
def real_graph(real_db: Database) -> AnalysedGraph:
    return current_graph(real_db, use_cache=False)


def run_report(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([OGPNET, "report", "gaps", *args], env=env, capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="module")
def real_html(real_db: Database, neo4j_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The full (unscoped) HTML report of the bundled data, written by the CLI (format from the suffix)."""
    out = tmp_path_factory.mktemp("report") / "gaps.html"
    result = run_report(neo4j_env, "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(out.resolve())
    return out


@pytest.mark.integration
def test_cli_xlsx_of_the_real_data(real_graph: AnalysedGraph, neo4j_env: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "europe.xlsx"
    result = run_report(neo4j_env, "--region", "Europe", "--format", "xlsx", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(out.resolve())
    assert [p.name for p in tmp_path.iterdir()] == ["europe.xlsx"]  # no temporary file left behind
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == [*SHEETS, "Chart data"]

    cfg = AnalysisConfig()
    cells = coverage_cells(real_graph.facts, cfg)
    europe = cells[cells["region"] == "Europe"]
    summary = {r["item"]: r["value"] for r in sheet_rows(wb["Summary"])}
    assert summary["Gap cells"] == int((europe["status"] == "gap").sum())
    assert summary["Fragile cells"] == int((europe["status"] == "fragile").sum())
    assert summary["Snapshot"] == real_graph.snapshot.snapshot
    gaps = sheet_rows(wb["Gaps"])
    assert {(r["member_id"], r["theme_id"]) for r in gaps} == set(
        zip(europe.loc[europe["status"] == "gap", "member_id"], europe.loc[europe["status"] == "gap", "theme_id"],
            strict=True))

    # facts checked by hand against data/*.csv: every European member with an analysed status is a matrix row
    with open(DATA / "members.csv", encoding="utf-8", newline="") as f:
        members = [r for r in csv.DictReader(f) if r["region"] == "Europe" and r["status"] in cfg.member_statuses]
    assert sorted(r["member_id"] for r in sheet_rows(wb["Coverage matrix"])) == sorted(r["id"] for r in members)
    provenance = sheet_rows(wb["Provenance"])
    with open(DATA / "sources.csv", encoding="utf-8", newline="") as f:
        sources = {r["id"]: r for r in csv.DictReader(f)}
    got = {r["value"]: r for r in provenance if r["kind"] == "source"}
    assert set(got) == set(sources)
    for sid, row in got.items():
        as_of = sources[sid]["as_of"]  # a full date is an Excel date
        assert (row["name"], row["url"] or "", row["licence"] or "", row["as_of"]) == (
            sources[sid]["name"], sources[sid]["url"], sources[sid]["licence"],
            datetime.fromisoformat(as_of) if len(as_of) == 10 else as_of)
    software = {r["name"]: r["value"] for r in provenance if r["kind"] == "software"}
    assert software["Neo4j server"].startswith("5.26")
    load = {r["name"]: r["value"] for r in provenance if r["kind"] == "load"}
    assert load["load run id"] == real_graph.snapshot.load_id


@pytest.mark.integration
def test_cli_csv_of_the_real_data(real_graph: AnalysedGraph, neo4j_env: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "kenya.zip"
    result = run_report(neo4j_env, "--member", "KEN", "--format", "csv", "--out", str(out))
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(out) as archive:
        assert archive.namelist() == list(CSV_FILES)
        texts = {n: archive.read(n).decode("utf-8") for n in CSV_FILES}
    cells = coverage_cells(real_graph.facts, AnalysisConfig())
    kenya = cells[(cells["member_id"] == "KEN") & (cells["status"] == "gap")]
    gaps = csv_rows(texts["gaps.csv"])
    assert sorted(r["theme_id"] for r in gaps) == sorted(kenya["theme_id"])
    assert {r["member_id"] for r in csv_rows(texts["partner_suggestions.csv"])} <= {"KEN"}
    summary = {r["item"]: r["value"] for r in csv_rows(texts["summary.csv"])}
    assert summary["Scope"] == "member KEN"
    assert int(summary["Gap cells"]) == len(kenya)


@pytest.mark.integration
def test_cli_html_of_the_real_data_is_self_contained(real_html: Path, real_graph: AnalysedGraph) -> None:
    page = real_html.read_text(encoding="utf-8")
    tags = parse_html(page)
    for tag, attrs in tags.tags:
        assert not (tag == "script" and attrs.get("src")), attrs
        assert not (tag == "link" and attrs.get("href")), attrs
        assert not (tag in ("img", "iframe", "source", "video", "audio") and attrs.get("src")), attrs
    # the topology is handed to plotly.js before it loads, under the name geo looks up
    assert tags.scripts[0].startswith("window.PlotlyGeoAssets = {topojson: {world_110m: {")
    assert page.index("window.PlotlyGeoAssets") < page.index("Plotly.newPlot")
    cells = coverage_cells(real_graph.facts, AnalysisConfig())
    gaps = int((cells["status"] == "gap").sum())
    assert f"({gaps:,} rows.)" in page.split('<section id="gaps">')[1].split("</section>")[0]


@pytest.mark.integration
def test_cli_errors_leave_no_file_and_keep_the_old_one(real_db: Database, neo4j_env: dict[str, str],
                                                        tmp_path: Path) -> None:
    out = tmp_path / "gaps.xlsx"
    out.write_bytes(b"the previous report")
    result = run_report(neo4j_env, "--region", "Atlantis", "--out", str(out))
    assert result.returncode == 2  # a usage error: an unknown region
    assert "unknown region 'Atlantis'" in result.stderr and "Traceback" not in result.stderr
    result = run_report(neo4j_env, "--member", "NOPE", "--out", str(out))
    assert result.returncode == 2  # a usage error: an unknown region and "NOPE" in result.stderr
    assert out.read_bytes() == b"the previous report"
    assert [p.name for p in tmp_path.iterdir()] == ["gaps.xlsx"]


# -- the browser ---------------------------------------------------------------------------------------


def open_offline(page_path: Path, out_png: Path | None = None) -> dict[str, Any]:
    """Open ``page_path`` in headless chromium with every request except file:// and data: blocked."""
    from playwright.sync_api import sync_playwright

    blocked: list[str] = []
    problems: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})

            def route(r: Any) -> None:
                if r.request.url.startswith(("file://", "data:")):
                    r.continue_()
                else:
                    blocked.append(r.request.url)
                    r.abort()

            page.route("**/*", route)
            page.on("console", lambda m: problems.append(f"{m.type}: {m.text}") if m.type in ("error", "warning")
                    else None)
            page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
            page.on("requestfailed", lambda r: problems.append(f"requestfailed: {r.url}"))
            page.goto(page_path.resolve().as_uri())
            page.wait_for_selector("#gap-map[data-drawn=true]", state="attached", timeout=60_000)
            info = page.evaluate("""() => ({
                choropleth: document.querySelectorAll('#gap-map .choroplethlocation').length,
                drawnPaths: [...document.querySelectorAll('#gap-map .choroplethlocation')]
                    .filter(p => (p.getAttribute('d') || '').length > 20).length,
                land: [...document.querySelectorAll('#gap-map .layer.land path')]
                    .reduce((n, p) => n + (p.getAttribute('d') || '').length, 0),
                heatmapRows: document.querySelectorAll('#heatmap tbody tr').length,
                heatmapCells: document.querySelectorAll('#heatmap tbody td[class^="s-"]').length,
                tables: Object.fromEntries([...document.querySelectorAll('table[id]')]
                    .map(t => [t.id, t.querySelectorAll('tbody tr').length])),
                pwned: window.__pwned === undefined ? null : window.__pwned,
                brokersText: (document.querySelector('#brokers-table') || {}).textContent || '',
            })""")
            page.emulate_media(media="print")
            info["print"] = page.evaluate("""() => ({
                toc: getComputedStyle(document.querySelector('nav.toc')).display,
                scroll: getComputedStyle(document.querySelector('.scroll')).maxHeight,
                breakBefore: getComputedStyle(document.querySelector('section#gaps')).breakBefore,
            })""")
            page.emulate_media(media="screen")
            if out_png is not None:
                page.screenshot(path=str(out_png), full_page=True)
        finally:
            browser.close()
    info["blocked"], info["problems"] = blocked, problems
    return info


def topology_iso3() -> set[str]:
    import json

    topo = json.loads(WORLD_TOPOJSON.read_text(encoding="utf-8"))
    return {g["id"] for g in topo["objects"]["countries"]["geometries"] if g.get("id")}


@pytest.mark.integration
@pytest.mark.browser
def test_html_report_renders_completely_offline(real_html: Path, real_graph: AnalysedGraph,
                                                output_dir: Path) -> None:
    png = output_dir / "gap-report.png"
    info = open_offline(real_html, png)
    assert info["blocked"] == [] and info["problems"] == [], (info["blocked"], info["problems"])

    cfg = AnalysisConfig()
    facts = real_graph.facts
    cells = coverage_cells(facts, cfg)
    analysed = facts.members[facts.members["status"].isin(cfg.member_statuses)]
    countries = set(analysed["iso3"].dropna())
    # one shape per country; those outside the 1:110m topology (small islands, Kosovo) stay empty
    assert info["choropleth"] == len(countries)
    assert info["drawnPaths"] == len(countries & topology_iso3()) > 50
    assert info["land"] > 10_000  # the world topology itself was drawn
    assert info["heatmapRows"] == len(analysed)
    assert info["heatmapCells"] == len(analysed) * len(facts.themes)
    assert info["tables"]["gaps-table"] == int((cells["status"] == "gap").sum())
    assert info["tables"]["fragile-table"] == int((cells["status"] == "fragile").sum())
    assert info["tables"]["brokers-table"] == len(facts.organisations)
    for table in ("summary-table", "by-theme-table", "countries-table", "partners-table", "methodology-table",
                  "settings-table", "provenance-table"):
        assert info["tables"].get(table, 0) > 0, table
    assert info["print"] == {"toc": "none", "scroll": "none", "breakBefore": "page"}
    assert png.stat().st_size > 100_000


@pytest.mark.browser
def test_html_names_cannot_run_scripts_in_the_browser(hostile_report: GapReport, tmp_path: Path) -> None:
    path = tmp_path / "hostile.html"
    path.write_text(render_html(hostile_report), encoding="utf-8")
    info = open_offline(path)
    assert info["pwned"] is None
    assert info["blocked"] == [] and info["problems"] == [], (info["blocked"], info["problems"])
    assert "<script>window.__pwned = 1</script>" in info["brokersText"]  # shown as text
    assert info["drawnPaths"] == len(set(hostile_report.countries["iso3"]) & topology_iso3())
