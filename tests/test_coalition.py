"""Coalition builder: greedy versus exact on hand-built weighted-coverage instances, and on the fixture.

Demand in the hand-built instances: one low Global Data Barometer climate score per member (need 0.5); every
engagement is supports_implementation (strength 1), so V(S) = 0.5 x the cells the picks cover.
"""

from __future__ import annotations

import json

import pytest

from graph.analysis import PICK_COLUMNS, AnalysisConfig, build_coalition
from model.facts import Facts
from tests.graphs import fixture_facts, make_facts


def _need(members: list[str]) -> list[dict[str, object]]:
    return [{"member_id": m, "theme_id": "climate", "indicator": "gdb_climate_module", "kind": "score", "value": 20.0}
            for m in members]


def _classic() -> Facts:
    """Six members with a climate need; no borders or consortia, so only current supporters can close cells.

    a (civil society) covers m1..m4, b (private) m1 m2 m5, c (private) m3 m4 m6. Greedy takes a (value 2) then
    b (+0.5: tie with c on value, cells, evidence strength (3 each) and countries (3 each), id last) = 5 cells,
    value 2.5; the optimum {b, c} covers all 6, value 3.
    """
    cover = {"a": ["m1", "m2", "m3", "m4"], "b": ["m1", "m2", "m5"], "c": ["m3", "m4", "m6"]}
    sectors = {"a": "civil_society", "b": "private", "c": "private"}
    return make_facts(
        organisations=[{"id": o, "sector": s} for o, s in sectors.items()],
        engagements=[{"organisation_id": o, "member_id": m, "theme_id": "climate"}
                     for o, ms in cover.items() for m in ms],
        signals=_need([f"m{i}" for i in range(1, 7)]),
    )


def test_greedy_versus_enumeration() -> None:
    result = build_coalition(_classic(), "climate", size=2)
    assert (result.greedy, result.greedy_covered, result.greedy_value) == (["a", "b"], 5, 2.5)
    assert (result.optimum, result.optimum_covered, result.optimum_value) == (["b", "c"], 6, 3.0)
    assert result.method == "enumeration" and result.optimal_proven
    assert result.optimality_gap == pytest.approx(1 / 6)
    assert (result.cells_total, result.cells_left, result.value_total) == (6, [], 3.0)
    assert list(result.picks.columns) == list(PICK_COLUMNS)
    assert result.picks[["order", "organisation_id", "adds", "value_added"]].values.tolist() == [
        [1, "b", ["m1", "m2", "m5"], 1.5], [2, "c", ["m3", "m4", "m6"], 1.5]]
    # a is the best replacement for either pick: swapping loses one cell (m5 or m6), value 0.5
    assert result.picks[["replacement", "replacement_loss", "replacement_cells_lost"]].values.tolist() == [
        ["a", 0.5, 1], ["a", 0.5, 1]]
    evidence = result.picks.loc[0, "evidence"]
    assert evidence[0]["text"] == "b supports m1 on Climate and environment (supports implementation)"
    assert all(e["source"] == "s" and e["as_of"] == "2024" for e in evidence)


def test_integer_programme_gives_the_same_optimum() -> None:
    result = build_coalition(_classic(), "climate", size=2, config=AnalysisConfig(coalition_exact_limit=0))
    assert result.method == "milp" and result.optimal_proven
    assert (result.optimum, result.optimum_covered, result.greedy_covered) == (["b", "c"], 6, 5)


def test_time_limited_integer_programme() -> None:
    cfg = AnalysisConfig(coalition_exact_limit=0, milp_time_limit=0.0)
    result = build_coalition(_classic(), "climate", size=2, config=cfg)
    # stopped before any solution: the greedy coalition stays, with the bound of the whole demand (3)
    assert (result.method, result.optimal_proven, result.optimum, result.upper_bound) == ("milp", False,
                                                                                         ["a", "b"], 3.0)
    assert any("optimum not proven; value at most 3.00" in note for note in result.notes)


def test_min_sectors_constraint() -> None:
    G = _classic()
    two = build_coalition(G, "climate", size=2, min_sectors=2)
    # b and c are both private: the best two-sector coalitions are {a, b} and {a, c} (5 cells, value 2.5);
    # equal on every tie-break but the id -> a, b
    assert (two.optimum, two.optimum_covered, two.greedy, two.optimality_gap) == (["a", "b"], 5, ["a", "b"], 0.0)
    assert two.sectors == ["civil_society", "private"] and two.feasible
    assert two.unconstrained == {"optimum": ["b", "c"], "optimum_value": 3.0, "value_given_up_for_sectors": 0.5}
    milp = build_coalition(G, "climate", size=2, min_sectors=2, config=AnalysisConfig(coalition_exact_limit=0))
    assert milp.optimum_covered == 5 and len(milp.sectors) == 2
    three = build_coalition(G, "climate", size=2, min_sectors=3)
    # no two picks span three sectors: say so, and show the best coalition without the constraint
    assert not three.feasible and three.min_sectors_used == 1
    assert three.optimum == ["b", "c"]
    assert "min_sectors=3 cannot be met" in three.notes[0]


