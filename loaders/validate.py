"""Validate a canonical dataset directory before anything is written to Neo4j.

`validate_dataset` reads the 12 CSV files of `model.schema.TABLES` (through
``loaders.csvio``), converts every value to its column's type and checks the
dataset as a whole. It returns the typed rows, or raises `ValidationError`
listing *every* problem found, each located as ``file:line`` (the header is
line 1; a quoted multi-line record is located at its first line).
`format_problems` renders them for a terminal. Nothing is written anywhere.

The checks, in order:

1. files and structure (``loaders.csvio``): all 12 files present, UTF-8,
   well-formed CSV, required columns present, no unknown or duplicated columns;
2. values: leading/trailing whitespace is stripped silently; a blank
   (or whitespace-only) required value is a problem, a blank optional value
   becomes None; types are
   ``int`` (``-?[0-9]+``), ``float`` (finite decimal), ``bool``
   (true/false/1/0/yes/no, any case), ``date`` (``YYYY``, ``YYYY-MM`` or
   ``YYYY-MM-DD``, a real calendar date; kept as the text), ``iso3`` (an
   ISO 3166-1 alpha-3 code, or one of `USER_ASSIGNED_ISO3` such as XKX for
   Kosovo), ``enum`` (the column's choices), ``theme`` (a key of
   `model.schema.THEMES`), ``list`` (``;``-separated, kept as a tuple);
   free text (``str``) is limited to `MAX_TEXT_CHARS` characters and is
   otherwise anything at all: quotes, newlines, or Cypher-looking text, which
   the loader passes as query parameters, never as query text;
3. unique keys (`TableSpec.key`; every row of a duplicate is reported);
4. references: every ``Column.ref`` (including ``source`` -> ``sources.id``),
   ``memberships.participant_id`` -> ``organisations.id`` or ``members.id``
   by ``participant_type``;
5. rules across columns: ``members.parent_iso3`` is blank for a national
   member and set for a local one (whose ``iso3`` is its parent's);
   ``themes.csv`` lists exactly the keys of `model.schema.THEMES`; a
   ``signals`` score is between 0 and 100.

A fault is reported once: a value that failed its own check is not used for
the later checks, and references into a file that could not be read are not
checked (they would all fail).
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pycountry

from loaders.csvio import WHOLE_ROW, CleanRows, CsvTable, parse_table
from model.errors import Problem, ValidationError
from model.schema import TABLES, THEMES, Column, TableSpec

__all__ = [
    "MAX_TEXT_CHARS",
    "USER_ASSIGNED_ISO3",
    "Problem",
    "ValidatedDataset",
    "ValidationError",
    "Value",
    "convert_value",
    "format_problems",
    "validate_dataset",
]

#: Longest accepted free-text value, in characters (after stripping).
MAX_TEXT_CHARS = 10_000

#: Codes outside ISO 3166-1 that are accepted as ``iso3`` values: user-assigned codes in common use.
USER_ASSIGNED_ISO3: Mapping[str, str] = {"XKX": "Kosovo"}

Value = str | int | float | bool | tuple[str, ...] | None

_BOOLS = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}
_INT = re.compile(r"[+-]?[0-9]+")
_FLOAT = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_DATE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")


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


def convert_value(column: Column, text: str) -> Value:
    """Convert one value to its column's type, or raise ValueError with the reason.

    Surrounding whitespace is stripped; a blank value converts to None (whether a blank is
    allowed is the caller's check, see ``Column.required``).

    Examples
    --------
    >>> convert_value(Column("joined", "int"), " 2011 ")
    2011
    >>> convert_value(Column("starred", "bool"), "Yes"), convert_value(Column("x", "iso3"), "XKX")
    (True, 'XKX')
    >>> convert_value(Column("as_of", "date"), "2023-02-30")
    Traceback (most recent call last):
    ...
    ValueError: not a real calendar date (day 30 is out of range for 2023-02)
    >>> convert_value(Column("kind", "enum", choices=("pledge", "score")), "scores")
    Traceback (most recent call last):
    ...
    ValueError: not one of: pledge, score (did you mean 'score'?)
    >>> convert_value(Column("name"), '"}) DETACH DELETE n //')  # text is text
    '"}) DETACH DELETE n //'
    """
    text = text.strip()
    if not text:
        return None
    converter = _CONVERTERS.get(column.type)
    if converter is None:
        raise TypeError(f"column {column.name!r} has unsupported type {column.type!r} in model.schema")
    return converter(column, text)


def _to_str(column: Column, text: str) -> str:
    if len(text) > MAX_TEXT_CHARS:
        raise ValueError(f"text is {len(text):,} characters, over the limit of {MAX_TEXT_CHARS:,}")
    return text


def _to_int(column: Column, text: str) -> int:
    if not _INT.fullmatch(text):
        raise ValueError("not a whole number (digits only, e.g. 2019)")
    return int(text)


def _to_float(column: Column, text: str) -> float:
    if not _FLOAT.fullmatch(text) or not math.isfinite(number := float(text)):
        raise ValueError("not a number (use a decimal point, e.g. 47.5)")
    return number


def _to_bool(column: Column, text: str) -> bool:
    try:
        return _BOOLS[text.lower()]
    except KeyError:
        raise ValueError("not a boolean (use true/false, yes/no or 1/0)") from None


def _to_date(column: Column, text: str) -> str:
    """Check a YYYY, YYYY-MM or YYYY-MM-DD date; keep the text (partial dates have no date type)."""
    match = _DATE.fullmatch(text)
    if not match:
        raise ValueError("not a date (use YYYY, YYYY-MM or YYYY-MM-DD)")
    year, month, day = (int(part) if part else None for part in match.groups())
    assert year is not None
    if year < 1:
        raise ValueError("not a real calendar date (year 0000)")
    if month is not None and not 1 <= month <= 12:
        raise ValueError(f"not a real calendar date (month {month:02d} does not exist)")
    if day is not None and month is not None:
        try:
            dt.date(year, month, day)
        except ValueError:
            reason = f"not a real calendar date (day {day:02d} is out of range for {year:04d}-{month:02d})"
            raise ValueError(reason) from None
    return text


def _to_iso3(column: Column, text: str) -> str:
    if not re.fullmatch(r"[A-Z]{3}", text):
        upper = text.upper()
        hint = f" (did you mean '{upper}'?)" if upper in _iso3_codes() else ""
        raise ValueError(f"not an ISO 3166-1 alpha-3 code: must be 3 uppercase letters{hint}")
    if text not in _iso3_codes():
        raise ValueError(
            f"not an ISO 3166-1 alpha-3 code (accepted besides ISO: {', '.join(sorted(USER_ASSIGNED_ISO3))})"
        )
    return text


def _to_enum(column: Column, text: str) -> str:
    if text not in column.choices:
        raise ValueError(f"not one of: {', '.join(column.choices)}{_did_you_mean(text, column.choices)}")
    return text


def _to_theme(column: Column, text: str) -> str:
    if text not in THEMES:
        raise ValueError(f"unknown theme key{_did_you_mean(text, THEMES)}; the keys are listed in model.schema.THEMES")
    return text


def _to_list(column: Column, text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(";") if part.strip())


_CONVERTERS: dict[str, Callable[[Column, str], Value]] = {
    "str": _to_str,
    "int": _to_int,
    "float": _to_float,
    "bool": _to_bool,
    "date": _to_date,
    "iso3": _to_iso3,
    "enum": _to_enum,
    "theme": _to_theme,
    "list": _to_list,
}


@cache
def _iso3_codes() -> frozenset[str]:
    return frozenset(country.alpha_3 for country in pycountry.countries) | frozenset(USER_ASSIGNED_ISO3)


def _did_you_mean(text: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(text, list(choices), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


# --- the dataset -----------------------------------------------------------------------------


@dataclass
class _Row:
    """A record after value checks: typed values and the columns not to use again."""

    line: int
    raw: Mapping[str, str]
    values: dict[str, Value]
    bad: set[str] = field(default_factory=set)  # columns with a problem already reported
    whole: bool = False  # the record itself is unusable (wrong field count)

    def usable(self, *columns: str) -> bool:
        return not self.whole and not any(c in self.bad for c in columns)


def validate_dataset(directory: Path | str) -> ValidatedDataset:
    """Validate the canonical dataset in ``directory``; return its typed rows.

    Parameters
    ----------
    directory : Path or str
        Folder holding one CSV file per table of `model.schema.TABLES`.

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
            hint="pass the folder that holds the 12 CSV files of the canonical dataset",
        )
    files = {spec.name: parse_table(directory / f"{spec.name}.csv", spec) for spec in TABLES}
    clean = _clean_dataset(files)
    if clean is not None:
        return ValidatedDataset(directory, clean)
    problems = [_with_misnamed_hint(p, directory) for table in files.values() for p in table.problems]
    rows = {spec.name: list(_checked_rows(spec, files[spec.name], problems)) for spec in TABLES}
    for spec in TABLES:
        problems.extend(_duplicate_keys(spec, rows[spec.name]))
        problems.extend(_dangling_references(spec, rows[spec.name], files))
    problems.extend(_member_levels(rows["members"]))
    problems.extend(_missing_themes(files["themes"]))
    problems.extend(_score_ranges(rows["signals"]))
    if problems:
        raise ValidationError(problems)
    return ValidatedDataset(directory, {name: [r.values for r in table] for name, table in rows.items()})


