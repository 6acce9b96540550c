"""`ogpnet db dump` / `ogpnet db restore`: a round trip gives an identical dump; a bad file changes nothing."""

from __future__ import annotations

import gzip
import json
import re
import subprocess
import threading
from pathlib import Path

import pytest

from graph.backup import check_dump, restore_dump, write_dump
from graph.db import Database
from graph.dump import dump_text
from graph.load_lock import holding_load_lock
from graph.settings import REPO_ROOT
from loaders.load.directory import load_directory
from queries import load as q
from tests.conftest import FIXTURE_DATASET, blocked_on

pytestmark = pytest.mark.integration
OGPNET = str(REPO_ROOT / ".venv" / "bin" / "ogpnet")


@pytest.mark.parametrize("name", ["backup.json", "backup.json.gz"])
def test_dump_restore_round_trip(empty_database: Database, neo4j_env: dict[str, str], tmp_path: Path,
                                 name: str) -> None:
    load_directory(empty_database, FIXTURE_DATASET)
    before = dump_text(empty_database, with_runs=True)
    file = tmp_path / name
    out = subprocess.run([OGPNET, "db", "dump", str(file)], env=neo4j_env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    empty_database.write("MATCH (n) DETACH DELETE n")
    out = subprocess.run([OGPNET, "db", "restore", str(file)], env=neo4j_env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert dump_text(empty_database, with_runs=True) == before
    # a load after a restore is still idempotent (keys and constraints came back)
    summary = load_directory(empty_database, FIXTURE_DATASET)
    assert all(c.created == c.deleted == 0 for c in summary.counts.values())


def test_bad_backup_changes_nothing(empty_database: Database, neo4j_env: dict[str, str], tmp_path: Path) -> None:
    load_directory(empty_database, FIXTURE_DATASET)
    before = dump_text(empty_database, with_runs=True)
    good = tmp_path / "good.json"
    subprocess.run([OGPNET, "db", "dump", str(good)], env=neo4j_env, check=True, capture_output=True)
    data = json.loads(good.read_text())
    data["nodes"][0]["labels"] = ["Member`) DETACH DELETE n //"]
    data["relationships"][0]["end"] = "no-such-node"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data))
    truncated = tmp_path / "truncated.json.gz"
    truncated.write_bytes(gzip.compress(good.read_bytes())[:200])
    for file, message in ((bad, "is not one of the schema's labels"), (truncated, "not a readable ogpnet dump")):
        out = subprocess.run([OGPNET, "db", "restore", str(file)], env=neo4j_env, capture_output=True, text=True)
        assert out.returncode == 2, out.stdout
        assert message in out.stderr and "Traceback" not in out.stderr
        assert dump_text(empty_database, with_runs=True) == before
    reasons = [(p.row, p.reason) for p in check_dump(data)]
    assert (1, "label 'Member`) DETACH DELETE n //' is not one of the schema's labels") in reasons
    assert (1, "end node not in the dump") in reasons


def test_a_restore_waits_for_the_load_in_progress(empty_database: Database, tmp_path: Path) -> None:
    load_directory(empty_database, FIXTURE_DATASET)
    before = dump_text(empty_database, with_runs=True)
    write_dump(empty_database, tmp_path / "backup.json")
    done: list[dict[str, int]] = []
    with empty_database.transaction() as tx, holding_load_lock(tx):  # a load in progress: it holds the lock
        restore = threading.Thread(target=lambda: done.append(restore_dump(empty_database, tmp_path / "backup.json")))
        restore.start()
        assert blocked_on(empty_database, q.TAKE_LOAD_LOCK, restore) and not done
    restore.join(timeout=120)
    assert done and dump_text(empty_database, with_runs=True) == before  # the lock node was not restored or left


def _damaged(data: dict, damage: str) -> dict:  # type: ignore[type-arg]
    """One class of hostile dump, made from a real one."""
    d = json.loads(json.dumps(data))
    member = next(n for n in d["nodes"] if n["labels"] == ["Member"])
    works = next(r for r in d["relationships"] if r["type"] == "WORKS_IN")
    if damage == "numeric ids":
        for node in d["nodes"]:
            if node["labels"] == ["Theme"]:
                node["props"]["id"] = 7
    elif damage == "duplicate node":
        d["nodes"].append(json.loads(json.dumps(member)))
    elif damage == "duplicate relationship key":
        d["relationships"].append(json.loads(json.dumps(works)))
    elif damage == "64-bit overflow":
        member["props"]["joined"] = 2**70
    elif damage == "year out of range":
        member["props"]["joined"] = -5
    elif damage == "text where a number is expected":
        member["props"]["joined"] = "2011"
    elif damage == "a list of maps":
        works["props"]["detail"] = [{"x": 1}]
    elif damage == "property not in the schema":
        member["props"]["password"] = "x"
    elif damage == "relationship between the wrong labels":
        works["end_label"] = "Theme"
    elif damage == "nodes not a list":
        d["nodes"] = {"n": 1}
    elif damage == "missing key":
        del works["props"]["key"]
    elif damage == "two labels":
        member["labels"] = ["Member", "Theme"]
    return d


DUMP_DAMAGES = ["numeric ids", "duplicate node", "duplicate relationship key", "64-bit overflow", "year out of range",
                "text where a number is expected", "a list of maps", "property not in the schema",
                "relationship between the wrong labels", "nodes not a list", "missing key", "two labels"]


def test_every_class_of_damaged_dump_is_refused_and_the_graph_kept(empty_database: Database, tmp_path: Path) -> None:
    """Each damage: a located ValidationError (exit 2) before anything is written; the graph is the one before."""
    from model.errors import ValidationError

    load_directory(empty_database, FIXTURE_DATASET)
    good = tmp_path / "good.json"
    write_dump(empty_database, good)
    before = dump_text(empty_database, with_runs=True)
    data = json.loads(good.read_text(encoding="utf-8"))
    for damage in DUMP_DAMAGES:
        bad = tmp_path / "bad.json"
        bad.write_text(json.dumps(_damaged(data, damage)), encoding="utf-8")
        with pytest.raises(ValidationError) as caught:
            restore_dump(empty_database, bad)
        assert caught.value.exit_code == 2 and caught.value.problems, damage
        assert all(p.file == "bad.json" for p in caught.value.problems), damage
        assert dump_text(empty_database, with_runs=True) == before, damage
    # NaN is not JSON; a gzip file that expands past the limit is refused while decompressing
    text, n = re.subn(r'"joined": [0-9]+', '"joined": NaN', good.read_text(encoding="utf-8"), count=1)
    assert n == 1
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(ValidationError, match="not a readable ogpnet dump"):
        restore_dump(empty_database, bad)
    bomb = tmp_path / "bomb.json.gz"
    bomb.write_bytes(gzip.compress(b" " * 50_000_000))
    from graph.backup import read_dump

    with pytest.raises(ValidationError, match="too large to restore"):
        read_dump(bomb, limit=10_000_000)
    assert dump_text(empty_database, with_runs=True) == before
