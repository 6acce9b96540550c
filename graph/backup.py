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
import math
import os
import tempfile
from pathlib import Path
from typing import Any, LiteralString, cast

from graph.db import Database
from graph.dump import dump_graph
from graph.load_lock import holding_load_lock
from model.errors import OutputError, Problem, ValidationError
from model.schema import (
    NODE_TABLES,
    REL_MAPPINGS,
    TABLE_BY_NAME,
    Column,
    Label,
    RelType,
    node_property_columns,
    rel_property_columns,
)
from model.validation import INT64
from queries.dump import COUNT_GRAPH
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
        raise OutputError(f"the directory {path.parent} does not exist", hint="create it or choose another path")
    if path.is_dir():
        raise OutputError(f"{path} is a directory", hint="give a file name, e.g. backup.json.gz")
    tmp = ""
    try:
        fd, tmp = tempfile.mkstemp(prefix=".ogpnet-dump-", dir=path.parent)
        with os.fdopen(fd, "wb") as f:
            raw = payload.encode("utf-8")
            f.write(gzip.compress(raw, mtime=0) if path.suffix == ".gz" else raw)
        os.replace(tmp, path)
    except OSError as e:
        if tmp:
            Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"could not write {path}: {e.strerror or e}") from e
    except BaseException:
        if tmp:
            Path(tmp).unlink(missing_ok=True)
        raise
    return {"nodes": len(data["nodes"]), "relationships": len(data["relationships"])}


#: Largest dump a restore reads, decompressed (a 100x dataset dumps to about 0.4 GiB).
MAX_DUMP_BYTES = 2 * 1024**3
_CHUNK = 1024**2


def read_dump(path: Path, limit: int = MAX_DUMP_BYTES) -> dict[str, Any]:
    """Read and check a dump file completely; raise ValidationError naming every problem.

    A gzip file is decompressed in chunks and refused as soon as it passes ``limit`` bytes (a small file can
    expand a thousandfold), as is a plain file larger than that.
    """
    name = Path(path).name
    try:
        with open(path, "rb") as f:
            gzipped = f.read(2) == b"\x1f\x8b"
        raw = _read_capped(Path(path), gzipped, limit)
        data = json.loads(raw.decode("utf-8"), parse_constant=_no_constant)
    except _TooLarge:
        raise ValidationError([Problem(name, None, None, None, f"more than {limit / 1024**3:g} GiB of dump "
                                                               "(decompressed): refused before reading it all")],
                              f"{name} is too large to restore") from None
    except (OSError, EOFError, gzip.BadGzipFile, UnicodeDecodeError, json.JSONDecodeError, ValueError,
            RecursionError) as e:
        raise ValidationError([Problem(name, None, None, None, f"not a readable ogpnet dump: {e}")],
                              f"{name} is not a readable ogpnet dump") from e
    problems = check_dump(data, name)
    if problems:
        raise ValidationError(problems)
    dump: dict[str, Any] = data
    return dump


