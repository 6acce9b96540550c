"""Read a raw-source JSON file, failing with the file, line and column of a fault.

The raw-source adapters (the OGP API exports and similar) read JSON. A
malformed file must say where it is broken rather than surface a bare
``json.JSONDecodeError`` (which names no file). UTF-8 with or without a BOM is
accepted; other encodings are reported, never guessed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from model.errors import Problem, ValidationError

__all__ = ["parse_json_bytes", "read_json"]

_HINT = "fix the file (or download it again) and rerun; the position is line:column, both 1-based"


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
    try:
        data = path.read_bytes()
    except OSError as e:
        raise ValidationError([Problem(path.name, None, None, None, f"cannot read the file: {e.strerror or e}")],
                              message=f"{path}: cannot read the file: {e.strerror or e}",
                              hint="check the path; raw sources are fetched by the dataset builder") from e
    return parse_json_bytes(data, str(path))


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
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        column = e.start - (data.rfind(b"\n", 0, e.start) + 1) + 1
        reason = f"not UTF-8: byte 0x{data[e.start]:02x} at byte offset {e.start} is invalid; re-save it as UTF-8"
        raise _error(name, line, column, reason) from e
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise _error(name, e.lineno, e.colno, f"malformed JSON: {e.msg}") from e


def _error(name: str, line: int, column: int, reason: str) -> ValidationError:
    problem = Problem(Path(name).name, line, None, None, f"{reason} (line {line}, column {column})")
    return ValidationError([problem], message=f"{name}:{line}:{column}: {reason}", hint=_HINT)
