"""Coalition builder: a few organisations that together can best close the demanded cells of a theme.

Universe: the demanded cells (gap, fragile, covered or redundant; :mod:`graph.analysis.coverage`) of ``theme``
in the scope (``members``, or the analysed members of ``region``, or all analysed members). An organisation
*can close* a cell (m, theme) only with capability on the theme (declared expertise, or support of the theme
somewhere) and either support of the cell now or a named tie to m (:func:`graph.analysis.reach.closure_options`);
its *closure weight* c(o, m) is the strength of that support or tie (catalogue). The value of a coalition S is

    V(S) = sum over cells m of demand(m) x max over o in S of c(o, m)

(weighted maximum coverage, facility-location form: monotone and submodular). A cell counts as *closed* when
some pick can close it.

* Greedy (Nemhauser-Wolsey-Fisher, a 1 - 1/e approximation): repeatedly take the organisation with the
  largest marginal value; ties go to more new cells, then to the stronger evidence (the sum of its closure
  weights over the universe), then to the organisation active on the theme in more countries, and only then
  to the id. A pick must add value: the greedy stops early rather than add an organisation that adds nothing.
* Exact: every combination of at most ``size`` candidates when there are at most ``coalition_exact_limit``
  of them (organisations with the same closure weights and sector count once), else an integer programme
  (:func:`scipy.optimize.milp`, HiGHS, ``milp_time_limit`` seconds). ``optimality_gap`` = (exact - greedy) /
  exact in value.
* ``min_sectors`` is a constraint on picks that add value: a coalition never takes an organisation only for
  its sector. When no coalition of gainful picks spans that many sectors, ``feasible`` is False, the notes
  say why, and ``unconstrained`` holds the best coalition without the constraint (the one shown).
* For each pick: the best replacement outside the coalition and the value and cells lost with it instead.
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
from graph.analysis.coverage import STATUSES, coverage_cells
from graph.analysis.network import organisation_network
from graph.analysis.reach import closure_options
from graph.analysis.scope import analysed_members, in_force
from graph.analysis.screening import funders
from graph.analysis.supply import organisations_in_role, support_links
from model.config import AnalysisConfig
from model.facts import Facts, column

__all__ = ["Coalition", "PICK_COLUMNS", "build_coalition"]

PICK_COLUMNS = ("order", "organisation_id", "name", "sector", "adds", "value_added", "covers", "supports_now",
                "could_reach", "role", "works_with", "consortia", "evidence", "replacement", "replacement_loss",
                "replacement_cells_lost")


@dataclass(frozen=True)
class Coalition:
    """Result of :func:`build_coalition`.

    ``picks`` (the coalition shown: the exact optimum, or the greedy one when no exact answer was found) has
    columns :data:`PICK_COLUMNS`: ``order`` (1.. in greedy order within the coalition), ``organisation_id``,
    ``name``, ``sector``, ``adds`` (member ids of the cells it closes first, in that order), ``value_added``
    (its marginal value in that order), ``covers`` (every cell it can close), ``supports_now`` (cells it covers
    today), ``could_reach`` (cells it could step into through a named tie), ``role`` (dominant
    Gould-Fernandez role, groups = sector), ``works_with`` (other picks it is tied to), ``consortia``,
    ``evidence`` (``{text, source, as_of}`` items for the cells it adds), ``replacement`` (the best
    organisation outside the coalition to take its place), ``replacement_loss`` (value lost by that swap; the
    whole value it adds when nobody can replace it) and ``replacement_cells_lost``. Cells are identified by
    member id (the theme is fixed). Counts (``*_covered``, ``cells_*``) are closed cells; ``*_value`` is
    V(S); ``value_total`` is the demand of the universe (V of a coalition closing every cell with weight 1).
    ``funders``: the likely funders of the work on the closed cells (at most five records of
    :func:`graph.analysis.screening.funders`).
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
    greedy_value: float
    optimum: list[str]
    optimum_covered: int
    optimum_value: float
    upper_bound: float
    optimality_gap: float
    value_total: float
    cells_total: int
    cells_covered: list[str]
    cells_left: list[str]
    sectors: list[str]
    picks: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    unconstrained: dict[str, Any] | None = None
    as_of: str | None = None
    funders: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        out = {k: getattr(self, k) for k in self.__dataclass_fields__ if k != "picks"}
        out["picks"] = self.picks.to_dict("records")
        return out


