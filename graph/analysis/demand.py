"""Demand: what the evidence says a member needs on a theme, with every piece of evidence kept.

The catalogue (:mod:`model.catalogue`) gives each signal indicator a direction; ``cfg`` is the
:class:`~model.config.AnalysisConfig`:

* **need**: a need-direction score below its threshold adds ``need_weight x weight``; the same indicator at
  or above its ``achieved_at`` is an *achievement* instead.
* **pledges**: commitment-direction signals (explicit pledges recorded by Open Ownership, OCP, ...) add
  ``pledge_weight x weight`` while *open*; they count as fulfilled when an achievement of the same cell
  ``fulfils_pledges`` (a register exists, the member publishes the data).
* **OGP commitments**: each action-plan commitment tagged with the theme adds ``commitment_weight x recency x
  open share``: recency halves every ``commitment_half_life`` years between its action plan and the
  reference year (:func:`graph.analysis.scope.reference_year`); the open share comes from its IRM completion
  (catalogue). A completed commitment is an achievement, not demand.
* **achievements** (registers, high scores, completed commitments) lower the need by ``achievement_weight x
  weight`` each, never below 0, and never raise demand.

``demand = max(0, need - achievement) + open pledges + open OGP commitment demand``. A cell with
achievements and no demand left is *mature*.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from graph.analysis.scope import reference_year
from model.config import AnalysisConfig
from model.facts import Facts, column

__all__ = ["DEMAND_COLUMNS", "demand_evidence", "signal_readings", "unknown_indicators"]

#: Columns :func:`demand_evidence` adds to the cells, in order.
DEMAND_COLUMNS = ("demand", "need", "pledge_demand", "commitment_demand", "achievement", "n_commitments",
                  "n_pledges", "n_need_signals", "n_achievements", "commitment_ids", "commitments", "pledges",
                  "need_signals", "achievements")


@dataclass(frozen=True)
class _Readings:
    """Signals with what each says (``reading``) and its weight in demand."""

    need: pd.DataFrame
    pledges: pd.DataFrame
    achievements: pd.DataFrame
    unknown: int


def demand_evidence(facts: Facts, keys: Sequence[tuple[str, str]], config: AnalysisConfig | None = None, *,
                    with_lists: bool = True) -> pd.DataFrame:
    """Demand and its evidence for each (member_id, theme_id) of ``keys`` (facts already in force).

    Returns one row per key, in order, with :data:`DEMAND_COLUMNS`. ``pledges``, ``need_signals`` and
    ``achievements`` are lists of ``{indicator, value, weight, source, as_of, detail}`` (a pledge also has
    ``open``; an achievement from a commitment has ``commitment_id`` instead of ``indicator``). Without
    ``with_lists`` (a trend needs the numbers only) every list is empty and the counts are counted directly.

    Examples
    --------
    >>> facts = Facts.from_rows(signals=[
    ...     {"member_id": "GBR", "theme_id": "beneficial_ownership", "indicator": "oo_bo_commitment_eu",
    ...      "kind": "pledge", "value": 1.0, "source": "oo", "as_of": "2022"},
    ...     {"member_id": "GBR", "theme_id": "beneficial_ownership", "indicator": "oo_bo_register",
    ...      "kind": "pledge", "value": 1.0, "source": "oo", "as_of": "2022"},
    ...     {"member_id": "KEN", "theme_id": "beneficial_ownership", "indicator": "oo_bo_commitment_eu",
    ...      "kind": "pledge", "value": 1.0, "source": "oo", "as_of": "2022"},
    ...     {"member_id": "KEN", "theme_id": "beneficial_ownership", "indicator": "gdb_bo_framework",
    ...      "kind": "score", "value": 20.0, "source": "gdb", "as_of": "2022"}])
    >>> d = demand_evidence(facts, [("GBR", "beneficial_ownership"), ("KEN", "beneficial_ownership")])
    >>> d[["demand", "need", "pledge_demand", "achievement", "n_pledges", "n_achievements"]]
       demand  need  pledge_demand  achievement  n_pledges  n_achievements
    0     0.0   0.0            0.0          1.0          0               1
    1     1.5   0.5            1.0          0.0          1               0
    """
    cfg = config or AnalysisConfig()
    index = (pd.MultiIndex.from_tuples(list(keys), names=["member_id", "theme_id"]) if len(keys) else
             pd.MultiIndex.from_arrays([[], []], names=["member_id", "theme_id"]))
    readings = _readings(facts, cfg)
    commitments = _commitments(facts, cfg)
    out = pd.DataFrame(index=index)
    need = _sum(readings.need, index)
    achieved_signals = _sum(readings.achievements, index)
    achieved_commitments = _sum(commitments[commitments["achieved"]], index)
    out["achievement"] = (achieved_signals + achieved_commitments).to_numpy()
    out["need"] = need.to_numpy()
    fulfilled = set(zip(column(readings.achievements[readings.achievements["fulfils_pledges"]], "member_id"),
                        column(readings.achievements[readings.achievements["fulfils_pledges"]], "theme_id"),
                        strict=True))
    pledges = readings.pledges.assign(open=[(m, t) not in fulfilled for m, t in zip(
        column(readings.pledges, "member_id"), column(readings.pledges, "theme_id"), strict=True)])
    out["pledge_demand"] = _sum(pledges[pledges["open"]], index).to_numpy()
    open_commitments = commitments[~commitments["achieved"] & (commitments["weight"] > 0)]
    out["commitment_demand"] = _sum(open_commitments, index).to_numpy()
    out["demand"] = (np.maximum(0.0, out["need"] - out["achievement"]) + out["pledge_demand"]
                     + out["commitment_demand"]).round(9)
    if not with_lists:
        empty: list[list[Any]] = [[] for _ in range(len(index))]
        for col in ("commitment_ids", "commitments", "pledges", "need_signals", "achievements"):
            out[col] = empty
        out["n_commitments"] = _count(open_commitments, index)
        out["n_pledges"] = _count(pledges[pledges["open"]], index)
        out["n_need_signals"] = _count(readings.need, index)
        out["n_achievements"] = (_count(readings.achievements, index)
                                 + _count(commitments[commitments["achieved"]], index))
        for col in ("demand", "need", "pledge_demand", "commitment_demand", "achievement"):
            out[col] = out[col].astype("float64")
        return out.reset_index(drop=True)[list(DEMAND_COLUMNS)]
    ids = _lists(open_commitments, index, lambda r: r["commitment_id"], sort=True)
    out["commitment_ids"] = ids
    out["commitments"] = _lists(open_commitments, index, _commitment_item)
    out["n_commitments"] = [len(x) for x in ids]
    out["pledges"] = _lists(pledges, index, _signal_item)
    out["n_pledges"] = [sum(1 for p in x if p["open"]) for x in out["pledges"]]
    out["need_signals"] = _lists(readings.need, index, _signal_item)
    out["n_need_signals"] = [len(x) for x in out["need_signals"]]
    achievements = [a + c for a, c in zip(_lists(readings.achievements, index, _signal_item),
                                          _lists(commitments[commitments["achieved"]], index, _commitment_item),
                                          strict=True)]
    out["achievements"] = achievements
    out["n_achievements"] = [len(x) for x in achievements]
    for col in ("n_commitments", "n_pledges", "n_need_signals", "n_achievements"):
        out[col] = out[col].astype("int64")
    for col in ("demand", "need", "pledge_demand", "commitment_demand", "achievement"):
        out[col] = out[col].astype("float64")
    return out.reset_index(drop=True)[list(DEMAND_COLUMNS)]


def signal_readings(facts: Facts, config: AnalysisConfig | None = None) -> pd.DataFrame:
    """Every signal with its catalogue direction, what its value says (``reading``: need, commitment,
    achievement, context, or ``unknown`` for an indicator the catalogue lacks) and its weight in demand."""
    cfg = config or AnalysisConfig()
    sig = facts.signals
    if _READ in sig.columns:  # already read with this configuration (a trend reads them once for every year)
        return sig
    cat = pd.DataFrame([{"indicator": i.id, "direction": i.direction, "cat_weight": i.weight,
                         "need_below": i.need_below, "achieved_at": i.achieved_at,
                         "fulfils_pledges": i.fulfils_pledges} for i in cfg.catalogue.indicators])
    merged = sig.merge(cat, on="indicator", how="left")
    value = merged["value"].astype("float64")
    score = merged["kind"] == "score"
    below = merged["need_below"].astype("float64").fillna(cfg.need_threshold)
    achieved_at = merged["achieved_at"].astype("float64")
    direction = merged["direction"]
    reading = np.select(
        [direction.isna(),
         (direction == "need") & score & achieved_at.notna() & (value >= achieved_at),
         (direction == "need") & score & (value < below),
         (direction == "need") & ~score & (value > 0),
         (direction == "commitment") & (value > 0),
         (direction == "achievement") & (value > 0)],
        ["unknown", "achievement", "need", "need", "commitment", "achievement"], default="context")
    factor = {"need": cfg.need_weight, "commitment": cfg.pledge_weight, "achievement": cfg.achievement_weight}
    merged["reading"] = reading
    merged["weight"] = merged["cat_weight"].astype("float64").fillna(0.0) * pd.Series(reading).map(
        factor).fillna(0.0).to_numpy()
    merged["fulfils_pledges"] = merged["fulfils_pledges"].astype("boolean").fillna(False).astype(bool)
    return merged


#: The column :func:`with_readings` adds to mark signals as already read.
_READ = "_read"


def with_readings(facts: Facts, config: AnalysisConfig) -> Facts:
    """The facts with every signal already read (:func:`signal_readings`): what a signal says does not depend on
    the analysis date, so an analysis repeated at many dates (a trend) reads them once. Only for analyses with
    ``config``'s catalogue, weights and thresholds."""
    from dataclasses import replace

    return replace(facts, signals=signal_readings(facts, config).assign(**{_READ: True}))


