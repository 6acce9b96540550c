"""model.tables.read_tables, model.facts and graph.analysis.multigraph.build_graph on the fixture dataset and on
broken input."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest
from networkx.algorithms import bipartite

from graph.analysis.multigraph import build_graph
from graph.analysis.network import affiliations, organisation_network
from model.facts import facts_from_tables
from model.schema import TABLES, THEMES
from model.tables import TableError, normalise_tables, read_tables
from tests.graphs import FIXTURE_DATASET, fixture_facts, fixture_multigraph, fixture_tables


def test_fixture_has_every_table_with_source_and_date() -> None:
    tables = fixture_tables()
    assert set(tables) == {t.name for t in TABLES}
    for spec in TABLES:
        frame = tables[spec.name]
        assert list(frame.columns) == spec.column_names, spec.name
        assert len(frame) > 0, spec.name
        assert frame["as_of"].notna().all(), spec.name
        if spec.name != "sources":
            assert frame["source"].isin(tables["sources"]["id"]).all(), spec.name


def test_fixture_shape() -> None:
    t = fixture_tables()
    # 8 analysed members (one local: KEN-elgeyo-marakwet) + RUS, withdrawn, which the analyses leave out
    assert len(t["members"]) == 9
    assert (t["members"]["level"] == "local").sum() == 1
    assert set(t["organisations"]["sector"]) == {"civil_society", "multilateral", "government", "private",
                                                 "academic", "network"}
    assert len(t["organisations"]) == 13
    assert len(t["consortia"]) == 3
    assert sorted(t["themes"]["id"]) == sorted(THEMES)


def test_read_tables_dtypes() -> None:
    t = fixture_tables()
    assert t["members"]["joined"].dtype == "Int64"
    assert t["members"].set_index("id")["joined"].isna()["RUS"]
    assert t["signals"]["value"].dtype == "float64"
    assert t["commitments"]["irm_starred"].dtype == "boolean"
    assert t["commitments"]["year"].tolist() == [2021, 2020, 2022, 2021, 2019, 2019, 2023]
    # blank cells are missing values, not empty strings
    general = t["engagements"][t["engagements"]["theme_id"].isna()]
    assert sorted(general["organisation_id"]) == ["budget-watch", "gov-digital-service", "world-dev-bank"]


def test_read_tables_errors(tmp_path: Path) -> None:
    for f in FIXTURE_DATASET.glob("*.csv"):
        (tmp_path / f.name).write_text(f.read_text())
    (tmp_path / "signals.csv").write_text("member_id,theme_id,indicator,kind,value,source,as_of\n"
                                          "KEN,open_data,x,score,high,fixture,2024\n")
    with pytest.raises(TableError, match=r"signals.value: not a number"):
        read_tables(tmp_path)
    (tmp_path / "signals.csv").write_text("member_id,theme_id,indicator,kind,source,as_of\n")
    with pytest.raises(TableError, match="missing required column"):
        read_tables(tmp_path)
    (tmp_path / "signals.csv").unlink()
    with pytest.raises(TableError, match="missing table file"):
        read_tables(tmp_path)


def test_build_graph_counts() -> None:
    G = fixture_multigraph()
    kinds = Counter(kind for _, kind in G.nodes(data="kind"))
    assert kinds == {"member": 9, "organisation": 13, "theme": 15, "consortium": 3, "commitment": 7}
    types = Counter(t for _, _, t in G.edges(data="type"))
    assert types == {"MADE": 7, "ON_THEME": 9, "WORKS_IN": 20, "EXPERT_IN": 24, "MEMBER_OF": 13,
                     "FOCUSES_ON": 6, "SIGNALS": 8, "BORDERS": 2}
    assert list(G.get_edge_data("member:RUS", "member:UKR").values()) == [
        {"type": "BORDERS", "source": "fixture", "as_of": "2024-06-01"}]
    assert set(G.graph["sources"]) == {"fixture", "fixture-indicators"}


def test_build_graph_attributes() -> None:
    G = fixture_multigraph()
    assert G.nodes["consortium:bo-collective"] == {
        "kind": "consortium", "id": "bo-collective", "name": "Beneficial Ownership Collective Action",
        "consortium_kind": "collective_action", "source": "fixture", "as_of": "2024-06-01"}
    # missing values are left out (as Neo4j does with null properties)
    assert "confidence" not in G.nodes["organisation:civic-lab"]
    assert G.nodes["member:KEN-elgeyo-marakwet"]["parent_iso3"] == "KEN"
    assert G.nodes["member:KEN"]["joined"] == 2011
    general = [d for _, _, d in G.out_edges("organisation:world-dev-bank", data=True) if d["type"] == "WORKS_IN"]
    assert general == [{"type": "WORKS_IN", "relation": "country_programme", "source": "fixture",
                        "as_of": "2024-06-01"}]
    signal = G.get_edge_data("member:KEN", "theme:open_data")
    assert list(signal.values()) == [{"type": "SIGNALS", "indicator": "gdb_overall_score", "kind": "score",
                                      "value": 49.5, "source": "fixture-indicators", "as_of": "2022"}]
    member_of = G.get_edge_data("member:NGA", "consortium:bo-collective")
    assert list(member_of.values())[0]["role"] == "signatory"
    made = G.get_edge_data("member:MEX", "commitment:MX0001")
    assert list(made.values()) == [{"type": "MADE", "source": "fixture", "as_of": "2019"}]
    assert G.nodes["commitment:MX0001"]["irm_starred"] is True


def test_build_graph_rejects_unknown_endpoints() -> None:
    tables = fixture_tables()
    extra = tables["engagements"].iloc[:1].assign(member_id="ATL")
    tables["engagements"] = pd.concat([tables["engagements"], extra], ignore_index=True)
    with pytest.raises(TableError, match="engagements: rows refer to unknown nodes: member:ATL"):
        build_graph(tables)


def test_projection_frames_build_the_same_graph() -> None:
    """Frames as the Neo4j projection returns them (object columns, Python values, None) give the same graph."""
    tables = fixture_tables()
    projected = {name: frame.astype(object).where(frame.notna(), None) for name, frame in tables.items()}
    G, H = build_graph(tables), build_graph(projected)
    assert dict(G.nodes(data=True)) == dict(H.nodes(data=True))
    assert sorted(map(repr, G.edges(data=True))) == sorted(map(repr, H.edges(data=True)))
    assert normalise_tables(projected)["members"]["joined"].dtype == "Int64"


def test_facts_hold_exactly_the_multigraph_s_nodes_and_edges() -> None:
    """Facts and the multigraph are both generated from model.schema's mapping: the same nodes and edges."""
    tables = fixture_tables()
    G, facts = build_graph(tables), facts_from_tables(tables)

    def ids(frame: pd.DataFrame, *columns: str) -> list[tuple]:
        return sorted(map(tuple, frame[list(columns)].astype(object).where(frame[list(columns)].notna(), None)
                          .itertuples(index=False)), key=repr)

    def edges(rel: str, *attrs: str) -> list[tuple]:
        return sorted(((u.split(":", 1)[1], v.split(":", 1)[1], *(d.get(a) for a in attrs))
                       for u, v, d in G.edges(data=True) if d["type"] == rel), key=repr)

    for kind, frame in (("member", facts.members), ("organisation", facts.organisations),
                        ("consortium", facts.consortia)):
        assert sorted(frame[f"{kind}_id"]) == sorted(n.split(":", 1)[1] for n, k in G.nodes(data="kind")
                                                     if k == kind)
    assert list(facts.themes) == sorted(n.split(":", 1)[1] for n, k in G.nodes(data="kind") if k == "theme")
    assert ids(facts.engagements, "organisation_id", "member_id", "theme_id", "relation") == edges(
        "WORKS_IN", "theme_id", "relation")
    assert ids(facts.expertise, "organisation_id", "theme_id") == edges("EXPERT_IN")
    assert ids(facts.memberships, "participant_id", "consortium_id", "role") == edges("MEMBER_OF", "role")
    assert ids(facts.consortium_themes, "consortium_id", "theme_id") == edges("FOCUSES_ON")
    assert ids(facts.signals, "member_id", "theme_id", "indicator", "value") == edges("SIGNALS", "indicator",
                                                                                      "value")
    assert ids(facts.borders, "member_id", "neighbour_id") == edges("BORDERS") == [("RUS", "UKR"), ("UKR", "RUS")]
    made = dict((c, m) for m, c in edges("MADE"))
    assert ids(facts.commitments, "commitment_id", "member_id", "theme_id") == sorted(
        ((c, made[c], t) for c, t in edges("ON_THEME")), key=repr)
    assert facts.consortia.loc[facts.consortia["consortium_id"] == "bo-collective", "consortium_kind"].tolist() == [
        G.nodes["consortium:bo-collective"]["consortium_kind"]]
    assert len(facts.engagements) == 20
    assert len(facts.commitments) == 9  # one row per (commitment, theme)


