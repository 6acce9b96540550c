"""Faults: the server killed (-9) in the middle of a load, a reader polling throughout, an unwritable state folder.

`make test` runs one kill; `make soak` (OGPNET_SOAK=1) kills at several points of the load.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from graph.db import Database, connect
from graph.dump import dump_text
from graph.server import LocalServer, free_port
from graph.settings import REPO_ROOT, Settings
from loaders.load.directory import load_directory
from model.errors import DatabaseError, DatabaseUnavailable, OgpnetError, ServerError
from tests.conftest import FIXTURE_DATASET

pytestmark = pytest.mark.integration
BIG = REPO_ROOT / "data"  # the bundled real dataset: ~5,400 rows, a load of a few seconds
SOAK = os.environ.get("OGPNET_SOAK") == "1"
KILL_POINTS = (0.1, 0.3, 0.5, 0.7, 0.9) if SOAK else (0.4,)

COUNTS = "MATCH (n) RETURN labels(n)[0] AS label, count(*) AS n ORDER BY label"


def label_counts(db: Database) -> dict[str, int]:
    return {r["label"]: r["n"] for r in db.read(COUNTS) if r["label"] != "LoadRun"}


class Poller(threading.Thread):
    """Reads node counts in a loop and remembers every distinct answer."""

    def __init__(self, settings: Settings) -> None:
        super().__init__(daemon=True)
        self.settings = settings
        self.seen: list[dict[str, int]] = []
        self.reads = 0
        self.stop = threading.Event()

    def run(self) -> None:
        with connect(self.settings) as db:
            while not self.stop.is_set():
                try:
                    counts = label_counts(db)
                except OgpnetError:
                    time.sleep(0.05)  # server down: that is the fault under test
                    continue
                self.reads += 1
                if counts not in self.seen:
                    self.seen.append(counts)
                time.sleep(0.02)


@pytest.mark.parametrize("kill_at", KILL_POINTS)
def test_kill_9_mid_load_leaves_the_previous_complete_load(kill_at: float, neo4j_server: LocalServer,
                                                           neo4j_settings: Settings, database: Database) -> None:
    # A clean reference for the big dataset, then the previous complete load (the fixture).
    database.write("MATCH (n) DETACH DELETE n")
    load_directory(database, BIG)
    clean_big = dump_text(database)
    big_counts = label_counts(database)
    database.write("MATCH (n) DETACH DELETE n")
    load_directory(database, FIXTURE_DATASET)
    previous = dump_text(database)
    previous_counts = label_counts(database)

    poller = Poller(neo4j_settings)
    poller.start()
    killed = threading.Event()

    def progress(_table: str, done: int, total: int) -> None:
        if done >= kill_at * total and not killed.is_set():
            killed.set()
            neo4j_server.kill()

    with connect(neo4j_settings) as loader_db, pytest.raises((DatabaseUnavailable, DatabaseError)):
        load_directory(loader_db, BIG, batch_size=200, progress=progress)
    assert killed.is_set()
    neo4j_server.start()
    time.sleep(0.5)
    poller.stop.set()
    poller.join(timeout=30)

    with connect(neo4j_settings) as db:
        assert dump_text(db) == previous, "a half-written load became visible"
        load_directory(db, BIG)
        assert dump_text(db) == clean_big, "loading again after the crash differs from a clean load"
    assert poller.reads > 0
    assert all(seen == previous_counts for seen in poller.seen), poller.seen
    assert big_counts != previous_counts


def test_unwritable_state_folder_is_a_clear_error(tmp_path: Path, neo4j_server: LocalServer) -> None:
    state = tmp_path / "state"
    state.mkdir()
    (state / "run").mkdir()
    os.chmod(state / "run", 0o500)
    server = LocalServer(state_dir=state, cache_dir=neo4j_server.cache_dir, bolt_port=free_port(),
                         http_port=free_port())
    try:
        if os.geteuid() == 0:
            # root writes anywhere: simulate a full/read-only disk with a file where a folder must be
            os.chmod(state / "run", 0o700)
            (state / "run").rmdir()
            (state / "run").write_text("not a folder")
        with pytest.raises(ServerError, match="state folder .* is not writable"):
            server.start()
    finally:
        server.stop()
