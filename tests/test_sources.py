"""Unit tests of the source adapters on the real public files and on small hand-made defects.

The real files live outside the repository: ``$OGPNET_RAW_DIR`` or
``../shared/data/ogp`` next to the repository root (the folder holding ``raw/`` and
``reference/``). When they are missing these tests fail, they never skip.
"""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import pytest

from loaders.build.countries import iso3_from_code, iso3_from_name, resolve_country
from loaders.build.ids import local_member_id, organisation_id
from loaders.build.organisations import canonical_organisation
from loaders.build.sources import (
    NOTED,
    REPAIRED,
    SKIPPED,
    ParseResult,
    SourceFormatError,
    gdb,
    hand,
    legislative,
    natural_earth,
    obs,
    ocp,
    ogp_commitments,
    ogp_status_2016,
    open_ownership,
)
from model.schema import THEMES

REPO_ROOT = Path(__file__).resolve().parents[1]
TOPOLOGY = REPO_ROOT / "dashboard" / "static" / "world_110m.json"


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
def raw(raw_dir: Path) -> Path:
    return raw_dir / "raw"


@pytest.fixture(scope="module")
def taxonomy(raw_dir: Path) -> dict[str, str | None]:
    mapping, result = ogp_commitments.parse_taxonomy(raw_dir / "reference" / "ogp_policy_area_taxonomy.csv")
    assert result.issues == []
    return mapping


def issues_of(result: ParseResult, action: str | None = None) -> list[tuple[str, int, str, str]]:
    return [(i.file, i.row, i.field, i.reason) for i in result.issues if action is None or i.action == action]


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


# ------------------------------------------------------------------------------------------------ countries


@pytest.mark.parametrize(("name", "iso3"), [
    ("UK", "GBR"), ("USA", "USA"), ("South Korea", "KOR"), ("Republic of Korea", "KOR"), ("Macedonia", "MKD"),
    ("Cote d'Ivoire", "CIV"), ("Ivory Coast", "CIV"), ("Kyrgyzstan (Kyrgyz Republic)", "KGZ"),
    ("Armenia ", "ARM"), ("Congo, Democratic Republic of the", "COD"), ("Gambia, The", "GMB"),
    ("United Republic of Tanzania", "TZA"), ("Kosovo", "XKX"), ("Cape Verde", "CPV"),
])
def test_country_name_variants_resolve(name: str, iso3: str) -> None:
    assert resolve_country(name) == iso3


@pytest.mark.parametrize(("code", "iso3"), [("XK", "XKX"), ("xk", "XKX"), ("XKX", "XKX"), ("NA", "NAM"),
                                            ("gb", "GBR"), ("", None), ("ARBA", None)])
def test_country_codes_resolve_kosovo_and_namibia(code: str, iso3: str | None) -> None:
    assert iso3_from_code(code) == iso3


def test_territory_groups_and_junk_names_do_not_resolve() -> None:
    assert iso3_from_name("United Kingdom Overseas Territories") is None
    assert iso3_from_name("paragr") is None
    assert iso3_from_name("") is None


# ------------------------------------------------------------------------------------------------ names → ids


def test_organisation_variants_merge_and_chapters_stay_separate() -> None:
    assert {canonical_organisation(n)[0] for n in ("ONE Campaign", "The ONE Campaign", "One Campaign")} == \
        {"one-campaign"}
    assert canonical_organisation("IDFI Georgia")[0] == canonical_organisation(
        "Institute for Development of Freedom of Information (IDFI)")[0]
    assert canonical_organisation("ILDA")[0] == canonical_organisation("The Latin America Open Data Initiative")[0]
    assert canonical_organisation("Transparency International Georgia")[0] != "transparency-international"
    assert organisation_id("Open Ownership") == "open-ownership"
    assert local_member_id("bra", "São Paulo") == "BRA-sao-paulo"


# ------------------------------------------------------------------------------------------------ OGP commitments


COMMITMENT_HEADER = ["Commitment Unique Identifier", "Country/Locality", "Code", "Region", "National Or Local",
                     "Year Of Submission", "Commitment Title", "Open Parliaments", "Audits", "Aid"]
SMALL_TAXONOMY: dict[str, str | None] = {"Open Parliaments": "legislative_openness", "Audits": "anti_corruption",
                                         "Aid": None}


