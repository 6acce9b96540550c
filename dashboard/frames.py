"""The frames the dashboard pages show, as plain functions of the analysis results (no Streamlit here).

Every function takes the load's :class:`~model.facts.Facts`, its canonical tables and/or the results of
:mod:`graph.analysis`, and returns a DataFrame (or a small dict) ready to show. Names, labels, colours and the
order of results come from :mod:`presentation`, as for the CLI and the reports.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from graph.analysis import (
    ALL_STATUSES,
    STATUSES,
    TIES,
    AnalysisConfig,
    BrokerageReport,
    Coalition,
    Facts,
    affiliations,
    betweenness,
    capabilities,
    coverage_rollup,
    organisation_groups,
    organisation_network,
    reachable_help,
    reference_year,
    structural_holes,
    support_links,
    unique_coverage,
)
from model.facts import column
from model.schema import REL_MAPPINGS, SELF_REPORTED, RelType
from presentation.labels import KIND_NAMES, NO_DEMAND, RELATION_WORDS, sector_name, theme_name
from presentation.ranking import rank_cells
from presentation.values import evidence_text

#: The relationship types the partnership view draws.
EXPLORER_TIES = (RelType.WORKS_IN, RelType.MEMBER_OF, RelType.EXPERT_IN, RelType.FOCUSES_ON)
NETWORK_VIEWS: dict[str, str] = {
    "organisations": "Who works with whom (organisations)",
    "partnerships": "Partnerships (organisations, consortia, members, themes)",
}
MEASURES: dict[str, str] = {"degree": "Links (degree)", "betweenness": "Betweenness",
                            "effective_size": "Effective size"}
#: The most elements (nodes + ties) the network explorer draws: Cytoscape.js's canvas stays fluid to a few
#: thousand; both bundled views (about 1,050 elements each) are drawn whole.
ELEMENT_BUDGET = 2000
#: The most member rows the coverage heatmap draws (one region at a time beyond that).
HEATMAP_ROWS = 200
#: The first year the evidence can be shown as of (OGP was founded in 2011).
FIRST_YEAR = 2011


def theme_rollup(cells: pd.DataFrame) -> pd.DataFrame:
    """Demanded cells per theme by status (``coverage_rollup`` by theme) with the theme's name first."""
    out = coverage_rollup(cells, "theme_id")
    out.insert(1, "theme", out["theme_id"].map(theme_name))
    return out


