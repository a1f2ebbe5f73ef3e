"""Stand-ins: a build's unchanged months of releases without reading them again.

A scheduled run adds a few releases to one month folder (``content/releases/YYYY/MM/``); every
other folder is byte for byte what the last build read. The site plugin has Pelican skip those
folders (``ARTICLE_EXCLUDES``) and puts a :class:`StandIn` in the article list for each of their
releases, made from what the last build kept of it (:func:`capture`): the fields the whole-list
passes read (dates, URLs, category, tags, ministry, the metadata the search index reads). A
stand-in whose page, card or file must be rendered again (a new release's older neighbour, the
cards of a listing's front page) reads its article in full the first time anything else is asked
of it (``Shared.read``), so what is written is always what Pelican would have made.

A folder is kept only when every file in it gave a published article; its files are compared by
content hash, never by modification time (a CI checkout touches every file). The state is keyed
by :func:`settings_key`: a change to any setting, to Pelican or to this module reads everything.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from briefing.blobs import blob_ids
from briefing.site.fingerprints import source_digest
from briefing.store import write_atomic

log = logging.getLogger(__name__)

_LINK_MARK = re.compile(r"[{|]")  # what Pelican's intrasite links start with

_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")

STATE_VERSION = "5"  # 5: records share their repeated values (_share)
SHORT = 40  # characters: a string value this short is likely repeated (a status, a ministry, a day)

# Attributes a stand-in carries as they were (plain values); taxonomy objects are kept by name.
FIELDS = (
    "relative_source_path",
    "date",
    "modified",
    "slug",
    "title",
    "summary",  # Pelican's property: the summary metadata, or the start of the content
    "locale_date",
    "url",
    "save_as",
    "status",
    "lang",
    "in_default_lang",
    "template",
    "ministry",
    "source",
    "original_url",
    "source_hash",
    "summary_kind",
    "faithfulness",
    "headline",
)
# Metadata values the search and chat documents read for every release (the rest: ``load``).
METADATA = ("title", "slug", "summary", "headline", "ministry", "source_hash", "source", "original_url")


def settings_key(settings: Mapping[str, Any], pelican_version: str) -> str:
    """Every setting, Pelican's version and this module's: what a stand-in's fields depend on.
    Objects are compared by their ``repr`` without memory addresses (a function, a module)."""
    digest = hashlib.sha256(f"{STATE_VERSION}\x00{pelican_version}".encode())
    for name in sorted(settings):
        digest.update(f"\x00{name}\x00{_ADDRESS.sub('', repr(settings[name]))}".encode())
    return digest.hexdigest()


def folder_of(relative: str) -> str:
    return relative.rsplit("/", 1)[0] if "/" in relative else ""


@dataclass
class Folder:
    """One content folder as a build read it: its files' digests and its releases' records."""

    name: str
    files: dict[str, str | None]  # relative path -> git blob id
    records: list[dict[str, Any]] = field(default_factory=list)


class State:
    """The kept folders in ``CACHE_PATH/briefing_site/standins/``, one pickle per folder (a run
    rewrites only the folders it read)."""

    def __init__(self, folder: Path, key: str) -> None:
        self.folder, self.key = Path(folder), key
        self.folders: dict[str, Folder] = {}
        for path in sorted(self.folder.glob("*.pickle")) if self.folder.is_dir() else []:
            try:
                saved = pickle.loads(path.read_bytes())
                if saved["key"] == key:
                    kept = Folder(saved["name"], saved["files"], saved["records"])
                    self.folders[kept.name] = kept
            except Exception as exc:  # a damaged state file costs a read of its folder, never the build
                log.warning("stand-ins: %s unusable (%s); its folder is read again", path.name, exc)

    def _path(self, name: str) -> Path:
        return self.folder / f"{hashlib.sha1(name.encode()).hexdigest()[:20]}.pickle"

    def save(self, kept: Folder) -> None:
        _share(kept.records)
        payload = {"key": self.key, "name": kept.name, "files": kept.files, "records": kept.records}
        data = pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
        write_atomic(self._path(kept.name), data, durable=False)  # a lost one: the folder is read
        self.folders[kept.name] = kept

    def drop(self, name: str) -> None:
        self.folders.pop(name, None)
        self._path(name).unlink(missing_ok=True)


def _share(records: list[dict[str, Any]]) -> None:
    """Make equal small values of a folder's records one object (in place), so the pickle refers
    back to the first: the metadata keys every release repeats, taxonomy names, time zones, short
    strings. A year's state shrinks by a quarter and loads in a fifth of the time (fewer objects)."""
    memo: dict[Any, Any] = {}

    def one(value: Any, key: Any = None) -> Any:
        return memo.setdefault((type(value), value) if key is None else key, value)

    for record in records:
        for name in ("absent", "override", "authors", "metadata_same", "metadata_keys"):
            record[name] = one(tuple(record[name]))
        if record["category"] is not None:
            record["category"] = one(record["category"])
        if record["tags"] is not None:
            record["tags"] = [one(tuple(tag)) for tag in record["tags"]]
        values = record["values"]
        for name, value in values.items():
            if isinstance(value, datetime) and value.tzinfo is not None:
                # a tzinfo need not be hashable (dateutil's are not): its repr names it
                values[name] = value.replace(tzinfo=one(value.tzinfo, ("tz", repr(value.tzinfo))))
            elif isinstance(value, str) and len(value) <= SHORT:
                values[name] = one(value)


