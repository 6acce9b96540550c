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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from graph.db import Database, Runner, Transaction
from graph.errors import LoadError
from graph.schema import TABLES
from queries import load as q
from queries.schema import schema_statements

Rows = Sequence[Mapping[str, Any]]
Progress = Callable[[str, int, int], None]  # (table, rows done, rows total)


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

    def add(self, change: str, n: int) -> None:
        setattr(self, change, getattr(self, change) + n)


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
    """Row values as Neo4j properties; blanks (None) are left out, as Neo4j stores no nulls."""
    return {c: row[c] for c in columns if row.get(c) is not None}


def _batches(rows: list[dict[str, Any]], size: int) -> list[list[dict[str, Any]]]:
    return [rows[i:i + size] for i in range(0, len(rows), size)] or []


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

    ``tables`` must hold every table of :data:`graph.schema.TABLES` and must
    already have passed :func:`loaders.validate.validate_dataset`.
    """
    missing = [t.name for t in TABLES if t.name not in tables]
    if missing:
        raise LoadError(f"tables missing from the dataset: {', '.join(missing)}")
    init_schema(db)
    started = datetime.now(UTC)
    t0 = time.perf_counter()
    total = sum(len(tables[name]) for name in q.NODE_TABLES) + sum(len(tables[m.table]) for m in q.REL_TABLES)
    summary = LoadSummary(load_id=str(uuid.uuid4()), snapshot=snapshot_id(files), seconds=0.0, rows=total)
    done = 0

    def tick(table: str, n: int) -> None:
        nonlocal done
        done += n
        if progress:
            progress(table, done, total)

    with db.transaction() as tx:
        # Relationships gone from the files first, then nodes (which DETACH their remaining ones).
        rel_rows = {m.table + ":" + m.rel_type.value: _rel_rows(m, tables[m.table]) for m in q.REL_TABLES}
        for m in q.REL_TABLES:
            rows = rel_rows[m.table + ":" + m.rel_type.value]
            deleted = _single(tx, q.delete_stale_rels(m.rel_type), {"keys": [r["key"] for r in rows]})
            summary.counts.setdefault(m.rel_type.value, TableCounts()).deleted += deleted
        for table, label in q.NODE_TABLES.items():
            ids = [r["id"] for r in tables[table]]
            summary.counts.setdefault(label.value, TableCounts()).deleted += _single(
                tx, q.delete_stale_nodes(label), {"ids": ids})
        for table, label in q.NODE_TABLES.items():
            columns = [c for c in _columns(table) if c not in q.NODE_REF_COLUMNS.get(table, ())]
            rows = [{"id": r["id"], "props": _props(r, columns)} for r in tables[table]]
            _merge(tx, q.merge_nodes(label), rows, batch_size, summary.counts[label.value], table, tick)
        for m in q.REL_TABLES:
            rows = rel_rows[m.table + ":" + m.rel_type.value]
            counts = summary.counts[m.rel_type.value]
            if m.start_by:
                for ptype, label in q.PARTICIPANT_LABELS.items():
                    part = [r for r in rows if r["start_type"] == ptype]
                    _merge(tx, q.merge_rels(label, m.rel_type, m.end_label), part, batch_size, counts, m.table, tick)
            else:
                _merge(tx, q.merge_rels(m.start_label, m.rel_type, m.end_label), rows, batch_size, counts,
                       m.table, tick)
        summary.seconds = time.perf_counter() - t0
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


def _columns(table: str) -> list[str]:
    return next(t.column_names for t in TABLES if t.name == table)


def _rel_rows(m: q.RelMapping, rows: Rows) -> list[dict[str, Any]]:
    columns = q.rel_property_columns(m)
    out = []
    for r in rows:
        key = q.rel_key(m.table, r)
        out.append({"start": r[m.start_column], "end": r[m.end_column], "key": key,
                    "start_type": r.get(m.start_by) if m.start_by else None,
                    "props": {"key": key, **_props(r, columns)}})
    return out


def _single(tx: Transaction, query: Any, params: dict[str, Any]) -> int:
    rows = tx.run(query, params)
    return int(rows[0]["n"]) if rows else 0


def _merge(tx: Transaction, query: Any, rows: list[dict[str, Any]], batch_size: int, counts: TableCounts,
           table: str, tick: Callable[[str, int], None]) -> None:
    for batch in _batches(rows, batch_size):
        payload = [{k: v for k, v in r.items() if k != "start_type"} for r in batch]
        result = tx.run(query, {"rows": payload})
        written = 0
        for rec in result:
            counts.add(rec["change"], rec["n"])
            written += rec["n"]
        if written != len(batch):
            raise LoadError(f"{table}: {len(batch) - written} of {len(batch)} rows did not find their nodes",
                            hint="validate the dataset first (`ogpnet load` does); nothing was written")
        tick(table, len(batch))
