"""Partner intake: template -> filled by a script -> import (every bad cell located, nothing written) -> load.

Unit tests run on the fixture dataset's facts; the round trip through the CLI and a real Neo4j is marked
integration.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from graph.analysis.coverage import coverage_cells
from graph.settings import REPO_ROOT
from loaders.intake import UnreadableIntake, import_returns, load_folder
from loaders.load.validate import validate_dataset
from model.catalogue import default_catalogue
from model.config import AnalysisConfig
from model.errors import ValidationError
from model.facts import Facts, facts_from_tables
from model.intake import INTAKE_RELATIONS, SHEETS, VERSION
from model.tables import read_tables
from presentation.values import evidence_text
from reports.intake_template import template_bytes

FIXTURE = REPO_ROOT / "tests" / "fixtures" / "dataset"
TODAY = dt.date(2026, 12, 7)
CATALOGUE = default_catalogue()
RELATIONS = [r.id for r in CATALOGUE.relations]


@pytest.fixture(scope="module")
def facts() -> Facts:
    return facts_from_tables(read_tables(FIXTURE))


def template(facts: Facts, path: Path, organisation: str | None = "budget-watch", **kw: Any) -> Path:
    path.write_bytes(template_bytes(facts, RELATIONS, organisation, today=TODAY, **kw))
    return path


def fill(path: Path, edits: dict[str, dict[str, Any]]) -> Path:
    """Set cells (``{"Engagements": {"A5": "Kenya"}}``) as a partner would, and save."""
    wb = load_workbook(path)
    for sheet, cells in edits.items():
        for ref, value in cells.items():
            wb[sheet][ref] = value
    wb.save(path)
    return path


def signed(extra: dict[str, Any] | None = None) -> dict[str, dict[str, Any]]:
    return {"Organisation": {"B5": "Ama Mensah", "B6": "ama@budgetwatch.example"}, **(extra or {})}


def importing(paths: list[Path], facts: Facts, user: Path, **kw: Any) -> Any:
    return import_returns(paths, facts, CATALOGUE, data_dir=FIXTURE, user_dir=user, today=TODAY, **kw)


def rows_of(path: Path, sheet: str) -> list[list[Any]]:
    ws = load_workbook(path)[sheet]
    return [[c.value for c in r] for r in ws.iter_rows(min_row=2) if r[0].value]


# -- the template -----------------------------------------------------------------------------------------


def test_template_has_the_sheets_lists_hidden_ids_and_what_the_graph_holds(facts: Facts, tmp_path: Path) -> None:
    path = template(facts, tmp_path / "t.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames == ["Instructions", "Organisation", "Engagements", "Expertise", "Memberships", "Lists",
                             "About"]
    assert wb["Lists"].sheet_state == "hidden" and wb["About"].sheet_state == "veryHidden"
    assert wb["About"]["B1"].value == VERSION and wb["About"]["B2"].value == "budget-watch"
    eng = wb["Engagements"]
    assert [c.value.rstrip(" *") for c in eng[1][:9]] == SHEETS[0].headers
    assert eng.column_dimensions["H"].hidden and eng.column_dimensions["I"].hidden  # row id, organisation id
    prefilled = rows_of(path, "Engagements")
    # budget-watch's three engagements in the fixture: names shown, ids hidden
    assert sorted((r[0], r[1], r[2]) for r in prefilled) == [
        ("Ghana", "(all its themes)", "country programme"), ("Ghana", "Fiscal openness", "supports implementation"),
        ("Kenya", "Fiscal openness", "supports implementation")]
    assert all(r[7].startswith("budget-watch|") and r[8] == "budget-watch" for r in prefilled)
    assert [r[0] for r in rows_of(path, "Expertise")] == ["Fiscal openness", "Open contracting"]
    assert wb["Organisation"]["B2"].value == "Budget Watch" and wb["Organisation"]["B3"].value == "civil society"
    # drop-downs: list validations over the hidden Lists sheet, on every list column
    formulas = {dv.formula1: str(dv.sqref) for dv in eng.data_validations.dataValidation}
    assert len(formulas) == 3 and all(f.startswith("=Lists!$") for f in formulas)
    assert "A2:A501" in formulas.values() and "C2:C501" in formulas.values()
    lists = {c[0].value: [x.value for x in c[1:] if x.value] for c in wb["Lists"].iter_cols()}
    assert "Kenya" in lists["Members"] and lists["Relations"] == [r.replace("_", " ") for r in INTAKE_RELATIONS]
    assert lists["Consortia"] == ["Beneficial Ownership Collective Action", "Climate Transparency Partnership",
                                  "Open Data Working Group"]
    assert lists["Themes"][0] == "(all its themes)" and len(lists["Themes"]) == len(facts.themes) + 1


def test_template_on_themes_prefills_only_those(facts: Facts, tmp_path: Path) -> None:
    path = template(facts, tmp_path / "t.xlsx", themes=["open_contracting"])
    assert [r[1] for r in rows_of(path, "Engagements")] == ["(all its themes)"]  # the general engagement only
    assert [r[0] for r in rows_of(path, "Expertise")] == ["Open contracting"]
    assert load_workbook(path)["About"]["B3"].value == "open_contracting"


# -- the round trip -------------------------------------------------------------------------------------------


def _gap(facts: Facts) -> tuple[str, str, str]:
    """A gap cell of the fixture (member id, member name, theme id)."""
    cells = coverage_cells(facts)
    gap = cells[cells["status"] == "gap"].iloc[0]
    return str(gap["member_id"]), str(gap["member_name"]), str(gap["theme_id"])


def test_round_trip_bad_cells_are_located_then_the_fixed_return_closes_a_gap(facts: Facts, tmp_path: Path) -> None:
    member, member_name, theme = _gap(facts)
    theme_name = facts.theme_names[theme]
    user = tmp_path / "user-data"
    path = template(facts, tmp_path / "budget-watch.xlsx")
    bad = fill(shutil.copy(path, tmp_path / "bad.xlsx"), signed({"Engagements": {
        "A5": member_name, "B5": theme_name, "C5": "country programme", "E5": "2030",      # future
        "A6": "Atlantis", "B6": theme_name, "C6": "advocacy",                              # unknown member
        "A7": "Kenya", "B7": "Open data", "C7": "advocacy", "E7": "2009",                 # before 2011
        "A8": "Kenya", "B8": "Open data", "C8": "advocacy",                               # duplicate of 7
        "A9": "Kenya", "B9": "Climate and environment", "C9": "research", "D9": "=1+1",   # formula
        "A10": "Kenya", "B10": "Justice", "C10": "research", "G10": "ftp://x",            # not a web address
        "A11": "Kenya", "B11": "Justice", "C11": "advocacy", "E11": "2022", "F11": "2020",  # until < since
    }}))
    with pytest.raises(ValidationError) as info:
        importing([bad], facts, user)
    found = {(p.file, p.row, p.column): p.reason for p in info.value.problems}
    assert found == {
        ("bad.xlsx:Engagements", 5, "Since"): "in the future (after 2026-12-07)",
        ("bad.xlsx:Engagements", 6, "Member"): "not a member the graph knows: choose one from the list",
        ("bad.xlsx:Engagements", 7, "Since"): "before 2011: OGP began in 2011",
        ("bad.xlsx:Engagements", 8, "Relation"): "the same member, theme and relation as row 7: one row each",
        ("bad.xlsx:Engagements", 9, "Detail"): "a formula: type the value itself",
        ("bad.xlsx:Engagements", 10, "Evidence URL"): "not a web address: write https://...",
        ("bad.xlsx:Engagements", 11, "Until"): "before 'Since' (2022)",
    }
    assert str(info.value.problems[0]).startswith("bad.xlsx:Engagements:5: column 'Since': in the future")
    assert not user.exists()  # nothing written

    good = fill(shutil.copy(path, tmp_path / "good.xlsx"), signed({"Engagements": {
        "A5": member_name, "B5": theme_name, "C5": "country programme", "D5": "budget portal programme",
        "E5": "2024-03", "G5": "https://budgetwatch.example/programme",
        "D3": "corrected: county budget hearings",  # a prefilled row corrected
    }, "Expertise": {"A4": "Open data"}}))
    ws = load_workbook(good)
    ws["Engagements"].delete_rows(4)  # a prefilled row deleted (Kenya, fiscal openness)
    ws.save(good)
    dry = importing([good], facts, user, dry_run=True)
    assert not user.exists()  # a dry run writes nothing
    [sub] = importing([good], facts, user)
    assert dry[0].counts() == sub.counts() == {"added": 2, "changed": 1, "removed": 1, "confirmed": 4, "kept": 0}
    changes = {(c.kind, c.sheet): c.text for c in sub.changes}
    assert changes[("added", "Engagements")] == f"{member_name} · {theme_name} · country programme"
    assert "'GH0001' -> 'corrected: county budget hearings'" in changes[("changed", "Engagements")]
    assert changes[("removed", "Engagements")].startswith("Kenya · Fiscal openness · supports implementation")
    folder = user / "submissions" / "self-reported-budget-watch-2026-12-07"
    assert sorted(p.name for p in folder.iterdir()) == ["engagements.csv", "expertise.csv", "returned.xlsx",
                                                        "sources.csv", "submission.json"]
    assert json.loads((folder / "submission.json").read_text())["counts"]["added"] == 2

    with tempfile.TemporaryDirectory() as tmp:
        merged, folders = load_folder(FIXTURE, user, Path(tmp))
        assert folders == [folder]
        validate_dataset(merged)
        after = facts_from_tables(read_tables(merged))
    eng = after.engagements
    mine = eng[eng["source"] == "self-reported-budget-watch-2026-12-07"]
    assert set(mine["confidence"]) == {"self_reported"}
    # the public fact and the partner's correction are two facts; the deleted one is the partner's "ended"
    ghana = eng[(eng["organisation_id"] == "budget-watch") & (eng["member_id"] == "GHA")
                & (eng["relation"] == "supports_implementation")]
    assert sorted(ghana["source"]) == ["fixture", "self-reported-budget-watch-2026-12-07"]
    ended = mine[mine["relation"] == "past_engagement"]
    assert list(ended["member_id"]) == ["KEN"] and "no longer listed" in ended.iloc[0]["detail"]
    assert len(eng[(eng["member_id"] == "KEN") & (eng["source"] == "fixture")
                   & (eng["organisation_id"] == "budget-watch")]) == 1  # the public fact is kept
    cell = coverage_cells(after, members=[member], themes=[theme]).iloc[0]
    assert cell["status"] != "gap" and "budget-watch" in cell["supporters"]
    texts = [evidence_text(e) for e in cell["evidence"] if "Budget Watch" in e["text"]]
    assert texts == ["supported by Budget Watch (country programme, programme; self-reported) (self-reported by the "
                     "organisation: self-reported-budget-watch-2026-12-07, 2024-03)"]
    off = coverage_cells(after, AnalysisConfig(self_reported_coverage=False), members=[member],
                         themes=[theme]).iloc[0]
    assert off["status"] == "gap" and any(e["text"].startswith("not counted as coverage (self-reported")
                                          for e in off["evidence"])

    # a second return the same day is a new submission; the first is kept as it was
    before = (folder / "engagements.csv").read_bytes()
    [again] = importing([good], facts, user)
    assert again.source["id"] == "self-reported-budget-watch-2026-12-07-2"
    assert (folder / "engagements.csv").read_bytes() == before


def test_a_new_organisation_and_a_csv_of_one_sheet(facts: Facts, tmp_path: Path) -> None:
    user = tmp_path / "user"
    path = fill(template(facts, tmp_path / "new.xlsx", organisation=None), {"Organisation": {
        "B2": "Open Budget Lab", "B3": "academic", "B4": "gha", "B5": "K. Owusu"},
        "Engagements": {"A2": "Ghana", "B2": "Fiscal openness", "C2": "research", "E2": "2023"}})
    [sub] = importing([path], facts, user)
    assert sub.new_organisation and sub.organisation_id == "open-budget-lab"
    org = (user / "submissions" / sub.source["id"] / "organisations.csv").read_text()
    assert "open-budget-lab,Open Budget Lab,academic,GHA,,,,self_reported," in org
    csv_file = tmp_path / "engagements.csv"
    csv_file.write_text("Member,Theme,Relation,Detail,Since,Until,Evidence URL,row id,organisation id\n"
                        "Kenya,Open data,advocacy,,2022,,,,civic-lab\n", "utf-8")
    [sub] = importing([csv_file], facts, tmp_path / "user2")
    assert sub.organisation_id == "civic-lab" and sub.counts()["added"] == 1


@pytest.mark.parametrize("case, reason", [
    ("version", "is an intake workbook of version 'ogpnet-intake 0'"),
    ("renamed", "has no sheet 'Expertise'"),
    ("columns", "sheet 'Engagements' has the columns"),
    ("corrupt", "is not an .xlsx workbook"),
    ("damaged", "is a damaged .xlsx workbook"),
    ("encrypted", "is password-protected (encrypted)"),
    ("huge", "is 52.4 MB; an intake workbook is at most 10 MB"),
    ("foreign", "is not an ogpnet intake workbook (no About sheet)"),
])
def test_files_that_are_not_a_returned_template_are_refused(facts: Facts, tmp_path: Path, case: str,
                                                             reason: str) -> None:
    path = template(facts, tmp_path / f"{case}.xlsx")
    if case in ("version", "renamed", "columns"):
        wb = load_workbook(path)
        if case == "version":
            wb["About"]["B1"] = "ogpnet-intake 0"
        elif case == "renamed":
            wb["Expertise"].title = "Skills"
        else:
            wb["Engagements"]["B1"] = "Topic"
        wb.save(path)
    elif case == "corrupt":
        path.write_bytes(b"this is not a workbook")
    elif case == "damaged":  # a zip, but not a workbook package openpyxl can read
        import zipfile
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("[Content_Types].xml", "<broken")
    elif case == "encrypted":
        path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4096)
    elif case == "huge":
        with path.open("wb") as f:
            f.truncate(50 * 1024 * 1024)
    else:
        Workbook().save(path)
    user = tmp_path / "user"
    with pytest.raises(UnreadableIntake) as info:
        importing([path], facts, user)
    assert info.value.exit_code == 65 and reason in info.value.message and path.name in str(info.value.problems[0])
    assert not user.exists()


def test_ids_typed_over_the_lists_and_hidden_ids_changed_are_refused(facts: Facts, tmp_path: Path) -> None:
    path = fill(template(facts, tmp_path / "t.xlsx"), signed({"Engagements": {
        "H2": "budget-watch|GHA||invented|fixture", "A5": "KEN", "B5": "open_data", "C5": "lobbying",
        "I6": "civic-lab", "A6": "Ghana", "B6": "Justice", "C6": "advocacy"},
        "Memberships": {"A3": "The Secret Club"}, "Organisation": {"B7": "2031-01-01"}}))
    with pytest.raises(ValidationError) as info:
        importing([path], facts, tmp_path / "user")
    found = {(p.row, p.column): p.reason for p in info.value.problems}
    assert found[(2, "row id")].startswith("this hidden row id is not one the graph holds")
    assert found[(5, "Relation")] == "not a relation the graph knows: choose one from the list"
    assert (5, "Member") not in found  # an id typed instead of the name is the same member
    assert found[(6, "organisation id")].startswith("this row is about organisation 'civic-lab'")
    assert found[(3, "Consortium")] == "not a consortium the graph knows: choose one from the list"
    assert found[(7, "Date filled in")] == "in the future (after 2026-12-07)"


# -- the command line, a real Neo4j ----------------------------------------------------------------------------


OGPNET = str(REPO_ROOT / ".venv" / "bin" / "ogpnet")


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([OGPNET, *args], env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.integration
def test_cli_round_trip_template_import_load_gaps(database: Any, neo4j_env: dict[str, str], tmp_path: Path,
                                                   facts: Facts) -> None:
    env = {**neo4j_env, "OGPNET_DATA_DIR": str(FIXTURE), "OGPNET_USER_DATA_DIR": str(tmp_path / "user")}
    assert run(env, "load", "--quiet").returncode == 0
    member, member_name, theme = _gap(facts)
    out = tmp_path / "bw.xlsx"
    r = run(env, "intake", "template", "--organisation", "budget-watch", "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert run(env, "intake", "template", "--organisation", "budget-wach", "--out", str(out)).returncode == 2
    fill(out, signed({"Engagements": {"A5": member_name, "B5": facts.theme_names[theme],
                                      "C5": "country programme", "E5": "2024"}}))
    r = run(env, "intake", "import", str(out), "--dry-run")
    assert r.returncode == 0, r.stderr
    assert "1 added" in r.stdout and "dry run: nothing was written" in r.stderr
    assert not (tmp_path / "user").exists()
    bad = fill(shutil.copy(out, tmp_path / "bad.xlsx"), {"Engagements": {"E5": "2040"}})
    r = run(env, "intake", "import", str(bad))
    assert r.returncode == 2 and "bad.xlsx:Engagements:5: column 'Since': in the future" in r.stderr
    assert "Traceback" not in r.stderr and not (tmp_path / "user").exists()
    corrupt = tmp_path / "corrupt.xlsx"
    corrupt.write_bytes(b"PK\x03\x04 not really")
    r = run(env, "intake", "import", str(corrupt))
    assert r.returncode == 65 and "corrupt.xlsx" in r.stderr and "Traceback" not in r.stderr
    r = run(env, "intake", "import", str(out))
    assert r.returncode == 0, r.stderr
    assert f"added     Engagements  {member_name} · " in r.stdout
    r = run(env, "load", "--quiet")
    assert r.returncode == 0 and "merging 1 partner submission(s)" in r.stderr, r.stderr
    gaps = json.loads(run(env, "gaps", "--member", member, "--format", "json").stdout)
    [row] = [g for g in gaps["rows"] if g["theme_id"] == theme]
    assert row["status"] != "gap" and "budget-watch" in row["supporters"]
    assert any(e["source"] == "self-reported-budget-watch-" + dt.date.today().isoformat()
               for e in row["evidence"])
    env_off = {**env, "OGPNET_SELF_REPORTED_COVERAGE": "false"}
    gaps = json.loads(run(env_off, "gaps", "--member", member, "--format", "json").stdout)
    assert [g for g in gaps["rows"] if g["theme_id"] == theme][0]["status"] == "gap"
    # the load without the partners' returns is the fixture alone again
    assert run(env, "load", "--quiet", "--no-user-data").returncode == 0
    gaps = json.loads(run(env, "gaps", "--member", member, "--format", "json").stdout)
    assert [g for g in gaps["rows"] if g["theme_id"] == theme][0]["status"] == "gap"


def test_a_damaged_submission_record_is_a_located_error(tmp_path: Path) -> None:
    folder = tmp_path / "user" / "submissions" / "self-reported-lab-2026-12-07"
    folder.mkdir(parents=True)
    (folder / "submission.json").write_text("{not json", "utf-8")
    with pytest.raises(ValidationError) as info:
        load_folder(FIXTURE, tmp_path / "user", tmp_path / "tmp")
    assert "submission.json" in str(info.value.problems[0])
