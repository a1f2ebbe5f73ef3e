"""Python's cyclic garbage collector while a build or a deploy makes its long-lived objects.

A build holds a year of releases as long-lived objects (the stand-ins' records, the article
objects, the search documents), a deploy a record per file of the site (~85,000 at a year). The
collector's full passes walk every tracked object, and they come each time the heap has grown by
a quarter, so loading 25,000 releases paid for walking them several times over (unpickling the
stand-ins took 1.0 s with the collector on, 0.2 s without). :func:`bulk` turns it off while a
step makes objects that live until the process ends, then moves everything alive into the
permanent generation (``gc.freeze``): later passes skip it, and garbage made afterwards is
collected as usual. A process that builds again (``pelican --autoreload``, a test run) calls
:func:`thaw` when a build starts, so what an earlier build froze can be collected again.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def bulk() -> Iterator[None]:
    """Make long-lived objects without the collector; freeze them when done."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def thaw() -> None:
    """Give what earlier builds of this process froze back to the collector."""
    gc.unfreeze()
