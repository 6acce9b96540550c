"""Brokerage: Gould-Fernandez against R's sna::brokerage, the other measures against NetworkX."""

from __future__ import annotations

import json
import random
from collections.abc import Hashable, Mapping
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graph.analysis import (
    ROLES,
    AnalysisConfig,
    articulation_points,
    betweenness,
    brokerage_report,
    dominant_role,
    gould_fernandez,
    local_bridges,
    organisation_network,
    structural_holes,
)
from tests.graphs import fixture_facts

REFERENCE = json.loads((Path(__file__).parent / "r" / "brokerage_reference.json").read_text())
COLUMNS = [*ROLES, "total"]
Z_COLUMNS = [f"z_{c}" for c in COLUMNS]


def _number(x: Any) -> float:
    return {"NaN": np.nan, "Inf": np.inf, "-Inf": -np.inf}[x] if isinstance(x, str) else float(x)


def _reference_brokerage(G: nx.DiGraph, group: Mapping[Hashable, Hashable]) -> dict[Hashable, list[int]]:
    """Straight transcription of sna's C routine brokerage_R: one loop per two-path (for cross-checking)."""
    counts = {v: [0] * 5 for v in G}
    for i in G:
        for j in G.successors(i):
            if j == i:
                continue
            for k in G.successors(j):
                if k in (i, j) or G.has_edge(i, k):
                    continue
                if group[j] == group[i]:
                    role = 0 if group[j] == group[k] else 2  # coordinator / representative
                elif group[j] == group[k]:
                    role = 3  # gatekeeper
                elif group[i] == group[k]:
                    role = 1  # itinerant
                else:
                    role = 4  # liaison
                counts[j][role] += 1
    return counts


@pytest.mark.parametrize("case", REFERENCE["cases"], ids=[c["name"] for c in REFERENCE["cases"]])
def test_gould_fernandez_matches_r_sna(case: dict[str, Any]) -> None:
    G = nx.DiGraph()
    G.add_nodes_from(range(case["n"]))
    G.add_edges_from(map(tuple, case["arcs"]))
    gf = gould_fernandez(G, dict(enumerate(case["groups"])))
    raw = np.array(case["raw"], dtype=np.int64)
    z = np.array([[_number(x) for x in row] for row in case["z"]])
    assert (gf[COLUMNS].to_numpy() == raw).all()
    got = gf[Z_COLUMNS].to_numpy()
    assert (np.isnan(got) == np.isnan(z)).all()
    assert (np.isinf(got) == np.isinf(z)).all()
    finite = np.isfinite(z)
    assert np.abs(got[finite] - z[finite]).max(initial=0.0) <= 1e-9
    assert (np.sign(got[np.isinf(z)]) == np.sign(z[np.isinf(z)])).all()


def test_undirected_graph_counts_two_arcs() -> None:
    case = next(c for c in REFERENCE["cases"] if c["name"] == "undirected_n14_3groups")
    G = nx.Graph()
    G.add_nodes_from(range(case["n"]))
    G.add_edges_from(map(tuple, case["arcs"]))  # each tie listed twice by R: the Graph keeps one edge
    gf = gould_fernandez(G, dict(enumerate(case["groups"])))
    assert (gf[COLUMNS].to_numpy() == np.array(case["raw"])).all()
    z = np.array([[_number(x) for x in row] for row in case["z"]])
    np.testing.assert_allclose(gf[Z_COLUMNS].to_numpy(), z, rtol=0, atol=1e-9)


