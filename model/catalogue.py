"""The indicator and relation catalogue (``model/catalogue.toml``): what each piece of evidence means.

For every signal indicator: its theme, source, meaning, *direction* (need, commitment, achievement or
context), weight and score thresholds. For every engagement relation: its grade and strength (how much
support it is). For every IRM completion value of an OGP commitment: how much of it is still open. The
catalogue is data: the analyses read directions and weights from it, never from code. It is validated when
read (:class:`CatalogueError` names the file, the entry and the field) and rendered on the methods page.

Examples
--------
>>> cat = default_catalogue()
>>> cat.indicator("oo_bo_register").direction, cat.relation("research_hub").grade
('achievement', 'monitoring')
>>> cat.relation("country_programme").strength, cat.completion("Complete").achievement
(1.0, True)
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from model.errors import ConfigError
from model.schema import THEMES

__all__ = ["DIRECTIONS", "GRADES", "Catalogue", "CatalogueError", "Completion", "Indicator", "ReferenceCount",
           "Relation", "Tie",
           "default_catalogue", "load_catalogue", "parse_catalogue"]

#: Where the project's catalogue lives.
CATALOGUE_FILE = Path(__file__).resolve().parent / "catalogue.toml"
DIRECTIONS = ("need", "commitment", "achievement", "context")
#: Relation grades, strongest first.
GRADES = ("programme", "implementing", "funding", "monitoring", "mention", "history", "tie")


class CatalogueError(ConfigError):
    """The catalogue file is not valid."""

    default_hint = "fix the catalogue file (see the comments at its top) or unset OGPNET_CATALOGUE"


@dataclass(frozen=True)
class Indicator:
    """A signal indicator: ``direction`` need | commitment | achievement | context; for scores, below
    ``need_below`` is need and from ``achieved_at`` on an achievement."""

    id: str
    theme: str
    source: str
    meaning: str
    direction: str
    weight: float
    need_below: float | None = None
    achieved_at: float | None = None
    fulfils_pledges: bool = False

    def reading(self, kind: str, value: float, need_threshold: float = 50.0) -> str:
        """What one signal value says: ``need``, ``commitment``, ``achievement`` or ``context``. A score is
        need below ``need_below`` (``need_threshold`` when the entry has none).

        >>> gdb = Indicator("gdb_bo_framework", "beneficial_ownership", "gdb-2022", "", "need", 1.0, None, 75)
        >>> gdb.reading("score", 34.0), gdb.reading("score", 60.0), gdb.reading("score", 96.0)
        ('need', 'context', 'achievement')
        """
        if self.direction == "need":
            if kind == "score":
                if self.achieved_at is not None and value >= self.achieved_at:
                    return "achievement"
                below = self.need_below if self.need_below is not None else need_threshold
                return "need" if value < below else "context"
            return "need" if value > 0 else "context"
        if self.direction in ("commitment", "achievement"):
            return self.direction if value > 0 else "context"
        return "context"


@dataclass(frozen=True)
class Relation:
    """An engagement relation: its grade (:data:`GRADES`) and strength (0-1; 0 is not support)."""

    id: str
    grade: str
    strength: float
    meaning: str


@dataclass(frozen=True)
class Completion:
    """An IRM completion value of an OGP commitment: the share still ``open`` (demand) and whether a commitment
    with it counts as an ``achievement``."""

    value: str
    open: float
    achievement: bool = False
    meaning: str = ""


@dataclass(frozen=True)
class Tie:
    """A kind of named tie between an organisation and a member, and how likely it makes stepping in."""

    id: str
    strength: float
    meaning: str


@dataclass(frozen=True)
class ReferenceCount:
    """A published count of OGP members with commitments on a theme in a year (the whole the commitments
    sample is compared with)."""

    theme: str
    year: int
    members: int
    meaning: str


@dataclass(frozen=True)
class Catalogue:
    """The parsed catalogue; every lookup of an unknown id raises ``KeyError``."""

    version: int
    indicators: tuple[Indicator, ...]
    relations: tuple[Relation, ...]
    completions: tuple[Completion, ...]
    reference_counts: tuple[ReferenceCount, ...] = ()
    ties: tuple[Tie, ...] = ()
    file: str = "catalogue.toml"

    def tie(self, tie_id: str) -> Tie:
        found: Tie = _index(self.ties)[tie_id]
        return found

    def indicator(self, indicator_id: str) -> Indicator:
        found: Indicator = _index(self.indicators)[indicator_id]
        return found

    def relation(self, relation_id: str) -> Relation:
        found: Relation = _index(self.relations)[relation_id]
        return found

    def completion(self, value: str | None) -> Completion:
        return {c.value: c for c in self.completions}[(value or "").strip()]

    def strength(self, relation_id: str) -> float:
        """Strength of a relation; 0 for one the catalogue does not know."""
        known = _index(self.relations).get(relation_id)
        return known.strength if known else 0.0

    @property
    def indicator_ids(self) -> frozenset[str]:
        return frozenset(i.id for i in self.indicators)

    @property
    def relation_ids(self) -> frozenset[str]:
        return frozenset(r.id for r in self.relations)

    @property
    def completion_values(self) -> frozenset[str]:
        return frozenset(c.value for c in self.completions)


@cache
def _index(items: tuple[Any, ...]) -> dict[str, Any]:
    return {item.id: item for item in items}


def parse_catalogue(text: str, name: str = "catalogue.toml") -> Catalogue:
    """Parse and validate catalogue text; :class:`CatalogueError` names the entry and field of a fault.

    >>> parse_catalogue('version = 1\\n[[relation]]\\nid = "x"\\ngrade = "great"\\nstrength = 1\\nmeaning = ""')
    Traceback (most recent call last):
    ...
    model.catalogue.CatalogueError: catalogue.toml: relation 'x': field 'grade': 'great' is not one of programme, \