def test_commitments_nd_tags_are_untagged_and_noted(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", COMMITMENT_HEADER, [
        ["AL0001", "Albania", "ALB", "Europe", "National", "2012", "e-Acts", "1", "ND", "1"],
        ["AL0002", "Albania", "ALB", "Europe", "National", "2012", "e-Gov", "NA", "ND", "0"],
    ])
    result = ogp_commitments.parse_commitments(path, SMALL_TAXONOMY)
    assert [(r["commitment_id"], r["theme_id"], r["tags"]) for r in result.rows["commitment_themes"]] == \
        [("AL0001", "legislative_openness", "Open Parliaments")]
    noted = issues_of(result, NOTED)
    assert [(row, reason[:2]) for _, row, _, reason in noted] == [(2, "1 "), (3, "2 ")]


def test_commitments_blank_code_kosovo_locals_and_junk_rows(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", COMMITMENT_HEADER, [
        ["XK0001", "Kosovo", "XKX", "Europe", "Other", "2023", "Open data", "0", "0", "0"],
        ["GH0001", "Ghana", "", "Africa and the Middle East", "National", "2013", "RTI", "0", "1", "0"],
        ["BUE0001", "Buenos Aires, Argentina", "ARBA", "Americas", "Legacy Local", "2017", "Open", "1", "0", "0"],
        ["", "Nowhere", "", "", "National", "2013", "junk", "0", "0", "0"],
        ["ZZ0001", "Atlantis", "", "", "National", "2013", "junk", "0", "0", "0"],
        ["GH0002", "Ghana", "GHA", "Africa and the Middle East", "National", "ND", "No year", "0", "0", "0"],
    ])
    result = ogp_commitments.parse_commitments(path, SMALL_TAXONOMY)
    members = {m["id"]: m for m in result.rows["members"]}
    assert members["XKX"]["level"] == "national"
    assert members["GHA"]["region"] == "Africa and Middle East"
    assert members["ARG-buenos-aires"]["parent_iso3"] == "ARG"
    assert [c["id"] for c in result.rows["commitments"]] == ["XK0001", "GH0001", "BUE0001"]
    repaired = {(row, fld) for _, row, fld, _ in issues_of(result, REPAIRED)}
    assert {(2, "National Or Local"), (3, "Code")} <= repaired
    skipped = {(row, fld) for _, row, fld, _ in issues_of(result, SKIPPED)}
    assert skipped == {(5, "Commitment Unique Identifier"), (6, "Country/Locality"), (7, "Year Of Submission")}