def test_organisation_network_weights() -> None:
    H = organisation_network(fixture_facts())
    assert H.number_of_nodes() == 13
    assert H.number_of_edges() == 31
    # Newman weights, sum over shared affiliations of 1 / (size - 1). Affiliation sizes: member KEN 5
    # (civic-lab, budget-watch, world-dev-bank, data-corp, open-data-collective), GHA 4, NGA 2, COL 2, UKR 2,
    # open-data-wg 4, bo-collective 3, climate-partnership 4; MEX and PHL have one organisation each.
    expected = {
        ("civic-lab", "open-data-collective"): 1 / 4 + 1 / 3,  # KEN + open-data-wg
        ("integrity-analytics", "transparency-network"): 1 + 1 / 2,  # NGA + bo-collective
        ("budget-watch", "un-governance"): 1 / 3 + 1 / 3,  # GHA + climate-partnership
        ("city-data-office", "gov-digital-service"): 1.0,  # UKR
        ("civic-lab", "world-dev-bank"): 1 / 4,  # KEN
        ("policy-institute", "transparency-network"): 1.0,  # COL
    }
    for (u, v), w in expected.items():
        assert H[u][v]["weight"] == pytest.approx(w, abs=1e-12)
    assert H["civic-lab"]["open-data-collective"]["shared"] == 2
    assert H.nodes["budget-watch"] == {"name": "Budget Watch", "sector": "civil_society"}