@dataclass
class _Problem:
    """The weighted coverage problem: candidate organisations x universe cells."""

    universe: list[str]
    demand: np.ndarray
    candidates: list[str]
    weights: np.ndarray  # candidates x cells: closure weight c(o, m)
    sector_of: Mapping[str, Any]
    strength: dict[str, float]  # sum of closure weights (evidence strength)
    countries: dict[str, int]  # countries where it supports the theme
    options: pd.DataFrame | None = None  # closure_options over the universe (every organisation)

    def value(self, picks: Iterable[int]) -> float:
        rows = list(picks)
        if not rows:
            return 0.0
        return float(self.demand @ self.weights[rows].max(axis=0))

    def closed(self, picks: Iterable[int]) -> np.ndarray:
        rows = list(picks)
        if not rows:
            return np.zeros(len(self.universe), dtype=bool)
        return np.asarray(self.weights[rows].max(axis=0) > 0)

    def key(self, i: int) -> tuple[float, float, int, str]:
        """Tie-break after the marginal value and cells: stronger evidence, wider track record, then id."""
        o = self.candidates[i]
        return (-self.strength[o], -float(self.countries.get(o, 0)), 0, o)


def build_coalition(
    facts: Facts,
    theme: str,
    members: str | Iterable[str] | None = None,
    region: str | None = None,
    size: int = 3,
    min_sectors: int = 1,
    config: AnalysisConfig | None = None,
    roles: Mapping[str, str] | None = None,
    role: str = "any",
) -> Coalition:
    """Choose at most ``size`` organisations that together best close the demanded cells of ``theme``.

    See the module docstring for the universe, the value, tie-breaking and the exact method. ``roles``
    (organisation id -> role) skips computing Gould-Fernandez roles on the organisation network. ``role``
    (``any``, ``implementer``, ``funder``) limits the candidates (:func:`graph.analysis.supply.organisations_in_role`).
    ``funders`` of the result lists the likely funders of the work on the cells the coalition closes
    (:func:`graph.analysis.screening.funders`).

    Examples
    --------
    >>> where = [("a", "private", "m1 m2"), ("b", "academic", "m3"), ("c", "private", "m3")]
    >>> facts = Facts.from_rows(
    ...     members=[{"id": m, "status": "active"} for m in ("m1", "m2", "m3")],
    ...     signals=[{"member_id": m, "theme_id": "climate", "kind": "pledge", "value": 1.0,
    ...               "indicator": "ocp_other_commitment"} for m in ("m1", "m2", "m3")],
    ...     organisations=[{"id": o, "sector": s} for o, s, _ in where],
    ...     engagements=[{"organisation_id": o, "member_id": m, "theme_id": "climate",
    ...                   "relation": "country_programme"} for o, _, ms in where for m in ms.split()])
    >>> result = build_coalition(facts, "climate", size=2, min_sectors=2)
    >>> result.optimum, result.optimum_covered, result.cells_left, result.method
    (['a', 'b'], 3, [], 'enumeration')
    >>> result.picks[["order", "organisation_id", "adds", "replacement"]]
       order organisation_id      adds replacement
    0      1               a  [m1, m2]        None
    1      2               b      [m3]           c
    """
    cfg = config or AnalysisConfig()
    if size < 1:
        raise ValueError("size must be at least 1")
    if members is not None and region is not None:
        raise ValueError("give members or region, not both")
    facts = in_force(facts, cfg)
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
    universe_rows = cells[cells["status"].isin(STATUSES)].reset_index(drop=True)
    problem = _problem(facts, cfg, theme, universe_rows, organisations_in_role(facts, role, cfg))
    notes: list[str] = []
    if universe_rows.empty:
        notes.append(f"no demanded cell for {theme} in the scope")
    elif not problem.candidates:
        notes.append("no organisation is capable on the theme and supports or has a named tie to any member in "
                     "the scope")

    needed = max(1, min_sectors)
    unconstrained = _solve(problem, size, 1, cfg)
    solution = unconstrained if needed <= 1 else _solve(problem, size, needed, cfg)
    feasible = True
    unconstrained_dict: dict[str, Any] | None = None
    if solution is None:  # no coalition of gainful picks spans the sectors asked for
        feasible = False
        solution = unconstrained
        assert solution is not None
        sectors_with_gain = sorted({str(problem.sector_of.get(o)) for o in problem.candidates})
        notes.append(f"min_sectors={min_sectors} cannot be met with organisations that each add something: "
                     f"the organisations able to close a cell span {len(sectors_with_gain)} sector(s) "
                     f"({', '.join(sectors_with_gain) or 'none'}) and at most {size} pick(s); shown: the best "
                     "coalition without the sector constraint")
        unconstrained_dict = {"optimum": solution.optimum, "optimum_value": solution.optimum_value}
    elif needed > 1 and unconstrained is not None and unconstrained.optimum_value > solution.optimum_value + 1e-9:
        unconstrained_dict = {"optimum": unconstrained.optimum, "optimum_value": unconstrained.optimum_value,
                              "value_given_up_for_sectors": round(unconstrained.optimum_value
                                                                  - solution.optimum_value, 6)}
        notes.append(f"the sector constraint costs {unconstrained.optimum_value - solution.optimum_value:.2f} of "
                     f"value: without it the best coalition is {', '.join(unconstrained.optimum)}")
    if len(solution.optimum) < size and problem.candidates:
        notes.append(f"only {len(solution.optimum)} organisation(s) add something; no pick was added just to "
                     f"reach size {size}")
    notes += solution.notes
    index = {o: i for i, o in enumerate(problem.candidates)}
    closed = problem.closed(index[o] for o in solution.optimum)
    picks = _explain(facts, cfg, problem, solution.optimum, universe_rows, roles, theme)
    value_total = float(problem.demand.sum())
    sectors = sorted({str(problem.sector_of[o]) for o in solution.optimum if problem.sector_of.get(o) is not None})
    return Coalition(
        theme=theme, scope=scope, size=size, min_sectors=min_sectors,
        min_sectors_used=needed if feasible else 1, feasible=feasible, method=solution.method,
        optimal_proven=solution.proven, greedy=solution.greedy, greedy_covered=solution.greedy_covered,
        greedy_value=round(solution.greedy_value, 6), optimum=solution.optimum,
        optimum_covered=int(closed.sum()), optimum_value=round(solution.optimum_value, 6),
        upper_bound=round(solution.bound, 6), optimality_gap=float(solution.gap), value_total=round(value_total, 6),
        cells_total=len(problem.universe),
        cells_covered=[m for m, c in zip(problem.universe, closed, strict=True) if c],
        cells_left=[m for m, c in zip(problem.universe, closed, strict=True) if not c],
        sectors=sectors, picks=picks, notes=notes, unconstrained=unconstrained_dict, as_of=facts.as_of,
        funders=_likely_funders(facts, cfg, theme,
                                [m for m, c in zip(problem.universe, closed, strict=True) if c]),
    )


