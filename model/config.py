"""Settings of the analyses: one frozen dataclass, declared once with defaults and help.

Every threshold and weight that changes a score lives here, not in the analysis code. Entry points
(CLI, dashboard) read the environment and call :meth:`AnalysisConfig.from_mapping`; the analyses only
receive the object.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from model.catalogue import Catalogue, default_catalogue, load_catalogue
from model.schema import MEMBER_STATUSES

__all__ = ["AnalysisConfig"]


def _setting(default: Any, help: str) -> Any:
    return field(default=default, metadata={"help": help})


def _catalogue_setting(help: str) -> Any:
    return field(default_factory=default_catalogue, metadata={"help": help, "env_default": ""})


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
    >>> AnalysisConfig().status_for(demand=0.0, cov=0, achieved=True)
    'mature'
    """

    # -- time ---------------------------------------------------------------------------------------
    as_of: str = _setting(
        "", "analyse the data as of this date (YYYY or YYYY-MM; empty = the latest): members that had joined "
            "by then, commitments submitted by then, evidence dated by then")
    # -- evidence -----------------------------------------------------------------------------------
    catalogue: Catalogue = _catalogue_setting(
        "path of the indicator and relation catalogue (TOML; empty = the project's model/catalogue.toml)")

    # -- demand -------------------------------------------------------------------------------------
    commitment_weight: float = _setting(
        1.0, "demand added by each open OGP commitment of the member tagged with the theme (times its recency "
             "and the share IRM says is still open)")
    commitment_half_life: float = _setting(
        4.0, "years after which an OGP commitment's demand halves (an action-plan cycle is two years)")
    pledge_weight: float = _setting(
        1.0, "demand added by each commitment signal of the catalogue (an explicit pledge) on the theme")
    need_weight: float = _setting(
        0.5, "demand added by each need signal of the catalogue (a low score); 0 ignores scores")
    need_threshold: float = _setting(
        50.0, "a need-direction score (0-100, higher is better) strictly below this is a need signal, unless "
              "the catalogue gives the indicator its own threshold")
    achievement_weight: float = _setting(
        1.0, "demand removed by each achievement (a register, a high score, a completed commitment); demand "
             "never falls below 0, and a cell with achievements and no demand left is mature")
    demand_threshold: float = _setting(
        0.0, "a cell is demanded (and gets a status) when its demand score is strictly above this")
    member_statuses: tuple[str, ...] = _setting(
        ("active", "inactive", "suspended", "letter_of_intent"),
        "member statuses analysed (comma-separated); others (withdrawn, unknown) are left out entirely")
    # -- supply / status ----------------------------------------------------------------------------
    redundant_k: int = _setting(
        4, "status of a demanded cell: gap cov=0, fragile cov=1, covered 2..k-1, redundant cov>=k")
    coverage_min_strength: float = _setting(
        0.5, "an organisation covers a cell when its strongest relation there has at least this strength "
             "(catalogue: programme 1, implementing 0.6-0.8, funding 0.5, monitoring 0.3, mention 0.2); weaker "
             "ones are listed as monitoring, not coverage")
    self_reported_coverage: bool = _setting(
        True, "support an organisation reports itself (confidence self_reported: a partner's intake workbook, "
              "not seen in a public source) counts as coverage; false = shown as evidence, never counted")
    hops: int = _setting(
        2, "reachable help: 1 = only organisations already working in the member; 2 = also named ties "
           "(consortium co-members of organisations there, the local/national member, bordering countries); "
           "1 or 2")
    region_neighbours: bool = _setting(
        False, "also count every member of the same OGP region as a neighbour (a broad assumption, off by "
               "default: a region is not a tie)")
    non_supply_relations: tuple[str, ...] = _setting(
        (), "engagement relations not counted as support besides those of strength 0 in the catalogue "
            "(comma-separated)")
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
    # -- partnership screening ----------------------------------------------------------------------
    screen_min_expertise: float = _setting(
        0.5, "screening: share of a candidate's organisations capable on the theme (declared expertise or "
             "support somewhere) needed to pass")
    screen_min_track_record: float = _setting(
        1.0, "screening: track record needed to pass (sum over its engagements on the theme of strength x "
             "recency; one current formal programme is 1)")
    screen_min_countries: int = _setting(
        3, "screening: OGP members where it or its organisations work on the theme, needed to pass")
    screen_min_sectors: int = _setting(
        2, "screening: sectors its participants span (governments of member participants count as government)")
    screen_min_alignment: float = _setting(
        0.1, "screening: share of the scope's demand on the theme in members where it already works, needed to "
             "pass")
    screen_min_bridging: int = _setting(
        1, "screening: organisations whose dominant brokerage role (groups = sector) is between groups, needed "
           "to pass")
    # -- coalition ----------------------------------------------------------------------------------
    coalition_exact_limit: int = _setting(
        200_000, "exact coalition by enumeration when C(candidates, size) is at most this; else MILP")
    milp_time_limit: float = _setting(10.0, "time limit (seconds) of the integer programme")

    def __post_init__(self) -> None:
        if self.redundant_k < 2:
            raise ValueError("redundant_k must be at least 2 (fragile is cov = 1)")
        for name in ("hops", "reachable_list_limit", "max_affiliation_size", "betweenness_exact_limit",
                     "track_record_cap", "coalition_exact_limit", "screen_min_countries", "screen_min_sectors",
                     "screen_min_bridging"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must not be negative")
        if self.hops not in (1, 2):
            raise ValueError(f"hops must be 1 or 2, not {self.hops}")
        unknown = [s for s in self.member_statuses if s not in MEMBER_STATUSES]
        if unknown or not self.member_statuses:
            raise ValueError(f"member_statuses must be some of {', '.join(MEMBER_STATUSES)}"
                             + (f"; unknown: {', '.join(unknown)}" if unknown else ""))
        relations = set(self.catalogue.relation_ids)
        unknown = [r for r in self.non_supply_relations if r not in relations]
        if unknown:
            raise ValueError(f"non_supply_relations names relations the catalogue does not know: "
                             f"{', '.join(unknown)}")
        if self.betweenness_sample_size < 1 or self.track_record_cap < 1:
            raise ValueError("betweenness_sample_size and track_record_cap must be at least 1")
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, float) and not math.isfinite(value):
                raise ValueError(f"{f.name} must be a finite number, not {value}")
            if isinstance(value, float) and value < 0:
                raise ValueError(f"{f.name} must not be negative")
        for name in ("coverage_min_strength", "screen_min_expertise", "screen_min_alignment"):
            if not 0 <= getattr(self, name) <= 1:
                raise ValueError(f"{name} must be between 0 and 1")
        if self.commitment_half_life <= 0:
            raise ValueError("commitment_half_life must be above 0")
        if self.as_of and not _AS_OF.fullmatch(self.as_of):
            raise ValueError(f"as_of must be YYYY or YYYY-MM, not {self.as_of!r}")
        if self.as_of and not 2011 <= int(self.as_of[:4]) <= 2100:
            raise ValueError(f"as_of must be a year from 2011 (OGP began), not {self.as_of[:4]}")

    def status_for(self, demand: float, cov: int, achieved: bool = False) -> str | None:
        """Status of a cell: mature (achievements, no demand left), None without demand, else gap, fragile,
        covered or redundant."""
        if not demand > self.demand_threshold:
            return "mature" if achieved else None
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
            if name == "catalogue":
                kwargs[name] = value if isinstance(value, Catalogue) else load_catalogue(str(value).strip() or None)
                continue
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
        """(name, default, help) of every setting, for documentation (the catalogue's default is its path,
        empty for the project's own)."""
        return [(f.name, f.metadata.get("env_default", f.default), f.metadata["help"]) for f in fields(cls)]

    def to_dict(self) -> dict[str, Any]:
        """The settings as plain values (the catalogue as its file and version)."""
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        out["catalogue"] = f"{self.catalogue.file} (version {self.catalogue.version})"
        return out


_AS_OF = re.compile(r"[0-9]{4}(-(0[1-9]|1[0-2]))?")


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
