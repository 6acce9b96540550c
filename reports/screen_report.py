"""The partnership screening report, written for a steering committee: criteria, thresholds, scorecard,
evidence, likely funders, data limits, methodology and provenance (``ogpnet report screen``).

:func:`collect_screen_report` computes every table from the analyses (:mod:`graph.analysis.screening`); the
workbook, HTML page and CSV zip are rendered by the same writers as the gap report (:mod:`reports.workbook`,
:mod:`reports.html_page`, :mod:`reports.csv_tables`), so that labels, formula neutralising and byte-stable
output are shared.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import pandas as pd

from graph.analysis import (
    CRITERIA,
    AnalysisConfig,
    analysed_members,
    coverage_cells,
    criteria,
    data_limits,
    funders,
    screen_partners,
)
from graph.snapshot import AnalysedGraph
from model.errors import UsageError
from presentation.labels import theme_name
from presentation.methods import METHODS
from presentation.values import display_setting, evidence_text
from reports.gap_report import _provenance, render

__all__ = ["SCREEN_SHEETS", "ScreenReport", "collect_screen_report", "render_screen"]

#: Sheet names of the workbook, in order (also the keys of :meth:`ScreenReport.tables`).
SCREEN_SHEETS = ("Summary", "Criteria", "Scorecard", "Evidence", "Funders", "Data limits", "Methodology",
                 "Provenance")
_SCORECARD = ("rank", "candidate_id", "name", "kind", "n_organisations", "criteria_met",
              *(c.id for c in CRITERIA), *(f"{c.id}_pass" for c in CRITERIA), "strength", "failed",
              "members_reached", "gaps_reached", "organisations")


@dataclass
class ScreenReport:
    """Every table of the screening report (see :data:`SCREEN_SHEETS`)."""

    theme: str
    scope: str
    snapshot: str | None
    load_id: str | None
    loaded: str | None
    summary: pd.DataFrame
    criteria: pd.DataFrame
    scorecard: pd.DataFrame
    evidence: pd.DataFrame
    funders: pd.DataFrame
    limits: pd.DataFrame
    methodology: pd.DataFrame
    provenance: pd.DataFrame
    as_of: str | None = None
    names: dict[str, str] = field(default_factory=dict)
    generated_at: datetime = field(default_factory=lambda: datetime.now(UTC).replace(microsecond=0))

    def tables(self) -> dict[str, pd.DataFrame]:
        return dict(zip(SCREEN_SHEETS, (self.summary, self.criteria, self.scorecard, self.evidence, self.funders,
                                        self.limits, self.methodology, self.provenance), strict=True))

    @property
    def title(self) -> str:
        return f"Partnership screening: {theme_name(self.theme)}, {self.scope}"


def collect_screen_report(analysed: AnalysedGraph, config: AnalysisConfig, theme: str,
                          members: list[str] | None = None, region: str | None = None, *,
                          neo4j_version: str | None = None) -> ScreenReport:
    """Screen every candidate for ``theme`` in the scope (``members`` or ``region``; default every analysed
    member). Unknown theme, region or an empty scope raise :class:`~model.errors.UsageError`."""
    facts = analysed.facts
    if theme not in facts.themes:
        raise UsageError(f"unknown theme {theme!r}")
    scope_members = members
    scope_text = f"members {', '.join(members)}" if members else "all analysed members"
    if region is not None:
        analysed_rows = analysed_members(facts, config)
        scope_members = sorted(analysed_rows.loc[analysed_rows["region"] == region, "member_id"])
        scope_text = f"region {region}"
        if not scope_members:
            raise UsageError(f"no analysed member in region {region!r}")
    table = screen_partners(facts, theme, members=scope_members, config=config)
    money = funders(facts, theme, members=scope_members, config=config)
    cells = coverage_cells(facts, config, members=scope_members, with_reachable=False)
    limits = data_limits(facts, cells, config)
    limits = limits[limits["theme_id"] == theme].reset_index(drop=True)
    limits["demand_by_source"] = limits["demand_by_source"].map(
        lambda d: "; ".join(f"{s} {round(100 * v)}%" for s, v in d.items()))
    evidence = pd.DataFrame(
        [{"rank": r["rank"], "candidate_id": r["candidate_id"], "criterion": e["criterion"], "text": e["text"],
          "source": e["source"], "as_of": e["as_of"]} for r in table.to_dict("records") for e in r["evidence"]],
        columns=["rank", "candidate_id", "criterion", "text", "source", "as_of"])
    money_shown = money.assign(evidence=money["evidence"].map(lambda items: [evidence_text(e) for e in items]))
    passing = int((table["criteria_met"] == len(CRITERIA)).sum()) if len(table) else 0
    summary = pd.DataFrame([
        ("Theme", theme, "the partnership's theme"),
        ("Scope", scope_text, "where alignment with need is measured"),
        ("As of", config.as_of or "latest data", "only facts observed by then"),
        ("Candidates", len(table), "consortia and network organisations in the data"),
        ("Meet every criterion", passing, "of the six criteria below"),
        ("Best candidate", table.iloc[0]["name"] if len(table) else "none", "most criteria met, then strength"),
        ("Likely funders", len(money), "organisations named as funders with a tie to the theme or scope"),
        ("Organisations with any evidence on the theme",
         int(limits["organisations_with_evidence"].iloc[0]) if len(limits) else 0,
         "the data's view of who works on it: read every verdict with the Data limits sheet"),
    ], columns=["item", "value", "explanation"]).astype({"value": "object"})
    methodology = pd.DataFrame(
        [("definition", m.title, m.formula(config), m.plain(config)) for m in METHODS
         if m.key in ("screening", "funders", "demand", "supply", "roles", "limits")]
        + [("setting", c.setting, display_setting(getattr(config, c.setting)), c.meaning) for c in CRITERIA],
        columns=["kind", "name", "value", "explanation"]).astype({"value": "object"})
    snap = analysed.snapshot
    return ScreenReport(
        theme=theme, scope=scope_text, snapshot=snap.snapshot, load_id=snap.load_id, loaded=snap.finished,
        summary=summary, criteria=criteria(config), scorecard=table[list(_SCORECARD)], evidence=evidence,
        funders=money_shown, limits=limits, methodology=methodology,
        provenance=_provenance(analysed, neo4j_version), as_of=config.as_of or None,
        names={str(o): str(n) for o, n in zip(facts.organisations["organisation_id"], facts.organisations["name"],
                                              strict=True) if isinstance(n, str)})


def render_screen(report: ScreenReport, fmt: str, paper: str = "a4") -> bytes:
    """The report as ``xlsx``, ``html``, ``csv`` (a zip) or ``pdf`` (on ``paper``), by the gap report's writers
    (:func:`reports.gap_report.render`)."""
    return render(report, fmt, paper)
