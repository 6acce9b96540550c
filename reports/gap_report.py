"""The gap report: every table an analyst exports, computed once from the analysed graph, in three formats.

:func:`collect_gap_report` is pure given the graph (only :attr:`GapReport.generated_at` reads the clock):
summary numbers, gap and fragile cells with their evidence, the member x theme coverage matrix, brokers,
partner suggestions for each gap cell, the methodology (every setting and every score in plain words) and
the provenance (load run, snapshot, sources, software versions). The renderers turn one report into an Excel
workbook (:func:`render_xlsx`), one self-contained HTML page (:func:`render_html`) or CSV files
(:func:`render_csv`, :func:`render_csv_zip`). The same snapshot and options give the same output apart from
the single generated-at line (:func:`generated_at_line`).

Examples
--------
>>> from graph.snapshot import AnalysedGraph, Snapshot
>>> from model.tables import read_tables
>>> from graph.settings import REPO_ROOT
>>> tables = read_tables(REPO_ROOT / "tests" / "fixtures" / "dataset")
>>> analysed = AnalysedGraph(Snapshot("run-1", "abc123", "2024-06-01T12:00:00+00:00", tables))
>>> report = collect_gap_report(analysed, AnalysisConfig(), region="Africa and Middle East")
>>> report.gaps[["member_id", "theme_id", "demand", "reachable_cov"]].round(3).to_dict("records")
... # doctest: +NORMALIZE_WHITESPACE
[{'member_id': 'KEN-elgeyo-marakwet', 'theme_id': 'public_participation', 'demand': 0.595, 'reachable_cov': 1},
 {'member_id': 'KEN', 'theme_id': 'access_to_information', 'demand': 0.45, 'reachable_cov': 1}]
>>> report.gaps.loc[0, "suggested_partners"]
['civic-lab']
>>> list(report.tables())  # doctest: +NORMALIZE_WHITESPACE
['Executive summary', 'Top gaps', 'Summary', 'Data limits', 'Trend', 'Gaps', 'Fragile', 'Coverage matrix', 'Brokers',
 'Partner suggestions', 'Methodology', 'Provenance']
>>> brief = collect_gap_report(analysed, AnalysisConfig(), member="KEN", kind="member")
>>> brief.title, list(brief.tables())[:3]
('Member brief: Kenya (KEN)', ['Executive summary', 'Top gaps', 'Themes'])
"""

from __future__ import annotations

import platform
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from typing import Any

import pandas as pd

from graph.analysis import (
    ALL_STATUSES,
    ROLES,
    STATUSES,
    AnalysisConfig,
    analysed_members,
    broker_evidence,
    brokerage_by,
    coverage_cells,
    coverage_rollup,
    coverage_trend,
    data_limits,
    find_partners,
    partner_index,
)
from graph.snapshot import AnalysedGraph
from model.errors import UsageError
from model.schema import THEMES
from presentation.methods import METHODS
from presentation.ranking import rank_brokers, rank_cells, scope_frame
from presentation.values import display_number, display_setting, evidence_text
from reports.executive import Executive, collect_executive

__all__ = [
    "BROKER_COLUMNS",
    "FRAGILE_COLUMNS",
    "GAP_COLUMNS",
    "GENERATED_AT_LABEL",
    "KINDS",
    "MEMBER_SHEETS",
    "THEME_SHEETS",
    "PARTNER_SUGGESTIONS",
    "SHEETS",
    "SUGGESTION_COLUMNS",
    "GapReport",
    "ReportScopeError",
    "Scope",
    "collect_gap_report",
    "generated_at_iso",
    "generated_at_line",
    "render",
    "render_csv",
    "render_csv_zip",
    "render_pdf",
    "render_html",
    "render_xlsx",
]

#: Sheet names of the gap report's workbook, in order (also the keys of :meth:`GapReport.tables`).
SHEETS = ("Executive summary", "Top gaps", "Summary", "Data limits", "Trend", "Gaps", "Fragile", "Coverage matrix",
          "Brokers", "Partner suggestions", "Methodology", "Provenance")
#: Sheets of a member brief (one member, every theme) and of a theme brief (one theme, every member).
MEMBER_SHEETS = ("Executive summary", "Top gaps", "Themes", "Gaps", "Fragile", "Partner suggestions", "Data limits",
                 "Trend", "Methodology", "Provenance")
