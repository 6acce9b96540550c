"""Global Data Barometer 2022 (1st edition) → per-country × theme score signals, research hubs.

Files: ``countries.json`` (109 countries: ISO-3, region, regional research hub),
``indicators.json`` (names of the 53 indicators, pillars and modules) and
``measures.json`` (0–100 scores per country; an ``AVERAGE`` row is not a country
and is skipped).

Scores taken, and the theme each one signals (kind ``score``; a low score is a need):

==========================  ==========================================  ======================
GDB measure                 indicator key                               theme
==========================  ==========================================  ======================
SCORE (all modules)         gdb_overall_score                           open_data
GOVERNANCE (core module)    gdb_data_governance_module                  digital_governance
CAPABILITIES (core module)  gdb_capabilities_module                     digital_governance
PI (Political Integrity)    gdb_political_integrity_module              anti_corruption
PROCUREMENT                 gdb_public_procurement_module               open_contracting
A.PROCUREMENT.OC            gdb_procurement_data_availability           open_contracting
COMPANY (Company Info)      gdb_company_information_module              beneficial_ownership
A.COMPANY.BOT               gdb_bo_data_availability                    beneficial_ownership
G.COMPANY.BOT               gdb_bo_framework                            beneficial_ownership
LAND                        gdb_land_module                             natural_resources
CLIMATE (Climate Action)    gdb_climate_module                          climate
PF (Public Finance)         gdb_public_finance_module                   fiscal_openness
HEALTH (Health & Covid-19)  gdb_health_module                           public_services
A.PI.RTI                    gdb_rti_performance_data                    access_to_information
G.PI.RTI                    gdb_rti_performance_framework               access_to_information
G.PI.RTIF                   gdb_rti_framework                           access_to_information
A.PI.PUBCON                 gdb_public_consultation_data                public_participation
G.PI.PUBCON                 gdb_public_consultation_framework           public_participation
U.LAND.GENDERINCLUSION      gdb_gender_inclusion_use                    gender_inclusion
C.CAPABILITIES.PFREEDOM     gdb_political_freedoms                      civic_space
==========================  ==========================================  ======================

Each country's regional research hub becomes an organisation (civil society, or
the sector in :data:`loaders.build.organisations.SECTOR_OVERRIDES`: Birzeit University
academic, Pacific Community multilateral, the Caribbean Open Institute and ILDA
networks) with an engagement ``research_hub`` on open_data. GDB's region and
sub-region are region evidence for members (see :mod:`loaders.build.regions`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from loaders.build.countries import iso3_from_code
from loaders.build.organisations import SECTOR_OVERRIDES, canonical_organisation
from loaders.build.regions import RANK_GDB, REGION_EVIDENCE, region_from_gdb
from loaders.build.sources import ParseResult, Row, source_row
from loaders.textio import read_json

SOURCE_ID = "gdb-2022"
AS_OF = "2022"

MEASURE_THEMES: dict[str, tuple[str, str]] = {
    "SCORE": ("open_data", "gdb_overall_score"),
    "GOVERNANCE": ("digital_governance", "gdb_data_governance_module"),
    "CAPABILITIES": ("digital_governance", "gdb_capabilities_module"),
    "PI": ("anti_corruption", "gdb_political_integrity_module"),
    "PROCUREMENT": ("open_contracting", "gdb_public_procurement_module"),
    "A.PROCUREMENT.OC": ("open_contracting", "gdb_procurement_data_availability"),
    "COMPANY": ("beneficial_ownership", "gdb_company_information_module"),
    "A.COMPANY.BOT": ("beneficial_ownership", "gdb_bo_data_availability"),
    "G.COMPANY.BOT": ("beneficial_ownership", "gdb_bo_framework"),
    "LAND": ("natural_resources", "gdb_land_module"),
    "CLIMATE": ("climate", "gdb_climate_module"),
    "PF": ("fiscal_openness", "gdb_public_finance_module"),
    "HEALTH": ("public_services", "gdb_health_module"),
    "A.PI.RTI": ("access_to_information", "gdb_rti_performance_data"),
    "G.PI.RTI": ("access_to_information", "gdb_rti_performance_framework"),
    "G.PI.RTIF": ("access_to_information", "gdb_rti_framework"),
    "A.PI.PUBCON": ("public_participation", "gdb_public_consultation_data"),
    "G.PI.PUBCON": ("public_participation", "gdb_public_consultation_framework"),
    "U.LAND.GENDERINCLUSION": ("gender_inclusion", "gdb_gender_inclusion_use"),
    "C.CAPABILITIES.PFREEDOM": ("civic_space", "gdb_political_freedoms"),
}


def gdb_source() -> Row:
    """The ``sources`` row of the Global Data Barometer files."""
    return source_row(
        SOURCE_ID,
        "Global Data Barometer, 1st edition (2022): countries, indicators, measures "
        "(yharahuts/globaldatabarometer-parsed-results)",
        "https://github.com/yharahuts/globaldatabarometer-parsed-results/tree/"
        "9598f2d35b4fa93129af9e2758f5aa5484875623/original_data",
        "not stated by the repository; GDB data on Zenodo doi:10.5281/zenodo.6488349 — confirm before redistribution",
        AS_OF,
    )


def score_value(raw: Any) -> float | None:
    """A 0–100 score from a measures cell, None if it is not one.

    Examples
    --------
    >>> score_value("39"), score_value(""), score_value("150")
    (39.0, None, None)
    """
    try:
        value = float(raw)
    except (TypeError, ValueError):
        return None
    return value if 0.0 <= value <= 100.0 else None


def indicator_names(path: Path) -> dict[str, str]:
    """GDB measure id → its published name (``indicators.json``)."""
    return {str(i.get("indicator_id")): str(i.get("indicator_name", "")) for i in read_json(path)}


def parse_gdb(countries_path: Path, indicators_path: Path, measures_path: Path) -> ParseResult:
    """Score signals, research hubs and region evidence from the GDB files."""
    result = ParseResult()
    result.add("sources", gdb_source(), measures_path.name)
    names = indicator_names(indicators_path)
    countries: list[dict[str, Any]] = read_json(countries_path)
    for position, country in enumerate(countries, start=1):
        _country(country, position, countries_path.name, result)
    for position, measures in enumerate(read_json(measures_path), start=1):
        _measures(measures, position, measures_path.name, names, result)
    return result


def _country(country: dict[str, Any], position: int, file: str, result: ParseResult) -> None:
    iso3 = iso3_from_code(str(country.get("iso", "")))
    if iso3 is None:
        result.issue(file, position, "iso", f"unknown country code {country.get('iso')!r}")
        return
    region = region_from_gdb(str(country.get("region_name", "")), str(country.get("sub_region_name", "")))
    if region:
        result.add(REGION_EVIDENCE, {"member_id": iso3, "region": region, "rank": RANK_GDB,
                                     "detail": f"GDB {country.get('region_name')} / {country.get('sub_region_name')}"},
                   file, position)
    hub = str(country.get("regional_hub", "")).strip()
    if not hub:
        return
    org_id, display = canonical_organisation(hub)
    result.add("organisations", {"id": org_id, "name": display, "sector": SECTOR_OVERRIDES.get(org_id, "civil_society"),
                                 "hq_iso3": "", "confidence": "", "source": SOURCE_ID, "as_of": AS_OF}, file, position)
    result.add("engagements", {"organisation_id": org_id, "member_id": iso3, "theme_id": "open_data",
                               "relation": "research_hub", "detail": f"GDB 2022 regional research hub: {hub}",
                               "confidence": "", "source": SOURCE_ID, "as_of": AS_OF}, file, position)


def _measures(measures: dict[str, Any], position: int, file: str, names: dict[str, str],
              result: ParseResult) -> None:
    code = str(measures.get("iso", ""))
    iso3 = iso3_from_code(code)
    if iso3 is None:
        why = "aggregate row, not a country" if code.isalpha() and len(code) > 3 else "unknown country code"
        result.issue(file, position, "iso", f"{code!r}: {why}")
        return
    for measure, (theme, indicator) in MEASURE_THEMES.items():
        if measure not in measures:
            result.issue(file, position, measure, "measure missing")
            continue
        value = score_value(measures[measure])
        if value is None:
            result.issue(file, position, measure, f"{measures[measure]!r} is not a 0-100 score")
            continue
        result.add("signals", {"member_id": iso3, "theme_id": theme, "indicator": indicator, "kind": "score",
                               "value": value, "detail": f"GDB {measure}: {names.get(measure, measure)}",
                               "confidence": "", "source": SOURCE_ID, "as_of": AS_OF}, file, position)
