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
import os
from pathlib import Path

from briefing.blobs import blob_ids, file_blob_id, head_view, index_blob_ids
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
    """The manifest of one run: what the last run recorded, and what this run confirms.

    Beside the entries, a run that writes the manifest keeps per month (``YYYY/MM``) git's three
    tree ids at ``HEAD`` (records, summaries, articles) when every entry of that month was found up
    to date with the files of ``HEAD`` (their ids from git's index, nothing of that month changed or
    written by the run). A later run whose ``HEAD`` has the same three trees for that month, with
    nothing there changed since, takes the month's entries without looking at one file: the bytes
    are those the entries were found current with (:class:`briefing.blobs.HeadView`). The other
    months are looked up as before; a shallow checkout has every tree this needs."""

    def __init__(self, store: Store, key: str) -> None:
        self.store = store
        self.key = f"{VERSION}\x00{key}"
        saved = store.read_state(NAME)
        current = saved.get("key") == self.key
        entries = saved.get("entries") if current else None
        self.old: dict[str, list[str]] = entries if isinstance(entries, dict) else {}
        months = saved.get("months") if current else None
        self.old_months: dict[str, list[str]] = months if isinstance(months, dict) else {}
        self.had_months = isinstance(months, dict)  # False: a manifest from before the months
        self.new: dict[str, list[str]] = {}
        self.ids: dict[str, str | None] = {}
        self.trees: dict[str, list[str]] = {}  # month -> its three trees at HEAD (all three known)
        self.trusted: set[str] = set()  # months whose entries hold without a look at their files
        self.unsure: set[str] = set()  # months not to record: a file hashed, changed or written

    def look_up(self, files: dict[str, tuple[str, str, str]], folders: tuple[Path, Path, Path]) -> None:
        """The blob ids of the ``files`` of each release (by relpath; all under ``folders``) at once,
        from git's index where it can tell (:mod:`briefing.blobs`); none for the months git says are
        as the last run recorded them. Nothing to compare with (a first run, a new version):
        nothing looked up."""
        if not self.old:
            return
        months = {relpath: relpath.rpartition("/")[0] for relpath in files}
        view = head_view(folders)
        if view is None:
            self.unsure.update(months.values())
            self.ids.update(blob_ids((f for three in files.values() for f in three), folders))
            return
        self.unsure.update(view.changed)
        for month in set(months.values()):
            trees = [tree for folder in folders if (tree := view.tree(folder, month))]
            if len(trees) == len(folders):
                self.trees[month] = trees
                if month not in view.changed and self.old_months.get(month) == trees:
                    self.trusted.add(month)
            else:
                self.unsure.add(month)
        rest = sorted({m for m in months.values() if m not in self.trusted})
        # git is asked of the months looked up, or of the whole folders when they are most of them
        asked = (
            folders if len(rest) > len(self.trusted) else [os.path.join(f, m) for m in rest for f in folders]
        )
        known = index_blob_ids(asked)
        for relpath, three in files.items():
            if months[relpath] in self.trusted:
                continue
            for path in three:
                blob = known.get(path)
                if blob is None:
                    blob = file_blob_id(path)
                    self.unsure.add(months[relpath])
                self.ids[path] = blob

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
        if relpath.rpartition("/")[0] not in self.trusted and self._digest(paths) != digest:
            return None
        self.new[relpath] = entry
        return title

    def confirm(self, relpath: str, paths: tuple[str | Path, ...], title: str) -> None:
        """Record that the release at ``relpath`` is up to date with its files as they are now."""
        self.unsure.add(relpath.rpartition("/")[0])  # written, or decided in full: not HEAD's files
        digest = self._digest(paths, fresh=True)
        if digest is not None:
            self.new[relpath] = [digest, title]

    def save(self) -> bool:
        """Write the manifest when an entry changed; True when written. Months alone are no reason
        to write it (a run with nothing new must leave the data as it was, so makes no commit; the
        months it found clean stay as the file has them, still true of its entries) — except once,
        for a manifest from before the months."""
        months = {m: trees for m, trees in self.trees.items() if m not in self.unsure}
        if self.new == self.old and (self.had_months or not months):
            return False
        state = {"key": self.key, "entries": self.new, "months": months}
        return self.store.write_state(NAME, state, compact=True)
