"""The load lock: loads and restores of the graph run one at a time.

A write transaction takes it with its first statement, :data:`queries.load.TAKE_LOAD_LOCK`, which
creates a ``LoadRun`` node with a fixed id; a second transaction doing the same waits on the
``LoadRun.id`` uniqueness constraint until the first one ends. The node is deleted before the
holder commits (:data:`queries.load.RELEASE_LOAD_LOCK`), so no reader ever sees it, and nothing is
left behind when the holder fails. A transaction that waited then reads what the first committed:
that is what lets a load ``CREATE`` the rows it has just read to be absent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from threading import Event, Thread

from graph.db import Transaction
from queries.load import LOAD_LOCK_ID, RELEASE_LOAD_LOCK, TAKE_LOAD_LOCK

__all__ = ["holding_load_lock"]


@contextmanager
def holding_load_lock(tx: Transaction, waiting: Callable[[], None] | None = None,
                      after: float = 1.0) -> Iterator[None]:
    """Hold the load lock in ``tx`` for the block; release it before the transaction commits.

    ``waiting`` is called once if the lock is not granted within ``after`` seconds (another load or a
    restore holds it), so that a progress bar can say why it does not move. The release is a no-op when
    the block deleted the lock node itself (a restore deletes every node).
    """
    granted = Event()

    def notice() -> None:
        if not granted.wait(after) and waiting is not None:
            waiting()

    watcher = Thread(target=notice, name="load-lock-notice", daemon=True)
    watcher.start()
    try:
        tx.write(TAKE_LOAD_LOCK, {"lock": LOAD_LOCK_ID})
    finally:
        granted.set()
        watcher.join()
    yield
    tx.write(RELEASE_LOAD_LOCK, {"lock": LOAD_LOCK_ID})
