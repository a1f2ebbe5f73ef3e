"""Writing generated site files."""

from __future__ import annotations

import contextlib
import os
import tempfile
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
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(raw)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return True