# -- the problem ---------------------------------------------------------------------------------------------


#: How many likely funders a coalition lists.
FUNDERS_LISTED = 5


def _likely_funders(facts: Facts, cfg: AnalysisConfig, theme: str, closed: list[str]) -> list[dict[str, Any]]:
    """The funders that could fund the work on the cells the coalition closes (best first)."""
    if not closed:
        return []
    found = funders(facts, theme, members=closed, config=cfg).head(FUNDERS_LISTED)
    return [{str(k): v for k, v in r.items()} for r in found.drop(columns="rank").to_dict("records")]


def _problem(facts: Facts, cfg: AnalysisConfig, theme: str, universe_rows: pd.DataFrame,
             allowed: set[str] | None = None) -> _Problem:
    universe = column(universe_rows, "member_id")
    demand = universe_rows["demand"].to_numpy(dtype=float) if len(universe_rows) else np.zeros(0)
    options = all_options = closure_options(facts, theme, universe, cfg)
    if allowed is not None:
        options = options[options["organisation_id"].isin(allowed)]
    candidates = sorted(set(column(options, "organisation_id")))
    weights = np.zeros((len(candidates), len(universe)))
    row = {o: i for i, o in enumerate(candidates)}
    col = {m: j for j, m in enumerate(universe)}
    for m, o, w in zip(column(options, "member_id"), column(options, "organisation_id"), column(options, "weight"),
                       strict=True):
        weights[row[o], col[m]] = max(weights[row[o], col[m]], float(w))
    sector_of = dict(zip(column(facts.organisations, "organisation_id"), column(facts.organisations, "sector"),
                         strict=True))
    links = support_links(facts, cfg)
    on_theme = links[(links["theme_id"] == theme) & (links["strength"] >= cfg.coverage_min_strength)]
    iso = dict(zip(column(facts.members, "member_id"), column(facts.members, "iso3"), strict=True))
    countries: dict[str, set[str]] = {}
    for o, m in zip(column(on_theme, "organisation_id"), column(on_theme, "member_id"), strict=True):
        countries.setdefault(o, set()).add(str(iso.get(m) or m))
    strength = {o: float(weights[i].sum()) for o, i in row.items()}
    return _Problem(universe, demand, candidates, weights, sector_of, strength,
                    {o: len(c) for o, c in countries.items()}, all_options)


