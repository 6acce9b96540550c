"""OGP commitments database export (171 columns) → members, commitments, commitment themes.

The parser finds every column by its header, never by position, so the full OGP
export (same columns, any order) loads unchanged. The 86 policy-area tag columns
are the ``tag`` values of ``reference/ogp_policy_area_taxonomy.csv``, read at build
time; a tag maps to at most one of the 15 theme keys (``project_theme``; blank =
no theme). A tag cell is ``1`` (tagged), ``0`` (not tagged) or ``ND``/``NA``/blank
(no data: treated as not tagged and noted).

Member of a commitment: ``National`` rows → the ISO-3 in ``Code`` (else the
country name). ``Legacy Local``/``Local`` rows name ``"<locality>, <country>"`` →
``<parent_iso3>-<slug>``; the parent comes from the country part of the name, or
from the first two letters of ``Code`` (``ARBA`` → AR). Kosovo is exported with
level ``Other`` and code ``XKX``: a country code at level ``Other`` is taken as a
national member (noted).

IRM fields: ``ND``, ``NR`` and ``NA`` mean no rating and become blank. Completion
is the end-of-term rating when there is one, else the progress-report rating;
``irm_starred`` is ``Star - Most Recently Assessed``. Every row's ``as_of`` is the
export's date (2024-07, which also dates the IRM ratings); the submission year is in
``year``.
"""

from __future__ import annotations

from pathlib import Path

from loaders.build.countries import resolve_country
from loaders.build.ids import local_member_id
from loaders.build.regions import normalise_ogp_region
from loaders.build.sources import (
    NOTED,
    REPAIRED,
    ParseResult,
    Row,
    SourceFormatError,
    csv_header,
    iter_csv,
    source_row,
)
from model.schema import THEMES

SOURCE_ID = "ogp-commitments"
TAXONOMY_SOURCE_ID = "ogp-policy-area-taxonomy"
AS_OF = "2024-07"

COL_ID = "Commitment Unique Identifier"
COL_MEMBER = "Country/Locality"
COL_CODE = "Code"
COL_REGION = "Region"
COL_LEVEL = "National Or Local"
COL_YEAR = "Year Of Submission"
COL_TITLE = "Commitment Title"
COL_SHORT_TITLE = "Short Title"
COL_PLAN = "Action Plan ID"
COL_SPECIFICITY = "Specificity"
COL_IMPACT = "Potential Impact"
COL_COMPLETION_PR = "Completion (Progress Report)"
COL_COMPLETION_EOT = "Completion (End Of Term)"
COL_STARRED = "Star - Most Recently Assessed"
REQUIRED_COLUMNS = (COL_ID, COL_MEMBER, COL_CODE, COL_LEVEL, COL_YEAR, COL_TITLE)

NO_DATA = frozenset({"ND", "NR", "NA", "N/A", ""})
LOCAL_LEVELS = frozenset({"legacy local", "local", "subnational"})


def taxonomy_source() -> Row:
    """The ``sources`` row for the policy-area taxonomy (also the source of ``themes``)."""
    return source_row(
        TAXONOMY_SOURCE_ID,
        "OGP policy-area tags mapped to the project's 15 theme keys (reference/ogp_policy_area_taxonomy.csv)",
        "",
        "project reference table",
        AS_OF,
    )


def commitments_source() -> Row:
    """The ``sources`` row for the commitments export."""
    return source_row(
        SOURCE_ID,
        "OGP commitments database export (g0v/ogp-commitments open_parliament_0703.csv)",
        "https://github.com/g0v/ogp-commitments/blob/2895b3e9704c76c7af012b6fa2c02a965ed24c96/open_parliament_0703.csv",
        "CC BY 3.0 Unported (OGP disclosure policy); attribute OGP/IRM",
        AS_OF,
    )


