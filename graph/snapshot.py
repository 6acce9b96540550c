"""The analysed graph of the current load, projected from Neo4j once per load snapshot.

:func:`current_graph` asks Neo4j for the id of the latest complete load (one
cheap query) and reuses the projected graph while it is unchanged; a new load
(a new content snapshot) is projected again in one read transaction.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import networkx as nx

from graph.db import Database
from graph.errors import OgpnetError
from graph.network import build_graph
from graph.projection import Snapshot, read_snapshot
from queries.load import LATEST_LOAD_RUN


class EmptyDatabase(OgpnetError):
    """Nothing has been loaded yet."""

    default_hint = "load the bundled data with `ogpnet load` (or `make run`)"
    exit_code = 69


@dataclass(frozen=True)
class AnalysedGraph:
    """A load snapshot and its typed NetworkX graph."""

    snapshot: Snapshot
    graph: nx.MultiDiGraph

    @property
    def key(self) -> str:
        """Cache key of everything computed from this graph."""
        return self.snapshot.snapshot or "empty"


_CACHE: dict[tuple[str, str], AnalysedGraph] = {}
_LOCK = threading.Lock()


def latest_snapshot_id(db: Database) -> str | None:
    rows = db.read(LATEST_LOAD_RUN)
    return rows[0]["snapshot"] if rows else None


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
    result = AnalysedGraph(snapshot, build_graph(snapshot.tables))
    with _LOCK:
        _CACHE.clear()  # one snapshot per server is enough; old ones are never asked for again
        _CACHE[(db.uri, snapshot.snapshot or snap_id)] = result
    return result
