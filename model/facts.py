"""The facts every analysis takes: the canonical tables with plain, named id columns.

:class:`Facts` is generated from :mod:`model.schema`: one DataFrame per table with every column of the
table, a node table's ``id`` named after its kind (``member_id``, ``organisation_id``, ``consortium_id``,
``commitment_id``) and a consortium's ``kind`` column named ``consortium_kind``. Commitments come with their
themes: one row per (commitment, theme). :func:`facts_from_tables` builds them from the tables of a load
(:func:`model.tables.read_tables` or the projection from Neo4j); :meth:`Facts.from_rows` from a few rows,
for examples and tests.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from model.schema import TABLE_BY_NAME, TABLES, THEMES
from model.tables import normalise_table

__all__ = ["Facts", "FACT_TABLES", "column", "facts_from_tables"]

#: Facts attribute -> the canonical table it comes from (``commitments`` joins ``commitment_themes``).
FACT_TABLES: dict[str, str] = {
    "sources": "sources", "members": "members", "organisations": "organisations", "consortia": "consortia",
    "engagements": "engagements", "expertise": "expertise", "memberships": "memberships",
    "consortium_themes": "consortium_themes", "commitments": "commitments", "signals": "signals",
    "borders": "borders",
}


@dataclass(frozen=True)
class Facts:
    """The canonical tables as the analyses read them (plain ids, no ``kind:`` prefixes).

    ``members``, ``organisations``, ``consortia``, ``sources``: one row per node, sorted by id.
    ``engagements`` (``theme_id`` missing for a general engagement), ``expertise``, ``memberships``,
    ``consortium_themes``, ``signals``, ``borders`` (``member_id``, ``neighbour_id``: both directions of each
    land border are rows): one row per relationship. ``commitments``: one row per
    (commitment, theme) with every column of the commitment (its member, year, action plan, IRM ratings,
    source and date) and the theme's ``tags``. ``themes``: sorted theme ids; ``theme_names``: id -> name.
    ``as_of``: set when the facts were cut to a date (:func:`graph.analysis.scope.in_force`).
    """

    members: pd.DataFrame
    organisations: pd.DataFrame
    consortia: pd.DataFrame
    themes: tuple[str, ...]
    engagements: pd.DataFrame
    expertise: pd.DataFrame
    memberships: pd.DataFrame
    consortium_themes: pd.DataFrame
    commitments: pd.DataFrame
    signals: pd.DataFrame
    borders: pd.DataFrame
    sources: pd.DataFrame
    theme_names: Mapping[str, str]
    #: the date these facts are as of (``YYYY`` or ``YYYY-MM``; None: all facts of the load)
    as_of: str | None = None

    @classmethod
    def from_rows(cls, **rows: Sequence[Mapping[str, Any]]) -> Facts:
        """Facts from a few rows per table (keyword = table name), for examples and tests.

        Columns a row leaves out are missing values; ``themes`` defaults to the theme ids the rows use.

        Examples
        --------
        >>> facts = Facts.from_rows(members=[{"id": "KEN", "name": "Kenya", "status": "active"}],
        ...                         engagements=[{"organisation_id": "lab", "member_id": "KEN",
        ...                                       "theme_id": "open_data", "relation": "country_programme"}])
        >>> facts.themes, list(facts.members["member_id"])
        (('open_data',), ['KEN'])
        >>> facts.engagements[["organisation_id", "member_id", "theme_id", "relation"]]
          organisation_id member_id   theme_id           relation
        0             lab       KEN  open_data  country_programme
        """
        unknown = set(rows) - set(TABLE_BY_NAME)
        if unknown:
            raise ValueError(f"unknown table(s): {', '.join(sorted(unknown))}")
        given = {name: [dict(r) for r in table_rows] for name, table_rows in rows.items()}
        if "themes" not in given:
            used = {str(r["theme_id"]) for table_rows in given.values() for r in table_rows if r.get("theme_id")}
            given["themes"] = [{"id": t, "name": THEMES.get(t, t)} for t in sorted(used)]
        tables: dict[str, pd.DataFrame] = {}
        for spec in TABLES:
            frame = pd.DataFrame(given.get(spec.name, []))
            for c in spec.column_names:
                if c not in frame.columns:
                    frame[c] = pd.Series([None] * len(frame), dtype="object")
            tables[spec.name] = normalise_table(spec.name, frame)
        return facts_from_tables(tables)


def facts_from_tables(tables: Mapping[str, pd.DataFrame]) -> Facts:
    """The :class:`Facts` of a load's tables.

    ``tables`` must have the canonical columns and dtypes (as :func:`model.tables.read_tables` or
    :func:`model.tables.normalise_tables` return them); absent tables count as empty.

    Examples
    --------
    >>> tables = {"engagements": pd.DataFrame({"organisation_id": ["a"], "member_id": ["KEN"],
    ...                                        "theme_id": [None], "relation": ["country_programme"],
    ...                                        "source": ["s"], "as_of": ["2024"]})}
    >>> facts_from_tables(tables).engagements[["organisation_id", "member_id", "relation"]]
      organisation_id member_id           relation
    0               a       KEN  country_programme
    """
    frames = {name: _table(tables, name) for name in FACT_TABLES.values()}
    commitments = frames["commitments"]
    on_theme = _table(tables, "commitment_themes")[["commitment_id", "theme_id", "tags"]]
    if commitments.empty or on_theme.empty:
        commitments = _empty([*commitments.columns, "theme_id", "tags"])
    else:
        commitments = on_theme.merge(commitments, on="commitment_id").drop_duplicates(
            ["commitment_id", "theme_id"], ignore_index=True)
        commitments = commitments[[c for c in frames["commitments"].columns if c != "theme_id"]
                                  + ["theme_id", "tags"]]
    frames["commitments"] = commitments
    for name in ("members", "organisations", "consortia", "sources"):
        frames[name] = frames[name].sort_values(frames[name].columns[0], ignore_index=True)
    for name in ("expertise", "consortium_themes"):
        frames[name] = frames[name].drop_duplicates(ignore_index=True)
    frames["signals"]["value"] = pd.to_numeric(frames["signals"]["value"], errors="coerce").astype("float64")
    themes = tables.get("themes")
    if themes is None or themes.empty:
        theme_ids: tuple[str, ...] = ()
        names: dict[str, str] = {}
    else:
        theme_ids = tuple(sorted(str(t) for t in themes["id"]))
        names = {str(i): str(n) if isinstance(n, str) else str(i) for i, n in zip(themes["id"], themes["name"],
                                                                                   strict=True)}
    return Facts(members=frames["members"], organisations=frames["organisations"], consortia=frames["consortia"],
                 themes=theme_ids, engagements=frames["engagements"], expertise=frames["expertise"],
                 memberships=frames["memberships"], consortium_themes=frames["consortium_themes"],
                 commitments=frames["commitments"], signals=frames["signals"], sources=frames["sources"],
                 borders=frames["borders"], theme_names=names)


def _table(tables: Mapping[str, pd.DataFrame], name: str) -> pd.DataFrame:
    """A table with its fact column names: every schema column, node ids named after their kind."""
    spec = TABLE_BY_NAME[name]
    frame = tables.get(name)
    columns = spec.column_names
    if frame is None or frame.empty:
        frame = _empty(columns)
    else:
        missing = [c for c in columns if c not in frame.columns]
        frame = frame.assign(**{c: None for c in missing})[columns].reset_index(drop=True)
    rename = {}
    if spec.label is not None and name != "themes":
        rename["id"] = f"{spec.label.kind}_id"
        if name == "consortia":
            rename["kind"] = "consortium_kind"
    return frame.rename(columns=rename) if rename else frame


def column(frame: pd.DataFrame, name: str) -> list[Any]:
    """A column as a list of Python values, missing values as None (fast to iterate, unlike Arrow strings).

    >>> column(pd.DataFrame({"a": ["x", None]}), "a")
    ['x', None]
    """
    return frame[name].to_numpy(dtype=object, na_value=None).tolist()  # type: ignore[call-overload,no-any-return]


def _empty(columns: Sequence[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype="object") for c in columns})

