"""Tests of the dataset builder: the schema contract, determinism, atomic writes, and facts
recomputed straight from the raw files and compared with the built tables.

The raw files live outside the repository: ``$OGPNET_RAW_DIR`` or
``../shared/data/ogp`` next to the repository root. When they are missing these
tests fail, they never skip.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
from collections import Counter
from pathlib import Path

import pandas as pd
import pycountry
import pytest

from loaders.build.dataset import BuildError, BuildReport, build_dataset, default_raw_dir, main_build
from loaders.load.validate import validate_dataset
from model.schema import TABLES, THEMES

REPO_ROOT = Path(__file__).resolve().parents[1]
COMMITTED_DATA = REPO_ROOT / "data"


@pytest.fixture(scope="module")
def raw_dir() -> Path:
    """The public OGP data folder; fails (never skips) when it is not there."""
    env = os.environ.get("OGPNET_RAW_DIR", "").strip()
    path = Path(env) if env else REPO_ROOT.parent / "shared" / "data" / "ogp"
    if not (path / "raw").is_dir() or not (path / "reference" / "hand").is_dir():
        pytest.fail(f"raw OGP data folder not found at {path} (needs raw/ and reference/hand/); "
                    "set OGPNET_RAW_DIR to the folder holding raw/ and reference/", pytrace=False)
    return path


@pytest.fixture(scope="module")
def built(raw_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BuildReport]:
    out = tmp_path_factory.mktemp("dataset")
    return out, build_dataset(raw_dir, out)


@pytest.fixture(scope="module")
def tables(built: tuple[Path, BuildReport]) -> dict[str, list[dict[str, str]]]:
    out, _ = built
    result = {}
    for spec in TABLES:
        with (out / f"{spec.name}.csv").open(encoding="utf-8", newline="") as handle:
            result[spec.name] = list(csv.DictReader(handle))
    return result


def raw_csv(raw_dir: Path, name: str) -> pd.DataFrame:
    # keep_default_na=False: 'NA' is Namibia, 'ND' is "no data"; nothing is silently turned into NaN
    return pd.read_csv(raw_dir / "raw" / name, dtype=str, keep_default_na=False)


def copy_raw(raw_dir: Path, dest: Path) -> Path:
    """A writable copy of the raw folder (the shared originals are read-only)."""
    for source in raw_dir.rglob("*"):
        target = dest / source.relative_to(raw_dir)
        if source.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
    return dest


def iso3(alpha2: str) -> str:
    if alpha2.upper() == "XK":
        return "XKX"
    country = pycountry.countries.get(alpha_2=alpha2.upper())
    assert country is not None, alpha2
    return str(country.alpha_3)


# ------------------------------------------------------------------------------------------------ contract


def test_every_table_follows_the_schema(built: tuple[Path, BuildReport]) -> None:
    out, report = built
    for spec in TABLES:
        text = (out / f"{spec.name}.csv").read_bytes().decode("utf-8")  # UTF-8, no BOM
        assert not text.startswith("\ufeff")
        header = next(csv.reader([text.splitlines()[0]]))
        assert header == spec.column_names, spec.name
        assert report.rows[spec.name] > 0, spec.name
    validate_dataset(out)  # the loader's validator: types, enums, keys, references


def test_rows_are_sorted_by_key(tables: dict[str, list[dict[str, str]]]) -> None:
    for spec in TABLES:
        keys = [[row[k] for k in spec.key] for row in tables[spec.name]]
        assert keys == sorted(keys), spec.name
        assert len({tuple(k) for k in keys}) == len(keys), spec.name


def test_every_row_is_sourced_and_dated(tables: dict[str, list[dict[str, str]]]) -> None:
    source_ids = {row["id"] for row in tables["sources"]}
    for spec in TABLES:
        for row in tables[spec.name]:
            assert row["as_of"], spec.name
            if spec.name != "sources":
                assert row["source"] in source_ids, spec.name


def test_themes_are_the_fifteen_keys(tables: dict[str, list[dict[str, str]]]) -> None:
    assert sorted(row["id"] for row in tables["themes"]) == sorted(THEMES)


def test_build_is_deterministic(raw_dir: Path, built: tuple[Path, BuildReport], tmp_path: Path) -> None:
    first, _ = built
    build_dataset(raw_dir, tmp_path)
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(p.name for p in tmp_path.iterdir())
    for name in names:
        assert (first / name).read_bytes() == (tmp_path / name).read_bytes(), name


def test_committed_dataset_is_up_to_date(built: tuple[Path, BuildReport]) -> None:
    out, _ = built
    for path in sorted(out.iterdir()):
        committed = COMMITTED_DATA / path.name
        assert committed.is_file(), f"data/{path.name} missing: run `ogpnet data build`"
        assert committed.read_bytes() == path.read_bytes(), f"data/{path.name} is stale: run `ogpnet data build`"


def test_failed_build_writes_nothing(raw_dir: Path, tmp_path: Path) -> None:
    broken = copy_raw(raw_dir, tmp_path / "raw-copy")
    (broken / "raw" / "ibp-explorer__ibp_data_summary_2019.csv").unlink()
    out = tmp_path / "out"
    out.mkdir()
    (out / "members.csv").write_text("previous build\n", encoding="utf-8")
    with pytest.raises(BuildError, match="ibp_data_summary_2019.csv"):
        build_dataset(broken, out)
    assert [p.name for p in out.iterdir()] == ["members.csv"]
    assert (out / "members.csv").read_text(encoding="utf-8") == "previous build\n"


def test_bad_format_is_a_build_error_and_leaves_no_temp_folder(raw_dir: Path, tmp_path: Path) -> None:
    broken = copy_raw(raw_dir, tmp_path / "raw-copy")
    commitments = broken / "raw" / "ogp-commitments__open_parliament_0703.csv"
    commitments.write_text("id,title\n1,x\n", encoding="utf-8")
    out = tmp_path / "out"
    with pytest.raises(BuildError, match="missing column"):
        build_dataset(broken, out)
    assert not out.exists() or list(out.iterdir()) == []


def test_main_build_reports_a_missing_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OGPNET_RAW_DIR", str(tmp_path / "nowhere"))
    assert default_raw_dir() == tmp_path / "nowhere"
    assert main_build(None, tmp_path / "out") == BuildError.exit_code
    err = capsys.readouterr().err
    assert "raw data folder not found" in err and "OGPNET_RAW_DIR" in err
    assert not (tmp_path / "out").exists()


def test_readme_documents_every_column(built: tuple[Path, BuildReport]) -> None:
    out, _ = built
    readme = (out / "README.md").read_text(encoding="utf-8")
    for spec in TABLES:
        assert f"## {spec.name}.csv" in readme
        for column in spec.columns:
            assert f"| `{column.name}` | {column.type} |" in readme, f"{spec.name}.{column.name}"


def test_build_report_lists_every_issue(built: tuple[Path, BuildReport]) -> None:
    out, report = built
    text = (out / "BUILD_REPORT.md").read_text(encoding="utf-8")
    assert "## Rows per table" in text and "## What each source contributed" in text
    assert len(report.issues) > 0
    for issue in report.issues:
        assert f"| {issue.row} | {issue.field.replace('|', chr(92) + '|')} | {issue.action} |" in text


# ------------------------------------------------------------------------------------------------ facts from raw


def test_open_ownership_current_engagements_match_the_raw_file(
        raw_dir: Path, tables: dict[str, list[dict[str, str]]]) -> None:
    oo = raw_csv(raw_dir, "openownership.org-wagtail__countries.csv")
    current = oo[oo["involvement"] == "Current"]
    involved = oo[oo["involved"] == "True"]
    # 28 rows say Current, one of them "United Kingdom Overseas Territories" with a blank code: 27 countries.
    # 31 rows are involved (Current or Historic): 30 countries — the "30" often quoted includes 3 historic ones.
    assert len(current) == 28 and (current["iso2"] != "").sum() == 27
    assert len(involved) == 31 and (involved["iso2"] != "").sum() == 30
    members = {row["id"] for row in tables["members"]}
    expected = {iso3(code) for code in current["iso2"] if code} & members
    built_current = {row["member_id"] for row in tables["engagements"]
                     if row["organisation_id"] == "open-ownership" and row["relation"] == "supports_implementation"}
    assert built_current == expected
    assert len(built_current) == 25  # Lebanon and Zambia are not OGP members
    historic = {iso3(code) for code in oo.loc[oo["involvement"] == "Historic", "iso2"]} & members
    assert historic == {row["member_id"] for row in tables["engagements"]
                        if row["organisation_id"] == "open-ownership" and row["relation"] == "past_engagement"}


def test_members_with_commitments_match_the_export(raw_dir: Path, tables: dict[str, list[dict[str, str]]]) -> None:
    export = raw_csv(raw_dir, "ogp-commitments__open_parliament_0703.csv")
    assert len(tables["commitments"]) == len(export) == 558
    assert len({row["member_id"] for row in tables["commitments"]}) == export["Country/Locality"].nunique() == 75
    by_code = export.groupby("Code")["Commitment Unique Identifier"].count()
    built = Counter(row["member_id"] for row in tables["commitments"])
    assert built["XKX"] == by_code["XKX"] and built["MKD"] == by_code["MKD"]
    assert built["ARG-buenos-aires"] == by_code["ARBA"]


def test_engagements_named_in_a_local_commitment_are_with_the_local_member(
        raw_dir: Path, tables: dict[str, list[dict[str, str]]]) -> None:
    export = raw_csv(raw_dir, "ogp-commitments__open_parliament_0703.csv").set_index("Commitment Unique Identifier")
    made_by = {row["id"]: row["member_id"] for row in tables["commitments"]}
    checked = 0
    for row in tables["engagements"]:
        for cid in re.findall(r"\b[A-Z]{2,4}\d{4}\b", row["detail"]):
            if cid in made_by:  # the tie is with whoever made the commitment (Scotland, not the United Kingdom)
                assert row["member_id"] == made_by[cid], (row, export.at[cid, "Country/Locality"])
                checked += 1
    assert checked > 300
    assert export.at["SCO0006", "Country/Locality"] == "Scotland, United Kingdom"
    oecd = {r["member_id"] for r in tables["engagements"]
            if r["organisation_id"] == "oecd" and "SCO0006" in r["detail"]}
    assert oecd == {"GBR-scotland"}


def test_theme_counts_match_the_export_and_taxonomy(raw_dir: Path,
                                                    tables: dict[str, list[dict[str, str]]]) -> None:
    export = raw_csv(raw_dir, "ogp-commitments__open_parliament_0703.csv")
    taxonomy = pd.read_csv(raw_dir / "reference" / "ogp_policy_area_taxonomy.csv", dtype=str, keep_default_na=False)
    expected: Counter[str] = Counter()
    for theme, tags in taxonomy[taxonomy["project_theme"] != ""].groupby("project_theme")["tag"]:
        expected[str(theme)] = int((export[list(tags)] == "1").any(axis=1).sum())
    assert Counter(row["theme_id"] for row in tables["commitment_themes"]) == +expected
    assert expected["legislative_openness"] > expected["climate"]  # the sample is about parliaments


def test_open_budget_index_matches_the_summary(raw_dir: Path, tables: dict[str, list[dict[str, str]]]) -> None:
    summary = raw_csv(raw_dir, "ibp-explorer__ibp_data_summary_2019.csv")
    members = {row["id"] for row in tables["members"]}
    expected = {iso3(c): float(v) for c, v in zip(summary["COUNTRY"], summary["OPEN_BUDGET_INDEX"], strict=True)
                if iso3(c) in members}
    built = {row["member_id"]: float(row["value"]) for row in tables["signals"]
             if row["indicator"] == "obs_open_budget_index"}
    assert built == expected and "NAM" not in members


def test_gdb_overall_scores_match_the_measures(raw_dir: Path, tables: dict[str, list[dict[str, str]]]) -> None:
    measures = json.loads((raw_dir / "raw" / "globaldatabarometer-parsed-results__measures.json").read_text("utf-8"))
    members = {row["id"] for row in tables["members"]}
    expected = {m["iso"]: float(m["SCORE"]) for m in measures if m["iso"] in members}
    built = {row["member_id"]: float(row["value"]) for row in tables["signals"]
             if row["indicator"] == "gdb_overall_score"}
    assert built == expected and "XKX" in built


def test_members_national_local_status_and_kosovo(raw_dir: Path, tables: dict[str, list[dict[str, str]]]) -> None:
    members = {row["id"]: row for row in tables["members"]}
    levels = Counter(row["level"] for row in members.values())
    assert levels == {"national": 86, "local": 58}
    assert members["XKX"]["iso3"] == "XKX" and not any(m.startswith("XK-") or m == "XK" for m in members)
    assert {m: members[m]["status"] for m in ("AZE", "HUN", "TUR", "TZA", "RUS", "BEL", "KEN")} == {
        "AZE": "suspended", "HUN": "withdrawn", "TUR": "withdrawn", "TZA": "withdrawn", "RUS": "withdrawn",
        "BEL": "inactive", "KEN": "active"}
    assert members["TZA-kigoma-ujiji"]["status"] == "active"
    for row in members.values():
        if row["level"] == "local":
            assert row["id"].startswith(row["parent_iso3"] + "-") and row["region"] == members[row["parent_iso3"]][
                "region"]
    export = raw_csv(raw_dir, "ogp-commitments__open_parliament_0703.csv")
    ogp_region = dict(zip(export["Code"], export["Region"].str.replace("the Middle East", "Middle East"),
                          strict=True))
    for member_id, row in members.items():
        if member_id in ogp_region:
            assert row["region"] == ogp_region[member_id], member_id


def test_organisations_with_headquarters_have_their_region(built: tuple[Path, BuildReport],
                                                          tables: dict[str, list[dict[str, str]]]) -> None:
    """Every organisation whose headquarters country a source gives gets that country's OGP region (issue 18):
    the member's region, or for a country outside OGP the region GDB/OBS give it; the headquarters that no raw
    source states come from the project's table with their source, noted in the build report."""
    _, report = built
    organisations = {row["id"]: row for row in tables["organisations"]}
    national = {row["id"]: row["region"] for row in tables["members"] if row["level"] == "national"}
    for org in organisations.values():
        assert bool(org["region"]) == bool(org["hq_iso3"]), org["id"]
        if org["hq_iso3"] in national:
            assert org["region"] == national[org["hq_iso3"]], org["id"]
    assert {o: (organisations[o]["hq_iso3"], organisations[o]["region"]) for o in (
        "open-data-institute", "cost-infrastructure-transparency-initiative", "mazdoor-kisan-shakti-sangathan")} == {
        "open-data-institute": ("GBR", "Europe"), "cost-infrastructure-transparency-initiative": ("GBR", "Europe"),
        "mazdoor-kisan-shakti-sangathan": ("IND", "Asia and the Pacific")}  # India is not an OGP member
    noted = {i.reason for i in report.issues if i.file == "headquarters.csv" and i.action == "noted"}
    assert any(r.startswith("headquarters of open-data-institute: GBR (as of 2024, https://") for r in noted)
    assert any(n.startswith("organisations without headquarters in any source") for n in report.notes)