THEME_SHEETS = ("Executive summary", "Top gaps", "Members", "Gaps", "Fragile", "Partner suggestions", "Data limits",
                "Trend", "Brokers", "Methodology", "Provenance")
#: Report kinds: the gap report, and the two briefs.
KINDS = ("gaps", "member", "theme")
#: Columns of the cells table of a brief (every cell in scope with demand or achievements).
CELL_TABLE_COLUMNS = ("member_id", "member_name", "theme_id", "theme_name", "status", "demand", "cov", "supporters",
                      "weak_supporters", "reachable_cov", "reachable_orgs", "n_commitments", "n_pledges",
                      "n_need_signals", "n_achievements", "evidence")
#: How many partners are suggested for each gap cell.
PARTNER_SUGGESTIONS = 3
#: The label of the one line that differs between two renders of the same report.
GENERATED_AT_LABEL = "Generated at"

_CELL_INFO = ("member_id", "member_name", "level", "region", "theme_id", "theme_name")
_DEMAND = ("demand", "need", "pledge_demand", "commitment_demand", "achievement", "n_commitments", "n_pledges",
           "n_need_signals", "n_achievements", "commitment_ids", "commitments", "pledges", "need_signals",
           "achievements")
_REACH = ("reachable_cov", "reachable_min_hops", "reachable_orgs", "reachable")
GAP_COLUMNS = (*_CELL_INFO, *_DEMAND, "weak_supporters", "monitoring_only", *_REACH, "suggested_partners")
FRAGILE_COLUMNS = (*_CELL_INFO, *_DEMAND, "supporter_id", "supporter_name", "supporter_sector", *_REACH)
SUGGESTION_COLUMNS = ("member_id", "member_name", "theme_id", "theme_name", "rank", "organisation_id", "name",
                      "sector", "score", "expertise", "presence", "track_record", "complementarity", "proximity",
                      "countries", "evidence")
BROKER_COLUMNS = ("organisation_id", "name", "sector", "degree", "strength", "betweenness", "constraint",
                  "effective_size", "articulation_point", *ROLES, "total", *(f"z_{r}" for r in ROLES), "z_total",
                  "dominant_role", "evidence")
_ROLLUP_COLUMNS = ("theme_id", "theme_name", "demand_cells", "gap", "fragile", "covered", "redundant", "mature",
                   "monitoring_only", "reachable_gaps", "reachable_share", "gap_share", "mean_cov", "supporters")


class ReportScopeError(UsageError, ValueError):
    """A theme, region or member the report is asked for is not in the analysed graph."""


@dataclass(frozen=True)
class Scope:
    """What a report covers: one theme, one OGP region and/or one member (``None``: all)."""

    theme: str | None = None
    region: str | None = None
    member: str | None = None

    def describe(self) -> str:
        """The scope in words.

        >>> Scope().describe(), Scope(theme="climate", region="Europe").describe()
        ('all analysed members and themes', 'theme climate; region Europe')
        """
        parts = [f"{k} {v}" for k, v in (("theme", self.theme), ("region", self.region), ("member", self.member))
                 if v]
        return "; ".join(parts) if parts else "all analysed members and themes"


