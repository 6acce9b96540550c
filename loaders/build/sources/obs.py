"""Open Budget Survey 2019 (International Budget Partnership) → fiscal_openness score signals.

Files (``ibp-explorer__ibp_data_*_2019.csv``): ``summary`` (Open Budget Index per
country), ``scores`` (per-question scores 0/33/67/100; blank = not applicable,
letter ``e``), ``groupings`` (which questions make up each group), ``regions`` and
``countrycodes`` (ISO alpha-2 → name; ``NA`` is Namibia, so no value is read as
missing).

Signals (kind ``score``, theme ``fiscal_openness``):

* ``obs_open_budget_index`` — the published Open Budget Index;
* ``obs_public_participation`` — mean of the group "Public Participation in the
  Budget Process" (18 questions);
* ``obs_oversight`` — mean of the group "Role and Effectiveness of Oversight
  Institutions" (18 questions).

The two group scores are recomputed here as the unweighted mean of the group's
question scores with not-applicable questions left out (IBP's method); they may
differ by rounding from IBP's published figures. The OBS region is region
evidence for members (see :mod:`loaders.build.regions`).
"""

from __future__ import annotations

from pathlib import Path

from loaders.build.countries import iso3_from_code
from loaders.build.regions import RANK_IBP, REGION_EVIDENCE, region_from_ibp
from loaders.build.sources import ParseResult, Row, SourceFormatError, iter_csv, source_row

SOURCE_ID = "ibp-obs-2019"
AS_OF = "2019"
THEME = "fiscal_openness"
GROUP_INDICATORS: dict[str, str] = {
    "Public Participation in the Budget Process": "obs_public_participation",
    "Role and Effectiveness of Oversight Institutions": "obs_oversight",
}


def obs_source() -> Row:
    """The ``sources`` row of the Open Budget Survey files."""
    return source_row(
        SOURCE_ID,
        "Open Budget Survey 2019, International Budget Partnership (okfn/ibp-explorer ibp_data_csv_2019.zip)",
        "https://github.com/okfn/ibp-explorer/blob/eef82ceacb4cb369bca28b1d789495c7597445f3/"
        "explorer/assets/downloads/ibp_data_csv_2019.zip",
        "no licence stated; International Budget Partnership data — check IBP terms, attribute IBP",
        AS_OF,
    )


def group_mean(scores: dict[str, str], questions: list[str]) -> float | None:
    """Mean of the numeric scores of ``questions`` (``Q n`` columns), blanks left out.

    Examples
    --------
    >>> group_mean({"Q 1": "100", "Q 2": "33", "Q 3": ""}, ["1", "2", "3"])
    66.5
    >>> group_mean({"Q 1": ""}, ["1"]) is None
    True
    """
    values = [float(scores[f"Q {q}"]) for q in questions if scores.get(f"Q {q}", "").strip().replace(".", "").isdigit()]
    return round(sum(values) / len(values), 1) if values else None


def question_groups(path: Path) -> dict[str, list[str]]:
    """Group name → question numbers, for the groups in :data:`GROUP_INDICATORS`."""
    groups: dict[str, list[str]] = {}
    for _, r in iter_csv(path):
        if r.get("GROUP", "") in GROUP_INDICATORS:
            groups.setdefault(r["GROUP"], []).append(r.get("QUESTION", "").strip())
    return groups


def _signal(iso3: str, indicator: str, value: float, detail: str) -> Row:
    return {"member_id": iso3, "theme_id": THEME, "indicator": indicator, "kind": "score", "value": value,
            "detail": detail, "confidence": "", "source": SOURCE_ID, "as_of": AS_OF}


def parse_obs(summary_path: Path, scores_path: Path, groupings_path: Path, regions_path: Path,
              countrycodes_path: Path) -> ParseResult:
    """Open Budget Index and group scores per country, and OBS region evidence."""
    result = ParseResult()
    result.add("sources", obs_source(), summary_path.name)
    known = {r["COUNTRY_CODE"].strip() for _, r in iter_csv(countrycodes_path, result)}
    for line, r in iter_csv(summary_path, result):
        code = r.get("COUNTRY", "").strip()
        iso3 = iso3_from_code(code)
        if iso3 is None or code not in known:
            result.issue(summary_path.name, line, "COUNTRY", f"unknown country code {code!r}")
            continue
        index = r.get("OPEN_BUDGET_INDEX", "").strip()
        if not index.isdigit():
            result.issue(summary_path.name, line, "OPEN_BUDGET_INDEX", f"{index!r} is not a score")
            continue
        result.add("signals", _signal(iso3, "obs_open_budget_index", float(index),
                                      f"Open Budget Index 2019 (rank {r.get('RANK', '').strip()})"),
                   summary_path.name, line)
    groups = question_groups(groupings_path)
    if set(groups) != set(GROUP_INDICATORS):
        raise SourceFormatError(f"{groupings_path.name}: missing group(s) {set(GROUP_INDICATORS) - set(groups)}")
    for line, r in iter_csv(scores_path, result):
        iso3 = iso3_from_code(r.get("COUNTRY_CODE", ""))
        if iso3 is None:
            result.issue(scores_path.name, line, "COUNTRY_CODE", f"unknown country code {r.get('COUNTRY_CODE')!r}")
            continue
        for group, indicator in GROUP_INDICATORS.items():
            value = group_mean(r, groups[group])
            if value is None:
                result.issue(scores_path.name, line, group, "no applicable question")
                continue
            result.add("signals", _signal(iso3, indicator, value, f"OBS 2019 {group}: mean of "
                                                                  f"{len(groups[group])} questions"),
                       scores_path.name, line)
    for line, r in iter_csv(regions_path, result):
        iso3, region = iso3_from_code(r.get("COUNTRY_CODE", "")), region_from_ibp(r.get("REGION_NAME", ""))
        if iso3 and region:
            result.add(REGION_EVIDENCE, {"member_id": iso3, "region": region, "rank": RANK_IBP,
                                         "detail": f"OBS {r['REGION_NAME']}"}, regions_path.name, line)
    return result
