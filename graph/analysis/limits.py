"""What the data can and cannot see, per theme: the limits to show beside every headline share, and the
trend of cell statuses over the years.

A gap can mean "nobody supports" or "no data on who supports". :func:`data_limits` measures, per theme, how
much evidence there is: how many organisations have any evidence of working on the theme, where the demand
comes from (the share of each source), how many demanded cells have only research or monitoring, how many
signals use indicators the catalogue does not know, and how the commitments sample compares with OGP's
published counts (the bundled export is a sample, biased toward legislation). :func:`coverage_trend`
recomputes the statuses as of each year.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from graph.analysis.coverage import ALL_STATUSES, STATUSES, coverage_cells
from graph.analysis.demand import signal_readings, with_readings
from graph.analysis.scope import in_force, reference_year
from graph.analysis.supply import relation_strengths
from model.config import AnalysisConfig
from model.facts import Facts, column

__all__ = ["LIMIT_COLUMNS", "coverage_trend", "data_limits"]

#: Columns of :func:`data_limits`.
LIMIT_COLUMNS = ("theme_id", "organisations_with_evidence", "covering_organisations", "demand_cells",
                 "monitoring_only_cells", "demand_by_source", "members_with_commitments", "reference_year",
                 "sample_members_then", "reference_members", "reference", "unknown_indicator_signals")


def data_limits(facts: Facts, cells: pd.DataFrame, config: AnalysisConfig | None = None) -> pd.DataFrame:
    """Per theme: how much the data sees (see the module docstring), from the facts and the cells of
    :func:`graph.analysis.coverage.coverage_cells`.

    ``organisations_with_evidence``: organisations that declare expertise in the theme or have an engagement
    on it of any strength; ``covering_organisations``: those covering at least one demanded cell;
    ``demand_by_source``: ``{source: share of the theme's demand}`` (need, open pledges, open OGP commitments);
    ``members_with_commitments``: analysed members with an OGP commitment on the theme in the sample;
    ``sample_members_then``: those with one submitted by ``reference_year``, beside ``reference_members``,
    OGP's published count for that year (catalogue; ``reference`` says which).

    Examples
    --------
    >>> facts = Facts.from_rows(
    ...     members=[{"id": "KEN", "status": "active"}],
    ...     signals=[{"member_id": "KEN", "theme_id": "open_data", "indicator": "gdb_overall_score",
    ...               "kind": "score", "value": 30.0, "source": "gdb-2022"}],
    ...     engagements=[{"organisation_id": "hub", "member_id": "KEN", "theme_id": "open_data",
    ...                   "relation": "research_hub"}])
    >>> from graph.analysis.coverage import coverage_cells
    >>> limits = data_limits(facts, coverage_cells(facts)).set_index("theme_id")
    >>> limits.loc["open_data", ["organisations_with_evidence", "covering_organisations", "monitoring_only_cells"]]
    ... # doctest: +NORMALIZE_WHITESPACE
    organisations_with_evidence    1
    covering_organisations         0
    monitoring_only_cells          1
    Name: open_data, dtype: int64
    >>> limits.loc["open_data", "demand_by_source"]
    {'gdb-2022': 1.0}
    """
    cfg = config or AnalysisConfig()
    facts = in_force(facts, cfg)
    themes = list(facts.themes)
    eng = relation_strengths(facts, cfg)
    evidence = pd.concat([eng.loc[eng["theme_id"].notna(), ["organisation_id", "theme_id"]],
                          facts.expertise[["organisation_id", "theme_id"]]], ignore_index=True).drop_duplicates()
    with_evidence = evidence.groupby("theme_id")["organisation_id"].nunique()
    demanded = cells[cells["status"].isin(STATUSES)]
    covering = demanded.groupby("theme_id")["supporters"].agg(lambda s: len({o for orgs in s for o in orgs}))
    monitoring = demanded[demanded["monitoring_only"]].groupby("theme_id").size()
    readings = signal_readings(facts, cfg)
    unknown = readings[readings["reading"] == "unknown"].groupby("theme_id").size()
    by_source = _demand_by_source(demanded)
    com = facts.commitments
    analysed = set(column(cells, "member_id"))
    com = com[com["member_id"].isin(analysed)]
    with_commitments = com.groupby("theme_id")["member_id"].nunique()
    com_years = pd.to_numeric(com["year"], errors="coerce")
    reference = {r.theme: r for r in cfg.catalogue.reference_counts}
    rows = []
    for t in themes:
        ref = reference.get(t)
        rows.append({
            "theme_id": t,
            "organisations_with_evidence": int(with_evidence.get(t, 0)),
            "covering_organisations": int(covering.get(t, 0)),
            "demand_cells": int((demanded["theme_id"] == t).sum()),
            "monitoring_only_cells": int(monitoring.get(t, 0)),
            "demand_by_source": by_source.get(t, {}),
            "members_with_commitments": int(with_commitments.get(t, 0)),
            "reference_year": ref.year if ref else None,
            "sample_members_then": int(com.loc[(com["theme_id"] == t) & (com_years <= ref.year),
                                               "member_id"].nunique()) if ref else None,
            "reference_members": ref.members if ref else None,
            "reference": f"{ref.meaning}" if ref else "",
            "unknown_indicator_signals": int(unknown.get(t, 0)),
        })
    return pd.DataFrame(rows, columns=list(LIMIT_COLUMNS)).astype(
        {"reference_members": "Int64", "reference_year": "Int64", "sample_members_then": "Int64"})


def _demand_by_source(demanded: pd.DataFrame) -> dict[str, dict[str, float]]:
    """theme -> {source: share of the theme's demand}: need (before achievements), open pledges, OGP commitments."""
    totals: dict[str, dict[str, float]] = {}
    for theme, needs, pledges, commitment_demand in zip(
            column(demanded, "theme_id"), column(demanded, "need_signals"), column(demanded, "pledges"),
            column(demanded, "commitment_demand"), strict=True):
        mine = totals.setdefault(theme, {})
        for item in needs:
            mine[item["source"]] = mine.get(item["source"], 0.0) + item["weight"]
        for item in pledges:
            if item.get("open", True):
                mine[item["source"]] = mine.get(item["source"], 0.0) + item["weight"]
        if commitment_demand:
            mine["ogp-commitments"] = mine.get("ogp-commitments", 0.0) + float(commitment_demand)
    out = {}
    for theme, sources in totals.items():
        total = sum(sources.values())
        out[theme] = {s: round(v / total, 4) for s, v in sorted(sources.items(), key=lambda kv: (-kv[1], kv[0]))
                      if total > 0}
    return out


def _only(facts: Facts, members: list[str] | None, themes: list[str] | None) -> Facts:
    """The facts about these members and themes only (a cell's status reads nothing else: its demand is its
    member's signals and commitments, its supply the engagements in its member), so each year of a trend
    filters less. General engagements (no theme) stay: expertise turns them into support on a theme."""
    from dataclasses import replace

    if members is None and themes is None:
        return facts
    keep_m = set(members) if members is not None else None
    keep_t = set(themes) if themes is not None else None

    def rows(frame: pd.DataFrame, general_ok: bool = False) -> pd.DataFrame:
        mask = pd.Series(True, index=frame.index)
        if keep_m is not None and "member_id" in frame:
            mask &= frame["member_id"].isin(keep_m)
        if keep_t is not None and "theme_id" in frame:
            mask &= frame["theme_id"].isin(keep_t) | (frame["theme_id"].isna() if general_ok else False)
        return frame[mask]

    return replace(facts, members=rows(facts.members), engagements=rows(facts.engagements, general_ok=True),
                   signals=rows(facts.signals), commitments=rows(facts.commitments))


def coverage_trend(facts: Facts, config: AnalysisConfig | None = None, years: Iterable[int] | None = None, *,
                   themes: Iterable[str] | None = None, members: Iterable[str] | None = None) -> pd.DataFrame:
    """Cells per theme and status as of each year (default: 2011 to the data's reference year).

    ``themes`` and ``members`` restrict the cells counted (a report's scope), which is also much faster.

    Columns ``year``, ``theme_id``, ``members`` (analysed members that had joined), then one count per status
    of :data:`graph.analysis.coverage.ALL_STATUSES`. Each year uses only the facts in force then
    (:func:`graph.analysis.scope.in_force`): the earlier years see little because most evidence was observed
    recently. ``config.as_of`` is ignored (each year sets its own).

    Examples
    --------
    >>> facts = Facts.from_rows(
    ...     members=[{"id": "KEN", "joined": 2011, "status": "active"}],
    ...     commitments=[{"id": "KE1", "member_id": "KEN", "year": 2013}],
    ...     commitment_themes=[{"commitment_id": "KE1", "theme_id": "open_data"}])
    >>> coverage_trend(facts, years=[2012, 2014])[["year", "theme_id", "members", "gap"]]
       year   theme_id  members  gap
    0  2012  open_data        1    0
    1  2014  open_data        1    1
    """
    from dataclasses import replace

    cfg = config or AnalysisConfig()
    latest = reference_year(facts)
    wanted = list(years) if years is not None else list(range(2011, latest + 1))
    theme_ids = [t for t in facts.themes if themes is None or t in set(themes)]
    member_ids = None if members is None else list(members)
    facts = with_readings(_only(facts, member_ids, None if themes is None else theme_ids), cfg)
    frames = []
    for year in wanted:
        cells = coverage_cells(facts, replace(cfg, as_of=str(year)), themes=theme_ids, members=member_ids,
                               with_reachable=False, with_evidence=False)
        counts = cells.groupby(["theme_id", "status"]).size().unstack(fill_value=0)
        counts = counts.reindex(index=theme_ids, columns=list(ALL_STATUSES), fill_value=0)
        counts = counts.rename_axis(index="theme_id", columns=None).reset_index()
        counts.insert(0, "members", cells["member_id"].nunique())
        counts.insert(0, "year", year)
        frames.append(counts)
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["year", "members", "theme_id", *ALL_STATUSES])
    out = out[["year", "theme_id", "members", *ALL_STATUSES]]
    return out.astype({c: "int64" for c in ("year", "members", *ALL_STATUSES)}).reset_index(drop=True)
