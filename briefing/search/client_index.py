"""Writes the browser's search index, ``output/search/``: a manifest plus small gzip files.

Layout (all names but ``manifest.json`` carry a hash of their content, so a rebuild keeps the
name, and the HTTP cache, of every file whose bytes did not change)::

    manifest.json                 stats, parameters, category/ministry names, dead numbers, names of
                                  every file below
    t/<seg>.<shard>-<hash>.json.gz  term shards of one segment: {term: [doc, tf, len, ...]} (doc as a delta)
    d/<chunk>-<hash>.json.gz        metadata of CHUNK documents (title, date, url, ...), fetched for results
    f-<hash>.json.gz                facets: category, ministry and day of every document, for filters

Documents keep their number from build to build (first build: oldest first; later releases are
appended, so a larger number is more recent); postings are split into segments of consecutive
numbers so that adding releases rewrites only the newest segment's shards
(:mod:`briefing.search.index_state` has the why and the merge rule). A term lives in shard
``fnv1a32(utf8(term)) % shards`` of each segment. A posting carries the document number, the
field-weighted term frequency (title > headline/tags > summary > original text) and the
document's length on a log scale: with ``docs`` and ``avgdl`` from the manifest that is
everything BM25 needs, computed in the browser. A query fetches the manifest once, then one shard
per term and segment, and one metadata chunk per shown result; numbers listed in the manifest's
``x`` (changed or removed releases) are skipped.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import math
import sqlite3
import time
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import pairwise
from pathlib import Path
from typing import Any

from briefing.search.analyzer import (
    ANALYZER_VERSION,
    AnalysisCache,
    AnalysisStats,
    analyze_fields,
    content_key,
)
from briefing.search.index_state import (
    IndexState,
    Plan,
    Segment,
    load_state,
    manifest_hash,
    plan,
    save_state,
    state_path,
)
from briefing.search.particles import VERSION as TABLE_VERSION
from briefing.store import write_atomic

log = logging.getLogger(__name__)

FORMAT = 2  # 2: segments, stable numbers, dead numbers (briefing.search.index_state)
ANALYSIS_SLICE = 256  # documents analysed and folded into the postings at a time (~2,500 terms each)
FIELD_BOOSTS = (8, 4, 2, 1)  # title, headline + tags, summary, original text (boost 1: see _weighted)
ORIGINAL_MAX_CHARS = 20_000  # of page + attachment text per release; the rest is not indexed
CHUNK = 16  # documents per metadata file
SNIPPET_CHARS = 280  # of the summary kept in the metadata for result snippets
POSTINGS_PER_SHARD = 4_000  # aim; the shard count is the power of two that gets closest
K1, B = 1.2, 0.75


@dataclass
class SearchDocument:
    """What the index knows of one release (plain text, unescaped: the browser escapes it)."""

    id: str
    title: str
    date: str  # ISO 8601
    url: str
    category: str = ""
    ministry: str = ""
    tags: list[str] = field(default_factory=list)
    headline: str = ""
    summary: str = ""
    original: str = ""
    # The original text read only when the document is analysed (so it is never held for a whole
    # archive), and ``source_key`` naming that text (the release's source hash): with it, telling
    # whether a release changed reads no record, so a rebuild reads only the changed releases' text.
    original_source: Callable[[], str] | None = field(default=None, repr=False, compare=False)
    source_key: str = ""

    def fields(self) -> list[str]:
        """Texts of the weighted fields, in the order of ``FIELD_BOOSTS``."""
        original = self.original or (self.original_source() if self.original_source else "")
        return [
            self.title,
            "\n".join([self.headline, *self.tags]),
            self.summary,
            original[:ORIGINAL_MAX_CHARS],
        ]

    def key(self) -> str:
        """What the document's analysis depends on, as a hash (a change means: analyse it again)."""
        if self.source_key and not self.original:
            heads = [self.title, "\n".join([self.headline, *self.tags]), self.summary]
            return content_key([*heads, f"source {self.source_key} {ORIGINAL_MAX_CHARS}"])
        return content_key(self.fields())


@dataclass
class IndexReport:
    documents: int = 0
    terms: int = 0
    postings: int = 0
    shards: int = 0
    bytes: int = 0
    files_written: int = 0
    files_kept: int = 0
    files_removed: int = 0
    seconds: float = 0.0
    full: bool = True  # False: only segments that gained documents were rewritten
    segments: int = 0
    dead: int = 0  # numbers of changed or removed releases, skipped by readers
    analysis: AnalysisStats = field(default_factory=AnalysisStats)

    def line(self) -> str:
        kind = "full build" if self.full else "incremental"
        return (
            f"search index ({kind}): {self.documents} releases ({self.dead} dead numbers), "
            f"{self.terms:,} terms and {self.postings:,} postings rewritten, {self.shards} shards in "
            f"{self.segments} segments, {self.bytes / 1_048_576:.1f} MB; {self.files_written} files written, "
            f"{self.files_kept} unchanged, {self.files_removed} removed; {self.seconds:.1f} s. "
            + self.analysis.line()
        )


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