implementing, funding, monitoring, mention, history, tie
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise CatalogueError(f"{name}: not valid TOML: {e}") from e
    version = data.get("version")
    if not isinstance(version, int) or version < 1:
        raise CatalogueError(f"{name}: field 'version' must be a whole number from 1")
    indicators = tuple(_indicator(name, entry) for entry in _entries(name, data, "indicator"))
    relations = tuple(_relation(name, entry) for entry in _entries(name, data, "relation"))
    completions = tuple(_completion(name, entry) for entry in _entries(name, data, "completion"))
    counts = tuple(_reference_count(name, entry) for entry in _entries(name, data, "reference_count"))
    ties = tuple(_tie(name, entry) for entry in _entries(name, data, "tie"))
    for kind, ids in (("indicator", [i.id for i in indicators]), ("relation", [r.id for r in relations]),
                      ("completion", [c.value for c in completions])):
        doubles = sorted({i for i in ids if ids.count(i) > 1})
        if doubles:
            raise CatalogueError(f"{name}: {kind} {doubles[0]!r} is listed twice")
    return Catalogue(version, indicators, relations, completions, counts, ties, name)


def load_catalogue(path: Path | str | None = None) -> Catalogue:
    """The catalogue at ``path`` (default: the project's own)."""
    if not path:
        return default_catalogue()
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise CatalogueError(f"cannot read the catalogue {path}: {e}") from e
    return parse_catalogue(text, str(path))


@cache
def default_catalogue() -> Catalogue:
    """The project's catalogue (``model/catalogue.toml``), read once."""
    return parse_catalogue(CATALOGUE_FILE.read_text(encoding="utf-8"), CATALOGUE_FILE.name)


# -- parsing -----------------------------------------------------------------------------------------------


