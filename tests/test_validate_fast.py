"""The validator's fast path (a clean dataset checked a column at a time) returns what the full path returns."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.synthetic import generate, write_dataset
from graph.schema import TABLES
from loaders import validate
from loaders.csvio import CleanRows, parse_table

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"


def full_path(directory: Path) -> dict[str, list[dict[str, validate.Value]]]:
    """validate_dataset with the fast path switched off."""
    original = validate._clean_dataset
    validate._clean_dataset = lambda files: None  # type: ignore[assignment]
    try:
        return dict(validate.validate_dataset(directory).tables)
    finally:
        validate._clean_dataset = original  # type: ignore[assignment]


@pytest.mark.parametrize("directory", [FIXTURES / "minimal", FIXTURES / "dataset", REPO / "data"],
                         ids=["minimal", "dataset", "data"])
def test_fast_path_equals_full_path_on_real_data(directory: Path) -> None:
    assert dict(validate.validate_dataset(directory).tables) == full_path(directory)


def test_fast_path_equals_full_path_on_synthetic_data(tmp_path: Path) -> None:
    write_dataset(generate(2, seed=5), tmp_path)
    files = {spec.name: parse_table(tmp_path / f"{spec.name}.csv", spec) for spec in TABLES}
    assert all(isinstance(t.rows, CleanRows) for t in files.values())
    fast = validate._clean_dataset(files)
    assert fast is not None and fast == full_path(tmp_path)


def test_any_problem_falls_back_to_the_full_path(tmp_path: Path) -> None:
    write_dataset(generate(0.5, seed=5), tmp_path)
    path = tmp_path / "signals.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[3] = lines[3].replace(",score,", ",scores,", 1).replace(",pledge,", ",pledges,", 1)
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(validate.ValidationError) as info:
        validate.validate_dataset(tmp_path)
    assert [(p.file, p.row, p.column) for p in info.value.problems] == [("signals.csv", 4, "kind")]
