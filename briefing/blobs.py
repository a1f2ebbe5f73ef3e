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

:func:`head_view` goes one step further for folders of ``YYYY/MM`` months: git's tree id of each
month at ``HEAD`` and the months with a file that differs from ``HEAD``. A month whose trees are
those an earlier run recorded, and in which nothing differs, holds the files that run saw, so its
files need not be listed one by one (a year's index has 75,000 entries; reading them was most of
a run's cost that grew with the archive).
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


def _relative(folders: Iterable[str | Path]) -> tuple[str, dict[str, str]] | None:
    """The work tree holding ``folders`` (those that exist) and each folder relative to it; None
    outside a work tree, or when a folder is outside the first one's."""
    given = [str(f) for f in folders if os.path.isdir(f)]
    top = _work_tree(given[0]) if given else None
    if top is None:
        return None
    real = {f: os.path.relpath(os.path.realpath(f), top) for f in given}
    if any(rel == ".." or rel.startswith(".." + os.sep) for rel in real.values()):
        return None
    return top, real


def index_blob_ids(folders: Iterable[str | Path]) -> dict[str, str]:
    """The blob ids git's index holds for the files under ``folders`` that git sees unchanged, by
    ``<folder>/<rest>`` as given; empty outside a work tree or when git fails."""
    found = _relative(folders)
    if found is None:
        return {}
    try:
        return _from_index(*found)
    except (OSError, subprocess.SubprocessError, ValueError) as exc:
        log.info("git index unusable (%s); hashing every file", exc)
        return {}


def blob_ids(paths: Iterable[str | Path], folders: Iterable[str | Path]) -> dict[str, str | None]:
    """The blob id of each of ``paths`` (None for a missing or unreadable file), by the path as
    given. ``folders`` hold every one of them (each path is ``<folder>/<rest>`` as given): only
    they are asked of git."""
    known = index_blob_ids(folders)
    out: dict[str, str | None] = {}
    for path in map(str, paths):
        out[path] = known.get(path) or file_blob_id(path)
    return out


class HeadView:
    """What the commit checked out holds under some folders, and what differs from it now.

    ``tree(folder, sub)``: the id of git's tree of ``<folder>/<sub>`` at ``HEAD`` (equal ids, equal
    files: a month of releases whose three trees are those of an earlier run holds the same bytes
    as then). ``changed``: the ``<sub>`` folders (two levels, ``YYYY/MM``) under any of the folders
    in which a tracked file differs from ``HEAD`` in the index or the work tree (``git diff-index
    --cached`` and ``git diff-files``, git's own stat check). Untracked files are not listed: a
    file of ``HEAD``'s tree is tracked unless removed from the index, which ``diff-index`` lists.
    """

    def __init__(self, top: str, rel: dict[str, str]) -> None:
        specs = ["--", *rel.values()]
        head = _git(top, "rev-parse", "--verify", "-q", "HEAD^{commit}").decode().strip()
        self._trees: dict[str, str] = {}
        for entry in _git(top, "ls-tree", "-r", "-d", "-z", head, *specs).split(b"\x00"):
            meta, _, path = entry.partition(b"\t")  # "<mode> tree <id>\t<path>"
            fields = meta.split(b" ")
            if len(fields) == 3 and fields[1] == b"tree":
                self._trees[os.fsdecode(path)] = fields[2].decode()
        differ = _git(top, "diff-files", "--name-only", "-z", *specs).split(b"\x00")
        differ += _git(top, "diff-index", "--cached", "--name-only", "-z", head, *specs).split(b"\x00")
        self._rel = rel
        self.changed: set[str] = set()
        for raw in filter(None, differ):
            name = os.fsdecode(raw)
            for folder in rel.values():
                if folder == ".":
                    rest = name
                elif name.startswith(folder + "/"):
                    rest = name[len(folder) + 1 :]
                else:
                    continue
                parts = rest.split("/")
                if len(parts) > 2:
                    self.changed.add(f"{parts[0]}/{parts[1]}")

    def tree(self, folder: str | Path, sub: str) -> str | None:
        rel = self._rel.get(str(folder))
        if rel is None:
            return None
        return self._trees.get(sub if rel == "." else f"{rel}/{sub}")


def head_view(folders: Iterable[str | Path]) -> HeadView | None:
    """The :class:`HeadView` of ``folders`` (those that exist, all in one work tree); None outside
    a work tree, before its first commit, or when git fails."""
    found = _relative(folders)
    if found is None:
        return None
    try:
        return HeadView(*found)
    except (OSError, subprocess.SubprocessError, ValueError) as exc:
        log.info("git cannot say what HEAD holds (%s)", exc)
        return None
