"""Partnership screening and funders: one hand-computed scorecard per criterion on the fixture dataset, and
domain cases from the raw sources (each cites its fact)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from graph.analysis import (
    AnalysisConfig,
    Facts,
    build_coalition,
    find_partners,
    funders,
    organisations_in_role,
    reference_year,
    screen_partners,
)
from model.facts import facts_from_tables
from model.tables import read_tables
from tests.conftest import FIXTURE_DATASET

DATA = Path(__file__).resolve().parent.parent / "data"
CFG = AnalysisConfig()
BO = "beneficial_ownership"


@pytest.fixture(scope="module")
def facts() -> Facts:
    return facts_from_tables(read_tables(FIXTURE_DATASET))


@pytest.fixture(scope="module")
def bundled() -> Facts:
    return facts_from_tables(read_tables(DATA))


def _row(table: pd.DataFrame, candidate: str) -> dict:  # type: ignore[type-arg]
    return table.set_index("candidate_id").loc[candidate].to_dict()


# -- one criterion at a time, by hand, on the fixture -------------------------------------------------------
#
# bo-collective: organisations integrity-analytics (private), transparency-network (network), world-dev-bank
# (multilateral); government participant NGA. The fixture's reference year is 2024 (its latest date) and every
# engagement is dated 2024-06-01, so recency is 1.


def test_expertise_is_the_share_of_capable_organisations(facts: Facts) -> None:
    row = _row(screen_partners(facts, BO, config=CFG), "bo-collective")
    # integrity-analytics and world-dev-bank declare BO expertise; transparency-network does not: 2 of 3
    assert row["expertise"] == pytest.approx(2 / 3) and row["expertise_pass"]
    texts = [e["text"] for e in row["evidence"] if e["criterion"] == "expertise"]
    assert "Beneficial Ownership Collective Action focuses on the theme" in texts
    strict = replace(CFG, screen_min_expertise=0.7)
    assert not _row(screen_partners(facts, BO, config=strict), "bo-collective")["expertise_pass"]


def test_track_record_weighs_strength_and_recency(facts: Facts) -> None:
    assert reference_year(facts) == 2024
    row = _row(screen_partners(facts, BO, config=CFG), "bo-collective")
    # integrity-analytics supports implementation in NGA on BO (1.0); world-dev-bank's country programme in KEN
    # is general and it declares BO expertise (1.0): 1 + 1
    assert row["track_record"] == pytest.approx(2.0)
    older = facts.engagements.assign(as_of=facts.engagements["as_of"].where(
        facts.engagements["organisation_id"] != "integrity-analytics", "2020"))
    row = _row(screen_partners(replace(facts, engagements=older), BO, config=CFG), "bo-collective")
    assert row["track_record"] == pytest.approx(1.0 + 0.5)  # four years = one half-life


def test_reach_counts_members_where_it_works_on_the_theme(facts: Facts) -> None:
    row = _row(screen_partners(facts, BO, config=CFG), "bo-collective")
    assert row["reach"] == 2 and not row["reach_pass"]  # NGA (integrity-analytics) and KEN (world-dev-bank)
    assert row["failed"] == ["reach: 2 members (needs 3)"]
    assert _row(screen_partners(facts, BO, config=replace(CFG, screen_min_countries=2)), "bo-collective")[
        "criteria_met"] == 6


def test_complementarity_counts_sectors_and_member_governments(facts: Facts) -> None:
    row = _row(screen_partners(facts, BO, config=CFG), "bo-collective")
    assert row["complementarity"] == 4  # private, network, multilateral + NGA's government
    network = _row(screen_partners(facts, BO, config=CFG), "transparency-network")
    assert network["kind"] == "network" and network["complementarity"] == 1 and not network["complementarity_pass"]


def test_alignment_is_the_share_of_demand_where_it_works(facts: Facts) -> None:
    # the only demanded BO cell is NGA (fragile); the collective works there -> all of the demand
    row = _row(screen_partners(facts, BO, config=CFG), "bo-collective")
    assert row["alignment"] == pytest.approx(1.0) and row["members_reached"] == ["NGA"]
    assert row["gaps_reached"] == []  # NGA is fragile, not a gap
    # scoped to Kenya, where nobody asks for BO help: no demand, alignment 0
    assert _row(screen_partners(facts, BO, members=["KEN"], config=CFG), "bo-collective")["alignment"] == 0


def test_bridging_counts_between_group_brokers(facts: Facts) -> None:
    row = _row(screen_partners(facts, BO, config=CFG), "bo-collective")
    # dominant roles (groups = sector): transparency-network and world-dev-bank itinerant, integrity-analytics none
    assert row["bridging"] == 2
    assert sorted(e["text"] for e in row["evidence"] if e["criterion"] == "bridging") == [
        "Transparency Network is an itinerant between sectors",
        "World Development Bank is an itinerant between sectors"]


def test_ranking_and_strength(facts: Facts) -> None:
    table = screen_partners(facts, BO, config=CFG)
    assert list(table["rank"]) == list(range(1, len(table) + 1))
    assert table.iloc[0]["candidate_id"] == "bo-collective" and table.iloc[0]["criteria_met"] == 5
    # mean of min(measure / threshold, 2): 1.333 (expertise) + 2 + 0.667 (reach) + 2 + 2 + 2, over 6
    assert table.iloc[0]["strength"] == pytest.approx((4 / 3 + 2 + 2 / 3 + 2 + 2 + 2) / 6, abs=1e-6)
    assert all(e["source"] in (None, "fixture") for e in table.iloc[0]["evidence"])


# -- funders and roles ---------------------------------------------------------------------------------------


def _with_funder(facts: Facts, funding_member: str | None = None) -> Facts:
    orgs = facts.organisations.copy()
    at = orgs.index[orgs["organisation_id"] == "world-dev-bank"][0]
    orgs.at[at, "roles"] = ("funder",)
    orgs.at[at, "role_detail"] = "funds members' OGP processes"
    engagements = facts.engagements
    if funding_member:
        extra = pd.DataFrame([{"organisation_id": "world-dev-bank", "member_id": funding_member, "theme_id": None,
                               "relation": "funding", "detail": "funds the OGP process", "confidence": None,
                               "source": "fixture", "as_of": "2024-06-01"}])
        engagements = pd.concat([engagements, extra], ignore_index=True)
    return replace(facts, organisations=orgs, engagements=engagements)


def test_funders_score_funding_interest_and_presence(facts: Facts) -> None:
    assert funders(facts, BO).empty  # nobody has the funder role in the fixture
    table = funders(_with_funder(facts), BO)
    # world-dev-bank: declares BO expertise (2) and works in KEN (1), funds nothing in the scope (0)
    assert table[["organisation_id", "funds_in_scope", "present_in_scope", "theme_interest", "score"]].values.tolist(
    ) == [["world-dev-bank", [], ["KEN"], True, 3]]
    table = funders(_with_funder(facts, "NGA"), BO)
    assert table.iloc[0]["funds_in_scope"] == ["NGA"] and table.iloc[0]["score"] == 6
    assert table.iloc[0]["evidence"][0]["text"] == "World Development Bank: funds members' OGP processes"


def test_roles_filter_partners_and_coalitions(facts: Facts) -> None:
    with_funder = _with_funder(facts)
    assert organisations_in_role(with_funder, "funder") == {"world-dev-bank"}
    # a funder that also runs a country programme is an implementer too
    assert "world-dev-bank" in organisations_in_role(with_funder, "implementer")
    only = find_partners(with_funder, "open_data", role="funder", config=CFG)
    assert set(only["organisation_id"]) <= {"world-dev-bank"}
    coalition = build_coalition(with_funder, "open_data", size=2, config=CFG, role="funder")
    assert set(coalition.picks["organisation_id"]) <= {"world-dev-bank"}
    anyone = build_coalition(with_funder, "open_data", size=2, config=CFG)
    assert [f["organisation_id"] for f in anyone.funders] == ["world-dev-bank"]
    with pytest.raises(ValueError, match="role must be one of"):
        organisations_in_role(facts, "donor")


def test_impossible_thresholds_are_refused() -> None:
    for bad in ({"screen_min_expertise": 1.5}, {"screen_min_alignment": -0.1}, {"screen_min_countries": -1},
                {"screen_min_track_record": float("nan")}):
        with pytest.raises(ValueError):
            AnalysisConfig(**bad)


# -- domain cases from the raw sources -----------------------------------------------------------------------


def test_hewlett_and_the_world_bank_are_funders(bundled: Facts) -> None:
    """reference/hand/ogp_thematic_partners.csv: Hewlett "OGP funder (2013-2021+, general operating support); also
    funds OCP, NRGI and GIFT"; the World Bank "finances Jamaica's OGP process (SPSTP)"."""
    orgs = bundled.organisations.set_index("organisation_id")
    assert "funder" in orgs.loc["william-and-flora-hewlett-foundation", "roles"]
    assert "OGP funder (2013-2021+" in orgs.loc["william-and-flora-hewlett-foundation", "role_detail"]
    jam = bundled.engagements[(bundled.engagements["organisation_id"] == "world-bank-group")
                              & (bundled.engagements["relation"] == "funding")]
    assert list(jam["member_id"]) == ["JAM"]
    table = funders(bundled, "fiscal_openness", members=["JAM"])
    assert table.iloc[0]["organisation_id"] == "world-bank-group" and table.iloc[0]["funds_in_scope"] == ["JAM"]