def parse_taxonomy(path: Path) -> tuple[dict[str, str | None], ParseResult]:
    """OGP policy-area tag → theme key (None when the tag maps to no theme).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "tax.csv"
    >>> _ = p.write_text("tag,parent_area,kind,project_theme\\nAudits,,sub_tag,anti_corruption\\nAid,,other_tag,\\n")
    >>> parse_taxonomy(p)[0]
    {'Audits': 'anti_corruption', 'Aid': None}
    """
    result = ParseResult()
    mapping: dict[str, str | None] = {}
    for line, record in iter_csv(path, result):
        tag = record.get("tag", "").strip()
        theme = record.get("project_theme", "").strip() or None
        if not tag:
            result.issue(path.name, line, "tag", "blank tag")
            continue
        if theme is not None and theme not in THEMES:
            result.issue(path.name, line, "project_theme", f"unknown theme key {theme!r}; tag kept without theme")
            theme = None
        mapping[tag] = theme
    return mapping, result


def irm_value(value: str) -> str:
    """An IRM rating, blank for the no-data codes ND/NR/NA.

    Examples
    --------
    >>> irm_value("Moderate"), irm_value("ND")
    ('Moderate', '')
    """
    value = value.strip()
    return "" if value.upper() in NO_DATA else value


def starred(value: str) -> bool | None:
    """``Star`` flag: ``1`` → True, ``0`` → False, anything else → None.

    Examples
    --------
    >>> starred("1"), starred("0"), starred("ND")
    (True, False, None)
    """
    return {"1": True, "0": False}.get(value.strip())


def split_locality(name: str) -> tuple[str, str]:
    """``"Buenos Aires, Argentina"`` → ``("Buenos Aires", "Argentina")``; no comma → ``(name, "")``.

    Examples
    --------
    >>> split_locality("Scotland, United Kingdom")
    ('Scotland', 'United Kingdom')
    """
    head, sep, tail = name.rpartition(",")
    return (head.strip(), tail.strip()) if sep else (name.strip(), "")


def member_of_row(record: dict[str, str]) -> tuple[Row | None, str]:
    """The member row a commitment belongs to, or ``(None, reason)``.

    Examples
    --------
    >>> row, _ = member_of_row({"Country/Locality": "Jalisco, Mexico", "Code": "MXJL",
    ...                         "National Or Local": "Legacy Local", "Region": "Americas"})
    >>> row["id"], row["parent_iso3"], row["level"]
    ('MEX-jalisco', 'MEX', 'local')
    """
    name = record.get(COL_MEMBER, "").strip()
    code = record.get(COL_CODE, "").strip()
    level = record.get(COL_LEVEL, "").strip().casefold()
    region = normalise_ogp_region(record.get(COL_REGION, "")) or ""
    if level in LOCAL_LEVELS:
        locality, country = split_locality(name)
        parent = (resolve_country(country) if country else None) or (resolve_country(code[:2]) if code else None)
        if not parent or not locality:
            return None, f"cannot tell the country of local member {name!r} (code {code!r})"
        return {
            "id": local_member_id(parent, locality),
            "name": locality,
            "iso3": parent,
            "level": "local",
            "parent_iso3": parent,
            "region": region,
            "status": "active",
        }, ""
    iso3 = (resolve_country(code) if code else None) or resolve_country(name)
    if not iso3:
        return None, f"unknown country {name!r} (code {code!r})"
    return {"id": iso3, "name": name, "iso3": iso3, "level": "national", "parent_iso3": "", "region": region,
            "status": "active"}, ""


def _check_columns(path: Path, header: list[str], taxonomy: dict[str, str | None], result: ParseResult) -> list[str]:
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise SourceFormatError(f"{path.name}: missing column(s) {', '.join(missing)}")
    for tag in taxonomy:
        if tag not in header:
            result.issue(path.name, 1, tag, "taxonomy tag has no column in the export", NOTED)
    return [tag for tag in taxonomy if tag in header]


