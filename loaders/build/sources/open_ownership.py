"""Open Ownership country tracker → engagements, beneficial-ownership pledges, EITI/BOLG/EU memberships.

Files: ``openownership.org-wagtail__countries.csv`` (195 rows, Mar 2022, primary),
``openownership.beta__countries.csv`` (116 rows, older; a row whose ``notion_id`` is
also in the primary file is superseded by it) and ``openownership.beta__regimes.csv``
(beneficial-ownership registers, joined to countries by ``country_notion_id``).

* ``involvement`` ``Current`` → engagement Open Ownership → country, theme
  beneficial_ownership, relation ``supports_implementation``; ``Historic`` → the
  same with relation ``past_engagement``.
* Each ``<li>`` of ``commitments_html`` is one beneficial-ownership commitment;
  its route (:data:`ROUTES`) gives a ``pledge`` signal
  ``oo_bo_commitment_<route>`` (value 1, the sentence in ``detail``).
* The EITI, BOLG and EU routes are also memberships of the country in the
  consortia ``eiti``, ``bolg`` and ``european-union``.
* A register in the regimes file gives a ``pledge`` signal ``oo_bo_register``: an
  operating register is a kept commitment (register names and scopes in ``detail``).

Defects handled: trailing spaces in names (``Armenia ``); a row with a blank code
that is a group of territories (``United Kingdom Overseas Territories``: no
country, skipped); a junk row (``paragr``: blank code, no data, skipped); the
string ``None`` for an empty commitment list; empty ``<li>`` items.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from loaders.build.countries import iso3_from_code, iso3_from_name
from loaders.build.dates import date_from_timestamp
from loaders.build.sources import MERGED, NOTED, REPAIRED, SKIPPED, ParseResult, Row, iter_csv, source_row

TRACKER = "oo-tracker-2022"
BETA_COUNTRIES = "oo-beta-countries"
BETA_REGIMES = "oo-beta-regimes"
TRACKER_AS_OF = "2022-03-30"
BETA_AS_OF = "2022-02-17"
ORGANISATION = "Open Ownership"
THEME = "beneficial_ownership"

# (phrase in the commitment sentence, route key); first match wins; no match → "other"
ROUTES: tuple[tuple[str, str], ...] = (
    ("extractives industry transparency initiative", "eiti"),
    ("european union member", "eu"),
    ("open government partnership", "ogp"),
    (" imf ", "imf"),
    ("anti-corruption summit", "summit_2016"),
    ("beneficial ownership leadership group", "bolg"),
)
# route -> (consortium id, consortium name, role of the member)
ROUTE_CONSORTIA: dict[str, tuple[str, str, str]] = {
    "eiti": ("eiti", "Extractive Industries Transparency Initiative (implementing countries)", "implementing country"),
    "bolg": ("bolg", "Beneficial Ownership Leadership Group", "member"),
    "eu": ("european-union", "European Union (member states)", "member state"),
}
CONSORTIUM_THEMES: dict[str, tuple[str, ...]] = {
    "eiti": ("natural_resources", "beneficial_ownership"),
    "bolg": ("beneficial_ownership",),
    "european-union": ("beneficial_ownership",),
}

_LI = re.compile(r"<li>(.*?)</li>", re.S | re.I)
_TAG = re.compile(r"<[^>]+>")


def _licence() -> str:
    return "Open Ownership public country tracker (website repository AGPL-3.0); attribute Open Ownership"


def tracker_sources() -> list[Row]:
    """The three ``sources`` rows of the Open Ownership files."""
    base = "https://github.com/openownership/"
    return [
        source_row(TRACKER, "Open Ownership country tracker export (openownership.org-wagtail app/countries.csv)",
                   base + "openownership.org-wagtail/blob/efd9906f1d50f2bf7fa938c42e3eeaa739b50358/app/countries.csv",
                   _licence(), TRACKER_AS_OF),
        source_row(BETA_COUNTRIES,
                   "Open Ownership country tracker, older export (openownership.beta _data/countries.csv)",
                   base + "openownership.beta/blob/1cddace6c7ad4daa9bbd69124cd7a11033cb0fd2/_data/countries.csv",
                   _licence(), BETA_AS_OF),
        source_row(BETA_REGIMES, "Open Ownership beneficial-ownership registers (openownership.beta _data/regimes.csv)",
                   base + "openownership.beta/blob/1cddace6c7ad4daa9bbd69124cd7a11033cb0fd2/_data/regimes.csv",
                   _licence(), BETA_AS_OF),
    ]


def commitment_sentences(commitments_html: str) -> list[str]:
    """Plain-text sentences of the ``<li>`` items of a commitments cell (empty items dropped).

    Examples
    --------
    >>> commitment_sentences("<ul><li>As an <a href='x'>EITI</a> member, X has committed.</li><li></li></ul>")
    ['As an EITI member, X has committed.']
    """
    items = (_TAG.sub("", item) for item in _LI.findall(commitments_html or ""))
    return [" ".join(html.unescape(item).split()) for item in items if item.strip()]


def commitment_route(sentence: str) -> str:
    """Route of a beneficial-ownership commitment sentence (:data:`ROUTES`), ``other`` if none.

    Examples
    --------
    >>> commitment_route("X has included a commitment in an Open Government Partnership National Action Plan")
    'ogp'
    >>> commitment_route("X passed legislation in November 2019 for a central register")
    'other'
    """
    lowered = sentence.casefold()
    for phrase, route in ROUTES:
        if phrase in lowered:
            return route
    return "other"


def country_of(record: dict[str, str]) -> str | None:
    """ISO-3 of a tracker row: the ``iso2`` code, else the name.

    Examples
    --------
    >>> country_of({"iso2": "", "name": "Armenia "}), country_of({"iso2": "", "name": "paragr"})
    ('ARM', None)
    """
    code = record.get("iso2", "").strip()
    return (iso3_from_code(code) if code else None) or iso3_from_name(record.get("name", ""))


def _country_rows(path: Path, source: str, default_as_of: str, skip_ids: set[str],
                  result: ParseResult) -> set[str]:
    """Parse one countries file; returns the notion_id of every row it read."""
    seen: set[str] = set()
    for line, r in iter_csv(path, result):
        notion_id = r.get("notion_id", "").strip()
        if notion_id in skip_ids:
            result.issue(path.name, line, "notion_id", "superseded by the newer tracker export (same notion_id)",
                         SKIPPED)
            continue
        iso3 = country_of(r)
        name = r.get("name", "")
        seen.add(notion_id)
        if iso3 is None:
            has_data = r.get("committed") == "True" or r.get("involvement", "None") != "None"
            why = ("blank code and the name is a group of territories, not a country" if has_data
                   else "junk row: blank code, unrecognised name, no data")
            result.issue(path.name, line, "iso2", f"{name.strip()!r}: {why}")
            continue
        if not r.get("iso2", "").strip():
            result.issue(path.name, line, "iso2", f"blank code; resolved {name.strip()!r} by name", REPAIRED)
        if name != name.strip():
            result.issue(path.name, line, "name", f"trailing/leading spaces in {name!r} removed", REPAIRED)
        as_of = date_from_timestamp(r.get("last_updated", "")) or default_as_of
        _engagement(r, iso3, source, as_of, path, line, result)
        _pledges(r, iso3, source, as_of, path, line, result)
    return seen


def _engagement(r: dict[str, str], iso3: str, source: str, as_of: str, path: Path, line: int,
                result: ParseResult) -> None:
    involvement = r.get("involvement", "").strip()
    relation = {"Current": "supports_implementation", "Historic": "past_engagement"}.get(involvement)
    if relation is None:
        return
    result.add("engagements", {"organisation_id": "open-ownership", "member_id": iso3, "theme_id": THEME,
                               "relation": relation, "detail": f"Open Ownership involvement: {involvement}",
                               "confidence": "", "source": source, "as_of": as_of}, path.name, line)


def _pledges(r: dict[str, str], iso3: str, source: str, as_of: str, path: Path, line: int,
             result: ParseResult) -> None:
    raw = r.get("commitments_html", "")
    if raw.strip() == "None":
        result.issue(path.name, line, "commitments_html", "'None' read as no commitments", NOTED)
        return
    by_route: dict[str, list[str]] = {}
    for sentence in commitment_sentences(raw):
        by_route.setdefault(commitment_route(sentence), []).append(sentence)
    if raw.count("<li>") > sum(len(v) for v in by_route.values()):
        result.issue(path.name, line, "commitments_html", "empty <li> item ignored", NOTED)
    for route, sentences in sorted(by_route.items()):
        result.add("signals", {"member_id": iso3, "theme_id": THEME, "indicator": f"oo_bo_commitment_{route}",
                               "kind": "pledge", "value": 1.0, "detail": " | ".join(sentences), "confidence": "",
                               "source": source, "as_of": as_of}, path.name, line)
        if route in ROUTE_CONSORTIA:
            cid, _, role = ROUTE_CONSORTIA[route]
            result.add("memberships", {"participant_type": "member", "participant_id": iso3, "consortium_id": cid,
                                       "role": role, "confidence": "", "source": source, "as_of": as_of},
                       path.name, line)


def _registers(path: Path, countries: dict[str, str], result: ParseResult) -> None:
    by_country: dict[str, list[tuple[int, str]]] = {}
    for line, r in iter_csv(path, result):
        iso3 = countries.get(r.get("country_notion_id", "").strip())
        label = f"{r.get('name', '').strip()} ({r.get('scope', '').strip()})"
        if iso3 is None:
            result.issue(path.name, line, "country_notion_id", f"register {label} is not in a country row "
                                                               "with a country code")
            continue
        by_country.setdefault(iso3, []).append((line, label))
    for iso3, items in sorted(by_country.items()):
        line = items[0][0]
        for extra_line, _ in items[1:]:
            result.issue(path.name, extra_line, "country_notion_id",
                         f"second register of {iso3}: merged into one signal", MERGED)
        result.add("signals", {"member_id": iso3, "theme_id": THEME, "indicator": "oo_bo_register", "kind": "pledge",
                               "value": 1.0, "detail": "BO register: " + "; ".join(label for _, label in items),
                               "confidence": "", "source": BETA_REGIMES, "as_of": BETA_AS_OF}, path.name, line)


def parse_open_ownership(tracker_path: Path, beta_countries_path: Path, regimes_path: Path) -> ParseResult:
    """All Open Ownership facts from the three tracker files."""
    result = ParseResult()
    for row in tracker_sources():
        result.add("sources", row, tracker_path.name)
    result.add("organisations", {"id": "open-ownership", "name": ORGANISATION, "sector": "civil_society",
                                 "hq_iso3": "", "confidence": "", "source": TRACKER, "as_of": TRACKER_AS_OF},
               tracker_path.name)
    for cid, name, _ in ROUTE_CONSORTIA.values():
        result.add("consortia", {"id": cid, "name": name, "kind": "partnership", "confidence": "", "source": TRACKER,
                                 "as_of": TRACKER_AS_OF}, tracker_path.name)
        for theme in CONSORTIUM_THEMES[cid]:
            result.add("consortium_themes", {"consortium_id": cid, "theme_id": theme, "source": TRACKER,
                                             "as_of": TRACKER_AS_OF}, tracker_path.name)
    primary = _country_rows(tracker_path, TRACKER, TRACKER_AS_OF, set(), result)
    _country_rows(beta_countries_path, BETA_COUNTRIES, BETA_AS_OF, primary, result)
    _registers(regimes_path, _all_notion_ids(tracker_path, beta_countries_path), result)
    return result


def _all_notion_ids(*paths: Path) -> dict[str, str]:
    """notion_id → ISO-3 over every countries file (regimes may point at superseded rows)."""
    found: dict[str, str] = {}
    for path in paths:
        for _, r in iter_csv(path):
            iso3 = country_of(r)
            if iso3:
                found.setdefault(r.get("notion_id", "").strip(), iso3)
    return found