def sources_table(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Every source with its date and the number of rows of the load that cite it, newest first."""
    sources = tables["sources"][["id", "name", "as_of", "licence", "url"]].copy()
    cited = pd.concat([frame["source"] for name, frame in tables.items()
                       if name != "sources" and "source" in frame.columns], ignore_index=True)
    rows = cited.value_counts()
    sources["rows"] = sources["id"].map(rows).fillna(0).astype("int64")
    return sources.sort_values(["as_of", "id"], ascending=[False, True], ignore_index=True)


# -- members and cells ----------------------------------------------------------------------------------


def member_choices(cells: pd.DataFrame) -> dict[str, str]:
    """Analysed member id -> "Name (id)", sorted by name (the members that have cells)."""
    members = cells.drop_duplicates("member_id").sort_values(["member_name", "member_id"])
    return {m: f"{n} ({m})" for m, n in zip(members["member_id"], members["member_name"], strict=True)}


def organisation_names(facts: Facts) -> dict[str, str]:
    """Organisation id -> name (the id when the name is missing), sorted by name."""
    orgs = facts.organisations.sort_values(["name", "organisation_id"])
    return {o: (n if isinstance(n, str) else o) for o, n in zip(orgs["organisation_id"], orgs["name"], strict=True)}


def self_reported_table(facts: Facts, organisation: str) -> pd.DataFrame:
    """What ``organisation`` reported about itself (facts of confidence ``self_reported``): one row per
    statement, newest report first, with its source (one per intake submission) and dates.

    >>> facts = Facts.from_rows(
    ...     members=[{"id": "KEN", "name": "Kenya"}],
    ...     engagements=[{"organisation_id": "lab", "member_id": "KEN", "theme_id": "open_data",
    ...                   "relation": "country_programme", "confidence": "self_reported", "as_of": "2024",
    ...                   "source": "self-reported-lab-2026-12-07"},
    ...                  {"organisation_id": "lab", "member_id": "KEN", "relation": "research", "source": "gdb"}],
    ...     sources=[{"id": "self-reported-lab-2026-12-07", "as_of": "2026-12-07"}])
    >>> self_reported_table(facts, "lab")[["kind", "member_name", "theme_name", "relation", "reported"]]
             kind member_name theme_name           relation    reported
    0  engagement       Kenya  Open data  country programme  2026-12-07
    """
    reported = dict(zip(column(facts.sources, "source_id"), column(facts.sources, "as_of"), strict=True))
    members = dict(zip(column(facts.members, "member_id"), column(facts.members, "name"), strict=True))
    consortia = dict(zip(column(facts.consortia, "consortium_id"), column(facts.consortia, "name"), strict=True))
    rows: list[dict[str, Any]] = []

    def own(frame: pd.DataFrame, key: str = "organisation_id") -> pd.DataFrame:
        mine = frame[(frame[key] == organisation) & (frame["confidence"] == SELF_REPORTED).fillna(False)]
        return mine.astype(object).where(mine.notna(), None)

    for r in own(facts.engagements).to_dict("records"):
        theme = r.get("theme_id")
        rows.append({"kind": "engagement", "member_name": members.get(r["member_id"], r["member_id"]),
                     "theme_name": theme_name(theme) if theme else "(all its themes)",
                     "relation": str(r["relation"]).replace("_", " "), "detail": r.get("detail"),
                     "as_of": r.get("as_of"), "until": r.get("until"), "url": r.get("url"),
                     "source": r["source"], "reported": reported.get(r["source"])})
    for r in own(facts.expertise).to_dict("records"):
        rows.append({"kind": "expertise", "theme_name": theme_name(r["theme_id"]), "source": r["source"],
                     "as_of": r.get("as_of"), "reported": reported.get(r["source"])})
    memberships = facts.memberships[facts.memberships["participant_type"] == "organisation"]
    for r in own(memberships, "participant_id").to_dict("records"):
        rows.append({"kind": "membership", "member_name": None,
                     "detail": f"{consortia.get(r['consortium_id'], r['consortium_id'])}"
                               + (f" ({r['role']})" if r.get("role") else ""),
                     "source": r["source"], "as_of": r.get("as_of"), "reported": reported.get(r["source"])})
    out = pd.DataFrame(rows, columns=["kind", "member_name", "theme_name", "relation", "detail", "as_of", "until",
                                      "url", "source", "reported"])
    return out.sort_values(["reported", "kind"], ascending=[False, True], kind="stable", ignore_index=True)


def as_of_choices(facts: Facts) -> list[str]:
    """The years the evidence can be shown as of: the data's reference year back to 2011 (OGP's founding).

    >>> as_of_choices(Facts.from_rows(signals=[{"member_id": "KEN", "theme_id": "open_data", "as_of": "2014"}]))
    ['2014', '2013', '2012', '2011']
    """
    return [str(y) for y in range(reference_year(facts), FIRST_YEAR - 1, -1)]


def regions(facts: Facts) -> list[str]:
    return sorted(facts.members["region"].dropna().unique().tolist())


def cell_label(member_name: str, theme_id: str, status: str | None) -> str:
    """The label of a cell in pickers.

    >>> cell_label("Kenya", "open_data", "gap")
    'Kenya · Open data (gap)'
    """
    return f"{member_name} · {theme_name(theme_id)} ({status or NO_DEMAND})"


def cell_row(cells: pd.DataFrame, member: str, theme: str) -> pd.Series:
    """The row of one cell; ``KeyError`` when it is not analysed."""
    hit = cells[(cells["member_id"] == member) & (cells["theme_id"] == theme)]
    if hit.empty:
        raise KeyError(f"no cell {member}/{theme}")
    return hit.iloc[0]


def cell_evidence(cells: pd.DataFrame, tables: Mapping[str, pd.DataFrame], member: str,
                  theme: str | None = None) -> pd.DataFrame:
    """The demand evidence of a member (on one theme or all): OGP commitments, pledges, need signals and
    achievements, each with what it counts for, its source and date. Columns ``theme_id``, ``theme``, ``kind``,
    ``what``, ``detail``, ``counts``, ``source``, ``as_of``."""
    mine = cells[cells["member_id"] == member]
    if theme:
        mine = mine[mine["theme_id"] == theme]
    commitments = tables["commitments"].set_index("id")
    signal_detail = {(r.theme_id, r.indicator): r.detail for r in tables["signals"].itertuples()
                     if r.member_id == member}
    rows: list[dict[str, Any]] = []
    for cell in mine.to_dict("records"):
        theme_id = cell["theme_id"]
        for cid in cell["commitment_ids"]:
            known = cid in commitments.index
            title = _text(commitments.at[cid, "title"]) if known else ""
            year = _text(commitments.at[cid, "year"]) if known else ""
            completion = _text(commitments.at[cid, "irm_completion"]) if known else ""
            rows.append({"theme_id": theme_id, "kind": "commitment", "what": cid,
                         "detail": title + (f" ({year})" if year else ""),
                         "counts": f"open demand (IRM completion: {completion or 'not assessed'})",
                         "source": _text(commitments.at[cid, "source"]) if known else "",
                         "as_of": year or (_text(commitments.at[cid, "as_of"]) if known else "")})
        for kind, signals in (("pledge", cell["pledges"]), ("need signal", cell["need_signals"]),
                              ("achievement", cell["achievements"])):
            for s in signals:
                what = s.get("indicator") or s.get("commitment_id")
                value = f"score {s['value']:g}/100; " if kind != "pledge" and isinstance(s.get("value"), float) \
                    and s.get("indicator", "").startswith(("gdb_", "obs_", "lode_openness", "ocp_extractives_d")) \
                    else ""
                counts = {"pledge": "open demand" if s.get("open", True) else "fulfilled (an achievement shows it)",
                          "need signal": "need", "achievement": "lowers the need"}[kind]
                detail = _text(signal_detail.get((theme_id, what))) or _text(s.get("detail"))
                rows.append({"theme_id": theme_id, "kind": kind, "what": what, "detail": value + detail,
                             "counts": f"{counts} ({s['weight']:g})", "source": _text(s["source"]),
                             "as_of": _text(s["as_of"])})
    out = pd.DataFrame(rows, columns=["theme_id", "kind", "what", "detail", "counts", "source", "as_of"])
    out.insert(1, "theme", out["theme_id"].map(theme_name))
    return out


def supporters_table(facts: Facts, tables: Mapping[str, pd.DataFrame], member: str,
                     theme: str | None = None, config: AnalysisConfig | None = None) -> pd.DataFrame:
    """Organisations supporting the member (on one theme, or on any), strongest first: how (relation, its grade
    and strength, whether it counts as coverage or only as research/monitoring), sector, source and date. One
    row per organisation and theme."""
    cfg = config or AnalysisConfig()
    links = support_links(facts, cfg)
    links = links[links["member_id"] == member]
    if theme:
        links = links[links["theme_id"] == theme]
    orgs = facts.organisations.set_index("organisation_id")
    rows = []
    for link in links.to_dict("records"):
        o = link["organisation_id"]
        how = str(link["relation"]).replace("_", " ") + (" (general engagement; expert in the theme)"
                                                         if link["general"] else "")
        counts = "coverage" if link["strength"] >= cfg.coverage_min_strength else "monitoring only, not coverage"
        rows.append({"organisation_id": o, "name": _text(orgs["name"].get(o)) or o,
                     "sector": _text(orgs["sector"].get(o)), "theme_id": link["theme_id"], "how": how,
                     "grade": link["grade"], "strength": float(link["strength"]), "counts": counts,
                     "source": _text(link["source"]), "as_of": _text(link["as_of"])})
    columns = ["organisation_id", "name", "sector", "theme_id", "how", "grade", "strength", "counts", "source",
               "as_of"]
    out = pd.DataFrame(rows, columns=columns)
    out.insert(4, "theme", out["theme_id"].map(theme_name))
    return out.sort_values(["theme_id", "strength", "name"], ascending=[True, False, True], ignore_index=True)


def reachable_table(facts: Facts, cells: pd.DataFrame, member: str, theme: str,
                    config: AnalysisConfig) -> pd.DataFrame:
    """Organisations that could step into a cell: capable on the theme, with a named tie to the member, not
    covering it yet (:func:`graph.analysis.reachable_help`, every one of them, closest first, then by id).

    As many rows as the cell's ``reachable_cov``; ``tie`` names the tie, ``why`` gives its evidence in words,
    ``source`` and ``as_of`` its origin.
    """
    cell = cell_row(cells, member, theme)
    everyone = replace(config, reachable_list_limit=max(1, int(cell["reachable_cov"])))
    one = pd.DataFrame({"member_id": [member], "theme_id": [theme], "supporters": [list(cell["supporters"])]})
    found = reachable_help(facts, one, everyone).iloc[0]["reachable"] if cell["reachable_cov"] else []
    orgs = facts.organisations.set_index("organisation_id")
    rows = [{"organisation_id": e["organisation_id"], "name": _text(orgs["name"].get(e["organisation_id"]))
             or e["organisation_id"], "sector": _text(orgs["sector"].get(e["organisation_id"])),
             "hops": TIES.get(e["tie"], 2), "tie": str(e["tie"]).replace("_", " "), "why": e["text"],
             "source": _text(e["source"]), "as_of": _text(e["as_of"])} for e in found]
    return pd.DataFrame(rows, columns=["organisation_id", "name", "sector", "hops", "tie", "why", "source", "as_of"])


def member_reachable(facts: Facts, cells: pd.DataFrame, member: str, config: AnalysisConfig,
                     theme: str | None = None) -> pd.DataFrame:
    """:func:`reachable_table` for the member's gap and fragile cells (or one theme), with the theme first."""
    mine = rank_cells(cells, theme=theme, members=[member], statuses=("gap", "fragile"))
    frames = [reachable_table(facts, cells, member, t, config).assign(theme_id=t, theme=theme_name(t))
              for t in mine["theme_id"]]
    columns = ["theme_id", "theme", "organisation_id", "name", "sector", "hops", "tie", "why", "source", "as_of"]
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)[columns]