def test_the_paris_beneficial_ownership_action_meets_every_criterion(bundled: Facts) -> None:
    """Paris Declaration collective action #2 "Ending abuse of anonymous companies" (reference/hand/
    paris_declaration_signatories.csv) counts Open Ownership among its organisations, and the Open Ownership
    tracker lists Open Ownership supporting implementation in many OGP members: the best-scoring BO candidate."""
    table = screen_partners(bundled, BO)
    top = table.iloc[0]
    assert top["candidate_id"] == "paris-ca-02" and "open-ownership" in top["organisations"]
    assert top["criteria_met"] == 6
    assert any("Open Ownership: supports implementation" in e["text"] and e["source"] == "oo-tracker-2022"
               for e in top["evidence"])


def test_eiti_reach_on_beneficial_ownership_is_mongolia_and_nigeria(bundled: Facts) -> None:
    """reference/hand/partner_country_engagements.csv names EITI in BO commitments of Mongolia (MN0044, MN0045,
    MN0057) and Nigeria (NG0020) only; its implementing-country rows are on natural resources."""
    row = _row(screen_partners(bundled, BO), "extractive-industries-transparency-initiative")
    assert row["reach"] == 2
    assert "works on the theme in 2 member(s): MNG, NGA" in [e["text"] for e in row["evidence"]]
