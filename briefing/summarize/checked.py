"""The releases a summarize run found up to date, so the next run need not parse them again.

A run decides per record whether its stored summary is current and its article rendered from it
(:func:`briefing.summarize.runner.is_cached`); at a year of releases that meant parsing every
record, summary and article header on every run (~18 s, most of a run with nothing new). This
manifest (``DATA_DIR/state/summarized.json``, committed with the data as the workflow starts from
a fresh checkout) keeps, per record, a hash of the bytes of those three files and the release's
title (the offline extract's tag weights need every title). A record whose three files hash the
same, under the same versions and models (``key``), is up to date without being parsed: reading
and hashing a year's files costs ~2 s. Anything else (a changed file, a new version, ``--force``)
goes through the full decision, which records the result again.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from briefing.store import Store

NAME = "summarized"
VERSION = "1"


def files_digest(paths: tuple[Path, ...]) -> str | None:
    """One hash of the bytes of ``paths`` (in order); None when one cannot be read."""
    digest = hashlib.blake2b(digest_size=16)
    for path in paths:
        try:
            data = path.read_bytes()
        except OSError:
            return None
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


class Checked:
    """The manifest of one run: what the last run recorded, and what this run confirms."""

    def __init__(self, store: Store, key: str) -> None:
        self.store = store
        self.key = f"{VERSION}\x00{key}"
        saved = store.read_state(NAME)
        entries = saved.get("entries") if saved.get("key") == self.key else None
        self.old: dict[str, list[str]] = entries if isinstance(entries, dict) else {}
        self.new: dict[str, list[str]] = {}

    def title_if_current(self, relpath: str, paths: tuple[Path, ...]) -> str | None:
        """The release's title when its files are byte for byte those last found up to date."""
        entry = self.old.get(relpath)
        if not (isinstance(entry, list) and len(entry) == 2):
            return None
        digest, title = entry
        if files_digest(paths) != digest:
            return None
        self.new[relpath] = entry
        return title

    def confirm(self, relpath: str, paths: tuple[Path, ...], title: str) -> None:
        """Record that the release at ``relpath`` is up to date with its files as they are now."""
        digest = files_digest(paths)
        if digest is not None:
            self.new[relpath] = [digest, title]

    def save(self) -> bool:
        """Write the manifest when it changed; True when written."""
        if self.new == self.old:
            return False
        return self.store.write_state(NAME, {"key": self.key, "entries": self.new})
