"""Build-time analyzer: a document's text → index terms (kiwipiepy plus the query-side rules).

For every word the index holds a superset of what :mod:`briefing.search.query` would produce for
that same word, so any form a reader types matches:

* the rule-based stem of each word and its Hangul bigrams (exactly the query side's terms);
* pair terms of neighbouring stems (phrases in quotes; compounds typed without spaces) and
  their bigrams (so 디지털플랫폼정부 typed as one word still finds "디지털 플랫폼 정부");
* kiwipiepy's nouns, roots and foreign words, and the joins of neighbouring nouns inside one
  word, so a compound written without spaces is found by each of its parts
  (디지털플랫폼정부 → 디지털, 플랫폼, 정부, 디지털플랫폼, 플랫폼정부).

kiwipiepy loads a ~100 MB model and analyses some tens of thousands of characters a second, so
results are cached per document and per line by content hash (:class:`AnalysisCache`, one file
shared by the search and the chat index builds), and a rebuild only analyses new or changed releases.

Public API: :func:`analyze_document` (one text → list of terms, repeats = frequency),
:func:`analyze_texts` (many texts, parallel), :class:`AnalysisCache`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import sqlite3
import threading
import time
import zlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from briefing.search.normalize import normalize
from briefing.search.particles import VERSION as TABLE_VERSION
from briefing.search.query import _bigrams, pair_terms, word_stems

log = logging.getLogger(__name__)

ANALYZER_VERSION = f"2.{TABLE_VERSION}"
_NOUN_TAGS = frozenset({"NNG", "NNP", "XR", "SL", "SH"})

_kiwi: Any = None
_kiwi_lock = threading.Lock()


def _get_kiwi() -> Any:
    """The kiwipiepy analyser, loaded once per process (it takes about a second and 100 MB)."""
    global _kiwi
    with _kiwi_lock:
        if _kiwi is None:
            from kiwipiepy import Kiwi

            _kiwi = Kiwi(num_workers=_cpu_count() if _cpu_count() > 1 else -1)
        return _kiwi


def _tokenize_all(kiwi: Any, texts: list[str]) -> Iterable[Any]:
    """kiwipiepy's batch mode (parallel) where it has worker threads, one by one otherwise."""
    if kiwi.num_workers > 1:
        return kiwi.tokenize(texts)
    return (kiwi.tokenize(text) for text in texts)


def _cpu_count() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def rule_terms(text: str) -> list[str]:
    """The model-free part of the analysis: stems, neighbour pairs and their bigrams."""
    stems = [stem for _, stem in word_stems(text)]
    pairs = pair_terms(stems)
    terms = list(stems)
    terms.extend(pairs)
    for term in (*stems, *pairs):
        terms.extend(_bigrams(term))
    return terms


def _kiwi_terms(tokens: Iterable[Any]) -> list[str]:
    """Nouns of kiwipiepy's tokens, plus joins of neighbouring nouns within one written word."""
    terms: list[str] = []
    run: list[str] = []
    last_word: tuple[int, int] | None = None

    def flush() -> None:
        if len(run) > 1:
            terms.extend(pair_terms(run))
            if len(run) > 2:
                terms.append("".join(run))
        run.clear()

    for token in tokens:
        word = (token.sent_position, token.word_position)
        if word != last_word:
            flush()
            last_word = word
        if token.tag in _NOUN_TAGS:
            form = token.form.lower()
            terms.append(form)
            run.append(form)
        else:
            flush()
    flush()
    return terms


# Press releases repeat whole lines (headers, contact boxes, standard closings): kiwipiepy sees
# each distinct line once per process. Bounded so a long build cannot grow it without limit.
_LINE_CACHE: dict[str, list[str]] = {}
_LINE_CACHE_MAX = 200_000


_HANGUL = re.compile("[\uac00-\ud7a3]")


def _lines(text: str) -> list[str]:
    """Lines worth giving to kiwipiepy: those with Hangul (the rules cover numbers and Latin words)."""
    return [line for line in (part.strip() for part in text.split("\n")) if _HANGUL.search(line)]


