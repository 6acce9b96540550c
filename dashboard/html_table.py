"""The dashboard's tables as plain HTML (no Streamlit here): labelled headers, values as the reports show them.

A table is drawn on the server as an HTML ``<table>`` (:func:`table_html`) and shown by a small in-page
component (:func:`dashboard.components.table`) that sorts it when a header is clicked and, for a table whose
rows can be picked, sends the clicked row to Python. Streamlit's data grid needs 1.2 MB of script in the
browser for the first table of a page (half a second on these machines before a page with a table was
drawn); an HTML table needs none, reads well with a screen reader and prints as it is.

Every text comes from the presentation layer: headers and their help from :data:`presentation.labels.COLUMNS`,
values as :func:`reports.readable.display` writes them for the reports, and it is HTML-escaped here.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from typing import Any

import pandas as pd

from presentation import labels
from presentation.labels import COLUMNS, column_kind
from presentation.values import cell_value
from reports.readable import display

#: Texts longer than this (characters) may be cut on screen; their cell repeats them as a tooltip.
LONG_TEXT = 40
#: Rows drawn at most (a page stays quick with ten times the bundled data); the CSV download has every row.
MAX_ROWS = 1000
#: Height of a table's scroll box when none is given (about twelve rows; longer tables scroll).
DEFAULT_HEIGHT = 440


def table_html(frame: pd.DataFrame, *, pickable: bool = False, selected: int | None = None,
               height: int | None = None) -> str:
    """``frame`` (already shown as people read it, see ``components._readable``) as an HTML table.

    Each header carries its column id (``data-col``) and help (``title``); each row its position in ``frame``
    (``data-row``); with ``pickable`` the rows can be clicked (``data-pick``), and ``selected`` marks one.

    >>> t = table_html(pd.DataFrame({"name": ["<b>A</b>"], "gap_share": [0.25], "url": ["https://x.org"]}),
    ...                pickable=True, selected=0)
    >>> "&lt;b&gt;A&lt;/b&gt;" in t and "25.0%" in t and 'href="https://x.org"' in t
    True
    >>> 'data-pick="0"' in t and 'aria-selected="true"' in t
    True
    """
    head = "".join(_header(str(c)) for c in frame.columns)
    rows = []
    for i, values in enumerate(frame.itertuples(index=False, name=None)):
        attrs = f' data-row="{i}"'
        if pickable:
            attrs += f' data-pick="{i}" tabindex="0" aria-selected="{"true" if i == selected else "false"}"'
        cells = "".join(_cell(str(c), v) for c, v in zip(frame.columns, values, strict=True))
        rows.append(f"<tr{attrs}>{cells}</tr>")
    box = f"max-height:{height or DEFAULT_HEIGHT}px"
    return (f'<div class="ogpnet-table-box" style="{box}"><table class="ogpnet-table'
            f'{" pickable" if pickable else ""}"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody>'
            "</table></div>")


def _header(column: str) -> str:
    spec = COLUMNS.get(column)
    label = spec.label if spec else column.replace("_", " ").capitalize()
    help_text = f' title="{html.escape(spec.help)}"' if spec and spec.help else ""
    return (f'<th scope="col" data-col="{html.escape(column)}"{help_text} aria-sort="none">'
            f"{html.escape(label)}</th>")


def _cell(column: str, value: Any) -> str:
    kind = column_kind(column)
    plain = cell_value(value)
    text = html.escape(display(column, kind, value))
    if kind == labels.LINK and isinstance(plain, str) and plain.startswith(("https://", "http://")):
        return f'<td><a href="{html.escape(plain)}" target="_blank" rel="noopener noreferrer">{text}</a></td>'
    if isinstance(plain, int | float) and not isinstance(plain, bool) and not _nan(plain):
        if kind == labels.SHARE:
            share = min(max(float(plain), 0.0), 1.0)
            return f'<td class="num share" style="--share:{share:.3f}">{text}</td>'
        return f'<td class="num">{text}</td>'
    # one line per row, as in a data grid: a long text is cut with "…" and shown whole on hover
    return f'<td title="{text}">{text}</td>' if len(text) > LONG_TEXT else f"<td>{text}</td>"


def _nan(value: float) -> bool:
    return isinstance(value, float) and math.isnan(value)


def columns_shown(frame: pd.DataFrame, columns: Sequence[str] | None) -> list[str]:
    """The columns of ``columns`` (all when ``None``) that ``frame`` has, in that order.

    >>> columns_shown(pd.DataFrame({"a": [1], "b": [2]}), ["b", "c"])
    ['b']
    """
    return [c for c in (columns or frame.columns) if c in frame.columns]
