"""Partner fit and similar organisations on the fixture, with the expected parts worked out by hand.

find_partners(theme=open_contracting, members=[MEX]), default weights (expertise 1, presence 1, track record
1, complementarity 0.5, proximity 0.5), track_record_cap 3, no region neighbours, tie strengths from the
catalogue (consortium 0.4):

* anchors (organisations working in MEX): justice-forum. Candidates: capable on open contracting
  (budget-watch, transparency-network, un-governance), the anchor, and its climate-partnership co-members
  (budget-watch, un-governance, policy-institute). Nobody covers MEX open contracting (it is mature: its
  commitment was completed), so the complementarity of every candidate is 1.
* budget-watch: expert 1; a climate-partnership co-member of justice-forum, which works in MEX: a named
  consortium tie, presence 0.4; covers open contracting in GHA -> track record 1/3; shares
  climate-partnership (4 organisations) with justice-forum -> RA 1/4. score = 1 + 0.4 + 1/3 + 0.5 + 1/6 = 2.4.
  un-governance: the same parts, 2.4; equal scores go to the stronger evidence (covers GHA 1 + tie 0.4 for
  both), then the id.
* transparency-network: expert 1; works in COL and GHA, neither tied to MEX (COL is only in the same OGP region,
  which is not a tie) -> presence 0; covers open contracting in GHA and COL -> track record 2/3; proximity 0.
  score = 1 + 0 + 2/3 + 0.5 + 0 = 2.1667.
* justice-forum: presence 1 (works in MEX), nothing else -> 1 + 0.5 = 1.5.
* policy-institute: presence 0.4 (consortium tie); shares the theme justice (2 capable organisations, 1/2) and
  climate-partnership (1/4) with justice-forum -> RA 3/4, the largest, so proximity 1 -> 0.4 + 0.5 + 0.5 = 1.4.
  Proximities are RA / 3/4: budget-watch and un-governance 1/3.
"""

from __future__ import annotations

import pandas as pd
import pytest

from graph.analysis import PARTNER_COLUMNS, SIMILAR_COLUMNS, AnalysisConfig, find_partners, similar_organisations
from tests.graphs import fixture_facts


@pytest.fixture(scope="module")
def mex() -> pd.DataFrame:
    return find_partners(fixture_facts(), "open_contracting", members=["MEX"])


def test_ranking_and_parts(mex: pd.DataFrame) -> None:
    assert list(mex.columns) == list(PARTNER_COLUMNS)
    got = mex[["organisation_id", "score", "expertise", "presence", "track_record", "complementarity",
               "proximity"]].round(6).values.tolist()
    assert got == [
        ["budget-watch", 2.4, 1.0, 0.4, 0.333333, 1.0, 0.333333],
        ["un-governance", 2.4, 1.0, 0.4, 0.333333, 1.0, 0.333333],
        ["transparency-network", 2.166667, 1.0, 0.0, 0.666667, 1.0, 0.0],
        ["justice-forum", 1.5, 0.0, 1.0, 0.0, 1.0, 0.0],
        ["policy-institute", 1.4, 0.0, 0.4, 0.0, 1.0, 1.0],
    ]
    assert mex["rank"].tolist() == [1, 2, 3, 4, 5]
    assert mex["evidence_strength"].round(6).tolist() == [1.4, 1.4, 1.6, 1.0, 0.4]
    assert mex.loc[2, "countries"] == ["COL", "GHA"]


def test_evidence(mex: pd.DataFrame) -> None:
    evidence = {o: [e["text"] for e in items] for o, items in zip(mex["organisation_id"], mex["evidence"],
                                                                  strict=True)}
    assert evidence["transparency-network"] == [
        "Transparency Network declares expertise in Open contracting",
        "Transparency Network covers Open contracting in Colombia (national chapter)",
        "Transparency Network covers Open contracting in Ghana (national chapter)"]
    assert evidence["budget-watch"] == [
        "Budget Watch declares expertise in Open contracting",
        "Budget Watch covers Open contracting in Ghana (country programme)",
        "Budget Watch co-member of Climate Transparency Partnership with Justice Forum, which works in Mexico"]
    assert evidence["justice-forum"] == ["Justice Forum works in Mexico (supports implementation on Justice)"]
    assert evidence["policy-institute"] == [
        "Policy Institute co-member of Climate Transparency Partnership with Justice Forum, which works in Mexico"]
    # every item carries its source and date
    assert all(e["source"] == "fixture" and e["as_of"] == "2024-06-01" for items in mex["evidence"] for e in items)


def test_sector_filter_keeps_scores(mex: pd.DataFrame) -> None:
    networks = find_partners(fixture_facts(), "open_contracting", members="MEX", sector="network")
    assert networks["organisation_id"].tolist() == ["transparency-network"]
    assert networks["score"].iloc[0] == mex.set_index("organisation_id").loc["transparency-network", "score"]


