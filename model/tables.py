"""Read the canonical CSV tables (see :mod:`model.schema`) into DataFrames with the contract's dtypes.

:func:`normalise_table` is the pure part (also used for tables that come from the Neo4j projection);
:func:`read_tables` does the file I/O.

Dtypes: ``int`` columns are pandas ``Int64``, ``float`` columns ``float64``, ``bool`` columns ``boolean``;
every other column (text, dates, ids, enums, themes) is a string column. Blank cells are missing values.
Optional columns absent from the input are added, empty.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from model.errors import OgpnetError
from model.schema import TABLE_BY_NAME, TABLES

__all__ = ["TableError", "normalise_table", "normalise_tables", "read_tables"]

_TRUE = {"true", "1", "yes", "y", "t"}
_FALSE = {"false", "0", "no", "n", "f"}


class TableError(OgpnetError, ValueError):
    """A table does not follow the canonical data model of :mod:`model.schema`."""

    default_hint = "fix the dataset (see graph/schema.py for the columns) or rebuild it with `ogpnet data build`"
    exit_code = 65  # EX_DATAERR


def normalise_table(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Return ``frame`` with the schema's columns (in order, then any extra ones) and dtypes.

    Examples
    --------
    >>> df = pd.DataFrame({"id": ["a"], "name": ["A"], "sector": ["private"], "source": ["s"],
    ...                    "as_of": ["2024"]})
    >>> out = normalise_table("organisations", df)
    >>> list(out.columns)
    ['id', 'name', 'sector', 'hq_iso3', 'region', 'roles', 'role_detail', 'confidence', 'source', 'as_of']
    >>> bool(pd.isna(out.loc[0, "hq_iso3"]))
    True
    """
    try:
        spec = TABLE_BY_NAME[name]
    except KeyError:
        raise TableError(f"unknown table {name!r}") from None
    frame = frame.copy()
    missing = [c.name for c in spec.columns if c.required and c.name not in frame.columns]
    if missing:
        raise TableError(f"{name}: missing required column(s) {', '.join(missing)}")
    for col in spec.columns:
        if col.name not in frame.columns:
            frame[col.name] = pd.NA
        frame[col.name] = _convert(frame[col.name], col.type, f"{name}.{col.name}")
    extra = [c for c in frame.columns if c not in spec.column_names]
    return frame[spec.column_names + extra].reset_index(drop=True)


def normalise_tables(tables: Mapping[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """:func:`normalise_table` for every table of the schema (absent tables become empty)."""
    out = {}
    for spec in TABLES:
        frame = tables.get(spec.name)
        if frame is None:
            frame = pd.DataFrame({c: pd.Series([], dtype="str") for c in spec.column_names})
        out[spec.name] = normalise_table(spec.name, frame)
    return out


def read_tables(directory: Path | str) -> dict[str, pd.DataFrame]:
    """Read ``<directory>/<table>.csv`` for every table of :data:`model.schema.TABLES`.

    Raises :class:`TableError` when a file or a required column is missing or a value does not parse.
    """
    directory = Path(directory)
    tables = {}
    for spec in TABLES:
        path = directory / f"{spec.name}.csv"
        if not path.exists():
            raise TableError(f"missing table file {path}")
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
        tables[spec.name] = normalise_table(spec.name, frame)
    return tables


def _blank_to_na(series: pd.Series) -> pd.Series:
    text = series.astype("str").str.strip()
    return text.where(series.notna() & (text != ""), None)


def _convert(series: pd.Series, kind: str, where: str) -> pd.Series:
    if kind == "int":
        if pd.api.types.is_integer_dtype(series.dtype):
            return series.astype("Int64")
        text = _blank_to_na(series)
        values = pd.to_numeric(text, errors="coerce")
        bad = (values.isna() & text.notna()) | (values.notna() & (values != values.round()))
        if bad.any():
            raise TableError(f"{where}: not an integer in row(s) {list(series.index[bad])}")
        return values.astype("Int64")
    if kind == "float":
        if pd.api.types.is_float_dtype(series.dtype) or pd.api.types.is_integer_dtype(series.dtype):
            return series.astype("float64")
        text = _blank_to_na(series)
        values = pd.to_numeric(text, errors="coerce")
        bad = values.isna() & text.notna()
        if bad.any():
            raise TableError(f"{where}: not a number in row(s) {list(series.index[bad])}")
        return values.astype("float64")
    if kind == "bool":
        if pd.api.types.is_bool_dtype(series.dtype):
            return series.astype("boolean")
        text = _blank_to_na(series)
        lowered = text.str.lower()
        bad = text.notna() & ~lowered.isin(_TRUE | _FALSE)
        if bad.any():
            raise TableError(f"{where}: not a boolean in row(s) {list(series.index[bad])}")
        return lowered.map(lambda v: True if v in _TRUE else (False if v in _FALSE else pd.NA)).astype("boolean")
    if kind == "list":  # ";"-separated text in a CSV file, a list from Neo4j: a tuple of text either way
        return series.map(_as_tuple).astype("object")
    return _blank_to_na(series).astype("str")


def _as_tuple(value: object) -> tuple[str, ...]:
    """A list column's value as a tuple of text.

    >>> _as_tuple("funder; x"), _as_tuple(["funder"]), _as_tuple(None), _as_tuple("")
    (('funder', 'x'), ('funder',), (), ())
    """
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, (list, tuple)):
        return tuple(str(v).strip() for v in value if str(v).strip())
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(";") if part.strip())
    return ()