def test_fixture_network_matches_r_and_hand_counts() -> None:
    H = organisation_network(fixture_facts())
    case = next(c for c in REFERENCE["cases"] if c["name"] == "fixture_organisation_network")
    gf = gould_fernandez(H, "sector").loc[case["vertices"]]
    assert (gf[COLUMNS].to_numpy() == np.array(case["raw"])).all()
    z = np.array([[_number(x) for x in row] for row in case["z"]])
    np.testing.assert_allclose(gf[Z_COLUMNS].to_numpy(), z, rtol=0, atol=1e-9)
    # By hand (each undirected open two-path counts in both directions):
    # transparency-network (network) has neighbours budget-watch (CSO), uni-research-hub, policy-institute
    # (academic), un-governance, world-dev-bank (multilateral), integrity-analytics (private). Non-adjacent
    # pairs: urh-pi and ung-wdb share a group (itinerant, 2 x 2 = 4); bw-ia, urh-ia, urh-wdb, ung-ia, ia-pi,
    # pi-wdb do not (liaison, 6 x 2 = 12); no neighbour is a network, so no other role.
    assert gf.loc["transparency-network", COLUMNS].tolist() == [0, 4, 0, 0, 12, 16]
    # budget-watch (CSO), 9 neighbours, 20 non-adjacent pairs: civic-lab - justice-forum (both CSO:
    # coordinator 2); civic-lab with un-governance / transparency-network / policy-institute and justice-forum
    # with world-dev-bank / data-corp / open-data-collective / uni-research-hub / transparency-network (one CSO
    # end: 8 pairs, representative 8 and gatekeeper 8); wdb-ung, odc-tn, urh-pi (itinerant 6); the 8 other
    # pairs have three sectors (liaison 16).
    assert gf.loc["budget-watch", COLUMNS].tolist() == [2, 6, 8, 8, 16, 40]
    # gov-digital-service (government): city-data-office (government) is tied only to it, and its other
    # neighbours civic-lab, open-data-collective, uni-research-hub are tied to each other.
    assert gf.loc["gov-digital-service", COLUMNS].tolist() == [0, 0, 3, 3, 0, 6]
    assert (gf[list(ROLES)].sum() > 0).all()  # every role occurs in the fixture


def _random_digraph(seed: int, n: int, p: float, loops: bool) -> nx.DiGraph:
    rng = random.Random(seed)
    G = nx.gnp_random_graph(n, p, seed=seed, directed=True)
    if loops:
        G.add_edges_from((v, v) for v in G if rng.random() < 0.2)
    return G


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(1, 25), p=st.floats(0.0, 1.0), n_groups=st.integers(1, 4),
       loops=st.booleans())
def test_vectorised_counts_equal_the_loop(seed: int, n: int, p: float, n_groups: int, loops: bool) -> None:
    G = _random_digraph(seed, n, p, loops)
    rng = random.Random(seed)
    group = {v: rng.randrange(n_groups) for v in G}
    gf = gould_fernandez(G, group)
    expected = _reference_brokerage(G, group)
    for v in G:
        assert gf.loc[v, list(ROLES)].tolist() == expected[v]
        assert gf.loc[v, "total"] == sum(expected[v])


def test_multigraph_and_attribute_groups() -> None:
    G = nx.MultiDiGraph([("a", "b"), ("a", "b"), ("b", "c"), ("c", "d")])
    nx.set_node_attributes(G, {"a": "x", "b": "x", "c": "y", "d": "y"}, "sector")
    simple = gould_fernandez(nx.DiGraph(G), "sector")
    assert gould_fernandez(G, "sector").equals(simple)  # parallel arcs count once
    # nodes without a group form one group of their own
    G.add_edge("d", "e")
    gf = gould_fernandez(G, "sector")
    # c -> d -> e with c, d in group y and e ungrouped: d represents y towards e
    assert list(gf.loc["d", COLUMNS]) == [0, 0, 1, 0, 0, 1]


def test_dominant_role_on_fixture() -> None:
    gf = gould_fernandez(organisation_network(fixture_facts()), "sector")
    roles = dominant_role(gf)
    # z-scores: budget-watch itinerant 5.44 > coordinator 4.36; gov-digital-service representative 1.25 =
    # gatekeeper 1.25 (ties go to the earlier role); brokers without open two-paths get "none"
    assert roles["budget-watch"] == "itinerant"
    assert roles["gov-digital-service"] == "representative"
    assert roles["data-corp"] == "none"


def test_betweenness_exact_equals_networkx() -> None:
    H = organisation_network(fixture_facts())
    result = betweenness(H)
    assert (result.method, result.k, result.seed) == ("exact", None, None)
    expected = nx.betweenness_centrality(H)
    for v, value in expected.items():
        assert result.values[v] == pytest.approx(value, abs=1e-12)
    # gov-digital-service is the only way to city-data-office: at least the 11 pairs (cdo, x) over 66
    assert result.values["gov-digital-service"] >= 11 / 66
    assert result.values["city-data-office"] == 0.0