class _TooLarge(Exception):
    pass


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _read_capped(path: Path, gzipped: bool, limit: int) -> bytes:
    opener: Any = gzip.open if gzipped else open
    chunks, size = [], 0
    with opener(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            size += len(chunk)
            if size > limit:
                raise _TooLarge
            chunks.append(chunk)
    return b"".join(chunks)


def check_dump(data: Any, name: str = "dump") -> list[Problem]:
    """Every problem of a parsed dump (row = 1-based position of the node or relationship): labels, types and
    endpoints from the schema, every property a column of its table with that column's type (ids text, whole
    numbers within 64 bits and the column's range, finite numbers), duplicate ids and keys.

    >>> check_dump({"format": FORMAT, "version": 1, "nodes": [{"labels": ["Bad`Label"], "props": {}}],
    ...             "relationships": []})[0].reason
    "label 'Bad`Label' is not one of the schema's labels"
    >>> [p.reason for p in check_dump({"format": FORMAT, "version": 1, "relationships": [],
    ...     "nodes": [{"labels": ["Theme"], "props": {"id": 7, "name": "Open data", "source": "s", "as_of": "2020"}}]})]
    ["property 'id' must be text, not int"]
    """
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("version") != VERSION:
        return [Problem(name, None, None, None, f"not an {FORMAT} version {VERSION} file")]
    nodes, rels = data.get("nodes"), data.get("relationships")
    if not isinstance(nodes, list) or not isinstance(rels, list):
        return [Problem(name, None, None, None, "'nodes' and 'relationships' must be lists")]
    problems: list[Problem] = []
    ids: set[tuple[str, str]] = set()
    for i, node in enumerate(nodes, start=1):
        if not isinstance(node, dict) or not isinstance(node.get("props"), dict) or not isinstance(
                node.get("labels"), list) or not node["labels"]:
            problems.append(Problem(name, i, "nodes", None, "a node needs labels and props"))
            continue
        label = node["labels"][0]
        if len(node["labels"]) != 1 or label not in _NODE_COLUMNS:
            problems.append(Problem(name, i, "labels", _text(node["labels"]),
                                    f"label {label!r} is not one of the schema's labels"))
            continue
        problems.extend(_prop_problems(name, i, node["props"], _NODE_COLUMNS[label], label))
        problems.extend(_once(name, i, ids, label, node["props"].get("id"), "id", f"a second {label} with this id"))
    keys: set[tuple[str, str]] = set()
    for i, rel in enumerate(rels, start=1):
        if not isinstance(rel, dict) or rel.get("type") not in _REL_COLUMNS:
            problems.append(Problem(name, i, "type", _text(rel.get("type") if isinstance(rel, dict) else rel),
                                    "not one of the schema's relationship types"))
            continue
        rtype = rel["type"]
        if (rel.get("start_label"), rtype, rel.get("end_label")) not in _TRIPLES:
            problems.append(Problem(name, i, "type", f"{rel.get('start_label')}-{rtype}->{rel.get('end_label')}",
                                    "the schema has no such relationship between these labels"))
            continue
        for end in ("start", "end"):
            if not isinstance(rel.get(end), str) or (rel[f"{end}_label"], rel[end]) not in ids:
                problems.append(Problem(name, i, end, _text(rel.get(end)), f"{end} node not in the dump"))
        if not isinstance(rel.get("props"), dict):
            problems.append(Problem(name, i, "props", None, "a relationship needs props"))
            continue
        problems.extend(_prop_problems(name, i, rel["props"], _REL_COLUMNS[rtype], rtype))
        problems.extend(_once(name, i, keys, rtype, rel["props"].get("key"), "key",
                              f"a second {rtype} relationship with this key"))
    return problems[:1000]


def _once(name: str, row: int, seen: set[tuple[str, str]], kind: str, value: Any, column: str,
          reason: str) -> list[Problem]:
    """A problem when (kind, value) was seen before; remembers it."""
    if not isinstance(value, str):
        return []
    if (kind, value) in seen:
        return [Problem(name, row, column, value, reason)]
    seen.add((kind, value))
    return []


def _columns_of(table: str, names: list[str]) -> dict[str, Column]:
    spec = TABLE_BY_NAME[table]
    return {c.name: c for c in spec.columns if c.name in names}


_NODE_COLUMNS: dict[str, dict[str, Column] | None] = {
    **{label.value: _columns_of(table, node_property_columns(table)) for table, label in NODE_TABLES.items()},
    Label.LOAD_RUN.value: None,  # the load records: plain values, checked loosely
}
_REL_COLUMNS: dict[str, dict[str, Column]] = {
    m.rel_type.value: {**_columns_of(m.table, rel_property_columns(m)), "key": Column("key")} for m in REL_MAPPINGS}
_TRIPLES = {(start.value, m.rel_type.value, m.end_label.value) for m in REL_MAPPINGS for start in m.start_labels}


def _prop_problems(name: str, row: int, props: dict[str, Any], columns: dict[str, Column] | None,
                   what: str) -> list[Problem]:
    if columns is None:
        return [] if _plain_props(props) else [Problem(name, row, "props", None, "property values must be text, "
                                                       "numbers, booleans or lists of them")]
    out = []
    for key, value in props.items():
        column = columns.get(key)
        if column is None:
            out.append(Problem(name, row, _text(key), None, f"not a property of {what} in the schema"))
            continue
        reason = _type_problem(column, value)
        if reason:
            out.append(Problem(name, row, key, _text(value), reason))
    if "id" in columns and "id" not in props:
        out.append(Problem(name, row, "id", None, "a node needs an id"))
    if "key" in columns and not isinstance(props.get("key"), str):
        out.append(Problem(name, row, "key", None, "a relationship needs its key (text)"))
    return out


def _type_problem(column: Column, value: Any) -> str | None:
    kind = column.type
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            return f"property {column.name!r} must be a whole number, not {type(value).__name__}"
        low, high = column.range
        if not INT64[0] <= value <= INT64[1] or (low is not None and value < low) or (
                high is not None and value > high):
            return f"property {column.name!r} is out of range"
        return None
    if kind == "float":
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            return f"property {column.name!r} must be a finite number, not {type(value).__name__}"
        return None
    if kind == "bool":
        return None if isinstance(value, bool) else f"property {column.name!r} must be true or false"
    if kind == "list":
        ok = isinstance(value, list) and all(isinstance(x, str) for x in value)
        return None if ok else f"property {column.name!r} must be a list of text"
    if not isinstance(value, str):
        return f"property {column.name!r} must be text, not {type(value).__name__}"
    return None


def _text(value: Any) -> str:
    return str(value)[:200]


def _plain_props(props: dict[str, Any]) -> bool:
    def ok(v: Any) -> bool:
        return isinstance(v, (str, bool)) or (isinstance(v, int) and INT64[0] <= v <= INT64[1]) or (
            isinstance(v, float) and math.isfinite(v)) or (isinstance(v, list) and all(
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
        counted = tx.run(COUNT_GRAPH)[0]
        expected = {"nodes": len(data["nodes"]), "relationships": len(data["relationships"])}
        if {k: counted[k] for k in expected} != expected:  # raising rolls the whole restore back
            raise ValidationError([Problem(Path(path).name, None, None, None,
                                           f"the restored graph would hold {counted['nodes']} nodes and "
                                           f"{counted['relationships']} relationships, the dump "
                                           f"{expected['nodes']} and {expected['relationships']}")],
                                  "the restore did not give the graph of the dump; the previous graph is kept")
    return {k: int(counted[k]) for k in expected}
