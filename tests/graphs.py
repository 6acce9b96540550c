"""Facts for the analysis unit tests: the shared fixture dataset and tiny hand-built datasets."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd

from graph.analysis.multigraph import build_graph
from model.facts import Facts, facts_from_tables
from model.schema import TABLES, THEMES
from model.tables import normalise_tables, read_tables

FIXTURE_DATASET = Path(__file__).resolve().parent / "fixtures" / "dataset"

# defaults for the required columns a hand-built row may leave out
_DEFAULTS: dict[str, dict[str, Any]] = {
    "members": {"level": "national", "status": "active"},
    "organisations": {"sector": "civil_society"},
    "consortia": {"kind": "working_group"},
    "commitments": {"title": "t", "year": 2020},
    "engagements": {"relation": "supports_implementation"},
    "memberships": {"participant_type": "organisation", "role": "member"},
    "signals": {"indicator": "pledge", "kind": "pledge", "value": 1.0},
}


@lru_cache(maxsize=1)
def _fixture_tables() -> dict[str, pd.DataFrame]:
    return read_tables(FIXTURE_DATASET)


def fixture_tables() -> dict[str, pd.DataFrame]:
    """The fixture's tables (fresh copies)."""
    return {name: frame.copy() for name, frame in _fixture_tables().items()}


def fixture_facts() -> Facts:
    """The facts of the fixture dataset, built the way the application builds them."""
    return facts_from_tables(fixture_tables())


def fixture_multigraph() -> nx.MultiDiGraph:
    """The typed multigraph of the fixture dataset (the network explorer's graph)."""
    return build_graph(fixture_tables())


def make_tables(**rows: list[dict[str, Any]]) -> dict[str, pd.DataFrame]:
    """Canonical tables from a few rows each; names, iso3, source and as_of are filled in.

    ``themes`` default to the ids used anywhere in the rows; organisations, members and consortia named in
    relationship rows but not listed are added with defaults.
    """
    rows = {k: [dict(r) for r in v] for k, v in rows.items()}
    for table, defaults in _DEFAULTS.items():
        for row in rows.get(table, []):
            for key, value in defaults.items():
                row.setdefault(key, value)
    listed = {t: {r["id"] for r in rows.get(t, [])} for t in ("members", "organisations", "consortia", "themes")}

    def ensure(table: str, ident: str) -> None:
        if ident not in listed[table]:
            listed[table].add(ident)
            row = {"id": ident, **_DEFAULTS.get(table, {})}
            rows.setdefault(table, []).append(row)

    for row in rows.get("engagements", []):
        ensure("organisations", row["organisation_id"])
        ensure("members", row["member_id"])
    for row in rows.get("expertise", []):
        ensure("organisations", row["organisation_id"])
    for row in rows.get("memberships", []):
        ensure("organisations" if row["participant_type"] == "organisation" else "members", row["participant_id"])
        ensure("consortia", row["consortium_id"])
    for row in rows.get("signals", []) + rows.get("commitments", []):
        ensure("members", row["member_id"])
    themes = {str(r["theme_id"]) for t in ("engagements", "expertise", "signals", "commitment_themes",
                                           "consortium_themes") for r in rows.get(t, []) if r.get("theme_id")}
    for theme in sorted(themes):
        ensure("themes", theme)
    for row in rows.get("members", []):
        row.setdefault("name", row["id"])
        row.setdefault("iso3", row["id"][:3].upper())
    for row in rows.get("themes", []):
        row.setdefault("name", THEMES.get(row["id"], row["id"]))
    for table in ("organisations", "consortia"):
        for row in rows.get(table, []):
            row.setdefault("name", row["id"])
    out = {"sources": pd.DataFrame([{"id": "s", "name": "test", "as_of": "2024"}])}
    for spec in TABLES:
        if spec.name == "sources":
            continue
        table_rows = [{"source": "s", "as_of": "2024", **r} for r in rows.get(spec.name, [])]
        out[spec.name] = pd.DataFrame(table_rows, columns=None if table_rows else spec.column_names)
    return out


def make_facts(**rows: list[dict[str, Any]]) -> Facts:
    """The facts of :func:`make_tables`, as the application builds them from a load's tables."""
    return facts_from_tables(normalise_tables(make_tables(**rows)))
