"""Read a returned intake workbook (or a CSV saved from one of its sheets) into raw cells, refusing what is not one.

Nothing here knows the graph: :mod:`loaders.intake.submission` checks every value against it. Refusals of the
file as a whole (too large, encrypted, corrupt, another version or shape) raise :class:`UnreadableIntake`
(exit 65) naming the file; cell problems are collected as located problems ``file:sheet:row: column 'x'``.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from model.errors import OgpnetError, Problem
from model.intake import MAX_BYTES, ORGANISATION_FIELDS, SHEET_BY_NAME, SHEETS, VERSION

__all__ = ["Cell", "Returned", "UnreadableIntake", "read_returned"]

#: An Excel file encrypted with a password (or a legacy .xls) is an OLE compound file, not a zip.
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class UnreadableIntake(OgpnetError):
    """A returned file that cannot be read as an intake workbook at all; ``problems`` names it."""

    default_hint = ("nothing was written; ask the partner for the workbook as sent (`ogpnet intake template`), "
                    "saved unprotected as .xlsx")
    exit_code = 65  # EX_DATAERR: an input file that cannot be read as the data model requires

    def __init__(self, file: str, reason: str) -> None:
        self.problems = [Problem(file, None, None, None, reason)]
        super().__init__(f"{file}: {reason}")


@dataclass(frozen=True)
class Cell:
    """A value as read, where it was: ``sheet``, 1-based ``row``, the column's ``header``; ``formula`` when the
    cell holds a formula (refused: a partner types values)."""

    value: Any
    sheet: str
    row: int
    header: str
    formula: bool = False


@dataclass
class Returned:
    """The content of one returned file: its name, the organisation it is about (``""`` = a new one), the
    template's themes, the organisation form and each data sheet's rows (field -> :class:`Cell`)."""

    file: str
    path: Path
    organisation_id: str = ""
    themes: tuple[str, ...] = ()
    form: dict[str, Cell] = field(default_factory=dict)
    rows: dict[str, list[dict[str, Cell]]] = field(default_factory=dict)
    is_csv: bool = False


def read_returned(path: Path) -> Returned:
    """Read ``path`` (.xlsx workbook or .csv of one sheet) as an intake return.

    Raises
    ------
    UnreadableIntake
        Missing, too large, encrypted, corrupt, of another version, or not of the template's shape.
    """
    name = path.name
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise UnreadableIntake(name, "not a file")
    except OSError as e:
        raise UnreadableIntake(name, f"cannot be read: {e.strerror or e}") from None
    if size > MAX_BYTES:
        raise UnreadableIntake(name, f"is {size / 1e6:.1f} MB; an intake workbook is at most "
                                     f"{MAX_BYTES // (1024 * 1024)} MB (a filled one is well under 1 MB): "
                                     "is it the right file?")
    data = path.read_bytes()
    if path.suffix.lower() == ".csv":
        return _read_csv(path, data)
    if data[:8] == _OLE_MAGIC:
        raise UnreadableIntake(name, "is password-protected (encrypted) or an old .xls workbook; save it "
                                     "without a password as .xlsx")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise UnreadableIntake(name, "is not an .xlsx workbook (corrupt, or another kind of file)")
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), data_only=False)
    except Exception as e:  # noqa: BLE001 - openpyxl raises many kinds for a damaged package
        raise UnreadableIntake(name, f"is a damaged .xlsx workbook ({type(e).__name__})") from None
    if "About" not in wb.sheetnames:
        raise UnreadableIntake(name, "is not an ogpnet intake workbook (no About sheet); send the partner a "
                                     "template from `ogpnet intake template`")
    about = {str(r[0].value): r[1].value for r in wb["About"].iter_rows(min_row=1, max_col=2) if r[0].value}
    if about.get("version") != VERSION:
        raise UnreadableIntake(name, f"is an intake workbook of version {about.get('version')!r}; this ogpnet "
                                     f"reads {VERSION!r}: send the partner a new template")
    missing = [s for s in ("Organisation", *SHEET_BY_NAME) if s not in wb.sheetnames]
    if missing:
        raise UnreadableIntake(name, f"has no sheet {', '.join(map(repr, missing))} (renamed or deleted?): "
                                     "the sheets must stay as the template has them")
    returned = Returned(name, path, organisation_id=str(about.get("organisation_id") or ""),
                        themes=tuple(t for t in str(about.get("themes") or "").split(";") if t))
    form = wb["Organisation"]
    fields = {f.field for f in ORGANISATION_FIELDS}
    for row in form.iter_rows(min_row=2, max_col=3):
        key = row[2].value
        if key in fields:
            label = str(row[0].value or key).rstrip(" *")
            returned.form[str(key)] = Cell(row[1].value, "Organisation", row[1].row, label, row[1].data_type == "f")
    absent = fields - set(returned.form)
    if absent:
        raise UnreadableIntake(name, f"sheet 'Organisation' lacks the row(s) {', '.join(sorted(absent))} "
                                     "(deleted?): the form must stay as the template has it")
    for sheet in SHEETS:
        ws = wb[sheet.name]
        header = [str(c.value or "").rstrip(" *") for c in next(ws.iter_rows(min_row=1, max_row=1))]
        _check_header(name, sheet.name, header[:len(sheet.columns)], sheet.headers)
        rows = []
        for cells in ws.iter_rows(min_row=2, max_col=len(sheet.columns)):
            values = {c.field: Cell(cell.value, sheet.name, cell.row, c.header, cell.data_type == "f")
                      for c, cell in zip(sheet.columns, cells, strict=False)}
            if any(_filled(v.value) for f, v in values.items() if not _hidden(sheet.name, f)):
                rows.append(values)
        returned.rows[sheet.name] = rows
    return returned


def _read_csv(path: Path, data: bytes) -> Returned:
    """A CSV saved from one data sheet: its header (with the hidden id columns) says which sheet it is."""
    name = path.name
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnreadableIntake(name, "is not UTF-8 text; save the sheet as 'CSV UTF-8'") from None
    try:
        records = list(csv.reader(io.StringIO(text)))
    except csv.Error as e:
        raise UnreadableIntake(name, f"is not well-formed CSV ({e})") from None
    if not records:
        raise UnreadableIntake(name, "is empty")
    header = [h.strip().rstrip(" *") for h in records[0]]
    sheet = next((s for s in SHEETS if header[:len(s.columns)] == s.headers), None)
    if sheet is None:
        raise UnreadableIntake(name, "is not a CSV of an intake sheet: its header must be that of the "
                                     "Engagements, Expertise or Memberships sheet, with the hidden id columns "
                                     f"(for example: {', '.join(SHEETS[0].headers)})")
    returned = Returned(name, path, is_csv=True)
    rows = []
    for line, record in enumerate(records[1:], start=2):
        values = {c.field: Cell(record[i] if i < len(record) else None, sheet.name, line, c.header,
                                str(record[i] if i < len(record) else "").startswith("="))
                  for i, c in enumerate(sheet.columns)}
        if any(_filled(v.value) for f, v in values.items() if not _hidden(sheet.name, f)):
            rows.append(values)
    returned.rows = {s.name: (rows if s is sheet else []) for s in SHEETS}
    orgs = {str(r["organisation_id"].value or "").strip() for r in rows}
    if len(orgs) != 1 or not next(iter(orgs)):
        raise UnreadableIntake(name, "every row must carry the same organisation id (the hidden 'organisation "
                                     "id' column of the template)")
    returned.organisation_id = orgs.pop()
    return returned


def _check_header(file: str, sheet: str, found: list[str], expected: list[str]) -> None:
    if found != expected:
        raise UnreadableIntake(file, f"sheet {sheet!r} has the columns {found} where the template has "
                                     f"{expected}: the columns must stay as the template has them")


def _hidden(sheet: str, fld: str) -> bool:
    return any(c.hidden for c in SHEET_BY_NAME[sheet].columns if c.field == fld)


def _filled(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())