def test_organisation_network_equals_networkx_projection() -> None:
    G = fixture_facts()
    pairs = affiliations(G)
    B = nx.Graph()
    B.add_nodes_from(pairs["organisation_id"], bipartite=0)
    B.add_edges_from(zip(pairs["organisation_id"], pairs["affiliation"], strict=True))
    reference = bipartite.collaboration_weighted_projected_graph(B, set(pairs["organisation_id"]))
    H = organisation_network(G)
    assert {frozenset(e) for e in H.edges} == {frozenset(e) for e in reference.edges}
    for u, v, w in reference.edges(data="weight"):
        assert H[u][v]["weight"] == pytest.approx(w, abs=1e-12)


def test_organisation_network_size_cap() -> None:
    H = organisation_network(fixture_facts(), max_affiliation_size=3)
    # only NGA (2), COL (2), UKR (2) and bo-collective (3) stay
    assert sorted((min(u, v), max(u, v), round(w, 12)) for u, v, w in H.edges(data="weight")) == [
        ("city-data-office", "gov-digital-service", 1.0),
        ("integrity-analytics", "transparency-network", 1.5),
        ("integrity-analytics", "world-dev-bank", 0.5),
        ("policy-institute", "transparency-network", 1.0),
        ("transparency-network", "world-dev-bank", 0.5),
    ]
