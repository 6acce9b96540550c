"""Reports as CSV: one UTF-8 file per table with a header row (the labels people read), zipped together with
``columns.csv``, which maps every label to its machine id.

Decision: the headers are the same labels as in the workbook and the page, so an analyst who opens a CSV
reads what the director read; tools that need stable ids read ``columns.csv`` (file, column label, id,
kind, meaning) or use the CLI's JSON, whose keys are the ids.

Lists are joined with ``"; "``, missing values are empty, and text a spreadsheet would run as a formula is
neutralised (:mod:`presentation.safety`). The generated-at line is the first data row of ``summary.csv``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from presentation.labels import COLUMNS
from presentation.safety import neutralise
from presentation.values import cell_value
from reports.archive import stable_zip, zip_time
from reports.gap_report import GENERATED_AT_LABEL, GapReport, generated_at_iso
from reports.readable import shown

__all__ = ["COLUMNS_FILE", "CSV_FILES", "csv_texts", "csv_zip", "table_csv"]

#: File names of the gap report's zip, in order.
CSV_FILES = ("executive_summary.csv", "top_gaps.csv", "summary.csv", "data_limits.csv", "trend.csv", "gaps.csv",
             "fragile.csv", "coverage_matrix.csv", "brokers.csv", "partner_suggestions.csv", "methodology.csv",
             "provenance.csv", "coverage_by_theme.csv", "countries.csv", "columns.csv")
#: The file documenting every column of every other file.
COLUMNS_FILE = "columns.csv"


def table_csv(frame: pd.DataFrame, first_rows: Iterable[Sequence[Any]] = ()) -> str:
    """CSV text of ``frame`` (header first), each cell made plain and neutralised.

    ``first_rows`` are written right after the header, before the frame's rows.

    Examples
    --------
    >>> frame = pd.DataFrame({"name": ["=1+1", "Open Ownership"], "orgs": [["a", "b"], []], "n": [1, None]})
    >>> print(table_csv(frame), end="")
    name,orgs,n
    '=1+1,a; b,1.0
    Open Ownership,,
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([_text(c) for c in frame.columns])
    for row in first_rows:
        writer.writerow([_text(v) for v in row])
    for row in frame.itertuples(index=False, name=None):
        writer.writerow([_text(v) for v in row])
    return buffer.getvalue()


def _text(value: Any) -> Any:
    plain = cell_value(value)
    if plain is None:
        return ""
    return neutralise(plain) if isinstance(plain, str) else plain


def csv_texts(report: Any) -> dict[str, str]:
    """File name -> CSV text for every table of ``report`` (a gap report, a brief or a screening report).

    One file per sheet of the workbook, named after it (``Data limits`` -> ``data_limits.csv``), plus the gap
    report's ``coverage_by_theme.csv`` and ``countries.csv``. Headers are the labels the workbook and the page
    show, columns in the same reading order (:func:`reports.readable.shown`); ``columns.csv`` documents every
    column of every file: its label, its machine id (as in the JSON of the CLI), its kind and what it means.
    The generated-at line is the first data row of the first file.
    """
    generated = [(GENERATED_AT_LABEL, generated_at_iso(report), "when this report was generated (UTC)")]
    names = getattr(report, "names", None)
    frames = list(report.tables().items())
    if isinstance(report, GapReport):
        frames += [("Coverage by theme", report.by_theme), ("Countries", report.countries)]
    out: dict[str, str] = {}
    documented: list[tuple[str, str, str, str, str]] = []
    for i, (title, frame) in enumerate(frames):
        name = title.lower().replace(" ", "_") + ".csv"
        table = shown(frame, names)
        out[name] = table_csv(table.frame, generated if i == 0 else ())
        documented += [(name, str(label), column_id, kind, COLUMNS[column_id].help if column_id in COLUMNS else "")
                       for label, column_id, kind in zip(table.frame.columns, table.ids, table.kinds, strict=True)]
    out[COLUMNS_FILE] = table_csv(pd.DataFrame(documented, columns=["file", "column", "id", "kind", "meaning"]))
    return out


def csv_zip(report: Any) -> bytes:
    """The CSV files in one zip archive, members stamped with the load time (byte-stable)."""
    texts = csv_texts(report)
    return stable_zip(list((name, text.encode("utf-8")) for name, text in texts.items()), zip_time(report.loaded))

