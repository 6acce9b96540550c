"""Coalition builder: greedy versus exact on hand-built maximum-coverage instances, and on the fixture."""

from __future__ import annotations

import json

import pytest

from graph.analysis import PICK_COLUMNS, AnalysisConfig, build_coalition
from tests.graphs import fixture_facts, make_facts


def _classic() -> object:
    """Six members with a climate pledge; no regions, so no neighbours.

    a (civil society) covers m1..m4, b (private) m1 m2 m5, c (private) m3 m4 m6. Greedy takes a (4 cells)
    then b (+1: tie with c broken by id) = 5 cells; the optimum {b, c} covers all 6.
    """
    cover = {"a": ["m1", "m2", "m3", "m4"], "b": ["m1", "m2", "m5"], "c": ["m3", "m4", "m6"]}
    sectors = {"a": "civil_society", "b": "private", "c": "private"}
    return make_facts(
        organisations=[{"id": o, "sector": s} for o, s in sectors.items()],
        engagements=[{"organisation_id": o, "member_id": m, "theme_id": "climate"}
                     for o, ms in cover.items() for m in ms],
        signals=[{"member_id": f"m{i}", "theme_id": "climate"} for i in range(1, 7)],
    )


def test_greedy_versus_enumeration() -> None:
    result = build_coalition(_classic(), "climate", size=2)
    assert (result.greedy, result.greedy_covered) == (["a", "b"], 5)
    assert (result.optimum, result.optimum_covered) == (["b", "c"], 6)
    assert result.method == "enumeration" and result.optimal_proven
    assert result.optimality_gap == pytest.approx(1 / 6)
    assert (result.cells_total, result.cells_left) == (6, [])
    assert list(result.picks.columns) == list(PICK_COLUMNS)
    assert result.picks[["order", "organisation_id", "adds"]].values.tolist() == [
        [1, "b", ["m1", "m2", "m5"]], [2, "c", ["m3", "m4", "m6"]]]


def test_integer_programme_gives_the_same_optimum() -> None:
    result = build_coalition(_classic(), "climate", size=2, config=AnalysisConfig(coalition_exact_limit=0))
    assert result.method == "milp" and result.optimal_proven
    assert (result.optimum, result.optimum_covered, result.greedy_covered) == (["b", "c"], 6, 5)


def test_time_limited_integer_programme() -> None:
    cfg = AnalysisConfig(coalition_exact_limit=0, milp_time_limit=0.0)
    result = build_coalition(_classic(), "climate", size=2, config=cfg)
    # stopped before any improvement: the greedy coalition stays, with the combinatorial bound
    # min(6 coverable cells, 4 + 3 largest covers) = 6
    assert (result.method, result.optimal_proven, result.optimum, result.upper_bound) == ("milp", False,
                                                                                         ["a", "b"], 6.0)
    assert "optimum not proven; at most 6 cells" in result.notes[0]


def test_min_sectors_constraint() -> None:
    G = _classic()
    two = build_coalition(G, "climate", size=2, min_sectors=2)
    # b and c are both private: the best two-sector coalitions are {a, b} and {a, c} (5 cells); id order -> a, b
    assert (two.optimum, two.optimum_covered, two.greedy, two.optimality_gap) == (["a", "b"], 5, ["a", "b"], 0.0)
    assert two.sectors == ["civil_society", "private"] and two.feasible
    milp = build_coalition(G, "climate", size=2, min_sectors=2, config=AnalysisConfig(coalition_exact_limit=0))
    assert milp.optimum_covered == 5 and len(milp.sectors) == 2
    three = build_coalition(G, "climate", size=2, min_sectors=3)
    assert not three.feasible and three.min_sectors_used == 2
    assert "min_sectors=3 is infeasible" in three.notes[0]


