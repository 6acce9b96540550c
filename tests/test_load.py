"""`ogpnet load` against the real test Neo4j: counts, idempotence, updates, deletions, refusal of bad input."""

from __future__ import annotations

import csv
import datetime
import gc
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import graph.db
from graph.db import Database, connect
from graph.dump import dump_text
from graph.settings import Settings
from graph.snapshot import read_snapshot
from loaders.load import writer as neo4j_writer
from loaders.load.directory import load_directory
from model.errors import DatabaseError, ValidationError
from model.schema import NODE_TABLES, REL_MAPPINGS, TABLES
from model.tables import normalise_tables, read_tables
from queries import load as q
from tests.conftest import FIXTURE_DATASET

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parent.parent
OGPNET = str(REPO / ".venv" / "bin" / "ogpnet")


def csv_rows(directory: Path, table: str) -> list[dict[str, str]]:
    with open(directory / f"{table}.csv", encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def label_counts(db: Database) -> dict[str, int]:
    return {r["label"]: r["n"] for r in db.read("MATCH (n) RETURN labels(n)[0] AS label, count(*) AS n")}


def rel_counts(db: Database) -> dict[str, int]:
    return {r["type"]: r["n"] for r in db.read("MATCH ()-[r]->() RETURN type(r) AS type, count(*) AS n")}


def expected_counts(directory: Path) -> tuple[dict[str, int], dict[str, int]]:
    nodes = {label.value: len(csv_rows(directory, table)) for table, label in NODE_TABLES.items()}
    rels = {m.rel_type.value: len(csv_rows(directory, m.table)) for m in REL_MAPPINGS}
    return nodes, rels


def test_counts_equal_file_rows(empty_database: Database) -> None:
    summary = load_directory(empty_database, FIXTURE_DATASET)
    nodes, rels = expected_counts(FIXTURE_DATASET)
    got = label_counts(empty_database)
    assert got.pop("LoadRun") == 1
    assert got == {k: v for k, v in nodes.items() if v}
    assert rel_counts(empty_database) == {k: v for k, v in rels.items() if v}
    assert all(c.updated == 0 and c.deleted == 0 for c in summary.counts.values())
    assert sum(c.created for c in summary.counts.values()) == summary.rows


def test_loading_twice_gives_identical_dump(empty_database: Database) -> None:
    load_directory(empty_database, FIXTURE_DATASET)
    first = dump_text(empty_database)
    summary = load_directory(empty_database, FIXTURE_DATASET)
    assert dump_text(empty_database) == first
    assert all(c.created == c.updated == c.deleted == 0 for c in summary.counts.values())
    assert label_counts(empty_database)["LoadRun"] == 2


def test_reading_the_graph_back_gives_the_files_tables(empty_database: Database) -> None:
    """`read_snapshot` (what every analysis starts from) returns exactly the tables of the loaded files."""
    load_directory(empty_database, FIXTURE_DATASET)
    snapshot = read_snapshot(empty_database)
    got, want = normalise_tables(snapshot.tables), read_tables(FIXTURE_DATASET)
    assert snapshot.load_id and snapshot.snapshot
    assert min(len(frame) for frame in want.values()) > 0  # every table has rows to compare
    for spec in TABLES:
        key = list(spec.key)
        a = got[spec.name].sort_values(key).reset_index(drop=True)
        b = want[spec.name].sort_values(key).reset_index(drop=True)
        pd.testing.assert_frame_equal(a, b, obj=spec.name)


def test_the_latest_load_is_the_last_one_even_within_the_same_second(empty_database: Database,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    class FrozenClock(datetime.datetime):
        @classmethod
        def now(cls, tz: datetime.tzinfo | None = None) -> FrozenClock:
            return cls(2026, 1, 1, 12, 0, 0, tzinfo=tz)

    monkeypatch.setattr(neo4j_writer, "datetime", FrozenClock)  # every load starts and finishes at 12:00:00
    ids = [load_directory(empty_database, FIXTURE_DATASET).load_id for _ in range(3)]
    assert [r["id"] for r in empty_database.read(q.LATEST_LOAD_RUN)] == [ids[-1]]
    runs = empty_database.read("MATCH (r:LoadRun) RETURN r.id AS id ORDER BY r.seq DESC")
    assert [r["id"] for r in runs] == ids[::-1]
    assert read_snapshot(empty_database).load_id == ids[-1]


def half_the_signals(tmp_path: Path) -> Path:
    changed = tmp_path / "changed"
    shutil.copytree(FIXTURE_DATASET, changed)
    rows = csv_rows(changed, "signals")
    with open(changed / "signals.csv", "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows[: len(rows) // 2])
    return changed


def test_a_load_committing_while_the_graph_is_read_is_not_mixed_in(empty_database: Database, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    load_directory(empty_database, FIXTURE_DATASET)
    changed = half_the_signals(tmp_path)
    loads = []
    column = graph.db._ManagedReader.column

    def column_then_load(reader: graph.db._ManagedReader, *args: Any) -> list[Any]:
        values = column(reader, *args)
        if not loads:  # a load commits between the first and the second table of the first read
            loads.append(load_directory(empty_database, changed))
        return values

    monkeypatch.setattr(graph.db._ManagedReader, "column", column_then_load)
    snapshot = read_snapshot(empty_database)
    assert len(loads) == 1 and snapshot.load_id == loads[0].load_id
    got, want = normalise_tables(snapshot.tables), read_tables(changed)
    for spec in TABLES:
        key = list(spec.key)
        pd.testing.assert_frame_equal(got[spec.name].sort_values(key).reset_index(drop=True),
                                      want[spec.name].sort_values(key).reset_index(drop=True), obj=spec.name)


def test_a_reload_of_the_same_files_while_the_graph_is_read_does_not_force_a_reread(
        empty_database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    first = load_directory(empty_database, FIXTURE_DATASET)
    loads, reads = [], []
    column = graph.db._ManagedReader.column

    def column_then_reload(reader: graph.db._ManagedReader, query: Any, *args: Any) -> list[Any]:
        if query == q.read_nodes("sources"):  # first table of every attempt
            reads.append(query)
            if not loads:
                loads.append(load_directory(empty_database, FIXTURE_DATASET))
        return column(reader, query, *args)

    monkeypatch.setattr(graph.db._ManagedReader, "column", column_then_reload)
    snapshot = read_snapshot(empty_database)
    assert len(reads) == 1 and len(loads) == 1 and loads[0].load_id != first.load_id
    assert snapshot.load_id == first.load_id and snapshot.snapshot == loads[0].snapshot
    got, want = normalise_tables(snapshot.tables), read_tables(FIXTURE_DATASET)
    for spec in TABLES:
        key = list(spec.key)
        pd.testing.assert_frame_equal(got[spec.name].sort_values(key).reset_index(drop=True),
                                      want[spec.name].sort_values(key).reset_index(drop=True), obj=spec.name)


def test_reading_gives_up_when_loads_keep_committing(empty_database: Database, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    load_directory(empty_database, FIXTURE_DATASET)
    datasets = [half_the_signals(tmp_path), FIXTURE_DATASET]
    loads = []
    column = graph.db._ManagedReader.column

    def column_then_load(reader: graph.db._ManagedReader, query: Any, *args: Any) -> list[Any]:
        if query == q.read_nodes("sources"):  # first table of every attempt
            loads.append(load_directory(empty_database, datasets[len(loads) % 2]))
        return column(reader, query, *args)

    monkeypatch.setattr(graph.db._ManagedReader, "column", column_then_load)
    with pytest.raises(DatabaseError, match="changed while it was read, 2 times"):
        read_snapshot(empty_database, attempts=2)
    assert len(loads) == 2


def test_problems_in_the_files_are_reported_before_an_unreachable_database(tmp_path: Path) -> None:
    bad = tmp_path / "dataset"
    shutil.copytree(FIXTURE_DATASET, bad)
    rows = csv_rows(bad, "signals")
    rows[0]["kind"] = "scores"
    _write(bad / "signals.csv", rows)
    with connect(Settings.from_env({"NEO4J_URI": "bolt://127.0.0.1:1", "NEO4J_PASSWORD": "x"})) as db:
        with pytest.raises(ValidationError) as info:
            load_directory(db, bad)
    assert [(p.file, p.row, p.column) for p in info.value.problems] == [("signals.csv", 2, "kind")]
    assert gc.isenabled()  # the load paused the garbage collector (graph.bulk) and put it back


def test_changed_rows_update_and_gone_rows_disappear(empty_database: Database, tmp_path: Path) -> None:
    load_directory(empty_database, FIXTURE_DATASET)
    work = tmp_path / "dataset"
    shutil.copytree(FIXTURE_DATASET, work)
    orgs = csv_rows(work, "organisations")
    gone = orgs[-1]["id"]
    renamed = orgs[0]["id"]
    orgs[0]["name"] = "Renamed organisation"
    _write(work / "organisations.csv", orgs[:-1])
    for table in ("engagements", "expertise"):
        _write(work / f"{table}.csv", [r for r in csv_rows(work, table) if r["organisation_id"] != gone])
    _write(work / "memberships.csv", [r for r in csv_rows(work, "memberships")
                                      if not (r["participant_type"] == "organisation" and r["participant_id"] == gone)])
    summary = load_directory(empty_database, work)
    assert summary.counts["Organisation"].updated == 1
    assert summary.counts["Organisation"].deleted == 1
    assert empty_database.read("MATCH (o:Organisation {id: $id}) RETURN o.name AS name",
                               {"id": renamed}) == [{"name": "Renamed organisation"}]
    assert empty_database.read("MATCH (o:Organisation {id: $id}) RETURN o", {"id": gone}) == []
    # The result equals a clean load of the edited files.
    after_update = dump_text(empty_database)
    empty_database.write("MATCH (n) DETACH DELETE n")
    load_directory(empty_database, work)
    assert dump_text(empty_database) == after_update


def test_cypher_looking_text_is_stored_as_plain_text(empty_database: Database, tmp_path: Path) -> None:
    work = tmp_path / "dataset"
    shutil.copytree(FIXTURE_DATASET, work)
    orgs = csv_rows(work, "organisations")
    evil = "x\"}) MATCH (n) DETACH DELETE n //'; DROP CONSTRAINT member_id"
    orgs[0]["name"] = evil
    _write(work / "organisations.csv", orgs)
    load_directory(empty_database, work)
    assert empty_database.read("MATCH (o:Organisation {id: $id}) RETURN o.name AS name",
                               {"id": orgs[0]["id"]}) == [{"name": evil}]
    assert label_counts(empty_database)["Member"] == len(csv_rows(work, "members"))


def test_cli_load_prints_summary(neo4j_env: dict[str, str], empty_database: Database) -> None:
    out = subprocess.run([OGPNET, "load", str(FIXTURE_DATASET), "--quiet"], env=neo4j_env,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert "created" in out.stdout and "rows/s" in out.stdout
    for label in ("Member", "Organisation", "WORKS_IN"):
        assert label in out.stdout


def _write(path: Path, rows: list[dict[str, str]]) -> None:
    spec = next(t for t in TABLES if t.name == path.stem)
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=spec.column_names)
        w.writeheader()
        w.writerows(rows)


def test_load_over_the_memory_limit_fails_cleanly(neo4j_env: dict[str, str], empty_database: Database,
                                                  tmp_path: Path) -> None:
    """A load bigger than the server's transaction memory: one clear error with what to set, nothing written.

    The test server allows 512 MiB for all transactions (tests/conftest.py); a 40× synthetic dataset
    (~220,000 rows, ~4 KiB each in one transaction) needs far more.
    """
    from bench.synthetic import generate, write_dataset

    write_dataset(generate(40, seed=3), tmp_path / "big")
    before = dump_text(empty_database)
    out = subprocess.run([OGPNET, "load", str(tmp_path / "big"), "--quiet"], env=neo4j_env,
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == DatabaseError.exit_code == 76, out.stderr
    assert "lack of memory" in out.stderr and "OGPNET_NEO4J_TX_MEMORY" in out.stderr
    assert "Traceback" not in out.stderr
    assert dump_text(empty_database) == before
