"""The gap report as CSV: one UTF-8 file per table with a header row, zipped together.

Lists are joined with ``"; "``, missing values are empty, and text a spreadsheet would run as a formula is
neutralised (:mod:`presentation.safety`). The generated-at line is the first data row of ``summary.csv``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from presentation.safety import neutralise
from presentation.values import cell_value
from reports.archive import stable_zip, zip_time
from reports.gap_report import GENERATED_AT_LABEL, GapReport, generated_at_iso

__all__ = ["CSV_FILES", "csv_texts", "csv_zip", "table_csv", "tables_zip"]

#: File names, in order.
CSV_FILES = ("summary.csv", "coverage_by_theme.csv", "data_limits.csv", "trend.csv", "gaps.csv", "fragile.csv",
             "coverage_matrix.csv", "brokers.csv", "partner_suggestions.csv", "countries.csv", "methodology.csv",
             "provenance.csv")


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


def csv_texts(report: GapReport) -> dict[str, str]:
    """File name -> CSV text for every table of ``report`` (names :data:`CSV_FILES`)."""
    generated = [(GENERATED_AT_LABEL, generated_at_iso(report), "when this report was generated (UTC)")]
    frames = (report.summary, report.by_theme, report.limits, report.trend, report.gaps, report.fragile,
              report.coverage_matrix, report.brokers, report.partner_suggestions, report.countries,
              report.methodology, report.provenance)
    out = {}
    for name, frame in zip(CSV_FILES, frames, strict=True):
        out[name] = table_csv(frame, generated if name == "summary.csv" else ())
    return out


def csv_zip(report: GapReport) -> bytes:
    """The CSV files in one zip archive, members stamped with the load time (byte-stable)."""
    texts = csv_texts(report)
    return stable_zip([(name, texts[name].encode("utf-8")) for name in CSV_FILES], zip_time(report.loaded))


def tables_zip(report: Any) -> bytes:
    """Any report with ``tables()`` (sheet name -> table) as a zip of one CSV per table, named after the sheet
    (``Data limits`` -> ``data_limits.csv``); the generated-at line first in ``summary.csv``."""
    generated = [(GENERATED_AT_LABEL, generated_at_iso(report), "when this report was generated (UTC)")]
    members = []
    for title, frame in report.tables().items():
        name = title.lower().replace(" ", "_") + ".csv"
        members.append((name, table_csv(frame, generated if name == "summary.csv" else ()).encode("utf-8")))
    return stable_zip(members, zip_time(report.loaded))
