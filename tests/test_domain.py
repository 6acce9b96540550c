"""Domain plausibility on the bundled data: each case is a fact of the raw public sources, cited, and what an OGP
staff member would expect the analyses to say about it. Nothing running: the bundled dataset (data/) only.

Sources are the raw files in ../shared/data/ogp/raw (see data/sources.csv for their addresses and dates).
"""

from __future__ import annotations

import pandas as pd
import pytest

from graph.analysis import AnalysisConfig, build_coalition, coverage_cells, coverage_trend
from model.errors import UsageError
from model.facts import Facts, facts_from_tables
from model.tables import read_tables
from presentation.resolve import resolve_members
from tests.conftest import BUNDLED_DATASET


@pytest.fixture(scope="module")
def facts() -> Facts:
    return facts_from_tables(read_tables(BUNDLED_DATASET))


@pytest.fixture(scope="module")
def cells(facts: Facts) -> pd.DataFrame:
    return coverage_cells(facts)


def cell(cells: pd.DataFrame, member: str, theme: str) -> pd.Series:
    return cells[(cells["member_id"] == member) & (cells["theme_id"] == theme)].iloc[0]


def test_a_working_register_and_high_scores_make_beneficial_ownership_mature_not_a_gap(cells: pd.DataFrame
                                                                                      ) -> None:
    """Denmark: openownership.beta__regimes.csv lists the "Denmark Central Business Register (CVR)", scope
    National; Global Data Barometer 2022 scores beneficial-ownership data availability 96. The UK: the "UK PSC
    Register" (National) and a GDB BO framework score of 76. Neither has an open OGP commitment on the theme."""
    for member in ("DNK", "GBR"):
        row = cell(cells, member, "beneficial_ownership")
        assert row["status"] == "mature", member
        assert row["demand"] == 0.0 and row["n_commitments"] == 0
        assert "oo_bo_register" in [a.get("indicator") for a in row["achievements"]]
        assert all(not p["open"] for p in row["pledges"])  # pledges fulfilled by the register
    dnk = cell(cells, "DNK", "beneficial_ownership")
    assert {"indicator": "gdb_bo_data_availability", "value": 96.0} in [
        {k: a[k] for k in ("indicator", "value")} for a in dnk["achievements"]]


def test_a_pledge_without_a_register_is_demand_and_open_ownership_supports_it(cells: pd.DataFrame) -> None:
    """Kenya: openownership.org-wagtail__countries.csv has involvement "Current" and commitments through the
    Beneficial Ownership Leadership Group and the 2016 summit; openownership.beta__regimes.csv lists no Kenyan
    register; GDB 2022 BO data availability is 0."""
    row = cell(cells, "KEN", "beneficial_ownership")
    assert row["demand"] > 0 and row["pledge_demand"] >= 2
    assert "open-ownership" in row["supporters"] and row["status"] != "gap"
    assert not [a for a in row["achievements"] if a.get("indicator") == "oo_bo_register"]


def test_a_sufficient_open_budget_index_is_an_achievement_and_a_low_one_a_need(cells: pd.DataFrame) -> None:
    """ibp-explorer__ibp_data_summary_2019.csv: South Africa's Open Budget Index is 87 and Kenya's 50; the
    International Budget Partnership calls 61 and above sufficient transparency."""
    zaf = cell(cells, "ZAF", "fiscal_openness")
    assert ("obs_open_budget_index", 87.0) in [(a.get("indicator"), a.get("value")) for a in zaf["achievements"]]
    assert "obs_open_budget_index" not in [n["indicator"] for n in zaf["need_signals"]]
    ken = cell(cells, "KEN", "fiscal_openness")
    assert ("obs_open_budget_index", 50.0) in [(n["indicator"], n["value"]) for n in ken["need_signals"]]


def test_a_completed_commitment_is_an_achievement_not_open_demand(cells: pd.DataFrame) -> None:
    """ogp-commitments__open_parliament_0703.csv: AL0063 (Albania, 2018) has end-of-term completion
    "Complete"."""
    albania = cells[cells["member_id"] == "ALB"]
    achieved = albania[albania["achievements"].map(lambda items: any(a.get("commitment_id") == "AL0063"
                                                                     for a in items))]
    assert len(achieved) > 0
    assert not any("AL0063" in ids for ids in albania["commitment_ids"])