@dataclass(frozen=True, eq=False)
class GapReport:
    """All tables of one gap report (pandas DataFrames; list cells stay lists).

    Attributes
    ----------
    scope : Scope
    snapshot, load_id, loaded : str or None
        Content hash, id and finish time (ISO, UTC) of the load run the graph came from.
    summary : DataFrame
        ``item``, ``value``, ``explanation``: headline numbers.
    by_theme : DataFrame
        Demanded cells by status per theme (:func:`graph.analysis.coverage_rollup`) with ``theme_name``.
    gaps, fragile : DataFrame
        Demanded cells with no supporter (:data:`GAP_COLUMNS`) or exactly one (:data:`FRAGILE_COLUMNS`),
        by demand (highest first), member, theme.
    coverage_matrix : DataFrame
        One row per member in scope: ``member_id``, ``member_name``, ``level``, ``region``, one column per
        theme in scope holding the cell's status (``None`` without demand), then ``gap_cells`` and
        ``fragile_cells``.
    brokers : DataFrame
        Brokerage measures of every organisation (:data:`BROKER_COLUMNS`), Gould-Fernandez groups = sector,
        by betweenness then effective size (highest first); ``evidence``: the ties that reach other sectors,
        as text with source and date (:func:`graph.analysis.broker_evidence`).
    partner_suggestions : DataFrame
        Top :data:`PARTNER_SUGGESTIONS` partners per gap cell (:data:`SUGGESTION_COLUMNS`); a gap cell without
        any candidate has one row with an empty organisation.
    methodology : DataFrame
        ``kind`` (definition | setting), ``name``, ``value``, ``default``, ``explanation``.
    provenance : DataFrame
        ``kind`` (load | software | source), ``name``, ``value``, ``url``, ``licence``, ``as_of``.
    limits : DataFrame
        What the data can see per theme in scope (:func:`graph.analysis.data_limits`), with ``theme_name``.
    trend : DataFrame
        Cells per status per theme in scope as of each year (:func:`graph.analysis.coverage_trend`).
    countries : DataFrame
        Map data per country (ISO-3): ``iso3``, ``country``, ``members``, ``demand_cells``, ``gap``,
        ``fragile``, ``covered``, ``redundant`` (members in scope; a local member counts in its country).
    themes : dict
        Theme id -> name of the themes in scope, in column order.
    generated_at : datetime
        When the report was collected (UTC); the only value that differs between two collections.
    """

    scope: Scope
    snapshot: str | None
    load_id: str | None
    loaded: str | None
    summary: pd.DataFrame
    by_theme: pd.DataFrame
    gaps: pd.DataFrame
    fragile: pd.DataFrame
    coverage_matrix: pd.DataFrame
    brokers: pd.DataFrame
    partner_suggestions: pd.DataFrame
    methodology: pd.DataFrame
    provenance: pd.DataFrame
    countries: pd.DataFrame
    limits: pd.DataFrame = field(default_factory=pd.DataFrame)
    trend: pd.DataFrame = field(default_factory=pd.DataFrame)
    as_of: str | None = None
    themes: dict[str, str] = field(default_factory=dict)
    kind: str = "gaps"
    cells: pd.DataFrame = field(default_factory=pd.DataFrame)
    executive: Executive | None = None
    names: dict[str, str] = field(default_factory=dict)
    subject: str | None = None
    generated_at: datetime = field(default_factory=lambda: datetime.now(UTC).replace(microsecond=0))

    def tables(self) -> dict[str, pd.DataFrame]:
        """The main table of each sheet, keyed by :data:`SHEETS` (a brief: :data:`MEMBER_SHEETS` or
        :data:`THEME_SHEETS`), plus ``Changes`` after ``Top gaps`` when a saved snapshot was compared."""
        executive = self.executive or Executive(pd.DataFrame(columns=["item", "value", "note"]), pd.DataFrame())
        every = {"Executive summary": executive.headline, "Top gaps": executive.top_gaps, "Summary": self.summary,
                 "Data limits": self.limits, "Trend": self.trend, "Gaps": self.gaps, "Fragile": self.fragile,
                 "Coverage matrix": self.coverage_matrix, "Brokers": self.brokers,
                 "Partner suggestions": self.partner_suggestions, "Methodology": self.methodology,
                 "Provenance": self.provenance, "Themes": self.cells, "Members": self.cells}
        names = {"gaps": SHEETS, "member": MEMBER_SHEETS, "theme": THEME_SHEETS}[self.kind]
        out = {n: every[n] for n in names}
        if executive.since is not None:
            out = {k: v for n in names for k, v in
                   ([(n, out[n]), ("Changes", executive.changes)] if n == "Top gaps" else [(n, out[n])])}
        return out

    @property
    def title(self) -> str:
        """The report's title, naming its scope."""
        if self.kind == "member":
            return f"Member brief: {self.subject or self.scope.member}"
        if self.kind == "theme":
            scope = f" ({self.scope.region})" if self.scope.region else ""
            return f"Theme brief: {self.subject or self.scope.theme}{scope}"
        return f"Coverage gap report: {self.scope.describe()}"


