"""The CSV and JSON writers every output uses (the CLI's ``--format csv|json``, the dashboard's downloads, the
reports' CSV bundle).

The JSON of every command is an object with the same envelope (documented in README):
``command``, ``format_version``, ``snapshot``, ``loaded``, ``parameters`` and the command's own keys
(``rows`` for tables). Lists stay lists, missing values are ``null``.
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from presentation.safety import neutralise_frame
from presentation.values import evidence_text, plain_scalar

#: Version of the JSON output; bumped on any incompatible change (README lists the changes).
FORMAT_VERSION = 2


def plain(value: Any) -> Any:
    """A JSON-ready value: numpy scalars to Python, NaN/NA to None, containers recursively.

    >>> plain({"a": np.int64(2), "b": [np.float64("nan"), (1, 2)], "c": pd.NA})
    {'a': 2, 'b': [None, [1, 2]], 'c': None}
    """
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset, np.ndarray, pd.Series)):
        items = sorted(value) if isinstance(value, (set, frozenset)) else list(value)
        return [plain(v) for v in items]
    return plain_scalar(value)


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of ``frame`` as JSON-ready dicts (the index is kept when it is named)."""
    if frame.index.name is not None:
        frame = frame.reset_index()
    return [plain(r) for r in frame.to_dict("records")]


def envelope(command: str, context: Mapping[str, Any], parameters: Mapping[str, Any],
             **payload: Any) -> dict[str, Any]:
    """The JSON object of a command: command, format version, the load's snapshot and time, the parameters as
    understood, then the command's own keys.

    >>> envelope("gaps", {"snapshot": "abc", "loaded": None}, {"theme": "climate"}, count=0)
    ... # doctest: +NORMALIZE_WHITESPACE
    {'command': 'gaps', 'format_version': 2, 'snapshot': 'abc', 'loaded': None,
     'parameters': {'theme': 'climate'}, 'count': 0}
    """
    return {"command": command, "format_version": FORMAT_VERSION, **plain(dict(context)),
            "parameters": plain(dict(parameters)), **{k: plain(v) for k, v in payload.items()}}


def to_json(obj: Mapping[str, Any]) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=False)


def _item_text(value: Any) -> str:
    """A list item in a flat cell: an evidence item as its line, another mapping as JSON."""
    if isinstance(value, dict):
        return evidence_text(value) if "text" in value else json.dumps(plain(value), ensure_ascii=False)
    return str(value)


def _cell_text(value: Any, sep: str) -> Any:
    if isinstance(value, (list, tuple, np.ndarray)):
        return sep.join(_item_text(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(plain(value), ensure_ascii=False)
    return value


def to_csv(frame: pd.DataFrame) -> str:
    """CSV text: lists joined with ``;``, text neutralised against formula injection.

    >>> print(to_csv(pd.DataFrame({"id": ["a"], "orgs": [["x", "y"]], "note": ["=1+1"]})), end="")
    id,orgs,note
    a,x;y,'=1+1
    """
    if frame.index.name is not None:
        frame = frame.reset_index()
    flat = frame.apply(lambda col: col.map(lambda v: _cell_text(v, ";")))
    buf = io.StringIO()
    neutralise_frame(flat).to_csv(buf, index=False, lineterminator="\n")
    return buf.getvalue()
