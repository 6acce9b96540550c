"""Byte-stable zip archives: the ``.xlsx`` package and the CSV bundle are written with fixed member
timestamps, so the same report gives the same bytes."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime

__all__ = ["ZIP_EPOCH", "restamp_zip", "stable_zip", "zip_time"]

#: The earliest time a zip archive can record (used when no load time is known).
ZIP_EPOCH = datetime(1980, 1, 1)


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
