"""Settings of the analyses: one frozen dataclass, declared once with defaults and help.

Every threshold and weight that changes a score lives here, not in the analysis code. Entry points
(CLI, dashboard) read the environment and call :meth:`AnalysisConfig.from_mapping`; the analyses only
receive the object.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from typing import Any

__all__ = ["AnalysisConfig"]


def _setting(default: Any, help: str) -> Any:
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True)
class AnalysisConfig:
    """Thresholds, weights, limits and seeds of the analyses.

    Attributes are listed with their help text by :meth:`describe`.

    Examples
    --------
    >>> cfg = AnalysisConfig.from_mapping({"redundant_k": "5", "region_neighbours": "false"})
    >>> cfg.redundant_k, cfg.region_neighbours, cfg.hops
    (5, False, 2)
    >>> AnalysisConfig().status_for(demand=1.0, cov=2)
    'covered'
    """

    # -- demand -------------------------------------------------------------------------------------
    commitment_weight: float = _setting(
        1.0, "demand added by each commitment of the member tagged with the theme")
    pledge_weight: float = _setting(
        1.0, "demand added by each pledge signal (kind=pledge, value > 0) of the member on the theme")
    need_weight: float = _setting(
        0.5, "demand added by each need signal (kind=score, value < need_threshold); 0 ignores scores")
    need_threshold: float = _setting(
        50.0, "a score signal (0-100, higher is better) strictly below this is a need signal")
    demand_threshold: float = _setting(
        0.0, "a cell is demanded (and gets a status) when its demand score is strictly above this")
    member_statuses: tuple[str, ...] = _setting(
        ("active", "inactive", "suspended", "letter_of_intent"),
        "member statuses analysed (comma-separated); others (withdrawn, unknown) are left out entirely")
    # -- supply / status ----------------------------------------------------------------------------
    redundant_k: int = _setting(
        4, "status of a demanded cell: gap cov=0, fragile cov=1, covered 2..k-1, redundant cov>=k")
    hops: int = _setting(
        2, "reachable coverage: capable organisations within this many hops of the member")
    region_neighbours: bool = _setting(
        True, "members of the same OGP region are neighbours (parent/child local-national always are)")
    non_supply_relations: tuple[str, ...] = _setting(
        ("supporting_country", "past_engagement", "former_implementing_country"),
        "engagement relations that are not support to the member (comma-separated): a country funding an "
        "initiative, ended engagements")
    reachable_list_limit: int = _setting(
        10, "at most this many reachable organisations are listed per cell (the count is exact)")
    # -- organisation network / brokerage ----------------------------------------------------------
    max_affiliation_size: int = _setting(
        100, "consortia/members with more organisations than this are left out of the organisation "
              "projection (0 = no limit)")
    betweenness_exact_limit: int = _setting(
        1000, "exact betweenness up to this many organisations; above it, sampled pivots")
    betweenness_sample_size: int = _setting(
        256, "number of sampled pivot sources above betweenness_exact_limit")
    seed: int = _setting(42, "seed of every random choice (betweenness pivots)")
    brokerage_group: str = _setting(
        "sector", "organisation attribute whose values are the Gould-Fernandez groups")
    # -- partner fit --------------------------------------------------------------------------------
    weight_expertise: float = _setting(1.0, "partner score weight of declared theme expertise (0/1)")
    weight_presence: float = _setting(1.0, "partner score weight of presence in the member(s) (1) or a "
                                           "neighbouring member (0.5)")
    weight_track_record: float = _setting(1.0, "partner score weight of the multi-country track record")
    weight_complementarity: float = _setting(0.5, "partner score weight of bringing a sector the member's "
                                                  "supporters lack")
    weight_proximity: float = _setting(0.5, "partner score weight of network proximity (resource "
                                            "allocation) to organisations already in the member(s)")
    track_record_cap: int = _setting(
        3, "track record = min(countries active on the theme, cap) / cap")
    # -- coalition ----------------------------------------------------------------------------------
    coalition_exact_limit: int = _setting(
        200_000, "exact coalition by enumeration when C(candidates, size) is at most this; else MILP")
    milp_time_limit: float = _setting(10.0, "time limit (seconds) of the integer programme")

    def __post_init__(self) -> None:
        if self.redundant_k < 2:
            raise ValueError("redundant_k must be at least 2 (fragile is cov = 1)")
        for name in ("hops", "reachable_list_limit", "max_affiliation_size", "betweenness_exact_limit",
                     "track_record_cap", "coalition_exact_limit"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must not be negative")
        if self.hops > 100:
            raise ValueError("hops must be at most 100")
        if self.betweenness_sample_size < 1 or self.track_record_cap < 1:
            raise ValueError("betweenness_sample_size and track_record_cap must be at least 1")

    def status_for(self, demand: float, cov: int) -> str | None:
        """Status of a cell: None without demand, else gap, fragile, covered or redundant."""
        if not demand > self.demand_threshold:
            return None
        if cov == 0:
            return "gap"
        if cov == 1:
            return "fragile"
        if cov < self.redundant_k:
            return "covered"
        return "redundant"

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> AnalysisConfig:
        """Build from a mapping of field names to values or strings (e.g. environment settings).

        Names are case-insensitive; unknown names raise ``ValueError`` so that typos do not pass silently.
        """
        known = {f.name: f for f in fields(cls)}
        kwargs: dict[str, Any] = {}
        for raw_name, value in values.items():
            name = raw_name.lower()
            if name not in known:
                raise ValueError(f"unknown analysis setting {raw_name!r}; known: {', '.join(known)}")
            kwargs[name] = _coerce(value, type(known[name].default))
        return cls(**kwargs)

    @staticmethod
    def env_name(name: str) -> str:
        """The environment variable of a setting.

        >>> AnalysisConfig.env_name("redundant_k")
        'OGPNET_REDUNDANT_K'
        """
        return f"OGPNET_{name.upper()}"

    @classmethod
    def describe(cls) -> list[tuple[str, Any, str]]:
        """(name, default, help) of every setting, for documentation."""
        return [(f.name, f.default, f.metadata["help"]) for f in fields(cls)]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _coerce(value: Any, kind: type) -> Any:
    if not isinstance(value, str):
        return tuple(value) if kind is tuple else kind(value)
    text = value.strip()
    if kind is bool:
        if text.lower() in ("1", "true", "yes", "on"):
            return True
        if text.lower() in ("0", "false", "no", "off"):
            return False
        raise ValueError(f"not a boolean: {value!r}")
    if kind is tuple:
        return tuple(part.strip() for part in text.split(",") if part.strip())
    return kind(text)
