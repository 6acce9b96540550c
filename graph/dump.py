"""A complete, deterministic dump of the graph: every node and relationship with its properties.

Two loads of the same files give byte-identical dumps (``LoadRun`` records,
which differ by time, are left out unless asked for).
"""

from __future__ import annotations

import json
from typing import Any

from graph.db import Database
from queries.dump import DUMP_NODES, DUMP_RELS


def dump_graph(db: Database, *, with_runs: bool = False) -> dict[str, list[dict[str, Any]]]:
    """Nodes and relationships, sorted, read in one transaction."""

    def work(tx: Any) -> dict[str, list[dict[str, Any]]]:
        return {"nodes": tx.read(DUMP_NODES, {"with_runs": with_runs}), "relationships": tx.read(DUMP_RELS)}

    result: dict[str, list[dict[str, Any]]] = db.read_transaction(work)
    return result


def dump_text(db: Database, *, with_runs: bool = False) -> str:
    """The dump as canonical JSON text (sorted keys), for comparing and for backups."""
    return json.dumps(dump_graph(db, with_runs=with_runs), sort_keys=True, ensure_ascii=False, indent=0)
