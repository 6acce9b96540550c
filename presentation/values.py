"""Values for people and for files, shared by the CLI, the dashboard and the reports.

Result tables hold pandas/numpy values, lists and missing values; every output needs the same plain value
for a cell (a number stays a number, a list becomes ``"a; b"``, a missing value becomes ``None``) and the
same way of showing a number or a share.
"""

from __future__ import annotations

import math
import re
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd

from model.schema import is_self_reported

__all__ = ["LIST_SEPARATOR", "cell_value", "clean_text", "display_number", "display_share", "display_setting",
           "evidence_text", "plain_scalar"]

#: How list cells are joined in every format.
LIST_SEPARATOR = "; "

# XML 1.0 forbids these control characters (tab, line feed and carriage return are allowed); openpyxl refuses
# them and browsers show them as boxes, so they are dropped from text that comes from the data.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(text: str) -> str:
    r"""Text without the control characters XML cannot hold.

    >>> clean_text("a\x00b\tc")
    'ab\tc'
    """
    return _ILLEGAL.sub("", text)


def cell_value(value: Any) -> Any:
    """The plain value of one table cell: ``None``, ``bool``, ``int``, ``float`` or ``str``.

    Missing values (``None``, ``NaN``, ``pd.NA``) become ``None``; numpy scalars become Python numbers; lists,
    tuples and sets become their items joined with :data:`LIST_SEPARATOR`; text loses XML-illegal control
    characters.

    Examples
    --------
    >>> cell_value(np.int64(3)), cell_value(float("nan")), cell_value(pd.NA)
    (3, None, None)
    >>> cell_value(["open-ownership", "hivos"])
    'open-ownership; hivos'
    >>> cell_value(np.bool_(True)), cell_value("x\\x07y")
    (True, 'xy')
    """
    if isinstance(value, (list, tuple, set, frozenset, np.ndarray, pd.Series)):
        items = sorted(value, key=str) if isinstance(value, (set, frozenset)) else list(value)
        return clean_text(LIST_SEPARATOR.join("" if cell_value(v) is None else str(cell_value(v)) for v in items))
    value = plain_scalar(value)
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, datetime):
        return value.isoformat()
    return clean_text(str(value))


def plain_scalar(value: Any) -> Any:
    """A Python value for a numpy or pandas scalar; None for any missing or non-finite value.

    >>> plain_scalar(np.int64(2)), plain_scalar(float("inf")), plain_scalar(pd.NA), plain_scalar("x")
    (2, None, None, 'x')
    """
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    return value


def display_number(value: float | int, digits: int = 3) -> str:
    """A number for people: integers as they are, other numbers rounded to ``digits`` decimals.

    >>> display_number(12), display_number(0.123456), display_number(2.5), display_number(1234.0)
    ('12', '0.123', '2.5', '1,234')
    """
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int) or float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.{digits}f}".rstrip("0").rstrip(".")


def display_share(value: float | None, digits: int = 0) -> str:
    """A share (0-1) as a percentage for people; an empty string for a missing share.

    >>> display_share(0.7123595505617978), display_share(0.05, 1), display_share(None)
    ('71%', '5.0%', '')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return f"{100 * float(value):.{digits}f}%"


def evidence_text(item: dict[str, Any]) -> str:
    """An evidence item ``{text, source, as_of}`` as one line.

    >>> evidence_text({"text": "works in Kenya", "source": "hand-partner-engagements", "as_of": "2023"})
    'works in Kenya (hand-partner-engagements, 2023)'
    >>> evidence_text({"text": "covers 3 more members", "source": None, "as_of": None})
    'covers 3 more members'
    >>> evidence_text({"text": "works in Kenya", "source": "self-reported-lab-2026-12-07", "as_of": "2026-12-07"})
    'works in Kenya (self-reported by the organisation: self-reported-lab-2026-12-07, 2026-12-07)'
    """
    origin = ", ".join(str(v) for v in (item.get("source"), item.get("as_of")) if v)
    if is_self_reported(item.get("source")):
        origin = f"self-reported by the organisation: {origin}"
    return f"{item['text']} ({origin})" if origin else str(item["text"])


def display_setting(value: Any) -> Any:
    """A setting's value as shown in a methodology table: lists joined, an empty value as "(not set)".

    >>> display_setting(("active", "inactive")), display_setting(""), display_setting(()), display_setting(4)
    ('active, inactive', '(not set)', '(not set)', 4)
    """
    if isinstance(value, tuple):
        value = ", ".join(map(str, value))
    return "(not set)" if value == "" else value
