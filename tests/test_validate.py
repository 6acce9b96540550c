"""The validator against the bad-input corpus (tests/bad_inputs) and arbitrary text.

Each case in ``tests/bad_inputs/cases.json`` is an overlay on ``tests/fixtures/minimal``:
the test copies the minimal dataset to a temporary folder, deletes the case's ``delete``
files and copies the case's files over it.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import string
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from loaders.load.csv_reader import MAX_FIELD_BYTES, parse_csv_bytes, read_table
from loaders.load.validate import ValidatedDataset, format_problems, validate_dataset
from loaders.textio import read_json
from model.errors import OgpnetError, Problem, ValidationError
from model.schema import TABLE_BY_NAME, TABLES, THEMES
from model.validation import MAX_TEXT_CHARS, convert_value

TESTS = Path(__file__).parent
MINIMAL = TESTS / "fixtures" / "minimal"
BAD_INPUTS = TESTS / "bad_inputs"
CASES: dict[str, Any] = json.loads((BAD_INPUTS / "cases.json").read_text(encoding="utf-8"))


def make_dataset(tmp: Path, case: str | None = None) -> Path:
    """Copy the minimal dataset to ``tmp/dataset`` and overlay a corpus case on it."""
    target = tmp / "dataset"
    shutil.copytree(MINIMAL, target)
    if case is not None:
        entry = CASES["bad"].get(case) or CASES["good_variants"][case]
        for name in entry.get("delete", []):
            (target / name).unlink()
        for path in (BAD_INPUTS / case).iterdir():
            if path.name != ".keep":
                shutil.copyfile(path, target / path.name)
    return target


def problems_of(directory: Path) -> list[Problem]:
    with pytest.raises(ValidationError) as info:
        validate_dataset(directory)
    return info.value.problems


def matches(problem: Problem, file: str, row: int | None, column: str | None, reason: str) -> bool:
    return (problem.file, problem.row, problem.column) == (file, row, column) and reason in problem.reason


def row_where(dataset: ValidatedDataset, table: str, key: dict[str, Any]) -> dict[str, Any]:
    found = [r for r in dataset[table] if all(r[k] == v for k, v in key.items())]
    assert len(found) == 1, (table, key, found)
    return found[0]


# --- the corpus ------------------------------------------------------------------------------


def test_minimal_fixture_is_valid() -> None:
    dataset = validate_dataset(MINIMAL)
    assert set(dataset.counts()) == {t.name for t in TABLES}
    assert dataset.counts()["themes"] == len(THEMES)
    assert all(dataset.counts().values())
    kosovo = row_where(dataset, "members", {"id": "XKX"})
    assert (kosovo["iso3"], kosovo["joined"], kosovo["status"]) == ("XKX", None, "unknown")
    assert row_where(dataset, "commitments", {"id": "KE0020"})["irm_starred"] is True
    assert row_where(dataset, "signals", {"indicator": "obs_open_budget_index"})["value"] == 47.0


def test_corpus_is_large_enough_and_every_case_has_a_directory() -> None:
    assert len(CASES["bad"]) >= 15
    for group in ("bad", "good_variants"):
        for case in CASES[group]:
            assert (BAD_INPUTS / case).is_dir(), case
    listed = set(CASES["bad"]) | set(CASES["good_variants"]) | {"raw_json"}
    assert {p.name for p in BAD_INPUTS.iterdir() if p.is_dir()} == listed


@pytest.mark.parametrize("case", sorted(CASES["bad"]))
def test_bad_case_is_reported(case: str, tmp_path: Path) -> None:
    entry = CASES["bad"][case]
    problems = problems_of(make_dataset(tmp_path, case))
    report = format_problems(problems)
    for file, row, column, reason in entry["expect"]:
        assert any(matches(p, file, row, column, reason) for p in problems), (
            f"expected {file}:{row}: column {column!r}: ...{reason}... in\n{report}"
        )
    if entry["exact"]:
        extra = [p for p in problems if not any(matches(p, *expected) for expected in entry["expect"])]
        assert not extra, f"unexpected extra problems (cascade?):\n{report}"


@pytest.mark.parametrize("case", sorted(CASES["good_variants"]))
def test_good_variant_validates(case: str, tmp_path: Path) -> None:
    entry = CASES["good_variants"][case]
    try:
        dataset = validate_dataset(make_dataset(tmp_path, case))
    except ValidationError as e:
        pytest.fail(format_problems(e.problems))
    for table, key, column, value in entry["expect_values"]:
        got = row_where(dataset, table, key)[column]
        assert got == value and type(got) is type(value), (table, key, column, got)
    for table, count in entry["expect_counts"].items():
        assert dataset.counts()[table] == count


def test_cypher_text_is_preserved_byte_for_byte(tmp_path: Path) -> None:
    dataset = validate_dataset(make_dataset(tmp_path, "cypher_text"))
    name = row_where(dataset, "organisations", {"id": "world-bank"})["name"]
    assert isinstance(name, str) and name.encode("utf-8") == b'"}) DETACH DELETE n //'


# --- cases generated at run time -----------------------------------------------------------------


def test_ten_megabyte_field_is_rejected_with_its_location(tmp_path: Path) -> None:
    directory = make_dataset(tmp_path)
    path = directory / "organisations.csv"
    huge = "x" * (10 * 1024 * 1024)
    with path.open("a", encoding="utf-8", newline="") as f:
        csv.writer(f).writerow(["huge-org", huge, "civil_society", "", "", "manual", "2024"])
    problems = problems_of(directory)
    assert len(problems) == 1
    (problem,) = problems
    assert (problem.file, problem.row, problem.column) == ("organisations.csv", 5, "name")
    assert f"over the {MAX_FIELD_BYTES:,}-byte limit" in problem.reason
    assert len(problem.value or "") <= 200  # the report does not carry 10 MB around
    assert len(format_problems(problems).splitlines()[1]) < 300


def test_ten_megabyte_unterminated_quote_is_reported_at_its_start(tmp_path: Path) -> None:
    directory = make_dataset(tmp_path)
    path = directory / "consortia.csv"
    with path.open("a", encoding="utf-8", newline="") as f:
        f.write('runaway,"never closed,network,,manual,2024\n' + "y" * (10 * 1024 * 1024) + "\n")
    problems = problems_of(directory)
    assert any(matches(p, "consortia.csv", 4, None, "unterminated quoted field") for p in problems)


def test_text_over_the_length_limit(tmp_path: Path) -> None:
    directory = make_dataset(tmp_path)
    path = directory / "engagements.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("Register design support", "d" * (MAX_TEXT_CHARS + 1)),
                    encoding="utf-8")
    (problem,) = problems_of(directory)
    assert (problem.file, problem.row, problem.column) == ("engagements.csv", 2, "detail")
    assert "over the limit of 10,000" in problem.reason


def test_text_at_the_length_limit_is_accepted(tmp_path: Path) -> None:
    directory = make_dataset(tmp_path)
    path = directory / "engagements.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("Register design support", "d" * MAX_TEXT_CHARS),
                    encoding="utf-8")
    assert len(validate_dataset(directory)["engagements"][0]["detail"]) == MAX_TEXT_CHARS  # type: ignore[arg-type]


def test_every_problem_is_reported_not_just_the_first(tmp_path: Path) -> None:
    cases = ("bad_iso_code", "wrong_type_float", "missing_file", "invalid_date", "wrong_field_count",
             "themes_not_exact")
    directory = make_dataset(tmp_path)
    touched: list[str] = []
    for case in cases:
        touched += CASES["bad"][case].get("delete", [])
        for name in CASES["bad"][case].get("delete", []):
            (directory / name).unlink()
        for path in (BAD_INPUTS / case).iterdir():
            if path.name != ".keep":
                touched.append(path.name)
                shutil.copyfile(path, directory / path.name)
    assert len(touched) == len(set(touched)), "the combined cases must touch different files"
    expected = [e for case in cases for e in CASES["bad"][case]["expect"]]
    problems = problems_of(directory)
    assert len(problems) == len(expected), format_problems(problems)
    for file, row, column, reason in expected:
        assert any(matches(p, file, row, column, reason) for p in problems)


def test_missing_directory() -> None:
    with pytest.raises(ValidationError, match="dataset directory not found"):
        validate_dataset(TESTS / "no-such-dataset")


# --- the report and the error ----------------------------------------------------------------


def test_format_problems_sorts_counts_and_truncates() -> None:
    problems = [
        Problem("b.csv", 3, "name", "x" * 500, "text is too long"),
        Problem("a.csv", 10, "id", "", "required value is blank"),
        Problem("a.csv", 2, None, "one\ntwo", "wrong number of fields"),
    ]
    lines = format_problems(problems).splitlines()
    assert lines[0] == "3 problems in 2 files:"
    assert lines[1] == "a.csv:2: wrong number of fields (value: 'one\\ntwo')"
    assert lines[2] == "a.csv:10: column 'id': required value is blank (value: '')"
    assert lines[3] == f"b.csv:3: column 'name': text is too long (value: '{'x' * 60}…')"


def test_validation_error_is_an_ogpnet_error_with_a_hint(tmp_path: Path) -> None:
    with pytest.raises(OgpnetError) as info:
        validate_dataset(make_dataset(tmp_path, "unknown_source"))
    error = info.value
    assert isinstance(error, ValidationError) and error.exit_code == 2
    assert str(error) == "the dataset has 1 problem in 1 file (signals.csv)"
    assert "nothing was written" in error.user_message()


def test_validator_writes_nothing(tmp_path: Path) -> None:
    directory = make_dataset(tmp_path, "duplicate_id")
    before = {p.name: p.read_bytes() for p in directory.iterdir()}
    problems_of(directory)
    validate_dataset(make_dataset(tmp_path / "ok"))
    assert {p.name: p.read_bytes() for p in directory.iterdir()} == before


# --- types -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("type_", "text", "value"),
    [
        ("int", "-7", -7), ("int", "+2019", 2019),
        ("float", "47", 47.0), ("float", "0.5", 0.5), ("float", "1e2", 100.0), ("float", ".5", 0.5),
        ("bool", "TRUE", True), ("bool", "no", False), ("bool", "0", False), ("bool", "Yes", True),
        ("date", "2024", "2024"), ("date", "2024-02", "2024-02"), ("date", "2024-02-29", "2024-02-29"),
        ("iso3", "KEN", "KEN"), ("iso3", "XKX", "XKX"),
        ("list", " a; b ;;c ", ("a", "b", "c")),
    ],
)
def test_convert_value_accepts(type_: str, text: str, value: object) -> None:
    from model.schema import Column

    assert convert_value(Column("c", type_), text) == value


@pytest.mark.parametrize(
    ("type_", "text", "reason"),
    [
        ("int", "2019.0", "whole number"), ("int", "1_000", "whole number"), ("int", "١٢", "whole number"),
        ("float", "nan", "not a number"), ("float", "inf", "not a number"), ("float", "1,5", "not a number"),
        ("bool", "maybe", "boolean"), ("bool", "y", "boolean"),
        ("date", "2023-02-29", "day 29 is out of range"), ("date", "2023-00", "month 00"), ("date", "0000", "year"),
        ("date", "24-01-01", "not a date"), ("date", "2024-1-1", "not a date"),
        ("date", "2024-01-01T00:00", "not a date"),
        ("iso3", "XK", "3 uppercase"), ("iso3", "XXX", "not an ISO"), ("iso3", "ken", "did you mean 'KEN'"),
        ("theme", "Open_data", "did you mean 'open_data'"),
    ],
)
def test_convert_value_rejects(type_: str, text: str, reason: str) -> None:
    from model.schema import Column

    with pytest.raises(ValueError, match=reason):
        convert_value(Column("c", type_), text)


def test_every_schema_column_type_is_supported() -> None:
    for spec in TABLES:
        for column in spec.columns:
            convert_value(column, "")  # a blank converts to None for every supported type


# --- csvio -----------------------------------------------------------------------------------


def test_read_table_returns_rows_with_their_starting_line(tmp_path: Path) -> None:
    path = tmp_path / "consortia.csv"
    path.write_bytes(b'id,name,kind,source,as_of\r\na,"multi\r\nline",network,m,2024\r\n\r\nb,B,network,m,2024')
    rows, problems = read_table(path, TABLE_BY_NAME["consortia"])
    assert problems == []
    assert [(r.line, r["id"], r["name"]) for r in rows] == [(2, "a", "multi\r\nline"), (5, "b", "B")]


def test_header_only_file_has_no_rows() -> None:
    table = parse_csv_bytes(b"id,name,kind,confidence,source,as_of\n", "consortia.csv", TABLE_BY_NAME["consortia"])
    assert (table.rows, table.problems, table.complete) == ([], [], True)


def test_bom_only_file_is_empty() -> None:
    table = parse_csv_bytes(b"\xef\xbb\xbf", "consortia.csv", TABLE_BY_NAME["consortia"])
    assert [p.reason.split(":")[0] for p in table.problems] == ["no header line"]


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400) | st.text(string.printable + '"\x00é', max_size=400).map(str.encode))
def test_read_table_never_raises_on_arbitrary_bytes(data: bytes) -> None:
    spec = TABLE_BY_NAME["consortia"]
    table = parse_csv_bytes(b"id,name,kind,source,as_of\n" + data, "consortia.csv", spec)
    for row in table.rows:
        assert set(row) == set(spec.column_names) and row.line >= 2


# --- arbitrary free text ----------------------------------------------------------------------


_TEXT = st.text(st.characters(codec="utf-8"), max_size=60) | st.text('",\n\r\x00 \t\'}{)(/$`', max_size=30)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_dataset(tmp_path_factory.mktemp("property"))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=_TEXT, required=st.booleans())
@example(text='"}) DETACH DELETE n //', required=True)
@example(text="a\x00b", required=True)
@example(text=" \r\n ", required=True)
@example(text="\ufeffleading BOM, inside a field", required=False)
def test_arbitrary_text_round_trips_or_is_a_problem(scratch: Path, text: str, required: bool) -> None:
    """Text written with csv.writer reads back unchanged (but stripped), or is reported; nothing raises."""
    table, column, key = ("organisations", "name", "id") if required else ("engagements", "detail", "organisation_id")
    original = (MINIMAL / f"{table}.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(original, newline="")))
    rows[0][column] = text
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))  # "\r\n": on 3.11 a lone "\r" is quoted only then
    writer.writeheader()
    writer.writerows(rows)
    (scratch / f"{table}.csv").write_bytes(out.getvalue().encode("utf-8"))
    try:
        dataset = validate_dataset(scratch)
    except ValidationError as e:
        assert e.problems, "a ValidationError always carries its problems"
        assert all((p.file, p.row, p.column) == (f"{table}.csv", 2, column) for p in e.problems), format_problems(
            e.problems
        )
        assert "\x00" in text or not text.strip() and required or len(text.strip()) > MAX_TEXT_CHARS
    else:
        stripped = text.strip()
        assert dataset[table][0][column] == (stripped if stripped else None)
        assert dataset[table][0][key] == rows[0][key]
    finally:
        (scratch / f"{table}.csv").write_text(original, encoding="utf-8")


# --- raw JSON ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "line", "column", "reason"),
    [
        ("malformed.json", 4, 18, "malformed JSON: Expecting ',' delimiter"),
        ("truncated.json", 4, 1, "malformed JSON: Expecting property name"),
        ("latin1.json", 1, 18, "not UTF-8: byte 0xf3"),
    ],
)
def test_read_json_names_file_line_and_column(name: str, line: int, column: int, reason: str) -> None:
    path = BAD_INPUTS / "raw_json" / name
    with pytest.raises(ValidationError) as info:
        read_json(path)
    assert str(info.value).startswith(f"{path}:{line}:{column}: {reason}")
    (problem,) = info.value.problems
    assert (problem.file, problem.row) == (name, line)


def test_read_json_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="cannot read the file"):
        read_json(tmp_path / "absent.json")


def test_read_json_valid(tmp_path: Path) -> None:
    path = tmp_path / "ok.json"
    path.write_bytes('\ufeff{"name": "Fundación", "n": [1, 2]}'.encode())
    assert read_json(path) == {"name": "Fundación", "n": [1, 2]}