def member_summary(cells: pd.DataFrame, facts: Facts, member: str) -> dict[str, Any]:
    """Who the member is and how its themes stand: name, region, level, status, joined and counts by status."""
    info = facts.members.set_index("member_id").loc[member]
    mine = cells[cells["member_id"] == member]
    counts = mine["status"].value_counts()
    return {"member_id": member, "name": info["name"], "region": _text(info["region"]), "level": info["level"],
            "status": info["status"], "demanded": int(mine["status"].isin(STATUSES).sum()),
            **{s: int(counts.get(s, 0)) for s in ALL_STATUSES}}


def member_cells(cells: pd.DataFrame, member: str) -> pd.DataFrame:
    """The member's demanded and mature cells, gaps first (the ranking of :func:`rank_cells`)."""
    return rank_cells(cells, members=[member], statuses=ALL_STATUSES)


# -- map and heatmap ------------------------------------------------------------------------------------


def map_frame(cells: pd.DataFrame, theme: str | None, region: str | None = None) -> pd.DataFrame:
    """One row per national member (of ``region``, if given) for the world map: ``iso3``, ``name``, ``category``
    (status on the theme, or for all themes the status of its worst demanded cell) and the numbers shown on
    hover."""
    national = cells[cells["level"] == "national"]
    if region:
        national = national[national["region"] == region]
    if theme:
        one = national[national["theme_id"] == theme]
        out = pd.DataFrame({"member_id": one["member_id"], "name": one["member_name"], "region": one["region"],
                            "category": one["status"].fillna(NO_DEMAND), "demand": one["demand"],
                            "supporters": one["cov"], "reachable": one["reachable_cov"]})
    else:
        demanded = national[national["status"].notna()]  # demanded and mature
        base = national.drop_duplicates("member_id")[["member_id", "member_name", "region"]]
        out = base.rename(columns={"member_name": "name"}).set_index("member_id")
        counts = demanded.groupby(["member_id", "status"]).size().unstack(fill_value=0)
        for s in ALL_STATUSES:
            out[s] = (counts[s] if s in counts.columns else pd.Series(dtype="int64")).reindex(out.index).fillna(0)
            out[s] = out[s].astype("int64")
        out["demanded"] = out[list(STATUSES)].sum(axis=1).astype("int64")
        out["category"] = [next((s for s in ALL_STATUSES if row[s] > 0), NO_DEMAND)
                           for _, row in out[list(ALL_STATUSES)].iterrows()]
        out = out.reset_index()
    out.insert(0, "iso3", out["member_id"])
    return out.sort_values("name", ignore_index=True)