@dataclass
class Plan:
    """Which folders this build reads and which it takes from the state."""

    cold: list[Folder]  # unchanged folders: their releases become stand-ins
    hot: dict[str, dict[str, str | None]]  # folders read this build: relative path -> blob id
    digests: dict[str, str]  # relative path -> source digest (page fingerprints), files read

    @property
    def cold_names(self) -> list[str]:
        return [kept.name for kept in self.cold]


def plan(base: str, files: Iterable[str], kept_folders: Mapping[str, Folder]) -> Plan:
    """Split the folders of the article ``files`` (relative to ``base``, as Pelican lists them):
    a folder is cold when ``kept_folders`` (the state's) has it with the same files, each with the same content (git
    blob ids, :mod:`briefing.blobs`: from git's index where it can tell), and no other article
    folder lies inside it (excluding a folder excludes what is under it). The files of the hot
    folders get their source digests, as the site's fingerprints name them."""
    paths = {relative: os.path.abspath(os.path.join(base, relative)) for relative in sorted(files)}
    ids = blob_ids(paths.values(), [base])
    by_folder: dict[str, dict[str, str | None]] = {}
    for relative, path in paths.items():
        by_folder.setdefault(folder_of(relative), {})[relative] = ids[path]
    names = sorted(by_folder)
    parents = {name.rsplit("/", 1)[0] for name in names if "/" in name}
    cold, hot = [], {}
    for name in names:
        kept = kept_folders.get(name)
        if name and name not in parents and kept is not None and kept.files == by_folder[name]:
            cold.append(kept)
        else:
            hot[name] = by_folder[name]
    digests = {relative: source_digest(paths[relative]) for files_ in hot.values() for relative in files_}
    return Plan(cold, hot, digests)


def capture(article: Any, digest: str) -> dict[str, Any]:
    """What a stand-in needs of a real Pelican article (read before the plugin sets anything on
    it), with its source ``digest`` (the site's fingerprints) and its static links. Kept once: a metadata value equal to its attribute, ``url``/``save_as`` pinned in metadata
    (Pelican's ``override_*``), the source path (the content folder + the relative one)."""
    values = {}
    absent = []
    for name in FIELDS:
        try:
            values[name] = getattr(article, name)
        except AttributeError:
            absent.append(name)
    metadata = article.metadata
    kept = {name: metadata[name] for name in METADATA if name in metadata}
    return {
        "values": values,
        "absent": absent,
        "override": [name for name in ("url", "save_as") if hasattr(article, f"override_{name}")],
        "category": str(article.category) if hasattr(article, "category") else None,
        "tags": [(tag.name, tag.slug) for tag in getattr(article, "tags", [])]
        if hasattr(article, "tags")
        else None,
        "authors": [str(author) for author in getattr(article, "authors", [])],
        "metadata": {name: value for name, value in kept.items() if values.get(name) != value},
        "metadata_same": [name for name, value in kept.items() if values.get(name) == value],
        "metadata_keys": tuple(sorted(metadata)),
        "digest": digest,
        "static_links": sorted(article.get_static_links()),
    }


