"""Work in a forked child beside the build (briefing.site.beside): its result comes back; a child
that fails or dies costs time, never the result — the work is then done in the build process."""

from __future__ import annotations

import logging
import os

import pytest

from briefing.site.beside import Beside

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")


def test_the_childs_result_comes_back() -> None:
    here = os.getpid()
    beside = Beside(lambda: (os.getpid(), [1, 2, 3]), "test work")
    pid, value = beside.result()
    assert pid != here  # done in the child
    assert value == [1, 2, 3]


def _fails_in_the_child(parent: int) -> str:
    if os.getpid() != parent:
        raise RuntimeError("disk full")
    return "done here"


def _dies_in_the_child(parent: int) -> str:
    if os.getpid() != parent:
        os._exit(9)  # killed: no answer on the pipe
    return "done here"


@pytest.mark.parametrize(
    ("work", "why"),
    [(_fails_in_the_child, "RuntimeError: disk full"), (_dies_in_the_child, "it ended without an answer")],
)
def test_a_failed_or_dead_child_means_the_work_is_done_here(work, why, caplog) -> None:
    parent = os.getpid()
    with caplog.at_level(logging.WARNING, logger="briefing.site.beside"):
        assert Beside(lambda: work(parent), "search index").result() == "done here"
    assert f"search index: the forked build failed ({why}" in caplog.text


def test_an_error_of_the_work_itself_surfaces_here() -> None:
    def always_fails() -> None:
        raise ValueError("bad document")

    with pytest.raises(ValueError, match="bad document"):
        Beside(always_fails, "search index").result()