def heatmap_frame(cells: pd.DataFrame, region: str | None = None, theme: str | None = None) -> pd.DataFrame:
    """Members (rows, by name; of ``region``, if given) × themes (columns; only ``theme``, if given): the status
    of every cell (``no demand`` when none)."""
    scoped = cells if not region else cells[cells["region"] == region]
    scoped = scoped if not theme else scoped[scoped["theme_id"] == theme]
    scoped = scoped.assign(label=scoped["member_name"] + " (" + scoped["member_id"] + ")",
                           category=scoped["status"].fillna(NO_DEMAND))
    matrix = scoped.pivot(index="label", columns="theme_id", values="category")
    matrix = matrix.reindex(sorted(matrix.index, key=str.casefold))
    matrix.columns = [theme_name(t) for t in matrix.columns]
    return matrix


def drawable(frame: pd.DataFrame, known_iso3: Iterable[str]) -> tuple[pd.DataFrame, list[str]]:
    """Split the map rows into those the world map can draw and the names of those it cannot (too small)."""
    known = set(known_iso3)
    ok = frame["iso3"].isin(known)
    return frame[ok].reset_index(drop=True), sorted(frame.loc[~ok, "name"].tolist())


# -- what-if --------------------------------------------------------------------------------------------


def named_what_if(changed: pd.DataFrame, cells: pd.DataFrame) -> pd.DataFrame:
    """``what_if_remove`` rows with the member and theme names."""
    names = cells.drop_duplicates("member_id").set_index("member_id")["member_name"]
    out = changed.copy()
    out.insert(1, "member_name", out["member_id"].map(names))
    out.insert(3, "theme", out["theme_id"].map(theme_name))
    return out


def withdrawal_risk(cells: pd.DataFrame, facts: Facts) -> pd.DataFrame:
    """Organisations that alone support demanded cells (they open gaps if they withdraw), most first."""
    out = unique_coverage(cells)
    orgs = facts.organisations.set_index("organisation_id")
    out.insert(1, "name", out["organisation_id"].map(orgs["name"]))
    out.insert(2, "sector", out["organisation_id"].map(orgs["sector"]))
    return out


# -- brokers --------------------------------------------------------------------------------------------

#: Columns of the Brokers page's table, in order (the ranking is presentation.ranking.rank_brokers).
BROKER_COLUMNS = ("organisation_id", "name", "sector", "group", "betweenness", "constraint", "effective_size",
                  "degree", "dominant_role", "z_coordinator", "z_itinerant", "z_representative", "z_gatekeeper",
                  "z_liaison", "articulation_point")


def bridge_table(report: BrokerageReport, names: Mapping[str, str]) -> pd.DataFrame:
    """Links that are the only short connection between two organisations: true bridges first, then local
    bridges by span (how long the detour is without the link)."""
    b = report.bridges.copy()
    b.insert(1, "u_name", b["u"].map(lambda o: names.get(o, o)))
    b.insert(3, "v_name", b["v"].map(lambda o: names.get(o, o)))
    b["span"] = b["span"].map(lambda s: "no other path" if s == float("inf") else f"{s:g} steps")
    return b


def articulation_table(facts: Facts, report: BrokerageReport, config: AnalysisConfig) -> pd.DataFrame:
    """Organisations whose withdrawal splits the organisation network, with how many others it cuts off
    (organisations outside the largest remaining piece of its component)."""
    H = organisation_network(facts, config.max_affiliation_size)
    orgs = report.organisations
    rows = []
    for point in report.articulation_points:
        node = str(point)
        component = nx.node_connected_component(H, node)
        rest = H.subgraph(component - {node})
        pieces = sorted((len(c) for c in nx.connected_components(rest)), reverse=True)
        rows.append({"organisation_id": node, "name": orgs.at[node, "name"], "sector": orgs.at[node, "sector"],
                     "cut_off": int(sum(pieces[1:])), "pieces": len(pieces)})
    out = pd.DataFrame(rows, columns=["organisation_id", "name", "sector", "cut_off", "pieces"])
    return out.sort_values(["cut_off", "organisation_id"], ascending=[False, True], ignore_index=True)


