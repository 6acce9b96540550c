"""The rules a canonical dataset must follow, checked a column at a time, every problem located.

This is the one validator: the loader (``loaders.load.validate``) runs it on the CSV files before anything is
written to Neo4j, and the dataset builder (``loaders.build.dataset``) runs it on the tables it is about to write.
Each caller hands over every table as raw text, column by column, with the line of each row
(:class:`TableColumns`); :func:`validate_tables` returns the typed values and every :class:`~model.errors.Problem`
located as ``file:line: column 'x': reason (value: '…')``.

The rules, in order:

1. values (:func:`convert_value`): leading/trailing whitespace is stripped silently; a blank (or
   whitespace-only) required value is a problem, a blank optional value becomes None; types are ``int``
   (``-?[0-9]+``, within the column's range), ``float`` (finite decimal, within the column's range), ``bool``
   (true/false/1/0/yes/no, any case), ``date`` (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``, a real calendar
   date; kept as the text), ``iso3`` (an ISO 3166-1 alpha-3 code, or one of :data:`USER_ASSIGNED_ISO3` such as
   XKX for Kosovo), ``enum`` (the column's choices), ``theme`` (a key of :data:`model.schema.THEMES`),
   ``list`` (``;``-separated, kept as a tuple); ids (``id``, ``*_id`` and references to an id) follow
   :data:`ID_RULE`; whole numbers fit 64 bits; other free text (``str``) is limited to :data:`MAX_TEXT_CHARS`
   characters and is otherwise anything at all (quotes, newlines, Cypher-looking text: values are always
   query parameters, never query text);
2. unique keys (``TableSpec.key``; every row of a duplicate is reported);
3. references: every ``Column.ref`` (including ``source`` -> ``sources.id``), and
   ``memberships.participant_id`` -> ``organisations.id`` or ``members.id`` by ``participant_type``;
4. rules across columns: ``members.parent_iso3`` is blank for a national member and set for a local one
   (whose ``iso3`` is its parent's); ``themes`` lists every key of :data:`model.schema.THEMES`; a ``signals``
   score is between 0 and 100.

A fault is reported once: a value that failed its own check (or that the file reader already reported) is
not used for the later checks, and references into a table that could not be read completely are not
checked (they would all fail). Each distinct value of a column is converted once, so a clean dataset of
half a million rows is checked in about the time it takes to read it.
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

import pycountry

from model.catalogue import Catalogue
from model.errors import Problem
from model.schema import THEMES, Column, TableSpec

__all__ = ["ID_PATTERN", "ID_RULE", "INT64", "MAX_TEXT_CHARS", "USER_ASSIGNED_ISO3", "TableColumns", "TypedTable",
           "Value", "convert_value", "did_you_mean", "is_id_column", "records", "validate_tables"]

#: Longest accepted free-text value, in characters (after stripping).
MAX_TEXT_CHARS = 10_000

#: What an id (``id``, ``*_id`` and every reference to an id) may be made of.
ID_RULE = ("1 to 200 characters: ASCII letters, digits, '-', '_', '.' and ':', starting with a letter or digit "
           "(no spaces, no '|')")
ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,199}")
#: Whole numbers must fit a signed 64-bit integer (what Neo4j stores), whatever the column's own range.
INT64 = (-(2**63), 2**63 - 1)

#: Codes outside ISO 3166-1 that are accepted as ``iso3`` values: user-assigned codes in common use.
USER_ASSIGNED_ISO3: Mapping[str, str] = {"XKX": "Kosovo"}

Value = str | int | float | bool | tuple[str, ...] | None

_BOOLS = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}
_INT = re.compile(r"[+-]?[0-9]+")
_FLOAT = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_DATE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")


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
    if is_id_column(column) and not ID_PATTERN.fullmatch(text):
        raise ValueError(f"not a valid id: {ID_RULE}")
    return text


def is_id_column(column: Column) -> bool:
    """Whether a column holds ids (``id``, ``*_id``, a reference to an ``id``): they follow :data:`ID_RULE`.

    >>> [is_id_column(c) for c in (Column("member_id"), Column("source", ref="sources.id"), Column("name"))]
    [True, True, False]
    """
    return column.name == "id" or column.name.endswith("_id") or bool(column.ref and column.ref.endswith(".id"))


def _in_range(column: Column, number: float) -> None:
    low, high = column.range
    if (low is not None and number < low) or (high is not None and number > high):
        bounds = (f"between {low:g} and {high:g}" if low is not None and high is not None else
                  f"at least {low:g}" if low is not None else f"at most {high:g}")
        raise ValueError(f"out of range: must be {bounds}")


def _to_int(column: Column, text: str) -> int:
    if not _INT.fullmatch(text) or len(text) > 20:
        raise ValueError("not a whole number (digits only, e.g. 2019)")
    number = int(text)
    if not INT64[0] <= number <= INT64[1]:
        raise ValueError("out of range: a whole number must fit 64 bits")
    _in_range(column, number)
    return number


def _to_float(column: Column, text: str) -> float:
    if not _FLOAT.fullmatch(text) or not math.isfinite(number := float(text)):
        raise ValueError("not a number (use a decimal point, e.g. 47.5)")
    _in_range(column, number)
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
    _in_range(column, year)
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
        raise ValueError(f"not one of: {', '.join(column.choices)}{did_you_mean(text, column.choices)}")
    return text


def _to_theme(column: Column, text: str) -> str:
    if text not in THEMES:
        raise ValueError(f"unknown theme key{did_you_mean(text, THEMES)}; the keys are listed in model.schema.THEMES")
    return text


def _to_list(column: Column, text: str) -> tuple[str, ...]:
    parts = tuple(part.strip() for part in text.split(";") if part.strip())
    unknown = [p for p in parts if column.choices and p not in column.choices]
    if unknown:
        raise ValueError(f"{unknown[0]!r} is not one of: {', '.join(column.choices)}")
    return parts


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


def did_you_mean(text: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest choice, or an empty string.

    >>> did_you_mean("open_contract", ["open_contracting", "open_data"])
    " (did you mean 'open_contracting'?)"
    """
    close = difflib.get_close_matches(text, list(choices), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


# -- tables ---------------------------------------------------------------------------------------------


@dataclass
class TableColumns:
    """One table as raw text, a column at a time, as a reader handed it over.

    ``raw`` holds every column of the spec (a column the file lacks reads as blanks); row ``i`` is on line
    ``lines[i]`` of ``file``. ``unusable`` are rows the reader could not split into fields (already reported);
    ``flagged`` are values the reader already reported (column -> rows). ``complete`` is False when some
    records could not be read at all, so references into this table are not checked; ``missing_columns``
    lists spec columns absent from the header.
    """

    spec: TableSpec
    file: str
    raw: Mapping[str, Sequence[str]]
    lines: Sequence[int]
    unusable: frozenset[int] = frozenset()
    flagged: Mapping[str, frozenset[int]] = field(default_factory=dict)
    complete: bool = True
    missing_columns: frozenset[str] = frozenset()

    @classmethod
    def of_rows(cls, spec: TableSpec, rows: Sequence[Sequence[str]], file: str | None = None,
                first_line: int = 2) -> TableColumns:
        """A table from rows of text in the spec's column order (row ``i`` on line ``first_line + i``)."""
        columns = list(zip(*rows, strict=True)) if rows else [()] * len(spec.columns)
        return cls(spec, file or f"{spec.name}.csv", dict(zip(spec.column_names, columns, strict=True)),
                   range(first_line, first_line + len(rows)))

    def __len__(self) -> int:
        return len(self.lines)


@dataclass
class TypedTable:
    """A table's typed values, column by column, and the rows whose value in a column is not usable."""

    columns: TableColumns
    values: dict[str, list[Value]]
    bad: dict[str, set[int]]

    def usable(self, i: int, *names: str) -> bool:
        return not any(i in self.bad[c] for c in names)

    def __len__(self) -> int:
        return len(self.columns)


def validate_tables(tables: Mapping[str, TableColumns], catalogue: Catalogue | None = None
                    ) -> tuple[dict[str, TypedTable], list[Problem]]:
    """Type every table of :data:`model.schema.TABLES` and check the dataset; return the typed tables and
    every problem found (empty when the dataset is valid).

    With a ``catalogue`` (:mod:`model.catalogue`), every signal indicator, engagement relation and IRM
    completion value must be listed there, and a signal's theme must be its indicator's theme: the analyses
    read what evidence means from the catalogue, so evidence it does not know is refused at the door.

    Examples
    --------
    >>> from model.schema import TABLE_BY_NAME
    >>> spec = TABLE_BY_NAME["expertise"]
    >>> table = TableColumns.of_rows(spec, [["lab", "open_data", "", "s", "2024"],
    ...                                     ["lab", "open_dat", "", "s", "2024"]])
    >>> typed, problems = validate_tables({"expertise": table})
    >>> print(problems[0])
    expertise.csv:3: column 'theme_id': unknown theme key (did you mean 'open_data'?); the keys are listed in \
model.schema.THEMES (value: 'open_dat')
    >>> typed["expertise"].values["theme_id"]
    ['open_data', None]
    """
    typed: dict[str, TypedTable] = {}
    problems: list[Problem] = []
    for name, table in tables.items():
        typed[name], found = _typed(table)
        problems += found
    for typed_table in typed.values():
        problems += _duplicate_keys(typed_table)
        problems += _dangling_references(typed_table, tables)
    if "members" in typed:
        problems += _member_levels(typed["members"])
    if "themes" in tables:
        problems += _missing_themes(tables["themes"])
    if "signals" in typed:
        problems += _score_ranges(typed["signals"])
    if catalogue is not None:
        problems += _catalogued(typed, catalogue)
    return typed, problems


def records(table: TypedTable) -> list[dict[str, Value]]:
    """The typed rows of a table as dicts, in file order.

    >>> from model.schema import TABLE_BY_NAME
    >>> spec = TABLE_BY_NAME["expertise"]
    >>> typed, _ = validate_tables({"expertise": TableColumns.of_rows(spec, [["lab", "open_data", "", "s", "2024"]])})
    >>> records(typed["expertise"])
    [{'organisation_id': 'lab', 'theme_id': 'open_data', 'confidence': None, 'source': 's', 'as_of': '2024'}]
    """
    names = list(table.values)
    return [dict(zip(names, values)) for values in zip(*table.values.values())]  # noqa: B905 - equal by construction


def _typed(table: TableColumns) -> tuple[TypedTable, list[Problem]]:
    """Convert each column's distinct values once; report every bad or blank-but-required value."""
    problems: list[Problem] = []
    values: dict[str, list[Value]] = {}
    bad: dict[str, set[int]] = {}
    n = len(table)
    for column in table.spec.columns:
        raw = table.raw[column.name]
        skip = set(table.unusable) | set(table.flagged.get(column.name, ()))
        converted: dict[str, Value] = {}
        failed: dict[str, str] = {}
        for text in set(raw):
            try:
                converted[text] = convert_value(column, text)
            except ValueError as e:
                failed[text] = str(e)
        column_values = [converted.get(text) for text in raw]
        column_bad = set(skip)
        if failed or (column.required and None in column_values):
            for i, text in enumerate(raw):
                if i in skip:
                    continue
                if text in failed:
                    problems.append(Problem(table.file, table.lines[i], column.name, text, failed[text]))
                    column_bad.add(i)
                elif column.required and column_values[i] is None:
                    problems.append(Problem(table.file, table.lines[i], column.name, text,
                                            "required value is blank"))
                    column_bad.add(i)
        for i in skip:
            if i < n:
                column_values[i] = None
        values[column.name] = column_values
        bad[column.name] = column_bad
    return TypedTable(table, values, bad), problems


def _duplicate_keys(table: TypedTable) -> Iterator[Problem]:
    """Every row whose key (``TableSpec.key``) another row also has, naming the other lines."""
    spec, lines = table.columns.spec, table.columns.lines
    found: dict[tuple[Value, ...], list[int]] = defaultdict(list)
    key_columns = [table.values[c] for c in spec.key]
    for i, key in enumerate(zip(*key_columns, strict=True)):
        if table.usable(i, *spec.key):
            found[key].append(lines[i])
    what = spec.key[0] if len(spec.key) == 1 else f"key ({', '.join(spec.key)})"
    for key, at in found.items():
        for line in at if len(at) > 1 else ():
            others = ", ".join(str(other) for other in at if other != line)
            shown = ", ".join("" if v is None else str(v) for v in key)
            yield Problem(table.columns.file, line, ", ".join(spec.key), shown,
                          f"duplicate {what}: the same value is also on line {others}")


def _dangling_references(table: TypedTable, tables: Mapping[str, TableColumns]) -> Iterator[Problem]:
    """Values that must exist in another table (``Column.ref``, memberships.participant_id) but do not."""
    targets: dict[str, frozenset[str] | None] = {}

    def known(ref: str) -> frozenset[str] | None:
        if ref not in targets:
            table_name, column = ref.split(".")
            target = tables.get(table_name)
            usable = target is not None and target.complete and column not in target.missing_columns
            targets[ref] = frozenset(text.strip() for text in target.raw[column]) if usable and target else None
        return targets[ref]

    spec = table.columns.spec
    for column in spec.columns:
        participant = spec.name == "memberships" and column.name == "participant_id"
        if column.ref is None and not participant:
            continue
        kinds = table.values["participant_type"] if participant else None
        for i, value in enumerate(table.values[column.name]):
            if value is None or not table.usable(i, column.name):
                continue
            ref = column.ref
            if kinds is not None:
                if not table.usable(i, "participant_type") or kinds[i] is None:
                    continue
                ref = "organisations.id" if kinds[i] == "organisation" else "members.id"
            assert ref is not None
            existing = known(ref)
            if existing is not None and value not in existing:
                table_name, target = ref.split(".")
                yield Problem(table.columns.file, table.columns.lines[i], column.name,
                              table.columns.raw[column.name][i],
                              f"'{value}' not found in {table_name}.csv (column {target})"
                              f"{did_you_mean(str(value), existing)}")


def _member_levels(table: TypedTable) -> Iterator[Problem]:
    """parent_iso3: blank for a national member; set, and equal to iso3, for a local one."""
    values, raw, lines, file = table.values, table.columns.raw, table.columns.lines, table.columns.file
    for i, (level, parent, iso3) in enumerate(zip(values["level"], values["parent_iso3"], values["iso3"],
                                                  strict=True)):
        if not table.usable(i, "level", "parent_iso3"):
            continue
        if level == "national" and parent is not None:
            yield Problem(file, lines[i], "parent_iso3", raw["parent_iso3"][i],
                          "must be blank for a national member (only local members have a parent country)")
        elif level == "local" and parent is None:
            yield Problem(file, lines[i], "parent_iso3", raw["parent_iso3"][i],
                          "required for a local member: the ISO-3 code of its country")
        elif level == "local" and table.usable(i, "iso3") and iso3 != parent:
            yield Problem(file, lines[i], "iso3", raw["iso3"][i],
                          f"a local member's iso3 must be its parent country's ({parent})")


def _missing_themes(table: TableColumns) -> Iterator[Problem]:
    """The themes table must list every key of model.schema.THEMES (unknown keys fail the theme type check)."""
    if not table.complete or "id" in table.missing_columns:
        return
    present = {text.strip() for text in table.raw["id"]}
    for key in THEMES:
        if key not in present:
            yield Problem(table.file, None, "id", None,
                          f"theme '{key}' is missing: themes.csv must list each of the {len(THEMES)} keys"
                          " of model.schema.THEMES")


def _score_ranges(table: TypedTable) -> Iterator[Problem]:
    """A score is 0-100 (higher is better), see model.schema.SIGNAL_KINDS."""
    for i, (kind, value) in enumerate(zip(table.values["kind"], table.values["value"], strict=True)):
        if table.usable(i, "kind", "value") and kind == "score" and isinstance(value, float):
            if not 0 <= value <= 100:
                yield Problem(table.columns.file, table.columns.lines[i], "value", table.columns.raw["value"][i],
                              "a score must be between 0 and 100")



def _catalogued(typed: Mapping[str, TypedTable], catalogue: Catalogue) -> Iterator[Problem]:
    """Evidence the catalogue does not know: indicators, relations, IRM completion values; signal themes."""
    where = f"the catalogue ({catalogue.file})"
    checks = (("signals", "indicator", catalogue.indicator_ids, "indicator",
               "with its theme, direction and weight"),
              ("engagements", "relation", catalogue.relation_ids, "relation", "with its grade and strength"),
              ("commitments", "irm_completion", catalogue.completion_values, "IRM completion value",
               "with the share still open"))
    for table_name, col, known, what, how in checks:
        table = typed.get(table_name)
        if table is None:
            continue
        for i, value in enumerate(table.values[col]):
            text = "" if value is None else str(value)
            if (value is None and table_name != "commitments") or not table.usable(i, col) or text in known:
                continue
            yield Problem(table.columns.file, table.columns.lines[i], col, table.columns.raw[col][i],
                          f"{what} '{text}' is not in {where}{did_you_mean(text, known)}; add it there {how}")
    signals = typed.get("signals")
    if signals is None:
        return
    themes = {i.id: i.theme for i in catalogue.indicators}
    for i, (indicator, theme) in enumerate(zip(signals.values["indicator"], signals.values["theme_id"], strict=True)):
        expected = themes.get(str(indicator))
        if expected is not None and theme is not None and theme != expected and signals.usable(i, "theme_id"):
            yield Problem(signals.columns.file, signals.columns.lines[i], "theme_id",
                          signals.columns.raw["theme_id"][i],
                          f"indicator '{indicator}' is about '{expected}' in {where}, not '{theme}'")
