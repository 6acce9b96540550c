"""Coverage: demand versus supply for every (member, theme) cell, with the evidence of both.

Definitions (``cfg`` = :class:`~model.config.AnalysisConfig`; dates: :mod:`graph.analysis.scope`):

* **Members analysed**: members whose ``status`` is in ``cfg.member_statuses`` (withdrawn and unknown
  members are left out everywhere) and, with ``cfg.as_of``, that had joined by then. **Themes**: the themes.
* **Demand** (:mod:`graph.analysis.demand`): need (low scores), open pledges and open OGP commitments
  (recency and IRM completion), less achievements on the need; read through the catalogue.
* **Supply** (:mod:`graph.analysis.supply`): ``cov`` = organisations whose strongest relation on the cell
  has at least ``coverage_min_strength`` (programmes, technical assistance, implementing partners, funders);
  ``support`` = the sum of the strengths of every organisation with some relation there;
  ``weak_supporters`` = research, monitoring and mentions below the threshold: shown, never coverage
  (``monitoring_only`` when they are all a cell has).
* **Status**: ``gap`` demand and cov = 0; ``fragile`` cov = 1 (a single point of failure); ``covered``
  2 <= cov <= k-1; ``redundant`` cov >= k (``k = redundant_k``); ``mature`` no demand left and at least one
  achievement (achieved, nothing open); missing: no demand and nothing achieved.
* **Sector diversity**: the distinct sectors of the organisations covering the cell.
* **Reachable help** (:mod:`graph.analysis.reach`, gap and fragile cells): capable organisations with a
  named, evidenced tie to the member that do not cover the cell yet.
* **Evidence**: ``evidence`` lists every claim behind the cell as ``{text, source, as_of}``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from graph.analysis.demand import DEMAND_COLUMNS, demand_evidence
from graph.analysis.reach import reachable_help
from graph.analysis.scope import analysed_members, in_force
from graph.analysis.supply import support_links
from model.config import AnalysisConfig
from model.facts import Facts, column
from model.schema import SELF_REPORTED

__all__ = [
    "ALL_STATUSES",
    "STATUSES",
    "CELL_COLUMNS",
    "coverage_cells",
    "coverage_headline",
    "coverage_rollup",
    "what_if_remove",
    "unique_coverage",
    "compare_snapshots",
    "analysed_members",
    "removed_organisations",
]

#: Statuses of a demanded cell, worst first.
STATUSES = ("gap", "fragile", "covered", "redundant")
#: Every status a cell can have: the demanded ones, then ``mature`` (achieved, nothing open).
ALL_STATUSES = (*STATUSES, "mature")

#: Columns of :func:`coverage_cells`, in order.
CELL_COLUMNS = (
    "member_id", "member_name", "level", "region", "theme_id",
    *DEMAND_COLUMNS,
    "cov", "support", "supporters", "weak_supporters", "sectors", "n_sectors", "status", "monitoring_only",
    "reachable_cov", "reachable_min_hops", "reachable_orgs", "reachable", "evidence",
)


def coverage_cells(facts: Facts, config: AnalysisConfig | None = None, *, themes: Iterable[str] | None = None,
                   members: Iterable[str] | None = None, with_reachable: bool = True,
                   with_evidence: bool = True) -> pd.DataFrame:
    """Demand, supply, status, reachable help and evidence of every (member, theme) cell.

    Returns one row per analysed member and theme (or only ``themes`` x ``members``), sorted by
    ``member_id``, ``theme_id``, with columns :data:`CELL_COLUMNS` (see the module docstring; the demand
    columns are :data:`graph.analysis.demand.DEMAND_COLUMNS`). ``supporters`` and ``weak_supporters`` are
    sorted organisation ids; ``status`` is missing for a cell without demand or achievement. Without
    ``with_reachable`` the reachable columns are 0, missing and empty; without ``with_evidence`` (a trend
    counts statuses only) the evidence lists are empty and the numbers, counts and statuses the same.

    Examples
    --------
    >>> facts = Facts.from_rows(
    ...     members=[{"id": "KEN", "name": "Kenya", "status": "active"}],
    ...     organisations=[{"id": "lab", "sector": "civil_society"}, {"id": "hub", "sector": "academic"}],
    ...     signals=[{"member_id": "KEN", "theme_id": "open_data", "kind": "pledge", "value": 1.0,
    ...               "indicator": "ocp_ogp_commitment", "source": "s", "as_of": "2024"}],
    ...     engagements=[{"organisation_id": "lab", "member_id": "KEN", "theme_id": "open_data",
    ...                   "relation": "country_programme", "source": "s", "as_of": "2024"},
    ...                  {"organisation_id": "hub", "member_id": "KEN", "theme_id": "open_data",
    ...                   "relation": "research_hub", "source": "s", "as_of": "2022"}])
    >>> cells = coverage_cells(facts)
    >>> cells[["member_id", "theme_id", "demand", "cov", "support", "status", "weak_supporters"]]
      member_id   theme_id  demand  cov  support   status weak_supporters
    0       KEN  open_data     1.0    1      1.3  fragile           [hub]
    >>> [e["text"] for e in cells.loc[0, "evidence"]][:2]
    ['pledge: ocp_ogp_commitment', 'supported by lab (country programme, programme)']
    """
    cfg = config or AnalysisConfig()
    facts = in_force(facts, cfg)
    analysed = analysed_members(facts, cfg)
    scoped = analysed if members is None else analysed[analysed["member_id"].isin(set(members))]
    return _cells(facts, cfg, scoped.reset_index(drop=True),
                  list(facts.themes) if themes is None else [t for t in facts.themes if t in set(themes)],
                  with_reachable, with_evidence)


def _cells(facts: Facts, cfg: AnalysisConfig, members: pd.DataFrame, themes: list[str],
           with_reachable: bool, with_evidence: bool = True) -> pd.DataFrame:
    grid = pd.MultiIndex.from_product([members["member_id"], themes], names=["member_id", "theme_id"])
    cells = pd.DataFrame(index=grid).reset_index()
    info = members.set_index("member_id")
    cells["member_name"] = cells["member_id"].map(info["name"])
    cells["level"] = cells["member_id"].map(info["level"])
    cells["region"] = cells["member_id"].map(info["region"])
    keys = list(zip(column(cells, "member_id"), column(cells, "theme_id"), strict=True))

    # -- demand -------------------------------------------------------------------------------------
    demand = demand_evidence(facts, keys, cfg, with_lists=with_evidence)
    for col in DEMAND_COLUMNS:
        cells[col] = demand[col].to_numpy() if demand[col].dtype != object else list(demand[col])

    # -- supply -------------------------------------------------------------------------------------
    links = support_links(facts, cfg)
    links = links[links["member_id"].isin(set(column(members, "member_id"))) & links["theme_id"].isin(themes)]
    sector_of = dict(zip(column(facts.organisations, "organisation_id"), column(facts.organisations, "sector"),
                         strict=True))
    org_names = dict(zip(column(facts.organisations, "organisation_id"), column(facts.organisations, "name"),
                         strict=True))
    strong = links[links["strength"] >= cfg.coverage_min_strength]
    weak = links[links["strength"] < cfg.coverage_min_strength]
    supporters = _grouped(strong, column(strong, "organisation_id"))  # links are sorted by organisation
    weak_ones = _grouped(weak, column(weak, "organisation_id"))
    strength = links.groupby(["member_id", "theme_id"])["strength"].sum()
    cells["cov"] = [len(supporters.get(k, [])) for k in keys]
    key_index = pd.MultiIndex.from_tuples(keys) if keys else pd.MultiIndex.from_arrays([[], []])  # (none yet)
    cells["support"] = strength.reindex(key_index, fill_value=0.0).round(9).to_numpy()
    cells["supporters"] = [supporters.get(k, []) for k in keys]
    cells["weak_supporters"] = [weak_ones.get(k, []) for k in keys]
    cells["sectors"] = [sorted({s for s in map(sector_of.get, orgs) if isinstance(s, str)})
                        for orgs in cells["supporters"]]
    cells["n_sectors"] = cells["sectors"].map(len).astype("int64")
    cells["cov"] = cells["cov"].astype("int64")
    cells["status"] = _status(cells["demand"], cells["cov"], cells["n_achievements"], cfg)
    cells["monitoring_only"] = (cells["cov"] == 0) & cells["weak_supporters"].map(bool)

    # -- reachable help (gap and fragile cells) ----------------------------------------------------
    if with_reachable:
        wanted = cells["status"].isin(["gap", "fragile"])
        help_ = reachable_help(facts, cells.loc[wanted, ["member_id", "theme_id", "supporters"]], cfg)
        cells["reachable_cov"] = 0
        cells["reachable_min_hops"] = pd.Series(pd.NA, index=cells.index, dtype="Int64")
        cells["reachable_orgs"] = [[] for _ in range(len(cells))]
        cells["reachable"] = [[] for _ in range(len(cells))]
        for col in ("reachable_cov", "reachable_min_hops"):
            cells.loc[wanted, col] = help_[col]
        for col in ("reachable_orgs", "reachable"):
            values = cells[col].tolist()
            for i, v in zip(help_.index, help_[col], strict=True):
                values[i] = v
            cells[col] = values
        cells["reachable_cov"] = cells["reachable_cov"].astype("int64")
    else:
        cells["reachable_cov"] = 0
        cells["reachable_min_hops"] = pd.Series(pd.NA, index=cells.index, dtype="Int64")
        cells["reachable_orgs"] = [[] for _ in range(len(cells))]
        cells["reachable"] = [[] for _ in range(len(cells))]

    # -- evidence ----------------------------------------------------------------------------------
    if not with_evidence:
        cells["evidence"] = pd.Series([[] for _ in range(len(cells))], index=cells.index, dtype="object")
        return cells[list(CELL_COLUMNS)]
    link_rows = _grouped(links, links.to_dict("records"))
    if not cfg.self_reported_coverage:  # shown, not counted: what the partners say about themselves
        own = support_links(facts, replace(cfg, self_reported_coverage=True))
        own = own[(own["confidence"] == SELF_REPORTED) & own["member_id"].isin(set(column(members, "member_id")))
                  & own["theme_id"].isin(themes)]
        for key, rows in _grouped(own, own.assign(strength=0.0).to_dict("records")).items():
            link_rows[key] = [*link_rows.get(key, []), *rows]
    demand_rows = cells[["pledges", "need_signals", "achievements", "commitments"]].to_dict("records")
    cells["evidence"] = pd.Series([_cell_evidence({str(k): v for k, v in row.items()}, link_rows.get(key, []),
                                                  org_names, cfg.coverage_min_strength)
                                   for row, key in zip(demand_rows, keys, strict=True)],
                                  index=cells.index, dtype="object")
    return cells[list(CELL_COLUMNS)]


def _cell_evidence(demand: dict[str, Any], links: list[dict[str, Any]], names: dict[str, Any],
                   min_strength: float) -> list[dict[str, Any]]:
    """Every claim behind a cell as ``{text, source, as_of}``: demand first, then supply (links weaker than
    ``min_strength`` say that they are not counted as support)."""
    items: list[dict[str, Any]] = []
    for p in demand["pledges"]:
        state = "" if p.get("open", True) else " (fulfilled: an achievement shows the reform is in place)"
        items.append({"text": f"pledge: {_signal_words(p)}{state}", "source": p["source"], "as_of": p["as_of"]})
    for n in demand["need_signals"]:
        items.append({"text": f"need: {_signal_words(n, value=True)}", "source": n["source"], "as_of": n["as_of"]})
    for c in demand["commitments"]:
        items.append({"text": f"open OGP commitment {c['commitment_id']}: {c['detail']}; weight {c['weight']:.2f}",
                      "source": c["source"], "as_of": c["as_of"]})
    for a in demand["achievements"]:
        what = (_signal_words(a, value=isinstance(a.get("value"), float)) if a.get("indicator")
                else f"completed OGP commitment {a.get('commitment_id')}")
        items.append({"text": f"achievement: {what}", "source": a["source"], "as_of": a["as_of"]})
    for link in sorted(links, key=lambda x: (-x["strength"], str(names.get(x["organisation_id"]) or ""))):
        name = names.get(link["organisation_id"]) or link["organisation_id"]
        how = str(link["relation"]).replace("_", " ")
        general = "; a general engagement, expert in the theme" if link["general"] else ""
        lead = "supported by" if link["strength"] >= min_strength else "not counted as support (too weak):"
        if link.get("confidence") == SELF_REPORTED:
            general += "; self-reported"
            if link["strength"] == 0:
                lead = "not counted as coverage (self-reported, setting self_reported_coverage is off):"
        items.append({"text": f"{lead} {name} ({how}, {link['grade']}{general})", "source": link["source"],
                      "as_of": link["as_of"]})
    return items


def _signal_words(item: dict[str, Any], value: bool = False) -> str:
    """A signal in words: its source's own description (``detail``) with the indicator id, else the id; with the
    value for scores.

    >>> _signal_words({"indicator": "gdb_bo_framework", "value": 32.0, "detail": "GDB: Governance (BO)"}, True)
    'GDB: Governance (BO) = 32 [gdb_bo_framework]'
    >>> _signal_words({"indicator": "ocp_ogp_commitment", "value": 1.0})
    'ocp_ogp_commitment'
    """
    shown = f" = {item['value']:g}" if value else ""
    detail = item.get("detail")
    if isinstance(detail, str) and detail.strip():
        return f"{detail.strip()}{shown} [{item['indicator']}]"
    return f"{item['indicator']}{shown}"


def coverage_rollup(cells: pd.DataFrame, by: str = "theme_id") -> pd.DataFrame:
    """Counts of cells by status, grouped by a column of :func:`coverage_cells`.

    ``by`` is ``theme_id``, ``member_id``, ``region`` or ``level``. Columns: ``by``, ``demand_cells``,
    ``gap``, ``fragile``, ``covered``, ``redundant``, ``mature``, ``monitoring_only`` (demanded cells whose
    only support is research, monitoring or a mention), ``reachable_gaps`` (gaps with reachable help),
    ``reachable_share`` (reachable_gaps / gap), ``gap_share`` (gap / demand_cells), ``mean_cov`` (over
    demanded cells), ``supporters`` (distinct organisations covering the group's demanded cells). Groups
    without demand are kept with zeros.

    Examples
    --------
    >>> cells = pd.DataFrame({"theme_id": ["a", "a", "b"], "status": ["gap", "fragile", "mature"],
    ...                       "cov": [0, 1, 3], "reachable_cov": [2, 0, 0], "monitoring_only": [True, False, False],
    ...                       "supporters": [[], ["x"], ["x", "y", "z"]]})
    >>> coverage_rollup(cells)[["theme_id", "demand_cells", "gap", "mature", "reachable_share", "mean_cov"]]
      theme_id  demand_cells  gap  mature  reachable_share  mean_cov
    0        a             2    1       0              1.0       0.5
    1        b             0    0       1              0.0       0.0
    """
    demanded = cells[cells["status"].isin(STATUSES)]
    keys = pd.Index(sorted(cells[by].dropna().unique()), name=by)
    out = pd.DataFrame(index=keys)
    grouped = demanded.groupby(by)
    out["demand_cells"] = grouped.size().reindex(keys, fill_value=0)
    for status in ALL_STATUSES:
        out[status] = cells[cells["status"] == status].groupby(by).size().reindex(keys, fill_value=0)
    monitoring = demanded[demanded["monitoring_only"]] if "monitoring_only" in demanded else demanded.iloc[0:0]
    out["monitoring_only"] = monitoring.groupby(by).size().reindex(keys, fill_value=0)
    gaps = demanded[(demanded["status"] == "gap") & (demanded["reachable_cov"] > 0)]
    out["reachable_gaps"] = gaps.groupby(by).size().reindex(keys, fill_value=0)
    out = out.astype("int64")
    out["reachable_share"] = (out["reachable_gaps"] / out["gap"].where(out["gap"] > 0)).fillna(0.0)
    out["gap_share"] = (out["gap"] / out["demand_cells"].where(out["demand_cells"] > 0)).fillna(0.0)
    out["mean_cov"] = grouped["cov"].mean().reindex(keys).fillna(0.0).astype("float64")
    out["supporters"] = grouped["supporters"].agg(
        lambda s: len({o for orgs in s for o in orgs})).reindex(keys, fill_value=0).astype("int64")
    return out.reset_index()


def coverage_headline(facts: Facts, cells: pd.DataFrame, config: AnalysisConfig | None = None) -> dict[str, int]:
    """The headline numbers of a load: node counts (as of ``config.as_of``: members that had joined), then
    demanded cells in total and by status, and mature cells.

    What ``ogpnet summary`` prints (its JSON ``headline``) and the dashboard's overview shows.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> facts = SimpleNamespace(members=[1, 2], organisations=[1], consortia=[], themes=[1, 2, 3])
    >>> cells = pd.DataFrame({"status": ["gap", "gap", "covered", None, "mature"]})
    >>> coverage_headline(facts, cells)  # doctest: +NORMALIZE_WHITESPACE
    {'members': 2, 'organisations': 1, 'consortia': 0, 'themes': 3, 'demanded_cells': 3, 'gap_cells': 2,
     'fragile_cells': 0, 'covered_cells': 1, 'redundant_cells': 0, 'mature_cells': 1}
    """
    if config is not None and config.as_of:
        facts = in_force(facts, config)
    counts = cells["status"].value_counts()
    return {
        "members": int(len(facts.members)), "organisations": int(len(facts.organisations)),
        "consortia": int(len(facts.consortia)), "themes": int(len(facts.themes)),
        "demanded_cells": int(cells["status"].isin(STATUSES).sum()),
        **{f"{s}_cells": int(counts.get(s, 0)) for s in ALL_STATUSES},
    }


def what_if_remove(
    facts: Facts,
    organisation: str | Iterable[str] | None = None,
    consortium: str | None = None,
    config: AnalysisConfig | None = None,
    cells: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Demanded cells that become gaps when organisations (or a consortium's members) withdraw.

    ``organisation``: one id or several. ``consortium``: every organisation that is MEMBER_OF it withdraws
    (the scenario "this consortium's members pull out"); both may be given. ``cells``: the result of
    :func:`coverage_cells` if already computed. Returns columns ``member_id``, ``theme_id``, ``demand``,
    ``status_before``, ``cov_before``, ``lost_supporters`` (the withdrawn supporters), sorted by member and
    theme. Unknown ids raise ``ValueError``.

    Examples
    --------
    >>> facts = Facts.from_rows(
    ...     members=[{"id": "KEN", "status": "active"}], organisations=[{"id": "a", "sector": "private"}],
    ...     signals=[{"member_id": "KEN", "theme_id": "climate", "indicator": "gdb_climate_module",
    ...               "kind": "score", "value": 20.0}],
    ...     engagements=[{"organisation_id": "a", "member_id": "KEN", "theme_id": "climate",
    ...                   "relation": "country_programme"}])
    >>> what_if_remove(facts, organisation="a")
      member_id theme_id  demand status_before  cov_before lost_supporters
    0       KEN  climate     0.5       fragile           1             [a]
    """
    removed = removed_organisations(facts, organisation, consortium)
    if cells is None:
        cells = coverage_cells(facts, config)
    demanded = cells[cells["status"].isin(STATUSES) & (cells["cov"] > 0)]
    lost = demanded["supporters"].map(lambda orgs: [o for o in orgs if o in removed])
    becomes_gap = lost.map(len) == demanded["cov"]
    out = demanded.loc[becomes_gap, ["member_id", "theme_id", "demand", "status", "cov"]].rename(
        columns={"status": "status_before", "cov": "cov_before"})
    out["lost_supporters"] = lost[becomes_gap]
    return out.sort_values(["member_id", "theme_id"], ignore_index=True)


def removed_organisations(facts: Facts, organisation: str | Iterable[str] | None = None,
                          consortium: str | None = None) -> set[str]:
    """The organisation ids a what-if scenario removes (validated)."""
    known = set(facts.organisations["organisation_id"])
    removed: set[str] = set()
    if organisation is not None:
        removed |= {organisation} if isinstance(organisation, str) else set(organisation)
        unknown = removed - known
        if unknown:
            raise ValueError(f"unknown organisation(s): {', '.join(sorted(unknown))}")
    if consortium is not None:
        if consortium not in set(facts.consortia["consortium_id"]):
            raise ValueError(f"unknown consortium: {consortium}")
        ms = facts.memberships
        removed |= set(ms.loc[(ms["consortium_id"] == consortium) & (ms["participant_type"] == "organisation"),
                              "participant_id"])
    if organisation is None and consortium is None:
        raise ValueError("give an organisation or a consortium to remove")
    return removed


def unique_coverage(cells: pd.DataFrame) -> pd.DataFrame:
    """Per organisation, the demanded cells it alone supports (they become gaps if it withdraws).

    Columns ``organisation_id``, ``n_unique_cells``, ``unique_cells`` (``"<member_id>/<theme_id>"``),
    sorted by count (descending) then id; organisations without such cells are not listed.

    Examples
    --------
    >>> cells = pd.DataFrame({"member_id": ["KEN", "GHA"], "theme_id": ["justice", "justice"],
    ...                       "status": ["fragile", "covered"], "supporters": [["a"], ["a", "b"]]})
    >>> unique_coverage(cells)
      organisation_id  n_unique_cells   unique_cells
    0               a               1  [KEN/justice]
    """
    fragile = cells[(cells["status"] == "fragile")]
    rows = pd.DataFrame({"organisation_id": fragile["supporters"].str[0],
                         "cell": fragile["member_id"] + "/" + fragile["theme_id"]})
    if rows.empty:
        return pd.DataFrame({"organisation_id": pd.Series([], dtype="str"),
                             "n_unique_cells": pd.Series([], dtype="int64"), "unique_cells": []})
    out = rows.groupby("organisation_id")["cell"].agg(sorted).rename("unique_cells").reset_index()
    out.insert(1, "n_unique_cells", out["unique_cells"].map(len).astype("int64"))
    return out.sort_values(["n_unique_cells", "organisation_id"], ascending=[False, True], ignore_index=True)


def compare_snapshots(before_cells: pd.DataFrame, after_cells: pd.DataFrame) -> pd.DataFrame:
    """Status changes between two coverage snapshots (e.g. two load runs).

    Returns the cells whose status differs, columns ``member_id``, ``theme_id``, ``status_before``,
    ``status_after``, ``cov_before``, ``cov_after`` (missing when the cell is absent) and ``change``:
    ``gap_closed`` (gap before, supported after), ``gap_dropped`` (gap before, no demand or no cell after),
    ``gap_opened`` (gap after, anything else before), ``status_changed`` (any other change). Sorted by change,
    member, theme.

    Examples
    --------
    >>> before = pd.DataFrame({"member_id": ["KEN", "GHA"], "theme_id": ["climate", "climate"],
    ...                        "status": ["gap", "fragile"], "cov": [0, 1]})
    >>> after = pd.DataFrame({"member_id": ["KEN", "GHA"], "theme_id": ["climate", "climate"],
    ...                       "status": ["fragile", "gap"], "cov": [1, 0]})
    >>> compare_snapshots(before, after)[["member_id", "status_before", "status_after", "change"]]
      member_id status_before status_after      change
    0       KEN           gap      fragile  gap_closed
    1       GHA       fragile          gap  gap_opened
    """
    cols = ["member_id", "theme_id", "status", "cov"]
    merged = before_cells[cols].merge(after_cells[cols], on=["member_id", "theme_id"], how="outer",
                                      suffixes=("_before", "_after"))
    sb = merged["status_before"].astype("object").where(merged["status_before"].notna(), None)
    sa = merged["status_after"].astype("object").where(merged["status_after"].notna(), None)
    changed = sb.ne(sa) & ~(sb.isna() & sa.isna())
    change = np.select(
        [(sb == "gap") & sa.isin(STATUSES[1:]), (sb == "gap") & sa.isna(), (sa == "gap")],
        ["gap_closed", "gap_dropped", "gap_opened"], default="status_changed")
    out = merged.assign(change=change)[changed].copy()
    for col in ("cov_before", "cov_after"):
        out[col] = out[col].astype("Int64")
    order = {"gap_closed": 0, "gap_opened": 1, "gap_dropped": 2, "status_changed": 3}
    out = out.sort_values(["change", "member_id", "theme_id"], key=lambda s: s.map(order) if s.name == "change"
                          else s, ignore_index=True)
    return out[["member_id", "theme_id", "status_before", "status_after", "cov_before", "cov_after", "change"]]


# -- helpers -------------------------------------------------------------------------------------------


def _grouped(frame: pd.DataFrame, values: list[Any]) -> dict[tuple[str, str], list[Any]]:
    """(member_id, theme_id) -> the values of the frame's rows, in row order."""
    out: dict[tuple[str, str], list[Any]] = {}
    for m, t, v in zip(column(frame, "member_id"), column(frame, "theme_id"), values, strict=True):
        out.setdefault((m, t), []).append(v)
    return out


def _status(demand: pd.Series, cov: pd.Series, achievements: pd.Series, cfg: AnalysisConfig) -> pd.Series:
    demanded = demand > cfg.demand_threshold
    status = np.select(
        [demanded & (cov == 0), demanded & (cov == 1), demanded & (cov < cfg.redundant_k), demanded,
         achievements > 0],
        list(ALL_STATUSES), default="")
    return pd.Series(status, index=demand.index, dtype="str").replace("", None)
