"""The one validator reads a clean file's columns (`CleanRows`, and pyarrow for large files) and a file read
record by record alike: the typed rows are the same."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bench.synthetic import generate, write_dataset
from loaders.load import csv_reader as csvio
from loaders.load import validate
from loaders.load.csv_reader import CleanRows, CsvTable, parse_table
from model.schema import TABLES

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"


def full_path(directory: Path) -> dict[str, list[dict[str, validate.Value]]]:
    """validate_dataset with every file handed over record by record (a list of CsvRow), not as columns."""
    original = validate.parse_table

    def by_record(path: Path, spec: object) -> CsvTable:
        table = original(path, spec)  # type: ignore[arg-type]
        assert isinstance(table.rows, CleanRows)
        table.rows = list(table.rows)
        return table

    validate.parse_table = by_record  # type: ignore[assignment]
    try:
        return dict(validate.validate_dataset(directory).tables)
    finally:
        validate.parse_table = original  # type: ignore[assignment]


@pytest.mark.parametrize("directory", [FIXTURES / "minimal", FIXTURES / "dataset", REPO / "data"],
                         ids=["minimal", "dataset", "data"])
def test_fast_path_equals_full_path_on_real_data(directory: Path) -> None:
    assert dict(validate.validate_dataset(directory).tables) == full_path(directory)


def test_fast_path_equals_full_path_on_synthetic_data(tmp_path: Path) -> None:
    write_dataset(generate(2, seed=5), tmp_path)
    files = {spec.name: parse_table(tmp_path / f"{spec.name}.csv", spec) for spec in TABLES}
    assert all(isinstance(t.rows, CleanRows) for t in files.values())
    fast = dict(validate.validate_dataset(tmp_path).tables)
    assert fast == full_path(tmp_path)


def test_large_files_are_read_by_pyarrow_and_give_csv_readers_rows(tmp_path: Path) -> None:
    write_dataset(generate(3, seed=7), tmp_path)
    for name in ("signals", "commitments", "commitment_themes"):  # quoted fields with doubled quotes; none
        data = (tmp_path / f"{name}.csv").read_bytes()
        assert len(data) >= csvio.ARROW_MIN_BYTES
        text = data.decode("utf-8")
        header, *body = list(csv.reader(io.StringIO(text, newline=""), strict=True))
        fields = csvio._arrow_fields(data, text, len(header), len(body))
        assert fields is not None, name  # the fast reader is really used on such files
        assert [list(row) for row in zip(*fields, strict=True)] == body


def _field(text: str, how: str) -> str:
    """A field as a writer would quote it, without the characters that need quoting, or raw."""
    if how == "quoted":
        return '"' + text.replace('"', '""') + '"'
    return text.replace('"', "").replace(",", "") if how == "plain" else text


_FIELD = st.tuples(st.text(st.sampled_from('ab ,""\té;'), max_size=6), st.sampled_from(["quoted", "plain", "raw"]))
_RECORDS = st.integers(1, 4).flatmap(lambda width: st.lists(st.lists(_FIELD, min_size=width, max_size=width),
                                                            min_size=2, max_size=6))


@settings(max_examples=400, deadline=None)
@given(records=_RECORDS, ending=st.sampled_from(["\n", "\r\n"]), final=st.booleans(),
       damage=st.lists(st.tuples(st.integers(0, 200), st.sampled_from(['"', ",", "\n", "\r", "", "x"])),
                       max_size=2))
@example(records=[[("a", "plain"), ("b", "plain")], [('x"y', "raw"), ("z", "plain")]], ending="\n", final=True,
         damage=[])  # a quote inside an unquoted field: csv.reader keeps it, pyarrow is not asked
@example(records=[[("a", "plain"), ("b", "plain")], [("x", "quoted"), ("z", "plain")]], ending="\n", final=True,
         damage=[(7, "q")])  # "x"q,z: text after a closing quote
def test_the_pyarrow_reader_gives_csv_readers_fields_or_declines(records: list[list[tuple[str, str]]],
                                                                  ending: str, final: bool,
                                                                  damage: list[tuple[int, str]]) -> None:
    """Whenever `_arrow_fields` answers, its fields are exactly ``csv.reader``'s; the rest goes to ``csv.reader``."""
    text = ending.join(",".join(_field(t, how) for t, how in record) for record in records) + (ending if final else "")
    for at, char in damage:  # malformed quoting, stray line breaks, wrong field counts
        at = min(at, len(text))
        text = text[:at] + char + text[at + 1:]
    if "\x00" in text or text.count("\r") != text.count("\r\n") or "\n" not in text:
        return  # _clean_table never asks pyarrow about these
    lines = text.count("\n") + (0 if text.endswith("\n") else 1)
    header = next(csv.reader([text[:text.index("\n")].removesuffix("\r")]))
    fields = csvio._arrow_fields(text.encode(), text, len(header), lines - 1)
    if fields is None:
        return
    expected = list(csv.reader(io.StringIO(text, newline=""), strict=True))  # raises if pyarrow accepted bad CSV
    assert len(expected) == lines and expected[0] == header
    assert [list(row) for row in zip(*fields, strict=True)] == expected[1:]


@pytest.mark.parametrize("directory", [FIXTURES / "dataset", REPO / "data"], ids=["dataset", "data"])
def test_validation_with_pyarrow_equals_validation_without(directory: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(csvio, "ARROW_MIN_BYTES", 0)  # every file through pyarrow when it qualifies
    answered: list[bool] = []
    arrow_fields = csvio._arrow_fields
    monkeypatch.setattr(csvio, "_arrow_fields", lambda *args: answered.append(
        (fields := arrow_fields(*args)) is not None) or fields)
    with_arrow = dict(validate.validate_dataset(directory).tables)
    assert answered and all(answered)  # pyarrow really read these files
    monkeypatch.setattr(csvio, "ARROW_MIN_BYTES", 1 << 40)
    assert with_arrow == dict(validate.validate_dataset(directory).tables)


def test_any_problem_falls_back_to_the_full_path(tmp_path: Path) -> None:
    write_dataset(generate(0.5, seed=5), tmp_path)
    path = tmp_path / "signals.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[3] = lines[3].replace(",score,", ",scores,", 1).replace(",pledge,", ",pledges,", 1)
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(validate.ValidationError) as info:
        validate.validate_dataset(tmp_path)
    assert [(p.file, p.row, p.column) for p in info.value.problems] == [("signals.csv", 4, "kind")]