# --- the fast path: a whole clean dataset, a column at a time ------------------------------------


def _clean_dataset(files: Mapping[str, CsvTable]) -> dict[str, list[dict[str, Value]]] | None:
    """The typed rows of a dataset without any problem, or None at the first sign of one.

    Runs every check of the full path, but a column at a time: each distinct value of a typed
    column is converted once, and the dataset-wide checks are set operations. It never reports:
    when anything is wrong it returns None and `validate_dataset` runs the full path, which
    finds and locates every problem. The rows it returns equal the full path's.
    """
    tables = {name: table.rows for name, table in files.items() if isinstance(table.rows, CleanRows)}
    if len(tables) != len(files):
        return None
    typed: dict[str, dict[str, list[Value]]] = {}
    for spec in TABLES:
        rows = tables[spec.name]
        columns: dict[str, list[Value]] = {}
        for column in spec.columns:
            values = _clean_column(column, rows.column(column.name))
            if values is None:
                return None
            columns[column.name] = values
        typed[spec.name] = columns
    if not _clean_relations(typed, tables):
        return None
    return {spec.name: _records(spec.column_names, typed[spec.name].values()) for spec in TABLES}


def _records(names: list[str], columns: Iterable[list[Value]]) -> list[dict[str, Value]]:
    """Rows as dicts from equally long columns.

    >>> _records(["a", "b"], [[1, 2], ["x", None]])
    [{'a': 1, 'b': 'x'}, {'a': 2, 'b': None}]
    """
    return [dict(zip(names, values)) for values in zip(*columns)]  # noqa: B905 - equal by construction