def test_commitments_missing_column_is_a_format_error(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", COMMITMENT_HEADER[1:], [])
    with pytest.raises(SourceFormatError, match="Commitment Unique Identifier"):
        ogp_commitments.parse_commitments(path, SMALL_TAXONOMY)


def test_commitments_columns_are_found_by_name(tmp_path: Path, raw: Path, taxonomy: dict[str, str | None]) -> None:
    """The full OGP export has the same columns, possibly in another order and with extra ones."""
    original = raw / "ogp-commitments__open_parliament_0703.csv"
    with original.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    order = list(reversed(range(len(rows[0]))))
    shuffled = write_csv(tmp_path / "full_export.csv", [rows[0][i] for i in order] + ["Extra Column"],
                         [[row[i] for i in order] + ["x"] for row in rows[1:]])

    def facts(result: ParseResult) -> dict[str, list[tuple[str, ...]]]:
        return {table: sorted(tuple(str(v) for k, v in sorted(r.items()) if k != "_origin") for r in rows)
                for table, rows in result.rows.items() if table != "sources"}

    assert facts(ogp_commitments.parse_commitments(shuffled, taxonomy)) == \
        facts(ogp_commitments.parse_commitments(original, taxonomy))


def test_real_commitments_export(raw: Path, taxonomy: dict[str, str | None]) -> None:
    result = ogp_commitments.parse_commitments(raw / "ogp-commitments__open_parliament_0703.csv", taxonomy)
    assert result.count("commitments") == 558
    assert len(taxonomy) == 86 and set(filter(None, taxonomy.values())) <= set(THEMES)
    members = {m["id"]: m for m in result.rows["members"]}
    assert members["XKX"]["level"] == "national"
    assert {"ARG-buenos-aires", "MEX-jalisco", "GBR-scotland", "GEO-tbilisi"} <= set(members)
    assert {m["region"] for m in members.values()} == {"Africa and Middle East", "Americas", "Asia and the Pacific",
                                                       "Europe"}


# ------------------------------------------------------------------------------------------------ Open Ownership


@pytest.fixture(scope="module")
def oo(raw: Path) -> ParseResult:
    return open_ownership.parse_open_ownership(raw / "openownership.org-wagtail__countries.csv",
                                               raw / "openownership.beta__countries.csv",
                                               raw / "openownership.beta__regimes.csv")


def test_open_ownership_defects(oo: ParseResult) -> None:
    skipped = {(f, fld, reason) for f, _, fld, reason in issues_of(oo, SKIPPED)}
    wagtail = "openownership.org-wagtail__countries.csv"
    assert any(f == wagtail and "United Kingdom Overseas Territories" in r for f, _, r in skipped)
    assert any(f == wagtail and "junk row" in r and "paragr" in r for f, _, r in skipped)
    assert any("Armenia " in r for _, _, _, r in issues_of(oo, REPAIRED))
    superseded = [i for i in oo.issues if "superseded" in i.reason]
    assert len(superseded) == 116  # every row of the older export is also in the 2022 export


def test_open_ownership_routes_and_memberships(oo: ParseResult) -> None:
    signals = {(s["member_id"], s["indicator"]) for s in oo.rows["signals"]}
    assert {("IDN", "oo_bo_commitment_ogp"), ("IDN", "oo_bo_commitment_eiti"),
            ("IDN", "oo_bo_commitment_summit_2016"), ("NGA", "oo_bo_commitment_bolg"),
            ("NGA", "oo_bo_commitment_imf"), ("AUT", "oo_bo_commitment_eu")} <= signals
    memberships = {(m["participant_id"], m["consortium_id"]) for m in oo.rows["memberships"]}
    assert {("IDN", "eiti"), ("NGA", "bolg"), ("AUT", "european-union")} <= memberships
    relations = {(e["member_id"], e["relation"]) for e in oo.rows["engagements"]}
    assert ("IDN", "supports_implementation") in relations and ("ITA", "past_engagement") in relations


def test_open_ownership_route_of_sentence() -> None:
    assert open_ownership.commitment_route("Nigeria has made a commitment ... through the IMF Rapid Financing "
                                           "Instrument.") == "imf"
    assert open_ownership.commitment_route("At the 2016 UK Anti-Corruption Summit, X made a commitment") == \
        "summit_2016"


# ------------------------------------------------------------------------------------------------ OCP


def test_ocp_classifies_local_national_summit_and_other(raw: Path) -> None:
    locals_ = {"FRA": [("FRA-paris", "Paris")], "MAR": [("MAR-tangier-tetouan-al-hoceima-region",
                                                          "Tangier-Tetouan-Al Hoceima Region")],
               "KEN": [("KEN-nandi-county", "Nandi County"), ("KEN-elgeyo-marakwet", "Elgeyo Marakwet")]}
    result = ocp.parse_ocp(raw / "ocp-data__oc-status_all.json", raw / "ocp-data__oc-status_table.json", locals_)
    signals = {(s["member_id"], s["indicator"]) for s in result.rows["signals"]}
    assert {("FRA-paris", "ocp_ogp_local_commitment"), ("MAR-tangier-tetouan-al-hoceima-region",
                                                         "ocp_ogp_local_commitment"),
            ("KEN-nandi-county", "ocp_ogp_local_commitment"), ("KEN-elgeyo-marakwet", "ocp_ogp_local_commitment"),
            ("KEN", "ocp_ogp_commitment"), ("FRA", "ocp_summit_2016_commitment"),
            ("BRA", "ocp_other_commitment")} <= signals
    assert ("XKX", "ocp_ocds_publisher") in signals  # the file writes Kosovo as "xk"
    scores = {s["value"] for s in result.rows["signals"] if s["indicator"] == "ocp_extractives_disclosure"}
    assert scores <= set(ocp.DISCLOSURE_SCORES.values())
    engaged = {e["member_id"] for e in result.rows["engagements"]}
    assert "AFG" in engaged and all(e["confidence"] == "medium" for e in result.rows["engagements"])


# ------------------------------------------------------------------------------------------------ GDB, OBS, LODE


def test_gdb_skips_the_average_row_and_maps_every_measure(raw: Path) -> None:
    result = gdb.parse_gdb(raw / "globaldatabarometer-parsed-results__countries.json",
                           raw / "globaldatabarometer-parsed-results__indicators.json",
                           raw / "globaldatabarometer-parsed-results__measures.json")
    assert [reason for _, _, _, reason in issues_of(result)] == ["'AVERAGE': aggregate row, not a country"]
    assert {theme for theme, _ in gdb.MEASURE_THEMES.values()} <= set(THEMES)
    assert result.count("signals") == 109 * len(gdb.MEASURE_THEMES)
    assert any(s["member_id"] == "XKX" for s in result.rows["signals"])
    hubs = {o["id"] for o in result.rows["organisations"]}
    assert canonical_organisation("IDFI Georgia")[0] in hubs
    assert all(e["relation"] == "research_hub" for e in result.rows["engagements"])


def test_obs_reads_namibia_code_and_recomputes_group_scores(raw: Path) -> None:
    names = ["summary", "scores", "groupings", "regions", "countrycodes"]
    result = obs.parse_obs(*(raw / f"ibp-explorer__ibp_data_{n}_2019.csv" for n in names))
    by_key = {(s["member_id"], s["indicator"]): s["value"] for s in result.rows["signals"]}
    assert ("NAM", "obs_open_budget_index") in by_key
    assert by_key[("AFG", "obs_open_budget_index")] == 50.0
    assert sum(1 for k in by_key if k[1] == "obs_open_budget_index") == 117
    assert all(0 <= v <= 100 for v in by_key.values())
    assert issues_of(result) == []


def test_legislative_survey_scores_every_chamber(raw: Path) -> None:
    result = legislative.parse_legislative(raw / "legislative-openness-data-explorer__Source-Data.csv",
                                           raw / "legislative-openness-data-explorer__parliaments.json")
    scores = {s["member_id"]: s["value"] for s in result.rows["signals"] if s["indicator"] == "lode_openness_score"}
    assert len(scores) == 31 and "XKX" in scores and "MKD" in scores
    assert all(0 <= v <= 100 for v in scores.values())
    assert legislative.answer(["", "Yes, offline", "", ""]) == "yes"


# ------------------------------------------------------------------------------------------------ 2016 status


def test_status_2016_list(raw: Path) -> None:
    result = ogp_status_2016.parse_status_2016(raw / "2030-watch.de__SDG17_OGP_Membership_OGP_2017.json")
    members = {m["id"]: m["status"] for m in result.rows["members"]}
    assert len(members) == 68 and issues_of(result) == []
    assert {"GBR", "USA", "MKD", "KOR", "TZA"} <= set(members)  # written UK, USA, Macedonia, South Korea, Tanzania
    assert {m for m, s in members.items() if s == "inactive"} == {"AZE", "BEL", "HUN", "TUR"}


# ------------------------------------------------------------------------------------------------ hand tables


@pytest.mark.parametrize(("note", "status"), [
    ("joined 2011; inactive/suspended 2016-05-04; permanently suspended 2023-08-17", "suspended"),
    ("letter of intent 2012-07-10; withdrew 2016-12-06", "withdrawn"),
    ("Member Since 2012; inactive 2018; removed from OGP effective 2019-12-06", "withdrawn"),
    ("joined Dec 2016; letter of withdrawal Dec 2022", "withdrawn"),
    ("listed with status 0 (inactive/no action plan) in OKF-DE 2030-watch dataset", "inactive"),
    ("letter of intent 2012-10-29; 58th member", None),
    ("subnational pilot; continued in OGP Local after Tanzania's 2017 national withdrawal", None),
])
def test_member_status_from_note(note: str, status: str | None) -> None:
    assert hand.status_from_note(note) == status


def test_hand_tables(raw_dir: Path) -> None:
    result = hand.parse_hand(raw_dir / "reference" / "hand")
    members = {m["id"]: m for m in result.rows["members"]}
    assert sum(m["level"] == "national" for m in members.values()) == 86
    assert sum(m["level"] == "local" for m in members.values()) == 58
    assert members["XKX"]["name"] == "Kosovo" and members["BRA-sao-paulo"]["parent_iso3"] == "BRA"
    assert members["GRC-athens"]["as_of"] == hand.HAND_AS_OF  # 'n.d.' repaired
    assert ("ogp_members.csv", "as_of") in {(f, fld) for f, _, fld, _ in issues_of(result, REPAIRED)}
    engagements = [e for e in result.rows["engagements"] if e["organisation_id"] == "article-19"
                   and e["member_id"] == "KEN" and e["relation"] == "named_in_commitment"]
    assert sorted(e["theme_id"] for e in engagements) == ["access_to_information", "digital_governance",
                                                           "public_participation"]  # one row per listed theme
    anchors = {(m["participant_type"], m["participant_id"], m["consortium_id"]) for m in result.rows["memberships"]
               if m["role"].startswith("anchor")}
    assert ("member", "CHL", "ogp-wg-legislative-openness") in anchors  # "Government (Congress) of Chile"
    assert ("organisation", "national-democratic-institute", "ogp-wg-legislative-openness") in anchors
    low = {m["confidence"] for m in result.rows["members"] if m["id"] == "BEL"}
    assert low == {"low"}  # low stays low


# ------------------------------------------------------------------------------------------------ borders


def write_topology(path: Path, geometries: list[dict[str, object]]) -> Path:
    # two squares side by side and an island; only the arc indices of the rings matter to parse_borders
    arcs = [[[0, 0], [0, 1], [1, 1]], [[1, 1], [0, -1]], [[1, 0], [1, 1], [-1, 0], [-1, -1]], [[5, 5], [1, 0]]]
    topology = {"type": "Topology", "arcs": arcs, "transform": {"scale": [1, 1], "translate": [0, 0]},
                "objects": {"countries": {"type": "GeometryCollection", "geometries": geometries}}}
    path.write_text(json.dumps(topology), encoding="utf-8")
    return path


def test_borders_are_shared_arcs_either_way_round(tmp_path: Path) -> None:
    path = write_topology(tmp_path / "world.json", [
        {"type": "Polygon", "id": "AAA", "arcs": [[0, 1]]},
        {"type": "MultiPolygon", "id": "BBB", "arcs": [[[-2, 2]], [[2]]]},  # arc 1 reversed: ~1 == -2
        {"type": "Polygon", "id": "ISL", "arcs": [[3]]},  # an island: no arc in common with anyone
        {"type": "Polygon", "id": "-99", "arcs": [[-1]]},  # no ISO code: noted, no border with AAA
        {"type": "Polygon", "arcs": [[0]]},  # no id at all
    ])
    result = natural_earth.parse_borders(path)
    assert [(r["member_id"], r["neighbour_id"]) for r in result.rows["borders"]] == [("AAA", "BBB"), ("BBB", "AAA")]
    assert {(r["source"], r["as_of"]) for r in result.rows["borders"]} == {("natural-earth-110m", "2021-03")}
    assert [s["id"] for s in result.rows["sources"]] == ["natural-earth-110m"]
    assert [(row, fld) for _, row, fld, _ in issues_of(result, NOTED)] == [(4, "id"), (5, "id")]
    assert len(result.issues) == 2


def test_borders_need_a_topology(tmp_path: Path) -> None:
    path = tmp_path / "not.json"
    path.write_text('{"type": "FeatureCollection", "features": []}', encoding="utf-8")
    with pytest.raises(SourceFormatError, match="not a TopoJSON topology"):
        natural_earth.parse_borders(path)
    path.write_text('{"type": "Topology", "objects": {"land": {}}, "arcs": []}', encoding="utf-8")
    with pytest.raises(SourceFormatError, match="objects.countries"):
        natural_earth.parse_borders(path)


def test_borders_of_the_vendored_world_topology() -> None:
    result = natural_earth.parse_borders(TOPOLOGY)
    pairs = {(r["member_id"], r["neighbour_id"]) for r in result.rows["borders"]}
    assert {(a, b) for b, a in pairs} == pairs  # both directions
    assert len(pairs) == result.count("borders")  # no duplicates
    for a, b in (("KEN", "TZA"), ("KEN", "UGA"), ("FRA", "ESP"), ("FRA", "DEU"), ("FRA", "BEL"), ("FRA", "ITA"),
                 ("FRA", "CHE"), ("MEX", "USA"), ("MEX", "GTM"), ("USA", "CAN")):
        assert (a, b) in pairs and (b, a) in pairs, (a, b)
    countries = {a for a, _ in pairs}
    for island in ("ISL", "NZL", "AUS", "JPN", "MDG", "LKA"):
        assert island not in countries, island
    assert ("ESP", "DEU") not in pairs and ("USA", "GTM") not in pairs
    # three geometries carry no id (Northern Cyprus, Somaliland, Kosovo): noted, no borders
    assert [row for _, row, _, _ in issues_of(result, NOTED)] == [161, 168, 175]
    assert "XKX" not in countries
