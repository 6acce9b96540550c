"""Coalition builder: a few organisations that together can serve the most demand cells of a theme.

Universe: the demanded cells (status not missing, see :mod:`graph.analysis.coverage`) of ``theme`` in the
scope (``members``, or the analysed members of ``region``, or all analysed members). An organisation *can
cover* a cell (m, theme) when it supports it now, or when it is capable on the theme and within ``hops`` of
m (the reachable coverage of :mod:`graph.analysis.coverage`). Objective: the number of cells covered by at
least one pick (maximum coverage), with exactly ``min(size, candidates)`` picks spanning at least
``min_sectors`` sectors.

* Greedy (Nemhauser-Wolsey-Fisher, a 1 - 1/e approximation): repeatedly take the organisation with the
  largest marginal gain; ties go to one that adds a sector not yet in the coalition, then to the smallest
  organisation id. When the picks left are just enough to reach ``min_sectors``, only organisations of a new
  sector are eligible.
* Exact (``method``): ``greedy_is_optimal`` when the greedy coalition reaches the upper bound
  min(coverable cells, sum of the k largest covers); else ``enumeration`` of all ``C(n, k)`` combinations
  (sorted ids, lexicographic; the first best combination wins ties) when ``C(n, k) <= coalition_exact_limit``
  (organisations with the same cells and sector count once, up to k copies); else ``milp``, an integer
  programme solved with :func:`scipy.optimize.milp` (HiGHS) within ``milp_time_limit`` seconds (cells with the
  same candidates merged). When the time limit stops it, ``optimal_proven`` is False and ``upper_bound`` is
  HiGHS's bound.
* ``optimality_gap`` = (optimum - greedy) / optimum in cells (0 when the optimum is 0).

``min_sectors`` is a constraint; when it cannot be met (fewer sectors among the candidates, or fewer picks
than sectors asked for) it is relaxed to the largest feasible value and ``feasible`` is False with a note.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, milp

from graph.analysis.brokerage import dominant_role, gould_fernandez
from graph.analysis.coverage import coverage_cells
from graph.analysis.network import organisation_network
from graph.analysis.reach import Reach
from graph.analysis.scope import analysed_members
from graph.analysis.supply import capabilities
from model.config import AnalysisConfig
from model.facts import Facts, column

__all__ = ["Coalition", "PICK_COLUMNS", "build_coalition"]

PICK_COLUMNS = ("order", "organisation_id", "name", "sector", "adds", "covers", "supports_now", "could_reach",
                "role", "works_with", "consortia")


@dataclass(frozen=True)
class Coalition:
    """Result of :func:`build_coalition`.

    ``picks`` (the coalition: the exact optimum, or the greedy one when no exact answer was found) has
    columns :data:`PICK_COLUMNS`: ``order`` (1.. in greedy order within the coalition), ``organisation_id``,
    ``name``, ``sector``, ``adds`` (member ids of the cells it adds in that order), ``covers`` (all cells it
    can cover), ``supports_now`` (cells it already supports), ``could_reach`` (cells it could step into),
    ``role`` (dominant Gould-Fernandez role on the organisation network, groups = sector), ``works_with``
    (other picks it is tied to in the organisation network) and ``consortia`` (names). Cells are identified
    by member id (the theme is fixed). ``upper_bound``: no coalition of this size covers more cells
    (equals ``optimum_covered`` when ``optimal_proven``).
    """

    theme: str
    scope: list[str]
    size: int
    min_sectors: int
    min_sectors_used: int
    feasible: bool
    method: str
    optimal_proven: bool
    greedy: list[str]
    greedy_covered: int
    optimum: list[str]
    optimum_covered: int
    upper_bound: float
    optimality_gap: float
    cells_total: int
    cells_covered: list[str]
    cells_left: list[str]
    sectors: list[str]
    picks: pd.DataFrame
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        out = {k: getattr(self, k) for k in self.__dataclass_fields__ if k != "picks"}
        out["picks"] = self.picks.to_dict("records")
        return out


def build_coalition(
    facts: Facts,
    theme: str,
    members: str | Iterable[str] | None = None,
    region: str | None = None,
    size: int = 3,
    min_sectors: int = 1,
    config: AnalysisConfig | None = None,
    roles: Mapping[str, str] | None = None,
) -> Coalition:
    """Choose ``size`` organisations that can together cover the most demand cells of ``theme``.

    See the module docstring for the universe, the objective, tie-breaking and the exact method. ``roles``
    (organisation id -> role) skips computing Gould-Fernandez roles on the organisation network.

    Examples
    --------
    >>> where = [("a", "private", "m1 m2"), ("b", "academic", "m3"), ("c", "private", "m3")]
    >>> facts = Facts.from_rows(
    ...     members=[{"id": m, "status": "active"} for m in ("m1", "m2", "m3")],
    ...     signals=[{"member_id": m, "theme_id": "climate", "kind": "pledge", "value": 1.0}
    ...              for m in ("m1", "m2", "m3")],
    ...     organisations=[{"id": o, "sector": s} for o, s, _ in where],
    ...     engagements=[{"organisation_id": o, "member_id": m, "theme_id": "climate", "relation": "x"}
    ...                  for o, _, ms in where for m in ms.split()])
    >>> result = build_coalition(facts, "climate", size=2, min_sectors=2)
    >>> result.optimum, result.optimum_covered, result.cells_left, result.method
    (['a', 'b'], 3, [], 'greedy_is_optimal')
    >>> result.picks[["order", "organisation_id", "adds"]]
       order organisation_id      adds
    0      1               a  [m1, m2]
    1      2               b      [m3]
    """
    cfg = config or AnalysisConfig()
    if size < 1:
        raise ValueError("size must be at least 1")
    if members is not None and region is not None:
        raise ValueError("give members or region, not both")
    if theme not in facts.themes:
        raise ValueError(f"unknown theme: {theme}")
    analysed = analysed_members(facts, cfg)
    if members is not None:
        scope = sorted({members} if isinstance(members, str) else set(members))
        unknown = sorted(set(scope) - set(analysed["member_id"]))
        if unknown:
            raise ValueError(f"unknown or not analysed member(s): {', '.join(unknown)}")
    elif region is not None:
        scope = sorted(analysed.loc[analysed["region"] == region, "member_id"])
        if not scope:
            raise ValueError(f"no analysed member in region {region!r}")
    else:
        scope = sorted(analysed["member_id"])

    cells = coverage_cells(facts, cfg, themes=[theme], members=scope, with_reachable=False)
    universe_rows = cells[(cells["theme_id"] == theme) & cells["member_id"].isin(scope) & cells["status"].notna()]
    universe = list(universe_rows["member_id"])
    masks = _cover_masks(facts, cfg, analysed, theme, universe_rows)  # bit i = can cover universe[i]
    candidates = sorted(masks)
    sector_of = _sectors(facts)
    notes: list[str] = []
    bit = {m: 1 << i for i, m in enumerate(universe)}
    k = min(size, len(candidates))
    if k < size:
        notes.append(f"only {len(candidates)} organisation(s) can cover any cell; coalition size {k}")
    available_sectors = {sector_of.get(o) for o in candidates} - {None}
    needed = max(1, min_sectors)
    feasible = True
    if needed > min(k, len(available_sectors)):
        feasible = False
        relaxed = max(1, min(k, len(available_sectors)))
        notes.append(f"min_sectors={min_sectors} is infeasible (candidates span {len(available_sectors)} sector(s), "
                     f"{k} pick(s)); relaxed to {relaxed}")
        needed = relaxed
    if not universe:
        notes.append(f"no demanded cell for {theme} in the scope")

    greedy = _greedy(candidates, masks, sector_of, k, needed)
    greedy_covered = _popcount(_union(greedy, masks))
    # no coalition covers more than every coverable cell, nor more than the k largest covers together
    bound = float(min(_popcount(_union(candidates, masks)),
                      sum(sorted((_popcount(m) for m in masks.values()), reverse=True)[:k])))
    # Organisations with the same cells and sector are interchangeable: keep the k smallest ids of each
    # class (the tie-breaking by id then picks the same coalitions) so the exact search stays small.
    distinct = _representatives(candidates, masks, sector_of, k)
    n_combos = math.comb(len(distinct), k) if distinct else 0
    if greedy_covered == bound and len(greedy) == k:
        method, proven, optimum = "greedy_is_optimal", True, greedy
    elif n_combos <= cfg.coalition_exact_limit:
        method, proven = "enumeration", True
        optimum = _enumerate(distinct, masks, sector_of, k, needed)
    else:
        method = "milp"
        optimum, proven, milp_bound = _milp(distinct, masks, sector_of, universe, k, needed, cfg.milp_time_limit)
        if _popcount(_union(optimum, masks)) < greedy_covered:
            optimum = greedy  # the time limit stopped HiGHS before it beat the greedy coalition
        if not proven:
            bound = min(bound, milp_bound)
            notes.append(f"integer programme stopped at the time limit ({cfg.milp_time_limit:g} s): optimum not "
                         f"proven; at most {math.floor(bound + 1e-9)} cells")
    optimum_covered = _popcount(_union(optimum, masks))
    gap = (optimum_covered - greedy_covered) / optimum_covered if optimum_covered else 0.0
    covered_mask = _union(optimum, masks)
    picks = _explain(facts, cfg, optimum, masks, universe, universe_rows, sector_of, roles)
    return Coalition(
        theme=theme, scope=scope, size=size, min_sectors=min_sectors, min_sectors_used=needed,
        feasible=feasible, method=method, optimal_proven=proven, greedy=greedy, greedy_covered=greedy_covered,
        optimum=optimum, optimum_covered=optimum_covered,
        upper_bound=float(optimum_covered if proven else bound), optimality_gap=float(gap), cells_total=len(universe),
        cells_covered=[m for m in universe if covered_mask & bit[m]],
        cells_left=[m for m in universe if not covered_mask & bit[m]],
        sectors=sorted({sector_of[o] for o in optimum if sector_of.get(o) is not None}), picks=picks, notes=notes,
    )


def _cover_masks(facts: Facts, cfg: AnalysisConfig, analysed: pd.DataFrame, theme: str,
                 universe_rows: pd.DataFrame) -> dict[str, int]:
    """Organisation -> bitmask of the universe cells it can cover (supports now, or capable within h hops)."""
    if universe_rows.empty:
        return {}
    reach = Reach(facts, analysed, cfg)
    names = reach.orgs.tolist()
    position = {o: i for i, o in enumerate(names)}
    caps = capabilities(facts)
    capable = np.zeros(len(names), dtype=bool)
    capable[[position[o] for o in column(caps[caps["theme_id"] == theme], "organisation_id") if o in position]] = True
    parts = [(dist > 0) & capable for _, dist in reach.chunks(column(universe_rows, "member_id"))]
    can = np.vstack(parts)  # universe cells x organisations
    for i, supporters in enumerate(universe_rows["supporters"]):
        can[i, [position[o] for o in supporters]] = True
    packed = np.packbits(can, axis=0, bitorder="little")  # bytes of each organisation's column
    hits = np.flatnonzero(can.any(axis=0))
    return {names[j]: int.from_bytes(packed[:, j].tobytes(), "little") for j in hits.tolist()}


def _sectors(facts: Facts) -> dict[str, Any]:
    orgs = facts.organisations
    return dict(zip(column(orgs, "organisation_id"), column(orgs, "sector"), strict=True))


def _representatives(candidates: list[str], masks: Mapping[str, int], sector_of: Mapping[str, Any],
                     k: int) -> list[str]:
    kept: dict[tuple[int, Any], int] = {}
    out = []
    for o in candidates:  # sorted by id
        key = (masks[o], sector_of.get(o))
        if kept.get(key, 0) < k:
            kept[key] = kept.get(key, 0) + 1
            out.append(o)
    return out


def _popcount(mask: int) -> int:
    return bin(mask).count("1")


def _union(orgs: Iterable[str], masks: Mapping[str, int]) -> int:
    out = 0
    for o in orgs:
        out |= masks[o]
    return out


def _greedy(candidates: list[str], masks: Mapping[str, int], sector_of: Mapping[str, Any], k: int,
            needed: int) -> list[str]:
    chosen: list[str] = []
    covered = 0
    sectors: set[Any] = set()
    for step in range(k):
        pool = [o for o in candidates if o not in chosen]
        if needed - len(sectors) >= k - step:
            pool = [o for o in pool if sector_of.get(o) is not None and sector_of.get(o) not in sectors]
        if not pool:
            break
        best = min(pool, key=lambda o: (-_popcount(masks[o] & ~covered),
                                        -(sector_of.get(o) is not None and sector_of.get(o) not in sectors), o))
        chosen.append(best)
        covered |= masks[best]
        sectors.add(sector_of.get(best))
    return chosen


def _enumerate(candidates: list[str], masks: Mapping[str, int], sector_of: Mapping[str, Any], k: int,
               needed: int) -> list[str]:
    best: tuple[str, ...] = ()
    best_value = -1
    for combo in itertools.combinations(candidates, k):
        value = _popcount(_union(combo, masks))
        if value > best_value and len({sector_of.get(o) for o in combo} - {None}) >= needed:
            best, best_value = combo, value
    return list(best)


def _milp(candidates: list[str], masks: Mapping[str, int], sector_of: Mapping[str, Any], universe: list[str],
          k: int, needed: int, time_limit: float) -> tuple[list[str], bool, float]:
    """Maximum coverage as an integer programme: (picks, proven optimal, upper bound on the cells covered).

    Variables x (picks, binary), y (cell groups covered, continuous in [0, 1]: integral at the optimum) and z
    (sectors present, binary, only with min_sectors > 1). Cells covered by exactly the same candidates are
    merged into one y weighted by their number.
    """
    n, u = len(candidates), len(universe)
    n_bytes = (u + 7) // 8
    incidence = np.zeros((u, n), dtype=bool)  # cell x candidate
    for i, o in enumerate(candidates):
        bits = np.unpackbits(np.frombuffer(masks[o].to_bytes(n_bytes, "little"), dtype=np.uint8),
                             bitorder="little")
        incidence[:, i] = bits[:u].astype(bool)
    incidence = incidence[incidence.any(axis=1)]
    groups, weights = np.unique(incidence, axis=0, return_counts=True)
    g = len(groups)
    sectors = sorted({sector_of[o] for o in candidates if sector_of.get(o) is not None})
    s = len(sectors) if needed > 1 else 0
    c = np.concatenate([np.zeros(n), -weights.astype(float), np.zeros(s)])
    blocks = [
        # y_j - sum of x over candidates covering group j <= 0
        (sp.hstack([-sp.csr_array(groups.astype(float)), sp.eye_array(g), sp.csr_array((g, s))]),
         np.full(g, -np.inf), np.zeros(g)),
        # exactly k picks
        (sp.csr_array(np.concatenate([np.ones(n), np.zeros(g + s)])[None, :]), np.array([k]), np.array([k])),
    ]
    if s:
        member_of = np.array([[sector_of.get(o) == sector for o in candidates] for sector in sectors], dtype=float)
        blocks.append((sp.hstack([-sp.csr_array(member_of), sp.csr_array((s, g)), sp.eye_array(s)]),
                       np.full(s, -np.inf), np.zeros(s)))  # z_t <= sum of x in sector t
        blocks.append((sp.csr_array(np.concatenate([np.zeros(n + g), np.ones(s)])[None, :]),
                       np.array([needed]), np.array([np.inf])))
    A = sp.vstack([b[0] for b in blocks], format="csr")
    lower = np.concatenate([b[1] for b in blocks])
    upper = np.concatenate([b[2] for b in blocks])
    integrality = np.concatenate([np.ones(n), np.zeros(g), np.ones(s)])
    res = milp(c, integrality=integrality, bounds=Bounds(0, 1), constraints=LinearConstraint(A, lower, upper),
               options={"time_limit": time_limit})
    dual = getattr(res, "mip_dual_bound", None)
    bound = float(-dual) if dual is not None and np.isfinite(dual) else float(np.sum(weights))
    if res.x is None:
        return [], False, bound
    chosen = [o for i, o in enumerate(candidates) if res.x[i] > 0.5]
    return chosen, res.status == 0, bound


def _explain(facts: Facts, cfg: AnalysisConfig, picks: list[str], masks: Mapping[str, int], universe: list[str],
             universe_rows: pd.DataFrame, sector_of: Mapping[str, Any], roles: Mapping[str, str] | None
             ) -> pd.DataFrame:
    if not picks:
        return pd.DataFrame({c: pd.Series([], dtype="object") for c in PICK_COLUMNS})
    H = organisation_network(facts, cfg.max_affiliation_size)
    if roles is None:
        roles = {str(o): str(r) for o, r in dominant_role(gould_fernandez(H, cfg.brokerage_group)).items()}
    supporters = dict(zip(universe_rows["member_id"], universe_rows["supporters"], strict=True))
    names = facts.organisations.set_index("organisation_id")["name"].to_dict()
    ms = facts.memberships[facts.memberships["participant_type"] == "organisation"]
    consortium_names = facts.consortia.set_index("consortium_id")["name"].to_dict()
    rows = []
    covered = 0
    remaining = list(picks)
    order = 0
    while remaining:
        best = min(remaining, key=lambda o: (-_popcount(masks[o] & ~covered), o))
        remaining.remove(best)
        order += 1
        cells = [m for i, m in enumerate(universe) if masks[best] >> i & 1]
        adds = [m for i, m in enumerate(universe) if masks[best] >> i & 1 and not covered >> i & 1]
        covered |= masks[best]
        now = [m for m in cells if best in supporters.get(m, [])]
        rows.append({
            "order": order,
            "organisation_id": best,
            "name": names.get(best),
            "sector": sector_of.get(best),
            "adds": adds,
            "covers": cells,
            "supports_now": now,
            "could_reach": [m for m in cells if m not in now],
            "role": roles.get(best, "none"),
            "works_with": sorted(p for p in picks if p != best and H.has_edge(best, p)),
            "consortia": sorted(consortium_names.get(c) or c
                                for c in ms.loc[ms["participant_id"] == best, "consortium_id"]),
        })
    out = pd.DataFrame(rows)
    out["order"] = out["order"].astype("int64")
    return out[list(PICK_COLUMNS)]