def test_a_pick_that_adds_nothing_is_never_added() -> None:
    # a and b (private) cover two cells each, z (academic) only m1, which a also covers
    G = make_facts(
        organisations=[{"id": "a", "sector": "private"}, {"id": "b", "sector": "private"},
                       {"id": "z", "sector": "academic"}],
        engagements=[{"organisation_id": o, "member_id": m, "theme_id": "climate"}
                     for o, ms in {"a": ["m1", "m2"], "b": ["m3", "m4"], "z": ["m1"]}.items() for m in ms],
        signals=_need(["m1", "m2", "m3", "m4"]),
    )
    result = build_coalition(G, "climate", size=2, min_sectors=2)
    # greedy: a first (ties with b, id); the second pick must be academic, but z adds nothing next to a: the
    # greedy stops short of the sector rule. Exact: {b, z} closes m3, m4 and m1, both picks add something.
    assert (result.greedy, result.greedy_covered) == ([], 0)
    assert (result.optimum, result.optimum_covered, result.optimum_value) == (["b", "z"], 3, 1.5)
    assert result.optimality_gap == 1.0
    assert result.unconstrained == {"optimum": ["a", "b"], "optimum_value": 2.0, "value_given_up_for_sectors": 0.5}
    unconstrained = build_coalition(G, "climate", size=2)
    assert (unconstrained.optimum, unconstrained.optimum_covered) == (["a", "b"], 4)
    three = build_coalition(G, "climate", size=3)
    assert three.optimum == ["a", "b"]  # z would add nothing: not added to reach the size
    assert "only 2 organisation(s) add something" in three.notes[-1]


def test_fewer_candidates_than_size() -> None:
    result = build_coalition(_classic(), "climate", size=5)
    # {a, b, c} covers all six, but then a adds nothing: the best coalition of picks that all add is {b, c}
    assert result.optimum == ["b", "c"]
    assert result.notes == ["only 2 organisation(s) add something; no pick was added just to reach size 5"]


def test_capability_and_a_named_tie_are_both_needed() -> None:
    # o works in m1 on justice (a tie) but declares no climate expertise; e declares climate expertise and works
    # nowhere near m1; x is expert and a consortium co-member of o: only x can close m1, with the tie's strength
    G = make_facts(
        organisations=[{"id": "o", "sector": "private"}, {"id": "e", "sector": "academic"},
                       {"id": "x", "sector": "civil_society"}],
        engagements=[{"organisation_id": "o", "member_id": "m1", "theme_id": "justice"},
                     {"organisation_id": "e", "member_id": "m9", "theme_id": "justice"}],
        expertise=[{"organisation_id": "e", "theme_id": "climate"}, {"organisation_id": "x", "theme_id": "climate"}],
        memberships=[{"participant_type": "organisation", "participant_id": p, "consortium_id": "wg"}
                     for p in ("o", "x")],
        signals=_need(["m1"]),
    )
    result = build_coalition(G, "climate", members=["m1"], size=2)
    assert result.optimum == ["x"] and result.optimum_value == 0.2  # 0.5 x the consortium tie's 0.4
    assert result.picks.loc[0, "could_reach"] == ["m1"] and result.picks.loc[0, "supports_now"] == []


def test_fixture_open_contracting() -> None:
    G = fixture_facts()
    result = build_coalition(G, "open_contracting", size=2, min_sectors=2)
    # Universe: GHA only (its OCP pledge is open; MEX is mature). budget-watch and un-governance cover it with
    # strength 1, transparency-network with 0.8: after one of the first two, nobody adds anything, so no
    # two-sector coalition of picks that each add something exists. Without the constraint: one organisation,
    # budget-watch (ties: value, cells, evidence strength 1 and 1 country each; id).
    assert not result.feasible
    assert (result.optimum, result.optimum_covered, result.cells_total, result.optimum_value) == (
        ["budget-watch"], 1, 1, 1.0)
    assert result.scope == ["COL", "GHA", "KEN", "KEN-elgeyo-marakwet", "MEX", "NGA", "PHL", "UKR"]
    picks = result.picks.set_index("organisation_id")
    assert picks.loc["budget-watch", "supports_now"] == ["GHA"]
    assert picks.loc["budget-watch", "replacement"] == "un-governance"
    assert picks.loc["budget-watch", "replacement_loss"] == 0.0
    assert picks.loc["budget-watch", "consortia"] == ["Climate Transparency Partnership"]
    assert result.sectors == ["civil_society"]
    json.dumps(result.to_dict())  # ready for --format json


def test_fixture_fiscal_openness_reaches_through_a_named_tie() -> None:
    result = build_coalition(fixture_facts(), "fiscal_openness", region="Africa and Middle East", size=2)
    # GHA fiscal openness (0.7973) is covered by budget-watch (1); world-dev-bank reaches it only through its
    # bo-collective co-member transparency-network (0.4) and adds nothing next to budget-watch
    assert result.cells_total == 1 and result.optimum == ["budget-watch"]
    assert round(result.optimum_value, 4) == 0.7973


def test_region_scope_and_errors() -> None:
    G = fixture_facts()
    americas = build_coalition(G, "open_contracting", region="Americas", size=1)
    assert americas.scope == ["COL", "MEX"]
    assert americas.cells_total == 0 and "no demanded cell" in americas.notes[0]  # MEX is mature
    none = build_coalition(G, "justice", size=2)
    assert none.cells_total == 0 and none.optimum == [] and "no demanded cell" in none.notes[0]
    with pytest.raises(ValueError, match="not both"):
        build_coalition(G, "open_data", members=["KEN"], region="Europe")
    with pytest.raises(ValueError, match="unknown theme"):
        build_coalition(G, "astrology")
    with pytest.raises(ValueError, match="not analysed"):
        build_coalition(G, "open_data", members="RUS")
