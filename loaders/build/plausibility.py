"""What a plausible newer export of a source looks like, checked before ``ogpnet load --source`` uses it.

A raw file that replaces one of the bundled exports (:data:`loaders.build.dataset.SOURCE_FILES`) must look like
that source's export before anything is built from it, and the build must not silently lose what the previous
load of that source held. Each replaceable source declares an :class:`Expectation`:

* its *form*: a CSV file with a header, or a JSON array of objects;
* the *required fields* its parser reads (CSV header columns, keys of each JSON object);
* at least ``min_records`` records;
* ``min_recognised``: the share of records that must give at least one row of the dataset (a file of another
  source, or one whose values are garbage, gives few);
* ``max_shrink``: the share of the rows of its source (per table) that may disappear compared with the graph's
  current load before the user must confirm with ``--allow-shrink``.

The thresholds sit well below what the bundled exports give (recognised shares: commitments 1.0, Open
Ownership 0.59, OCP 0.50, GDB 1.0, Open Budget Survey 1.0), so a genuinely newer export passes and an empty,
header-only, truncated, wrong-kind or garbage file does not. Every problem is a :class:`~model.errors.Problem`
naming the file, the record and the field.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from loaders.build.sources import ParseResult
from loaders.textio import read_text
from model.errors import Problem, ValidationError

__all__ = ["EXPECTATIONS", "Expectation", "check_export", "check_recognised", "check_shrink"]


@dataclass(frozen=True)
class Expectation:
    """What a plausible export of one replaceable source looks like (see the module docstring)."""

    source: str  # the ``--source`` name
    source_id: str  # the id its rows carry in ``sources.csv``
    form: str  # "csv" | "json-array"
    required: tuple[str, ...]
    min_records: int
    min_recognised: float
    max_shrink: float = 0.2


#: ``--source`` name -> its expectation.
EXPECTATIONS: dict[str, Expectation] = {e.source: e for e in (
    Expectation("ogp-commitments", "ogp-commitments", "csv",
                ("Commitment Unique Identifier", "Country/Locality", "Code", "National Or Local",
                 "Year Of Submission", "Commitment Title"), min_records=50, min_recognised=0.5),
    Expectation("open-ownership", "oo-tracker-2022", "csv",
                ("notion_id", "name", "iso2", "committed", "involved", "involvement", "commitments_html",
                 "last_updated"), min_records=50, min_recognised=0.25),
    Expectation("ocp", "ocp-map", "json-array", ("iso", "name", "results"), min_records=50, min_recognised=0.2),
    Expectation("gdb", "gdb-2022", "json-array", ("iso", "SCORE"), min_records=20, min_recognised=0.5),
    Expectation("obs", "ibp-obs-2019", "csv", ("COUNTRY", "YEAR", "OPEN_BUDGET_INDEX"), min_records=20,
                min_recognised=0.5),
)}


def check_export(source: str, path: Path) -> int:
    """Check the form, the required fields and the number of records of a newer export; returns the number of
    records.

    Raises
    ------
    ValidationError
        Exit code 2, with every problem located (file, record, field); nothing is built or written.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "summary.csv"
    >>> _ = p.write_text("COUNTRY,YEAR\\nKE,2019\\n", encoding="utf-8")
    >>> check_export("obs", p)
    Traceback (most recent call last):
    ...
    model.errors.ValidationError: summary.csv is not a plausible obs export: 2 problems
    """
    spec = EXPECTATIONS[source]
    text = read_text(path)  # not UTF-8: a located ValidationError already
    problems: list[Problem] = []
    name = path.name
    if spec.form == "csv":
        records = _csv_records(text, name, spec, problems)
    else:
        records = _json_records(text, name, spec, problems)
    if records < spec.min_records and not any(p.row is None for p in problems):
        problems.append(Problem(name, None, None, None, f"{records} record(s); an export of {source} has at least "
                                                        f"{spec.min_records} (empty, header-only or truncated?)"))
    if problems:
        raise ValidationError(problems, f"{name} is not a plausible {source} export: {_count(problems)}",
                              hint=f"nothing was written; give an unmodified export of {source} (the graph keeps "
                                   "its current data)")
    return records


def check_recognised(source: str, path: Path, records: int, results: Sequence[ParseResult]) -> None:
    """Refuse an export of which too few records gave a row of the dataset (another source's file, garbage
    values): ``results`` are the parsers' results of the build that used ``path``."""
    spec = EXPECTATIONS[source]
    used = {row["_origin"][1] for result in results for rows in result.rows.values() for row in rows
            if row.get("_origin", ("", 0))[0] == path.name and row["_origin"][1]}
    share = len(used) / records if records else 0.0
    if share < spec.min_recognised:
        skipped = [i for result in results for i in result.issues if i.file == path.name][:5]
        examples = [Problem(path.name, i.row or None, i.field or None, None, i.reason) for i in skipped]
        raise ValidationError(
            [Problem(path.name, None, None, None,
                     f"only {len(used)} of {records} records ({share:.0%}) give any data; a {source} export gives "
                     f"at least {spec.min_recognised:.0%} (a file of another source, or values it cannot read?)"),
             *examples],
            f"{path.name} is not a plausible {source} export: {share:.0%} of its records are usable",
            hint="nothing was written; give an unmodified export of that source")


