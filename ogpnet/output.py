"""Printing results in the terminal: ``--format table`` for people (``csv`` and ``json`` come from
:mod:`presentation.writers`)."""

from __future__ import annotations

import shutil
from collections.abc import Sequence

import pandas as pd

from model.errors import printable
from presentation.labels import column_label
from presentation.writers import plain

FORMATS = ("table", "csv", "json")


def terminal_width() -> int:
    """Columns of the terminal (``COLUMNS`` when set, 120 when the output is not a terminal)."""
    return shutil.get_terminal_size(fallback=(120, 24)).columns


def print_table(frame: pd.DataFrame, columns: Sequence[str], title: str = "", caption: str = "",
                max_width: int = 60) -> None:
    """A readable table of the chosen columns on stdout, headed by their labels, as wide as the terminal."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    if frame.index.name is not None:
        frame = frame.reset_index()
    table = Table(title=title or None, caption=caption or None, show_lines=False)
    for col in columns:
        numeric = pd.api.types.is_numeric_dtype(frame[col]) if col in frame else False
        table.add_column(column_label(col), justify="right" if numeric else "left", overflow="fold",
                         max_width=max_width)
    for _, row in frame.iterrows():
        cells = []
        for col in columns:
            v = plain(row.get(col))
            if isinstance(v, float):
                cells.append(f"{v:.3g}" if abs(v) < 1e-3 and v else f"{v:,.3f}".rstrip("0").rstrip("."))
            elif isinstance(v, list):
                text = ", ".join(str(x) for x in v)
                cells.append(text if len(text) <= max_width else text[: max_width - 1] + "…")
            else:
                cells.append("" if v is None else str(v))
        # data is shown as plain text: no rich markup, control characters escaped (no terminal escape sequences)
        table.add_row(*(Text(printable(c, 4 * max_width)) for c in cells))
    Console(width=terminal_width()).print(table)
