"""Writing generated site files."""

from __future__ import annotations

from pathlib import Path

from briefing.store import write_atomic


def write_output(path: Path, data: str) -> bool:
    """Write ``data`` to ``path`` if it differs; False when unchanged.

    Atomic against a killed build, but not fsynced: everything in the output folder is regenerated
    from sources, and thousands of fsyncs dominated build time.
    """
    return write_atomic(path, data, durable=False)
