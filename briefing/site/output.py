"""Writing generated site files."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


def write_output(path: Path, data: str) -> bool:
    """Write ``data`` to ``path`` if it differs; False when unchanged.

    Atomic against a killed build (temporary file + rename), but without ``fsync``: everything in
    the output folder is regenerated from sources, and thousands of fsyncs dominated build time.
    """
    raw = data.encode("utf-8")
    try:
        if path.stat().st_size == len(raw) and path.read_bytes() == raw:
            return False
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    # open() rather than mkstemp: the file gets the usual permissions (0644 under umask 022),
    # so web servers and Pages artifacts can read it
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as handle:
            handle.write(raw)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return True