# -- partners -------------------------------------------------------------------------------------------

PART_WEIGHTS = {"expertise": "weight_expertise", "presence": "weight_presence",
                "track_record": "weight_track_record", "complementarity": "weight_complementarity",
                "proximity": "weight_proximity"}


def score_parts(partners: pd.DataFrame, config: AnalysisConfig) -> pd.DataFrame:
    """Long table of each partner's weighted score parts (they add up to ``score``), for a stacked bar."""
    rows = []
    for row in partners.itertuples():
        for part, weight in PART_WEIGHTS.items():
            rows.append({"name": row.name, "part": part.replace("_", " "),
                         "points": float(getattr(config, weight)) * float(getattr(row, part))})
    return pd.DataFrame(rows, columns=["name", "part", "points"])


# -- screening ------------------------------------------------------------------------------------------


def screening_table(table: pd.DataFrame) -> pd.DataFrame:
    """The scorecard with a ``<criterion>_mark`` column each: a tick or a cross and the measure.

    >>> t = pd.DataFrame({"reach": [3], "reach_pass": [True], "alignment": [0.05], "alignment_pass": [False]})
    >>> screening_table(t)[["reach_mark", "alignment_mark"]].values.tolist()
    [['✓ 3', '✗ 5%']]
    """
    out = table.copy()
    for criterion in ("expertise", "track_record", "reach", "complementarity", "alignment", "bridging"):
        if criterion in out.columns:
            out[f"{criterion}_mark"] = [f"{'✓' if ok else '✗'} {measure_text(v, criterion)}"
                                        for v, ok in zip(out[criterion], out[f"{criterion}_pass"], strict=True)]
    return out


def measure_text(value: Any, criterion: str = "") -> str:
    """A screening measure in words: shares as percentages, counts as counts, scores with two decimals.

    >>> measure_text(0.456, "expertise"), measure_text(3), measure_text(2.345)
    ('46%', '3', '2.35')
    """
    if criterion in ("expertise", "alignment"):
        return f"{float(value):.0%}"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    return f"{float(value):.2f}"


# -- coalition ------------------------------------------------------------------------------------------


def coalition_coverage(cells: pd.DataFrame, coalition: Coalition) -> tuple[dict[str, int], pd.DataFrame]:
    """Coverage before and after the coalition on its demanded cells.

    *Before*: cells supported today (at least one supporter). *Coalition*: cells the coalition can cover (its
    members support them now or could step in). *After*: supported today or covered by the coalition. Returns the
    counts and one row per cell (``member_id``, ``member_name``, ``status``, ``supporters``, ``picks`` covering it,
    ``today``, ``coalition``, ``after``).
    """
    scope = cells[(cells["theme_id"] == coalition.theme) & cells["member_id"].isin(coalition.scope)
                  & cells["status"].notna()]
    covers: dict[str, list[str]] = {}
    for o, cs in zip(coalition.picks["organisation_id"], coalition.picks["covers"], strict=True):
        for m in cs:
            covers.setdefault(m, []).append(o)
    covered = set(coalition.cells_covered)
    out = pd.DataFrame({
        "member_id": scope["member_id"], "member_name": scope["member_name"], "status": scope["status"],
        "supporters": scope["supporters"],
        "picks": scope["member_id"].map(lambda m: covers.get(m, [])),
        "today": scope["cov"] > 0, "coalition": scope["member_id"].isin(covered),
    }).reset_index(drop=True)
    out["after"] = out["today"] | out["coalition"]
    counts = {"cells": len(out), "today": int(out["today"].sum()), "coalition": int(out["coalition"].sum()),
              "after": int(out["after"].sum()), "new": int((out["after"] & ~out["today"]).sum())}
    return counts, out.sort_values(["after", "today", "member_name"], ascending=[True, True, True],
                                   ignore_index=True)


def coalition_picks(coalition: Coalition, names: Mapping[str, str]) -> pd.DataFrame:
    """The picks with a ``reason`` sentence each: the cells it adds, what it already supports, its sector (when the
    sector rule brought it in), its brokerage role and whom in the coalition it already works with."""
    picks = coalition.picks.copy()
    seen: set[str] = set()
    reasons = []
    for row in picks.to_dict("records"):
        adds, now = list(row["adds"]), list(row["supports_now"])
        parts = [f"closes {len(adds)} cell(s) first: {_listed(adds)} (value {row['value_added']:.2f})" if adds
                 else "closes no cell the others leave open"]
        if now:
            parts.append(f"supports {len(now)} of them today")
        sector = row["sector"]
        if not adds and sector not in seen and coalition.min_sectors_used > 1:
            parts.append(f"brings the {sector_name(sector).lower()} sector (at least {coalition.min_sectors_used} "
                         "sectors wanted)")
        seen.add(sector)
        if row["role"] and row["role"] != "none":
            parts.append(f"brokerage role: {row['role']}")
        if row["works_with"]:
            parts.append("already works with " + ", ".join(names.get(o, o) for o in row["works_with"]))
        if row["replacement"]:
            other = names.get(row["replacement"], row["replacement"])
            parts.append(f"{other} could take its place at no loss" if row["replacement_loss"] <= 1e-9 else
                         f"best replacement {other} would lose {row['replacement_loss']:.2f}")
        else:
            parts.append("nobody outside the coalition could replace it")
        reasons.append("; ".join(parts))
    picks.insert(4, "reason", reasons)
    return picks


