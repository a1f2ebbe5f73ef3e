"""Files of the chat index on disk: the stamp of the index there, a linked copy to append to, the swap.

A run appends to the index on disk rather than rebuilding it (:func:`briefing.chat.index_build.
build_chat_index`): the folder is copied by hard links (whoosh never rewrites a file; new segments
and deletions go to new files), whoosh writes into the copy, and the copy is swapped in by renames,
so a function reading the folder sees the old index or the new one.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from briefing.chat.retrieval import META_FILE


def previous_hashes(index_dir: Path, setup: str) -> dict[str, str] | None:
    """Per-release hashes of the index on disk, if it was built the same way and can be opened."""
    try:
        stamp = json.loads((index_dir / META_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    hashes = stamp.get("hashes")
    if stamp.get("setup") != setup or not isinstance(hashes, dict):
        return None
    return hashes


def link_copy(source: Path, target: Path) -> None:
    """The index files of ``source`` in a new folder ``target``, hard-linked where the file system
    allows (whoosh never rewrites a file: new segments and deletions go to new files)."""
    target.mkdir()
    for path in source.iterdir():
        if not path.is_file() or path.name == META_FILE or path.name.endswith("_WRITELOCK"):
            continue
        try:
            os.link(path, target / path.name)
        except OSError:
            shutil.copy2(path, target / path.name)


def swap_in(staging: Path, target: Path) -> None:
    old = target.with_name(f".{target.name}.old-{os.getpid()}")
    if target.exists():
        os.replace(target, old)
    os.replace(staging, target)
    shutil.rmtree(old, ignore_errors=True)