def _readings(facts: Facts, cfg: AnalysisConfig) -> _Readings:
    merged = signal_readings(facts, cfg)
    by = merged.groupby("reading")
    empty = merged.iloc[0:0]

    def part(name: str) -> pd.DataFrame:
        return by.get_group(name).sort_values(["indicator", "source"]) if name in by.groups else empty

    return _Readings(part("need"), part("commitment"), part("achievement"),
                     int((merged["reading"] == "unknown").sum()))


def _commitments(facts: Facts, cfg: AnalysisConfig) -> pd.DataFrame:
    """OGP commitments with their demand ``weight`` (recency x open share) and whether ``achieved``."""
    com = facts.commitments
    year = pd.to_numeric(com["year"], errors="coerce")
    age = np.maximum(0.0, reference_year(facts) - year.fillna(reference_year(facts)).to_numpy(dtype=float))
    recency = np.power(0.5, age / cfg.commitment_half_life)
    completion = {c.value: c for c in cfg.catalogue.completions}
    values = [(v or "").strip() if isinstance(v, str) else "" for v in column(com, "irm_completion")]
    open_share = np.array([completion[v].open if v in completion else 1.0 for v in values], dtype=float)
    achieved = np.array([v in completion and completion[v].achievement for v in values], dtype=bool)
    return com.assign(recency=recency, open=open_share, achieved=achieved,
                      weight=np.where(achieved, cfg.achievement_weight,
                                      cfg.commitment_weight * recency * open_share),
                      completion=values).sort_values(["commitment_id"])


