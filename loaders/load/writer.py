"""Write a validated canonical dataset into Neo4j: one transaction, batched ``UNWIND … MERGE``.

The whole load — upserts, removal of rows gone from the files, and the
``LoadRun`` record — is one explicit transaction. Readers therefore see the
previous complete load or the new one, never a mix; if the server dies
mid-load nothing of the new load is committed.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import islice
from operator import itemgetter
from pathlib import Path
from queue import Full, Queue
from threading import Event, Thread
from typing import Any

from graph.db import Database, Runner, Transaction
from graph.load_lock import holding_load_lock
from model.errors import LoadError
from model.schema import (
    NODE_TABLES,
    PARTICIPANT_LABELS,
    REL_MAPPINGS,
    TABLE_BY_NAME,
    TABLES,
    Label,
    RelMapping,
    node_property_columns,
    rel_property_columns,
)
from queries import load as q
from queries.schema import schema_statements

Rows = Sequence[Mapping[str, Any]]
Progress = Callable[[str, int, int], None]  # (table, rows done, rows total)
#: What the progress callback gets as its table while the load waits for another load or a restore.
WAITING = "(waiting for the load or restore in progress)"
Payload = dict[str, Any] | list[Any]  # one row of a write query's $rows: a map, or positional values


def init_schema(db: Runner) -> int:
    """Create every constraint and index (idempotent); return how many statements ran."""
    statements = schema_statements()
    for stmt in statements:
        db.write(stmt)
    return len(statements)


@dataclass
class TableCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0


@dataclass
class LoadSummary:
    """What a load did, per node label / relationship type."""

    load_id: str
    snapshot: str
    seconds: float
    rows: int
    counts: dict[str, TableCounts] = field(default_factory=dict)

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0

    def as_table(self) -> list[dict[str, Any]]:
        return [{"type": name, **vars(c)} for name, c in self.counts.items()]


@dataclass(frozen=True)
class FileInfo:
    name: str
    sha256: str
    rows: int


def file_info(path: Path, rows: int) -> FileInfo:
    return FileInfo(path.name, hashlib.sha256(path.read_bytes()).hexdigest(), rows)


def snapshot_id(files: Sequence[FileInfo]) -> str:
    """Content hash of a dataset: identical files give the identical snapshot id.

    >>> snapshot_id([FileInfo("a.csv", "00", 1)]) == snapshot_id([FileInfo("a.csv", "00", 1)])
    True
    """
    h = hashlib.sha256()
    for f in sorted(files, key=lambda f: f.name):
        h.update(f"{f.name}:{f.sha256}\n".encode())
    return h.hexdigest()[:16]


def _props(row: Mapping[str, Any], columns: Sequence[str]) -> dict[str, Any]:
    """Row values as Neo4j properties; blanks (None) are left out, as Neo4j stores no nulls.

    >>> _props({"id": "a", "name": None, "year": 2020}, ["name", "year"])
    {'year': 2020}
    """
    return {c: row[c] for c in columns if row.get(c) is not None}


def load_tables(
    db: Database,
    tables: Mapping[str, Rows],
    files: Sequence[FileInfo],
    *,
    source_dir: str = "",
    batch_size: int = 5000,
    progress: Progress | None = None,
) -> LoadSummary:
    """Load validated tables (typed rows per canonical table) in one transaction.

    ``tables`` must hold every table of :data:`model.schema.TABLES` and must
    already have passed :func:`loaders.load.validate.validate_dataset`.

    Inside the one transaction, what the database holds is read first (node ids;
    the properties of nodes and relationships that the files also have), so that
    each row is classified as created, updated or unchanged here rather than by
    an ``OPTIONAL MATCH`` per row: only created and updated rows are written, rows
    gone from the files are deleted by id, and a load into an empty database
    reads nothing but the (absent) ids. New rows are written with ``CREATE``, not
    ``MERGE``: the read has just shown them absent, and the transaction holds the
    load lock (:mod:`graph.load_lock`), so no other load can add them in between; a
    second load waits for the first and then reads its result.
    """
    missing = [t.name for t in TABLES if t.name not in tables]
    if missing:
        raise LoadError(f"tables missing from the dataset: {', '.join(missing)}")
    init_schema(db)
    started = datetime.now(UTC)
    t0 = time.perf_counter()
    nodes = [_NodeTable(table, label, tables[table]) for table, label in NODE_TABLES.items()]
    rels = [_RelTable(m, start, tables[m.table]) for m in REL_MAPPINGS for start in m.start_labels]
    total = sum(len(n.rows) for n in nodes) + sum(len(r.rows) for r in rels)
    summary = LoadSummary(load_id=str(uuid.uuid4()), snapshot=snapshot_id(files), seconds=0.0, rows=total)
    # Relationship types first, then labels: the order of the summary and of the LoadRun record.
    for r in rels:
        summary.counts.setdefault(r.mapping.rel_type.value, TableCounts())
    for n in nodes:
        summary.counts.setdefault(n.label.value, TableCounts())
    done = 0

    def tick(table: str, n: int) -> None:
        nonlocal done
        done += n
        if progress:
            progress(table, done, total)

    with db.transaction() as tx:
        with holding_load_lock(tx, lambda: progress(WAITING, 0, total) if progress else None):
            existing = {n.label: {rec["id"] for rec in tx.run(q.node_ids(n.label)) if rec["id"] is not None}
                        for n in nodes}
            # Relationships gone from the files first, then nodes (which DETACH their remaining ones).
            for r in rels:
                stale = r.compare(tx, sorted(existing[r.start_label]), batch_size)
                summary.counts[r.mapping.rel_type.value].deleted += _delete(
                    tx, q.delete_rels(r.start_label, r.mapping.rel_type, r.mapping.end_label), stale, batch_size)
            for n in nodes:
                stale = n.compare(tx, existing[n.label], batch_size)
                summary.counts[n.label.value].deleted += _delete(tx, q.delete_nodes(n.label), stale, batch_size)
            for n in nodes:
                n.write(tx, batch_size, summary.counts[n.label.value], tick)
            for r in rels:
                r.write(tx, batch_size, summary.counts[r.mapping.rel_type.value], tick)
        tx.write(q.CREATE_LOAD_RUN, {
            "id": summary.load_id, "started": started.isoformat(timespec="seconds"),
            "finished": datetime.now(UTC).isoformat(timespec="seconds"), "source_dir": source_dir,
            "files": [f"{f.name} sha256={f.sha256} rows={f.rows}" for f in files],
            "counts": [f"{k}: created={v.created} updated={v.updated} unchanged={v.unchanged} deleted={v.deleted}"
                       for k, v in summary.counts.items()],
            "snapshot": summary.snapshot,
        })
    summary.seconds = time.perf_counter() - t0
    return summary


class _NodeTable:
    """One node table's rows, what the database already has of them, and how to write them."""

    def __init__(self, table: str, label: Label, rows: Rows) -> None:
        self.table, self.label, self.rows = table, label, rows
        self.columns = node_property_columns(table)
        self.lists = _list_columns(table, self.columns)
        self.list_at = [i for i, c in enumerate(self.columns) if c in self.lists]
        self.unchanged: set[str] = set()
        self.updated: set[str] = set()

    def props(self, row: Mapping[str, Any]) -> dict[str, Any]:
        return _neo4j_props(row, self.columns, self.lists)

    def positional(self, row: Mapping[str, Any]) -> list[Any]:
        """A row for :func:`queries.load.create_nodes_flat`: the values of ``columns`` in order, blanks as None."""
        return _values(row, self.columns, self.list_at)

    def compare(self, tx: Transaction, existing: set[str], batch_size: int) -> list[str]:
        """Classify the file's rows that exist already; return the ids of nodes gone from the file."""
        if not existing:
            return []
        by_id = {row["id"]: row for row in self.rows}
        for page in _pages(sorted(existing & by_id.keys()), batch_size):
            for rec in tx.run(q.node_properties(self.label), {"ids": page}):
                same = rec["props"] == self.props(by_id[rec["id"]])
                (self.unchanged if same else self.updated).add(rec["id"])
        return sorted(existing - by_id.keys())

    def write(self, tx: Transaction, batch_size: int, counts: TableCounts, tick: Callable[[str, int], None]) -> None:
        """New rows by the creating flat query, changed ones by the replacing one, unchanged ones not at all."""
        known = _tally(counts, len(self.rows), self.unchanged, self.updated, lambda n: tick(self.table, n))
        _write(tx, q.create_nodes_flat(self.table), (self.positional(r) for r in self.rows if r["id"] not in known),
               batch_size, self.table, tick)
        changed = ({"id": r["id"], "props": self.props(r)} for r in self.rows if r["id"] in self.updated)
        _write(tx, q.merge_nodes(self.label), changed, batch_size, self.table, tick)


