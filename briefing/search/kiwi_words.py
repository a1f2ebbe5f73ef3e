"""kiwipiepy's terms of each distinct written word: the model sees a word once per archive.

The index's kiwipiepy terms are per written (whitespace) word — nouns, roots, foreign words and
the joins of neighbouring nouns *inside* one word (:func:`kiwi_terms`) — and an archive of press
releases repeats words far more than lines (a year holds tens of millions of words but a few
hundred thousand distinct ones). So each distinct word is analysed once and its terms cached, in
this process and in the :class:`~briefing.search.analysis_cache.AnalysisCache` the search and the
chat builds share.

Each word is analysed without its neighbours (followed by one fixed word, ``_AFTER``), so its
terms are a function of the word: the index of a release does not depend on what was analysed
before it (a fresh build and one that went through years of cached runs write the same index).
The price: a word with a bracket attached (「가계부채) may stay one proper noun where the whole
line would have split it. On real press releases this keeps 97–98 % of the distinct kiwipiepy
terms per document that analysing every line gave, and 99.7 % of all index terms (rule stems and
bigrams hold the rest); giving kiwipiepy the real neighbours kept 99 % but made a word's terms
those of its first context in the archive (``bench/analysis.py``).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from briefing.search.query import pair_terms

if TYPE_CHECKING:
    from briefing.search.analysis_cache import AnalysisCache

_NOUN_TAGS = frozenset({"NNG", "NNP", "XR", "SL", "SH"})

_kiwi: Any = None
analysed_words = 0  # words this process gave kiwipiepy (the others came from a cache)
_kiwi_lock = threading.Lock()


def cpu_count() -> int:
    """The cores this process may run on."""
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def get_kiwi() -> Any:
    """The kiwipiepy analyser, loaded once per process (about a second; ~520 MB once it has run)."""
    global _kiwi
    with _kiwi_lock:
        if _kiwi is None:
            from kiwipiepy import Kiwi

            _kiwi = Kiwi(num_workers=cpu_count() if cpu_count() > 1 else -1)
        return _kiwi


def release() -> None:
    """Let go of the analyser (~520 MB) and of the words kept in memory (up to ~200 MB): the next
    unknown word loads the analyser again, and a shared cache still holds every word analysed."""
    global _kiwi
    with _kiwi_lock:
        _kiwi = None
        _WORD_CACHE.clear()


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
# Every word is read with this fixed word after it: at the very end of its input kiwipiepy keeps a
# compound whole (봉화댐), followed by anything it splits it (봉화 + 댐) as it does in a sentence.
_AFTER = " 및"
_WORD_CACHE_MAX = 500_000


def word_terms(lines: Sequence[str], cache: AnalysisCache | None = None) -> dict[str, tuple[str, ...]]:
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
        global analysed_words
        analysed_words += len(fresh)
        texts = [word + _AFTER for word in fresh]
        analysed = {
            word: kiwi_terms(token for token in tokens if token.start < len(word))
            for word, tokens in zip(fresh, _tokenize_all(get_kiwi(), texts), strict=True)
        }
        for word, terms in analysed.items():
            found[word] = _WORD_CACHE[word] = tuple(terms)
        if cache is not None:
            cache.put_words(analysed)
    return found
