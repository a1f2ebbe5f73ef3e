"""The collector policy of a build (briefing.site.collector): off while long-lived objects are made,
those frozen afterwards, and garbage made later still collected."""

from __future__ import annotations

import gc
import weakref

from briefing.site.collector import bulk, thaw


class Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the collector frees it


def test_bulk_pauses_then_freezes_and_later_cycles_are_still_collected() -> None:
    assert gc.isenabled()
    before = gc.get_freeze_count()
    with bulk():
        assert not gc.isenabled()
        kept = [Node() for _ in range(1000)]
    assert gc.isenabled() and gc.get_freeze_count() >= before + len(kept)

    garbage = Node()
    gone = weakref.ref(garbage)
    del garbage
    gc.collect()
    assert gone() is None  # made after the freeze: collected as usual
    thaw()


def test_bulk_leaves_a_disabled_collector_disabled_even_on_error() -> None:
    gc.disable()
    try:
        try:
            with bulk():
                raise ValueError("a step failed")
        except ValueError:
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
        gc.unfreeze()


def test_thaw_gives_frozen_objects_back_to_the_collector() -> None:
    with bulk():
        frozen = Node()
    gone = weakref.ref(frozen)
    del frozen
    gc.collect()
    assert gone() is not None  # a frozen cycle outlives a collection
    thaw()
    assert gc.get_freeze_count() == 0
    gc.collect()
    assert gone() is None  # a later build's thaw lets it go