@dataclass
class _Solution:
    method: str
    proven: bool
    greedy: list[str]
    greedy_covered: int
    greedy_value: float
    optimum: list[str]
    optimum_value: float
    bound: float
    gap: float
    notes: list[str] = field(default_factory=list)


def _solve(problem: _Problem, size: int, needed: int, cfg: AnalysisConfig) -> _Solution | None:
    """Greedy and exact coalitions of gainful picks spanning at least ``needed`` sectors (None: impossible)."""
    n = len(problem.candidates)
    k = min(size, n)
    greedy = _greedy(problem, k, needed)
    distinct = _representatives(problem, k)
    exact: list[int] | None
    notes: list[str] = []
    combos = sum(math.comb(len(distinct), j) for j in range(1, k + 1)) if distinct else 0
    if n == 0:
        method, proven, exact, bound = "none", True, [], 0.0
    elif combos <= cfg.coalition_exact_limit:
        method, proven = "enumeration", True
        exact = _enumerate(problem, distinct, k, needed)
        bound = problem.value(exact) if exact is not None else 0.0
    else:
        method = "milp"
        exact, proven, bound = _milp(problem, distinct, k, needed, cfg.milp_time_limit)
        if not proven:
            notes.append(f"integer programme stopped at the time limit ({cfg.milp_time_limit:g} s): optimum not "
                         f"proven; value at most {bound:.2f}")
    if exact is None and greedy is None:
        return None
    if exact is None or (greedy is not None and problem.value(greedy) > problem.value(exact) + 1e-9):
        exact = greedy
    assert exact is not None
    greedy_list = greedy if greedy is not None else []
    gv, ev = problem.value(greedy_list), problem.value(exact)
    return _Solution(method, proven, [problem.candidates[i] for i in greedy_list],
                     int(problem.closed(greedy_list).sum()), gv, [problem.candidates[i] for i in exact], ev,
                     max(bound, ev), (ev - gv) / ev if ev > 0 else 0.0, notes)


def _gainful(problem: _Problem, picks: list[int]) -> bool:
    """Every pick adds value: removing any one lowers the coalition's value."""
    total = problem.value(picks)
    return all(problem.value([p for p in picks if p != q]) < total - 1e-12 for q in picks)


def _sector_count(problem: _Problem, picks: Iterable[int]) -> int:
    return len({problem.sector_of.get(problem.candidates[i]) for i in picks} - {None})


def _greedy(problem: _Problem, k: int, needed: int) -> list[int] | None:
    chosen: list[int] = []
    for step in range(k):
        base = problem.value(chosen)
        closed = problem.closed(chosen)
        sectors = {problem.sector_of.get(problem.candidates[i]) for i in chosen}
        pool = [i for i in range(len(problem.candidates)) if i not in chosen]
        if needed - len(sectors - {None}) >= k - step:  # the picks left must each bring a new sector
            pool = [i for i in pool if problem.sector_of.get(problem.candidates[i]) not in sectors
                    and problem.sector_of.get(problem.candidates[i]) is not None]
        scored = [(round(problem.value([*chosen, i]) - base, 9), int((problem.closed([i]) & ~closed).sum()), i)
                  for i in pool]
        scored = [s for s in scored if s[0] > 1e-12]
        if not scored:
            break
        best = min(scored, key=lambda s: (-s[0], -s[1], problem.key(s[2])))
        chosen.append(best[2])
    if _sector_count(problem, chosen) < needed:
        return None
    return chosen


def _representatives(problem: _Problem, k: int) -> list[int]:
    """Candidates, with organisations of identical weights and sector counted at most k times (the best
    tie-break key first), so that enumeration stays small."""
    order = sorted(range(len(problem.candidates)), key=problem.key)
    kept: dict[tuple[bytes, Any], int] = {}
    out = []
    for i in order:
        key = (problem.weights[i].tobytes(), problem.sector_of.get(problem.candidates[i]))
        if kept.get(key, 0) < k:
            kept[key] = kept.get(key, 0) + 1
            out.append(i)
    return out


