"""Names for people: themes, sectors, statuses, node kinds, brokerage roles and every result column.

One registry that the CLI, the dashboard and the reports read, so a column is called the same everywhere.
:data:`COLUMNS` gives each result column a label, a help text and a kind (how to show it: number, share,
list, text, check, link); :func:`column_label` and :func:`labelled` apply it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from model.schema import THEMES, RelType

__all__ = ["COLUMNS", "ColumnLabel", "KIND_NAMES", "NO_DEMAND", "RELATION_WORDS", "ROLE_NAMES", "SECTOR_NAMES",
           "STATUS_NAMES",
           "ORGANISATION_LISTS", "column_kind", "column_label", "labelled", "reading_order", "sector_name",
           "status_name", "theme_name"]

#: The status of a member x theme cell without demand (maps and matrices show it).
NO_DEMAND = "no demand"

SECTOR_NAMES: dict[str, str] = {"civil_society": "Civil society", "multilateral": "Multilateral",
                                "government": "Government", "private": "Private", "academic": "Academic",
                                "network": "Network"}
KIND_NAMES: dict[str, str] = {"organisation": "Organisation", "consortium": "Consortium", "member": "OGP member",
                              "theme": "Theme", "commitment": "Commitment"}
STATUS_NAMES: dict[str, str] = {"gap": "Gap", "fragile": "Fragile", "covered": "Covered", "redundant": "Redundant",
                                "mature": "Mature", NO_DEMAND: "No demand"}
#: Relationship types in words (ties in the explorer, evidence texts).
RELATION_WORDS: dict[RelType, str] = {RelType.MADE: "made", RelType.ON_THEME: "on theme", RelType.WORKS_IN: "works in",
                                      RelType.EXPERT_IN: "expert in", RelType.MEMBER_OF: "member of",
                                      RelType.FOCUSES_ON: "focuses on", RelType.SIGNALS: "signals",
                                      RelType.BORDERS: "borders"}
#: Gould-Fernandez brokerage roles (and "none" for an organisation without open two-paths).
ROLE_NAMES: dict[str, str] = {"coordinator": "Coordinator", "itinerant": "Itinerant (consultant)",
                              "representative": "Representative", "gatekeeper": "Gatekeeper", "liaison": "Liaison",
                              "none": "No brokerage"}


def theme_name(theme_id: str | None) -> str:
    """Human name of a theme id (``None`` reads as all themes).

    >>> theme_name("open_contracting"), theme_name(None), theme_name("astrology")
    ('Open contracting', 'All themes', 'astrology')
    """
    if theme_id is None:
        return "All themes"
    return THEMES.get(theme_id, theme_id)


def sector_name(sector: str | None) -> str:
    """Human name of a sector id.

    >>> sector_name("civil_society"), sector_name(None)
    ('Civil society', 'Unknown')
    """
    if not isinstance(sector, str) or not sector:
        return "Unknown"
    return SECTOR_NAMES.get(sector, sector.replace("_", " ").capitalize())


def status_name(status: str | None) -> str:
    """Human name of a cell status (a missing status is a cell without demand).

    >>> status_name("gap"), status_name(None)
    ('Gap', 'No demand')
    """
    return STATUS_NAMES.get(status or NO_DEMAND, str(status))


NUMBER, SHARE, LIST, TEXT, CHECK, LINK = "number", "share", "list", "text", "check", "link"


@dataclass(frozen=True)
class ColumnLabel:
    """How a result column is shown: its label, a help text, and its kind (number, share, list, text, check,
    link)."""

    label: str
    help: str = ""
    kind: str = TEXT


def _c(label: str, help: str = "", kind: str = TEXT) -> ColumnLabel:
    return ColumnLabel(label, help, kind)


#: Column id -> how it is shown, for every column of every result table.
COLUMNS: dict[str, ColumnLabel] = {
    # cells
    "member_id": _c("Member id", "ISO-3 code of a country, or <country>-<name> for a local member"),
    "member_name": _c("Member"),
    "member": _c("Member"),
    "level": _c("Level", "national or local member"),
    "region": _c("OGP region"),
    "theme_id": _c("Theme id"),
    "theme": _c("Theme"),
    "theme_name": _c("Theme"),
    "status": _c("Status", "gap: nobody covers it; fragile: one organisation; covered: a few; redundant: many; "
                           "mature: achieved, nothing open"),
    "demand": _c("Demand", "need less achievements, plus open pledges and open commitments", NUMBER),
    "cov": _c("Supporters", "number of organisations supporting the member on the theme", NUMBER),
    "supporters": _c("Supporting organisations", "", LIST),
    "sectors": _c("Supporter sectors", "", LIST),
    "n_sectors": _c("Sectors", "number of different sectors among the supporters", NUMBER),
    "reachable_cov": _c("Reachable", "capable organisations with a named tie to the member", NUMBER),
    "reachable_min_hops": _c("Nearest (steps)", "1: already works in the member; 2: through a named tie", NUMBER),
    "reachable_orgs": _c("Reachable organisations", "nearest first", LIST),
    "commitment_ids": _c("Commitment ids", "", LIST),
    "commitments": _c("Commitment evidence", "open OGP commitments with their weight in demand", LIST),
    "n_commitments": _c("Commitments", "number of action-plan commitments tagged with the theme", NUMBER),
    "n_pledges": _c("Pledges", "explicit pledges recorded by Open Ownership or OCP", NUMBER),
    "n_need_signals": _c("Need signals", "indicator scores below the need threshold", NUMBER),
    "pledges": _c("Pledge evidence", "", LIST),
    "need_signals": _c("Need evidence", "", LIST),
    "suggested_partners": _c("Suggested partners", "best partner candidates for the gap", LIST),
    "need": _c("Need", "low scores, weighted (before achievements)", NUMBER),
    "pledge_demand": _c("Open pledges", "demand from pledges not yet fulfilled", NUMBER),
    "commitment_demand": _c("Open commitments", "demand from OGP commitments: recency x share still open", NUMBER),
    "achievement": _c("Achievements (weight)", "what the member has done: lowers the need", NUMBER),
    "n_achievements": _c("Achievements", "registers, published data, high scores, completed commitments", NUMBER),
    "achievements": _c("Achievement evidence", "", LIST),
    "support": _c("Support", "sum of the strengths of every organisation with some relation there", NUMBER),
    "weak_supporters": _c("Research and monitoring", "organisations there below the coverage strength: not coverage",
                          LIST),
    "monitoring_only": _c("Monitoring only", "its only support is research, monitoring or a mention", CHECK),
    "reachable": _c("Reachable help, with evidence", "", LIST),
    "evidence_strength": _c("Evidence strength", "sum of its support and tie strengths: breaks equal scores", NUMBER),
    "value_added": _c("Value added", "demand closed, weighted by the closure strength", NUMBER),
    "replacement": _c("Best replacement", "the organisation that would best take its place"),
    "replacement_loss": _c("Cost of replacing", "value lost if the replacement took its place", NUMBER),
    "replacement_cells_lost": _c("Cells lost if replaced", "", NUMBER),
    "tie": _c("Tie", "the named tie to the member"),
    "grade": _c("Grade", "programme, implementing, funding, monitoring, mention, history"),
    "counts": _c("Counts as", "coverage or monitoring; demand, need or achievement"),
    "mature": _c("Mature", "achieved, nothing open", NUMBER),
    "reachable_share": _c("Gaps with help nearby (share)", "reachable gaps / gaps", SHARE),
    "organisations_with_evidence": _c("Organisations with evidence", "any engagement or declared expertise on it",
                                      NUMBER),
    "covering_organisations": _c("Organisations covering", "covering at least one demanded cell", NUMBER),
    "monitoring_only_cells": _c("Monitoring-only cells", "", NUMBER),
    "demand_by_source": _c("Demand by source", "share of the theme's demand from each source"),
    "members_with_commitments": _c("Members with commitments (sample)", "", NUMBER),
    "sample_members_then": _c("Members with commitments (sample, then)", "", NUMBER),
    "reference_members": _c("Members with commitments (OGP's count)", "", NUMBER),
    "reference_year": _c("Year of OGP's count", "", NUMBER),
    "reference": _c("OGP's count"),
    "unknown_indicator_signals": _c("Signals not in the catalogue", "", NUMBER),
    "supporter_id": _c("Supporter id"),
    "supporter_name": _c("Supporter"),
    "supporter_sector": _c("Supporter sector"),
    # organisations and brokerage
    "organisation_id": _c("Organisation id"),
    "name": _c("Name"),
    "sector": _c("Sector"),
    "group": _c("Group", "the group used for the brokerage roles"),
    "betweenness": _c("Betweenness", "share of shortest paths between others that pass through it (0-1)", NUMBER),
    "constraint": _c("Constraint", "low: partners in separate circles; high: inside one tight group", NUMBER),
    "effective_size": _c("Effective size", "partners that are not tied to its other partners", NUMBER),
    "degree": _c("Partners", "number of organisations it is tied to", NUMBER),
    "strength": _c("Strength", "of a relation (catalogue); of a broker, the sum of its collaboration weights",
                   NUMBER),
    "dominant_role": _c("Main role", "brokerage role with the highest z-score"),
    "coordinator": _c("Coordinator", "open two-paths within its own group", NUMBER),
    "itinerant": _c("Itinerant", "open two-paths between two members of another group", NUMBER),
    "representative": _c("Representative", "open two-paths from its group to another", NUMBER),
    "gatekeeper": _c("Gatekeeper", "open two-paths from another group into its own", NUMBER),
    "liaison": _c("Liaison", "open two-paths between two other, different groups", NUMBER),
    "total": _c("Open two-paths", "all brokerage roles together", NUMBER),
    "z_coordinator": _c("z coordinator", "within its own group", NUMBER),
    "z_itinerant": _c("z itinerant", "between two members of another group", NUMBER),
    "z_representative": _c("z representative", "from its group to another", NUMBER),
    "z_gatekeeper": _c("z gatekeeper", "from another group into its own", NUMBER),
    "z_liaison": _c("z liaison", "between two other, different groups", NUMBER),
    "z_total": _c("z all roles", "", NUMBER),
    "articulation_point": _c("Single point of failure", "its withdrawal splits the network", CHECK),
    # partners
    "score": _c("Score", "sum of the weighted parts", NUMBER),
    "candidate_id": _c("Candidate", "consortium or network organisation id"),
    "n_organisations": _c("Organisations", "organisations taking part", NUMBER),
    "criteria_met": _c("Criteria met", "of six", NUMBER),
    "expertise_mark": _c("Expertise", "share of its organisations capable on the theme"),
    "track_record_mark": _c("Track record", "engagements on the theme × strength × recency"),
    "reach_mark": _c("Reach", "OGP members where it works on the theme"),
    "complementarity_mark": _c("Sectors", "sectors its participants span"),
    "alignment_mark": _c("Alignment", "share of the scope's demand where it already works"),
    "bridging_mark": _c("Bridging", "organisations brokering between sectors"),
    "failed": _c("Not met", "why each unmet criterion is unmet", LIST),
    "funds_in_scope": _c("Funds in scope", "members of the scope whose work it funds", LIST),
    "present_in_scope": _c("Works in scope", "members of the scope where it works", LIST),
    "theme_interest": _c("Theme interest", "declares expertise in or supports the theme", CHECK),
    "role_detail": _c("As a funder", "the source's words"),
    "expertise": _c("Expertise", "1 if it declares expertise in the theme", SHARE),
    "presence": _c("Presence", "1 already in the member, 0.5 in a neighbouring member", SHARE),
    "track_record": _c("Track record", "countries where it supports the theme (capped)", SHARE),
    "complementarity": _c("Complementarity", "1 if it brings a sector the current supporters lack", SHARE),
    "proximity": _c("Proximity", "closeness in the network to organisations already there (1 = closest)", SHARE),
    "countries": _c("Countries", "where it supports the theme", LIST),
    "evidence": _c("Evidence", "where the score comes from"),
    "jaccard": _c("Jaccard", "shared cells / all cells of either", NUMBER),
    "resource_allocation": _c("Resource allocation", "shared cells weighted by how rare they are", NUMBER),
    "n_shared": _c("Shared cells", "", NUMBER),
    "shared": _c("Shared member/theme cells", "", LIST),
    # coalition
    "adds": _c("Adds (members)", "demanded cells it adds to the coalition, in pick order", LIST),
    "covers": _c("Can cover", "all demanded cells it could cover", LIST),
    "supports_now": _c("Supports now", "", LIST),
    "could_reach": _c("Could step into", "", LIST),
    "role": _c("Brokerage role", "main Gould-Fernandez role (groups: sector)"),
    "works_with": _c("Works with", "other picks it is tied to", LIST),
    "consortia": _c("Consortia", "", LIST),
    "reason": _c("Why this pick"),
    "order": _c("Pick", "order in which the greedy method adds it", NUMBER),
    "today": _c("Supported today", "", CHECK),
    "coalition": _c("Coalition covers", "", CHECK),
    "after": _c("Supported after", "", CHECK),
    "picks": _c("Picks covering it", "", LIST),
    # what-if and comparisons
    "unique_cells": _c("Cells it alone supports", "", LIST),
    "n_unique_cells": _c("Unique coverage", "cells that become gaps if it withdraws", NUMBER),
    "lost_supporters": _c("Withdrawn supporters", "", LIST),
    "status_before": _c("Status before", ""),
    "status_after": _c("Status after", ""),
    "cov_before": _c("Supporters before", "", NUMBER),
    "cov_after": _c("Supporters after", "", NUMBER),
    "change": _c("Change", "gap_closed, gap_opened, gap_dropped or status_changed"),
    # roll-ups
    "gap": _c("Gap", "demanded cells nobody supports", NUMBER),
    "fragile": _c("Fragile", "demanded cells one organisation supports", NUMBER),
    "covered": _c("Covered", "", NUMBER),
    "redundant": _c("Redundant", "", NUMBER),
    "demand_cells": _c("Demanded", "members with demand", NUMBER),
    "gap_share": _c("Gap share", "gaps / demanded", SHARE),
    "mean_cov": _c("Mean supporters", "over the demanded cells", NUMBER),
    "reachable_gaps": _c("Gaps with help nearby", "gaps with at least one reachable organisation", NUMBER),
    "gap_cells": _c("Gap cells", "", NUMBER),
    "fragile_cells": _c("Fragile cells", "", NUMBER),
    "members": _c("Members", "", NUMBER),
    "iso3": _c("ISO-3"),
    "country": _c("Country"),
    # network and provenance
    "u_name": _c("Organisation"), "v_name": _c("Tied to"),
    "span": _c("Detour without the tie"), "bridge": _c("Bridge", "no other path at all", CHECK),
    "pieces": _c("Pieces after", "parts its component splits into", NUMBER),
    "cut_off": _c("Organisations cut off", "organisations that lose their connection to the rest", NUMBER),
    "hops": _c("Steps away", "", NUMBER), "why": _c("Why it is near"),
    "rows": _c("Rows citing it", "rows of the loaded data that name this source", NUMBER),
    "as_of": _c("As of", "date the fact was true or published"),
    "source": _c("Source"),
    "id": _c("Id"), "url": _c("Address", "", LINK), "licence": _c("Licence"),
    "kind": _c("Kind"), "what": _c("What", "commitment id or indicator"),
    "detail": _c("Detail"), "how": _c("How it supports"),
    "relation": _c("Relation"), "until": _c("Until", "when the engagement ended"),
    "reported": _c("Reported", "the date the organisation filled in its intake workbook"),
    "link": _c("Tie"), "rank": _c("Rank", "", NUMBER),
    "item": _c("Item"), "value": _c("Value"), "explanation": _c("Explanation"), "default": _c("Default"),
    # reports
    "year": _c("Year", "end of the year: only the evidence observed by then", NUMBER),
    "note": _c("Note"),
    "best_coalition": _c("Best coalition", "up to three organisations that together close the most demand", LIST),
    "coalition_closes": _c("Coalition closes", "demanded cells of the theme the coalition would support", NUMBER),
    "top_gaps": _c("Top gaps", "highest demand first", LIST),
    # network explorer: communities
    "community": _c("Community", "seeded Louvain community of the whole view, 1 = the largest", NUMBER),
    "nodes": _c("Nodes", "organisations, members, consortia and themes in the community", NUMBER),
    "organisations": _c("Organisations", "organisations in the community", NUMBER),
    "largest": _c("Best connected", "the community's nodes with the most ties", LIST),
    "themes": _c("Themes", "the themes its organisations are most often expert in", LIST),
    "brokers": _c("Brokers to other communities",
                  "nodes tied into the most other communities (how many in brackets)", LIST),
}

#: Columns holding organisation ids: reports show them as "Name (id)".
ORGANISATION_LISTS = frozenset({"supporters", "weak_supporters", "reachable_orgs", "suggested_partners",
                                "best_coalition", "lost_supporters", "works_with", "picks", "organisations"})
#: (name column, id column) pairs: people read the name first, with the id beside it.
_NAME_FIRST = (("member_name", "member_id"), ("theme_name", "theme_id"), ("name", "organisation_id"),
               ("name", "candidate_id"),
               ("supporter_name", "supporter_id"), ("country", "iso3"))


def column_label(column: str) -> str:
    """The label of a result column (the id itself, made readable, when it has none).

    >>> column_label("n_need_signals"), column_label("cov"), column_label("some_new_measure")
    ('Need signals', 'Supporters', 'Some new measure')
    """
    known = COLUMNS.get(column)
    return known.label if known else column.replace("_", " ").capitalize()


def column_kind(column: str) -> str:
    """How a column is shown (number, share, list, text, check, link; text when unknown).

    >>> column_kind("gap_share"), column_kind("demand"), column_kind("some_new_measure")
    ('share', 'number', 'text')
    """
    known = COLUMNS.get(column)
    return known.kind if known else TEXT


def reading_order(columns: Iterable[str]) -> list[str]:
    """The columns with each name column moved just before its id column (names first, ids beside them).

    >>> reading_order(["member_id", "member_name", "theme_id", "theme_name", "demand"])
    ['member_name', 'member_id', 'theme_name', 'theme_id', 'demand']
    >>> reading_order(["organisation_id", "score"])
    ['organisation_id', 'score']
    """
    out = list(columns)
    for name, ident in _NAME_FIRST:
        if name in out and ident in out and out.index(name) > out.index(ident):
            out.remove(name)
            out.insert(out.index(ident), name)
    return out


def labelled(frame: pd.DataFrame, columns: Iterable[str] | None = None) -> pd.DataFrame:
    """The frame (or its ``columns``) with labels as headers; two columns with one label keep their ids apart.

    >>> labelled(pd.DataFrame({"member_id": ["KEN"], "cov": [2]})).columns.tolist()
    ['Member id', 'Supporters']
    """
    shown = list(frame.columns if columns is None else columns)
    labels = [column_label(c) for c in shown]
    seen: dict[str, int] = {}
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
    unique = [f"{lab} ({c})" if seen[lab] > 1 else lab for c, lab in zip(shown, labels, strict=True)]
    return frame[shown].set_axis(unique, axis=1)


def readable_value(column: str, value: Any) -> Any:
    """A value as shown to people: sector and status ids as words, themes by name; other values unchanged.

    >>> readable_value("sector", "civil_society"), readable_value("status", None), readable_value("demand", 2.0)
    ('Civil society', 'No demand', 2.0)
    """
    if column in ("sector", "supporter_sector"):
        return sector_name(value) if isinstance(value, str) and value else value
    if column in ("status", "status_before", "status_after"):
        return status_name(value)
    if column == "theme_id" and isinstance(value, str):
        return theme_name(value)
    return value
