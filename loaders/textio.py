"""Read text and JSON files with one encoding policy, failing with the file, line and column of a fault.

Every file the loaders read (raw public exports, reference tables) goes through here. The policy: UTF-8,
with or without a byte-order mark; anything else is refused with the offending byte's line and column,
never guessed (a wrong guess silently corrupts names). A malformed JSON file says where it is broken rather
than surfacing a bare ``json.JSONDecodeError`` (which names no file). The canonical CSV reader
(:mod:`loaders.load.csv_reader`) applies the same policy to bytes it has already read.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from model.errors import Problem, ValidationError

__all__ = ["decode_text", "parse_json_bytes", "read_json", "read_text"]

_HINT = "fix the file (or download it again) and rerun; the position is line:column, both 1-based"


def read_text(path: Path | str) -> str:
    """The text of a UTF-8 file (a byte-order mark is dropped).

    Raises
    ------
    ValidationError
        If the file is missing or not UTF-8; the message names the file, line and column.
    """
    path = Path(path)
    return decode_text(_read_bytes(path), str(path))


def decode_text(data: bytes, name: str) -> str:
    r"""Bytes as UTF-8 text (pure); ``name`` is used in errors.

    >>> decode_text("\ufeffSão Tomé".encode(), "a.csv")
    'São Tomé'
    >>> decode_text("a,b\nSão".encode("latin-1"), "a.csv")
    Traceback (most recent call last):
    ...
    model.errors.ValidationError: a.csv:2:2: not UTF-8: byte 0xe3 at byte offset 5 is invalid; re-save it as UTF-8
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        column = e.start - (data.rfind(b"\n", 0, e.start) + 1) + 1
        reason = f"not UTF-8: byte 0x{data[e.start]:02x} at byte offset {e.start} is invalid; re-save it as UTF-8"
        raise _error(name, line, column, reason) from e


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as e:
        raise ValidationError([Problem(path.name, None, None, None, f"cannot read the file: {e.strerror or e}")],
                              message=f"{path}: cannot read the file: {e.strerror or e}",
                              hint="check the path; raw sources are fetched by the dataset builder") from e


def read_json(path: Path | str) -> Any:
    """Parse a JSON file.

    Parameters
    ----------
    path : Path or str
        The file.

    Returns
    -------
    Any
        The decoded JSON value.

    Raises
    ------
    ValidationError
        If the file is missing, not UTF-8 or not valid JSON; the message names the file, line and
        column, and ``problems`` holds one Problem whose ``row`` is the line.
    """
    path = Path(path)
    return parse_json_bytes(_read_bytes(path), str(path))


def parse_json_bytes(data: bytes, name: str) -> Any:
    """Parse JSON bytes (pure); ``name`` is used in errors.

    Examples
    --------
    >>> parse_json_bytes(b'\\xef\\xbb\\xbf{"id": "ALB"}', "members.json")
    {'id': 'ALB'}
    >>> parse_json_bytes(b'{\\n "id": "ALB",\\n}', "members.json")
    Traceback (most recent call last):
    ...
    model.errors.ValidationError: members.json:3:1: malformed JSON: Expecting property name enclosed in double quotes
    """
    text = decode_text(data, name)
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise _error(name, e.lineno, e.colno, f"malformed JSON: {e.msg}") from e


def _error(name: str, line: int, column: int, reason: str) -> ValidationError:
    problem = Problem(Path(name).name, line, None, None, f"{reason} (line {line}, column {column})")
    return ValidationError([problem], message=f"{name}:{line}:{column}: {reason}", hint=_HINT)
