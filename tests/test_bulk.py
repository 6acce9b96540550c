"""`graph.bulk.collector_paused`: the garbage collector is paused inside, and always put back as it was."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from graph.bulk import collector_paused


@pytest.fixture(autouse=True)
def _collector_running() -> Iterator[None]:
    gc.enable()
    yield
    gc.enable()


def test_an_error_inside_still_turns_the_collector_back_on() -> None:
    with pytest.raises(RuntimeError), collector_paused():
        assert not gc.isenabled()
        raise RuntimeError("bulk step failed")
    assert gc.isenabled()


def test_a_collector_the_caller_paused_stays_paused() -> None:
    gc.disable()
    with collector_paused():
        assert not gc.isenabled()
    assert not gc.isenabled()


def test_nested_uses_turn_it_back_on_once_at_the_outermost() -> None:
    with collector_paused():
        with collector_paused():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()

