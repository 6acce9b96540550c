"""Neo4j → the canonical tables → NetworkX, in one read transaction.

:func:`read_snapshot` returns the same DataFrames that
:func:`graph.tables.read_tables` reads from CSV files (one query per node or
relationship type), plus the id of the load they came from, so that analyses
and caches can be keyed by load snapshot.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from graph.db import Database
from graph.schema import TABLE_BY_NAME, TABLES
from queries import load as q


@dataclass(frozen=True)
class Snapshot:
    """The tables of one complete load, read consistently."""

    load_id: str | None
    snapshot: str | None
    finished: str | None
    tables: dict[str, pd.DataFrame]


def _frame(table: str, rows: list[dict[str, Any]]) -> pd.DataFrame:
    columns = TABLE_BY_NAME[table].column_names
    return pd.DataFrame.from_records(rows, columns=columns) if rows else pd.DataFrame(columns=columns)


def read_snapshot(db: Database) -> Snapshot:
    """Read every canonical table from Neo4j in one read transaction."""

    def work(tx: Any) -> Snapshot:
        run = tx.read(q.LATEST_LOAD_RUN)
        tables: dict[str, list[dict[str, Any]]] = {t.name: [] for t in TABLES}
        for table, label in q.NODE_TABLES.items():
            tables[table] = [rec["p"] for rec in tx.read(q.read_nodes(label))]
        commitments = {r["id"]: r for r in tables["commitments"]}
        for m in q.REL_TABLES:
            starts = q.PARTICIPANT_LABELS.items() if m.start_by else [(None, m.start_label)]
            for ptype, label in starts:
                for rec in tx.read(q.read_rels(m, label)):
                    props = dict(rec["p"])
                    props.pop("key", None)
                    if m.table == "commitments":  # MADE carries the commitment's member
                        commitments[rec["end"]]["member_id"] = rec["start"]
                        continue
                    props[m.start_column] = rec["start"]
                    props[m.end_column] = rec["end"]
                    if m.start_by:
                        props[m.start_by] = ptype
                    tables[m.table].append(props)
        latest = run[0] if run else {}
        return Snapshot(latest.get("id"), latest.get("snapshot"), latest.get("finished"),
                        {name: _frame(name, rows) for name, rows in tables.items()})

    result: Snapshot = db.read_transaction(work)
    return result