def _kiwi_line_terms(lines: Iterable[str], cache: AnalysisCache | None = None) -> dict[str, list[str]]:
    """kiwipiepy terms of each distinct line, analysing only lines not seen before (in this
    process, or by any build that shares ``cache``: the search and the chat index)."""
    wanted = dict.fromkeys(lines)
    found = {line: _LINE_CACHE[line] for line in wanted if line in _LINE_CACHE}
    fresh = [line for line in wanted if line not in found]
    stored = cache.get_lines(fresh) if fresh and cache is not None else {}
    if stored:
        found.update(stored)
        fresh = [line for line in fresh if line not in stored]
    if len(_LINE_CACHE) + len(stored) + len(fresh) > _LINE_CACHE_MAX:
        _LINE_CACHE.clear()  # found holds this call's lines already seen: the clear loses none
    _LINE_CACHE.update(stored)
    if fresh:
        analysed = {}
        for line, tokens in zip(fresh, _tokenize_all(_get_kiwi(), fresh), strict=True):
            found[line] = _LINE_CACHE[line] = analysed[line] = _kiwi_terms(tokens)
        if cache is not None:
            cache.put_lines(analysed)
    return found


def analyze_texts(texts: Sequence[str], cache: AnalysisCache | None = None) -> list[list[str]]:
    """Index terms of each text (kiwipiepy runs over the batch on all cores)."""
    normalized = [normalize(text) for text in texts]
    per_text = [_lines(text) for text in normalized]
    known = _kiwi_line_terms((line for lines in per_text for line in lines), cache)
    results: list[list[str]] = []
    for text, lines in zip(normalized, per_text, strict=True):
        terms = rule_terms(text)
        for line in lines:
            terms.extend(known[line])
        results.append(terms)
    return results


def analyze_document(text: str) -> list[str]:
    """Index terms of ``text``; a term repeated n times occurred n times.

    For any word ``w`` of ``text``, every term of ``query_terms(w)`` is in the result.
    """
    if not text.strip():
        return []
    return analyze_texts([text])[0]


# --- cache --------------------------------------------------------------------------------------


def content_key(fields: Sequence[str]) -> str:
    """Cache key of a document's analysed fields: analyzer version plus the texts."""
    digest = hashlib.sha256(ANALYZER_VERSION.encode())
    for text in fields:
        digest.update(b"\x00")
        digest.update(text.encode("utf-8"))
    return digest.hexdigest()


Analysis = list[dict[str, int]]  # per field: term -> count
_SEP = "\x1f"  # between a line's terms in the cache (kiwipiepy forms never hold it)


def line_key(line: str) -> bytes:
    """Cache key of one normalised line: analyser version plus the text, 16 bytes."""
    return hashlib.blake2b(f"{ANALYZER_VERSION}\x00{line}".encode(), digest_size=16).digest()


@dataclass
class AnalysisStats:
    analysed: int = 0
    cached: int = 0
    chars: int = 0
    seconds: float = 0.0
    shared_chars: int = 0  # of lines another build (or an earlier run) had analysed already

    @property
    def chars_per_second(self) -> float:
        return self.chars / self.seconds if self.seconds else 0.0

    def line(self) -> str:
        return (
            f"search analysis: {self.analysed} analysed, {self.cached} from cache, "
            f"{self.chars:,} chars in {self.seconds:.1f} s ({self.chars_per_second:,.0f} chars/s), "
            f"{self.shared_chars:,} chars of lines analysed before"
        )