def test_greedy_respects_min_sectors() -> None:
    # a and b (private) cover two cells each, z (academic) one; size 2 with two sectors
    G = make_facts(
        organisations=[{"id": "a", "sector": "private"}, {"id": "b", "sector": "private"},
                       {"id": "z", "sector": "academic"}],
        engagements=[{"organisation_id": o, "member_id": m, "theme_id": "climate"}
                     for o, ms in {"a": ["m1", "m2"], "b": ["m3", "m4"], "z": ["m1"]}.items() for m in ms],
        signals=[{"member_id": f"m{i}", "theme_id": "climate"} for i in range(1, 5)],
    )
    result = build_coalition(G, "climate", size=2, min_sectors=2)
    # greedy: a and b tie on 2 cells, id -> a; the last pick must be academic: z adds nothing (m1) -> 2 cells.
    # exact: {b, z} covers m3, m4, m1 -> 3 cells.
    assert (result.greedy, result.greedy_covered) == (["a", "z"], 2)
    assert (result.optimum, result.optimum_covered) == (["b", "z"], 3)
    assert result.optimality_gap == pytest.approx(1 / 3)
    unconstrained = build_coalition(G, "climate", size=2)
    assert (unconstrained.optimum, unconstrained.optimum_covered) == (["a", "b"], 4)


def test_fewer_candidates_than_size() -> None:
    result = build_coalition(_classic(), "climate", size=5)
    assert result.optimum == ["a", "b", "c"]
    assert result.notes == ["only 3 organisation(s) can cover any cell; coalition size 3"]


def test_fixture_open_contracting() -> None:
    G = fixture_facts()
    result = build_coalition(G, "open_contracting", size=2, min_sectors=2)
    # Universe: the demanded cells GHA (pledge) and MEX (commitment). budget-watch, transparency-network and
    # un-governance support GHA and are within 2 hops of MEX (see test_coverage): each covers both cells.
    # Greedy: all gain 2, all add a sector, id -> budget-watch; then gain 0, network and multilateral are new
    # sectors, id -> transparency-network. Enumeration of the 3 pairs: all cover 2; first is the same pair.
    assert (result.greedy, result.optimum, result.optimum_covered, result.cells_total) == (
        ["budget-watch", "transparency-network"], ["budget-watch", "transparency-network"], 2, 2)
    assert result.scope == ["COL", "GHA", "KEN", "KEN-elgeyo-marakwet", "MEX", "NGA", "PHL", "UKR"]
    # greedy covers both coverable cells: it is optimal without a search
    assert (result.method, result.optimal_proven, result.upper_bound) == ("greedy_is_optimal", True, 2.0)
    picks = result.picks.set_index("organisation_id")
    assert picks.loc["budget-watch", "adds"] == ["GHA", "MEX"]
    assert picks.loc["budget-watch", "supports_now"] == ["GHA"]
    assert picks.loc["budget-watch", "could_reach"] == ["MEX"]
    assert picks.loc["transparency-network", "adds"] == []
    assert picks.loc["budget-watch", "works_with"] == ["transparency-network"]  # both work in GHA
    assert picks.loc["budget-watch", "role"] == "itinerant"
    assert picks.loc["transparency-network", "consortia"] == ["Beneficial Ownership Collective Action"]
    assert result.sectors == ["civil_society", "network"]
    json.dumps(result.to_dict())  # ready for --format json


def test_region_scope_and_errors() -> None:
    G = fixture_facts()
    americas = build_coalition(G, "open_contracting", region="Americas", size=1)
    assert americas.scope == ["COL", "MEX"]
    assert (americas.cells_total, americas.optimum, americas.cells_left) == (1, ["budget-watch"], [])
    none = build_coalition(G, "justice", size=2)
    assert none.cells_total == 0 and none.optimum == [] and "no demanded cell" in none.notes[-1]
    with pytest.raises(ValueError, match="not both"):
        build_coalition(G, "open_data", members=["KEN"], region="Europe")
    with pytest.raises(ValueError, match="unknown theme"):
        build_coalition(G, "astrology")
    with pytest.raises(ValueError, match="not analysed"):
        build_coalition(G, "open_data", members="RUS")