def generated_at_iso(report: Any) -> str:
    """When the report was generated, as ISO 8601 UTC text (seconds).

    >>> from types import SimpleNamespace
    >>> generated_at_iso(SimpleNamespace(generated_at=datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=UTC)))
    '2026-01-02T03:04:05Z'
    """
    when: datetime = report.generated_at
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def generated_at_line(report: Any) -> str:
    """The one line of a rendered report that changes from one collection to the next.

    >>> from types import SimpleNamespace
    >>> generated_at_line(SimpleNamespace(generated_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)))
    'Generated at 2026-01-02T03:04:05Z'
    """
    return f"{GENERATED_AT_LABEL} {generated_at_iso(report)}"


# -- collection ----------------------------------------------------------------------------------------


def collect_gap_report(analysed: AnalysedGraph, config: AnalysisConfig, theme: str | None = None,
                       region: str | None = None, member: str | None = None, *,
                       neo4j_version: str | None = None,
                       progress: Callable[[int, int], None] | None = None, kind: str = "gaps",
                       since_cells: pd.DataFrame | None = None, since: str | None = None) -> GapReport:
    """Compute every table of the gap report for the analysed graph, optionally scoped.

    Parameters
    ----------
    analysed : AnalysedGraph
        The load snapshot and its graph (:func:`graph.snapshot.current_graph`).
    config : AnalysisConfig
        Thresholds and weights (all listed in the methodology table).
    theme, region, member : str, optional
        Only this theme id, OGP region or member id (combinable). Unknown values raise
        :class:`ReportScopeError`.
    neo4j_version : str, optional
        Version of the Neo4j server the snapshot was read from, for the provenance table (also taken from
        ``analysed.snapshot.neo4j_version`` when the snapshot carries one).
    progress : callable, optional
        Called as ``progress(done, total)`` while partners are suggested for the gap cells (the slow part:
        one :func:`graph.analysis.find_partners` call per gap cell).
    kind : {"gaps", "member", "theme"}
        The gap report, a member brief (``member`` required) or a theme brief (``theme`` required).
    since_cells, since : optional
        Cells saved earlier (``ogpnet gaps --save``) and the file they came from: the executive summary says
        what changed since.

    Returns
    -------
    GapReport
        Brokers are computed on the whole organisation network whatever the scope; every other table is
        scoped.
    """
    scope = Scope(theme, region, member)
    facts = analysed.facts
    if kind not in KINDS or (kind == "member" and member is None) or (kind == "theme" and theme is None):
        raise ReportScopeError(f"a {kind} report needs its {kind}" if kind in KINDS else f"unknown report {kind!r}")
    _check_scope(facts, config, scope)  # before the long computations
    # only the cells in scope are computed (each cell's numbers do not depend on the others)
    in_region = None
    if scope.region is not None:
        members = analysed_members(facts, config)
        in_region = list(members.loc[members["region"] == scope.region, "member_id"])
    cells = scope_frame(coverage_cells(facts, config, themes=[scope.theme] if scope.theme else None,
                                       members=[scope.member] if scope.member else in_region),
                        scope.theme, scope.region, [scope.member] if scope.member else [])
    theme_ids = [t for t in facts.themes if scope.theme in (None, t)]
    themes = {t: analysed.theme_names.get(t) or THEMES.get(t, t) for t in theme_ids}
    cells = cells.assign(theme_name=cells["theme_id"].map(themes))

    org_names = facts.organisations.set_index("organisation_id")["name"].to_dict()
    org_sectors = facts.organisations.set_index("organisation_id")["sector"].to_dict()
    gap_cells = rank_cells(cells, statuses=["gap"]).drop(columns="theme")
    fragile_cells = rank_cells(cells, statuses=["fragile"]).drop(columns="theme")

    suggestions = _partner_suggestions(facts, gap_cells, config, progress)
    gaps = _evidence_columns(gap_cells.reset_index(drop=True))
    by_cell = suggestions.groupby(["member_id", "theme_id"], sort=False)["organisation_id"].agg(
        lambda s: [o for o in s if isinstance(o, str)])
    gaps["suggested_partners"] = [by_cell.get((m, t), []) for m, t in zip(gaps["member_id"], gaps["theme_id"],
                                                                             strict=True)]
    fragile = _evidence_columns(fragile_cells.reset_index(drop=True))
    fragile["supporter_id"] = [s[0] for s in fragile["supporters"]] if len(fragile) else []
    fragile["supporter_name"] = fragile["supporter_id"].map(org_names)
    fragile["supporter_sector"] = fragile["supporter_id"].map(org_sectors)

    brokerage = brokerage_by(facts, "sector", config)
    brokers = rank_brokers(brokerage)
    reasons = broker_evidence(facts, brokerage, brokers["organisation_id"], config)
    brokers["evidence"] = brokers["organisation_id"].map(lambda o: [evidence_text(e) for e in reasons.get(o, [])])

    by_theme = coverage_rollup(cells, "theme_id")
    by_theme.insert(1, "theme_name", by_theme["theme_id"].map(themes))
    limits = data_limits(facts, cells, config)
    limits = limits[limits["theme_id"].isin(theme_ids)].reset_index(drop=True)
    limits.insert(1, "theme_name", limits["theme_id"].map(themes))
    scoped = scope.region is not None or scope.member is not None
    trend = coverage_trend(facts, config, themes=theme_ids,
                           members=list(cells["member_id"].unique()) if scoped else None)
    trend.insert(2, "theme_name", trend["theme_id"].map(themes))
    limits["demand_by_source"] = limits["demand_by_source"].map(
        lambda d: "; ".join(f"{s} {round(100 * v)}%" for s, v in d.items()))
    roles = dict(zip(brokers["organisation_id"], brokers["dominant_role"], strict=True))
    executive = collect_executive(facts, config, cells, gaps, limits, themes,
                                  scope_members=[scope.member] if scope.member else None, region=scope.region,
                                  roles=roles, since_cells=since_cells, since=since, coalitions=kind != "member")
    names = {**org_names, **dict(zip(facts.consortia["consortium_id"], facts.consortia["name"], strict=True))}
    subject = (f"{cells['member_name'].iloc[0]} ({scope.member})" if kind == "member" and len(cells) else
               themes.get(scope.theme or "", scope.theme) if kind == "theme" else None)

    return GapReport(
        scope=scope,
        snapshot=analysed.snapshot.snapshot,
        load_id=analysed.snapshot.load_id,
        loaded=analysed.snapshot.finished,
        summary=_summary(cells, facts, gaps, suggestions, scope, analysed, config.as_of or None),
        by_theme=by_theme[list(_ROLLUP_COLUMNS)],
        gaps=gaps[list(GAP_COLUMNS)],
        fragile=fragile[list(FRAGILE_COLUMNS)],
        coverage_matrix=_coverage_matrix(cells, theme_ids),
        brokers=brokers[list(BROKER_COLUMNS)],
        partner_suggestions=suggestions,
        methodology=_methodology(config, brokerage.betweenness_method, brokerage.betweenness_k, brokerage.seed),
        provenance=_provenance(analysed, neo4j_version),
        countries=_countries(cells, facts),
        limits=limits,
        trend=trend,
        as_of=config.as_of or None,
        themes=themes,
        kind=kind,
        cells=_cell_table(cells),
        executive=executive,
        names={str(k): str(v) for k, v in names.items() if isinstance(v, str)},
        subject=subject,
    )