@pytest.mark.parametrize("directed", [False, True])
def test_betweenness_sampled_equals_networkx(directed: bool) -> None:
    G = nx.gnm_random_graph(60, 180, seed=3, directed=directed)
    cfg = AnalysisConfig(betweenness_exact_limit=50, betweenness_sample_size=12, seed=7)
    result = betweenness(G, cfg)
    assert (result.method, result.k, result.seed) == ("sampled", 12, 7)
    expected = nx.betweenness_centrality(G, k=12, seed=7)
    np.testing.assert_allclose(result.values.loc[list(expected)].to_numpy(), list(expected.values()),
                               rtol=0, atol=1e-12)
    exact = betweenness(G)
    np.testing.assert_allclose(exact.values.loc[list(G)].to_numpy(),
                               list(nx.betweenness_centrality(G).values()), rtol=0, atol=1e-12)


def test_structural_holes_equal_networkx() -> None:
    H = organisation_network(fixture_facts())
    H.add_node("isolate")
    holes = structural_holes(H)
    constraint = nx.constraint(H, weight="weight")
    # node by node: NetworkX 3.6's all-nodes fast path of effective_size mis-normalises weighted graphs
    effective = nx.effective_size(H, nodes=list(H), weight="weight")
    for v in H:
        if v == "isolate":
            assert np.isnan(holes.loc[v, "constraint"]) and np.isnan(holes.loc[v, "effective_size"])
            continue
        assert holes.loc[v, "constraint"] == pytest.approx(constraint[v], abs=1e-12)
        assert holes.loc[v, "effective_size"] == pytest.approx(effective[v], abs=1e-12)
    # city-data-office has a single tie: constraint 1, effective size 1
    assert list(holes.loc["city-data-office", ["constraint", "effective_size", "degree"]]) == [1.0, 1.0, 1]


def test_structural_holes_by_hand() -> None:
    # hub tied to a, b (tied to each other) and c; weights 1. For the hub p = 1/3 to each neighbour;
    # constraint = (1/3 + 1/3 * 1/2)^2 * 2 + (1/3)^2 = 0.5 + 1/9; effective size = 3 - 2 * 1 / 3 = 7/3.
    H = nx.Graph([("hub", "a"), ("hub", "b"), ("hub", "c"), ("a", "b")])
    holes = structural_holes(H, weight=None)
    assert holes.loc["hub", "constraint"] == pytest.approx(0.5 + 1 / 9)
    assert holes.loc["hub", "effective_size"] == pytest.approx(7 / 3)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(2, 30), m=st.integers(1, 80))
def test_structural_holes_random_weighted(seed: int, n: int, m: int) -> None:
    G = nx.gnm_random_graph(n, min(m, n * (n - 1) // 2), seed=seed)
    rng = random.Random(seed)
    for u, v in G.edges:
        G[u][v]["weight"] = rng.choice([0.25, 0.5, 1.0, 2.0, 3.0])
    holes = structural_holes(G)
    c = nx.constraint(G, weight="weight")
    e = nx.effective_size(G, nodes=list(G), weight="weight")
    for v in G:
        if G.degree(v) == 0:
            continue
        assert holes.loc[v, "constraint"] == pytest.approx(c[v], abs=1e-9)
        assert holes.loc[v, "effective_size"] == pytest.approx(e[v], abs=1e-9)


def test_bridges_and_articulation_points() -> None:
    H = organisation_network(fixture_facts())
    bridges = local_bridges(H)
    assert bridges.values.tolist() == [["city-data-office", "gov-digital-service", np.inf, True]]
    assert articulation_points(H) == ["gov-digital-service"]
    for seed in range(5):
        G = nx.relabel_nodes(nx.gnm_random_graph(40, 60, seed=seed), str)
        expected = {(min(u, v), max(u, v), s) for u, v, s in nx.local_bridges(G, with_span=True)}
        got = {(r.u, r.v, r.span) for r in local_bridges(G).itertuples()}
        assert got == expected


def test_brokerage_report_on_fixture() -> None:
    report = brokerage_report(fixture_facts())
    orgs = report.organisations
    assert len(orgs) == 13
    assert (report.betweenness_method, report.group) == ("exact", "sector")
    assert report.articulation_points == ["gov-digital-service"]
    assert bool(orgs.loc["gov-digital-service", "articulation_point"])
    assert list(orgs.loc["transparency-network", ["degree", "strength"]]) == [6, pytest.approx(4.0)]
    assert orgs.loc["budget-watch", "dominant_role"] == "itinerant"
    assert list(orgs.columns[:8]) == ["name", "sector", "degree", "strength", "betweenness", "constraint",
                                      "effective_size", "articulation_point"]
    assert isinstance(orgs, pd.DataFrame) and orgs.index.name == "organisation_id"
