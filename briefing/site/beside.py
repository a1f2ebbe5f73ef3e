"""Work done in a forked child while the build goes on writing pages.

A warm build ends with seconds of work that needs the final articles but none of the pages: the
search index (the analyser's start, the new releases' analysis, the shards and the metadata of
every release). Done last, it leaves one core idle while the pages are written on the other. A
child forked once the articles are final shares them without a copy, does the work and sends back
its result; the build collects it when it finishes.

A child that fails or dies costs time, never the result: the work is then done here, as it would
have been without a child (and an error in it surfaces here, as it always did). The work must be
safe to run twice (the index writes content-named files and saves its state last).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Generic, TypeVar

T = TypeVar("T")

log = logging.getLogger(__name__)


class Beside(Generic[T]):
    """``work()`` started in a forked child now; :meth:`result` waits for what it returned."""

    def __init__(self, work: Callable[[], T], name: str) -> None:
        self.work, self.name = work, name
        context = multiprocessing.get_context("fork")  # the child shares the build's memory
        self._receiver, sender = context.Pipe(duplex=False)
        self._child = context.Process(target=_child, args=(sender, work), name=name, daemon=True)
        self._child.start()
        sender.close()

    def result(self) -> T:
        """What the child's ``work()`` returned; when it failed or died, ``work()`` run here."""
        try:
            outcome = self._receiver.recv()
        except (EOFError, OSError):
            outcome = (False, "it ended without an answer")
        finally:
            self._receiver.close()
            self._child.join()
        done, value = outcome
        if done:
            return value
        log.warning("%s: the forked build failed (%s); building it here", self.name, value)
        return self.work()


def _child(sender: Connection, work: Callable[[], object]) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the build's to handle
    try:
        outcome = (True, work())
    except BaseException as exc:  # reported to the parent, which does the work itself
        outcome = (False, f"{type(exc).__name__}: {exc}"[:300])
    try:
        sender.send(outcome)
        sender.close()
    except BaseException:
        os._exit(3)
    os._exit(0)  # skip atexit handlers and finalisers inherited from the build