def _cell_table(cells: pd.DataFrame) -> pd.DataFrame:
    """Every cell in scope with a status, highest demand first, its evidence as text."""
    out = rank_cells(cells, statuses=list(ALL_STATUSES)).reset_index(drop=True)
    out = out.assign(evidence=out["evidence"].map(lambda items: [evidence_text(e) for e in items]))
    return out[list(CELL_TABLE_COLUMNS)]


def _check_scope(facts: Any, config: AnalysisConfig, scope: Scope) -> None:
    members = facts.members
    analysed = members[members["status"].isin(config.member_statuses)]
    if scope.theme is not None and scope.theme not in facts.themes:
        raise ReportScopeError(f"unknown theme {scope.theme!r}", hint=f"use one of: {', '.join(facts.themes)}")
    if scope.region is not None:
        regions = sorted(set(analysed["region"].dropna()))
        if scope.region not in regions:
            raise ReportScopeError(f"unknown region {scope.region!r}", hint=f"use one of: {', '.join(regions)}")
    if scope.member is not None and scope.member not in set(analysed["member_id"]):
        known = members.loc[members["member_id"] == scope.member, "status"]
        why = f"member {scope.member!r} is not analysed (status {known.iloc[0]})" if len(known) else \
            f"unknown member id {scope.member!r}"
        raise ReportScopeError(why, hint="use an analysed member id: ISO-3 for countries (e.g. KEN) or a local id "
                                         "as listed by `ogpnet gaps`")


