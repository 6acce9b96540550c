"""Coverage on the fixture dataset, with the expected values worked out by hand.

The fixture (tests/fixtures/dataset) with the default AnalysisConfig (commitment 1, pledge 1, need 0.5,
need signal = score < 50, redundant_k 4, hops 2, region neighbours on). Demanded cells, by hand:

=====================  ==============================================  ======  ===========================
cell                   demand evidence                                 demand  supporters (cov, status)
=====================  ==============================================  ======  ===========================
KEN open_data          KE0001, KE0002; GDB score 49.5 < 50 (need)      2.5     civic-lab, data-corp,
                                                                               open-data-collective (theme
                                                                               rows) + world-dev-bank
                                                                               (general, EXPERT_IN) -> 4
                                                                               redundant
KEN access_to_info.    KE0001                                          1.0     none -> gap
KEN-elgeyo-marakwet    KEEM0001                                        1.0     none -> gap
  public_participation
GHA fiscal_openness    GH0001; Open Budget Index 45 (need)             1.5     budget-watch (theme row and
                                                                               general+expert: counted
                                                                               once), uni-research-hub ->
                                                                               2 covered
GHA open_contracting   OCP pledge                                      1.0     budget-watch (general +
                                                                               EXPERT_IN), un-governance,
                                                                               transparency-network -> 3
                                                                               covered
NGA beneficial_own.    NG0001; Open Ownership pledge                   2.0     integrity-analytics -> 1
                                                                               fragile
NGA anti_corruption    NG0001                                          1.0     integrity-analytics,
                                                                               transparency-network -> 2
                                                                               covered
MEX open_contracting   MX0001 (GDB score 50 is not < 50)               1.0     none -> gap
PHL climate            PH0001                                          1.0     none -> gap
UKR digital_govern.    GDB score 30 (need)                             0.5     gov-digital-service
                                                                               (general + EXPERT_IN) -> 1
                                                                               fragile
=====================  ==============================================  ======  ===========================

RUS (withdrawn) and its score are left out; GHA open_data has a score of 62 (no need) and no other
evidence, so no demand and no status.

Reachable coverage (capable = EXPERT_IN the theme or working on it somewhere; hops in the member /
organisation graph):

* KEN access_to_information: civic-lab works in KEN (1 hop) and is EXPERT_IN it -> 1, min hops 1.
* KEN-elgeyo-marakwet public_participation: no organisation works there; its parent KEN (1 hop) has
  civic-lab, active on public participation (2 hops) -> 1, min hops 2.
* MEX open_contracting: justice-forum works in MEX (1); its climate-partnership co-members budget-watch and
  un-governance (2) are capable; COL is a neighbour (same region, 1) where transparency-network works on
  open contracting (2) -> 3: budget-watch, transparency-network, un-governance.
* PHL climate: gov-digital-service (1) and its open-data-wg co-members civic-lab, open-data-collective,
  uni-research-hub (2); PHL has no neighbour (only member of its region). Only policy-institute is capable on
  climate -> 0: an unreachable gap.
* KEN open_data: capable and within 2 but not supporters: gov-digital-service, uni-research-hub (co-members of
  civic-lab in open-data-wg) -> 2. city-data-office (UKR only) is 4 hops away.
* GHA fiscal_openness: world-dev-bank (in KEN, a neighbour; and co-member of transparency-network) -> 1.
* NGA beneficial_ownership: world-dev-bank (co-member of integrity-analytics in bo-collective) -> 1.
* GHA open_contracting, NGA anti_corruption, UKR digital_governance: every capable organisation in reach
  already supports -> 0.
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
    ("KEN", "open_data"): (2.5, 4, "redundant", 4, 2, 2, ["gov-digital-service", "uni-research-hub"]),
    ("KEN", "access_to_information"): (1.0, 0, "gap", 0, 1, 1, ["civic-lab"]),
    ("KEN-elgeyo-marakwet", "public_participation"): (1.0, 0, "gap", 0, 1, 2, ["civic-lab"]),
    ("GHA", "fiscal_openness"): (1.5, 2, "covered", 2, 1, 2, ["world-dev-bank"]),
    ("GHA", "open_contracting"): (1.0, 3, "covered", 3, 0, None, []),
    ("NGA", "beneficial_ownership"): (2.0, 1, "fragile", 1, 1, 2, ["world-dev-bank"]),
    ("NGA", "anti_corruption"): (1.0, 2, "covered", 2, 0, None, []),
    ("MEX", "open_contracting"): (1.0, 0, "gap", 0, 3, 2,
                                  ["budget-watch", "transparency-network", "un-governance"]),
    ("PHL", "climate"): (1.0, 0, "gap", 0, 0, None, []),
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
        got = (row["demand"], row["cov"], row["status"], row["n_sectors"], row["reachable_cov"],
               None if pd.isna(row["reachable_min_hops"]) else row["reachable_min_hops"], row["reachable_orgs"])
        assert got == (demand, cov, status, n_sectors, reach, hops, orgs), (member, theme)
    assert cells["status"].value_counts().to_dict() == {"gap": 4, "covered": 3, "fragile": 2, "redundant": 1}


def test_evidence_lists(cells: pd.DataFrame) -> None:
    ken = _cell(cells, "KEN", "open_data")
    assert ken["commitment_ids"] == ["KE0001", "KE0002"]
    assert ken["pledges"] == []
    assert ken["need_signals"] == [{"indicator": "gdb_module_score", "value": 49.5, "source": "fixture-indicators",
                                    "as_of": "2022"}]
    assert ken["supporters"] == ["civic-lab", "data-corp", "open-data-collective", "world-dev-bank"]
    assert ken["sectors"] == ["civil_society", "multilateral", "network", "private"]
    nga = _cell(cells, "NGA", "beneficial_ownership")
    assert (nga["n_commitments"], nga["n_pledges"], nga["n_need_signals"]) == (1, 1, 0)
    assert nga["pledges"] == [{"indicator": "oo_bo_commitment_ogp", "value": 1.0, "source": "fixture-indicators",
                               "as_of": "2021"}]
    mex = _cell(cells, "MEX", "open_contracting")
    assert mex["need_signals"] == []  # a score of exactly 50 is not below the threshold
    gha = _cell(cells, "GHA", "fiscal_openness")
    assert gha["supporters"] == ["budget-watch", "uni-research-hub"]  # budget-watch counted once


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
    assert _cell(no_needs, "KEN", "open_data")["demand"] == 2.0
    k5 = coverage_cells(G, AnalysisConfig(redundant_k=5))
    assert _cell(k5, "KEN", "open_data")["status"] == "covered"
    threshold = coverage_cells(G, AnalysisConfig(demand_threshold=1.0))
    assert pd.isna(_cell(threshold, "MEX", "open_contracting")["status"])  # demand 1.0 is not > 1.0
    assert _cell(threshold, "GHA", "fiscal_openness")["status"] == "covered"


def test_config_from_mapping() -> None:
    cfg = AnalysisConfig.from_mapping({"REDUNDANT_K": "5", "member_statuses": "active, inactive",
                                       "need_weight": "0.25", "region_neighbours": "no"})
    assert (cfg.redundant_k, cfg.member_statuses, cfg.need_weight, cfg.region_neighbours) == (
        5, ("active", "inactive"), 0.25, False)
    assert [name for name, _, _ in AnalysisConfig.describe()][:3] == ["commitment_weight", "pledge_weight",
                                                                      "need_weight"]
    assert all(help_text for _, _, help_text in AnalysisConfig.describe())
    with pytest.raises(ValueError, match="unknown analysis setting"):
        AnalysisConfig.from_mapping({"redundant": 3})
    with pytest.raises(ValueError, match="redundant_k"):
        AnalysisConfig(redundant_k=1)
    assert [AnalysisConfig().status_for(d, c) for d, c in [(0, 3), (1, 0), (1, 1), (1, 3), (1, 4)]] == [
        None, "gap", "fragile", "covered", "redundant"]


def test_reachability_options() -> None:
    G = fixture_facts()
    no_region = coverage_cells(G, AnalysisConfig(region_neighbours=False))
    # COL no longer a neighbour of MEX: only justice-forum's climate-partnership co-members remain
    assert _cell(no_region, "MEX", "open_contracting")["reachable_orgs"] == ["budget-watch", "un-governance"]
    # the local member keeps its parent as a neighbour
    assert _cell(no_region, "KEN-elgeyo-marakwet", "public_participation")["reachable_cov"] == 1
    one_hop = coverage_cells(G, AnalysisConfig(hops=1))
    assert _cell(one_hop, "MEX", "open_contracting")["reachable_cov"] == 0
    assert _cell(one_hop, "KEN", "access_to_information")["reachable_orgs"] == ["civic-lab"]
    limited = coverage_cells(G, AnalysisConfig(reachable_list_limit=1))
    mex = _cell(limited, "MEX", "open_contracting")
    assert (mex["reachable_cov"], mex["reachable_orgs"]) == (3, ["budget-watch"])


def test_hop_distances() -> None:
    hops = hop_distances(fixture_facts())
    phl = hops[hops["member_id"] == "PHL"]
    assert list(zip(phl["organisation_id"], phl["hops"], strict=True)) == [
        ("gov-digital-service", 1), ("civic-lab", 2), ("open-data-collective", 2), ("uni-research-hub", 2)]


def test_rollups(cells: pd.DataFrame) -> None:
    by_region = coverage_rollup(cells, "region").set_index("region")
    africa = by_region.loc["Africa and Middle East"]
    # KEN open_data (redundant), KEN access_to_information (gap), KEN-elgeyo-marakwet (gap),
    # GHA fiscal_openness + open_contracting (covered), NGA beneficial_ownership (fragile), anti_corruption (covered)
    assert list(africa[["demand_cells", "gap", "fragile", "covered", "redundant", "reachable_gaps"]]) == [
        7, 2, 1, 3, 1, 2]
    assert by_region.loc["Asia and the Pacific", "reachable_gaps"] == 0
    assert by_region.loc["Europe", "fragile"] == 1
    by_theme = coverage_rollup(cells, "theme_id").set_index("theme_id")
    oc = by_theme.loc["open_contracting"]
    assert (oc["demand_cells"], oc["gap"], oc["covered"], oc["gap_share"], oc["mean_cov"], oc["supporters"]) == (
        2, 1, 1, 0.5, 1.5, 3)
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
    # transparency-network now works on open contracting in MEX (gap closed); integrity-analytics left NGA:
    # beneficial_ownership becomes a gap, anti_corruption goes from covered to fragile
    assert changes[["member_id", "theme_id", "status_before", "status_after", "change"]].values.tolist() == [
        ["MEX", "open_contracting", "gap", "fragile", "gap_closed"],
        ["NGA", "beneficial_ownership", "fragile", "gap", "gap_opened"],
        ["NGA", "anti_corruption", "covered", "fragile", "status_changed"],
    ]
    assert compare_snapshots(cells, cells).empty


def test_general_engagement_needs_expertise() -> None:
    G = make_facts(
        engagements=[{"organisation_id": "a", "member_id": "KEN"}],  # blank theme: general engagement
        expertise=[{"organisation_id": "a", "theme_id": "climate"}],
        signals=[{"member_id": "KEN", "theme_id": "climate"}, {"member_id": "KEN", "theme_id": "justice"}],
    )
    cells = coverage_cells(G).set_index("theme_id")
    assert cells.loc["climate", "supporters"] == ["a"]
    assert cells.loc["justice", "supporters"] == []
    assert cells.loc["justice", "status"] == "gap"
    assert cells.loc["justice", "reachable_cov"] == 0  # a is in KEN but not capable on justice