class AnalysisCache:
    """Analyses in one SQLite file (``cache/analysis/analysis.sqlite``), shared by the search and
    the chat index builds.

    Two tables: ``analysis``, the term counts of a document's fields keyed by :func:`content_key`
    (tells a build which releases are new), and ``lines``, kiwipiepy's terms of each line of
    text keyed by :func:`line_key` (the analyser version and the line). kiwipiepy's work is per
    line, and the search and the chat index cut a release into different fields but the same
    lines, so the text of a release goes through the model once, whichever build comes first.
    SQLite gives atomic, crash-safe writes of thousands of small entries without one file each.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, timeout=60)
        self._db.execute("CREATE TABLE IF NOT EXISTS analysis (key TEXT PRIMARY KEY, data BLOB NOT NULL)")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS lines (key BLOB PRIMARY KEY, terms TEXT NOT NULL) WITHOUT ROWID"
        )
        self.line_hits = 0  # lines found here rather than analysed (the shared-analysis saving)
        self.line_chars = 0

    def get_lines(self, lines: Sequence[str]) -> dict[str, list[str]]:
        """Stored kiwipiepy terms of those of ``lines`` analysed before."""
        by_key = {line_key(line): line for line in lines}
        keys = list(by_key)
        found: dict[str, list[str]] = {}
        try:
            for start in range(0, len(keys), 500):
                part = keys[start : start + 500]
                query = f"SELECT key, terms FROM lines WHERE key IN ({','.join('?' * len(part))})"
                for key, terms in self._db.execute(query, part):
                    line = by_key[bytes(key)]
                    found[line] = terms.split(_SEP) if terms else []
        except sqlite3.Error as exc:
            log.warning("analysis cache %s: %s; analysing again", self.path, exc)
        self.line_hits += len(found)
        self.line_chars += sum(len(line) for line in found)
        return found

    def put_lines(self, analysed: dict[str, list[str]]) -> None:
        rows = [(line_key(line), _SEP.join(terms)) for line, terms in analysed.items()]
        try:
            with self._db:
                self._db.executemany("INSERT OR REPLACE INTO lines (key, terms) VALUES (?, ?)", rows)
        except sqlite3.Error as exc:
            log.warning("analysis cache %s not updated: %s", self.path, exc)

    def get(self, key: str) -> Analysis | None:
        try:
            row = self._db.execute("SELECT data FROM analysis WHERE key = ?", (key,)).fetchone()
            return json.loads(zlib.decompress(row[0])) if row else None
        except (sqlite3.Error, zlib.error, ValueError) as exc:
            log.warning("search analysis cache %s: %s; analysing again", self.path, exc)
            return None  # a damaged or locked cache costs time, never the build

    def put_many(self, items: Iterable[tuple[str, Analysis]]) -> None:
        rows = [
            (key, zlib.compress(json.dumps(value, ensure_ascii=False).encode(), 6)) for key, value in items
        ]
        try:
            with self._db:
                self._db.executemany("INSERT OR REPLACE INTO analysis (key, data) VALUES (?, ?)", rows)
        except sqlite3.Error as exc:
            log.warning("search analysis cache %s not updated: %s", self.path, exc)

    def close(self) -> None:
        self._db.close()


def analyze_fields(
    documents: Sequence[Sequence[str]], cache: AnalysisCache | None = None, batch: int = 256
) -> tuple[list[Analysis], AnalysisStats]:
    """Term counts per field of each document, reusing cached analyses of unchanged documents."""
    stats = AnalysisStats()
    started = time.perf_counter()
    keys = [content_key(fields) for fields in documents]
    results: list[Analysis | None] = [cache.get(key) if cache else None for key in keys]
    todo = [i for i, found in enumerate(results) if found is None]
    stats.cached = len(documents) - len(todo)
    shared_before = cache.line_chars if cache else 0
    for start in range(0, len(todo), batch):
        chunk = todo[start : start + batch]
        flat = [text for i in chunk for text in documents[i]]
        terms = analyze_texts(flat, cache)
        fresh: list[tuple[str, Analysis]] = []
        position = 0
        for i in chunk:
            width = len(documents[i])
            analysis = [dict(Counter(t)) for t in terms[position : position + width]]
            position += width
            results[i] = analysis
            fresh.append((keys[i], analysis))
        stats.chars += sum(len(text) for text in flat)
        if cache:
            cache.put_many(fresh)
    stats.analysed = len(todo)
    stats.shared_chars = (cache.line_chars if cache else 0) - shared_before
    stats.seconds = time.perf_counter() - started
    return [r for r in results if r is not None], stats