def _signal_text(signal: dict[str, Any]) -> str:
    """One pledge or need signal as text.

    >>> _signal_text({"indicator": "obs_open_budget_index", "value": 45.0, "source": "ibp", "as_of": "2019"})
    'obs_open_budget_index = 45 (ibp, 2019)'
    """
    return f"{signal['indicator']} = {display_number(signal['value'])} ({signal['source']}, {signal['as_of']})"


def _evidence_columns(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for col in ("pledges", "need_signals"):
        out[col] = [[_signal_text(s) for s in signals] for signals in out[col]]
    out["achievements"] = [[_achievement_text(a) for a in items] for items in out["achievements"]]
    out["commitments"] = [[f"{c['commitment_id']}: {c['detail']}; weight {c['weight']:.2f} ({c['source']}, "
                           f"{c['as_of']})" for c in items] for items in out["commitments"]]
    out["reachable"] = [[evidence_text(e) for e in items] for items in out["reachable"]]
    return out


def _achievement_text(item: dict[str, Any]) -> str:
    """An achievement as text (a signal, or a completed commitment)."""
    if item.get("indicator"):
        return _signal_text(item)
    return f"{item.get('commitment_id')} completed ({item['source']}, {item['as_of']})"


def _partner_suggestions(facts: Any, gap_cells: pd.DataFrame, config: AnalysisConfig,
                         progress: Callable[[int, int], None] | None = None) -> pd.DataFrame:
    frames = []
    total = len(gap_cells)
    index = partner_index(facts, config)  # built once: each cell then costs look-ups, not a graph read
    for done, (m, name, t, tname) in enumerate(zip(gap_cells["member_id"], gap_cells["member_name"],
                                                   gap_cells["theme_id"], gap_cells["theme_name"], strict=True)):
        if progress is not None:
            progress(done, total)
        found = find_partners(facts, t, members=m, top=PARTNER_SUGGESTIONS, config=config, index=index)
        if found.empty:
            found = pd.DataFrame({"rank": [pd.NA], "evidence": ["no candidate partner found"]})
        else:
            found = found.assign(evidence=found["evidence"].map(lambda items: [evidence_text(e) for e in items]))
        frames.append(found.assign(member_id=m, member_name=name, theme_id=t, theme_name=tname))
    if progress is not None:
        progress(total, total)
    if not frames:
        return pd.DataFrame({c: pd.Series([], dtype="object") for c in SUGGESTION_COLUMNS})
    out = pd.concat(frames, ignore_index=True).reindex(columns=list(SUGGESTION_COLUMNS))
    out["rank"] = out["rank"].astype("Int64")
    for col in ("score", "expertise", "presence", "track_record", "complementarity", "proximity"):
        out[col] = out[col].astype("float64")
    out["countries"] = [c if isinstance(c, list) else [] for c in out["countries"]]
    return out


def _coverage_matrix(cells: pd.DataFrame, theme_ids: list[str]) -> pd.DataFrame:
    info = cells.drop_duplicates("member_id").set_index("member_id")[["member_name", "level", "region"]]
    status = cells.pivot(index="member_id", columns="theme_id", values="status").reindex(
        index=info.index, columns=theme_ids)
    status = status.astype("object").where(status.notna(), None)
    matrix = info.join(status)
    matrix["gap_cells"] = (status == "gap").sum(axis=1).astype("int64")
    matrix["fragile_cells"] = (status == "fragile").sum(axis=1).astype("int64")
    return matrix.reset_index().sort_values("member_id", ignore_index=True)


def _countries(cells: pd.DataFrame, facts: Any) -> pd.DataFrame:
    members = facts.members.set_index("member_id")
    frame = cells.assign(iso3=cells["member_id"].map(members["iso3"]))
    frame = frame[frame["iso3"].notna()]
    national = members[members["level"] != "local"]
    country_name = dict(zip(national["iso3"], national["name"], strict=True))
    rows = []
    for iso3, group in frame.groupby("iso3", sort=True):
        status = group["status"].value_counts()
        rows.append({"iso3": iso3, "country": country_name.get(iso3, iso3),
                     "members": sorted(set(group["member_name"].fillna(group["member_id"]))),
                     "demand_cells": int(group["status"].notna().sum()),
                     **{s: int(status.get(s, 0)) for s in STATUSES}})
    columns = ["iso3", "country", "members", "demand_cells", *STATUSES]
    return pd.DataFrame(rows, columns=columns)


def _summary(cells: pd.DataFrame, facts: Any, gaps: pd.DataFrame, suggestions: pd.DataFrame, scope: Scope,
             analysed: AnalysedGraph, as_of: str | None = None) -> pd.DataFrame:
    demanded = cells[cells["status"].isin(STATUSES)]
    counts = cells["status"].value_counts()
    n_demanded = len(demanded)
    with_suggestion = suggestions.loc[suggestions["organisation_id"].notna(), ["member_id", "theme_id"]]
    rows: list[tuple[str, Any, str]] = [
        ("Scope", scope.describe(), "the theme, OGP region and member this report is limited to"),
        ("Snapshot", analysed.snapshot.snapshot, "content hash of the load the analyses ran on"),
        ("As of", as_of or "the latest date in the data",
         "the analysis date: members that had joined, commitments submitted and evidence observed by then"),
        ("Loaded at", analysed.snapshot.finished, "when that load finished (UTC)"),
        ("Members analysed", int(cells["member_id"].nunique()),
         "members in scope whose status is analysed (see member_statuses in Methodology)"),
        ("Themes", int(cells["theme_id"].nunique()), "themes in scope"),
        ("Organisations", int(len(facts.organisations)), "organisations in the graph (all of them)"),
        ("Consortia", int(len(facts.consortia)), "consortia in the graph (all of them)"),
        ("Demanded cells", n_demanded, "member x theme cells with demand (see Methodology: demand)"),
        *((f"{s.capitalize()} cells", int(counts.get(s, 0)), _STATUS_SHORT[s]) for s in ALL_STATUSES),
        ("Monitoring-only cells", int(demanded["monitoring_only"].sum()),
         "demanded cells whose only support is research, monitoring or a mention (not coverage)"),
        ("Gap share", float(counts.get("gap", 0) / n_demanded) if n_demanded else 0.0,
         "gap cells / demanded cells"),
        ("Gaps with reachable help", int((gaps["reachable_cov"] > 0).sum()),
         "gap cells with at least one capable organisation that has a named tie to the member (see reachable help); "
         "the Data limits sheet says how much evidence each theme has"),
        ("Gaps with partner suggestions", int(len(with_suggestion.drop_duplicates())),
         f"gap cells for which at least one partner is suggested (top {PARTNER_SUGGESTIONS} per cell)"),
        ("Supporting organisations", int(len({o for orgs in demanded["supporters"] for o in orgs})),
         "distinct organisations supporting at least one demanded cell in scope"),
        ("Countries", int(cells["member_id"].map(facts.members.set_index("member_id")["iso3"]).nunique()),
         "countries of the members in scope (a local member counts in its country)"),
    ]
    return pd.DataFrame(rows, columns=["item", "value", "explanation"]).astype({"value": "object"})


_STATUS_SHORT = {
    "gap": "demanded cells that no organisation supports",
    "fragile": "demanded cells that exactly one organisation supports (a single point of failure)",
    "covered": "demanded cells with at least two supporters, fewer than redundant_k",
    "redundant": "demanded cells with at least redundant_k supporters",
    "mature": "cells with achievements and no demand left (achieved, nothing open)",
}


# -- methodology and provenance ------------------------------------------------------------------------


def _methodology(cfg: AnalysisConfig, method: str, k: int | None, seed: int | None) -> pd.DataFrame:
    """Every definition (the methods registry, with this report's settings) and every setting."""
    sampled = (f"sampled: {k} pivot sources drawn with seed {seed}" if method == "sampled" else
               f"exact (at most {cfg.betweenness_exact_limit} organisations)")
    definitions: list[tuple[str, str, str]] = [(m.title, m.formula(cfg), m.plain(cfg)) for m in METHODS
                                               if m.section != "explorer"]
    definitions += [
        ("betweenness in this report", sampled, "Brokers are computed on the whole network, whatever the scope."),
        ("partner suggestions", f"top {PARTNER_SUGGESTIONS} partner scores per gap cell",
         "The evidence column says why in words."),
        ("map", "colour = gap cells per country",
         "Gap cells of the members in scope in that country; a local member counts in its country. Members "
         "outside the map's world topology are listed under the map."),
        ("coverage matrix", "status of each member x theme cell",
         "gap, fragile, covered or redundant; empty = no demand."),
    ]
    rows = [("definition", name, value, None, text) for name, value, text in definitions]
    values, defaults = cfg.to_dict(), AnalysisConfig().to_dict()
    for name, _default, help_text in AnalysisConfig.describe():
        rows.append(("setting", name, display_setting(values[name]), display_setting(defaults[name]),
                     f"{help_text} (environment variable {AnalysisConfig.env_name(name)})"))
    return pd.DataFrame(rows, columns=["kind", "name", "value", "default", "explanation"]).astype(
        {"value": "object", "default": "object"})


_SOFTWARE = (("ogpnet", "ogpnet"), ("neo4j Python driver", "neo4j"), ("networkx", "networkx"),
             ("pandas", "pandas"), ("numpy", "numpy"), ("scipy", "scipy"), ("openpyxl", "openpyxl"),
             ("plotly", "plotly"))


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def _provenance(analysed: AnalysedGraph, neo4j_version: str | None) -> pd.DataFrame:
    snap = analysed.snapshot
    server = neo4j_version or getattr(snap, "neo4j_version", None) or "not recorded (graph not read from Neo4j)"
    rows: list[dict[str, Any]] = [
        {"kind": "load", "name": "load run id", "value": snap.load_id},
        {"kind": "load", "name": "snapshot", "value": snap.snapshot},
        {"kind": "load", "name": "loaded at (UTC)", "value": snap.finished},
        {"kind": "software", "name": "Neo4j server", "value": server},
        *({"kind": "software", "name": label, "value": _version(pkg)} for label, pkg in _SOFTWARE),
        {"kind": "software", "name": "Python", "value": platform.python_version()},
    ]
    sources = analysed.tables["sources"]
    if not sources.empty:
        for src in sources.sort_values("id").to_dict("records"):
            rows.append({"kind": "source", "name": src.get("name"), "value": src.get("id"), "url": src.get("url"),
                         "licence": src.get("licence"), "as_of": src.get("as_of")})
    frame = pd.DataFrame(rows, columns=["kind", "name", "value", "url", "licence", "as_of"])
    return frame.astype("object").where(frame.notna(), None)


# -- rendering -----------------------------------------------------------------------------------------


def render_xlsx(report: GapReport) -> bytes:
    """The report as an Excel workbook (sheets :data:`SHEETS`); see :mod:`reports.workbook`."""
    from reports.workbook import workbook_bytes

    return workbook_bytes(report)


def render_html(report: GapReport) -> str:
    """The report as one self-contained, printable HTML page; see :mod:`reports.html_page`."""
    from reports.html_page import html_page

    return html_page(report)


def render_pdf(report: GapReport, paper: str = "a4") -> bytes:
    """The report's print version as PDF on ``paper`` (``a4`` or ``letter``); see :mod:`reports.pdf`."""
    from reports.pdf import report_pdf

    return report_pdf(report, paper)


def render(report: Any, fmt: str, paper: str = "a4") -> bytes:
    """A gap report, a brief or a screening report in ``fmt`` (``xlsx``, ``html``, ``csv`` — a zip — or
    ``pdf`` on ``paper``) as bytes: the one place a format is chosen."""
    from reports.csv_tables import csv_zip
    from reports.html_page import tables_page
    from reports.pdf import report_pdf
    from reports.workbook import workbook_bytes

    if fmt == "xlsx":
        return workbook_bytes(report)
    if fmt == "html":
        return (render_html(report) if isinstance(report, GapReport) else tables_page(report)).encode("utf-8")
    if fmt == "csv":
        return csv_zip(report)
    if fmt == "pdf":
        return report_pdf(report, paper)
    raise ReportScopeError(f"unknown report format {fmt!r}", hint="use xlsx, html, csv or pdf")


def render_csv(report: GapReport) -> dict[str, str]:
    """The report as CSV texts, one per table (file name -> text); see :mod:`reports.csv_tables`."""
    from reports.csv_tables import csv_texts

    return csv_texts(report)


def render_csv_zip(report: GapReport) -> bytes:
    """The CSV files of :func:`render_csv` in one zip archive (byte-stable for the same report)."""
    from reports.csv_tables import csv_zip

    return csv_zip(report)
