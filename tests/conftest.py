"""Test session set-up: one throwaway Neo4j for the integration tests.

The server gets its own state folder and free ports, and is always stopped at
the end of the session (also when tests fail or the run is interrupted).
Integration tests that cannot get a server FAIL: they never skip.
"""

from __future__ import annotations

import atexit
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import LiteralString

import pytest

from graph.db import Database, connect
from graph.server import LocalServer, free_port
from graph.settings import REPO_ROOT, Settings

FIXTURE_DATASET = REPO_ROOT / "tests" / "fixtures" / "dataset"
OUTPUT_DIR = REPO_ROOT / "test-output"


@pytest.fixture(scope="session")
def output_dir() -> Path:
    """Where tests leave artefacts for people to look at (screenshots, reports)."""
    OUTPUT_DIR.mkdir(exist_ok=True)
    return OUTPUT_DIR


@pytest.fixture(scope="session")
def neo4j_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalServer]:
    """A real Neo4j 5.26 for this test session (started on first use)."""
    base = Settings.from_env({})
    server = LocalServer(state_dir=tmp_path_factory.mktemp("neo4j-state"), cache_dir=base.cache_dir,
                         bolt_port=free_port(), http_port=free_port(), heap="1g", tx_memory="512m")
    atexit.register(server.stop)
    try:
        server.start()
    except Exception as e:  # noqa: BLE001 - report why, then fail every test that needs it
        server.stop()
        pytest.fail(f"could not start the test Neo4j: {e}", pytrace=False)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def neo4j_env(neo4j_server: LocalServer) -> dict[str, str]:
    """Environment variables pointing a subprocess (the CLI, Streamlit) at the test server."""
    return {**os.environ, "NEO4J_URI": neo4j_server.uri, "NEO4J_USER": "neo4j",
            "NEO4J_PASSWORD": neo4j_server.password(), "NEO4J_DATABASE": "neo4j"}


@pytest.fixture(scope="session")
def neo4j_settings(neo4j_env: dict[str, str]) -> Settings:
    return Settings.from_env(neo4j_env)


@pytest.fixture()
def database(neo4j_settings: Settings) -> Iterator[Database]:
    with connect(neo4j_settings) as db:
        yield db


@pytest.fixture()
def empty_database(database: Database) -> Database:
    """The test database with every node and relationship removed."""
    database.write("MATCH (n) DETACH DELETE n")
    return database


BUNDLED_DATASET = REPO_ROOT / "data"


@pytest.fixture(scope="module")
def bundled_database(neo4j_settings: Settings) -> Iterator[Database]:
    """The test database holding exactly the bundled real dataset (data/), loaded once per test module."""
    from loaders.load.directory import load_directory

    with connect(neo4j_settings) as db:
        db.write("MATCH (n) DETACH DELETE n")
        load_directory(db, BUNDLED_DATASET)
        yield db


def blocked_on(db: Database, query: LiteralString, worker: threading.Thread, timeout: float = 60) -> bool:
    """Wait until some transaction is blocked running exactly ``query`` (True), or ``worker`` ends (False)."""
    deadline = time.monotonic() + timeout
    while worker.is_alive() and time.monotonic() < deadline:
        rows = db.read("SHOW TRANSACTIONS YIELD currentQuery, status RETURN currentQuery, status")
        if any(r["currentQuery"] == query and str(r["status"]).startswith("Blocked") for r in rows):
            return True
        time.sleep(0.2)
    return False
