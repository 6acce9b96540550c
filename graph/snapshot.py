"""A load snapshot: the tables of one complete load, read from Neo4j in one read transaction and cached.

:func:`read_snapshot` returns the same DataFrames that :func:`model.tables.read_tables` reads from CSV files
(one query per node or relationship type, generated from :mod:`model.schema`), plus the id of the load they
came from, so that analyses and caches can be keyed by load snapshot. :func:`current_graph` asks Neo4j for
the id of the latest complete load (one cheap query) and reuses the analysed snapshot while it is unchanged.

Neo4j's transactions are read-committed: each query of a read transaction sees
what was committed when it ran, so a load committing half-way through the reads
would mix two loads' tables. Every load commits a new ``LoadRun`` with its
data and the content hash of its files (``snapshot``), so :func:`read_snapshot`
reads the latest one before the tables and, after them, the snapshots of the
loads committed meanwhile: when one of them holds other content, the tables may
mix two loads and are read again. Loads of the same content (a scheduled reload
of unchanged files) leave the tables as they were and do not disturb readers.
(A restore brings back the dump's ``LoadRun`` records; one restoring the same
latest load is not detected.)
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import pandas as pd

from graph.bulk import collector_paused
from graph.db import Database
from model.errors import DatabaseError, OgpnetError
from model.facts import Facts, facts_from_tables
from model.schema import NODE_TABLES, REL_MAPPINGS, TABLE_BY_NAME, TABLES, node_property_columns
from model.tables import normalise_tables
from queries import load as q

__all__ = ["AnalysedGraph", "EmptyDatabase", "Snapshot", "current_graph", "latest_run", "latest_snapshot_id",
           "read_snapshot"]


@dataclass(frozen=True)
class Snapshot:
    """The tables of one complete load (no load committed while they were read)."""

    load_id: str | None
    snapshot: str | None
    finished: str | None
    tables: dict[str, pd.DataFrame]


def _frame(table: str, columns: list[str], rows: list[list[Any]]) -> pd.DataFrame:
    """The table's frame, its columns in schema order, from rows of ``columns`` values."""
    return pd.DataFrame.from_records(rows, columns=columns).reindex(columns=TABLE_BY_NAME[table].column_names)


#: How many times :func:`read_snapshot` reads the tables when loads of other content keep committing meanwhile.
READ_ATTEMPTS = 5
#: Seconds waited before reading again, times the attempt number (with jitter: readers and the loader's commits
#: drift apart instead of meeting at every attempt).
RETRY_PAUSE_S = 0.2


def read_snapshot(db: Database, *, attempts: int = READ_ATTEMPTS) -> Snapshot:
    """Read every canonical table from Neo4j in one read transaction, again if a load committed meanwhile.

    The latest ``LoadRun`` is read before the tables, and after them the content snapshots of the
    loads committed meanwhile; when one differs from the first, the tables may mix two loads and are
    read again after a short pause, up to ``attempts`` times (loads are serialised and take seconds,
    so a second read normally sees none commit), then `DatabaseError`. Loads of unchanged content
    committing meanwhile leave the tables as they were: the read stands.

    Each record is one list of values (see :func:`queries.load.read_nodes`), not a property map, and
    Python's cyclic garbage collector is paused meanwhile (:func:`graph.bulk.collector_paused`): both
    measured by ``make bench`` (``bench/results/load.json``).
    """

    def work(tx: Any) -> Snapshot | None:
        run = tx.read(q.LATEST_LOAD_RUN)
        frames: dict[str, pd.DataFrame] = {}
        for table in NODE_TABLES:
            frames[table] = _frame(table, node_property_columns(table), tx.column(q.read_nodes(table)))
        for m in REL_MAPPINGS:
            columns = [m.start_column, m.end_column, *q.read_rel_columns(m)]
            # memberships: one query per participant label (the type is a property of the relationship too)
            rows = [row for label in m.start_labels for row in tx.column(q.read_rels(m, label))]
            if TABLE_BY_NAME[m.table].label is not None:  # a node table's relationship gives its start column
                start_of = {end: start for start, end in rows}
                frames[m.table][m.start_column] = frames[m.table][m.end_column].map(start_of)
                continue
            frames[m.table] = _frame(m.table, columns, rows)
        if run:
            since = tx.read(q.LOAD_SNAPSHOTS_AFTER, {"id": run[0]["id"]})
            if set(since[0]["snapshots"] if since else []) - {run[0]["snapshot"]}:
                return None  # a load of other content committed while the tables were read
        elif tx.read(q.LATEST_LOAD_RUN):
            return None  # the first load committed while the (empty) tables were read
        latest = run[0] if run else {}
        return Snapshot(latest.get("id"), latest.get("snapshot"), latest.get("finished"),
                        {t.name: frames[t.name] for t in TABLES})

    with collector_paused():
        for attempt in range(attempts):
            if attempt:
                time.sleep(RETRY_PAUSE_S * attempt * (0.5 + random.random()))  # noqa: S311 - jitter, not secrets
            result: Snapshot | None = db.read_transaction(work)
            if result is not None:
                return result
    raise DatabaseError(f"the graph changed while it was read, {attempts} times in a row: loads kept committing",
                        hint="run the command again when the loads in progress have finished")


