"""Neo4j → the canonical tables → NetworkX, in one read transaction.

:func:`read_snapshot` returns the same DataFrames that
:func:`graph.tables.read_tables` reads from CSV files (one query per node or
relationship type), plus the id of the load they came from, so that analyses
and caches can be keyed by load snapshot.

Neo4j's transactions are read-committed: each query of a read transaction sees
what was committed when it ran, so a load committing half-way through the reads
would mix two loads' tables. Every load commits a new ``LoadRun`` with its
data, so :func:`read_snapshot` reads the latest one before and after the tables
and reads again when they differ. (A restore brings back the dump's ``LoadRun``
records; one restoring the same latest load is not detected.)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from graph.bulk import collector_paused
from graph.db import Database
from graph.errors import DatabaseError
from graph.schema import TABLE_BY_NAME, TABLES
from queries import load as q


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


#: How many times :func:`read_snapshot` reads the tables when loads keep committing meanwhile.
READ_ATTEMPTS = 3


def read_snapshot(db: Database, *, attempts: int = READ_ATTEMPTS) -> Snapshot:
    """Read every canonical table from Neo4j in one read transaction, again if a load committed meanwhile.

    The latest ``LoadRun`` is read before and after the tables; when it changed, the tables may
    mix two loads and are read again, up to ``attempts`` times (loads are serialised and take
    seconds, so a second read normally sees none commit), then `DatabaseError`.

    Each record is one list of values (see :func:`queries.load.read_nodes`): reading back
    ~555,000 records at 100× took 30 s with a property map per record. Python's cyclic garbage
    collector is paused meanwhile (:func:`graph.bulk.collector_paused`): 12.6 s instead of 13.5 s at
    100× (same run, medians of 3).
    """

    def work(tx: Any) -> Snapshot | None:
        run = tx.read(q.LATEST_LOAD_RUN)
        frames: dict[str, pd.DataFrame] = {}
        for table in q.NODE_TABLES:
            frames[table] = _frame(table, q.node_property_columns(table), tx.column(q.read_nodes(table)))
        for m in q.REL_TABLES:
            columns = [m.start_column, m.end_column, *q.read_rel_columns(m)]
            # memberships: one query per participant label (the type is a property of the relationship too)
            starts = q.PARTICIPANT_LABELS.values() if m.start_by else [m.start_label]
            rows = [row for label in starts for row in tx.column(q.read_rels(m, label))]
            if m.table == "commitments":  # MADE carries the commitment's member
                member = {commitment: member for member, commitment in rows}
                frames["commitments"]["member_id"] = frames["commitments"]["id"].map(member)
                continue
            frames[m.table] = _frame(m.table, columns, rows)
        if tx.read(q.LATEST_LOAD_RUN) != run:
            return None  # a load committed while the tables were read
        latest = run[0] if run else {}
        return Snapshot(latest.get("id"), latest.get("snapshot"), latest.get("finished"),
                        {t.name: frames[t.name] for t in TABLES})

    with collector_paused():
        for _ in range(attempts):
            result: Snapshot | None = db.read_transaction(work)
            if result is not None:
                return result
    raise DatabaseError(f"the graph changed while it was read, {attempts} times in a row: loads kept committing",
                        hint="run the command again when the loads in progress have finished")
