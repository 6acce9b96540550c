"""The analysis commands end to end on the bundled real data in the real Neo4j (as a user runs them)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from graph.db import Database
from graph.settings import REPO_ROOT
from model.config import AnalysisConfig

pytestmark = pytest.mark.integration
OGPNET = str(REPO_ROOT / ".venv" / "bin" / "ogpnet")


@pytest.fixture(scope="module")
def real_db(bundled_database: Database) -> Database:
    return bundled_database


def ogpnet(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([OGPNET, *args], env=env, capture_output=True, text=True, timeout=300)


def as_json(env: dict[str, str], *args: str) -> dict[str, Any]:
    out = ogpnet(env, *args, "--format", "json")
    assert out.returncode == 0, out.stderr
    result: dict[str, Any] = json.loads(out.stdout)
    return result


def test_beneficial_ownership_gaps_match_an_independent_cypher_count(real_db: Database,
                                                                      neo4j_env: dict[str, str]) -> None:
    result = as_json(neo4j_env, "gaps", "--theme", "beneficial_ownership", "--status", "gap")
    assert result["command"] == "gaps" and result["parameters"]["theme"] == "beneficial_ownership"
    gap_members = {r["member_id"] for r in result["rows"]}
    assert result["count"] == len(result["rows"]) > 0
    for row in result["rows"]:
        assert row["status"] == "gap" and row["cov"] == 0 and row["supporters"] == [] and row["demand"] > 0
    # Independently, in Cypher: analysed members with an open BO pledge (a commitment-direction signal of the
    # catalogue, not fulfilled by a register or by BO data available, score >= 75) and nobody covering them on
    # BO (no relation of strength >= the coverage threshold, theme-specific or general + expertise).
    cfg = AnalysisConfig()
    strong = [r.id for r in cfg.catalogue.relations if r.strength >= cfg.coverage_min_strength]
    pledges = [i.id for i in cfg.catalogue.indicators if i.direction == "commitment"
               and i.theme == "beneficial_ownership"]
    expected = {r["id"] for r in real_db.read(
        "MATCH (m:Member) WHERE m.status IN $statuses "
        "AND EXISTS { (m)-[s:SIGNALS]->(:Theme {id: $t}) WHERE s.indicator IN $pledges AND s.value > 0 } "
        "AND NOT EXISTS { (m)-[s:SIGNALS]->(:Theme {id: $t}) WHERE s.indicator = 'oo_bo_register' "
        "                 OR (s.indicator = 'gdb_bo_data_availability' AND s.value >= 75) } "
        "AND NOT EXISTS { (:Organisation)-[w:WORKS_IN]->(m) WHERE w.theme_id = $t AND w.relation IN $strong } "
        "AND NOT EXISTS { (o:Organisation)-[w:WORKS_IN]->(m) WHERE w.theme_id IS NULL "
        "                 AND w.relation IN $strong AND EXISTS { (o)-[:EXPERT_IN]->(:Theme {id: $t}) } } "
        "RETURN m.id AS id", {"t": "beneficial_ownership", "statuses": list(cfg.member_statuses),
                              "strong": strong, "pledges": pledges})}
    assert expected, "the bundled data should have beneficial-ownership gaps"
    assert expected <= gap_members
    # The rest are gaps by need (low scores) or open OGP commitments, with no open pledge.
    for row in result["rows"]:
        if row["member_id"] not in expected:
            assert row["n_pledges"] == 0 and (row["n_need_signals"] > 0 or row["n_commitments"] > 0)


def test_summary_headline_counts_cells(real_db: Database, neo4j_env: dict[str, str]) -> None:
    result = as_json(neo4j_env, "summary")
    h = result["headline"]
    assert h["members"] == real_db.read("MATCH (m:Member) RETURN count(m) AS n")[0]["n"]
    assert h["themes"] == 15
    assert h["gap_cells"] + h["fragile_cells"] + h["covered_cells"] + h["redundant_cells"] == h["demanded_cells"]
    table = ogpnet(neo4j_env, "summary")
    assert table.returncode == 0 and "beneficial_ownership" in table.stdout


def test_brokers_json_keys_and_grouping(real_db: Database, neo4j_env: dict[str, str]) -> None:
    for group_by in ("sector", "region", "consortium"):
        result = as_json(neo4j_env, "brokers", "--group-by", group_by, "--top", "5")
        assert result["betweenness"]["method"] in ("exact", "sampled")
        assert len(result["rows"]) == 5
        row = result["rows"][0]
        for key in ("organisation_id", "betweenness", "constraint", "effective_size", "coordinator",
                    "itinerant", "representative", "gatekeeper", "liaison", "z_liaison", "dominant_role", "group"):
            assert key in row
        assert [r["betweenness"] for r in result["rows"]] == sorted((r["betweenness"] for r in result["rows"]),
                                                                    reverse=True)
        # why each is a broker: evidence items naming the other groups its ties reach, with source and date
        for r in result["rows"]:
            assert all({"text", "source", "as_of", "group", "neighbours"} <= set(e) for e in r["evidence"])
            assert all(e["source"] and e["as_of"] for e in r["evidence"])
        assert any(e["group"] != row["group"] and e["text"].startswith(row["name"])
                   for e in row["evidence"]), row["evidence"]


def test_partners_and_similar(real_db: Database, neo4j_env: dict[str, str]) -> None:
    result = as_json(neo4j_env, "partners", "--theme", "open_contracting", "--member", "KEN", "--top", "5")
    assert 0 < len(result["rows"]) <= 5
    for row in result["rows"]:
        parts = sum(result["weights"][f"weight_{p}"] * row[p]
                    for p in ("expertise", "presence", "track_record", "complementarity", "proximity"))
        assert row["score"] == pytest.approx(parts)
        assert row["evidence"]
    similar = as_json(neo4j_env, "partners", "--like", "open-ownership", "--top", "3")
    assert all(r["organisation_id"] != "open-ownership" for r in similar["rows"])


def test_coalition_reports_optimality(real_db: Database, neo4j_env: dict[str, str]) -> None:
    result = as_json(neo4j_env, "coalition", "--theme", "open_contracting", "--region", "Africa and Middle East",
                     "--size", "3", "--min-sectors", "2")
    c = result["coalition"]
    assert len(c["picks"]) <= 3 and c["optimum_covered"] >= c["greedy_covered"]
    assert len(set(c["sectors"])) >= 2 or not c["feasible"]
    assert len(c["cells_covered"]) + len(c["cells_left"]) == c["cells_total"]


def test_what_if_and_snapshot_comparison(real_db: Database, neo4j_env: dict[str, str], tmp_path: Path) -> None:
    result = as_json(neo4j_env, "gaps", "--remove-organisation", "open-ownership")
    assert result["rows"], "Open Ownership is the only beneficial-ownership supporter somewhere"
    assert {r["theme_id"] for r in result["rows"]} >= {"beneficial_ownership"}
    saved = tmp_path / "cells.json"
    assert ogpnet(neo4j_env, "gaps", "--save", str(saved), "--format", "csv").returncode == 0
    diff = as_json(neo4j_env, "gaps", "--compare", str(saved))
    assert diff["rows"] == []  # same snapshot: nothing changed


@pytest.mark.parametrize("args, message", [
    (["gaps", "--member", "ZZZ"], "unknown member id"),
    (["gaps", "--region", "Atlantis"], "unknown region"),
    (["gaps", "--status", "nope"], "unknown status"),
    (["partners"], "give --theme"),
    (["partners", "--like", "no-such-org"], "unknown organisation"),
    (["coalition", "--theme", "open_data", "--size", "2", "--member", "KEN", "--region", "Europe"], "not both"),
])
def test_bad_arguments_get_one_clear_line(real_db: Database, neo4j_env: dict[str, str], args: list[str],
                                          message: str) -> None:
    out = ogpnet(neo4j_env, *args)
    assert out.returncode != 0
    assert message in out.stderr and "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1


def test_screen_and_its_report(real_db: Database, neo4j_env: dict[str, str], tmp_path: Path) -> None:
    """`ogpnet screen`: the scorecard of screen_partners on the loaded graph, with criteria, evidence and funders;
    `ogpnet report screen` writes the same scorecard in every format."""
    import zipfile

    import openpyxl

    from graph.analysis import CRITERIA, screen_partners
    from graph.settings import analysis_config
    from graph.snapshot import current_graph

    result = as_json(neo4j_env, "screen", "--theme", "beneficial_ownership", "--top", "5")
    facts = current_graph(real_db, use_cache=False).facts
    expected = screen_partners(facts, "beneficial_ownership", top=5, config=analysis_config({}))
    assert [r["candidate_id"] for r in result["rows"]] == list(expected["candidate_id"])
    assert [c["criterion"] for c in result["criteria"]] == [c.id for c in CRITERIA]
    top = result["rows"][0]
    assert top["criteria_met"] == sum(top[f"{c.id}_pass"] for c in CRITERIA)
    assert all({"criterion", "text", "source", "as_of"} <= set(e) for e in top["evidence"])
    assert result["funders"] and all(f["evidence"] for f in result["funders"])
    regional = as_json(neo4j_env, "screen", "--theme", "open_contracting", "--region", "Americas")
    assert regional["parameters"]["region"] == "Americas" and regional["rows"]
    for suffix in ("xlsx", "html", "zip", "pdf"):
        out = subprocess.run([OGPNET, "report", "screen", "--theme", "beneficial_ownership", "--out",
                              str(tmp_path / f"s.{suffix}")], env=neo4j_env, capture_output=True, text=True,
                             timeout=300)
        assert out.returncode == 0, out.stderr
    wb = openpyxl.load_workbook(tmp_path / "s.xlsx")
    assert wb.sheetnames[:3] == ["Summary", "Criteria", "Scorecard"]
    header = [c.value for c in wb["Scorecard"][1]]
    column = header.index("Candidate")  # names first, the id beside it
    assert header[column - 1] == "Name"
    shown = [row[column] for row in wb["Scorecard"].iter_rows(min_row=2, max_row=4, values_only=True)]
    full = screen_partners(facts, "beneficial_ownership", config=analysis_config({}))
    assert shown == list(full["candidate_id"][:3])
    from pypdf import PdfReader

    first = " ".join(PdfReader(tmp_path / "s.pdf").pages[0].extract_text().split())
    assert "Partnership screening: Beneficial ownership" in first
    assert "paris-ca-02" in (tmp_path / "s.html").read_text(encoding="utf-8")
    with zipfile.ZipFile(tmp_path / "s.zip") as z:
        assert "scorecard.csv" in z.namelist() and "data_limits.csv" in z.namelist()


def test_briefs_and_the_gap_report_from_the_cli(real_db: Database, neo4j_env: dict[str, str], tmp_path: Path) -> None:
    """`ogpnet report member` and `report theme` on the loaded graph: the PDF reads as a brief on every page; the
    workbook's top gaps carry the coalition builder's answer; `--since` compares with saved cells."""
    import zipfile

    import openpyxl
    from pypdf import PdfReader

    from graph.analysis import build_coalition
    from graph.settings import analysis_config
    from graph.snapshot import current_graph
    from reports.gap_report import THEME_SHEETS

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([OGPNET, *args], env=neo4j_env, capture_output=True, text=True, timeout=300)

    out = run("report", "member", "KEN", "--out", str(tmp_path / "ken.pdf"))
    assert out.returncode == 0, out.stderr
    pages = PdfReader(tmp_path / "ken.pdf").pages
    assert len(pages) > 2
    assert all("Member brief: Kenya (KEN)" in " ".join(p.extract_text().split()) for p in pages)
    out = run("report", "theme", "open_contracting", "--out", str(tmp_path / "oc.xlsx"))
    assert out.returncode == 0, out.stderr
    wb = openpyxl.load_workbook(tmp_path / "oc.xlsx")
    assert wb.sheetnames == [*THEME_SHEETS, "Chart data"]
    facts = current_graph(real_db, use_cache=False).facts
    coalition = build_coalition(facts, "open_contracting", size=3, config=analysis_config({}))
    names = dict(zip(facts.organisations["organisation_id"], facts.organisations["name"], strict=True))
    top = {c.value: v.value for c, v in zip(wb["Top gaps"][1], wb["Top gaps"][2], strict=True)}
    assert top["Best coalition"] == "; ".join(f"{names[o]} ({o})" for o in coalition.optimum)
    assert top["Coalition closes"] == coalition.optimum_covered
    assert run("gaps", "--save", str(tmp_path / "saved.json")).returncode == 0
    out = run("report", "gaps", "--theme", "climate", "--since", str(tmp_path / "saved.json"), "--out",
              str(tmp_path / "g.zip"))
    assert out.returncode == 0, out.stderr
    with zipfile.ZipFile(tmp_path / "g.zip") as z:
        changes = z.read("changes.csv").decode("utf-8").splitlines()
        head = z.read("executive_summary.csv").decode("utf-8")
    assert len(changes) == 1  # the same load: nothing changed, the header only
    assert "Gaps closed since,0,since the snapshot saved in saved.json" in head