def _listed(items: Sequence[str], limit: int = 8) -> str:
    """The first items, then an ellipsis.

    >>> _listed(["a", "b", "c"], limit=2)
    'a, b …'
    """
    return ", ".join(items[:limit]) + (" …" if len(items) > limit else "")


def coalition_method(coalition: Coalition) -> str:
    """One sentence on how the coalition was found and how far greedy is from the exact answer."""
    method = "every combination checked" if coalition.method == "enumeration" else "integer programme"
    proven = "optimum proven" if coalition.optimal_proven else "optimum not proven"
    sectors = ", ".join(sector_name(s) for s in coalition.sectors) or "none"
    return (f"**Method**: weighted coverage, {method} ({proven}). Greedy closes {coalition.greedy_covered} cells "
            f"(value {coalition.greedy_value:.2f}), the exact answer {coalition.optimum_covered} (value "
            f"{coalition.optimum_value:.2f}) of {coalition.cells_total} cells with demand {coalition.value_total:.2f}: "
            f"optimality gap **{coalition.optimality_gap:.1%}**. Sectors: {sectors} (at least "
            f"{coalition.min_sectors_used}).")


# -- network explorer -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cut:
    """How much of the filtered graph is drawn."""

    nodes_total: int
    edges_total: int
    nodes_shown: int
    edges_shown: int

    @property
    def cut(self) -> bool:
        return self.nodes_shown < self.nodes_total or self.edges_shown < self.edges_total

    @property
    def elements(self) -> int:
        return self.nodes_shown + self.edges_shown


def explorer_graph(facts: Facts, view: str, config: AnalysisConfig, theme: str | None = None,
                   region: str | None = None, sector: str | None = None, cells: pd.DataFrame | None = None
                   ) -> nx.Graph:
    """The undirected graph the network explorer draws, filtered on the server.

    ``organisations``: the organisation collaboration network (ties = shared consortia and members, Newman
    weights). ``partnerships``: organisations, consortia, OGP members and themes, linked by WORKS_IN, MEMBER_OF,
    EXPERT_IN and FOCUSES_ON. Filters: ``theme`` keeps organisations able to work on it (and, for
    partnerships, the theme, consortia focused on it and members with demand on it - ``cells`` needed);
    ``region`` keeps members of the region and organisations active there or based there; ``sector`` keeps
    organisations of that sector. Nodes are ``<kind>:<id>`` with ``kind``, ``label``, ``sector`` attributes.
    Nodes without links are kept (measures count them, as the Brokers page does): see :func:`without_isolates`.
    """
    orgs = facts.organisations
    names = dict(zip(orgs["organisation_id"], orgs["name"], strict=True))
    sectors = dict(zip(orgs["organisation_id"], orgs["sector"], strict=True))
    keep_orgs = set(orgs["organisation_id"])
    if theme:
        caps = capabilities(facts)
        keep_orgs &= set(caps.loc[caps["theme_id"] == theme, "organisation_id"])
    if region:
        org_region = organisation_groups(facts, "region")
        in_region = set(facts.members.loc[facts.members["region"] == region, "member_id"])
        active = set(facts.engagements.loc[facts.engagements["member_id"].isin(in_region), "organisation_id"])
        keep_orgs &= active | {o for o, r in org_region.items() if r == region}
    if sector:
        keep_orgs &= {o for o, s in sectors.items() if s == sector}
    H = nx.Graph()
    if view == "organisations":
        full = organisation_network(facts, config.max_affiliation_size)
        for o in sorted(keep_orgs):
            H.add_node(f"organisation:{o}", kind="organisation", id=o, label=_text(names.get(o)) or o,
                       sector=_text(sectors.get(o)))
        shared_names = _affiliation_names(facts, config.max_affiliation_size)
        for u, v, d in full.subgraph(keep_orgs).edges(data=True):
            H.add_edge(f"organisation:{u}", f"organisation:{v}", weight=float(d.get("weight", 1.0)),
                       shared=int(d.get("shared", 1)), names=shared_names(u, v))
        _add_row_sources(H, facts)
        return H
    if view != "partnerships":
        raise ValueError(f"unknown network view {view!r}; use one of {', '.join(NETWORK_VIEWS)}")
    members = facts.members
    keep_members = set(members["member_id"])
    if region:
        keep_members &= set(members.loc[members["region"] == region, "member_id"])
    if theme:
        if cells is None:
            raise ValueError("the theme filter of the partnerships view needs the coverage cells")
        demanded = set(cells.loc[(cells["theme_id"] == theme) & cells["status"].notna(), "member_id"])
        keep_members &= demanded
    consortia = facts.consortia
    keep_consortia = set(consortia["consortium_id"])
    if theme:
        ct = facts.consortium_themes
        keep_consortia &= set(ct.loc[ct["theme_id"] == theme, "consortium_id"])
    keep_themes = {theme} if theme else set(facts.themes)
    for o in sorted(keep_orgs):
        H.add_node(f"organisation:{o}", kind="organisation", id=o, label=_text(names.get(o)) or o,
                   sector=_text(sectors.get(o)))
    for m, n in zip(members["member_id"], members["name"], strict=True):
        if m in keep_members:
            H.add_node(f"member:{m}", kind="member", id=m, label=_text(n) or m, sector="")
    for c, n in zip(consortia["consortium_id"], consortia["name"], strict=True):
        if c in keep_consortia:
            H.add_node(f"consortium:{c}", kind="consortium", id=c, label=_text(n) or c, sector="")
    for t in sorted(keep_themes):
        H.add_node(f"theme:{t}", kind="theme", id=t, label=theme_name(t), sector="")

    def link(u: str, v: str, rel: str, evidence: str) -> None:
        if u in H and v in H:
            if H.has_edge(u, v):
                e = H.edges[u, v]
                e["rels"] = sorted(set(e["rels"]) | {rel})
                e["evidence"] = sorted(set(e["evidence"]) | ({evidence} if evidence else set()))
            else:
                H.add_edge(u, v, rels=[rel], evidence=[evidence] if evidence else [])

    # the ties of the partnership view, generated from the schema's mapping (the Facts table of each type)
    for m in REL_MAPPINGS:
        if m.rel_type not in EXPLORER_TIES:
            continue
        frame = getattr(facts, m.table)
        starts = (column(frame, m.start_by) if m.start_by else [m.start_label.kind] * len(frame))
        origins = _origins(frame)
        for kind, u, v, origin in zip(starts, column(frame, m.start_column), column(frame, m.end_column), origins,
                                      strict=True):
            link(f"{kind}:{u}", f"{m.end_label.kind}:{v}", RELATION_WORDS[m.rel_type], origin)
    _add_row_sources(H, facts)
    return H


