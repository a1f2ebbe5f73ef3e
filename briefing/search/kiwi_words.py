"""kiwipiepy's terms of each distinct written word: the model sees a word once per archive.

The index's kiwipiepy terms are per written (whitespace) word — nouns, roots, foreign words and
the joins of neighbouring nouns *inside* one word (:func:`kiwi_terms`) — and an archive of press
releases repeats words far more than lines (a year holds tens of millions of words but a few
hundred thousand distinct ones). So each distinct word is analysed once and its terms cached, in
this process and in the :class:`~briefing.search.analysis_cache.AnalysisCache` the search and the
chat builds share.

Context: kiwipiepy's reading of a word depends a little on its neighbours (alone, 가계부채 is
taken for one proper noun; after "「" it is 가계 + 부채). A new word is therefore analysed in the
first line it occurs in, with one neighbour either side: the runs of a line's new words, each
widened by ``CONTEXT`` words, are the texts given to kiwipiepy, in batch on all cores. On real
press releases this keeps 99 % of the distinct terms per document that analysing every line
gave (``bench/analysis.py``); analysing each word alone keeps 96 %. The price of the cache: a
word's terms are those of its first context, the same in every later release (not re-read in
each line), so the terms of a text can depend on what was analysed before it.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from briefing.search.query import pair_terms

if TYPE_CHECKING:
    from briefing.search.analysis_cache import AnalysisCache

_NOUN_TAGS = frozenset({"NNG", "NNP", "XR", "SL", "SH"})
CONTEXT = 1  # known words either side of a run of new words, analysed with it for context

_kiwi: Any = None
_kiwi_lock = threading.Lock()


def _cpu_count() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def get_kiwi() -> Any:
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


def kiwi_terms(tokens: Iterable[Any]) -> list[str]:
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


# Bounded so a long build cannot grow it without limit (a word and its terms: ~400 bytes, so
# ~200 MB when full, about what the per-line cache of version 2 held at its bound).
_WORD_CACHE: dict[str, tuple[str, ...]] = {}
_WORD_CACHE_MAX = 500_000
_WORD = re.compile(r"\S+")

Job = tuple[str, list[tuple[str, int, int]]]  # text for kiwipiepy, (word, start, end) in it


def context_runs(lines: Iterable[str], new: set[str], context: int = CONTEXT) -> list[Job]:
    """The texts that analyse each word of ``new`` once, in the first of ``lines`` holding it.

    A line's new words are grouped into runs (words whose context windows touch) and each run is
    widened by ``context`` words either side; a line of only new words is analysed whole.
    """
    todo = set(new)
    jobs: list[Job] = []
    for line in lines:
        if todo.isdisjoint(line.split()):
            continue  # most lines, once the vocabulary is known
        spans = [(m.group(), m.start(), m.end()) for m in _WORD.finditer(line)]
        chosen = []
        for i, (word, _, _) in enumerate(spans):
            if word in todo:
                todo.discard(word)
                chosen.append(i)
        runs: list[list[int]] = []
        for i in chosen:
            if runs and i - runs[-1][-1] <= 1 + 2 * context:
                runs[-1].append(i)
            else:
                runs.append([i])
        for run in runs:
            first = spans[max(0, run[0] - context)][1]
            last = spans[min(len(spans) - 1, run[-1] + context)][2]
            words = [(spans[i][0], spans[i][1] - first, spans[i][2] - first) for i in run]
            jobs.append((line[first:last], words))
        if not todo:
            break
    return jobs


def _split_tokens(tokens: list[Any], words: list[tuple[str, int, int]]) -> list[list[Any]]:
    """The tokens of each of ``words`` (by start offset; both are in text order), context dropped."""
    out: list[list[Any]] = [[] for _ in words]
    i = 0
    for token in tokens:
        while i < len(words) and token.start >= words[i][2]:
            i += 1
        if i == len(words):
            break
        if token.start >= words[i][1]:
            out[i].append(token)
    return out


def word_terms(
    lines: Sequence[str], cache: AnalysisCache | None = None, context: int = CONTEXT
) -> dict[str, tuple[str, ...]]:
    """kiwipiepy terms of each distinct written word of ``lines``, analysing only words not seen
    before (in this process, or by any build that shares ``cache``: the search and the chat index)."""
    lines = list(dict.fromkeys(lines))  # boilerplate lines recur: split each once
    wanted: set[str] = set()
    for line in lines:
        wanted.update(line.split())
    found = {word: _WORD_CACHE[word] for word in wanted if word in _WORD_CACHE}
    fresh = [word for word in wanted if word not in found]
    stored = {w: tuple(t) for w, t in cache.get_words(fresh).items()} if fresh and cache else {}
    if stored:
        found.update(stored)
        fresh = [word for word in fresh if word not in stored]
    if len(_WORD_CACHE) + len(stored) + len(fresh) > _WORD_CACHE_MAX:
        _WORD_CACHE.clear()  # found holds this call's words already seen: the clear loses none
    _WORD_CACHE.update(stored)
    if fresh:
        jobs = context_runs(lines, set(fresh), context)
        analysed: dict[str, list[str]] = {}
        for (_, words), tokens in zip(
            jobs, _tokenize_all(get_kiwi(), [text for text, _ in jobs]), strict=True
        ):
            for (word, _, _), own in zip(words, _split_tokens(tokens, words), strict=True):
                analysed[word] = kiwi_terms(own)
        for word, terms in analysed.items():
            found[word] = _WORD_CACHE[word] = tuple(terms)
        if cache is not None:
            cache.put_words(analysed)
    return found
