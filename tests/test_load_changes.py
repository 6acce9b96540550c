"""The loader's change detection: unit tests on a recording fake, and reloads of edited files on the real Neo4j."""

from __future__ import annotations

import csv
import shutil
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from graph.db import Database
from graph.dump import dump_text
from graph.load_lock import holding_load_lock
from loaders.load.directory import load_directory
from loaders.load.validate import validate_dataset
from loaders.load.writer import WAITING, _RelTable, load_tables
from model.schema import REL_MAPPINGS, TABLES
from queries import load as q
from tests.conftest import FIXTURE_DATASET, blocked_on

MINIMAL = Path(__file__).parent / "fixtures" / "minimal"


class RecordingTx:
    """Answers like an empty database; records every query and its parameters."""

    def __init__(self) -> None:
        self.queries: list[tuple[str, dict[str, Any]]] = []

    def run(self, query: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        params = dict(params or {})
        self.queries.append((query, params))
        if "rows" in params:
            return [{"n": len(params["rows"])}]
        if query.startswith("UNWIND $ids"):
            return [{"n": 0}]
        return []

    def write(self, query: str, params: Mapping[str, Any] | None = None) -> dict[str, int]:
        self.queries.append((query, dict(params or {})))
        return {}

    def send(self, query: str, params: Mapping[str, Any] | None = None) -> Callable[[], list[dict[str, Any]]]:
        rows = self.run(query, params)
        return lambda: rows


class RecordingDatabase:
    def __init__(self) -> None:
        self.tx = RecordingTx()
        self.schema: list[str] = []

    def write(self, query: str, params: Mapping[str, Any] | None = None) -> dict[str, int]:
        self.schema.append(query)
        return {}

    @contextmanager
    def transaction(self, *, write: bool = True) -> Iterator[RecordingTx]:
        yield self.tx


def test_load_into_empty_database_writes_every_row_once_without_optional_match() -> None:
    dataset = validate_dataset(MINIMAL)
    db = RecordingDatabase()
    summary = load_tables(db, dataset.tables, [], batch_size=3)  # type: ignore[arg-type]
    assert sum(c.created for c in summary.counts.values()) == summary.rows
    assert all(c.updated == c.unchanged == c.deleted == 0 for c in summary.counts.values())
    written = sum(len(p["rows"]) for _, p in db.tx.queries if "rows" in p)
    assert written == summary.rows
    for query, params in db.tx.queries:
        assert "OPTIONAL MATCH" not in query
        assert "$" in query or query.startswith("MATCH (n:"), query  # values come as parameters
        assert len(params.get("rows", [])) <= 3
    assert "CREATE (r:LoadRun" in db.tx.queries[-1][0]
    assert db.schema and all("IF NOT EXISTS" in s for s in db.schema)


# --- against the real server --------------------------------------------------------------------------


def rows_of(directory: Path, table: str) -> list[dict[str, str]]:
    with open(directory / f"{table}.csv", encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def write_rows(directory: Path, table: str, rows: list[dict[str, str]]) -> None:
    spec = next(t for t in TABLES if t.name == table)
    with open(directory / f"{table}.csv", "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=spec.column_names)
        writer.writeheader()
        writer.writerows(rows)


@pytest.mark.integration
def test_reload_counts_relationship_changes(empty_database: Database, tmp_path: Path) -> None:
    work = tmp_path / "dataset"
    shutil.copytree(FIXTURE_DATASET, work)
    load_directory(empty_database, work)
    signals = rows_of(work, "signals")
    signals[0].update(kind="score", value="12.5")  # a value no fixture row has
    write_rows(work, "signals", signals)
    engagements = rows_of(work, "engagements")
    write_rows(work, "engagements", engagements[1:])
    summary = load_directory(empty_database, work)
    counts = {k: (v.created, v.updated, v.unchanged, v.deleted) for k, v in summary.counts.items()}
    assert counts["SIGNALS"] == (0, 1, len(signals) - 1, 0)
    assert counts["WORKS_IN"] == (0, 0, len(engagements) - 1, 1)
    assert counts["Member"][0:2] == (0, 0)
    after = dump_text(empty_database)
    empty_database.write("MATCH (n) DETACH DELETE n")
    load_directory(empty_database, work)
    assert dump_text(empty_database) == after  # a reload equals a clean load of the same files


def test_relationship_keys_are_the_documented_ones() -> None:
    dataset = validate_dataset(MINIMAL)
    for m in REL_MAPPINGS:
        for start in m.start_labels:
            table = _RelTable(m, start, dataset.tables[m.table])
            assert all(table.key(row) == q.rel_key(m.table, dict(row)) for row in table.rows)


@pytest.mark.integration
def test_a_second_load_waits_for_the_load_in_progress(empty_database: Database) -> None:
    first = load_directory(empty_database, FIXTURE_DATASET)
    assert sum(c.created for c in first.counts.values()) == first.rows
    done: list[Any] = []
    shown: list[str] = []
    with empty_database.transaction() as tx, holding_load_lock(tx):  # a load in progress: it holds the lock
        waiting = threading.Thread(target=lambda: done.append(load_directory(
            empty_database, FIXTURE_DATASET, progress=lambda table, *_: shown.append(table))))
        waiting.start()
        assert blocked_on(empty_database, q.TAKE_LOAD_LOCK, waiting) and not done  # on the lock, not on anything else
        deadline = time.monotonic() + 30
        while WAITING not in shown and time.monotonic() < deadline:
            time.sleep(0.1)
        assert shown == [WAITING]  # the progress bar says why it does not move
    waiting.join(timeout=120)
    assert len(done) == 1
    second = done[0]
    assert all(c.created == c.updated == c.deleted == 0 for c in second.counts.values())  # it read the first's graph
    runs = empty_database.read("MATCH (r:LoadRun) RETURN r.id AS id")
    assert sorted(r["id"] for r in runs) == sorted([first.load_id, second.load_id])  # the lock node never commits


@pytest.mark.integration
def test_concurrent_loads_of_the_same_files_give_one_graph(empty_database: Database) -> None:
    summaries: list[Any] = []
    loads = [threading.Thread(target=lambda: summaries.append(load_directory(empty_database, FIXTURE_DATASET)))
             for _ in range(2)]
    for t in loads:
        t.start()
    for t in loads:
        t.join(timeout=120)
    assert len(summaries) == 2
    created = sorted(sum(c.created for c in s.counts.values()) for s in summaries)
    assert created == [0, summaries[0].rows]  # one load created everything, the other found it unchanged
    after = dump_text(empty_database)
    empty_database.write("MATCH (n) DETACH DELETE n")
    load_directory(empty_database, FIXTURE_DATASET)
    assert dump_text(empty_database) == after  # no duplicated node or relationship
