"""Coverage: demand versus supply for every (member, theme) cell.

Definitions (``cfg`` = :class:`~model.config.AnalysisConfig`):

* **Members analysed**: members whose ``status`` is in ``cfg.member_statuses`` (withdrawn and unknown
  members are left out everywhere, also as neighbours). **Themes**: the theme nodes of the graph.
* **Demand** ``D(m, t) = commitment_weight * #commitments + pledge_weight * #pledges +
  need_weight * #need_signals`` where commitments are those m MADE that are ON_THEME t, pledges are SIGNALS
  of kind ``pledge`` with value > 0 and need signals are SIGNALS of kind ``score`` with value strictly below
  ``need_threshold``. A cell is *demanded* when ``D > demand_threshold`` (default 0).
* **Supply** ``S(m, t)``: organisations that WORKS_IN m with ``theme_id == t``, or WORKS_IN m with a blank
  theme (a general engagement) and are EXPERT_IN t; relations in ``non_supply_relations`` (a country
  funding an initiative, ended engagements) are not supply. ``cov = |S|`` (distinct organisations).
* **Status** (demanded cells only, else missing): ``gap`` cov = 0, ``fragile`` cov = 1 (a single point of
  failure), ``covered`` 2 <= cov <= k-1, ``redundant`` cov >= k with ``k = redundant_k``.
* **Sector diversity**: the distinct sectors of the supporters (``sectors``, ``n_sectors``).
* **Reachable coverage within h hops** (``h = cfg.hops``): hops are counted in the undirected graph whose
  nodes are members and organisations and whose edges are: organisation - member it WORKS_IN (any theme),
  organisation - organisation sharing a consortium, member - neighbouring member (local member - its parent
  country always; members of the same OGP region when ``region_neighbours``). An organisation is *capable*
  on t when it is EXPERT_IN t or WORKS_IN some member on t. ``reachable_cov`` counts the capable
  organisations within h hops of m that do not yet support the cell. With h = 2 this is exactly: capable
  organisations already in m on other themes (1 hop), consortium co-members of organisations active in m
  (2 hops) and organisations active in a neighbouring member (2 hops). Region neighbours make this broad
  (any organisation working anywhere in the region is 2 hops away; on the bundled data every gap is then
  reachable); ``region_neighbours=False`` keeps only the local/national link.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from graph.analysis.reach import Reach
from graph.analysis.scope import analysed_members
from graph.analysis.supply import capabilities, supporting_links
from model.config import AnalysisConfig
from model.facts import Facts, column

__all__ = [
    "STATUSES",
    "CELL_COLUMNS",
    "coverage_cells",
    "coverage_rollup",
    "what_if_remove",
    "unique_coverage",
    "compare_snapshots",
    "analysed_members",
    "removed_organisations",
]

STATUSES = ("gap", "fragile", "covered", "redundant")

#: Columns of :func:`coverage_cells`, in order.
CELL_COLUMNS = (
    "member_id", "member_name", "level", "region", "theme_id",
    "demand", "n_commitments", "n_pledges", "n_need_signals", "commitment_ids", "pledges", "need_signals",
    "cov", "supporters", "sectors", "n_sectors", "status",
    "reachable_cov", "reachable_min_hops", "reachable_orgs",
)


def coverage_cells(facts: Facts, config: AnalysisConfig | None = None, *, themes: Iterable[str] | None = None,
                   members: Iterable[str] | None = None, with_reachable: bool = True) -> pd.DataFrame:
    """Demand, supply, status and reachable coverage of every (member, theme) cell.

    Returns one row per analysed member and theme (or only ``themes`` x ``members``; reachability still uses
    every analysed member), sorted by ``member_id``, ``theme_id``, with columns :data:`CELL_COLUMNS`:

    ``member_id``, ``member_name``, ``level``, ``region``, ``theme_id``;
    ``demand`` (float), ``n_commitments``, ``n_pledges``, ``n_need_signals`` (int), ``commitment_ids``
    (sorted list), ``pledges`` and ``need_signals`` (lists of ``{indicator, value, source, as_of}``);
    ``cov`` (int), ``supporters`` (sorted organisation ids), ``sectors`` (sorted), ``n_sectors`` (int),
    ``status`` (gap | fragile | covered | redundant, missing without demand);
    ``reachable_cov`` (int), ``reachable_min_hops`` (Int64, missing when nothing is reachable),
    ``reachable_orgs`` (nearest first then by id, at most ``reachable_list_limit``). Without
    ``with_reachable`` the reachable columns are 0, missing and empty.

    Examples
    --------
    >>> facts = Facts.from_rows(
    ...     members=[{"id": "KEN", "name": "Kenya", "status": "active"}],
    ...     organisations=[{"id": "lab", "sector": "civil_society"}],
    ...     signals=[{"member_id": "KEN", "theme_id": "open_data", "kind": "pledge", "value": 1.0,
    ...               "indicator": "od_pledge", "source": "s", "as_of": "2024"}],
    ...     engagements=[{"organisation_id": "lab", "member_id": "KEN", "theme_id": "open_data", "relation": "x"}])
    >>> cells = coverage_cells(facts)
    >>> cells[["member_id", "theme_id", "demand", "cov", "status", "sectors"]]
      member_id   theme_id  demand  cov   status          sectors
    0       KEN  open_data     1.0    1  fragile  [civil_society]
    >>> cells.loc[0, "pledges"]
    [{'indicator': 'od_pledge', 'value': 1.0, 'source': 's', 'as_of': '2024'}]
    """
    cfg = config or AnalysisConfig()
    analysed = analysed_members(facts, cfg)
    scoped = analysed if members is None else analysed[analysed["member_id"].isin(set(members))]
    return _cells(facts, cfg, analysed, scoped.reset_index(drop=True),
                  list(facts.themes) if themes is None else [t for t in facts.themes if t in set(themes)],
                  with_reachable)


def _cells(facts: Facts, cfg: AnalysisConfig, analysed: pd.DataFrame, members: pd.DataFrame, themes: list[str],
           with_reachable: bool) -> pd.DataFrame:
    grid = pd.MultiIndex.from_product([members["member_id"], themes], names=["member_id", "theme_id"])
    cells = pd.DataFrame(index=grid).reset_index()
    info = members.set_index("member_id")
    cells["member_name"] = cells["member_id"].map(info["name"])
    cells["level"] = cells["member_id"].map(info["level"])
    cells["region"] = cells["member_id"].map(info["region"])
    member_set, theme_set = set(members["member_id"]), set(themes)

    # -- demand -------------------------------------------------------------------------------------
    com = facts.commitments
    com = com[com["member_id"].isin(member_set) & com["theme_id"].isin(theme_set)]
    sig = facts.signals
    sig = sig[sig["member_id"].isin(member_set) & sig["theme_id"].isin(theme_set)]
    pledges = sig[(sig["kind"] == "pledge") & (sig["value"] > 0)]
    needs = sig[(sig["kind"] == "score") & (sig["value"] < cfg.need_threshold)]
    keys = list(zip(column(cells, "member_id"), column(cells, "theme_id"), strict=True))
    commitment_ids = _grouped(com, column(com, "commitment_id"))
    cells["commitment_ids"] = [sorted(set(commitment_ids.get(k, ()))) for k in keys]
    cells["pledges"] = pd.Series(_evidence(pledges, keys), index=cells.index, dtype="object")
    cells["need_signals"] = pd.Series(_evidence(needs, keys), index=cells.index, dtype="object")
    cells["n_commitments"] = cells["commitment_ids"].map(len).astype("int64")
    cells["n_pledges"] = cells["pledges"].map(len).astype("int64")
    cells["n_need_signals"] = cells["need_signals"].map(len).astype("int64")
    cells["demand"] = (cfg.commitment_weight * cells["n_commitments"] + cfg.pledge_weight * cells["n_pledges"]
                       + cfg.need_weight * cells["n_need_signals"]).astype("float64")

    # -- supply -------------------------------------------------------------------------------------
    links = supporting_links(facts, cfg)
    links = links[links["member_id"].isin(member_set) & links["theme_id"].isin(theme_set)]
    sector_of = facts.organisations.set_index("organisation_id")["sector"].to_dict()
    supporters = _grouped(links, column(links, "organisation_id"))  # links are sorted by organisation
    cells["supporters"] = [supporters.get(k, []) for k in keys]
    cells["sectors"] = [sorted({s for s in map(sector_of.get, orgs) if isinstance(s, str)})
                        for orgs in cells["supporters"]]
    cells["cov"] = cells["supporters"].map(len).astype("int64")
    cells["n_sectors"] = cells["sectors"].map(len).astype("int64")
    cells["status"] = _status(cells["demand"], cells["cov"], cfg)

    # -- reachable coverage -------------------------------------------------------------------------
    if with_reachable:
        _add_reachable(cells, facts, analysed, members, themes, cfg)
    else:
        cells["reachable_cov"] = 0
        cells["reachable_min_hops"] = pd.Series(pd.NA, index=cells.index, dtype="Int64")
        cells["reachable_orgs"] = [[] for _ in range(len(cells))]
    return cells[list(CELL_COLUMNS)]


def coverage_rollup(cells: pd.DataFrame, by: str = "theme_id") -> pd.DataFrame:
    """Counts of demanded cells by status, grouped by a column of :func:`coverage_cells`.

    ``by`` is ``theme_id``, ``member_id``, ``region`` or ``level``. Columns: ``by``, ``demand_cells``,
    ``gap``, ``fragile``, ``covered``, ``redundant``, ``reachable_gaps`` (gaps with ``reachable_cov > 0``),
    ``gap_share`` (gap / demand_cells), ``mean_cov`` (over demanded cells), ``supporters`` (distinct
    organisations supporting the group's demanded cells). Groups without demand are kept with zeros.

    Examples
    --------
    >>> cells = pd.DataFrame({"theme_id": ["a", "a", "b"], "status": ["gap", "fragile", None],
    ...                       "cov": [0, 1, 3], "reachable_cov": [2, 0, 0],
    ...                       "supporters": [[], ["x"], ["x", "y", "z"]]})
    >>> coverage_rollup(cells)[["theme_id", "demand_cells", "gap", "fragile", "reachable_gaps", "mean_cov"]]
      theme_id  demand_cells  gap  fragile  reachable_gaps  mean_cov
    0        a             2    1        1               1       0.5
    1        b             0    0        0               0       0.0
    """
    demanded = cells[cells["status"].notna()]
    keys = pd.Index(sorted(cells[by].dropna().unique()), name=by)
    out = pd.DataFrame(index=keys)
    grouped = demanded.groupby(by)
    out["demand_cells"] = grouped.size().reindex(keys, fill_value=0)
    for status in STATUSES:
        out[status] = demanded[demanded["status"] == status].groupby(by).size().reindex(keys, fill_value=0)
    gaps = demanded[(demanded["status"] == "gap") & (demanded["reachable_cov"] > 0)]
    out["reachable_gaps"] = gaps.groupby(by).size().reindex(keys, fill_value=0)
    out = out.astype("int64")
    out["gap_share"] = (out["gap"] / out["demand_cells"].where(out["demand_cells"] > 0)).fillna(0.0)
    out["mean_cov"] = grouped["cov"].mean().reindex(keys).fillna(0.0).astype("float64")
    out["supporters"] = grouped["supporters"].agg(
        lambda s: len({o for orgs in s for o in orgs})).reindex(keys, fill_value=0).astype("int64")
    return out.reset_index()


def coverage_headline(facts: Facts, cells: pd.DataFrame) -> dict[str, int]:
    """The headline numbers of a load: node counts, then demanded cells in total and by status.

    What ``ogpnet summary`` prints (its JSON ``headline``) and the dashboard's overview shows.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> facts = SimpleNamespace(members=[1, 2], organisations=[1], consortia=[], themes=[1, 2, 3])
    >>> cells = pd.DataFrame({"status": ["gap", "gap", "covered", None]})
    >>> coverage_headline(facts, cells)  # doctest: +NORMALIZE_WHITESPACE
    {'members': 2, 'organisations': 1, 'consortia': 0, 'themes': 3, 'demanded_cells': 3, 'gap_cells': 2,
     'fragile_cells': 0, 'covered_cells': 1, 'redundant_cells': 0}
    """
    counts = cells["status"].value_counts()
    return {
        "members": int(len(facts.members)), "organisations": int(len(facts.organisations)),
        "consortia": int(len(facts.consortia)), "themes": int(len(facts.themes)),
        "demanded_cells": int(cells["status"].notna().sum()),
        **{f"{s}_cells": int(counts.get(s, 0)) for s in STATUSES},
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
    ...     signals=[{"member_id": "KEN", "theme_id": "climate", "kind": "pledge", "value": 1.0}],
    ...     engagements=[{"organisation_id": "a", "member_id": "KEN", "theme_id": "climate", "relation": "x"}])
    >>> what_if_remove(facts, organisation="a")
      member_id theme_id  demand status_before  cov_before lost_supporters
    0       KEN  climate     1.0       fragile           1             [a]
    """
    removed = removed_organisations(facts, organisation, consortium)
    if cells is None:
        cells = coverage_cells(facts, config)
    demanded = cells[cells["status"].notna() & (cells["cov"] > 0)]
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


def _evidence(signals: pd.DataFrame, keys: list[tuple[str, str]]) -> list[list[dict[str, Any]]]:
    signals = signals.sort_values(["indicator", "source"])
    records = [{"indicator": i, "value": float(v), "source": s, "as_of": a}
               for i, v, s, a in zip(column(signals, "indicator"), column(signals, "value"),
                                     column(signals, "source"), column(signals, "as_of"), strict=True)]
    grouped = _grouped(signals, records)
    return [grouped.get(k, []) for k in keys]


def _status(demand: pd.Series, cov: pd.Series, cfg: AnalysisConfig) -> pd.Series:
    demanded = demand > cfg.demand_threshold
    status = np.select(
        [demanded & (cov == 0), demanded & (cov == 1), demanded & (cov < cfg.redundant_k), demanded],
        list(STATUSES), default="")
    return pd.Series(status, index=demand.index, dtype="str").replace("", None)


def _add_reachable(cells: pd.DataFrame, facts: Facts, analysed: pd.DataFrame, members: pd.DataFrame,
                   themes: list[str], cfg: AnalysisConfig) -> None:
    reach = Reach(facts, analysed, cfg)
    orgs = reach.orgs
    names = orgs.tolist()
    position = {o: i for i, o in enumerate(names)}
    org_pos = pd.Index(orgs)
    caps = capabilities(facts)
    caps = caps[caps["theme_id"].isin(themes) & caps["organisation_id"].isin(org_pos)]
    theme_pos = pd.Index(themes)
    capable = np.zeros((len(orgs), len(themes)), dtype=bool)
    rows = org_pos.get_indexer(pd.Index(caps["organisation_id"]))
    capable[rows, theme_pos.get_indexer(pd.Index(caps["theme_id"]))] = True
    capable_by_theme = np.ascontiguousarray(capable.T)
    n_t = len(themes)
    reachable = np.zeros(len(cells), dtype=np.int64)
    min_hops: list[object] = [pd.NA] * len(cells)
    listed: list[list[str]] = [[] for _ in range(len(cells))]
    supporters = cells["supporters"].tolist()
    cov = cells["cov"].to_numpy()
    limit = cfg.reachable_list_limit
    # cells are the grid members x themes in this order: member r's cells are r * n_t ... r * n_t + n_t - 1
    for r0, (ids, dist) in zip(range(0, len(members), Reach.CHUNK),
                               reach.chunks(column(members, "member_id")), strict=True):
        within = dist > 0
        # supporters work in the member (1 hop) and are capable, so they are inside the count: subtract them
        counts = within.astype(np.float32) @ capable.astype(np.float32)
        rows = slice(r0 * n_t, (r0 + len(ids)) * n_t)
        reachable[rows] = (np.rint(counts).astype(np.int64) - cov[rows].reshape(len(ids), n_t)).ravel()
        for k in np.flatnonzero(reachable[rows].reshape(len(ids), n_t).any(axis=1)).tolist():
            base = (r0 + k) * n_t
            near = np.flatnonzero(within[k])
            near = near[np.argsort(dist[k, near], kind="stable")]  # nearest first; orgs are sorted by id
            for t in range(n_t):
                i = base + t
                if reachable[i] == 0:
                    continue
                skip = {position[o] for o in supporters[i]}
                first = _first_capable(near, capable_by_theme[t], skip, limit)
                min_hops[i] = int(dist[k, first[0]])
                listed[i] = [names[j] for j in first[:limit]]
    cells["reachable_cov"] = reachable
    cells["reachable_min_hops"] = pd.Series(min_hops, index=cells.index, dtype="Int64")
    cells["reachable_orgs"] = listed


def _first_capable(near: np.ndarray, capable: np.ndarray, skip: set[int], limit: int) -> list[int]:
    """The first ``limit`` (at least one) of ``near`` that are capable and not in ``skip``, scanning in blocks."""
    need = max(limit, 1)
    found: list[int] = []
    for start in range(0, len(near), 256):
        block = near[start:start + 256]
        # the first hits are enough: at most len(skip) of them are dropped
        hits = block[capable[block]][: need - len(found) + len(skip)]
        found += [j for j in hits.tolist() if j not in skip]
        if len(found) >= need:
            break
    return found[:need]
