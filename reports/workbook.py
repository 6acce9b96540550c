"""The gap report as one Excel workbook (openpyxl).

Every sheet is one table with its header in row 1: frozen header (and, in the coverage matrix, the member
columns), an autofilter over the table, column widths from the content, numbers stored as numbers, lists
joined with ``"; "``. Text is neutralised against formula injection (:mod:`presentation.safety`), data names
included. The Summary sheet's first data row is the generated-at line; the workbook's created/modified
properties and the zip members' timestamps are the load time, so the same report gives the same bytes.
"""

from __future__ import annotations

import io
import zipfile
from typing import TYPE_CHECKING, Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from graph.analysis import STATUSES
from presentation.colours import STATUS_COLOURS, STATUS_TEXT_COLOURS, excel_rgb
from presentation.labels import NUMBER, SHARE
from presentation.safety import neutralise
from presentation.values import cell_value
from reports.archive import restamp_zip, zip_time
from reports.charts import add_excel_chart, status_chart, trend_chart
from reports.gap_report import GENERATED_AT_LABEL, GapReport, generated_at_iso
from reports.readable import DATE_COLUMNS, as_date, shown

if TYPE_CHECKING:
    from reports.screen_report import ScreenReport

__all__ = ["excel_value", "workbook_bytes"]

_HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
_HEADER_FONT = Font(bold=True)
_MAX_CELL = 32_000  # Excel holds at most 32,767 characters in a cell
_MAX_WIDTH = 50
_WRAPPED = {"evidence", "explanation", "licence", "note", "top_gaps", "reachable", "commitments", "need_signals",
            "achievements", "pledges", "failed"}
_WRAP_WIDTH = 70
_THREE_DECIMALS = {"betweenness", "constraint", "z_total", "score", "jaccard", "resource_allocation"}


def excel_value(value: Any) -> Any:
    """The value to store in a cell: numbers and booleans as they are, text cleaned and neutralised.

    >>> excel_value('=HYPERLINK("http://x","y")')
    '\\'=HYPERLINK("http://x","y")'
    >>> excel_value(["a", "b"]), excel_value(2.5), excel_value(float("nan"))
    ('a; b', 2.5, None)
    """
    plain = cell_value(value)
    if isinstance(plain, str):
        plain = neutralise(plain)
        if len(plain) > _MAX_CELL:
            plain = plain[: _MAX_CELL - 1] + "…"
    return plain


def workbook_bytes(report: GapReport | ScreenReport) -> bytes:
    """The ``.xlsx`` bytes of ``report``: one sheet per table of ``report.tables()``, in order (the gap report's
    Summary and Coverage matrix get their extras)."""
    wb = Workbook()
    wb.remove(wb.active)
    generated = [(GENERATED_AT_LABEL, generated_at_iso(report), "when this report was generated (UTC)")]
    names: dict[str, str] = getattr(report, "names", {}) or {}
    first = next(iter(report.tables()), None)
    for title, frame in report.tables().items():
        ws = wb.create_sheet(title)
        if title == first:
            end = _write_table(ws, frame, names, first_rows=generated)
            if title == "Executive summary" and isinstance(report, GapReport):
                _charts(wb, ws, report, end)
            elif title == "Summary" and isinstance(report, GapReport):
                _summary_extras(ws, report, end)
        elif title == "Summary" and isinstance(report, GapReport):
            _summary_extras(ws, report, _write_table(ws, frame, names))
        elif title == "Coverage matrix" and isinstance(report, GapReport):
            _write_table(ws, frame, names, freeze="C2")
            _colour_statuses(ws, frame, list(report.themes))
        else:
            _write_table(ws, frame, names)
    if "Chart data" in wb.sheetnames:  # the charts' numbers go last
        wb.move_sheet("Chart data", offset=len(wb.sheetnames) - 1 - wb.sheetnames.index("Chart data"))
    when = zip_time(report.loaded)
    wb.properties.creator = "ogpnet"
    wb.properties.lastModifiedBy = "ogpnet"
    wb.properties.title = report.title
    wb.properties.created = when
    wb.properties.modified = when
    buffer = io.BytesIO()
    # ExcelWriter rather than Workbook.save: save() stamps `modified` with the current time
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(wb, archive).write_data()
    return restamp_zip(buffer.getvalue(), when)