def _origins(frame: pd.DataFrame) -> list[str]:
    """Each row's evidence as "source, as of" (the same words as every evidence line; empty when unknown)."""
    sources = column(frame, "source") if "source" in frame.columns else [None] * len(frame)
    dates = column(frame, "as_of") if "as_of" in frame.columns else [None] * len(frame)
    return [evidence_text({"text": "", "source": s, "as_of": a}).strip(" ()") for s, a in
            zip(sources, dates, strict=True)]


def _add_row_sources(H: nx.Graph, facts: Facts) -> None:
    """Give each node the source and date of its own row (organisations, members, consortia)."""
    for kind, frame, key in (("organisation", facts.organisations, "organisation_id"),
                             ("member", facts.members, "member_id"), ("consortium", facts.consortia, "consortium_id")):
        for i, s, a in zip(column(frame, key), column(frame, "source"), column(frame, "as_of"), strict=True):
            node = f"{kind}:{i}"
            if node in H:
                H.nodes[node]["source"], H.nodes[node]["as_of"] = _text(s), _text(a)


def _affiliation_names(facts: Facts, max_size: int) -> Callable[[str, str], list[str]]:
    """For two organisations, the names of the consortia and members they share (the ties' reasons), as the
    organisation network counts them (affiliations larger than ``max_size`` left out when it is set)."""
    pairs = affiliations(facts)
    sizes = pairs["affiliation"].value_counts()
    if max_size > 0:
        pairs = pairs.loc[pairs["affiliation"].map(sizes) <= max_size]
    of: dict[str, set[str]] = {}
    for o, a in zip(column(pairs, "organisation_id"), column(pairs, "affiliation"), strict=True):
        of.setdefault(o, set()).add(a)
    words = {f"consortium:{c}": _text(n) or c for c, n in zip(column(facts.consortia, "consortium_id"),
                                                               column(facts.consortia, "name"), strict=True)}
    words |= {f"member:{m}": _text(n) or m for m, n in zip(column(facts.members, "member_id"),
                                                           column(facts.members, "name"), strict=True)}

    def names(u: str, v: str) -> list[str]:
        return sorted(words.get(a, a) for a in of.get(u, set()) & of.get(v, set()))

    return names


def node_options(H: nx.Graph) -> dict[str, str]:
    """Node key -> "Label (kind)" for the node search, sorted by label."""
    nodes = sorted(H.nodes(data=True), key=lambda nd: (str(nd[1].get("label", nd[0])).casefold(), nd[0]))
    return {n: f"{d.get('label', n)} ({KIND_NAMES.get(d.get('kind', ''), d.get('kind', ''))})" for n, d in nodes}


def node_measures(H: nx.Graph, config: AnalysisConfig) -> pd.DataFrame:
    """Degree, betweenness (as the Brokers page computes it) and effective size of every node of ``H``.

    Weighted (Newman weights) when ``H`` is the organisation network, unweighted for the partnership graph.
    """
    weighted = all("weight" in d for _, _, d in H.edges(data=True)) and H.number_of_edges() > 0
    holes = structural_holes(H, weight="weight" if weighted else None)
    bc = betweenness(H, config).values
    out = pd.DataFrame({"degree": holes["degree"], "betweenness": bc, "effective_size": holes["effective_size"]})
    out.index.name = "node"
    out["kind"] = [H.nodes[n].get("kind", "") for n in out.index]
    out["label"] = [H.nodes[n].get("label", n) for n in out.index]
    out["sector"] = [H.nodes[n].get("sector", "") for n in out.index]
    return out


