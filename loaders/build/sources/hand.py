"""Hand-compiled reference tables (``reference/hand/*.csv``) → members, organisations and their ties.

Every table becomes one ``sources`` row (id ``hand-…``; its ``url`` is the URL most
rows cite; every row's own ``source_url`` stays in the reference table). Row
``as_of`` and ``confidence`` are kept as written (low stays low); an ``as_of`` that
is not a date (``n.d.``) is replaced by the table's compilation date and reported.

=====================================  ==========================================================
table                                  becomes
=====================================  ==========================================================
ogp_members.csv                        members (national: ISO-3; local: ``<parent>-<slug>``)
ogp_thematic_partners.csv              organisations + expertise (one row per listed theme); funders
                                       (see :func:`funding_phrases`): role ``funder`` and, for a
                                       member named in a funding phrase, an engagement ``funding``
ogp_multilateral_partners.csv          organisations (sector multilateral)
partner_country_engagements.csv        engagements (one row per listed theme; blank = general)
ogp_working_groups_anchors.csv         consortia (working_group) + consortium_themes + memberships
                                       (role ``anchor``; governments as member participants)
paris_declaration_collective_actions   consortia (collective_action) + consortium_themes
paris_declaration_signatories.csv      memberships (governments: member, role ``signatory``;
                                       CSOs: organisation, role ``contributor``)
open_data_charter_adopters_2015.csv    consortium ``open-data-charter-adopters`` + memberships
ogp_steering_committee_PARTIAL.csv     consortium ``ogp-steering-committee`` + memberships
=====================================  ==========================================================

Member status from ``status_note`` (first rule that matches; none → no evidence):

==============================================================================  ==========
pattern in the note                                                             status
==============================================================================  ==========
``suspended``                                                                   suspended
``withdrew``, ``membership withdrawn``, ``letter of withdrawal``,                withdrawn
``announced its withdrawal``, ``no longer participating``, ``removed from OGP``
``inactive``                                                                    inactive
==============================================================================  ==========

A "letter of intent" in a note is history (Argentina, Germany, Kosovo … went on to
join), so ``letter_of_intent`` is never inferred from a note.

Engagement ``relation`` from the free-text ``relation`` column (first rule that
matches; the full text goes to ``detail``): see :data:`RELATION_RULES`.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from loaders.build.countries import is_iso3, resolve_country
from loaders.build.dates import is_iso_date, period_as_of
from loaders.build.ids import local_member_id, slugify, strip_parenthetical
from loaders.build.organisations import (
    SECTOR_OVERRIDES,
    canonical_organisation,
    not_an_organisation,
    sector_from_org_type,
)
from loaders.build.sources import REPAIRED, ParseResult, Row, SourceFormatError, csv_header, iter_csv, source_row
from model.schema import CONFIDENCE, THEMES

HAND_AS_OF = "2026-05"
HAND_LICENCE = "project-compiled facts from public pages; each row cites its source_url"

MEMBERS = "hand-ogp-members"
THEMATIC_PARTNERS = "hand-thematic-partners"
MULTILATERAL_PARTNERS = "hand-multilateral-partners"
ENGAGEMENTS = "hand-partner-engagements"
WORKING_GROUPS = "hand-working-group-anchors"
PARIS_ACTIONS = "hand-paris-collective-actions"
PARIS_SIGNATORIES = "hand-paris-signatories"
OPEN_DATA_CHARTER = "hand-open-data-charter-2015"
STEERING_COMMITTEE = "hand-steering-committee"

STATUS_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bsuspended\b", re.I), "suspended"),
    (re.compile(r"\bwithdrew\b|\bmembership withdrawn\b|\bletter of withdrawal\b|\bannounced its withdrawal\b"
                r"|\bno longer participating\b|\bremoved from ogp\b", re.I), "withdrawn"),
    (re.compile(r"\binactive\b", re.I), "inactive"),
)

RELATION_RULES: tuple[tuple[str, str], ...] = (
    ("named lead/supporting institution", "named_in_commitment"),
    ("country programme", "country_programme"),
    ("priority country", "country_programme"),
    ("country of work", "country_programme"),
    ("former implementing country", "former_implementing_country"),
    ("member (implementing country)", "implementing_country"),
    ("supporting country", "supporting_country"),
    ("national chapter", "national_chapter"),
    ("national coalition", "national_chapter"),
    ("steward", "steward"),
    ("office", "country_office"),
    ("research", "research"),
    ("response policy concern", "advocacy"),
    ("advocated", "advocacy"),
)
DEFAULT_RELATION = "supports_implementation"

# Working group names (parentheticals removed) -> theme key
WORKING_GROUP_THEMES: dict[str, str] = {
    "Access to Information": "access_to_information",
    "Anti-Corruption": "anti_corruption",
    "Fiscal Openness": "fiscal_openness",
    "Legislative Openness": "legislative_openness",
    "Open Data": "open_data",
    "Openness in Natural Resources": "natural_resources",
}
CLIMATE_WG = ("ogp-wg-climate-related", "OGP climate-related working group (name not captured in source)")

_GOVERNMENT = re.compile(r"^Government(?:\s*\([^)]*\))?\s+of\s+(?:the\s+)?(.+?)(?:\s*\(.*)?$", re.I)


# ---------------------------------------------------------------------------------------------------- helpers


def status_from_note(note: str) -> str | None:
    """Member status stated by a ``status_note``, or None when the note states none.

    Examples
    --------
    >>> status_from_note("joined 2011; inactive/suspended 2016-05-04; permanently suspended 2023-08-17")
    'suspended'
    >>> status_from_note("continued in OGP Local after Tanzania's 2017 national withdrawal") is None
    True
    >>> status_from_note("letter of intent 2012-10-29; 58th member") is None
    True
    """
    for pattern, status in STATUS_RULES:
        if pattern.search(note):
            return status
    return None


def relation_of(text: str) -> str:
    """Engagement relation key for the free-text relation of ``partner_country_engagements.csv``.

    Examples
    --------
    >>> relation_of("named lead/supporting institution in OGP commitment(s) KE0033")
    'named_in_commitment'
    >>> relation_of("steward since 2017 (Office of Planning and Budget)")
    'steward'
    >>> relation_of("supported PNG OGP action-plan workshop (Nov 2014)")
    'supports_implementation'
    """
    lowered = text.casefold()
    for needle, relation in RELATION_RULES:
        if needle in lowered:
            return relation
    return DEFAULT_RELATION


def split_themes(text: str) -> list[str]:
    """Theme keys of a ``;``-separated cell, in order, without blanks.

    Examples
    --------
    >>> split_themes("open_contracting; open_data;")
    ['open_contracting', 'open_data']
    """
    return [t.strip() for t in text.split(";") if t.strip()]


def first_url(text: str) -> str:
    """The first URL of a ``source_url`` cell (several are separated by `` ; ``).

    Examples
    --------
    >>> first_url("https://a.org/x ; https://b.org/y")
    'https://a.org/x'
    """
    return text.split(" ; ")[0].strip()


def government_country(name: str) -> str | None:
    """ISO-3 of the country in ``Government of …`` style names, None otherwise.

    Examples
    --------
    >>> government_country("Government (Congress) of Chile")
    'CHL'
    >>> government_country("Government of the United Kingdom")
    'GBR'
    """
    match = _GOVERNMENT.match(name.strip())
    return resolve_country(match.group(1)) if match else None


def hand_source(source_id: str, path: Path, records: list[dict[str, str]]) -> Row:
    """The ``sources`` row of a hand table: url = the URL most of its rows cite."""
    urls = Counter(first_url(r.get("source_url", "")) for r in records if r.get("source_url", "").strip())
    url = min(urls.items(), key=lambda kv: (-kv[1], kv[0]))[0] if urls else ""
    return source_row(source_id, f"Hand-compiled reference table reference/hand/{path.name}", url, HAND_LICENCE,
                      HAND_AS_OF)


def _as_of(value: str, path: Path, line: int, result: ParseResult, fld: str = "as_of") -> str:
    """The row's date; ``c.2014`` → ``2014``; no date at all (``n.d.``) → the table's compilation date."""
    value = value.strip()
    if is_iso_date(value):
        return value
    year = period_as_of(value)
    if year:
        result.issue(path.name, line, fld, f"{value!r} read as {year}", REPAIRED)
        return year
    result.issue(path.name, line, fld, f"{value!r} is not a date; used the table's date {HAND_AS_OF}", REPAIRED)
    return HAND_AS_OF


def _confidence(value: str, path: Path, line: int, result: ParseResult) -> str:
    value = value.strip().casefold()
    if value in CONFIDENCE or value == "":
        return value
    result.issue(path.name, line, "confidence", f"unknown confidence {value!r}; left blank", REPAIRED)
    return ""


REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    "ogp_members.csv": ("member", "iso3", "level", "parent_country_iso3", "joined_year", "status_note", "as_of",
                        "confidence"),
    "ogp_thematic_partners.csv": ("organisation", "org_type", "themes", "relation_to_ogp", "hq_country_iso3", "as_of",
                                  "confidence"),
    "ogp_multilateral_partners.csv": ("organisation", "org_type", "as_of"),
    "partner_country_engagements.csv": ("organisation", "country_iso3", "theme", "relation", "as_of", "confidence"),
    "ogp_working_groups_anchors.csv": ("working_group", "anchor", "anchor_type", "period"),
    "paris_declaration_collective_actions.csv": ("number", "collective_action", "project_theme", "as_of",
                                                 "confidence"),
    "paris_declaration_signatories.csv": ("number", "collective_action", "signatory", "signatory_type",
                                          "country_iso3", "as_of", "confidence"),
    "open_data_charter_adopters_2015.csv": ("adopter", "level", "country", "adopted"),
    "ogp_steering_committee_PARTIAL.csv": ("constituency", "organisation_or_government", "country", "period"),
}


def _records(path: Path, result: ParseResult) -> list[tuple[int, dict[str, str]]]:
    missing = [c for c in REQUIRED_COLUMNS.get(path.name, ()) if c not in csv_header(path)]
    if missing:
        raise SourceFormatError(f"{path.name}: missing column(s) {', '.join(missing)}")
    return list(iter_csv(path, result))


def _organisation_stub(name: str, sector: str, source: str, as_of: str, hq_iso3: str = "",
                       confidence: str = "") -> Row:
    org_id, display = canonical_organisation(name)
    return {"id": org_id, "name": display, "sector": SECTOR_OVERRIDES.get(org_id, sector), "hq_iso3": hq_iso3,
            "confidence": confidence, "source": source, "as_of": as_of}


# ---------------------------------------------------------------------------------------------------- members


def parse_members(path: Path) -> ParseResult:
    """``ogp_members.csv`` → members (national and local)."""
    result = ParseResult()
    records = _records(path, result)
    result.add("sources", hand_source(MEMBERS, path, [r for _, r in records]), path.name)
    for line, r in records:
        level = r["level"].strip().casefold()
        joined = r["joined_year"].strip()
        row: Row = {
            "name": r["member"].strip(),
            "level": level,
            "joined": int(joined) if joined.isdigit() else None,
            "status": status_from_note(r["status_note"]) or "",
            "confidence": _confidence(r["confidence"], path, line, result),
            "source": MEMBERS,
            "as_of": _as_of(r["as_of"], path, line, result),
            "region": "",
        }
        if level == "national":
            iso3 = r["iso3"].strip().upper()
            if not is_iso3(iso3):
                result.issue(path.name, line, "iso3", f"{iso3!r} is not an ISO-3 code")
                continue
            row |= {"id": iso3, "iso3": iso3, "parent_iso3": ""}
        elif level == "local":
            parent = r["parent_country_iso3"].strip().upper()
            if not is_iso3(parent):
                result.issue(path.name, line, "parent_country_iso3", f"{parent!r} is not an ISO-3 code")
                continue
            row |= {"id": local_member_id(parent, row["name"]), "iso3": parent, "parent_iso3": parent}
        else:
            result.issue(path.name, line, "level", f"unknown level {level!r}")
            continue
        result.add("members", row, path.name, line)
    return result


# ---------------------------------------------------------------------------------------------------- organisations


def parse_thematic_partners(path: Path) -> ParseResult:
    """``ogp_thematic_partners.csv`` → organisations and expertise (one row per theme)."""
    result = ParseResult()
    records = _records(path, result)
    result.add("sources", hand_source(THEMATIC_PARTNERS, path, [r for _, r in records]), path.name)
    for line, r in records:
        sector = sector_from_org_type(r["org_type"])
        if sector is None:
            result.issue(path.name, line, "org_type", f"unknown org_type {r['org_type']!r}; used civil_society",
                         REPAIRED)
            sector = "civil_society"
        hq = r["hq_country_iso3"].strip().upper()
        if hq and not is_iso3(hq):
            result.issue(path.name, line, "hq_country_iso3", f"{hq!r} is not an ISO-3 code; left blank", REPAIRED)
            hq = ""
        confidence = _confidence(r["confidence"], path, line, result)
        as_of = _as_of(r["as_of"], path, line, result)
        org = _organisation_stub(r["organisation"], sector, THEMATIC_PARTNERS, as_of, hq, confidence)
        org["sector"] = sector  # the typed table is authoritative
        funding = funding_phrases(r.get("relation_to_ogp", ""))
        if funding:
            org["roles"] = "funder"
            org["role_detail"] = "; ".join(funding)
            for phrase in funding:
                for iso3 in _countries_in(phrase):
                    result.add("engagements", {
                        "organisation_id": org["id"], "member_id": iso3, "theme_id": "", "relation": "funding",
                        "detail": phrase, "confidence": confidence, "source": THEMATIC_PARTNERS, "as_of": as_of},
                        path.name, line)
        result.add("organisations", org, path.name, line)
        for theme in split_themes(r["themes"]):
            if theme not in THEMES:
                result.issue(path.name, line, "themes", f"unknown theme key {theme!r}")
                continue
            result.add("expertise", {"organisation_id": org["id"], "theme_id": theme, "confidence": confidence,
                                     "source": THEMATIC_PARTNERS, "as_of": as_of}, path.name, line)
    return result


_FUNDING = re.compile(r"\b(fund(s|er|ers|ed|ing)?|financ\w*|grants?|donor)\b", re.IGNORECASE)
_NAME = re.compile(r"[A-Z][a-z]+(?:[ -][A-Z][a-z]+)*")


def funding_phrases(relation: str) -> list[str]:
    """The ``;``-separated phrases of a ``relation_to_ogp`` text that say the organisation funds something.

    >>> funding_phrases("OGP funder (2013-2021+); also funds OCP, NRGI and GIFT; Anti-Corruption WG anchor")
    ['OGP funder (2013-2021+)', 'also funds OCP, NRGI and GIFT']
    >>> funding_phrases("working group anchor: coordinates the Fiscal Openness Working Group")
    []
    """
    return [p.strip() for p in relation.split(";") if _FUNDING.search(p)]


def _countries_in(phrase: str) -> list[str]:
    """ISO-3 codes of the countries a phrase names in full (names of 4 letters or more: "Jamaica's OGP
    process" is Jamaica; "US" or "EU" are not read as countries).

    >>> _countries_in("finances Jamaica's OGP process (SPSTP)"), _countries_in("funds IRM reviews (e.g. Armenia)")
    (['JAM'], ['ARM'])
    >>> _countries_in("OGP funder (2013-2019)")
    []
    """
    found = []
    for name in _NAME.findall(phrase):
        iso3 = resolve_country(name) if len(name) >= 4 else None
        if iso3 and iso3 not in found:
            found.append(iso3)
    return found


def parse_multilateral_partners(path: Path) -> ParseResult:
    """``ogp_multilateral_partners.csv`` → organisations."""
    result = ParseResult()
    records = _records(path, result)
    result.add("sources", hand_source(MULTILATERAL_PARTNERS, path, [r for _, r in records]), path.name)
    for line, r in records:
        sector = sector_from_org_type(r["org_type"]) or "multilateral"
        as_of = _as_of(r["as_of"], path, line, result)
        org = _organisation_stub(r["organisation"], sector, MULTILATERAL_PARTNERS, as_of)
        org["sector"] = sector
        result.add("organisations", org, path.name, line)
    return result


# ---------------------------------------------------------------------------------------------------- engagements


def parse_engagements(path: Path) -> ParseResult:
    """``partner_country_engagements.csv`` → engagements, one row per listed theme."""
    result = ParseResult()
    records = _records(path, result)
    result.add("sources", hand_source(ENGAGEMENTS, path, [r for _, r in records]), path.name)
    for line, r in records:
        iso3 = r["country_iso3"].strip().upper()
        if not is_iso3(iso3):
            result.issue(path.name, line, "country_iso3", f"{iso3!r} is not an ISO-3 code")
            continue
        confidence = _confidence(r["confidence"], path, line, result)
        as_of = _as_of(r["as_of"], path, line, result)
        org = _organisation_stub(r["organisation"], "civil_society", ENGAGEMENTS, as_of)
        result.add("organisations", org, path.name, line)
        themes = split_themes(r["theme"]) or [""]
        for theme in themes:
            if theme and theme not in THEMES:
                result.issue(path.name, line, "theme", f"unknown theme key {theme!r}")
                continue
            result.add("engagements", {
                "organisation_id": org["id"], "member_id": iso3, "theme_id": theme,
                "relation": relation_of(r["relation"]), "detail": r["relation"].strip(),
                "confidence": confidence, "source": ENGAGEMENTS, "as_of": as_of,
            }, path.name, line)
    return result


# ---------------------------------------------------------------------------------------------------- consortia


def working_group(name: str) -> tuple[str, str, str | None, str]:
    """``(consortium id, name, theme, role)`` for a working-group name of the anchors table.

    Examples
    --------
    >>> working_group("Open Data (Standards Stream)")
    ('ogp-wg-open-data', 'OGP Open Data Working Group', 'open_data', 'anchor (Standards Stream)')
    >>> working_group("(7th group, name not captured in source excerpt; climate-related)")[2]
    'climate'
    """
    base = strip_parenthetical(name)
    if not base:
        if "climate" in name.casefold():
            return (*CLIMATE_WG, "climate", "anchor")
        return f"ogp-wg-{slugify(name)}", f"OGP working group {name}", None, "anchor"
    note = name[len(base):].strip().strip("()").strip() if name.startswith(base) else ""
    role = f"anchor ({note})" if note else "anchor"
    return f"ogp-wg-{slugify(base)}", f"OGP {base} Working Group", WORKING_GROUP_THEMES.get(base), role


def parse_working_groups(path: Path) -> ParseResult:
    """``ogp_working_groups_anchors.csv`` → working-group consortia, their themes and anchor memberships."""
    result = ParseResult()
    records = _records(path, result)
    result.add("sources", hand_source(WORKING_GROUPS, path, [r for _, r in records]), path.name)
    groups: set[str] = set()
    for line, r in records:
        cid, cname, theme, role = working_group(r["working_group"])
        confidence = "low" if cid == CLIMATE_WG[0] else ""
        as_of = period_as_of(r["period"]) or HAND_AS_OF
        if cid not in groups:
            groups.add(cid)
            _working_group_rows(path, line, r["working_group"], (cid, cname, theme), confidence, as_of, result)
        anchor, anchor_type = r["anchor"].strip(), r["anchor_type"].strip().casefold()
        if anchor_type.startswith("government"):
            iso3 = government_country(anchor)
            if iso3 is None:
                result.issue(path.name, line, "anchor", f"cannot tell the country of {anchor!r}")
                continue
            participant: tuple[str, str] = ("member", iso3)
        else:
            sector = sector_from_org_type(anchor_type) or "civil_society"
            org = _organisation_stub(anchor, sector, WORKING_GROUPS, as_of)
            result.add("organisations", org, path.name, line)
            participant = ("organisation", org["id"])
        result.add("memberships", {"participant_type": participant[0], "participant_id": participant[1],
                                   "consortium_id": cid, "role": role, "confidence": confidence,
                                   "source": WORKING_GROUPS, "as_of": as_of}, path.name, line)
    return result


def _working_group_rows(path: Path, line: int, raw_name: str, group: tuple[str, str, str | None], confidence: str,
                        as_of: str, result: ParseResult) -> None:
    cid, cname, theme = group
    result.add("consortia", {"id": cid, "name": cname, "kind": "working_group", "confidence": confidence,
                             "source": WORKING_GROUPS, "as_of": as_of}, path.name, line)
    if theme:
        result.add("consortium_themes", {"consortium_id": cid, "theme_id": theme, "source": WORKING_GROUPS,
                                         "as_of": as_of}, path.name, line)
    else:
        result.issue(path.name, line, "working_group", f"no theme known for {raw_name!r}", REPAIRED)


def collective_action_id(number: str, title: str) -> str:
    """Consortium id of a Paris collective action: ``paris-ca-07``, or the title's slug when unnumbered.

    Examples
    --------
    >>> collective_action_id("7", "Budgets"), collective_action_id("", "Justice for All")
    ('paris-ca-07', 'paris-ca-justice-for-all')
    """
    number = number.strip()
    return f"paris-ca-{int(number):02d}" if number.isdigit() else f"paris-ca-{slugify(title)}"


def parse_paris(actions_path: Path, signatories_path: Path) -> ParseResult:
    """Paris Declaration collective actions and signatories → consortia, themes, memberships."""
    result = ParseResult()
    actions = _records(actions_path, result)
    result.add("sources", hand_source(PARIS_ACTIONS, actions_path, [r for _, r in actions]), actions_path.name)
    by_title: dict[str, str] = {}
    for line, r in actions:
        title = r["collective_action"].strip()
        cid = collective_action_id(r["number"], title)
        by_title[title.casefold()] = cid
        number = r["number"].strip()
        name = f"Paris collective action #{number}: {title}" if number else f"Paris collective action: {title}"
        as_of = _as_of(r["as_of"], actions_path, line, result)
        result.add("consortia", {"id": cid, "name": name, "kind": "collective_action",
                                 "confidence": _confidence(r["confidence"], actions_path, line, result),
                                 "source": PARIS_ACTIONS, "as_of": as_of}, actions_path.name, line)
        for theme in split_themes(r["project_theme"]):
            if theme not in THEMES:
                result.issue(actions_path.name, line, "project_theme", f"unknown theme key {theme!r}")
                continue
            result.add("consortium_themes", {"consortium_id": cid, "theme_id": theme, "source": PARIS_ACTIONS,
                                             "as_of": as_of}, actions_path.name, line)
    signatories = _records(signatories_path, result)
    result.add("sources", hand_source(PARIS_SIGNATORIES, signatories_path, [r for _, r in signatories]),
               signatories_path.name)
    for line, r in signatories:
        _paris_signatory(signatories_path, line, r, by_title, result)
    return result


def _paris_signatory(path: Path, line: int, r: dict[str, str], by_title: dict[str, str],
                     result: ParseResult) -> None:
    cid = collective_action_id(r["number"], r["collective_action"]) if r["number"].strip() else \
        by_title.get(r["collective_action"].strip().casefold())
    if cid is None:
        result.issue(path.name, line, "collective_action", f"unknown collective action {r['collective_action']!r}")
        return
    as_of = _as_of(r["as_of"], path, line, result)
    confidence = _confidence(r["confidence"], path, line, result)
    signatory = r["signatory"].strip()
    if r["signatory_type"].strip() == "government":
        iso3 = r["country_iso3"].strip().upper() or resolve_country(signatory) or ""
        if not is_iso3(iso3):
            result.issue(path.name, line, "country_iso3", f"no country code for government {signatory!r}")
            return
        participant, role = ("member", iso3), "signatory"
    else:
        why = not_an_organisation(signatory)
        if why:
            result.issue(path.name, line, "signatory", f"{signatory!r} {why}")
            return
        org = _organisation_stub(signatory, "civil_society", PARIS_SIGNATORIES, as_of)
        result.add("organisations", org, path.name, line)
        participant, role = ("organisation", org["id"]), "contributor"
    result.add("memberships", {"participant_type": participant[0], "participant_id": participant[1],
                               "consortium_id": cid, "role": role, "confidence": confidence,
                               "source": PARIS_SIGNATORIES, "as_of": as_of}, path.name, line)


ODC_ID = "open-data-charter-adopters"


def parse_open_data_charter(path: Path) -> ParseResult:
    """``open_data_charter_adopters_2015.csv`` → the Open Data Charter consortium and its adopters."""
    result = ParseResult()
    records = _records(path, result)
    result.add("sources", hand_source(OPEN_DATA_CHARTER, path, [r for _, r in records]), path.name)
    dates = [r["adopted"].strip() for _, r in records if is_iso_date(r["adopted"].strip())]
    first_date = min(dates, default=HAND_AS_OF)
    result.add("consortia", {"id": ODC_ID, "name": "International Open Data Charter (adopting governments)",
                             "kind": "initiative", "confidence": "", "source": OPEN_DATA_CHARTER,
                             "as_of": first_date}, path.name, 0)
    result.add("consortium_themes", {"consortium_id": ODC_ID, "theme_id": "open_data", "source": OPEN_DATA_CHARTER,
                                     "as_of": first_date}, path.name, 0)
    for line, r in records:
        iso3 = resolve_country(r["country"])
        if iso3 is None:
            result.issue(path.name, line, "country", f"unknown country {r['country']!r}")
            continue
        level = r["level"].strip().casefold()
        member_id = iso3 if level == "national" else local_member_id(iso3, r["adopter"].strip())
        result.add("memberships", {"participant_type": "member", "participant_id": member_id,
                                   "consortium_id": ODC_ID, "role": "adopter", "confidence": "",
                                   "source": OPEN_DATA_CHARTER,
                                   "as_of": _as_of(r["adopted"], path, line, result, "adopted")}, path.name, line)
    return result


SC_ID = "ogp-steering-committee"


def parse_steering_committee(path: Path) -> ParseResult:
    """``ogp_steering_committee_PARTIAL.csv`` → the Steering Committee consortium and its seat holders.

    A participant listed for several periods gets one membership, dated by its latest period.
    """
    result = ParseResult()
    records = _records(path, result)
    result.add("sources", hand_source(STEERING_COMMITTEE, path, [r for _, r in records]), path.name)
    periods = sorted(period_as_of(r["period"]) or HAND_AS_OF for _, r in records)
    result.add("consortia", {"id": SC_ID, "name": "OGP Steering Committee", "kind": "initiative", "confidence": "",
                             "source": STEERING_COMMITTEE, "as_of": periods[0] if periods else HAND_AS_OF},
               path.name, 0)
    latest: dict[tuple[str, str], tuple[str, int, str]] = {}
    for line, r in records:
        as_of = period_as_of(r["period"]) or HAND_AS_OF
        name = r["organisation_or_government"].strip()
        country = resolve_country(r["country"]) if r["country"].strip() else None
        if r["constituency"].strip() == "government":
            iso3 = country or resolve_country(name)
            if iso3 is None:
                result.issue(path.name, line, "organisation_or_government", f"unknown country {name!r}")
                continue
            key, role = ("member", iso3), "government seat"
        else:
            org = _organisation_stub(name, "civil_society", STEERING_COMMITTEE, as_of, hq_iso3=country or "")
            result.add("organisations", org, path.name, line)
            key, role = ("organisation", org["id"]), "civil society seat"
        if key not in latest or as_of > latest[key][0]:
            latest[key] = (as_of, line, role)
    for (ptype, pid), (as_of, line, role) in sorted(latest.items()):
        result.add("memberships", {"participant_type": ptype, "participant_id": pid, "consortium_id": SC_ID,
                                   "role": role, "confidence": "", "source": STEERING_COMMITTEE, "as_of": as_of},
                   path.name, line)
    return result


# ---------------------------------------------------------------------------------------------------- all


HAND_FILES: dict[str, str] = {
    "members": "ogp_members.csv",
    "thematic_partners": "ogp_thematic_partners.csv",
    "multilateral_partners": "ogp_multilateral_partners.csv",
    "engagements": "partner_country_engagements.csv",
    "working_groups": "ogp_working_groups_anchors.csv",
    "paris_actions": "paris_declaration_collective_actions.csv",
    "paris_signatories": "paris_declaration_signatories.csv",
    "open_data_charter": "open_data_charter_adopters_2015.csv",
    "steering_committee": "ogp_steering_committee_PARTIAL.csv",
}

UNUSED_FILES: dict[str, str] = {
    "ogp_2017_theme_counts.csv": "open-contracting proxy list derived from an older OCP snapshot; the current OCP "
                                 "map (raw/ocp-data) is used instead",
    "ogp_challenge_areas_2023_2028.csv": "challenge areas are not part of the data model",
    "ogp_launch_cohort_2011-09.csv": "the same facts are in ogp_members.csv",
    "paris_declaration_collective_actions_PARTIAL.csv": "superseded by paris_declaration_collective_actions.csv",
}


def parse_hand(hand_dir: Path) -> ParseResult:
    """All hand tables of ``reference/hand/``, in the order the builder gives them priority."""
    files = {key: hand_dir / name for key, name in HAND_FILES.items()}
    result = ParseResult()
    result.extend(parse_members(files["members"]))
    result.extend(parse_thematic_partners(files["thematic_partners"]))
    result.extend(parse_multilateral_partners(files["multilateral_partners"]))
    result.extend(parse_engagements(files["engagements"]))
    result.extend(parse_working_groups(files["working_groups"]))
    result.extend(parse_paris(files["paris_actions"], files["paris_signatories"]))
    result.extend(parse_open_data_charter(files["open_data_charter"]))
    result.extend(parse_steering_committee(files["steering_committee"]))
    for name, why in UNUSED_FILES.items():
        if (hand_dir / name).exists():
            result.issue(name, 0, "*", f"table not used: {why}", "noted")
    return result