def _write_table(ws: Worksheet, frame: pd.DataFrame, names: dict[str, str] | None = None, *,
                 first_rows: list[tuple[Any, ...]] | None = None, start_row: int = 1, freeze: str | None = "A2",
                 autofilter: bool = True) -> int:
    """Write ``frame`` as people read it (:func:`reports.readable.shown`: labelled headers, names first) with a
    styled header at ``start_row``; returns the last row written."""
    table = shown(frame, names)
    columns = [str(c) for c in table.frame.columns]
    for j, name in enumerate(columns, start=1):
        cell = ws.cell(row=start_row, column=j, value=excel_value(name))
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
    rows = list(first_rows or []) + list(table.frame.itertuples(index=False, name=None))
    for i, row in enumerate(rows, start=start_row + 1):
        for j, value in enumerate(row, start=1):
            column_id = table.ids[j - 1] if j - 1 < len(table.ids) else ""
            day = as_date(value) if column_id in DATE_COLUMNS else None
            cell = ws.cell(row=i, column=j, value=day or excel_value(value))
            if day is not None:
                cell.number_format = "yyyy-mm-dd"
    last = start_row + len(rows)
    _format_columns(ws, table.ids, table.kinds, columns, start_row, last, rows)
    if freeze:
        ws.freeze_panes = freeze
    if autofilter and columns:
        ws.auto_filter.ref = f"A{start_row}:{get_column_letter(len(columns))}{max(last, start_row)}"
    if start_row == 1:  # printing: landscape, one page wide, header repeated on every page
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_title_rows = "1:1"
    return last


def _format_columns(ws: Worksheet, ids: list[str], kinds: list[str], columns: list[str], header: int, last: int,
                    rows: list[tuple[Any, ...]]) -> None:
    for j, (column_id, kind, name) in enumerate(zip(ids, kinds, columns, strict=True), start=1):
        letter = get_column_letter(j)
        values = [excel_value(r[j - 1]) for r in rows[:2000] if j - 1 < len(r)]
        longest = max([len(name)] + [len(_shown(v)) for v in values if v is not None])
        wrap = column_id in _WRAPPED and longest > _WRAP_WIDTH
        width = _WRAP_WIDTH if wrap else min(max(longest + 2, 8), _MAX_WIDTH)
        # a second table on the sheet (Summary) only widens the columns of the first
        earlier = ws.column_dimensions[letter].width if letter in ws.column_dimensions else 0
        ws.column_dimensions[letter].width = max(width, earlier or 0)
        number_format = ("0.0%" if kind == SHARE else "0.000" if column_id in _THREE_DECIMALS
                         else "#,##0.00" if kind == NUMBER else "0.000")
        for i in range(header + 1, last + 1):
            cell = ws.cell(row=i, column=j)
            if isinstance(cell.value, float):
                cell.number_format = "#,##0" if cell.value.is_integer() and kind == NUMBER else number_format
            elif isinstance(cell.value, int) and not isinstance(cell.value, bool):
                cell.number_format = "0.0%" if kind == SHARE else "#,##0"
            if wrap:
                cell.alignment = Alignment(wrap_text=True, vertical="top")


def _shown(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def _summary_extras(ws: Worksheet, report: GapReport, end: int) -> None:
    for row in range(2, end + 1):
        if ws.cell(row=row, column=1).value == "Gap share":
            ws.cell(row=row, column=2).number_format = "0.0%"
    title_row = end + 2
    ws.cell(row=title_row, column=1, value="Coverage by theme").font = Font(bold=True, size=12)
    _write_table(ws, report.by_theme, report.names, start_row=title_row + 1, freeze=None, autofilter=False)


def _charts(wb: Workbook, ws: Worksheet, report: GapReport, end: int) -> None:
    """Native Excel charts under the executive summary (status per theme, trend), their numbers on a sheet of
    their own at the end."""
    data = wb.create_sheet("Chart data")
    row = 1
    anchor_row = end + 3
    ws.cell(row=end + 2, column=1, value="Charts").font = Font(bold=True, size=12)
    bars = status_chart(report.by_theme)
    row = add_excel_chart(ws, bars, data, row, f"A{anchor_row}")
    lines = trend_chart(report.trend)
    add_excel_chart(ws, lines, data, row, f"A{anchor_row + int(max(7.0, 0.55 * len(bars.categories) + 3) * 2) + 2}")


def _colour_statuses(ws: Worksheet, frame: pd.DataFrame, themes: list[str]) -> None:
    fills = {s: PatternFill("solid", fgColor=excel_rgb(c)) for s, c in STATUS_COLOURS.items()}
    fonts = {s: Font(color=excel_rgb(c)) for s, c in STATUS_TEXT_COLOURS.items()}
    centred = Alignment(horizontal="center")
    for j, name in enumerate(frame.columns, start=1):
        if name not in themes:
            continue
        ws.column_dimensions[get_column_letter(j)].width = max(len(name) + 2, 10)
        for i in range(2, len(frame) + 2):
            cell = ws.cell(row=i, column=j)
            if cell.value in STATUSES:
                cell.fill = fills[cell.value]
                cell.font = fonts[cell.value]
                cell.alignment = centred