class _RelTable:
    """One relationship mapping's rows (for one start label), what exists of them, and how to write them."""

    def __init__(self, mapping: RelMapping, start_label: Label, rows: Rows) -> None:
        self.mapping, self.start_label = mapping, start_label
        if mapping.start_by:
            ptype = next(p for p, label in PARTICIPANT_LABELS.items() if label == start_label)
            rows = [r for r in rows if r[mapping.start_by] == ptype]
        self.rows = rows
        self.columns = rel_property_columns(mapping)
        self.lists = _list_columns(mapping.table, self.columns)
        self.list_at = [i for i, c in enumerate(self.columns) if c in self.lists]
        key_columns = q.rel_key_columns(mapping.table)
        self.key_of: Callable[[Mapping[str, Any]], tuple[Any, ...]] = (
            itemgetter(*key_columns) if len(key_columns) > 1 else lambda row: (row[key_columns[0]],))
        self.keys = [self.key(r) for r in rows]  # one per row, in row order
        self.unchanged: set[str] = set()
        self.updated: set[str] = set()

    def key(self, row: Mapping[str, Any]) -> str:
        """The ``key`` property, as :func:`queries.load.rel_key` makes it."""
        return q.key_text(self.key_of(row))

    def flat(self, row: Mapping[str, Any], key: str) -> list[Any]:
        """A row for :func:`queries.load.create_rels_flat`: ``[start, end, key, *properties]``, blanks as None."""
        return [row[self.mapping.start_column], row[self.mapping.end_column], key,
                *_values(row, self.columns, self.list_at)]

    def props(self, row: Mapping[str, Any], key: str) -> dict[str, Any]:
        """The relationship's properties, as Neo4j holds them."""
        return {"key": key, **_neo4j_props(row, self.columns, self.lists)}

    def compare(self, tx: Transaction, start_ids: list[str], batch_size: int) -> list[str]:
        """Classify the file's rows that exist already; return the element ids of relationships gone from it."""
        if not start_ids:
            return []
        by_key = dict(zip(self.keys, self.rows, strict=True))
        stale: list[str] = []
        query = q.rels_from(self.start_label, self.mapping.rel_type, self.mapping.end_label)
        for page in _pages(start_ids, batch_size):
            for rec in tx.run(query, {"ids": page}):
                row = by_key.get(rec["key"])
                if row is None:
                    stale.append(rec["rid"])
                else:
                    same = rec["props"] == self.props(row, rec["key"])
                    (self.unchanged if same else self.updated).add(rec["key"])
        return stale

    def write(self, tx: Transaction, batch_size: int, counts: TableCounts, tick: Callable[[str, int], None]) -> None:
        """New rows by the creating flat query, changed ones by the replacing one, unchanged ones not at all."""
        table = self.mapping.table
        known = _tally(counts, len(self.rows), self.unchanged, self.updated, lambda n: tick(table, n))
        new = (self.flat(r, k) for k, r in zip(self.keys, self.rows, strict=True) if k not in known)
        _write(tx, q.create_rels_flat(self.mapping, self.start_label), new, batch_size, table, tick)
        changed = ({"start": r[self.mapping.start_column], "end": r[self.mapping.end_column], "key": k,
                    "props": self.props(r, k)} for k, r in zip(self.keys, self.rows, strict=True)
                   if k in self.updated)
        query = q.merge_rels(self.start_label, self.mapping.rel_type, self.mapping.end_label)
        _write(tx, query, changed, batch_size, table, tick)