def check_shrink(source: str, path: Path, before: Mapping[str, int], after: Mapping[str, int],
                 allow_shrink: bool) -> None:
    """Refuse a load that would remove more than ``max_shrink`` of the rows of the source's tables
    (``before``: rows per table of its source id in the graph now; ``after``: in the new build), unless
    ``allow_shrink``.

    >>> check_shrink("gdb", Path("m.json"), {"signals": 1400}, {"signals": 1300}, False)  # 7%: fine
    >>> check_shrink("gdb", Path("m.json"), {"signals": 1400}, {"signals": 0}, False)
    Traceback (most recent call last):
    ...
    model.errors.ValidationError: loading m.json would remove 1400 of the 1400 signals rows of gdb-2022
    """
    spec = EXPECTATIONS[source]
    problems = []
    for table, old in sorted(before.items()):
        new = after.get(table, 0)
        if old and new < old * (1 - spec.max_shrink):
            problems.append(Problem(path.name, None, table, None,
                                    f"would remove {old - new} of the {old} {table} rows of {spec.source_id} now in "
                                    f"the graph (more than {spec.max_shrink:.0%})"))
    if problems and not allow_shrink:
        first = problems[0]
        lost = int(first.reason.split()[2])
        raise ValidationError(problems, f"loading {path.name} would remove {lost} of the "
                                        f"{before[first.column or '']} {first.column} rows of {spec.source_id}",
                              hint="nothing was written; if the newer export really holds less, run again with "
                                   "--allow-shrink")


# -- helpers -----------------------------------------------------------------------------------------------


def _csv_records(text: str, name: str, spec: Expectation, problems: list[Problem]) -> int:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, [])
    except csv.Error as e:
        problems.append(Problem(name, 1, None, None, f"not CSV ({e})"))
        return 0
    if not any(h.strip() for h in header):
        problems.append(Problem(name, None, None, None, "empty file: no header row"))
        return 0
    missing = [c for c in spec.required if c not in header]
    for column in missing:
        problems.append(Problem(name, 1, column, None, f"required column missing from the header (a {spec.source} "
                                                       "export has it)"))
    records = 0
    try:
        for line, row in enumerate(reader, start=2):
            if not row:
                continue
            records += 1
            if len(row) != len(header):
                problems.append(Problem(name, line, None, None, f"{len(row)} fields where the header has "
                                                                f"{len(header)} (a truncated or damaged file?)"))
                if len(problems) >= 20:
                    break
    except csv.Error as e:
        problems.append(Problem(name, reader.line_num, None, None, f"not CSV ({e})"))
    return records


def _json_records(text: str, name: str, spec: Expectation, problems: list[Problem]) -> int:
    try:
        data: Any = json.loads(text)
    except json.JSONDecodeError as e:
        problems.append(Problem(name, e.lineno, None, None, f"not JSON: {e.msg} at column {e.colno} (a truncated "
                                                            "file?)"))
        return 0
    except RecursionError:
        problems.append(Problem(name, None, None, None, "not JSON: nested too deeply"))
        return 0
    if not isinstance(data, list):
        problems.append(Problem(name, None, None, None, f"a {spec.source} export is a JSON array of objects, not "
                                                        f"a {type(data).__name__}"))
        return 0
    for position, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            problems.append(Problem(name, position, None, None, f"item is a {type(item).__name__}, not an object"))
        else:
            problems.extend(Problem(name, position, key, None, "required field missing")
                            for key in spec.required if key not in item)
        if len(problems) >= 20:
            break
    return len(data)


def _count(problems: Sequence[Problem]) -> str:
    return f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
