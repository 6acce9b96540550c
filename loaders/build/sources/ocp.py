"""Open Contracting Partnership map data → open-contracting and extractives signals, OCP engagements.

``ocp-data__oc-status_all.json`` (197 countries) is the source of the facts;
``…_table.json`` (the map's summary table) is only a cross-check: a country whose
"Relevant OGP commitment" flag disagrees with the detailed file is noted.

Each entry of ``ogp_commitments`` is classified (first rule that holds):

=====================================================  ===============================  =========
rule                                                   indicator (pledge, value 1)      member
=====================================================  ===============================  =========
names a local OGP member of that country (its first    ``ocp_ogp_local_commitment``     local
significant name word, e.g. "Tangier", "Paris")
mentions the (UK) Anti-Corruption Summit               ``ocp_summit_2016_commitment``   national
mentions an action plan / NAP                          ``ocp_ogp_commitment``           national
anything else (laws, strategies, programmes)           ``ocp_other_commitment``         national
=====================================================  ===============================  =========

Also on ``open_contracting``: ``ocp_ocds_publisher`` (pledge) when at least one
publisher releases OCDS data (historic or ongoing); the publishers go to ``detail``.

On ``natural_resources``: ``commitment_oil_mining`` ``full``/``partial`` →
``ocp_extractives_disclosure_commitment`` (pledge); ``disclosure_oil_mining`` →
``ocp_extractives_disclosure`` (score: none 0, some 33.3, partial 66.7, full 100 —
equal steps over OCP's ordinal legend).

OCP as an organisation: an impact story published on open-contracting.org about a
country → engagement OCP → country, theme open_contracting, relation
``impact_story``, confidence ``medium`` (a story shows OCP worked on or followed
open contracting there, not a formal programme), dated by its newest story's publication
date (from the story address), else by the entry's date.

``meta.date`` (epoch milliseconds) dates a country's entry; entries without it take
the file's latest date.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from loaders.build.countries import iso3_from_code, resolve_country
from loaders.build.dates import date_from_epoch_ms
from loaders.build.ids import slugify
from loaders.build.sources import NOTED, ParseResult, Row, source_row
from loaders.textio import read_json

SOURCE_ID = "ocp-map"
ORGANISATION_ID = "open-contracting-partnership"
THEME = "open_contracting"
_STORY_DATE = re.compile(r"open-contracting\.org/(\d{4})/(\d{2})/(\d{2})/")
DISCLOSURE_SCORES: dict[str, float] = {"none": 0.0, "some": 33.3, "partial": 66.7, "full": 100.0}
GENERIC_WORDS = frozenset({"city", "county", "region", "state", "municipality", "province", "district",
                           "community", "of", "de", "la", "el"})

LocalMembers = Mapping[str, Sequence[tuple[str, str]]]  # parent ISO-3 -> [(member id, name)]


def ocp_source(as_of: str) -> Row:
    """The ``sources`` row of the OCP map data."""
    return source_row(
        SOURCE_ID,
        "Open Contracting Partnership: open contracting worldwide map data (ocp-data oc-status/_all.json, _table.json)",
        "https://github.com/open-contracting-partnership/ocp-data/blob/46a146ec2ec1e98170e149d8dff1c88f356d012b/"
        "oc-status/_all.json",
        "BSD-3-Clause (repository); data: Open Contracting Partnership, attribute OCP",
        as_of,
    )


def key_word(name: str) -> str:
    """The first significant word of a local member's name, used to find it in free text.

    Examples
    --------
    >>> key_word("Tangier-Tetouan-Al Hoceima Region"), key_word("La Libertad")
    ('tangier', 'libertad')
    """
    words = [w for w in slugify(name).split("-") if w not in GENERIC_WORDS]
    long_words = [w for w in words if len(w) >= 4]
    return (long_words or words or [""])[0]


def classify_commitment(text: str, locals_of_country: Sequence[tuple[str, str]]) -> tuple[str, str | None]:
    """``(indicator, local member id or None)`` for one OCP ``ogp_commitment`` text.

    Examples
    --------
    >>> classify_commitment("Paris OGP National Action Plan ", [("FRA-paris", "Paris")])
    ('ocp_ogp_local_commitment', 'FRA-paris')
    >>> classify_commitment("UK Anti-Corruption Summit Commitment", [])
    ('ocp_summit_2016_commitment', None)
    >>> classify_commitment("OGP NAP 2016-2018", []), classify_commitment("Law of public procurement", [])
    (('ocp_ogp_commitment', None), ('ocp_other_commitment', None))
    """
    words = set(slugify(text).split("-"))
    for member_id, name in locals_of_country:
        word = key_word(name)
        if word and word in words:
            return "ocp_ogp_local_commitment", member_id
    lowered = text.casefold()
    if "anti-corruption summit" in lowered:
        return "ocp_summit_2016_commitment", None
    if "action plan" in lowered or "nap" in words:
        return "ocp_ogp_commitment", None
    return "ocp_other_commitment", None


def _entry_as_of(entry: Mapping[str, Any], default: str) -> str:
    stamp = (entry.get("meta") or {}).get("date")
    return date_from_epoch_ms(stamp) if isinstance(stamp, int | float) else default


def _signal(member_id: str, theme: str, indicator: str, kind: str, value: float, detail: str, as_of: str) -> Row:
    return {"member_id": member_id, "theme_id": theme, "indicator": indicator, "kind": kind, "value": value,
            "detail": detail, "confidence": "", "source": SOURCE_ID, "as_of": as_of}


def parse_ocp(all_path: Path, table_path: Path, local_members: LocalMembers | None = None) -> ParseResult:
    """Signals, OCP engagements and the cross-check from the OCP map files."""
    local_members = local_members or {}
    result = ParseResult()
    entries: list[dict[str, Any]] = read_json(all_path)
    stamps = [e["meta"]["date"] for e in entries if isinstance((e.get("meta") or {}).get("date"), int | float)]
    file_as_of = date_from_epoch_ms(max(stamps)) if stamps else "2025"
    result.add("sources", ocp_source(file_as_of), all_path.name)
    result.add("organisations", {"id": ORGANISATION_ID, "name": "Open Contracting Partnership",
                                 "sector": "civil_society", "hq_iso3": "", "confidence": "", "source": SOURCE_ID,
                                 "as_of": file_as_of}, all_path.name)
    with_ogp_flag: set[str] = set()
    for position, entry in enumerate(entries, start=1):
        iso3 = iso3_from_code(str(entry.get("iso", ""))) or resolve_country(str(entry.get("name", "")))
        if iso3 is None:
            result.issue(all_path.name, position, "iso", f"unknown country {entry.get('name')!r}")
            continue
        as_of = _entry_as_of(entry, file_as_of)
        results = entry.get("results") or {}
        if results.get("ogp_commitments"):
            with_ogp_flag.add(iso3)
        _commitment_signals(iso3, results, local_members.get(iso3, ()), as_of, all_path.name, position, result)
        _publisher_signal(iso3, results, as_of, all_path.name, position, result)
        _extractives_signals(iso3, results, as_of, all_path.name, position, result)
        _stories(iso3, results, as_of, all_path.name, position, result)
    _cross_check(table_path, with_ogp_flag, result)
    return result


def _commitment_signals(iso3: str, results: Mapping[str, Any], locals_of_country: Sequence[tuple[str, str]],
                        as_of: str, file: str, position: int, result: ParseResult) -> None:
    grouped: dict[tuple[str, str], list[str]] = {}
    for item in results.get("ogp_commitments") or []:
        text = " ".join(str(item.get("ogp_commitment", "")).split())
        if not text:
            continue
        indicator, local_id = classify_commitment(text, locals_of_country)
        grouped.setdefault((local_id or iso3, indicator), []).append(text)
    for (member_id, indicator), texts in sorted(grouped.items()):
        result.add("signals", _signal(member_id, THEME, indicator, "pledge", 1.0, " | ".join(texts), as_of),
                   file, position)


def _publisher_signal(iso3: str, results: Mapping[str, Any], as_of: str, file: str, position: int,
                      result: ParseResult) -> None:
    names = [str(p.get("publisher", "")).strip() for p in results.get("publishers") or []
             if p.get("ocds_historic_data") or p.get("ocds_ongoing_data")]
    if names:
        result.add("signals", _signal(iso3, THEME, "ocp_ocds_publisher", "pledge", 1.0,
                                      "OCDS publishers: " + "; ".join(sorted(names)), as_of), file, position)


def _extractives_signals(iso3: str, results: Mapping[str, Any], as_of: str, file: str, position: int,
                         result: ParseResult) -> None:
    commitment = str(results.get("commitment_oil_mining", "")).strip().casefold()
    if commitment in ("full", "partial"):
        result.add("signals", _signal(iso3, "natural_resources", "ocp_extractives_disclosure_commitment", "pledge",
                                      1.0, f"commitment to disclose oil/mining contracts: {commitment}", as_of),
                   file, position)
    disclosure = str(results.get("disclosure_oil_mining", "")).strip().casefold()
    if disclosure in DISCLOSURE_SCORES:
        result.add("signals", _signal(iso3, "natural_resources", "ocp_extractives_disclosure", "score",
                                      DISCLOSURE_SCORES[disclosure], f"oil/mining contract disclosure: {disclosure}",
                                      as_of), file, position)
    elif disclosure:
        result.issue(file, position, "disclosure_oil_mining", f"unknown value {disclosure!r}")


def story_date(url: str) -> str | None:
    """The publication date in an open-contracting.org story address (``/YYYY/MM/DD/slug``).

    >>> story_date("https://www.open-contracting.org/2020/01/31/taming-crocodiles-in-afghanistan/")
    '2020-01-31'
    >>> story_date("https://www.open-contracting.org/resources/x/") is None
    True
    """
    match = _STORY_DATE.search(url)
    return "-".join(match.groups()) if match else None


def _stories(iso3: str, results: Mapping[str, Any], as_of: str, file: str, position: int,
             result: ParseResult) -> None:
    stories = [s for s in results.get("impacts_stories") or [] if "open-contracting.org" in str(s.get("story_url", ""))]
    titles = sorted(str(s.get("story_title", "")).strip() for s in stories)
    if titles:
        # dated by the newest story (the evidence), not by when the map entry was last touched
        dates = [d for d in (story_date(str(s.get("story_url", ""))) for s in stories) if d]
        result.add("engagements", {"organisation_id": ORGANISATION_ID, "member_id": iso3, "theme_id": THEME,
                                   "relation": "impact_story", "detail": "OCP impact stories: " + " | ".join(titles),
                                   "confidence": "medium", "source": SOURCE_ID, "as_of": max(dates, default=as_of)},
                   file, position)


def _cross_check(table_path: Path, with_ogp_flag: set[str], result: ParseResult) -> None:
    table = read_json(table_path)
    for position, row in enumerate(table.get("data", []), start=1):
        iso3 = resolve_country(str(row.get("country", "")))
        if iso3 is None:
            result.issue(table_path.name, position, "country", f"unknown country {row.get('country')!r}")
            continue
        flagged = str(row.get("ogp_commitment", "")).strip() == "Yes"
        if flagged != (iso3 in with_ogp_flag):
            result.issue(table_path.name, position, "ogp_commitment",
                         f"summary table says {'yes' if flagged else 'no'} for {iso3}; the detailed file disagrees "
                         "and is used", NOTED)