def _clean_column(column: Column, raw: Sequence[str]) -> list[Value] | None:
    """One column's typed values (as `convert_value` gives them), or None if any value has a problem."""
    values: list[Value]
    if column.type == "str":
        if max(map(len, raw), default=0) > MAX_TEXT_CHARS:
            return None  # maybe too long after stripping: the full path decides
        values = [text.strip() or None for text in raw]
    else:
        try:
            converted = {text: convert_value(column, text) for text in set(raw)}
        except ValueError:
            return None
        values = list(map(converted.__getitem__, raw))
    if column.required and None in values:
        return None
    return values


def _clean_relations(typed: Mapping[str, Mapping[str, list[Value]]], tables: Mapping[str, CleanRows]) -> bool:
    """Unique keys, references, member levels, the theme list and score ranges all hold."""
    for spec in TABLES:
        columns = typed[spec.name]
        keys = list(zip(*(columns[c] for c in spec.key), strict=True))
        if len(set(keys)) != len(keys):
            return False
        for column in spec.columns:
            if column.ref is None:
                continue
            table_name, target = column.ref.split(".")
            existing = {text.strip() for text in tables[table_name].column(target)}
            if not {v for v in columns[column.name] if v is not None} <= existing:
                return False
    ids = {name: {text.strip() for text in tables[name].column("id")} for name in ("organisations", "members")}
    memberships = typed["memberships"]
    for kind, participant in zip(memberships["participant_type"], memberships["participant_id"], strict=True):
        if participant not in ids["organisations" if kind == "organisation" else "members"]:
            return False
    members = typed["members"]
    for level, parent, iso3 in zip(members["level"], members["parent_iso3"], members["iso3"], strict=True):
        if (parent is not None) if level == "national" else (parent is None or iso3 != parent):
            return False
    if not set(THEMES) <= {text.strip() for text in tables["themes"].column("id")}:
        return False
    signals = typed["signals"]
    return all(not (kind == "score" and isinstance(value, float) and not 0 <= value <= 100)
               for kind, value in zip(signals["kind"], signals["value"], strict=True))


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