def _tally(counts: TableCounts, rows: int, unchanged: set[str], updated: set[str],
           tick: Callable[[int], None]) -> set[str]:
    """Count a table's rows as unchanged, updated or created (the rest); report the unchanged ones as done.

    Returns the keys the creating query must skip (unchanged or updated).

    >>> counts = TableCounts()
    >>> sorted(_tally(counts, 5, {"a"}, {"b", "c"}, lambda n: None)), counts
    (['a', 'b', 'c'], TableCounts(created=2, updated=2, unchanged=1, deleted=0))
    """
    counts.unchanged += len(unchanged)
    counts.updated += len(updated)
    counts.created += rows - len(unchanged) - len(updated)
    if unchanged:
        tick(len(unchanged))
    return unchanged | updated


def _list_columns(table: str, columns: Sequence[str]) -> tuple[str, ...]:
    """Columns whose values are tuples in Python and lists in Neo4j (compared as lists)."""
    spec = TABLE_BY_NAME[table]
    return tuple(c.name for c in spec.columns if c.type == "list" and c.name in columns)


def _neo4j_props(row: Mapping[str, Any], columns: Sequence[str], lists: Sequence[str]) -> dict[str, Any]:
    """`_props`, with ``list`` values as lists: what Neo4j gives back, so that the two compare equal."""
    props = _props(row, columns)
    for c in lists:
        if c in props:
            props[c] = list(props[c])
    return props


