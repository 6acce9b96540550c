"""Read one canonical CSV file robustly, reporting every structural problem.

`read_table` (``path -> (rows, problems)``) reads bytes and hands them to the pure
`parse_csv_bytes`. Values come back as the raw strings in the file (whitespace
and types are the validator's business, see ``loaders.load.validate``), keyed by the
table's column names, with the line each record starts on.

What is accepted and what is a `Problem`:

* UTF-8, with or without a byte-order mark (the BOM is stripped). Anything
  else (latin-1, cp1252, UTF-16) is a Problem naming the first bad byte's
  offset and line: the encoding is never guessed, because a wrong guess
  silently corrupts names.
* Quoted fields may contain commas, quotes (doubled) and newlines; a record
  that spans lines is located at its first line. Blank lines are skipped.
* A 0-byte file, or one with no header line, is a Problem; a header-only file
  is a valid table with zero rows.
* The header must contain every required column. Optional columns may be left
  out (their values are blank). **Unknown columns are rejected**, so that a typo
  such as ``hq_iso`` for ``hq_iso3`` is caught rather than silently dropped; the
  Problem suggests the closest known name. A duplicated column name is a Problem.
* A record with a different number of fields from the header, an unterminated
  quote, a NUL character (usually a binary or UTF-16 file), or a field larger
  than `MAX_FIELD_BYTES` (1 MiB) is a Problem. Python's own ``csv`` field size
  limit (128 KiB) is raised to the file's size so that the limit reported is
  ours and names the column.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import overload

from model.errors import Problem
from model.schema import TableSpec

__all__ = ["ARROW_MIN_BYTES", "MAX_FIELD_BYTES", "CleanRows", "CsvRow", "CsvTable", "parse_csv_bytes", "parse_table",
           "read_table"]

#: Files at least this large (in bytes) are read by pyarrow when they qualify (`_arrow_fields`); smaller
#: ones by ``csv.reader``, so that small datasets (the bundled one, tests) do not import pyarrow (0.13 s).
ARROW_MIN_BYTES = 256 * 1024

#: Largest accepted field, in UTF-8 bytes. Free text has a much lower limit in the validator;
#: this one keeps a corrupt file (say a missing closing quote) from being read as one huge value.
MAX_FIELD_BYTES = 1024 * 1024

_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
WHOLE_ROW = "*"  # in CsvRow.flagged: the whole record is unusable (wrong field count)


class CsvRow(dict[str, str]):
    """One record: column name -> raw value, plus where it is and what is already reported.

    Every column of the table's spec is present (a column missing from the header reads as
    ``""``). ``line`` is the 1-based line the record starts on; ``flagged`` names the columns
    (or `WHOLE_ROW`) whose values already have a Problem, so later checks can skip them
    instead of reporting the same fault twice.
    """

    def __init__(self, values: dict[str, str], line: int, flagged: set[str] | None = None) -> None:
        super().__init__(values)
        self.line = line
        self.flagged: set[str] = flagged if flagged is not None else set()


class CleanRows(Sequence[CsvRow]):
    """The rows of a structurally sound file whose records are one line each, made on access.

    A large file is held as its columns (lists of raw strings, in the header's order) rather than as
    one dict per row; `column` gives one column's raw values for column-at-a-time checks (the
    validator's fast path). The record at index ``i`` is on line ``i + 2`` (line 1 is the header).
    """

    def __init__(self, columns: Sequence[str], positions: dict[str, int], fields: list[list[str]]) -> None:
        self._index = [(c, positions.get(c)) for c in columns]
        self._fields = fields
        self._length = len(fields[0]) if fields else 0

    def __len__(self) -> int:
        return self._length

    @overload
    def __getitem__(self, i: int) -> CsvRow: ...

    @overload
    def __getitem__(self, i: slice) -> list[CsvRow]: ...

    def __getitem__(self, i: int | slice) -> CsvRow | list[CsvRow]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        if not 0 <= i < self._length:
            raise IndexError(i)
        return CsvRow({c: "" if p is None else self._fields[p][i] for c, p in self._index}, i + 2)

    def __iter__(self) -> Iterator[CsvRow]:
        for i in range(self._length):
            yield self[i]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]

    def column(self, name: str) -> Sequence[str]:
        """The raw values of one spec column, in file order (``""`` when the header lacks it)."""
        position = dict(self._index)[name]
        return ("",) * self._length if position is None else self._fields[position]


@dataclass
class CsvTable:
    """The result of parsing one file.

    ``complete`` is False when some records could not be read at all (file missing, empty,
    not UTF-8, malformed quoting), so the rows are not the whole table; ``missing_columns``
    lists spec columns absent from the header. ``rows`` is a `CleanRows` when the file has no
    problem at all and every record is one line.
    """

    file: str
    rows: Sequence[CsvRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    complete: bool = True
    missing_columns: frozenset[str] = frozenset()


def read_table(path: Path, spec: TableSpec) -> tuple[list[CsvRow], list[Problem]]:
    """Read one canonical CSV file: its rows and the structural problems found.

    Parameters
    ----------
    path : Path
        The CSV file; a missing or unreadable file is reported as a Problem, not raised.
    spec : TableSpec
        The table the file holds (`model.schema.TABLES`).

    Returns
    -------
    rows : list of CsvRow
        Raw string values keyed by column name, each with its starting ``line``.
    problems : list of Problem
        Empty when the file is structurally sound.
    """
    table = parse_table(path, spec)
    return list(table.rows), table.problems


def parse_table(path: Path, spec: TableSpec) -> CsvTable:
    """Like `read_table`, returning the full `CsvTable` (with ``complete`` and ``missing_columns``)."""
    name = path.name
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return _unreadable(name, None, f"missing file: every table needs its CSV, at least a header ({_header(spec)})")
    except OSError as e:
        return _unreadable(name, None, f"cannot read the file: {e.strerror or e}")
    return parse_csv_bytes(data, name, spec)


def parse_csv_bytes(data: bytes, name: str, spec: TableSpec) -> CsvTable:
    """Parse the bytes of one canonical CSV file (pure: no I/O).

    Parameters
    ----------
    data : bytes
        The whole file.
    name : str
        File name used in problems, e.g. ``"consortia.csv"``.
    spec : TableSpec
        The table's specification.

    Returns
    -------
    CsvTable

    Examples
    --------
    >>> from model.schema import TABLE_BY_NAME
    >>> spec = TABLE_BY_NAME["consortia"]
    >>> t = parse_csv_bytes(b'id,name,kind,source,as_of\\nbolg,"Beneficial\\nOwnership",partnership,m,2024\\n'
    ...                     b'x,y,network,m\\n', "consortia.csv", spec)
    >>> [(r.line, r["name"], r["confidence"]) for r in t.rows]
    [(2, 'Beneficial\\nOwnership', ''), (4, 'y', '')]
    >>> [(p.row, p.reason.split(":")[0]) for p in t.problems]
    [(4, 'wrong number of fields')]
    >>> print(parse_csv_bytes(b"", "consortia.csv", spec).problems[0])
    consortia.csv:1: empty file (0 bytes): expected a header line: id,name,kind,confidence,source,as_of
    """
    if not data:
        return _unreadable(name, 1, f"empty file (0 bytes): expected a header line: {_header(spec)}")
    if data.startswith(_UTF16_BOMS):
        return _unreadable(name, 1, "not UTF-8: the file is UTF-16 encoded; re-save it as UTF-8 (CSV UTF-8)")
    offset = 0
    if data.startswith(_UTF8_BOM):
        data, offset = data[len(_UTF8_BOM) :], len(_UTF8_BOM)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        return _not_utf8(data, name, e, offset)

    clean = _clean_table(text, name, spec, data)
    if clean is not None:
        return clean
    table = CsvTable(name)
    records = _records(text, table)
    if not records:
        table.problems.append(Problem(name, 1, None, None, f"no header line: expected {_header(spec)}"))
        table.complete = False
        return table
    header_line, header = records[0]
    positions = _read_header(header_line, header, spec, table)
    width = len(header)
    rows = [_row(line, fields, width, positions, spec, table) for line, fields in records[1:]]
    table.rows = rows
    return table


def _clean_table(text: str, name: str, spec: TableSpec, data: bytes | None = None) -> CsvTable | None:
    """The table of a file without any problem whose records are one line each; None otherwise.

    The fast path for large files: one pass of a CSV reader and a few whole-file checks instead of
    a check per field. Anything unusual (a quoted line break, a blank line, a lone carriage
    return, a malformed record, a NUL, a possibly oversized field, a header problem) returns None
    and the general path reads the file and reports each problem where it is. ``data`` is the
    file's UTF-8 bytes (``text`` encoded); from `ARROW_MIN_BYTES` on, pyarrow reads them
    (`_arrow_fields`), else ``csv.reader``.
    """
    if "\x00" in text or ("\r" in text and text.count("\r") != text.count("\r\n")):
        return None
    lines = text.count("\n") + (0 if text.endswith("\n") else 1)
    end = text.find("\n")
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
    fields = None
    if data is not None and len(data) >= ARROW_MIN_BYTES and end != -1:
        try:
            header = next(csv.reader([text[:end].removesuffix("\r")], strict=True), [])
        except csv.Error:
            return None
        fields = _arrow_fields(data, text, len(header), lines - 1)
    if fields is None:
        try:
            records = list(csv.reader(io.StringIO(text, newline=""), strict=True))
        except csv.Error:
            return None
        if not records or len(records) != lines or not all(records):
            return None  # some record spans lines, or there are blank lines: line numbers need the general path
        header, body = records[0], records[1:]
        width = len(header)
        if any(len(row) != width for row in body):
            return None
        longest = max(map(len, chain.from_iterable(body)), default=0) if len(text) * 4 > MAX_FIELD_BYTES else 0
        if longest * 4 > MAX_FIELD_BYTES:
            return None
        fields = [list(column) for column in zip(*body, strict=True)] if body else [[] for _ in header]
    if not header:  # a blank first line
        return None
    table = CsvTable(name)
    positions = _read_header(1, header, spec, table)
    if table.problems:
        return None
    table.rows = CleanRows(spec.column_names, positions, fields)
    return table


def _arrow_fields(data: bytes, text: str, width: int, rows: int) -> list[list[str]] | None:
    """The body of a one-line-per-record file as ``width`` columns of strings, read by pyarrow; or None.

    pyarrow's reader runs in C++ on every core: on large files it turns the body into columns of raw
    strings in well under half of ``csv.reader``'s time (``make bench``, ``bench/results/load.json``).

    It gives exactly ``csv.reader``'s fields when no record has a quoted line break and every ``"``
    belongs to a quoted field that starts and ends at a field boundary (`_plain_quotes`); otherwise,
    or when the reader disagrees with the header's width or skips a blank line (fewer than ``rows``
    records), or a field may be over `MAX_FIELD_BYTES`, it returns None and ``csv.reader`` decides.
    """
    if width == 0 or not _plain_quotes(text):
        return None
    import pyarrow as pa
    import pyarrow.compute as pc
    from pyarrow import csv as pa_csv

    names = [f"f{i}" for i in range(width)]
    try:
        table = pa_csv.read_csv(
            pa.py_buffer(data),
            read_options=pa_csv.ReadOptions(column_names=names, skip_rows=1, use_threads=True),
            parse_options=pa_csv.ParseOptions(newlines_in_values=False, ignore_empty_lines=True),
            convert_options=pa_csv.ConvertOptions(column_types=dict.fromkeys(names, pa.string()), null_values=[],
                                                  strings_can_be_null=False, quoted_strings_can_be_null=False),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None
    if table.num_rows != rows:
        return None
    for column in table.columns:
        longest = pc.max(pc.binary_length(column)).as_py() if rows else 0
        if longest is not None and longest > MAX_FIELD_BYTES:
            return None
    return [column.to_pylist() for column in table.columns]


#: A quoted field on one line, ending at a field boundary: ``"``, non-quotes and doubled quotes, ``"``. Read
#: left to right without backtracking (possessive), as a CSV reader reads it.
_QUOTED_FIELD = re.compile(r'"[^"\n]*+(?:""[^"\n]*+)*+"(?=[,\r\n]|\Z)')


def _plain_quotes(text: str) -> bool:
    """Whether every ``"`` in ``text`` (which has no NUL) is in a one-line quoted field at a field boundary.

    Then a quote-aware split at commas and line ends is the whole CSV grammar, and any two correct
    readers agree on the fields. Quoted fields are matched left to right and marked with a NUL;
    no quote may be left, and every mark must follow a comma, a line end or the start of the text.

    >>> _plain_quotes('a,"b, ""c"" d",e\\n"f",g\\n'), _plain_quotes('a,b"c,d\\n'), _plain_quotes('"a"b,c\\n')
    (True, False, False)
    >>> _plain_quotes('a,"b\\nc"\\n'), _plain_quotes('x,"a"\\r\\n'), _plain_quotes('no quotes at all\\n')
    (False, True, True)
    """
    if '"' not in text:
        return True
    marked = _QUOTED_FIELD.sub("\x00", text)
    if '"' in marked:
        return False
    return marked.count("\x00") == marked.count(",\x00") + marked.count("\n\x00") + marked.startswith("\x00")


def _records(text: str, table: CsvTable) -> list[tuple[int, list[str]]]:
    """Split text into (starting line, fields) records, reporting malformed quoting."""
    # the file cannot hold a field longer than itself: our own MAX_FIELD_BYTES check applies instead
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records: list[tuple[int, list[str]]] = []
    end = 0  # last line consumed so far
    while True:
        start = end + 1
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as e:
            table.complete = False
            message = str(e)
            if "unexpected end of data" in message:
                reason = f"unterminated quoted field: a '\"' opened in the record from line {start} is never closed"
            else:
                reason = f"malformed CSV ({message}): quote a field that contains '\"' and double the quotes inside it"
            table.problems.append(Problem(table.file, start, None, None, reason))
            if reader.line_num <= end:  # no progress: do not loop forever
                break
            end = reader.line_num
            continue
        end = reader.line_num
        if fields:  # a blank line reads as []
            records.append((start, fields))
    return records


def _read_header(line: int, header: list[str], spec: TableSpec, table: CsvTable) -> dict[str, int]:
    """Map each known column to its field index; report blank, duplicated, unknown and missing columns."""
    known = spec.column_names
    positions: dict[str, int] = {}
    seen: set[str] = set()
    for index, raw in enumerate(header):
        name = raw.strip()
        if not name:
            reason = f"blank column name (field {index + 1} of the header)"
            table.problems.append(Problem(table.file, line, None, raw, reason))
        elif name in seen:
            table.problems.append(Problem(table.file, line, name, None, "duplicated column in the header"))
        elif name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            hint = f"did you mean '{close[0]}'? " if close else ""
            table.problems.append(
                Problem(table.file, line, name, None, f"unknown column ({hint}expected columns: {', '.join(known)})")
            )
        else:
            positions[name] = index
        seen.add(name)
    missing = [c for c in spec.columns if c.name not in positions]
    for column in missing:
        if column.required:
            table.problems.append(Problem(table.file, line, column.name, None, "missing required column"))
    table.missing_columns = frozenset(c.name for c in missing)
    return positions


def _row(
    line: int, fields: list[str], width: int, positions: dict[str, int], spec: TableSpec, table: CsvTable
) -> CsvRow:
    """Build one CsvRow, reporting a wrong field count, NUL characters and oversized fields."""
    flagged = {c.name for c in spec.columns if c.required and c.name in table.missing_columns}
    if len(fields) != width:
        shown = ",".join(fields)
        table.problems.append(
            Problem(table.file, line, None, shown[:200],
                    f"wrong number of fields: expected {width} as in the header, found {len(fields)}"
                    " (quote values that contain commas)")
        )
        flagged.add(WHOLE_ROW)
    values: dict[str, str] = {}
    for column in spec.column_names:
        index = positions.get(column)
        value = fields[index] if index is not None and index < len(fields) else ""
        values[column] = value
        if "\x00" in value:
            table.problems.append(
                Problem(table.file, line, column, value[:200],
                        "contains a NUL character (\\x00): the file is probably binary or UTF-16;"
                        " re-save it as UTF-8 CSV")
            )
            flagged.add(column)
        elif len(value) * 4 > MAX_FIELD_BYTES and (size := len(value.encode("utf-8"))) > MAX_FIELD_BYTES:
            table.problems.append(
                Problem(table.file, line, column, value[:200],
                        f"field is {size:,} bytes, over the {MAX_FIELD_BYTES:,}-byte limit per field"
                        " (is a closing quote missing?)")
            )
            flagged.add(column)
    return CsvRow(values, line, flagged)


def _not_utf8(data: bytes, name: str, error: UnicodeDecodeError, offset: int) -> CsvTable:
    """The Problem for undecodable bytes: where the first bad byte is, never a guessed decoding."""
    line = data.count(b"\n", 0, error.start) + 1
    start = data.rfind(b"\n", 0, error.start) + 1
    stop = data.find(b"\n", error.start)
    shown = data[start : stop if stop != -1 else len(data)].decode("utf-8", "backslashreplace")
    bad = data[error.start]
    reason = (
        f"not UTF-8: byte 0x{bad:02x} at byte offset {error.start + offset} (line {line}) is not valid UTF-8"
        " (it may be latin-1 or Windows-1252); re-save it as UTF-8"
    )
    table = _unreadable(name, line, reason)
    table.problems[0] = Problem(name, line, None, shown[:200], reason)
    return table


def _unreadable(name: str, line: int | None, reason: str) -> CsvTable:
    return CsvTable(name, [], [Problem(name, line, None, None, reason)], complete=False)


def _header(spec: TableSpec) -> str:
    return ",".join(spec.column_names)