def parse_commitments(path: Path, taxonomy: dict[str, str | None]) -> ParseResult:
    """Members, commitments and commitment themes from an OGP commitments export."""
    result = ParseResult()
    result.add("sources", commitments_source(), path.name)
    tag_columns = _check_columns(path, csv_header(path), taxonomy, result)
    records = list(iter_csv(path, result))
    seen_members: set[str] = set()
    for line, record in records:
        cid = record[COL_ID].strip()
        if not cid:
            result.issue(path.name, line, COL_ID, "blank commitment id")
            continue
        member, why = member_of_row(record)
        if member is None:
            result.issue(path.name, line, COL_MEMBER, why)
            continue
        if member["id"] not in seen_members:
            seen_members.add(member["id"])
            _note_member_repairs(path, line, record, member, result)
            # status "" = this export is no evidence of status (old commitments of a withdrawn member)
            result.add("members", {**member, "status": "", "joined": None, "confidence": "", "source": SOURCE_ID,
                                   "as_of": AS_OF}, path.name, line)
        commitment = _commitment_row(path, line, cid, member["id"], record, result)
        if commitment is None:
            continue
        result.add("commitments", commitment, path.name, line)
        for theme, tags in _themes_of(path, line, record, tag_columns, taxonomy, result).items():
            result.add("commitment_themes", {"commitment_id": cid, "theme_id": theme, "tags": ";".join(tags),
                                             "source": SOURCE_ID, "as_of": AS_OF}, path.name, line)
    return result


def _note_member_repairs(path: Path, line: int, record: dict[str, str], member: Row, result: ParseResult) -> None:
    level = record.get(COL_LEVEL, "").strip()
    if member["level"] == "national" and level.casefold() not in ("national", ""):
        result.issue(path.name, line, COL_LEVEL,
                     f"level {level!r} for country code {member['iso3']}: taken as national", REPAIRED)
    if not record.get(COL_CODE, "").strip():
        result.issue(path.name, line, COL_CODE, f"blank code; resolved {record[COL_MEMBER]!r} by name", REPAIRED)
    raw_region = record.get(COL_REGION, "").strip()
    if raw_region and not member["region"]:
        result.issue(path.name, line, COL_REGION, f"unknown OGP region {raw_region!r}; left blank", REPAIRED)


def _commitment_row(path: Path, line: int, cid: str, member_id: str, record: dict[str, str],
                    result: ParseResult) -> Row | None:
    title = record.get(COL_TITLE, "").strip() or record.get(COL_SHORT_TITLE, "").strip()
    if not title:
        result.issue(path.name, line, COL_TITLE, "blank title")
        return None
    year_text = record.get(COL_YEAR, "").strip()
    if not year_text.isdigit():
        result.issue(path.name, line, COL_YEAR, f"year of submission {year_text!r} is not a year")
        return None
    completion = irm_value(record.get(COL_COMPLETION_EOT, "")) or irm_value(record.get(COL_COMPLETION_PR, ""))
    return {
        "id": cid,
        "member_id": member_id,
        "title": title,
        "year": int(year_text),
        "action_plan": record.get(COL_PLAN, "").strip(),
        "irm_specificity": irm_value(record.get(COL_SPECIFICITY, "")),
        "irm_potential_impact": irm_value(record.get(COL_IMPACT, "")),
        "irm_completion": completion,
        "irm_starred": starred(record.get(COL_STARRED, "")),
        "source": SOURCE_ID,
        "as_of": AS_OF,
    }


def _themes_of(path: Path, line: int, record: dict[str, str], tag_columns: list[str],
               taxonomy: dict[str, str | None], result: ParseResult) -> dict[str, list[str]]:
    themes: dict[str, list[str]] = {}
    no_data: list[str] = []
    for tag in tag_columns:
        value = record.get(tag, "").strip()
        if value == "1":
            theme = taxonomy[tag]
            if theme:
                themes.setdefault(theme, []).append(tag)
        elif value.upper() in NO_DATA:
            no_data.append(tag)
        elif value != "0":
            result.issue(path.name, line, tag, f"tag value {value!r} is not 0/1/ND: treated as not tagged", REPAIRED)
    if no_data:
        result.issue(path.name, line, "policy-area tags",
                     f"{len(no_data)} tag(s) with no data (ND/NA/blank) treated as not tagged", NOTED)
    return {theme: sorted(tags) for theme, tags in themes.items()}
