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

This module makes the documents' layout, metadata, facets and manifest; the postings and shard
files are :mod:`briefing.search.shards`, whose work a big build hands to worker processes.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from briefing.search.analysis_pool import AnalysisPool, workers_for
from briefing.search.analyzer import (
    ANALYZER_VERSION,
    AnalysisCache,
    AnalysisStats,
    content_key,
)
from briefing.search.index_state import (
    IndexState,
    load_state,
    manifest_hash,
    plan,
    save_state,
    state_path,
)
from briefing.search.particles import VERSION as TABLE_VERSION
from briefing.search.shards import (
    FIELD_BOOSTS,
    POSTINGS_PER_SHARD,
    IndexFiles,
    write_segment,
)
from briefing.store import write_atomic

log = logging.getLogger(__name__)

FORMAT = 2  # 2: segments, stable numbers, dead numbers (briefing.search.index_state)
ORIGINAL_MAX_CHARS = 20_000  # of page + attachment text per release; the rest is not indexed
CHUNK = 16  # documents per metadata file
SNIPPET_CHARS = 280  # of the summary kept in the metadata for result snippets
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


def _unique(documents: Iterable[SearchDocument]) -> list[SearchDocument]:
    """Documents in date order, one per id (the last given wins): an id names one number."""
    by_id = {doc.id: doc for doc in documents}
    return sorted(by_id.values(), key=_sort_key)


def build_client_index(
    documents: Iterable[SearchDocument],
    out_dir: Path,
    cache_dir: Path | None = None,
    workers: int | None = None,
) -> IndexReport:
    """Analyse ``documents`` (cached in ``cache_dir``) and write the index into ``out_dir``.

    With a ``cache_dir`` the build is incremental (see :mod:`briefing.search.index_state`): only
    the segments that gain documents are rewritten. ``workers``: processes that analyse while this
    one writes (:mod:`briefing.search.analysis_pool`); by default one per core when the segments to
    write hold many documents, none for a run's few new releases.
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
    files = IndexFiles(out_dir)

    def fields(number: int) -> list[str]:
        return docs[layout.order[number]].fields()

    if workers is None:  # a whole build or a merge into a big segment; not a run's few new releases
        workers = workers_for(sum(layout.segments[index].size for index in layout.dirty))
    try:
        with AnalysisPool(workers, cache) as pool:
            for index in layout.dirty:
                terms, postings, stats = write_segment(layout, layout.segments[index], fields, pool, files)
                report.terms += terms
                report.postings += postings
                report.analysis.add(stats)
    finally:
        if cache:
            cache.close()
    for segment in layout.segments:
        files.keep("t", segment.names)
    report.shards = sum(segment.shards for segment in layout.segments)
    report.segments = len(layout.segments)

    numbers, order = layout.numbers, layout.order
    metas = [_meta(docs[doc]) if doc >= 0 else None for doc in order]
    chunk_names = [
        files.write("d", format(start // CHUNK, "x"), metas[start : start + CHUNK])
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
    facets_name = files.write("", "", facets)

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
    report.documents = len(live)
    report.dead = len(dead)
    files.remove_unused()  # after the manifest: a reader never sees a manifest without its files
    report.files_written, report.files_kept, report.files_removed = files.written, files.kept, files.removed
    report.bytes = files.bytes + len(manifest_bytes)
    save_state(
        path,
        IndexState(version, numbers, layout.segments, manifest_hash(manifest_bytes)),
    )
    report.seconds = time.perf_counter() - started
    return report