class Shared:
    """What this build's stand-ins share: the content folder, how to read an article in full
    (``read(relative path)``), the taxonomy objects (one per
    name, ``taxonomy(kind, name, slug)``), Pelican's FORMATTED_FIELDS, the sets of names many
    records repeat, and the count of stand-ins read in full and why."""

    def __init__(
        self, base: str, read: Callable[[str], Any], taxonomy: Callable[..., Any], formatted: Iterable[str]
    ) -> None:
        self.base, self.read, self.taxonomy, self.formatted = base, read, taxonomy, tuple(formatted)
        self._sets: dict[tuple[str, ...], frozenset[str]] = {}
        self.count = 0
        self.asked: Counter[str] = Counter()

    def names(self, names: Iterable[str]) -> frozenset[str]:
        key = tuple(names)
        found = self._sets.get(key)
        if found is None:
            found = self._sets[key] = frozenset(key)
        return found

    def line(self, total: int) -> str:
        asked = ", ".join(f"{name} {n}" for name, n in self.asked.most_common(6))
        return (
            f"stand-ins: {total} unchanged releases taken from the last build, {self.count} read in full"
            + (f" (asked for: {asked})" if asked else "")
        )


class StandInMetadata(Mapping):
    """An unchanged article's metadata: the kept values (some are the article's attributes), the
    other keys read on first access."""

    def __init__(self, owner: StandIn, values: dict[str, Any], same: frozenset[str], keys: frozenset[str]):
        self._owner, self._values, self._same, self._keys = owner, values, same, keys

    def __contains__(self, key: object) -> bool:
        return key in self._keys

    def __getitem__(self, key: str) -> Any:
        owner = self._owner
        if owner._real is not None:
            return owner._real.metadata[key]
        if key in self._values:
            return self._values[key]
        if key in self._same:
            return owner.__dict__[key]
        if key not in self._keys:
            raise KeyError(key)
        return owner._full(f"metadata[{key}]").metadata[key]

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._keys))

    def __len__(self) -> int:
        return len(self._keys)


class StandIn:
    """An unchanged release in the article list. Its kept fields and whatever the plugins set on
    it are plain attributes; anything else reads the real article once (``Shared.read``) and is
    answered from it. Attributes the real article does not have raise AttributeError without
    reading it (``hasattr(article, "override_save_as")`` stays cheap)."""

    def __init__(
        self,
        record: dict[str, Any],
        shared: Shared,
    ) -> None:
        values = self.__dict__
        values.update(record["values"])
        values["source_path"] = os.path.abspath(os.path.join(shared.base, self.relative_source_path))
        for name in record["override"]:
            values[f"override_{name}"] = values[name]
        self._absent = shared.names(record["absent"])
        values["briefing_digest"] = record["digest"]  # the source digest the site's fingerprints use
        self._shared, self._real = shared, None
        taxonomy = shared.taxonomy
        if record["category"] is not None:
            self.category = taxonomy("category", record["category"])
        if record["tags"] is not None:
            self.tags = [taxonomy("tag", name, slug) for name, slug in record["tags"]]
        self.authors = [taxonomy("author", name) for name in record["authors"]]
        if self.authors:
            self.author = self.authors[0]
        self.translations: list[Any] = []
        self.metadata = StandInMetadata(
            self,
            record["metadata"],
            shared.names(record["metadata_same"]),
            shared.names(record["metadata_keys"]),
        )

    def _full(self, asked: str) -> Any:
        if self._real is None:
            self._real = self._shared.read(self.relative_source_path)
            self._shared.count += 1
            self._shared.asked[asked] += 1
        return self._real

    def __getattr__(self, name: str) -> Any:  # called only for what the instance does not have
        if name.startswith("__") or name in self.__dict__.get("_absent", ()):
            raise AttributeError(name)
        if "_shared" not in self.__dict__:
            raise AttributeError(name)
        return getattr(self._full(name), name)

    def refresh_metadata_intersite_links(self) -> None:
        """Pelican's pass over every article's formatted fields (``{filename}`` links in the
        summary): kept values without a link marker need nothing; others read the article."""
        formatted = [name for name in self._shared.formatted if name in self.metadata]
        if self._real is None and not any(_LINK_MARK.search(str(self.metadata[n])) for n in formatted):
            return
        real = self._full("refresh_metadata_intersite_links")
        real.refresh_metadata_intersite_links()
        for name in formatted:
            if name in self.__dict__:
                self.__dict__[name] = getattr(real, name)

    def get_relative_source_path(self, source_path: str | None = None) -> str | None:
        if source_path is None:
            return self.relative_source_path
        return self._full("get_relative_source_path").get_relative_source_path(source_path)

    def __repr__(self) -> str:
        return f"<StandIn {self.relative_source_path}>"