def _enumerate(problem: _Problem, candidates: list[int], k: int, needed: int) -> list[int] | None:
    best: list[int] | None = None
    best_key: tuple[float, ...] = ()
    for size in range(1, k + 1):
        for combo in itertools.combinations(candidates, size):
            picks = list(combo)
            if _sector_count(problem, picks) < needed:
                continue
            value = problem.value(picks)
            if value <= 1e-12 or not _gainful(problem, picks):
                continue
            # best value, then more cells, then stronger evidence, then fewer picks
            key = (round(value, 9), float(problem.closed(picks).sum()),
                   round(sum(problem.strength[problem.candidates[i]] for i in picks), 9), -float(len(picks)))
            if best is None or key > best_key:
                best, best_key = picks, key
    return best


def _milp(problem: _Problem, candidates: list[int], k: int, needed: int, time_limit: float
          ) -> tuple[list[int] | None, bool, float]:
    """Weighted coverage as an integer programme: x_o picks, y_om in [0, 1] the share of cell m served by o,
    y_om <= x_o, sum_o y_om <= 1, maximise sum demand_m c_om y_om; z_s sectors present."""
    n, u = len(candidates), len(problem.universe)
    W = problem.weights[candidates]  # n x u
    pairs = np.argwhere(W > 0)
    p = len(pairs)
    sectors = sorted({str(problem.sector_of[problem.candidates[i]]) for i in candidates
                      if problem.sector_of.get(problem.candidates[i]) is not None})
    s = len(sectors) if needed > 1 else 0
    c = np.concatenate([np.zeros(n), -(problem.demand[pairs[:, 1]] * W[pairs[:, 0], pairs[:, 1]]), np.zeros(s)])
    rows = []
    # y_om - x_o <= 0
    link = sp.lil_array((p, n + p + s))
    for r, (i, _m) in enumerate(pairs):
        link[r, i] = -1.0
        link[r, n + r] = 1.0
    rows.append((sp.csr_array(link), np.full(p, -np.inf), np.zeros(p)))
    one = sp.lil_array((u, n + p + s))  # sum_o y_om <= 1
    for r, (_i, m) in enumerate(pairs):
        one[m, n + r] = 1.0
    rows.append((sp.csr_array(one), np.full(u, -np.inf), np.ones(u)))
    count = np.concatenate([np.ones(n), np.zeros(p + s)])[None, :]
    rows.append((sp.csr_array(count), np.array([1.0]), np.array([float(k)])))
    if s:
        member_of = np.array([[problem.sector_of.get(problem.candidates[i]) == sector for i in candidates]
                              for sector in sectors], dtype=float)
        rows.append((sp.hstack([-sp.csr_array(member_of), sp.csr_array((s, p)), sp.eye_array(s)]),
                     np.full(s, -np.inf), np.zeros(s)))
        rows.append((sp.csr_array(np.concatenate([np.zeros(n + p), np.ones(s)])[None, :]),
                     np.array([float(needed)]), np.array([np.inf])))
    A = sp.vstack([r[0] for r in rows], format="csr")
    res = milp(c, integrality=np.concatenate([np.ones(n), np.zeros(p), np.ones(s)]), bounds=Bounds(0, 1),
               constraints=LinearConstraint(A, np.concatenate([r[1] for r in rows]),
                                            np.concatenate([r[2] for r in rows])),
               options={"time_limit": time_limit})
    dual = getattr(res, "mip_dual_bound", None)
    bound = float(-dual) if dual is not None and np.isfinite(dual) else float(problem.demand.sum())
    if res.x is None:
        return None, False, bound
    chosen = [candidates[i] for i in range(n) if res.x[i] > 0.5]
    chosen = [i for i in chosen if problem.value(chosen) > problem.value([j for j in chosen if j != i]) + 1e-12]
    if _sector_count(problem, chosen) < needed or not chosen:
        return None, res.status == 0, bound
    return chosen, res.status == 0, bound


# -- explanations --------------------------------------------------------------------------------------------


