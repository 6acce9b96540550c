"""Source adapters: one module per public data format, each a set of pure parsers.

A parser reads one file (or one family of files) and returns a :class:`ParseResult`:
rows for the canonical tables of :mod:`model.schema` (plus the ``sources`` row that
describes the file) and an :class:`Issue` for every row or value it skipped or
repaired. Parsers never touch Neo4j and never write files; :mod:`loaders.build.dataset`
merges their results into the dataset.

Row numbers in issues are spreadsheet rows for CSV files (the header is row 1, the
first record row 2, whatever the number of physical lines a record spans) and
1-based item positions for JSON arrays; 0 means the whole file.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from loaders.textio import read_text

Row = dict[str, Any]

SKIPPED = "skipped"
REPAIRED = "repaired"
MERGED = "merged"
NOTED = "noted"


class SourceFormatError(ValueError):
    """A source file does not have the layout its parser expects (e.g. a missing column)."""


@dataclass(frozen=True, order=True)
class Issue:
    """A row or value that a parser or the builder skipped, repaired, merged or noted."""

    file: str
    row: int
    field: str
    reason: str
    action: str = SKIPPED


@dataclass
class ParseResult:
    """Canonical-table rows produced from one source, with the issues met on the way.

    Each row carries ``_origin`` = ``(file, row)`` so that the builder can report a
    row it drops later (for instance a signal about a country that is not an OGP
    member) against the raw file and row it came from.
    """

    rows: dict[str, list[Row]] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)

    def add(self, table: str, row: Row, file: str = "", line: int = 0) -> None:
        """Append ``row`` to ``table``, remembering where it came from."""
        self.rows.setdefault(table, []).append({**row, "_origin": (file, line)})

    def issue(self, file: str, line: int, fld: str, reason: str, action: str = SKIPPED) -> None:
        """Record an issue."""
        self.issues.append(Issue(file, line, fld, reason, action))

    def extend(self, other: ParseResult) -> ParseResult:
        """Add all rows and issues of ``other`` to this result; returns self."""
        for table, rows in other.rows.items():
            self.rows.setdefault(table, []).extend(rows)
        self.issues.extend(other.issues)
        return self

    def count(self, table: str) -> int:
        """Number of rows produced for ``table``."""
        return len(self.rows.get(table, []))


def iter_csv(path: Path, result: ParseResult | None = None) -> Iterator[tuple[int, dict[str, str]]]:
    """``(spreadsheet row, record)`` for each record of a CSV file, all values as text.

    Values are never interpreted: ``NA`` (Namibia), ``ND`` and blanks stay strings. The file is read with
    the loaders' one encoding policy (:func:`loaders.textio.read_text`: UTF-8, refused otherwise).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = p.write_text('code,name\\nNA,"Namibia"\\n', encoding="utf-8")
    >>> list(iter_csv(p))
    [(2, {'code': 'NA', 'name': 'Namibia'})]
    """
    text = read_text(path)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    for number, record in enumerate(reader, start=2):
        yield number, {k: (v or "") for k, v in record.items() if k is not None}


def csv_header(path: Path) -> list[str]:
    """The header row of a CSV file."""
    text = read_text(path)
    return next(csv.reader(io.StringIO(text, newline="")), [])


def source_row(source_id: str, name: str, url: str, licence: str, as_of: str) -> Row:
    """A row of ``sources.csv``."""
    return {"id": source_id, "name": name, "url": url, "licence": licence, "as_of": as_of}