def _sum(frame: pd.DataFrame, index: pd.MultiIndex) -> pd.Series:
    if frame.empty:
        return pd.Series(0.0, index=index)
    return frame.groupby(["member_id", "theme_id"])["weight"].sum().reindex(index, fill_value=0.0)


def _count(frame: pd.DataFrame, index: pd.MultiIndex) -> np.ndarray:
    """Rows of ``frame`` per (member, theme) of ``index``, in its order (int64)."""
    if frame.empty:
        return np.zeros(len(index), dtype="int64")
    counts = frame.groupby(["member_id", "theme_id"]).size().reindex(index, fill_value=0)
    return counts.to_numpy(dtype="int64")


def _lists(frame: pd.DataFrame, index: pd.MultiIndex, item: Any, sort: bool = False) -> list[list[Any]]:
    out: dict[tuple[str, str], list[Any]] = {}
    if len(frame):  # only the rows of the asked cells (a theme's report need not itemise every theme)
        frame = frame[frame["member_id"].isin(set(index.get_level_values(0)))
                      & frame["theme_id"].isin(set(index.get_level_values(1)))]
    for row in frame.to_dict("records"):
        out.setdefault((row["member_id"], row["theme_id"]), []).append(item(row))
    return [sorted(out.get(k, [])) if sort else out.get(k, []) for k in index]


def _signal_item(row: dict[str, Any]) -> dict[str, Any]:
    item = {"indicator": row["indicator"], "value": float(row["value"]), "weight": round(float(row["weight"]), 6),
            "source": row["source"], "as_of": row["as_of"], "detail": _text(row.get("detail"))}
    if "open" in row:
        item["open"] = bool(row["open"])
    return item


def _commitment_item(row: dict[str, Any]) -> dict[str, Any]:
    """A commitment as evidence: its id, weight in demand (recency x open share, or the achievement weight),
    the year its action plan was submitted and its title with the IRM completion."""
    return {"commitment_id": row["commitment_id"], "value": None, "weight": round(float(row["weight"]), 6),
            "source": row["source"], "as_of": str(_text(row.get("year")) or row["as_of"]),
            "detail": f"{_text(row.get('title'))} (IRM completion: {row['completion'] or 'not assessed'})"}


def _text(value: Any) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return ""
    return str(value)


def unknown_indicators(facts: Facts, config: AnalysisConfig | None = None) -> list[str]:
    """Indicators of the signals that the catalogue does not list (their signals count as context)."""
    cfg = config or AnalysisConfig()
    return sorted(set(column(facts.signals, "indicator")) - cfg.catalogue.indicator_ids - {None})
