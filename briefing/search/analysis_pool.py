"""A big index build spread over worker processes: analysis, postings and shard files.

Analysing a document (normalising, rule stems and bigrams, each word's kiwipiepy terms, counting)
and folding its terms into postings is CPU-bound Python, and so is encoding and compressing the
shards: a first build of 10,000 releases took ~67 s of one core. The client index hands both to
worker processes, a slice of documents or a batch of shards at a time, and only merges their
results here (:func:`~briefing.search.shards.fold_slice`,
:func:`~briefing.search.shards.write_shards`), so both cores work.

The workers are *spawned*: fresh interpreters that import the search package only, never a copy
of the caller's memory (a site build holds Pelican's articles); as with any spawned process, the
caller's main module must be safe to import. Each opens the shared analysis cache itself (SQLite
serialises the writes). A word's terms depend on the word alone and a document's analysis on its
text alone, so the index is the same byte for byte whichever process did what. A pool that cannot
start or breaks costs time, never the build: what it had not returned is done here.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context
from pathlib import Path
from typing import TypeVar

from briefing.search.analysis_cache import AnalysisCache
from briefing.search.kiwi_words import cpu_count

P = TypeVar("P")
R = TypeVar("R")

log = logging.getLogger(__name__)

PARALLEL_MIN = 512  # documents to write below which starting workers (~1 s each) does not pay
# This process merges what the workers return, so more workers gain little, and each may load an
# analyser (~540 MB in a first build's warm-up): a many-core machine must not multiply that.
MAX_WORKERS = 4

# What a worker does with one payload (a slice of documents, a batch of shards), given its own
# connection to the shared analysis cache: a module-level function, so workers import it by name.
Task = Callable[[AnalysisCache | None, P], R]  # generic alias: Task[P, R]

_worker_cache: AnalysisCache | None = None


def workers_for(documents: int) -> int:
    """Worker processes for a build that writes ``documents``: one per core (at most
    ``MAX_WORKERS``), none on one core or when few."""
    cores = min(cpu_count(), MAX_WORKERS)
    return cores if cores > 1 and documents >= PARALLEL_MIN else 0


def _open_cache(path: str | None) -> None:
    global _worker_cache
    _worker_cache = AnalysisCache(Path(path)) if path else None


def _run(task: Task[P, R], payload: P) -> R:
    return task(_worker_cache, payload)


class AnalysisPool:
    """``run(payloads, task)``: ``task(cache, payload)`` of each payload, in order, by ``workers``
    processes (0 or 1: here). Use as a context manager; the workers start at the first payload."""

    def __init__(self, workers: int, cache: AnalysisCache | None) -> None:
        self.workers = workers if workers > 1 else 0
        self.cache = cache
        self._executor: ProcessPoolExecutor | None = None

    def __enter__(self) -> AnalysisPool:
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def _start(self) -> ProcessPoolExecutor:
        if self._executor is None:
            path = str(self.cache.path) if self.cache else None
            self._executor = ProcessPoolExecutor(
                self.workers, mp_context=get_context("spawn"), initializer=_open_cache, initargs=(path,)
            )
        return self._executor

    def run(self, payloads: Iterable[P], task: Task[P, R]) -> Iterator[R]:
        """``task(cache, payload)`` for each payload, in the order given. At most one payload per
        worker plus one waits done, so memory holds a few payloads' results, never a whole build's."""
        if not self.workers:
            yield from (task(self.cache, payload) for payload in payloads)
            return
        waiting: deque[tuple[P, Future | None]] = deque()
        source = iter(payloads)
        while True:
            while len(waiting) <= self.workers and (payload := next(source, _END)) is not _END:
                waiting.append((payload, self._submit(task, payload)))
            if not waiting:
                return
            payload, future = waiting.popleft()
            yield self._result(task, payload, future)

    def _submit(self, task: Task[P, R], payload: P) -> Future | None:
        if not self.workers:
            return None
        try:
            return self._start().submit(_run, task, payload)
        except (BrokenProcessPool, OSError, RuntimeError) as exc:
            self._give_up(exc)
            return None

    def _result(self, task: Task[P, R], payload: P, future: Future | None) -> R:
        if future is not None:
            try:
                return future.result()
            except (BrokenProcessPool, OSError, RuntimeError) as exc:
                self._give_up(exc)
        return task(self.cache, payload)

    def _give_up(self, exc: BaseException) -> None:
        if self.workers:
            log.warning("search index workers failed (%s); going on in this process", exc)
        self.workers = 0
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None


_END = object()
