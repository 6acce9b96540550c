"""The executive summary every report opens with: headline numbers with the data caveats, the top gaps per
theme with the best coalition to close them, and what changed since a saved snapshot.

A director reads this page and nothing else, so every number says what it counts and every caveat says what
the data cannot see. The numbers come from the same cells as the rest of the report; the coalition is
:func:`graph.analysis.build_coalition` (exact, up to three organisations) on the theme and the report's scope.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from graph.analysis import STATUSES, AnalysisConfig, build_coalition, compare_snapshots
from presentation.labels import theme_name
from presentation.values import display_number, display_share

__all__ = ["COALITION_SIZE", "TOP_GAPS", "Executive", "collect_executive"]

#: Gap cells named per theme, highest demand first.
TOP_GAPS = 3
#: Organisations in each theme's best coalition.
COALITION_SIZE = 3
#: A theme with fewer organisations with any evidence than this gets a caveat of its own.
THIN_EVIDENCE = 10


@dataclass
class Executive:
    """``headline``: ``item``, ``value``, ``note`` (numbers, then caveats); ``top_gaps``: one row per theme
    with gaps, most gaps then highest demand first (:data:`TOP_GAPS` gaps, the best coalition, what it
    closes); ``changes``: status changes since
    the saved snapshot ``since`` (empty without one)."""

    headline: pd.DataFrame
    top_gaps: pd.DataFrame
    changes: pd.DataFrame = field(default_factory=pd.DataFrame)
    since: str | None = None


def collect_executive(facts: Any, config: AnalysisConfig, cells: pd.DataFrame, gaps: pd.DataFrame,
                      limits: pd.DataFrame, themes: Mapping[str, str], *, scope_members: list[str] | None,
                      region: str | None, roles: Mapping[str, str] | None = None,
                      since_cells: pd.DataFrame | None = None, since: str | None = None,
                      coalitions: bool = True) -> Executive:
    """The executive summary of a report's cells (already scoped).

    ``scope_members`` (or ``region``) is the scope a coalition may close cells in (``None`` and no region:
    every member). ``since_cells`` are cells saved earlier (``ogpnet gaps --save``), named ``since``. Without
    ``coalitions`` (a brief on one member: each theme has one gap cell) the top-gaps table names the gap's
    suggested partners (``gaps["suggested_partners"]``) instead of a coalition.

    Examples
    --------
    >>> from graph.analysis import Facts, coverage_cells, data_limits
    >>> facts = Facts.from_rows(
    ...     members=[{"id": "KEN", "name": "Kenya", "status": "active"}],
    ...     organisations=[{"id": "lab", "name": "Lab", "sector": "civil_society"}],
    ...     signals=[{"member_id": "KEN", "theme_id": t, "kind": "pledge", "value": 1.0,
    ...               "indicator": "ocp_ogp_commitment", "source": "s", "as_of": "2024"}
    ...              for t in ("open_data", "climate")],
    ...     engagements=[{"organisation_id": "lab", "member_id": "KEN", "theme_id": "open_data",
    ...                   "relation": "country_programme", "source": "s", "as_of": "2024"},
    ...                  {"organisation_id": "lab", "member_id": "UGA", "theme_id": "climate",
    ...                   "relation": "country_programme", "source": "s", "as_of": "2024"}])
    >>> cfg = AnalysisConfig()
    >>> cells = coverage_cells(facts, cfg)
    >>> gaps = cells[cells["status"] == "gap"]
    >>> ex = collect_executive(facts, cfg, cells, gaps, data_limits(facts, cells, cfg),
    ...                        {"climate": "Climate", "open_data": "Open data"}, scope_members=None, region=None)
    >>> ex.headline.set_index("item").loc[["Demanded cells", "Gaps"], "value"].tolist()
    [2, 1]
    >>> ex.top_gaps[["theme_id", "gap", "top_gaps"]].to_dict("records")
    [{'theme_id': 'climate', 'gap': 1, 'top_gaps': ['Kenya (KEN): demand 1']}]
    """
    demanded = cells[cells["status"].isin(STATUSES)]
    counts = cells["status"].value_counts()
    n_demanded, n_gaps = len(demanded), int(counts.get("gap", 0))
    reachable = int((gaps["reachable_cov"] > 0).sum()) if len(gaps) else 0
    rows: list[tuple[str, Any, str]] = [
        ("Members", int(cells["member_id"].nunique()), "OGP members in scope (countries and local members)"),
        ("Themes", int(cells["theme_id"].nunique()),
         ", ".join(themes.values()) if len(themes) <= 4 else "every theme of the catalogue"),
        ("Demanded cells", n_demanded, "member × theme cells where the data shows demand"),
        ("Gaps", n_gaps, f"{display_share(n_gaps / n_demanded if n_demanded else 0.0)} of demanded cells: "
                         "nobody in the data supports the member on the theme"),
        ("Gaps with help nearby", reachable,
         f"{display_share(reachable / n_gaps if n_gaps else 0.0)} of gaps: a capable organisation has a named "
         "tie to the member"),
        ("Fragile cells", int(counts.get("fragile", 0)), "one organisation supports the member: if it leaves, a gap"),
        ("Mature cells", int(counts.get("mature", 0)), "achieved, nothing open: not counted as need"),
    ]
    changes = pd.DataFrame()
    if since_cells is not None:
        changes = _changes(since_cells, cells)
        by = changes["change"].value_counts() if len(changes) else pd.Series(dtype="int64")
        rows += [("Gaps closed since", int(by.get("gap_closed", 0)), f"since the snapshot saved in {since}"),
                 ("Gaps opened since", int(by.get("gap_opened", 0)), f"since the snapshot saved in {since}"),
                 ("Other status changes", int(by.get("status_changed", 0) + by.get("gap_dropped", 0)),
                  "a cell's status changed, or a gap's demand went away")]
    rows += [("Caveat", text, "") for text in _caveats(limits, themes)]
    headline = pd.DataFrame(rows, columns=["item", "value", "note"]).astype({"value": "object"})
    top = _top_gaps(facts, config, gaps, themes, scope_members, region, roles, coalitions)
    return Executive(headline, top, changes, since)


def _caveats(limits: pd.DataFrame, themes: Mapping[str, str]) -> list[str]:
    out = ["A gap means nobody in the data supports the member on the theme: it can be missing data rather than "
           "missing support. Public sources see little of what partners do (see Data limits)."]
    thin = limits[limits["organisations_with_evidence"] < THIN_EVIDENCE].sort_values(
        ["organisations_with_evidence", "theme_id"]) if len(limits) else limits
    for rec in thin.to_dict("records"):
        demand = (f"demand from {rec['demand_by_source']}" if rec["demand_by_source"] else
                  "no demand in the data either")
        out.append(f"{themes.get(rec['theme_id'], theme_name(rec['theme_id']))}: only "
                   f"{display_number(rec['organisations_with_evidence'])} organisations with any evidence in the "
                   f"data; {demand}.")
    return out


def _top_gaps(facts: Any, config: AnalysisConfig, gaps: pd.DataFrame, themes: Mapping[str, str],
              scope_members: list[str] | None, region: str | None,
              roles: Mapping[str, str] | None, coalitions: bool = True) -> pd.DataFrame:
    columns = ["theme_name", "theme_id", "gap", "top_gaps", "best_coalition", "coalition_closes", "demand_cells"]
    if not coalitions:
        columns = ["theme_name", "theme_id", "gap", "top_gaps", "suggested_partners"]
    rows = []
    for theme, name in themes.items():
        mine = gaps[gaps["theme_id"] == theme]
        if mine.empty:
            continue
        best = mine.sort_values(["demand", "member_id"], ascending=[False, True]).head(TOP_GAPS)
        top_gaps = [f"{m} ({i}): demand {display_number(d, 2)}" for m, i, d in
                    zip(best["member_name"], best["member_id"], best["demand"], strict=True)]
        if not coalitions:
            rows.append({"theme_name": name, "theme_id": theme, "gap": len(mine), "top_gaps": top_gaps,
                         "suggested_partners": list(best["suggested_partners"].iloc[0]),
                         "_demand": float(best["demand"].iloc[0])})
            continue
        coalition = build_coalition(facts, theme, members=scope_members, region=region, size=COALITION_SIZE,
                                    config=config, roles=roles)
        rows.append({"theme_name": name, "theme_id": theme, "gap": len(mine), "top_gaps": top_gaps,
                     "best_coalition": list(coalition.optimum), "coalition_closes": int(coalition.optimum_covered),
                     "demand_cells": int(coalition.cells_total), "_demand": float(best["demand"].iloc[0])})
    frame = pd.DataFrame(rows, columns=[*columns, "_demand"])
    # most gaps first; then the highest demand (a member brief: every theme has one gap)
    frame = frame.sort_values(["gap", "_demand", "theme_id"], ascending=[False, False, True], ignore_index=True)
    return frame[columns]


def _changes(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    diff = compare_snapshots(before, after)
    diff = diff[diff["member_id"].isin(set(after["member_id"])) & diff["theme_id"].isin(set(after["theme_id"]))]
    names = after.drop_duplicates("member_id").set_index("member_id")["member_name"]
    diff = diff.assign(member_name=diff["member_id"].map(names), theme_name=diff["theme_id"].map(theme_name))
    return diff[["member_name", "member_id", "theme_name", "theme_id", "status_before", "status_after",
                 "cov_before", "cov_after", "change"]].reset_index(drop=True)
