"""The analysed graph of the current load, projected from Neo4j once per load snapshot.

:func:`current_graph` asks Neo4j for the id of the latest complete load (one
cheap query) and reuses the projected graph while it is unchanged; a new load
(a new content snapshot) is projected again in one read transaction.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from functools import cached_property

import networkx as nx
import pandas as pd

from graph.analysis.views import Facts, facts_from_tables
from graph.db import Database
from graph.errors import OgpnetError
from graph.network import build_graph
from graph.projection import Snapshot, read_snapshot
from graph.tables import normalise_tables
from queries.load import LATEST_LOAD_RUN


class EmptyDatabase(OgpnetError):
    """Nothing has been loaded yet."""

    default_hint = "load the bundled data with `ogpnet load` (or `make run`)"
    exit_code = 69


@dataclass(frozen=True)
class AnalysedGraph:
    """A load snapshot, its tables as analysis facts, and its typed NetworkX graph.

    The analyses only need :attr:`facts`, built straight from the tables; the multigraph (:attr:`graph`,
    for the network explorer and graph-shaped questions) is built the first time it is asked for, as
    it costs more than every analysis together on large datasets. Pass ``prebuilt`` to supply one already built.
    """

    snapshot: Snapshot
    prebuilt: nx.MultiDiGraph | None = field(default=None, repr=False, compare=False)

    @cached_property
    def tables(self) -> dict[str, pd.DataFrame]:
        """The snapshot's tables with canonical columns and dtypes."""
        return normalise_tables(self.snapshot.tables)

    @cached_property
    def facts(self) -> Facts:
        """The tidy tables every analysis takes (the same as ``graph_facts(self.graph)``)."""
        return facts_from_tables(self.tables)

    @cached_property
    def graph(self) -> nx.MultiDiGraph:
        """The typed multigraph (:func:`graph.network.build_graph`), built on first use."""
        return self.prebuilt if self.prebuilt is not None else build_graph(self.tables)

    @cached_property
    def theme_names(self) -> dict[str, str]:
        """Theme id -> name, from the themes table."""
        themes = self.tables["themes"]
        return {str(i): str(n) for i, n in zip(themes["id"], themes["name"], strict=True) if isinstance(n, str)}

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
    result = AnalysedGraph(snapshot)
    result.facts  # noqa: B018 - computed here, once, rather than by the first caller (and cached with it)
    with _LOCK:
        _CACHE.clear()  # one snapshot per server is enough; old ones are never asked for again
        _CACHE[(db.uri, snapshot.snapshot or snap_id)] = result
    return result