class EmptyDatabase(OgpnetError):
    """Nothing has been loaded yet."""

    default_hint = "load the bundled data with `ogpnet load` (or `make run`)"
    exit_code = 66  # EX_NOINPUT


@dataclass(frozen=True)
class AnalysedGraph:
    """A load snapshot and its tables as analysis :class:`~model.facts.Facts` (computed once, on first use).

    The network explorer builds the typed multigraph from :attr:`tables` itself
    (:func:`graph.analysis.multigraph.build_graph`): no analysis needs it.
    """

    snapshot: Snapshot

    @cached_property
    def tables(self) -> dict[str, pd.DataFrame]:
        """The snapshot's tables with canonical columns and dtypes."""
        return normalise_tables(self.snapshot.tables)

    @cached_property
    def facts(self) -> Facts:
        """The tables as every analysis takes them."""
        return facts_from_tables(self.tables)

    @property
    def theme_names(self) -> dict[str, str]:
        """Theme id -> name, from the themes table."""
        return dict(self.facts.theme_names)

    @property
    def key(self) -> str:
        """Cache key of everything computed from this graph."""
        return self.snapshot.snapshot or "empty"


_CACHE: dict[tuple[str, str], AnalysedGraph] = {}
_LOCK = threading.Lock()


def latest_run(db: Database) -> dict[str, Any] | None:
    """The ``LoadRun`` record of the latest complete load (id, times, files, counts, snapshot), or None."""
    rows = db.read(q.LATEST_LOAD_RUN)
    return dict(rows[0]) if rows else None


def latest_snapshot_id(db: Database) -> str | None:
    """The content snapshot of the latest complete load, or None when nothing is loaded."""
    run = latest_run(db)
    return run["snapshot"] if run else None


def current_graph(db: Database, *, use_cache: bool = True) -> AnalysedGraph:
    """The graph of the latest complete load (cached per server and snapshot).

    Raises :class:`EmptyDatabase` when nothing has been loaded.
    """
    snap_id = latest_snapshot_id(db)
    if snap_id is None:
        raise EmptyDatabase(f"the database at {db.uri or 'the server'} holds no complete load")
    key = (db.uri, snap_id)
    with _LOCK:
        if use_cache and key in _CACHE:
            return _CACHE[key]
    snapshot = read_snapshot(db)
    result = AnalysedGraph(snapshot)
    result.facts  # noqa: B018 - computed here, once, rather than by the first caller (and cached with it)
    with _LOCK:
        _CACHE.clear()  # one snapshot per server is enough; old ones are never asked for again
        _CACHE[(db.uri, snapshot.snapshot or snap_id)] = result
    return result