def _day(iso: str) -> int:
    """Days since 1970-01-01 of the date part of an ISO timestamp (0 when unreadable)."""
    try:
        return (date.fromisoformat(iso[:10]) - date(1970, 1, 1)).days
    except ValueError:
        return 0


def _sort_key(doc: SearchDocument) -> tuple[str, str]:
    try:
        when = datetime.fromisoformat(doc.date).isoformat()
    except ValueError:
        when = doc.date
    return (when, doc.id)


def _shard_count(postings: int) -> int:
    target = max(1, postings // POSTINGS_PER_SHARD)
    return max(16, min(4096, 1 << round(math.log2(target))))


def _meta(doc: SearchDocument) -> dict[str, Any]:
    summary = " ".join(doc.summary.split())
    if len(summary) > SNIPPET_CHARS:
        summary = summary[:SNIPPET_CHARS].rstrip() + "…"
    return {
        "id": doc.id,
        "t": doc.title,
        "d": doc.date[:10],
        "u": doc.url,
        "c": doc.category,
        "m": doc.ministry,
        "h": doc.headline,
        "s": summary,
        "g": doc.tags,
    }


class _Writer:
    """Writes content-named files, remembering which ones the new index uses."""

    def __init__(self, root: Path, report: IndexReport) -> None:
        self.root = root
        self.report = report
        self.used: set[Path] = set()

    def write(self, folder: str, stem: str, payload: Any) -> str:
        """Write ``payload`` as gzip JSON named by its content; an existing file is left untouched."""
        raw = _json(payload)
        name = f"{stem or 'f'}-{_hash(raw)}.json.gz"
        path = self.root / folder / name if folder else self.root / name
        if path.is_file():  # same name, same content: no compression, no write, same ETag
            self.report.files_kept += 1
        else:
            # Level 5: 4 % larger than 6 on shards, half the time (compression was a sixth of a build).
            write_atomic(path, gzip.compress(raw, compresslevel=5, mtime=0), durable=False)
            self.report.files_written += 1
        self.used.add(path)
        self.report.bytes += path.stat().st_size
        return name

    def keep(self, folder: str, names: list[str]) -> None:
        """Files of the new index written by an earlier build (segments left as they were)."""
        for name in names:
            path = self.root / folder / name
            if path not in self.used:
                self.used.add(path)
                self.report.files_kept += 1
                self.report.bytes += path.stat().st_size

    def remove_unused(self) -> None:
        for folder in (self.root / "t", self.root / "d", self.root):
            if not folder.is_dir():
                continue
            for path in folder.glob("*.json.gz"):
                if path not in self.used:
                    path.unlink()
                    self.report.files_removed += 1


def _add_stats(total: AnalysisStats, part: AnalysisStats) -> None:
    total.analysed += part.analysed
    total.cached += part.cached
    total.chars += part.chars
    total.seconds += part.seconds
    total.shared_chars += part.shared_chars
    total.new_words += part.new_words


def _unique(documents: Iterable[SearchDocument]) -> list[SearchDocument]:
    """Documents in date order, one per id (the last given wins): an id names one number."""
    by_id = {doc.id: doc for doc in documents}
    return sorted(by_id.values(), key=_sort_key)


def build_client_index(
    documents: Iterable[SearchDocument], out_dir: Path, cache_dir: Path | None = None
) -> IndexReport:
    """Analyse ``documents`` (cached in ``cache_dir``) and write the index into ``out_dir``.

    With a ``cache_dir`` the build is incremental (see :mod:`briefing.search.index_state`): only
    the segments that gain documents are rewritten.
    """
    started = time.perf_counter()
    out_dir = Path(out_dir)
    docs = _unique(documents)
    report = IndexReport(documents=len(docs))
    cache = None
    if cache_dir:
        try:
            cache = AnalysisCache(Path(cache_dir) / "analysis.sqlite")
        except sqlite3.Error as exc:  # a damaged cache costs time, never the build
            log.warning("search analysis cache in %s unusable (%s); analysing everything", cache_dir, exc)
    keys = [doc.key() for doc in docs]
    path = state_path(Path(cache_dir), out_dir) if cache_dir else None
    version = f"{FORMAT} {ANALYZER_VERSION} {POSTINGS_PER_SHARD} {FIELD_BOOSTS}"
    layout = plan([doc.id for doc in docs], keys, load_state(path, out_dir, version))
    report.full = layout.full
    writer = _Writer(out_dir, report)
    try:
        for index in layout.dirty:
            _write_segment(layout, layout.segments[index], docs, cache, writer)
    finally:
        if cache:
            cache.close()
    for segment in layout.segments:
        writer.keep("t", segment.names)
    report.shards = sum(segment.shards for segment in layout.segments)
    report.segments = len(layout.segments)

    numbers, order = layout.numbers, layout.order
    metas = [_meta(docs[doc]) if doc >= 0 else None for doc in order]
    chunk_names = [
        writer.write("d", format(start // CHUNK, "x"), metas[start : start + CHUNK])
        for start in range(0, len(metas), CHUNK)
    ]
    live = [docs[doc] for doc in order if doc >= 0]
    categories = sorted({doc.category for doc in live})
    ministries = sorted({doc.ministry for doc in live})
    cat_index = {name: i for i, name in enumerate(categories)}
    min_index = {name: i for i, name in enumerate(ministries)}
    days = [_day(docs[doc].date) if doc >= 0 else 0 for doc in order]
    facets = {
        "c": [cat_index[docs[doc].category] if doc >= 0 else -1 for doc in order],
        "m": [min_index[docs[doc].ministry] if doc >= 0 else -1 for doc in order],
        "d": [day - prev for day, prev in zip(days, [0, *days], strict=False)],  # deltas; [] for no docs
    }
    facets_name = writer.write("", "", facets)

    buckets = [entry[2] for entry in numbers if entry is not None]
    mean_length = sum(2 ** (q / 16) - 1 for q in buckets) / len(buckets) if buckets else 0.0
    dead = [n for n, entry in enumerate(numbers) if entry is None]
    manifest = {
        "format": FORMAT,
        "table": TABLE_VERSION,
        "docs": len(live),
        "avgdl": round(mean_length, 3),
        "k1": K1,
        "b": B,
        "boosts": list(FIELD_BOOSTS),
        "segments": [{"shards": s.shards, "t": s.names} for s in layout.segments],
        "x": [n - p for n, p in zip(dead, [0, *dead], strict=False)],  # dead numbers, as deltas
        "chunk": CHUNK,
        "d": chunk_names,
        "f": facets_name,
        "categories": categories,
        "ministries": ministries,
    }
    manifest_bytes = json.dumps(manifest, ensure_ascii=False, separators=(",", ":")).encode()
    write_atomic(out_dir / "manifest.json", manifest_bytes, durable=False)
    report.bytes += len(manifest_bytes)
    report.documents = len(live)
    report.dead = len(dead)
    writer.remove_unused()  # after the manifest: a reader never sees a manifest without its files
    save_state(
        path,
        IndexState(version, numbers, layout.segments, manifest_hash(manifest_bytes)),
    )
    report.seconds = time.perf_counter() - started
    return report


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


def _write_segment(
    layout: Plan, segment: Segment, docs: list[SearchDocument], cache: AnalysisCache | None, writer: _Writer
) -> None:
    """Analyse the live documents of ``segment`` and write its shards (numbers as in ``layout``)."""
    report = writer.report
    live = [n for n in range(segment.lo, segment.hi) if layout.order[n] >= 0]
    # Analysed a slice at a time and folded straight into compact postings, so memory holds the
    # postings (4 bytes each: number and tf packed; the length bucket is the document's, looked up
    # when written) rather than every document's term counts (a year is ~25,000 releases, ~60
    # million postings).
    if segment.hi - 1 > MAX_NUMBER:
        raise ValueError(f"search index: document number {segment.hi - 1} beyond {MAX_NUMBER}")
    postings: defaultdict[str, array[int]] = defaultdict(_new_postings)
    for start in range(0, len(live), ANALYSIS_SLICE):
        part = live[start : start + ANALYSIS_SLICE]
        analyses, stats = analyze_fields([docs[layout.order[n]].fields() for n in part], cache)
        _add_stats(report.analysis, stats)
        for number, analysis in zip(part, analyses, strict=True):
            weighted, length = _weighted(analysis)
            bucket = length_bucket(length)
            entry = layout.numbers[number]
            assert entry is not None
            entry[2] = bucket
            packed = number << TF_BITS
            for term, tf in weighted.items():  # ~2,500 terms a release: the hot loop of a warm build
                postings[term].append(packed | (tf if tf < 256 else 255))
    report.terms += len(postings)
    count = sum(len(v) for v in postings.values())
    report.postings += count
    shards = segment.shards = _shard_count(count)
    by_shard: list[list[str]] = [[] for _ in range(shards)]
    for term in postings:
        by_shard[fnv1a32(term) % shards].append(term)
    prefix = format(segment.lo, "x")  # shards of different segments never share a name
    names = []
    buckets = {n: entry[2] for n in range(segment.lo, segment.hi) if (entry := layout.numbers[n])}
    mask = (1 << TF_BITS) - 1
    for number, terms in enumerate(by_shard):  # one shard's lists at a time
        bucket_map: dict[str, list[int]] = {}
        for term in terms:
            packed = postings.pop(term)
            numbers = [v >> TF_BITS for v in packed]
            flat = [0] * (3 * len(numbers))
            flat[0::3] = [b - a for a, b in pairwise([0, *numbers])]  # deltas: small numbers gzip well
            flat[1::3] = [v & mask for v in packed]
            flat[2::3] = [buckets[n] for n in numbers]
            bucket_map[term] = flat
        names.append(writer.write("t", f"{prefix}.{number:x}", bucket_map))
    segment.names = names