def test_non_members_are_skipped_and_reported(built: tuple[Path, BuildReport],
                                              tables: dict[str, list[dict[str, str]]]) -> None:
    _, report = built
    members = {row["id"] for row in tables["members"]}
    assert "AGO" not in members and "AUT" not in members
    skipped = {(i.file, i.reason) for i in report.issues if i.action == "skipped"}
    assert ("globaldatabarometer-parsed-results__measures.json", "not an OGP member: AGO") in skipped
    assert ("openownership.org-wagtail__countries.csv", "not an OGP member: AUT") in skipped
    for spec in TABLES:
        for column in ("member_id",):
            if column in spec.column_names:
                assert {row[column] for row in tables[spec.name]} <= members, spec.name


def test_hand_confidence_is_kept(tables: dict[str, list[dict[str, str]]]) -> None:
    organisations = {row["id"]: row for row in tables["organisations"]}
    assert organisations["land-portal"]["confidence"] == "low"
    assert organisations["global-data-barometer"]["confidence"] == "low"
    members = {row["id"]: row for row in tables["members"]}
    assert members["BEL"]["confidence"] == "low"


def test_paris_signatories_become_memberships(raw_dir: Path, tables: dict[str, list[dict[str, str]]]) -> None:
    signatories = pd.read_csv(raw_dir / "reference" / "hand" / "paris_declaration_signatories.csv", dtype=str,
                              keep_default_na=False)
    governments = signatories[signatories["signatory_type"] == "government"]
    expected = {(c, f"paris-ca-{int(n):02d}") for c, n in zip(governments["country_iso3"], governments["number"],
                                                                strict=True)}
    built = {(row["participant_id"], row["consortium_id"]) for row in tables["memberships"]
             if row["participant_type"] == "member" and row["consortium_id"].startswith("paris-ca-")}
    assert built == expected


def test_borders_join_national_members_both_ways(built: tuple[Path, BuildReport],
                                                tables: dict[str, list[dict[str, str]]]) -> None:
    _, report = built
    national = {row["id"] for row in tables["members"] if row["level"] == "national"}
    pairs = {(row["member_id"], row["neighbour_id"]) for row in tables["borders"]}
    assert len(pairs) == len(tables["borders"]) > 0
    assert {(b, a) for a, b in pairs} == pairs
    assert {c for pair in pairs for c in pair} <= national
    assert {row["source"] for row in tables["borders"]} == {"natural-earth-110m"}
    for a, b in (("KEN", "TZA"), ("FRA", "ESP"), ("FRA", "DEU"), ("FRA", "BEL"), ("FRA", "ITA"), ("MEX", "USA"),
                 ("MEX", "GTM")):
        assert (a, b) in pairs, (a, b)
    assert not any("ISL" in pair or "NZL" in pair for pair in pairs)
    assert "UGA" not in national and ("KEN", "UGA") not in pairs  # Uganda is not an OGP member: noted
    noted = {i.reason for i in report.issues if i.file == "world_110m.json" and i.action == "noted"}
    assert any(r.startswith("UGA is not a national OGP member") and "KEN" in r for r in noted)
