"""Helpers for bulk work in Python: building or reading hundreds of thousands of rows at once.

Python's cyclic garbage collector runs after every few hundred new container objects and, now and
then, walks every object still alive. Validating a 100× dataset creates millions of lists, dicts and
tuples that all stay alive until the load ends, so the collector walks them again and again and
finds nothing (a third of the validation time at 100×, see ``make bench``). The rows hold
no reference cycles, and reference counting frees them as before; pausing only the cyclic collector
for the duration of one bounded bulk step removes that cost.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["collector_paused"]


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector inside the block; restore it afterwards, even on error.

    Nested or concurrent uses are safe: the one that found the collector running turns it back on;
    a collector already paused by the caller stays paused. Memory freed by reference counting (all
    of it, for rows without cycles) is freed as usual inside the block.

    >>> import gc
    >>> with collector_paused():
    ...     gc.isenabled()
    False
    >>> gc.isenabled()
    True
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