def _entries(name: str, data: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    entries = data.get(kind, [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise CatalogueError(f"{name}: [[{kind}]] must be a list of tables")
    return entries


def _field(name: str, entry: dict[str, Any], kind: str, key: str, types: tuple[type, ...],
           required: bool = True) -> Any:
    label = entry.get("id", entry.get("value", "?"))
    if key not in entry:
        if required:
            raise CatalogueError(f"{name}: {kind} {label!r}: field {key!r} is missing")
        return None
    value = entry[key]
    if not isinstance(value, types) or isinstance(value, bool) and bool not in types:
        raise CatalogueError(f"{name}: {kind} {label!r}: field {key!r}: {value!r} has the wrong type")
    return value


def _number(name: str, entry: dict[str, Any], kind: str, key: str, low: float, high: float,
            required: bool = True) -> float | None:
    value = _field(name, entry, kind, key, (int, float), required)
    if value is None:
        return None
    if not low <= float(value) <= high:
        label = entry.get("id", entry.get("value", "?"))
        raise CatalogueError(f"{name}: {kind} {label!r}: field {key!r}: {value!r} is not between {low:g} and {high:g}")
    return float(value)


def _choice(name: str, entry: dict[str, Any], kind: str, key: str, choices: tuple[str, ...]) -> str:
    value = str(_field(name, entry, kind, key, (str,)))
    if value not in choices:
        label = entry.get("id", "?")
        raise CatalogueError(f"{name}: {kind} {label!r}: field {key!r}: {value!r} is not one of {', '.join(choices)}")
    return value


def _indicator(name: str, entry: dict[str, Any]) -> Indicator:
    theme = _choice(name, entry, "indicator", "theme", tuple(THEMES))
    weight = _number(name, entry, "indicator", "weight", 0, 100)
    assert weight is not None
    return Indicator(
        id=str(_field(name, entry, "indicator", "id", (str,))), theme=theme,
        source=str(_field(name, entry, "indicator", "source", (str,))),
        meaning=str(_field(name, entry, "indicator", "meaning", (str,))),
        direction=_choice(name, entry, "indicator", "direction", DIRECTIONS), weight=weight,
        need_below=_number(name, entry, "indicator", "need_below", 0, 100, required=False),
        achieved_at=_number(name, entry, "indicator", "achieved_at", 0, 100, required=False),
        fulfils_pledges=bool(_field(name, entry, "indicator", "fulfils_pledges", (bool,), required=False)),
    )


def _relation(name: str, entry: dict[str, Any]) -> Relation:
    strength = _number(name, entry, "relation", "strength", 0, 1)
    assert strength is not None
    return Relation(id=str(_field(name, entry, "relation", "id", (str,))),
                    grade=_choice(name, entry, "relation", "grade", GRADES), strength=strength,
                    meaning=str(_field(name, entry, "relation", "meaning", (str,))))


def _completion(name: str, entry: dict[str, Any]) -> Completion:
    share = _number(name, entry, "completion", "open", 0, 1)
    assert share is not None
    achievement = _field(name, entry, "completion", "achievement", (bool,), required=False)
    return Completion(value=str(_field(name, entry, "completion", "value", (str,))), open=share,
                      achievement=bool(achievement), meaning=str(entry.get("meaning", "")))


def _reference_count(name: str, entry: dict[str, Any]) -> ReferenceCount:
    theme = _choice(name, entry, "reference_count", "theme", tuple(THEMES))
    year = _number(name, entry, "reference_count", "year", 2011, 2100)
    members = _number(name, entry, "reference_count", "members", 0, 100_000)
    assert year is not None and members is not None
    meaning = str(_field(name, entry, "reference_count", "meaning", (str,)))
    return ReferenceCount(theme, int(year), int(members), meaning)


def _tie(name: str, entry: dict[str, Any]) -> Tie:
    strength = _number(name, entry, "tie", "strength", 0, 1)
    assert strength is not None
    meaning = str(_field(name, entry, "tie", "meaning", (str,)))
    return Tie(str(_field(name, entry, "tie", "id", (str,))), strength, meaning)
