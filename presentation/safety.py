"""Formula-injection safety for spreadsheet-bound text (CSV and Excel exports).

A cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return is run as a formula by spreadsheet programs. Such text is prefixed with
a single quote, which spreadsheets show as text (OWASP's recommendation).
Numbers are left alone: only text is neutralised.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """Neutralise one value if it is text that a spreadsheet would run.

    >>> neutralise('=HYPERLINK("http://x","y")')
    '\\'=HYPERLINK("http://x","y")'
    >>> neutralise("-2"), neutralise(-2), neutralise("Open Ownership")
    ("'-2", -2, 'Open Ownership')
    """
    if isinstance(value, str) and value.startswith(DANGEROUS_START):
        return "'" + value
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every text cell (and column name) neutralised.

    >>> neutralise_frame(pd.DataFrame({"name": ["@x", "ok"], "n": [1, -1]})).to_dict("list")
    {'name': ["'@x", 'ok'], 'n': [1, -1]}
    """
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutralise)
    out.columns = [neutralise(c) if isinstance(c, str) else c for c in out.columns]
    return out
