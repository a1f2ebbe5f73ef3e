"""Stable document numbers and segments of the browser's search index, kept between builds.

Why: a term shard holds the postings of every document that has the term, and 20 new releases
bring tens of thousands of distinct terms (stems, pairs, bigrams), so adding them to one set of
4,096 shards changes nearly every shard: every run rewrote (and redeployed) the whole index. So
the postings are split into **segments**, each a contiguous range of document numbers with its
own shards. New releases go into a small newest segment; only segments that gain documents are
rewritten, the big old ones stay byte-identical. Segments merge when the newer one grows past
1/RATIO of the older one (a log-structured merge), so a term costs one shard per segment
(a handful at a year) and a merge into the oldest segment happens every few thousand releases.

Numbers are stable: a release keeps its number while its indexed text is the same. A changed or
removed release leaves a *dead* number (its postings stay in old shards, the manifest lists it
and the browser skips it; the next rewrite of its segment drops them); the changed text gets a
new number. When dead numbers pass DEAD_SHARE of all, the next build starts over from scratch.

The state (``index-state.json`` in the analysis cache folder) is trusted only if the manifest it
wrote is the one in the output and every shard it names is there; otherwise the build is full.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from briefing.store import write_atomic

log = logging.getLogger(__name__)

STATE_FORMAT = 1
TAIL_DOCS = 256  # new documents join the newest segment while it is smaller than this
RATIO = 8  # a segment merges into the older one when larger than 1/RATIO of it
DEAD_SHARE = 0.2  # above this share of dead numbers the whole index is rebuilt and renumbered


@dataclass
class Segment:
    lo: int  # first document number
    hi: int  # one past the last
    shards: int = 0
    names: list[str] = field(default_factory=list)  # shard file names, by shard number

    @property
    def size(self) -> int:
        return self.hi - self.lo


@dataclass
class IndexState:
    version: str  # analyzer + format; another version means a full build
    numbers: list[list | None] = field(default_factory=list)  # [id, content key, length bucket] or None
    segments: list[Segment] = field(default_factory=list)
    manifest: str = ""  # sha256 of the manifest this state belongs to


def manifest_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def state_path(cache_dir: Path, out_dir: Path) -> Path:
    """One state per output folder (tests and benches build several indexes with one cache)."""
    tag = hashlib.sha256(str(Path(out_dir).resolve()).encode()).hexdigest()[:10]
    return Path(cache_dir) / f"index-state-{tag}.json"


def load_state(path: Path | None, out_dir: Path, version: str) -> IndexState | None:
    """The previous build's state if it matches the index in ``out_dir``, else None."""
    if path is None:
        return None
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        if raw.get("format") != STATE_FORMAT or raw.get("version") != version:
            return None
        state = IndexState(
            version=raw["version"],
            numbers=raw["numbers"],
            segments=[Segment(**s) for s in raw["segments"]],
            manifest=raw["manifest"],
        )
        if manifest_hash((Path(out_dir) / "manifest.json").read_bytes()) != state.manifest:
            return None
        present = set(os.listdir(Path(out_dir) / "t"))  # one listing, not a stat per shard
        for segment in state.segments:
            if not present.issuperset(segment.names):
                return None
        if state.segments and state.segments[-1].hi != len(state.numbers):
            return None
        return state
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning("search index state %s unusable (%s); building the index whole", path, exc)
        return None


def save_state(path: Path | None, state: IndexState) -> None:
    if path is None:
        return
    data = {  # not dataclasses.asdict: it deep-copies every number's entry (25,000 at a year)
        "format": STATE_FORMAT,
        "version": state.version,
        "numbers": state.numbers,
        "segments": [asdict(segment) for segment in state.segments],
        "manifest": state.manifest,
    }
    try:
        write_atomic(path, json.dumps(data, ensure_ascii=False, separators=(",", ":")), durable=False)
    except OSError as exc:  # the next build is a full one; this one is fine
        log.warning("search index state %s not written: %s", path, exc)


@dataclass
class Plan:
    numbers: list[list | None]  # the new numbering: [id, key, bucket or None until analysed] or None
    order: list[int]  # document (index into the sorted input) for each number, -1 for dead
    segments: list[Segment]
    dirty: list[int]  # indexes into ``segments`` to (re)write
    full: bool


def plan(ids: list[str], keys: list[str], previous: IndexState | None) -> Plan:
    """Number the documents (``ids``/``keys`` in date order) and choose the segments to write."""
    if previous is not None:
        incremental = _plan_incremental(ids, keys, previous)
        if incremental is not None:
            return incremental
    numbers: list[list | None] = [[i, k, None] for i, k in zip(ids, keys, strict=True)]
    segments = [Segment(0, len(ids))] if ids else []
    return Plan(numbers, list(range(len(ids))), segments, list(range(len(segments))), True)


def _plan_incremental(ids: list[str], keys: list[str], previous: IndexState) -> Plan | None:
    known = {entry[0]: (n, entry[1]) for n, entry in enumerate(previous.numbers) if entry is not None}
    numbers: list[list | None] = [None] * len(previous.numbers)
    order = [-1] * len(previous.numbers)
    fresh: list[int] = []
    for doc, (id_, key) in enumerate(zip(ids, keys, strict=True)):
        old = known.get(id_)
        if old is not None and old[1] == key and numbers[old[0]] is None:
            numbers[old[0]] = previous.numbers[old[0]]
            order[old[0]] = doc
        else:
            fresh.append(doc)
    for doc in fresh:
        numbers.append([ids[doc], keys[doc], None])
        order.append(doc)
    dead = sum(entry is None for entry in numbers)
    if not numbers or dead > DEAD_SHARE * len(numbers):
        return None
    segments = [Segment(s.lo, s.hi, s.shards, list(s.names)) for s in previous.segments]
    dirty: set[int] = set()
    if fresh:
        start = len(previous.numbers)
        if segments and segments[-1].size < TAIL_DOCS and len(segments) > 1:
            segments[-1].hi = len(numbers)
        else:
            segments.append(Segment(start, len(numbers)))
        dirty.add(len(segments) - 1)
        while len(segments) > 1 and segments[-1].size * RATIO > segments[-2].size:
            last = segments.pop()
            segments[-1].hi = last.hi
            dirty.discard(len(segments))
            dirty.add(len(segments) - 1)
    for index in dirty:
        segments[index].shards, segments[index].names = 0, []
    return Plan(numbers, order, segments, sorted(dirty), False)
