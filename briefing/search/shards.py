"""A segment's postings and the index's files: analysed slices of documents folded into packed
postings, written as content-named gzip JSON shards (the layout is in
:mod:`briefing.search.client_index`). :func:`fold_slice` and :func:`write_shards` are the tasks a
big build hands to worker processes (:mod:`briefing.search.analysis_pool`); this module merges
what they return, so memory holds the postings (4 bytes each) and never every document's terms.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import math
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterator
from itertools import pairwise
from pathlib import Path
from typing import Any

from briefing.search.analysis_pool import AnalysisPool
from briefing.search.analyzer import AnalysisCache, AnalysisStats, analyze_fields
from briefing.search.index_state import Plan, Segment
from briefing.store import write_atomic

ANALYSIS_SLICE = 256  # documents analysed and folded into the postings at a time (~2,500 terms each)
SHARD_BATCH = 64  # shards written by one task (of a few thousand a segment)
FIELD_BOOSTS = (8, 4, 2, 1)  # title, headline + tags, summary, original text (boost 1: see _weighted)
POSTINGS_PER_SHARD = 4_000  # aim; the shard count is the power of two that gets closest


def fnv1a32(text: str) -> int:
    """32-bit FNV-1a of the UTF-8 bytes (the browser computes the same to find a term's shard)."""
    value = 0x811C9DC5
    for byte in text.encode("utf-8"):
        value = ((value ^ byte) * 0x01000193) & 0xFFFFFFFF
    return value


def length_bucket(length: int) -> int:
    """Document length on a log scale in one byte; the browser reads ``2 ** (q / 16) - 1``."""
    return min(255, round(16 * math.log2(1 + length)))


def _json(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def _hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:8]


def _shard_count(postings: int) -> int:
    target = max(1, postings // POSTINGS_PER_SHARD)
    return max(16, min(4096, 1 << round(math.log2(target))))


def write_content_named(root: Path, folder: str, stem: str, payload: Any) -> tuple[str, Path, bool, int]:
    """``payload`` as gzip JSON in ``root/folder``, named by its content; an existing file is left
    untouched. Its name, path, whether it was written now, and its size."""
    raw = _json(payload)
    name = f"{stem or 'f'}-{_hash(raw)}.json.gz"
    path = root / folder / name if folder else root / name
    if path.is_file():  # same name, same content: no compression, no write, same ETag
        return name, path, False, path.stat().st_size
    # Level 5: 4 % larger than 6 on shards, half the time (compression was a sixth of a build).
    data = gzip.compress(raw, compresslevel=5, mtime=0)
    write_atomic(path, data, durable=False)
    return name, path, True, len(data)


class IndexFiles:
    """The new index's content-named files under ``root``: which it uses, how many were written,
    kept as they were and removed, and their bytes."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.used: set[Path] = set()
        self.written = self.kept = self.removed = self.bytes = 0

    def write(self, folder: str, stem: str, payload: Any) -> str:
        """Write ``payload`` as gzip JSON named by its content; an existing file is left untouched."""
        name, path, fresh, size = write_content_named(self.root, folder, stem, payload)
        self.record(path, fresh, size)
        return name

    def record(self, path: Path, fresh: bool, size: int) -> None:
        """A file of the new index, ``fresh`` if written now (else found with the same content)."""
        if fresh:
            self.written += 1
        else:
            self.kept += 1
        self.used.add(path)
        self.bytes += size

    def keep(self, folder: str, names: list[str]) -> None:
        """Files of the new index written by an earlier build (segments left as they were)."""
        for name in names:
            path = self.root / folder / name
            if path not in self.used:
                self.used.add(path)
                self.kept += 1
                self.bytes += path.stat().st_size

    def remove_unused(self) -> None:
        for folder in (self.root / "t", self.root / "d", self.root):
            if not folder.is_dir():
                continue
            for path in folder.glob("*.json.gz"):
                if path not in self.used:
                    path.unlink()
                    self.removed += 1


TF_BITS = 8  # a posting in memory: number << 8 | tf (tf capped at 255), 4 bytes
MAX_NUMBER = (1 << (32 - TF_BITS)) - 1  # 16.7 million numbers: centuries of releases


def _new_postings() -> array[int]:
    return array("I")


def _weighted(analysis: list[dict[str, int]]) -> tuple[dict[str, int], int]:
    """Field-weighted term frequencies of one document, and its length in terms."""
    *heads, original = analysis
    weighted = dict(original)  # the largest field has boost 1: copied whole, in C
    length = sum(original.values())
    for boost, counts in zip(FIELD_BOOSTS, heads, strict=False):
        length += sum(counts.values())
        for term, count in counts.items():
            weighted[term] = weighted.get(term, 0) + boost * count
    return weighted, length


# Postings as they cross between processes: the terms, each term's end in ``values``, and every
# term's packed postings one after another. Two arrays and a list of strings pickle in a fraction of
# the time of a dict of ~40,000 small arrays (~0.15 s a slice, both ways: ~6 s at 10,000 releases).
Flat = tuple[list[str], "array[int]", "array[int]"]


def flatten(postings: dict[str, array[int]]) -> Flat:
    terms, ends, values = list(postings), array("I"), array("I")
    for term in terms:
        values.extend(postings[term])
        ends.append(len(values))
    return terms, ends, values


def unflatten(flat: Flat) -> Iterator[tuple[str, array[int]]]:
    terms, ends, values = flat
    start = 0
    for term, end in zip(terms, ends, strict=True):
        yield term, values[start:end]
        start = end


def fold_slice(
    cache: AnalysisCache | None, payload: tuple[list[int], list[list[str]]]
) -> tuple[Flat, list[int], AnalysisStats]:
    """Analyse one slice's documents (their numbers and fields) and fold them into postings: each
    term's packed (number, tf) list, the documents' length buckets and the analysis figures. Run by
    the analysis workers (or here), so only compact arrays cross between processes."""
    numbers, fields = payload
    analyses, stats = analyze_fields(fields, cache)
    postings: defaultdict[str, array[int]] = defaultdict(_new_postings)
    buckets = []
    for number, analysis in zip(numbers, analyses, strict=True):
        weighted, length = _weighted(analysis)
        buckets.append(length_bucket(length))
        packed = number << TF_BITS
        for term, tf in weighted.items():  # ~2,500 terms a release: the hot loop of a warm build
            postings[term].append(packed | (tf if tf < 256 else 255))
    return flatten(postings), buckets, stats


def write_shards(
    _cache: AnalysisCache | None, payload: tuple[Path, int, bytes, list[tuple[str, Flat]]]
) -> list[tuple[str, Path, bool, int]]:
    """Write a batch of one segment's shards (run by the workers, or here): each term's postings
    as [number delta, tf, length bucket]… (``buckets``: each number's, from the segment's first,
    ``lo``). Returns each shard's file name, path, whether it was written and its size."""
    root, lo, buckets, shards = payload
    mask = (1 << TF_BITS) - 1
    done = []
    for stem, lists in shards:
        bucket_map: dict[str, list[int]] = {}
        for term, packed in unflatten(lists):
            numbers = [v >> TF_BITS for v in packed]
            flat = [0] * (3 * len(numbers))
            flat[0::3] = [b - a for a, b in pairwise([0, *numbers])]  # deltas: small numbers gzip well
            flat[1::3] = [v & mask for v in packed]
            flat[2::3] = [buckets[n - lo] for n in numbers]
            bucket_map[term] = flat
        name, path, fresh, size = write_content_named(root, "t", stem, bucket_map)
        done.append((name, path, fresh, size))
    return done


def write_segment(
    layout: Plan, segment: Segment, fields: Callable[[int], list[str]], pool: AnalysisPool, files: IndexFiles
) -> tuple[int, int, AnalysisStats]:
    """Analyse the live documents of ``segment`` (``fields`` of a number: its document's texts) and
    write its shards, setting each number's length bucket in ``layout``. Returns the segment's
    terms, its postings and the analysis figures."""
    stats = AnalysisStats()
    live = [n for n in range(segment.lo, segment.hi) if layout.order[n] >= 0]
    # Analysed a slice at a time and folded straight into compact postings, so memory holds the
    # postings (4 bytes each: number and tf packed; the length bucket is the document's, looked up
    # when written) rather than every document's term counts (a year is ~25,000 releases, ~60
    # million postings).
    if segment.hi - 1 > MAX_NUMBER:
        raise ValueError(f"search index: document number {segment.hi - 1} beyond {MAX_NUMBER}")
    postings: dict[str, array[int]] = {}
    parts = [live[start : start + ANALYSIS_SLICE] for start in range(0, len(live), ANALYSIS_SLICE)]
    slices = ((part, [fields(n) for n in part]) for part in parts)  # texts read a slice at a time
    for part, (found, buckets, part_stats) in zip(parts, pool.run(slices, fold_slice), strict=True):
        stats.add(part_stats)
        for number, bucket in zip(part, buckets, strict=True):
            entry = layout.numbers[number]
            assert entry is not None
            entry[2] = bucket
        for term, values in unflatten(found):  # slices in number order: each list stays sorted
            have = postings.get(term)
            if have is None:
                postings[term] = values
            else:
                have.extend(values)
    terms, count = len(postings), sum(len(v) for v in postings.values())
    shards = segment.shards = _shard_count(count)
    by_shard: list[list[str]] = [[] for _ in range(shards)]
    for term in postings:
        by_shard[fnv1a32(term) % shards].append(term)
    prefix = format(segment.lo, "x")  # shards of different segments never share a name
    buckets = bytes(entry[2] if (entry := layout.numbers[n]) else 0 for n in range(segment.lo, segment.hi))
    batches = (
        (
            files.root,
            segment.lo,
            buckets,
            [
                (f"{prefix}.{n:x}", flatten({t: postings.pop(t) for t in by_shard[n]}))
                for n in range(start, min(start + SHARD_BATCH, shards))
            ],
        )
        for start in range(0, shards, SHARD_BATCH)
    )  # one batch's postings at a time leave the dict
    names = []
    for written in pool.run(batches, write_shards):
        for name, path, fresh, size in written:
            files.record(path, fresh, size)
            names.append(name)
    segment.names = names
    return terms, count, stats
