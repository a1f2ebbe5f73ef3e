"""Writing generated site files."""

from __future__ import annotations

import gzip
from pathlib import Path

from briefing.store import write_atomic


def write_output(path: Path, data: str) -> bool:
    """Write ``data`` to ``path`` if it differs; False when unchanged.

    Atomic against a killed build, but not fsynced: everything in the output folder is regenerated
    from sources, and thousands of fsyncs dominated build time.
    """
    return write_atomic(path, data, durable=False)


def write_gzip_output(path: Path, data: str) -> bool:
    """Write ``data`` gzip-compressed to ``path`` if it differs; False when unchanged.

    Deterministic (``mtime=0``, fixed level): the same text always gives the same bytes, so an
    unchanged release never rewrites its file and a deploy uploads only what changed.
    """
    return write_atomic(path, gzip.compress(data.encode("utf-8"), compresslevel=9, mtime=0), durable=False)