def test_a_research_hub_is_monitoring_not_coverage(facts: Facts, cells: pd.DataFrame) -> None:
    """globaldatabarometer-parsed-results__countries.json names a regional research hub for every country it
    assessed (Angola: "Local Development Research Institute (LDRI)"): the hub studied the country; it does not
    support it. Cells whose only organisations are such hubs are monitoring only, and gaps when demanded."""
    eng = facts.engagements
    relations = eng.groupby(["organisation_id", "member_id"])["relation"].agg(set)
    hub_only = {pair for pair, rels in relations.items() if rels == {"research_hub"}}
    assert hub_only
    for member, supporters in zip(cells["member_id"], cells["supporters"], strict=True):
        assert not any((o, member) in hub_only for o in supporters)  # a hub alone is never coverage
    monitoring = cells[cells["monitoring_only"] & (cells["status"] == "gap")]
    assert len(monitoring) > 0
    open_data = cells[(cells["theme_id"] == "open_data") & cells["status"].notna()]
    assert (open_data["status"] == "gap").sum() > (open_data["status"] == "fragile").sum()


def test_a_withdrawn_member_is_not_analysed_and_says_so(facts: Facts, cells: pd.DataFrame) -> None:
    """reference/hand/ogp_members.csv: Tanzania withdrew by letter of 2017-06-29."""
    assert "TZA" not in set(cells["member_id"])
    with pytest.raises(UsageError, match="withdrawn"):
        resolve_members(facts, ["TZA"])


def test_a_region_is_not_a_tie(facts: Facts, cells: pd.DataFrame) -> None:
    """EITI works in Burkina Faso, Côte d'Ivoire, Ghana, Liberia, Malawi, Nigeria, Senegal and Sierra Leone
    (reference/hand/partner_country_engagements.csv) but has no engagement of any kind in Cabo Verde, a member
    of the same OGP region: it is not reachable help there, and a fiscal-openness coalition for the region does
    not claim Cabo Verde through it."""
    eiti = "extractive-industries-transparency-initiative"
    assert "CPV" not in set(facts.engagements.loc[facts.engagements["organisation_id"] == eiti, "member_id"])
    assert eiti not in cell(cells, "CPV", "fiscal_openness")["reachable_orgs"]
    result = build_coalition(facts, "fiscal_openness", region="Africa and Middle East", size=3, min_sectors=2)
    picks = result.picks.set_index("organisation_id")
    assert "CPV" not in picks.loc[eiti, "covers"]
    assert "CPV" in result.cells_left
    for adds in result.picks["adds"]:
        assert adds, "every pick closes at least one cell"


def test_mexico_publishes_open_contracting_data(cells: pd.DataFrame) -> None:
    """ocp-data__oc-status_all.json lists Mexican OCDS publishers; GDB 2022 scores Mexico 79 on procurement
    data availability: open contracting is mature there, its OCP pledges fulfilled."""
    row = cell(cells, "MEX", "open_contracting")
    assert row["status"] == "mature"
    assert "ocp_ocds_publisher" in [a.get("indicator") for a in row["achievements"]]


def test_earlier_years_only_see_what_was_observed_by_then(facts: Facts) -> None:
    """The Open Ownership tracker (2022) and the Global Data Barometer (2022) were observed after 2017: as of
    2017 they cannot make a beneficial-ownership cell; the legislative openness survey (2016) can."""
    trend = coverage_trend(facts, years=[2017, 2022]).set_index(["year", "theme_id"])
    bo_2017 = trend.loc[(2017, "beneficial_ownership")]
    assert bo_2017[["gap", "fragile", "covered", "redundant", "mature"]].sum() == 0
    assert trend.loc[(2022, "beneficial_ownership"), "gap"] > 0
    assert trend.loc[(2017, "legislative_openness"), ["gap", "fragile", "covered"]].sum() > 0
    assert trend.loc[(2017, "open_data"), "members"] <= trend.loc[(2022, "open_data"), "members"]


def test_as_of_leaves_out_members_that_had_not_joined(facts: Facts) -> None:
    """reference/hand/ogp_members.csv: Nigeria joined in 2016."""
    assert "NGA" not in set(coverage_cells(facts, AnalysisConfig(as_of="2015"))["member_id"])
    assert "NGA" in set(coverage_cells(facts, AnalysisConfig(as_of="2016"))["member_id"])
