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
it sees each distinct written word once (:mod:`briefing.search.kiwi_words`), and results are
cached per document by content hash and per word (:class:`AnalysisCache`, one file shared by the
search and the chat index builds): a rebuild only analyses new or changed releases.

Public API: :func:`analyze_document` (one text → list of terms, repeats = frequency),
:func:`analyze_texts` (many texts, parallel), :class:`AnalysisCache`.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain

from briefing.search import kiwi_words
from briefing.search.analysis_cache import ANALYZER_VERSION, Analysis, AnalysisCache, content_key, word_key
from briefing.search.kiwi_words import word_terms
from briefing.search.normalize import normalize, split_words
from briefing.search.query import _bigrams, _stem_of, pair_terms

__all__ = [
    "ANALYZER_VERSION",
    "Analysis",
    "AnalysisCache",
    "AnalysisStats",
    "analyze_document",
    "analyze_fields",
    "analyze_texts",
    "content_key",
    "rule_terms",
    "word_key",
]


def rule_terms(text: str) -> list[str]:
    """The model-free part of the analysis of normalised ``text``: stems, neighbour pairs and their
    bigrams (the stems are :func:`~briefing.search.query.word_stems`' without normalising again)."""
    stems = [stem for stem in map(_stem_of, split_words(text)) if stem]
    pairs = pair_terms(stems)
    terms = stems + pairs
    terms.extend(chain.from_iterable(map(_bigrams, stems)))
    terms.extend(chain.from_iterable(map(_bigrams, pairs)))
    return terms


_HANGUL = re.compile("[\uac00-\ud7a3]")


def hangul_lines(text: str) -> list[str]:
    """Lines worth giving to kiwipiepy: those with Hangul (the rules cover numbers and Latin words)."""
    return [line for line in (part.strip() for part in text.split("\n")) if _HANGUL.search(line)]


def learn_words(texts: Sequence[str], cache: AnalysisCache | None = None) -> None:
    """Analyse the written words of ``texts`` not analysed before, as :func:`analyze_texts` would,
    into ``cache`` (and this process's word memory), without making any text's terms."""
    word_terms([line for text in texts for line in hangul_lines(normalize(text))], cache)


def analyze_texts(texts: Sequence[str], cache: AnalysisCache | None = None) -> list[list[str]]:
    """Index terms of each text (kiwipiepy runs over the batch's new words on all cores)."""
    normalized = [normalize(text) for text in texts]
    per_text = [hangul_lines(text) for text in normalized]
    known = word_terms([line for lines in per_text for line in lines], cache)
    results: list[list[str]] = []
    for text, lines in zip(normalized, per_text, strict=True):
        terms = rule_terms(text)
        words = chain.from_iterable(map(str.split, lines))
        terms.extend(chain.from_iterable(map(known.__getitem__, words)))
        results.append(terms)
    return results


def analyze_document(text: str) -> list[str]:
    """Index terms of ``text``; a term repeated n times occurred n times.

    For any word ``w`` of ``text``, every term of ``query_terms(w)`` is in the result.
    """
    if not text.strip():
        return []
    return analyze_texts([text])[0]


@dataclass
class AnalysisStats:
    analysed: int = 0
    cached: int = 0
    chars: int = 0
    seconds: float = 0.0
    shared_chars: int = 0  # of words another build (or an earlier run) had analysed already
    new_words: int = 0  # words kiwipiepy analysed (not found in any cache)

    def add(self, part: AnalysisStats) -> None:
        """Count ``part`` (a slice's, a worker's) in these figures."""
        self.analysed += part.analysed
        self.cached += part.cached
        self.chars += part.chars
        self.seconds += part.seconds
        self.shared_chars += part.shared_chars
        self.new_words += part.new_words

    @property
    def chars_per_second(self) -> float:
        return self.chars / self.seconds if self.seconds else 0.0

    def line(self) -> str:
        return (
            f"search analysis: {self.analysed} analysed, {self.cached} from cache, "
            f"{self.chars:,} chars in {self.seconds:.1f} s ({self.chars_per_second:,.0f} chars/s), "
            f"{self.shared_chars:,} chars of words analysed before, {self.new_words:,} words new to the analyser"
        )


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
    shared_before = cache.word_chars if cache else 0
    new_before = kiwi_words.analysed_words
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
    stats.shared_chars = (cache.word_chars if cache else 0) - shared_before
    stats.new_words = kiwi_words.analysed_words - new_before
    stats.seconds = time.perf_counter() - started
    return [r for r in results if r is not None], stats
