"""Logical backups: ``ogpnet db dump FILE`` and ``ogpnet db restore FILE``.

A dump is the JSON of :func:`graph.dump.dump_graph` (every node with its
labels and properties, every relationship with its type, endpoints and
properties, ``LoadRun`` records included), gzip-compressed when the file name
ends in ``.gz``. It works online and against any server (local, Docker, Aura).

A restore checks the whole file first (labels and types from the schema's
whitelists, plain property values), then replaces the graph in ONE
transaction: readers see the old graph or the restored one. A restore waits for a load in progress (and
a load for a restore) on the load lock (`graph.load_lock`).
"""

from __future__ import annotations

import gzip
import json
import os
import tempfile
from pathlib import Path
from typing import Any, LiteralString, cast

from graph.db import Database
from graph.dump import dump_graph
from graph.load_lock import holding_load_lock
from model.errors import ConfigError, Problem, ValidationError
from model.schema import Label, RelType
from queries.schema import schema_statements

FORMAT = "ogpnet-dump"
VERSION = 1
_BATCH = 5000


def write_dump(db: Database, path: Path) -> dict[str, int]:
    """Write a dump of the whole graph to ``path`` atomically; return node and relationship counts."""
    data = dump_graph(db, with_runs=True)
    payload = json.dumps({"format": FORMAT, "version": VERSION, **data}, sort_keys=True, ensure_ascii=False)
    path = Path(path)
    if not path.parent.is_dir():
        raise ConfigError(f"{path.parent}: no such folder", hint="create it or choose another path")
    fd, tmp = tempfile.mkstemp(prefix=".ogpnet-dump-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            raw = payload.encode("utf-8")
            f.write(gzip.compress(raw, mtime=0) if path.suffix == ".gz" else raw)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return {"nodes": len(data["nodes"]), "relationships": len(data["relationships"])}


def read_dump(path: Path) -> dict[str, Any]:
    """Read and check a dump file completely; raise ValidationError naming every problem."""
    name = Path(path).name
    try:
        raw = Path(path).read_bytes()
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
        data = json.loads(raw.decode("utf-8"))
    except (OSError, EOFError, gzip.BadGzipFile, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ValidationError([Problem(name, None, None, None, f"not a readable ogpnet dump: {e}")]) from e
    problems = check_dump(data, name)
    if problems:
        raise ValidationError(problems)
    dump: dict[str, Any] = data
    return dump


def check_dump(data: Any, name: str = "dump") -> list[Problem]:
    """Every problem of a parsed dump (row = 1-based position of the node or relationship).

    >>> check_dump({"format": FORMAT, "version": 1, "nodes": [{"labels": ["Bad`Label"], "props": {}}],
    ...             "relationships": []})[0].reason
    "label 'Bad`Label' is not one of the schema's labels"
    """
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("version") != VERSION:
        return [Problem(name, None, None, None, f"not an {FORMAT} version {VERSION} file")]
    labels = {label.value for label in Label}
    types = {rel.value for rel in RelType}
    problems: list[Problem] = []
    ids: set[tuple[str, str]] = set()
    for i, node in enumerate(data.get("nodes", []), start=1):
        if not isinstance(node, dict) or not isinstance(node.get("props"), dict) or not node.get("labels"):
            problems.append(Problem(name, i, "nodes", None, "a node needs labels and props"))
            continue
        for label in node["labels"]:
            if label not in labels:
                problems.append(Problem(name, i, "labels", str(label), f"label {label!r} is not one of the "
                                        "schema's labels"))
        if not _plain_props(node["props"]):
            problems.append(Problem(name, i, "props", None, "property values must be text, numbers, booleans "
                                    "or lists of them"))
        if "id" not in node["props"]:
            problems.append(Problem(name, i, "props", None, "a node needs an id"))
        else:
            ids.add((node["labels"][0], str(node["props"]["id"])))
    for i, rel in enumerate(data.get("relationships", []), start=1):
        if not isinstance(rel, dict) or rel.get("type") not in types:
            problems.append(Problem(name, i, "type", str(rel.get("type") if isinstance(rel, dict) else rel),
                                    "not one of the schema's relationship types"))
            continue
        for end in ("start", "end"):
            if (rel.get(f"{end}_label"), str(rel.get(end))) not in ids:
                problems.append(Problem(name, i, end, str(rel.get(end)), f"{end} node not in the dump"))
        if not isinstance(rel.get("props"), dict) or not _plain_props(rel["props"]):
            problems.append(Problem(name, i, "props", None, "property values must be plain"))
    return problems


def _plain_props(props: dict[str, Any]) -> bool:
    def ok(v: Any) -> bool:
        return isinstance(v, (str, int, float, bool)) or (isinstance(v, list) and all(
            isinstance(x, (str, int, float, bool)) for x in v))

    return all(isinstance(k, str) and ok(v) for k, v in props.items())


def restore_dump(db: Database, path: Path) -> dict[str, int]:
    """Replace the graph by the dump in ``path`` (checked first; one transaction)."""
    data = read_dump(path)
    for statement in schema_statements():
        db.write(statement)
    by_label: dict[str, list[dict[str, Any]]] = {}
    for node in data["nodes"]:
        by_label.setdefault(node["labels"][0], []).append(node["props"])
    by_rel: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for rel in data["relationships"]:
        by_rel.setdefault((rel["start_label"], rel["type"], rel["end_label"]), []).append(
            {"start": rel["start"], "end": rel["end"], "props": rel["props"]})
    # Like a load, a restore holds the load lock, so loads and restores never interleave.
    with db.transaction() as tx, holding_load_lock(tx):
        tx.write("MATCH (n) DETACH DELETE n")
        for label, rows in by_label.items():
            lab = Label(label).value  # whitelisted above
            query = cast(LiteralString, f"UNWIND $rows AS p CREATE (n:{lab}) SET n = p")
            for i in range(0, len(rows), _BATCH):
                tx.write(query, {"rows": rows[i:i + _BATCH]})
        for (start, rtype, end), rows in by_rel.items():
            s, t, e = Label(start).value, RelType(rtype).value, Label(end).value
            query = cast(LiteralString, f"UNWIND $rows AS r MATCH (a:{s} {{id: r.start}}) MATCH (b:{e} {{id: r.end}}) "
                                        f"CREATE (a)-[x:{t}]->(b) SET x = r.props")
            for i in range(0, len(rows), _BATCH):
                tx.write(query, {"rows": rows[i:i + _BATCH]})
    return {"nodes": len(data["nodes"]), "relationships": len(data["relationships"])}