def test_current_supporters_are_not_candidates() -> None:
    gha = find_partners(fixture_facts(), "open_contracting", members=["GHA"], top=20)
    # budget-watch, un-governance and transparency-network already support GHA open contracting
    assert not set(gha["organisation_id"]) & {"budget-watch", "un-governance", "transparency-network"}
    # everyone left brings a sector the three supporters (CSO, multilateral, network) lack, or not
    comp = {str(o): float(c) for o, c in zip(gha["organisation_id"], gha["complementarity"], strict=True)}
    assert comp["uni-research-hub"] == 1.0 and comp["justice-forum"] == 0.0


def test_default_targets_are_the_demanded_members() -> None:
    only = find_partners(fixture_facts(), "open_contracting", top=3)
    # targets: GHA only (its pledge is open); MEX is mature (its commitment was completed), so not a target.
    # uni-research-hub works in GHA (presence 1); the three organisations covering GHA are not candidates.
    assert only.loc[0, "organisation_id"] == "uni-research-hub"
    assert only.loc[0, "presence"] == 1.0
    assert not set(only["organisation_id"]) & {"budget-watch", "un-governance", "transparency-network"}


def test_weights_come_from_config() -> None:
    cfg = AnalysisConfig(weight_presence=0, weight_track_record=0, weight_complementarity=0, weight_proximity=0)
    only_expertise = find_partners(fixture_facts(), "open_contracting", members="MEX", config=cfg)
    assert (only_expertise["score"] == only_expertise["expertise"]).all()
    # equal scores: the stronger evidence first (transparency-network 1.6 > 1.4), then the id
    assert only_expertise["organisation_id"].tolist()[:3] == ["transparency-network", "budget-watch",
                                                             "un-governance"]


def test_errors() -> None:
    G = fixture_facts()
    with pytest.raises(ValueError, match="unknown theme"):
        find_partners(G, "astrology")
    with pytest.raises(ValueError, match="not analysed"):
        find_partners(G, "open_data", members=["RUS"])  # withdrawn
    with pytest.raises(ValueError, match="unknown organisation"):
        similar_organisations(G, "nobody")


def test_similar_organisations() -> None:
    G = fixture_facts()
    # transparency-network supports GHA/open_contracting (3 supporters), NGA/anti_corruption (2) and
    # COL/open_contracting (1). un-governance shares GHA/oc: Jaccard 1/3, RA 1/3; integrity-analytics shares
    # NGA/ac out of its 2 cells: 1/4, RA 1/2; budget-watch shares GHA/oc out of its 3: 1/5, RA 1/3.
    similar = similar_organisations(G, "transparency-network")
    assert list(similar.columns) == list(SIMILAR_COLUMNS)
    got = similar[["organisation_id", "jaccard", "resource_allocation", "n_shared", "shared"]].round(6)
    assert got.values.tolist() == [
        ["un-governance", 0.333333, 0.333333, 1, ["GHA/open_contracting"]],
        ["integrity-analytics", 0.25, 0.5, 1, ["NGA/anti_corruption"]],
        ["budget-watch", 0.2, 0.333333, 1, ["GHA/open_contracting"]],
    ]
    by_ra = similar_organisations(G, "transparency-network", by="resource_allocation")
    assert by_ra["organisation_id"].tolist() == ["integrity-analytics", "un-governance", "budget-watch"]
    assert similar_organisations(G, "transparency-network", top=1)["organisation_id"].tolist() == ["un-governance"]
    # policy-institute alone supports COL/justice; city-data-office (UKR/open_data) shares with gov-digital-service
    assert similar_organisations(G, "policy-institute").empty
    assert list(similar_organisations(G, "policy-institute").columns) == list(SIMILAR_COLUMNS)
    assert similar_organisations(G, "city-data-office")["organisation_id"].tolist() == ["gov-digital-service"]


def test_similar_organisations_on_one_theme() -> None:
    """The Partner finder's "Similar organisations" follow its theme: only that theme's cells are compared."""
    G = fixture_facts()
    # on anti-corruption transparency-network supports only NGA, as integrity-analytics does (2 supporters): J 1,
    # RA 1/2; its open-contracting cells COL and GHA are left out, so un-governance and budget-watch drop out
    on_ac = similar_organisations(G, "transparency-network", theme="anti_corruption").round(6)
    assert on_ac[["organisation_id", "jaccard", "resource_allocation", "shared"]].values.tolist() == [
        ["integrity-analytics", 1.0, 0.5, ["NGA/anti_corruption"]]]
    # on open contracting (COL, GHA): budget-watch and un-governance share GHA (3 supporters) out of 2 cells
    on_oc = similar_organisations(G, "transparency-network", theme="open_contracting").round(6)
    assert on_oc[["organisation_id", "jaccard", "resource_allocation"]].values.tolist() == [
        ["budget-watch", 0.5, 0.333333], ["un-governance", 0.5, 0.333333]]
    assert similar_organisations(G, "transparency-network", theme="justice").empty
