"""The releases a summarize run found up to date, so the next run need not parse them again.

A run decides per record whether its stored summary is current and its article rendered from it
(:func:`briefing.summarize.runner.is_cached`); at a year of releases that meant parsing every
record, summary and article header on every run (~18 s, most of a run with nothing new). This
manifest (``DATA_DIR/state/summarized.json``, committed with the data as the workflow starts from
a fresh checkout) keeps, per record, one id for the git blob ids of those three files and the
release's title (the offline extract's tag weights need every title). A record whose three files
have the same ids, under the same versions and models (``key``), is up to date without being
parsed. The ids come from git's index for the files git sees unchanged (:mod:`briefing.blobs`):
reading and hashing a year's files (~1.2 GB) cost ~2.5 s a run. Anything else (a changed file, a new version, ``--force``)
goes through the full decision, which records the result again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from briefing.blobs import blob_ids, file_blob_id
from briefing.store import Store

NAME = "summarized"
VERSION = "2"  # 2: the files' git blob ids (1: a hash of their bytes)


class ReleaseFiles:
    """A release's record, stored summary and article, from the record's ``YYYY/MM/<id>.json``
    (as ``Store.path_for``, ``summary_path`` and ``article_path`` place them; were they to differ,
    a file would be missing and the release checked in full). Strings: a run asks for every one."""

    def __init__(self, records: Path, data_dir: str | Path, content_dir: str | Path) -> None:
        self.folders = (Path(records), Path(data_dir) / "summaries", Path(content_dir) / "releases")
        self._bases = tuple(map(str, self.folders))

    def of(self, relpath: str) -> tuple[str, str, str]:
        records, summaries, articles = self._bases
        return (
            f"{records}/{relpath}",
            f"{summaries}/{relpath}",
            f"{articles}/{relpath.removesuffix('.json')}.md",
        )


class Checked:
    """The manifest of one run: what the last run recorded, and what this run confirms."""

    def __init__(self, store: Store, key: str) -> None:
        self.store = store
        self.key = f"{VERSION}\x00{key}"
        saved = store.read_state(NAME)
        entries = saved.get("entries") if saved.get("key") == self.key else None
        self.old: dict[str, list[str]] = entries if isinstance(entries, dict) else {}
        self.new: dict[str, list[str]] = {}
        self.ids: dict[str, str | None] = {}

    def look_up(self, paths: Iterable[str | Path], folders: Iterable[str | Path]) -> None:
        """The blob ids of ``paths`` (all under ``folders``) at once, from git's index where it
        can tell (:mod:`briefing.blobs`): a year's files are then not read one by one. Nothing to
        compare with (a first run, a new version): nothing looked up."""
        if self.old:
            self.ids.update(blob_ids(paths, folders))

    def _digest(self, paths: tuple[str | Path, ...], fresh: bool = False) -> str | None:
        """One id for the files ``paths`` (in order); None when one cannot be read. ``fresh``:
        the files were just written, so what was looked up before no longer holds."""
        ids = [file_blob_id(p) if fresh or str(p) not in self.ids else self.ids[str(p)] for p in paths]
        if any(i is None for i in ids):
            return None
        return hashlib.blake2b("\x00".join(map(str, ids)).encode(), digest_size=16).hexdigest()

    def title_if_current(self, relpath: str, paths: tuple[str | Path, ...]) -> str | None:
        """The release's title when its files are byte for byte those last found up to date."""
        entry = self.old.get(relpath)
        if not (isinstance(entry, list) and len(entry) == 2):
            return None
        digest, title = entry
        if self._digest(paths) != digest:
            return None
        self.new[relpath] = entry
        return title

    def confirm(self, relpath: str, paths: tuple[str | Path, ...], title: str) -> None:
        """Record that the release at ``relpath`` is up to date with its files as they are now."""
        digest = self._digest(paths, fresh=True)
        if digest is not None:
            self.new[relpath] = [digest, title]

    def save(self) -> bool:
        """Write the manifest when it changed; True when written."""
        if self.new == self.old:
            return False
        return self.store.write_state(NAME, {"key": self.key, "entries": self.new}, compact=True)
