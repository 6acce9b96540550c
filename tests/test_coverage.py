"""Coverage on the fixture dataset, with the expected values worked out by hand.

The fixture (tests/fixtures/dataset) with the default AnalysisConfig and catalogue: need 0.5 per low score
(GDB below 50, Open Budget Index below 61), pledges 1, OGP commitments 1 x recency x open share (half-life 4
years from the reference year 2024, the fixture's latest date; IRM Limited 0.9, Substantial 0.5, not assessed
1, Complete = an achievement), coverage from relation strength 0.5 (supports_implementation and
country_programme 1, national_chapter 0.8, named_in_commitment 0.6; research_hub 0.3 is monitoring only),
redundant_k 4, hops 2, no region neighbours. Cells with a status, by hand:

=====================  ================================================  ======  ==========================
cell                   demand evidence                                   demand  coverage (cov, status)
=====================  ================================================  ======  ==========================
KEN open_data          KE0001 2020 Limited 0.9 x 0.5 = 0.45; KE0002      1.6571  civic-lab 1, data-corp 0.6,
                       2022 not assessed 1 x 2^-0.5 = 0.7071; GDB                open-data-collective 0.8,
                       overall 49.5 < 50: need 0.5                               world-dev-bank (general
                                                                                 programme + EXPERT_IN) 1
                                                                                 -> 4 redundant
KEN access_to_info.    KE0001: 0.45                                      0.45    none -> gap
KEN-elgeyo-marakwet    KEEM0001 2021 not assessed: 2^-0.75 = 0.5946      0.5946  none -> gap
  public_participation
GHA fiscal_openness    GH0001 2021 Substantial: 0.5946 x 0.5 = 0.2973;   0.7973  budget-watch 1 (the research
                       Open Budget Index 45 < 61: need 0.5                       hub is monitoring only) ->
                                                                                 1 fragile
GHA open_contracting   OCP pledge (open: no OCDS publishing)             1.0     budget-watch, un-governance,
                                                                                 transparency-network -> 3
                                                                                 covered
NGA beneficial_own.    NG0001 2019 Substantial: 2^-1.25 x 0.5 =          1.2102  integrity-analytics -> 1
                       0.2102; Open Ownership pledge 1                           fragile
NGA anti_corruption    NG0001: 0.2102                                    0.2102  integrity-analytics,
                                                                                 transparency-network -> 2
                                                                                 covered
MEX open_contracting   MX0001 completed: an achievement; GDB             0       mature
                       procurement 50 is not < 50
PHL climate            PH0001 2023 not assessed: 2^-0.25 = 0.8409        0.8409  none -> gap
UKR digital_govern.    GDB data governance 30: need 0.5                  0.5     gov-digital-service (general
                                                                                 + EXPERT_IN) -> 1 fragile
=====================  ================================================  ======  ==========================

RUS (withdrawn) and its score are left out; GHA open_data has a GDB score of 62 (neither need nor
achievement) and no other evidence, so no demand and no status.

Reachable help (gap and fragile cells; capable = EXPERT_IN the theme or supporting it somewhere; named ties):

* KEN access_to_information: civic-lab works in KEN (works_in, 1 hop) and is EXPERT_IN it -> 1.
* KEN-elgeyo-marakwet public_participation: civic-lab works on it in the parent country KEN (local_national,
  2) -> 1.
* PHL climate: gov-digital-service works in PHL and its open-data-wg co-members are civic-lab,
  open-data-collective, uni-research-hub; only policy-institute is capable on climate -> 0.
* GHA fiscal_openness: uni-research-hub works in GHA (its research hub: 1) and is EXPERT_IN fiscal openness;
  world-dev-bank is a bo-collective co-member of transparency-network, which works in GHA (2) -> 2.
* NGA beneficial_ownership: world-dev-bank, co-member of integrity-analytics in bo-collective (2) -> 1.
* UKR digital_governance: the only capable organisation already covers it -> 0.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

from graph.analysis import (
    CELL_COLUMNS,
    AnalysisConfig,
    compare_snapshots,
    coverage_cells,
    coverage_rollup,
    hop_distances,
    unique_coverage,
    what_if_remove,
)
from model.facts import facts_from_tables
from tests.graphs import fixture_facts, fixture_tables, make_facts

EXPECTED = {
    # (member, theme): (demand, cov, status, n_sectors, reachable_cov, reachable_min_hops, reachable_orgs)
    ("KEN", "open_data"): (1.6571, 4, "redundant", 4, 0, None, []),
    ("KEN", "access_to_information"): (0.45, 0, "gap", 0, 1, 1, ["civic-lab"]),
    ("KEN-elgeyo-marakwet", "public_participation"): (0.5946, 0, "gap", 0, 1, 2, ["civic-lab"]),
    ("GHA", "fiscal_openness"): (0.7973, 1, "fragile", 1, 2, 1, ["uni-research-hub", "world-dev-bank"]),
    ("GHA", "open_contracting"): (1.0, 3, "covered", 3, 0, None, []),
    ("NGA", "beneficial_ownership"): (1.2102, 1, "fragile", 1, 1, 2, ["world-dev-bank"]),
    ("NGA", "anti_corruption"): (0.2102, 2, "covered", 2, 0, None, []),
    ("MEX", "open_contracting"): (0.0, 0, "mature", 0, 0, None, []),
    ("PHL", "climate"): (0.8409, 0, "gap", 0, 0, None, []),
    ("UKR", "digital_governance"): (0.5, 1, "fragile", 1, 0, None, []),
}


@pytest.fixture(scope="module")
def cells() -> pd.DataFrame:
    return coverage_cells(fixture_facts())


def _cell(cells: pd.DataFrame, member: str, theme: str) -> pd.Series:
    row = cells[(cells["member_id"] == member) & (cells["theme_id"] == theme)]
    assert len(row) == 1
    return row.iloc[0]


def test_grid_and_columns(cells: pd.DataFrame) -> None:
    assert list(cells.columns) == list(CELL_COLUMNS)
    assert len(cells) == 8 * 15  # analysed members x themes; RUS (withdrawn) is left out
    assert "RUS" not in set(cells["member_id"])
    assert cells[["member_id", "theme_id"]].equals(
        cells[["member_id", "theme_id"]].sort_values(["member_id", "theme_id"], ignore_index=True))


def test_demanded_cells_by_hand(cells: pd.DataFrame) -> None:
    demanded = cells[cells["status"].notna()]
    assert set(zip(demanded["member_id"], demanded["theme_id"], strict=True)) == set(EXPECTED)
    for (member, theme), (demand, cov, status, n_sectors, reach, hops, orgs) in EXPECTED.items():
        row = _cell(cells, member, theme)
        got = (round(row["demand"], 4), row["cov"], row["status"], row["n_sectors"], row["reachable_cov"],
               None if pd.isna(row["reachable_min_hops"]) else row["reachable_min_hops"], row["reachable_orgs"])
        assert got == (demand, cov, status, n_sectors, reach, hops, orgs), (member, theme)
    assert cells["status"].value_counts().to_dict() == {"gap": 3, "fragile": 3, "covered": 2, "redundant": 1,
                                                        "mature": 1}


def test_evidence_lists(cells: pd.DataFrame) -> None:
    ken = _cell(cells, "KEN", "open_data")
    assert ken["commitment_ids"] == ["KE0001", "KE0002"]
    assert ken["pledges"] == []
    assert ken["need_signals"] == [{"indicator": "gdb_overall_score", "value": 49.5, "weight": 0.5,
                                    "source": "fixture-indicators", "as_of": "2022", "detail": ""}]
    assert (round(ken["need"], 4), round(ken["commitment_demand"], 4), ken["achievement"]) == (0.5, 1.1571, 0.0)
    assert ken["supporters"] == ["civic-lab", "data-corp", "open-data-collective", "world-dev-bank"]
    assert ken["sectors"] == ["civil_society", "multilateral", "network", "private"]
    assert round(ken["support"], 6) == 3.4  # 1 + 0.6 + 0.8 + 1
    nga = _cell(cells, "NGA", "beneficial_ownership")
    assert (nga["n_commitments"], nga["n_pledges"], nga["n_need_signals"]) == (1, 1, 0)
    assert nga["pledges"] == [{"indicator": "oo_bo_commitment_ogp", "value": 1.0, "weight": 1.0,
                               "source": "fixture-indicators", "as_of": "2021", "detail": "", "open": True}]
    mex = _cell(cells, "MEX", "open_contracting")
    assert mex["need_signals"] == []  # a score of exactly 50 is not below the threshold
    assert mex["commitment_ids"] == []  # completed: not open demand ...
    assert [a["commitment_id"] for a in mex["achievements"]] == ["MX0001"]  # ... but an achievement
    gha = _cell(cells, "GHA", "fiscal_openness")
    assert gha["supporters"] == ["budget-watch"]  # budget-watch counted once; the research hub is not coverage
    assert gha["weak_supporters"] == ["uni-research-hub"] and not gha["monitoring_only"]
    texts = [e["text"] for e in gha["evidence"]]
    assert texts[0] == "need: obs_open_budget_index = 45"
    assert "not counted as support (too weak): University Research Hub (research hub, monitoring)" in texts
    assert all(e["source"] and e["as_of"] for e in gha["evidence"])
    reach = gha["reachable"]
    assert [(r["organisation_id"], r["tie"]) for r in reach] == [("uni-research-hub", "works_in"),
                                                                 ("world-dev-bank", "consortium")]
    assert reach[1]["text"] == ("World Development Bank: co-member of Beneficial Ownership Collective Action with "
                                "Transparency Network, which works in Ghana; declares expertise in Fiscal openness")


def test_cells_without_demand_have_no_status(cells: pd.DataFrame) -> None:
    gha_od = _cell(cells, "GHA", "open_data")  # score 62: not a need
    assert gha_od["demand"] == 0.0 and pd.isna(gha_od["status"])
    col_oc = _cell(cells, "COL", "open_contracting")  # supply without demand
    assert (col_oc["cov"], col_oc["supporters"]) == (1, ["transparency-network"])
    assert pd.isna(col_oc["status"])


def test_json_ready(cells: pd.DataFrame) -> None:
    records = json.loads(cells.to_json(orient="records"))
    assert records[0].keys() == set(CELL_COLUMNS)


def test_config_changes_statuses() -> None:
    G = fixture_facts()
    no_needs = coverage_cells(G, AnalysisConfig(need_weight=0.0))
    assert pd.isna(_cell(no_needs, "UKR", "digital_governance")["status"])  # only a need signal
    assert round(_cell(no_needs, "KEN", "open_data")["demand"], 4) == 1.1571
    k5 = coverage_cells(G, AnalysisConfig(redundant_k=5))
    assert _cell(k5, "KEN", "open_data")["status"] == "covered"
    threshold = coverage_cells(G, AnalysisConfig(demand_threshold=0.8))
    assert pd.isna(_cell(threshold, "GHA", "fiscal_openness")["status"])  # demand 0.7973 is not > 0.8
    assert _cell(threshold, "GHA", "open_contracting")["status"] == "covered"
    weak_counts = coverage_cells(G, AnalysisConfig(coverage_min_strength=0.3))  # research hubs count now
    assert _cell(weak_counts, "GHA", "fiscal_openness")["status"] == "covered"
    strict = coverage_cells(G, AnalysisConfig(coverage_min_strength=0.9))  # chapters and named ones do not
    assert _cell(strict, "KEN", "open_data")["supporters"] == ["civic-lab", "world-dev-bank"]
    no_recency = coverage_cells(G, AnalysisConfig(commitment_half_life=1000.0))
    assert round(_cell(no_recency, "PHL", "climate")["demand"], 2) == 1.0


def test_config_from_mapping() -> None:
    cfg = AnalysisConfig.from_mapping({"REDUNDANT_K": "5", "member_statuses": "active, inactive",
                                       "need_weight": "0.25", "region_neighbours": "no"})
    assert (cfg.redundant_k, cfg.member_statuses, cfg.need_weight, cfg.region_neighbours) == (
        5, ("active", "inactive"), 0.25, False)
    names = [name for name, _, _ in AnalysisConfig.describe()]
    assert names[:5] == ["as_of", "catalogue", "commitment_weight", "commitment_half_life", "pledge_weight"]
    assert all(help_text for _, _, help_text in AnalysisConfig.describe())
    with pytest.raises(ValueError, match="unknown analysis setting"):
        AnalysisConfig.from_mapping({"redundant": 3})
    with pytest.raises(ValueError, match="redundant_k"):
        AnalysisConfig(redundant_k=1)
    for bad in ({"need_weight": "nan"}, {"pledge_weight": "inf"}, {"need_weight": "-1"}, {"as_of": "2010"},
                {"as_of": "2017-13"}, {"coverage_min_strength": "2"}):
        with pytest.raises(ValueError):
            AnalysisConfig.from_mapping(bad)
    assert [AnalysisConfig().status_for(d, c) for d, c in [(0, 3), (1, 0), (1, 1), (1, 3), (1, 4)]] == [
        None, "gap", "fragile", "covered", "redundant"]
    assert AnalysisConfig().status_for(0, 0, achieved=True) == "mature"


def test_reachability_options() -> None:
    G = fixture_facts()
    regions = coverage_cells(G, AnalysisConfig(region_neighbours=True))
    # with the (assumed) region as neighbourhood: KEN, GHA and NGA are neighbours, so world-dev-bank (KEN)
    # reaches NGA and the research hub's help stays; still no one for PHL (alone in its region)
    assert _cell(regions, "NGA", "beneficial_ownership")["reachable_orgs"] == ["world-dev-bank"]
    assert _cell(regions, "PHL", "climate")["reachable_cov"] == 0
    one_hop = coverage_cells(G, AnalysisConfig(hops=1))
    assert _cell(one_hop, "KEN-elgeyo-marakwet", "public_participation")["reachable_cov"] == 0
    assert _cell(one_hop, "KEN", "access_to_information")["reachable_orgs"] == ["civic-lab"]
    assert _cell(one_hop, "GHA", "fiscal_openness")["reachable_orgs"] == ["uni-research-hub"]
    limited = coverage_cells(G, AnalysisConfig(reachable_list_limit=1))
    gha = _cell(limited, "GHA", "fiscal_openness")
    assert (gha["reachable_cov"], gha["reachable_orgs"]) == (2, ["uni-research-hub"])


def test_a_region_alone_is_not_a_tie_but_a_border_is() -> None:
    """A capable organisation working on the theme next door reaches a gap only across a real border."""
    rows = dict(
        members=[{"id": m, "name": m, "status": "active", "region": "Africa and Middle East", "level": "national"}
                 for m in ("KEN", "TZA", "GHA")],
        signals=[{"member_id": m, "theme_id": "beneficial_ownership", "indicator": "oo_bo_commitment_ogp",
                  "kind": "pledge", "value": 1.0} for m in ("KEN", "GHA")],
        engagements=[{"organisation_id": "oo", "member_id": "TZA", "theme_id": "beneficial_ownership",
                      "relation": "supports_implementation", "source": "s", "as_of": "2022"}],
        borders=[{"member_id": "KEN", "neighbour_id": "TZA"}, {"member_id": "TZA", "neighbour_id": "KEN"}])
    cells = coverage_cells(make_facts(**rows)).set_index("member_id")
    assert cells.loc["KEN", "reachable_orgs"] == ["oo"]
    assert cells.loc["KEN", "reachable"][0]["tie"] == "border"
    assert cells.loc["GHA", "reachable_cov"] == 0  # same OGP region, no border: not reachable
    assert coverage_cells(make_facts(**rows), AnalysisConfig(region_neighbours=True)).set_index(
        "member_id").loc["GHA", "reachable_cov"] == 1  # only under the region assumption


def test_hop_distances() -> None:
    hops = hop_distances(fixture_facts())
    phl = hops[hops["member_id"] == "PHL"]
    assert list(zip(phl["organisation_id"], phl["hops"], strict=True)) == [
        ("gov-digital-service", 1), ("civic-lab", 2), ("open-data-collective", 2), ("uni-research-hub", 2)]
    assert not (hops["member_id"] == "RUS").any()  # withdrawn: not analysed


def test_rollups(cells: pd.DataFrame) -> None:
    by_region = coverage_rollup(cells, "region").set_index("region")
    africa = by_region.loc["Africa and Middle East"]
    # KEN open_data (redundant), KEN access_to_information and KEN-elgeyo-marakwet (gaps), GHA fiscal_openness
    # and NGA beneficial_ownership (fragile), GHA open_contracting and NGA anti_corruption (covered)
    assert list(africa[["demand_cells", "gap", "fragile", "covered", "redundant", "reachable_gaps"]]) == [
        7, 2, 2, 2, 1, 2]
    assert by_region.loc["Asia and the Pacific", "reachable_gaps"] == 0
    assert by_region.loc["Asia and the Pacific", "reachable_share"] == 0.0
    assert by_region.loc["Europe", "fragile"] == 1
    assert by_region.loc["Americas", "mature"] == 1 and by_region.loc["Americas", "demand_cells"] == 0
    by_theme = coverage_rollup(cells, "theme_id").set_index("theme_id")
    oc = by_theme.loc["open_contracting"]
    assert (oc["demand_cells"], oc["gap"], oc["covered"], oc["mature"], oc["gap_share"], oc["mean_cov"],
            oc["supporters"]) == (1, 0, 1, 1, 0.0, 3.0, 3)
    assert by_theme.loc["justice", "demand_cells"] == 0
    assert len(by_theme) == 15
    by_member = coverage_rollup(cells, "member_id").set_index("member_id")
    assert list(by_member.loc["KEN", ["demand_cells", "gap", "redundant"]]) == [2, 1, 1]


def test_what_if_remove() -> None:
    G = fixture_facts()
    one = what_if_remove(G, organisation="integrity-analytics")
    # NGA beneficial_ownership loses its only supporter; NGA anti_corruption keeps transparency-network
    assert one[["member_id", "theme_id", "status_before", "cov_before"]].values.tolist() == [
        ["NGA", "beneficial_ownership", "fragile", 1]]
    assert one.loc[0, "lost_supporters"] == ["integrity-analytics"]
    # the consortium's organisations (integrity-analytics, world-dev-bank, transparency-network) withdraw:
    # both NGA cells become gaps; KEN open_data (4 -> 3) and GHA open_contracting (3 -> 2) do not
    consortium = what_if_remove(G, consortium="bo-collective")
    assert consortium[["member_id", "theme_id"]].values.tolist() == [
        ["NGA", "anti_corruption"], ["NGA", "beneficial_ownership"]]
    assert consortium.loc[0, "lost_supporters"] == ["integrity-analytics", "transparency-network"]
    assert what_if_remove(G, organisation=["gov-digital-service"])["theme_id"].tolist() == ["digital_governance"]
    assert what_if_remove(G, organisation="data-corp").empty
    with pytest.raises(ValueError, match="unknown organisation"):
        what_if_remove(G, organisation="nobody")
    with pytest.raises(ValueError, match="unknown consortium"):
        what_if_remove(G, consortium="nothing")


def test_unique_coverage(cells: pd.DataFrame) -> None:
    unique = unique_coverage(cells)
    assert unique.values.tolist() == [
        ["budget-watch", 1, ["GHA/fiscal_openness"]],
        ["gov-digital-service", 1, ["UKR/digital_governance"]],
        ["integrity-analytics", 1, ["NGA/beneficial_ownership"]],
    ]


def test_compare_snapshots(cells: pd.DataFrame) -> None:
    tables = fixture_tables()
    eng = tables["engagements"]
    new = eng[eng["organisation_id"] == "transparency-network"].iloc[:1].assign(member_id="MEX")
    tables["engagements"] = pd.concat([eng[eng["organisation_id"] != "integrity-analytics"], new],
                                      ignore_index=True)
    after = coverage_cells(facts_from_tables(tables))
    changes = compare_snapshots(cells, after)
    # transparency-network now also works on open contracting in MEX (mature there: no change); integrity-analytics
    # left NGA: beneficial_ownership becomes a gap, anti_corruption goes from covered to fragile
    assert changes[["member_id", "theme_id", "status_before", "status_after", "change"]].values.tolist() == [
        ["NGA", "beneficial_ownership", "fragile", "gap", "gap_opened"],
        ["NGA", "anti_corruption", "covered", "fragile", "status_changed"],
    ]
    assert compare_snapshots(cells, cells).empty


def test_general_engagement_needs_expertise() -> None:
    G = make_facts(
        engagements=[{"organisation_id": "a", "member_id": "KEN",  # blank theme: general engagement
                      "relation": "country_programme"}],
        expertise=[{"organisation_id": "a", "theme_id": "climate"}],
        commitments=[{"id": "K1", "member_id": "KEN"}, {"id": "K2", "member_id": "KEN"}],
        commitment_themes=[{"commitment_id": "K1", "theme_id": "climate"},
                           {"commitment_id": "K2", "theme_id": "justice"}],
    )
    cells = coverage_cells(G).set_index("theme_id")
    assert cells.loc["climate", "supporters"] == ["a"]
    assert cells.loc["justice", "supporters"] == []
    assert cells.loc["justice", "status"] == "gap"
    assert cells.loc["justice", "reachable_cov"] == 0  # a is in KEN but not capable on justice
