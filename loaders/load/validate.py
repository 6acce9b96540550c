"""Validate a canonical dataset directory before anything is written to Neo4j.

`validate_dataset` reads the 13 CSV files of `model.schema.TABLES` (through :mod:`loaders.load.csv_reader`:
files present, UTF-8, well-formed CSV, required columns present, no unknown or duplicated columns), then checks
every value and the dataset as a whole with the one validator, :mod:`model.validation` (its docstring lists
the rules). It returns the typed rows, or raises `ValidationError` listing *every* problem found, each
located as ``file:line`` (the header is line 1; a quoted multi-line record is located at its first line).
`format_problems` renders them for a terminal. Nothing is written anywhere.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from loaders.load.csv_reader import WHOLE_ROW, CleanRows, CsvTable, parse_table
from model.catalogue import Catalogue, default_catalogue
from model.errors import Problem, ValidationError
from model.schema import TABLES, TableSpec
from model.validation import TableColumns, Value, records, validate_tables

__all__ = ["ValidatedDataset", "format_problems", "validate_dataset"]


@dataclass(frozen=True)
class ValidatedDataset:
    """The validated dataset: typed rows per table, in file order.

    ``tables[name]`` is a list of dicts with every column of the table; blank optional values are
    None, ints/floats/bools are converted, dates stay ``YYYY[-MM[-DD]]`` text, ``list`` columns
    are tuples.
    """

    directory: Path
    tables: Mapping[str, list[dict[str, Value]]]

    def __getitem__(self, table: str) -> list[dict[str, Value]]:
        return self.tables[table]

    def counts(self) -> dict[str, int]:
        """Number of rows per table, in `model.schema.TABLES` order."""
        return {name: len(rows) for name, rows in self.tables.items()}


def validate_dataset(directory: Path | str, catalogue: Catalogue | None = None) -> ValidatedDataset:
    """Validate the canonical dataset in ``directory``; return its typed rows.

    Parameters
    ----------
    directory : Path or str
        Folder holding one CSV file per table of `model.schema.TABLES`.
    catalogue : Catalogue, optional
        The indicator and relation catalogue the evidence must be listed in (default: the project's).

    Returns
    -------
    ValidatedDataset

    Raises
    ------
    ValidationError
        With every problem found (``.problems``, sorted by file and line); see `format_problems`.
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise ValidationError(
            [Problem(str(directory), None, None, None, "dataset directory not found")],
            message=f"dataset directory not found: {directory}",
            hint="pass the folder that holds the 13 CSV files of the canonical dataset",
        )
    files = {spec.name: parse_table(directory / f"{spec.name}.csv", spec) for spec in TABLES}
    problems = [_with_misnamed_hint(p, directory) for table in files.values() for p in table.problems]
    typed, found = validate_tables({spec.name: _columns(files[spec.name], spec) for spec in TABLES},
                                   catalogue or default_catalogue())
    problems += found
    if problems:
        raise ValidationError(problems)
    return ValidatedDataset(directory, {spec.name: records(typed[spec.name]) for spec in TABLES})


def _columns(table: CsvTable, spec: TableSpec) -> TableColumns:
    """A parsed file as the validator takes it: raw text a column at a time, the line of each row, and the
    rows and values the reader already reported."""
    rows = table.rows
    if isinstance(rows, CleanRows):
        raw = {c: rows.column(c) for c in spec.column_names}
        lines: range | list[int] = range(2, len(rows) + 2)
        unusable: frozenset[int] = frozenset()
        flagged: dict[str, frozenset[int]] = {}
    else:
        raw = {c: [r[c] for r in rows] for c in spec.column_names}
        lines = [r.line for r in rows]
        unusable = frozenset(i for i, r in enumerate(rows) if WHOLE_ROW in r.flagged)
        flagged = {c: frozenset(i for i, r in enumerate(rows) if c in r.flagged) for c in spec.column_names}
    return TableColumns(spec, table.file, raw, lines, unusable, flagged, table.complete, table.missing_columns)


def format_problems(problems: Iterable[Problem]) -> str:
    """A readable report: a count line, then one line per problem sorted by file and line.

    Examples
    --------
    >>> print(format_problems([
    ...     Problem("members.csv", 4, "iso3", "ALX", "not an ISO 3166-1 alpha-3 code"),
    ...     Problem("expertise.csv", None, None, None, "missing file"),
    ...     Problem("members.csv", 2, "name", "  ", "required value is blank"),
    ... ]))
    3 problems in 2 files:
    expertise.csv: missing file
    members.csv:2: column 'name': required value is blank (value: '  ')
    members.csv:4: column 'iso3': not an ISO 3166-1 alpha-3 code (value: 'ALX')
    >>> format_problems([])
    'no problems'
    """
    ordered = sorted(problems, key=Problem.sort_key)
    if not ordered:
        return "no problems"
    n, k = len(ordered), len({p.file for p in ordered})
    head = f"{n} problem{'s' if n != 1 else ''} in {k} file{'s' if k != 1 else ''}:"
    return "\n".join([head, *(str(p) for p in ordered)])


def _with_misnamed_hint(problem: Problem, directory: Path) -> Problem:
    """Point a missing file at a similarly named CSV in the folder (organizations.csv, say)."""
    if problem.row is not None or not problem.reason.startswith("missing file"):
        return problem
    expected = {f"{spec.name}.csv" for spec in TABLES}
    others = sorted(p.name for p in directory.glob("*.csv") if p.name not in expected)
    close = difflib.get_close_matches(problem.file, others, n=1, cutoff=0.6)
    if not close:
        return problem
    return Problem(problem.file, None, None, None, f"{problem.reason}; found '{close[0]}': misnamed?")