def _explain(facts: Facts, cfg: AnalysisConfig, problem: _Problem, picks: list[str], universe_rows: pd.DataFrame,
             roles: Mapping[str, str] | None, theme: str) -> pd.DataFrame:
    if not picks:
        return pd.DataFrame({c: pd.Series([], dtype="object") for c in PICK_COLUMNS})
    H = organisation_network(facts, cfg.max_affiliation_size)
    if roles is None:
        roles = {str(o): str(r) for o, r in dominant_role(gould_fernandez(H, cfg.brokerage_group)).items()}
    index = {o: i for i, o in enumerate(problem.candidates)}
    options = problem.options if problem.options is not None else closure_options(facts, theme, problem.universe,
                                                                                   cfg)
    evidence = {(m, o): e for m, o, e in zip(column(options, "member_id"), column(options, "organisation_id"),
                                             column(options, "evidence"), strict=True)}
    kinds = {(m, o): k for m, o, k in zip(column(options, "member_id"), column(options, "organisation_id"),
                                          column(options, "kind"), strict=True)}
    names = dict(zip(column(facts.organisations, "organisation_id"), column(facts.organisations, "name"),
                     strict=True))
    ms = facts.memberships[facts.memberships["participant_type"] == "organisation"]
    consortium_names = dict(zip(column(facts.consortia, "consortium_id"), column(facts.consortia, "name"),
                                strict=True))
    chosen: list[int] = []
    remaining = [index[o] for o in picks]
    rows: list[dict[str, Any]] = []
    total = problem.value(remaining)
    outside = [i for i in range(len(problem.candidates)) if i not in remaining]
    while remaining:
        base = problem.value(chosen)
        closed = problem.closed(chosen)
        best = min(remaining, key=lambda i: (-round(problem.value([*chosen, i]) - base, 9),
                                             -int((problem.closed([i]) & ~closed).sum()), problem.key(i)))
        remaining.remove(best)
        o = problem.candidates[best]
        mine = problem.closed([best])
        adds = [m for m, c, done in zip(problem.universe, mine, closed, strict=True) if c and not done]
        covers = [m for m, c in zip(problem.universe, mine, strict=True) if c]
        now = [m for m in covers if kinds.get((m, o)) == "supports"]
        others = [index[p] for p in picks if p != o]
        replacement, loss, lost = _replacement(problem, others, best, outside, total)
        rows.append({
            "order": len(rows) + 1, "organisation_id": o, "name": names.get(o), "sector": problem.sector_of.get(o),
            "adds": adds, "value_added": round(problem.value([*chosen, best]) - base, 6), "covers": covers,
            "supports_now": now, "could_reach": [m for m in covers if m not in now],
            "role": roles.get(o, "none"),
            "works_with": sorted(p for p in picks if p != o and H.has_edge(o, p)),
            "consortia": sorted(consortium_names.get(c) or c for c in ms.loc[ms["participant_id"] == o,
                                                                                "consortium_id"]),
            "evidence": _unique([item for m in adds for item in evidence.get((m, o), [])]),
            "replacement": replacement, "replacement_loss": loss, "replacement_cells_lost": lost,
        })
        chosen.append(best)
    out = pd.DataFrame(rows)
    out["order"] = out["order"].astype("int64")
    out["replacement"] = pd.Series([r["replacement"] for r in rows], dtype="object")
    return out[list(PICK_COLUMNS)]


def _replacement(problem: _Problem, others: list[int], pick: int, outside: list[int], total: float
                 ) -> tuple[str | None, float, int]:
    """The organisation outside the coalition that best replaces ``pick``: (id, value lost, cells lost)."""
    closed_with = int(problem.closed([*others, pick]).sum())
    best: tuple[float, int, tuple[float, float, int, str]] | None = None
    best_i: int | None = None
    for i in outside:
        value = problem.value([*others, i])
        if value <= problem.value(others) + 1e-12:
            continue  # it would add nothing in its place
        key = (-round(value, 9), -int(problem.closed([*others, i]).sum()), problem.key(i))
        if best is None or key < best:
            best, best_i = key, i
    if best_i is None:
        return None, round(total - problem.value(others), 6), closed_with - int(problem.closed(others).sum())
    return (problem.candidates[best_i], round(total - problem.value([*others, best_i]), 6),
            closed_with - int(problem.closed([*others, best_i]).sum()))


def _unique(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Items in order without repeats (the same capability is evidence for every cell it closes)."""
    out: list[dict[str, Any]] = []
    for item in items:
        if item not in out:
            out.append(item)
    return out