def node_numbers(measures: pd.DataFrame, node: str) -> dict[str, str]:
    """A node's measures as shown: links as a whole number, betweenness to 3 decimals, effective size to 1
    ("–" for a node without links).

    >>> node_numbers(pd.DataFrame({"degree": [2], "betweenness": [0.5], "effective_size": [float("nan")]},
    ...                           index=["a"]), "a")
    {'degree': '2', 'betweenness': '0.500', 'effective_size': '–'}
    """
    values = measures.loc[[node], list(MEASURES)].to_numpy(dtype="float64")[0]
    row = {m: float(v) for m, v in zip(MEASURES, values, strict=True)}
    effective = row["effective_size"]
    return {"degree": str(int(row["degree"])), "betweenness": f"{row['betweenness']:.3f}",
            "effective_size": "–" if pd.isna(effective) else f"{effective:.1f}"}


def cut_to_budget(H: nx.Graph, budget: int = ELEMENT_BUDGET, keep: Sequence[str] = (),
                  within: Iterable[str] | None = None) -> tuple[nx.Graph, Cut]:
    """The subgraph to draw: at most ``budget`` elements (nodes + links).

    Nodes are taken in order - ``keep`` first, then by degree (highest first) then key - while the nodes and
    the links among them fit in the budget. ``within`` restricts the candidates (e.g. a neighbourhood); the
    totals of the returned :class:`Cut` are then those of that part.
    """
    pool = list(H.nodes) if within is None else [n for n in dict.fromkeys(within) if n in H]
    pool_set = set(pool)
    sub_all = H.subgraph(pool_set)
    first = [n for n in keep if n in pool_set]
    rest = sorted(pool_set - set(first), key=lambda n: (-sub_all.degree(n), str(n)))
    chosen: set[str] = set()
    edges = 0
    for n in first + rest:
        new_edges = sum(1 for v in sub_all.neighbors(n) if v in chosen)
        if len(chosen) + 1 + edges + new_edges > budget:
            if n in first:
                continue
            break
        chosen.add(n)
        edges += new_edges
    shown = H.subgraph(chosen).copy()
    return shown, Cut(len(pool_set), sub_all.number_of_edges(), shown.number_of_nodes(), shown.number_of_edges())


def node_themes(facts: Facts, H: nx.Graph) -> dict[str, list[str]]:
    """The themes of each node of an explorer graph: an organisation's expertise (as capabilities count it), a
    theme node's own theme (for the communities table)."""
    caps = capabilities(facts)
    out: dict[str, list[str]] = {}
    for o, t in zip(column(caps, "organisation_id"), column(caps, "theme_id"), strict=True):
        if f"organisation:{o}" in H:
            out.setdefault(f"organisation:{o}", []).append(str(t))
    for n, d in H.nodes(data=True):
        if d.get("kind") == "theme":
            out[n] = [str(d.get("id", n))]
    return out


def node_regions(facts: Facts, H: nx.Graph) -> dict[str, str]:
    """The OGP region of each member and organisation node (an organisation's as the Brokers page groups it)."""
    out = {f"organisation:{o}": r for o, r in organisation_groups(facts, "region").items()}
    out |= {f"member:{m}": _text(r) for m, r in zip(column(facts.members, "member_id"),
                                                    column(facts.members, "region"), strict=True)}
    return {n: r for n, r in out.items() if n in H and r}


def node_details(H: nx.Graph, node: str) -> tuple[dict[str, str], pd.DataFrame]:
    """A node's attributes (kind, label, sector, id) and its neighbours with the kind of link."""
    d = H.nodes[node]
    info = {"label": str(d.get("label", node)), "kind": KIND_NAMES.get(d.get("kind", ""), str(d.get("kind", ""))),
            "id": str(d.get("id", node))}
    if d.get("sector"):
        info["sector"] = sector_name(d["sector"])
    rows = []
    for v in H.neighbors(node):
        e = H.edges[node, v]
        if "rels" in e:
            link = ", ".join(e["rels"])
        else:
            link = "shares " + ("; ".join(e["names"]) if e.get("names") else f"{e.get('shared', 1)} affiliation(s)")
        evidence = "; ".join(e.get("evidence", []))
        nd = H.nodes[v]
        rows.append({"node": v, "name": nd.get("label", v), "kind": KIND_NAMES.get(nd.get("kind", ""), ""),
                     "sector": sector_name(nd["sector"]) if nd.get("sector") else "", "link": link,
                     "evidence": evidence})
    out = pd.DataFrame(rows, columns=["node", "name", "kind", "sector", "link", "evidence"])
    return info, out.sort_values(["kind", "name"], ignore_index=True)


# -- helpers --------------------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None or value is pd.NA:
        return ""
    if isinstance(value, float) and pd.isna(value):
        return ""
    return str(value)


def without_isolates(H: nx.Graph, keep: Iterable[str] = ()) -> tuple[nx.Graph, int]:
    """A copy of ``H`` without the nodes that have no link (except ``keep``), and how many were left out.

    >>> G = nx.Graph([("a", "b")]); G.add_node("c")
    >>> sorted(without_isolates(G)[0]), without_isolates(G)[1]
    (['a', 'b'], 1)
    """
    kept = set(keep)
    alone = [n for n in nx.isolates(H) if n not in kept]
    out = H.copy()
    out.remove_nodes_from(alone)
    return out, len(alone)
