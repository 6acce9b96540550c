"""How a result table reads in every report format (Excel, HTML, PDF, CSV): one place, so they all agree.

:func:`shown` turns a result table (machine column ids, ids in cells) into what people read: columns in
reading order (names first, ids beside them, :func:`presentation.labels.reading_order`), labelled headers
(:func:`presentation.labels.labelled`), sectors and statuses in words, organisation ids as ``Name (id)``.
Numbers stay numbers; each column keeps its id and its kind (number, share, …) so every writer formats a
share as a percentage and a whole number without decimals, and :func:`display` gives the text a page shows.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from presentation.labels import (
    ORGANISATION_LISTS,
    SHARE,
    column_kind,
    labelled,
    readable_value,
    reading_order,
)
from presentation.values import cell_value, display_number

__all__ = ["PRINT_COLUMNS", "PRINT_ROWS", "ShownTable", "as_date", "display", "shown"]

_FULL_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ][0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$")
#: Columns that hold a date (a full ISO date becomes a real date in Excel; a year or a month stays text).
DATE_COLUMNS = frozenset({"as_of", "loaded", "since", "until"})


#: The columns a printed page (and the PDF) shows of each wide table: what a reader needs on paper. Every column
#: stays in the Excel, CSV and HTML versions; the printed table says so.
PRINT_COLUMNS: dict[str, tuple[str, ...]] = {
    "gaps": ("member_name", "member_id", "theme_name", "demand", "n_commitments", "n_pledges", "n_need_signals",
             "n_achievements", "weak_supporters", "reachable_cov", "suggested_partners"),
    "fragile": ("member_name", "member_id", "theme_name", "demand", "supporter_name", "supporter_sector",
                "reachable_cov"),
    "cells": ("member_name", "member_id", "theme_name", "status", "demand", "cov", "supporters", "weak_supporters",
              "reachable_cov", "n_commitments", "n_pledges", "n_need_signals", "n_achievements"),
    "partners": ("member_name", "member_id", "theme_name", "rank", "name", "organisation_id", "sector", "score",
                 "evidence"),
    "brokers": ("name", "organisation_id", "sector", "degree", "betweenness", "constraint", "effective_size",
                "articulation_point", "total", "dominant_role"),
}


#: At most this many rows of a long table on paper (the first, in the table's order: highest demand first); the
#: printed section says how many there are in all.
PRINT_ROWS = 200


@dataclass(frozen=True)
class ShownTable:
    """A table as people read it: ``frame`` has the labelled headers; ``ids`` and ``kinds`` are, per column,
    the machine id and the kind it was shown from."""

    frame: pd.DataFrame
    ids: list[str]
    kinds: list[str]


def shown(frame: pd.DataFrame, names: Mapping[str, str] | None = None) -> ShownTable:
    """``frame`` as people read it.

    Examples
    --------
    >>> t = shown(pd.DataFrame({"member_id": ["KEN"], "member_name": ["Kenya"], "gap_share": [0.25],
    ...                         "supporters": [["oo"]], "sector": ["civil_society"]}), {"oo": "Open Ownership"})
    >>> t.frame.columns.tolist()
    ['Member', 'Member id', 'Gap share', 'Supporting organisations', 'Sector']
    >>> t.frame.iloc[0, 3], t.frame.iloc[0, 4]
    (['Open Ownership (oo)'], 'Civil society')
    >>> t.ids, t.kinds[2]
    (['member_name', 'member_id', 'gap_share', 'supporters', 'sector'], 'share')
    """
    names = names or {}
    order = reading_order([str(c) for c in frame.columns])
    out = frame[order].copy()
    for col in order:
        if col in ORGANISATION_LISTS:
            out[col] = [[organisation_text(o, names) for o in v] if isinstance(v, (list, tuple)) else v
                        for v in out[col]]
        elif col in ("sector", "supporter_sector", "status", "status_before", "status_after"):
            out[col] = [readable_value(col, v) for v in out[col]]
    return ShownTable(labelled(out), order, [column_kind(c) for c in order])


def organisation_text(org_id: Any, names: Mapping[str, str]) -> str:
    """``Name (id)`` for a known organisation, the id otherwise.

    >>> organisation_text("oo", {"oo": "Open Ownership"}), organisation_text("x", {})
    ('Open Ownership (oo)', 'x')
    """
    name = names.get(str(org_id))
    return f"{name} ({org_id})" if name and name != org_id else str(org_id)


def as_date(value: Any) -> date | None:
    """A full ISO date (or timestamp) as a date; anything else (a year, a month, text) is ``None``.

    >>> as_date("2022-03-23"), as_date("2024-06-01T12:00:00+00:00"), as_date("2019"), as_date(None)
    (datetime.date(2022, 3, 23), datetime.date(2024, 6, 1), None, None)
    """
    if not isinstance(value, str):
        return None
    m = _FULL_DATE.match(value.strip())
    if not m:
        return None
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def display(column_id: str, kind: str, value: Any) -> str:
    """The text a page shows for a value of a column of ``kind``: shares as percentages, numbers with
    separators, booleans as yes/no, lists joined.

    >>> display("gap_share", "share", 0.7123595505617978), display("demand", "number", 1234.5678)
    ('71.2%', '1,234.568')
    >>> display("cov", "number", 3), display("articulation_point", "check", True), display("x", "text", None)
    ('3', 'yes', '')
    """
    plain = cell_value(value)
    if plain is None or (isinstance(plain, float) and math.isnan(plain)):
        return ""
    if isinstance(plain, bool):
        return "yes" if plain else "no"
    if isinstance(plain, (int, float)):
        if kind == SHARE:
            return f"{plain:.1%}"
        return display_number(plain)
    return str(plain)