def _checked_rows(spec: TableSpec, table: CsvTable, problems: list[Problem]) -> Iterator[_Row]:
    """Convert every value of every record, appending a Problem for each bad value."""
    for raw in table.rows:
        row = _Row(raw.line, raw, {}, set(raw.flagged), whole=WHOLE_ROW in raw.flagged)
        for column in spec.columns:
            text = raw[column.name]
            row.values[column.name] = None
            if row.whole or column.name in row.bad:
                continue
            try:
                value = convert_value(column, text)
            except ValueError as e:
                problems.append(Problem(table.file, raw.line, column.name, text, str(e)))
                row.bad.add(column.name)
                continue
            if value is None and column.required:
                problems.append(Problem(table.file, raw.line, column.name, text, "required value is blank"))
                row.bad.add(column.name)
            row.values[column.name] = value
        yield row


def _duplicate_keys(spec: TableSpec, rows: list[_Row]) -> Iterator[Problem]:
    """Every row whose key (`TableSpec.key`) another row also has, naming the other lines."""
    lines: dict[tuple[Value, ...], list[int]] = defaultdict(list)
    for row in rows:
        if row.usable(*spec.key):
            lines[tuple(row.values[c] for c in spec.key)].append(row.line)
    what = spec.key[0] if len(spec.key) == 1 else f"key ({', '.join(spec.key)})"
    for key, found in lines.items():
        for line in found if len(found) > 1 else ():
            others = ", ".join(str(other) for other in found if other != line)
            shown = ", ".join("" if v is None else str(v) for v in key)
            yield Problem(f"{spec.name}.csv", line, ", ".join(spec.key), shown,
                          f"duplicate {what}: the same value is also on line {others}")


def _dangling_references(spec: TableSpec, rows: list[_Row], files: Mapping[str, CsvTable]) -> Iterator[Problem]:
    """Values that must exist in another table (`Column.ref`, memberships.participant_id) but do not."""
    targets: dict[str, frozenset[str] | None] = {}

    def known(ref: str) -> frozenset[str] | None:
        if ref not in targets:
            table_name, column = ref.split(".")
            table = files[table_name]
            usable = table.complete and column not in table.missing_columns
            targets[ref] = frozenset(r[column].strip() for r in table.rows) if usable else None
        return targets[ref]

    for row in rows:
        for column in spec.columns:
            ref = column.ref
            if spec.name == "memberships" and column.name == "participant_id":
                kind = row.values["participant_type"]
                if not row.usable("participant_type") or kind is None:
                    continue
                ref = "organisations.id" if kind == "organisation" else "members.id"
            value = row.values[column.name]
            if ref is None or value is None or not row.usable(column.name):
                continue
            existing = known(ref)
            if existing is not None and value not in existing:
                table_name, target = ref.split(".")
                yield Problem(f"{spec.name}.csv", row.line, column.name, row.raw[column.name],
                              f"'{value}' not found in {table_name}.csv (column {target})"
                              f"{_did_you_mean(str(value), existing)}")


def _member_levels(rows: list[_Row]) -> Iterator[Problem]:
    """parent_iso3: blank for a national member; set, and equal to iso3, for a local one."""
    for row in rows:
        if not row.usable("level", "parent_iso3"):
            continue
        level, parent = row.values["level"], row.values["parent_iso3"]
        if level == "national" and parent is not None:
            yield Problem("members.csv", row.line, "parent_iso3", row.raw["parent_iso3"],
                          "must be blank for a national member (only local members have a parent country)")
        elif level == "local" and parent is None:
            yield Problem("members.csv", row.line, "parent_iso3", row.raw["parent_iso3"],
                          "required for a local member: the ISO-3 code of its country")
        elif level == "local" and row.usable("iso3") and row.values["iso3"] != parent:
            yield Problem("members.csv", row.line, "iso3", row.raw["iso3"],
                          f"a local member's iso3 must be its parent country's ({parent})")


def _missing_themes(table: CsvTable) -> Iterator[Problem]:
    """themes.csv must list every key of model.schema.THEMES (unknown keys fail the theme type check)."""
    if not table.complete or "id" in table.missing_columns:
        return
    present = {row["id"].strip() for row in table.rows}
    for key in THEMES:
        if key not in present:
            yield Problem(table.file, None, "id", None,
                          f"theme '{key}' is missing: themes.csv must list each of the {len(THEMES)} keys"
                          " of model.schema.THEMES")


def _score_ranges(rows: list[_Row]) -> Iterator[Problem]:
    """A score is 0-100 (higher is better), see model.schema.SIGNAL_KINDS."""
    for row in rows:
        value = row.values["value"]
        if row.usable("kind", "value") and row.values["kind"] == "score" and isinstance(value, float):
            if not 0 <= value <= 100:
                yield Problem("signals.csv", row.line, "value", row.raw["value"], "a score must be between 0 and 100")

