"""Cell values shared by the report formats: plain Python values, lists as text, byte-stable zip archives.

The report tables hold pandas/numpy values, lists and missing values; every format needs the same plain
value for a cell (a number stays a number, a list becomes ``"a; b"``, a missing value becomes ``None``).
Zip archives (the ``.xlsx`` package and the CSV bundle) are written with fixed member timestamps so the
same report gives the same bytes.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["LIST_SEPARATOR", "ZIP_EPOCH", "cell_value", "clean_text", "display_number", "restamp_zip",
           "stable_zip", "zip_time"]

#: How list cells are joined in every format.
LIST_SEPARATOR = "; "
#: The earliest time a zip archive can record (used when no load time is known).
ZIP_EPOCH = datetime(1980, 1, 1)

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


def zip_time(iso: str | None) -> datetime:
    """The timestamp zip members get: an ISO time (e.g. the load's finish time) in UTC, or :data:`ZIP_EPOCH`.

    >>> zip_time("2026-11-27T15:42:03+01:00")
    datetime.datetime(2026, 11, 27, 14, 42, 3)
    >>> zip_time(None) == zip_time("not a time") == ZIP_EPOCH
    True
    """
    if not iso:
        return ZIP_EPOCH
    try:
        when = datetime.fromisoformat(str(iso).replace("Z", "+00:00"))
    except ValueError:
        return ZIP_EPOCH
    if when.tzinfo is not None:
        when = when.astimezone(UTC).replace(tzinfo=None)
    return max(when.replace(microsecond=0), ZIP_EPOCH)


def stable_zip(members: Mapping[str, bytes] | Iterable[tuple[str, bytes]], when: datetime = ZIP_EPOCH) -> bytes:
    """A deflated zip archive whose bytes depend only on the members' names, contents and ``when``.

    >>> a = stable_zip({"a.csv": b"x\\n"})
    >>> a == stable_zip([("a.csv", b"x\\n")]), zipfile.ZipFile(io.BytesIO(a)).read("a.csv")
    (True, b'x\\n')
    """
    items = members.items() if isinstance(members, Mapping) else members
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in items:
            info = zipfile.ZipInfo(name, date_time=when.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            archive.writestr(info, data, compresslevel=6)
    return buffer.getvalue()


def restamp_zip(data: bytes, when: datetime = ZIP_EPOCH) -> bytes:
    """The same archive with every member re-stamped at ``when`` (order and contents unchanged)."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        return stable_zip([(info.filename, source.read(info)) for info in source.infolist()], when)