def _values(row: Mapping[str, Any], columns: Sequence[str], list_at: Sequence[int]) -> list[Any]:
    """The row's values of ``columns`` in order (absent or blank: None), those at ``list_at`` as lists.

    >>> _values({"id": "a", "tags": ("x", "y")}, ["id", "name", "tags"], [2])
    ['a', None, ['x', 'y']]
    """
    out: list[Any] = [row.get(c) for c in columns]
    for i in list_at:
        if out[i] is not None:
            out[i] = list(out[i])
    return out


def _pages(items: Sequence[str], size: int) -> Iterator[Sequence[str]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _delete(tx: Transaction, query: Any, ids: Sequence[str], batch_size: int) -> int:
    return sum(int(tx.run(query, {"ids": page})[0]["n"]) for page in _pages(ids, batch_size))


def _write(tx: Transaction, query: Any, payloads: Iterable[Payload], batch_size: int, table: str,
           tick: Callable[[str, int], None]) -> None:
    """Send the payloads in batches; every row must have found its nodes.

    Pipelined: batch ``k + 1`` is built and sent while the server runs batch ``k``; the row count
    of each batch is checked one batch later.
    """
    sent: list[tuple[Callable[[], list[dict[str, Any]]], int]] = []

    def check(fetch: Callable[[], list[dict[str, Any]]], size: int) -> None:
        written = int(fetch()[0]["n"])
        if written != size:
            raise LoadError(f"{table}: {size - written} of {size} rows did not find their nodes",
                            hint="validate the dataset first (`ogpnet load` does); nothing was written")
        tick(table, size)

    for batch in _prefetched(_chunks(payloads, batch_size)):
        sent.append((tx.send(query, {"rows": batch}), len(batch)))
        if len(sent) > 1:
            check(*sent.pop(0))
    for fetch, size in sent:
        check(fetch, size)


def _chunks(items: Iterable[Payload], size: int) -> Iterator[list[Payload]]:
    """
    >>> [len(c) for c in _chunks(({"i": i} for i in range(5)), 2)]
    [2, 2, 1]
    """
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _prefetched(batches: Iterator[list[Payload]], depth: int = 2) -> Iterator[list[Payload]]:
    """The same batches, the next ones built in a thread while the server works on the current one.

    While this thread waits for Neo4j it holds no GIL, so building the rows of the next batch
    costs no wall time. Errors in the builder are raised here; stopping early stops the builder.

    >>> [len(b) for b in _prefetched(iter([[{}], [{}, {}]]))]
    [1, 2]
    """
    ready: Queue[list[Payload] | BaseException | None] = Queue(maxsize=depth)
    stop = Event()

    def offer(item: list[Payload] | BaseException | None) -> bool:
        while not stop.is_set():
            try:
                ready.put(item, timeout=0.1)
                return True
            except Full:
                continue
        return False

    def build() -> None:
        try:
            for batch in batches:
                if not offer(batch):
                    return
            offer(None)
        except BaseException as e:  # noqa: BLE001 - handed to the consumer, which raises it
            offer(e)

    builder = Thread(target=build, name="load-batches", daemon=True)
    builder.start()
    try:
        while (item := ready.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        builder.join()
