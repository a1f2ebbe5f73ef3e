"""Content ids of many files at once, as git names them (blob ids), read from git's index when
the files are in a git work tree.

A scheduled run asks of tens of thousands of files (every record, stored summary and article)
whether they changed since the last run; reading and hashing them all costs seconds at a year of
releases, and modification times cannot tell (a CI checkout gives every file a new one). In a
git work tree the index already holds each tracked file's blob id, and ``git diff-files`` lists,
from the stat data the checkout wrote, the tracked files that may differ from it (git settles
its own racy cases; a file it is unsure of is listed). Only those, and untracked files, are read
and hashed here, with git's own function, so an id is the same whichever way it was found.
Outside a work tree, or when git fails, every file is hashed.
"""

from __future__ import annotations

import hashlib
import logging
import os
import subprocess
from collections.abc import Iterable
from pathlib import Path

log = logging.getLogger(__name__)

_TIMEOUT = 60


def blob_id(data: bytes) -> str:
    """git's id of a file with these bytes (``git hash-object``)."""
    return hashlib.sha1(b"blob %d\x00" % len(data) + data, usedforsecurity=False).hexdigest()


def file_blob_id(path: str | Path) -> str | None:
    """The blob id of the file at ``path``; None when it cannot be read."""
    try:
        with open(path, "rb") as handle:
            return blob_id(handle.read())
    except OSError:
        return None


def _git(top: str, *args: str) -> bytes:
    return subprocess.run(["git", "-C", top, *args], capture_output=True, check=True, timeout=_TIMEOUT).stdout


def _work_tree(folder: str) -> str | None:
    try:
        return os.path.realpath(_git(folder, "rev-parse", "--show-toplevel").decode().strip())
    except (OSError, subprocess.SubprocessError, UnicodeDecodeError):
        return None


def _from_index(top: str, folders: dict[str, str]) -> dict[str, str]:
    """Blob ids of the tracked files under ``folders`` (each as given -> relative to ``top``) that
    git finds unchanged since the index was written, by path under the folder as given."""
    specs = ["--", *folders.values()]
    listed = _git(top, "ls-files", "--stage", "-z", *specs)
    changed = set(_git(top, "diff-files", "--name-only", "-z", *specs).split(b"\x00"))
    prefixes = [(rel.rstrip("/") + "/", given) for given, rel in folders.items()]
    ids = {}
    for entry in listed.split(b"\x00"):
        if not entry:
            continue
        meta, _, raw = entry.partition(b"\t")
        mode, blob, stage = meta.split(b" ")
        if stage != b"0" or not mode.startswith(b"100") or raw in changed:
            continue  # a conflict, a link or a submodule, or a file git sees changed
        name = os.fsdecode(raw)
        for prefix, given in prefixes:
            if name.startswith(prefix) or prefix == "./":
                rest = name if prefix == "./" else name[len(prefix) :]
                ids[os.path.join(given, rest)] = blob.decode()
                break
    return ids


def blob_ids(paths: Iterable[str | Path], folders: Iterable[str | Path]) -> dict[str, str | None]:
    """The blob id of each of ``paths`` (None for a missing or unreadable file), by the path as
    given. ``folders`` hold every one of them (each path is ``<folder>/<rest>`` as given): only
    they are asked of git."""
    given = [str(f) for f in folders if os.path.isdir(f)]
    known: dict[str, str] = {}
    top = _work_tree(given[0]) if given else None
    if top is not None:
        real = {f: os.path.relpath(os.path.realpath(f), top) for f in given}
        if not any(rel == ".." or rel.startswith(".." + os.sep) for rel in real.values()):
            try:
                known = _from_index(top, real)
            except (OSError, subprocess.SubprocessError, ValueError) as exc:
                log.info("git index unusable (%s); hashing every file", exc)
    out: dict[str, str | None] = {}
    for path in map(str, paths):
        out[path] = known.get(path) or file_blob_id(path)
    return out
