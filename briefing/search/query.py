"""The light query-side analyzer: what a reader typed → the index terms to look up.

No model and no heavy imports (the chat function imports this at request time). The browser runs
the same steps in ``theme/static/js/search.js`` with the table generated from
:mod:`briefing.search.particles`; a test feeds the same strings to both and requires identical
output.

Terms are:

* the **stem** of each word: normalised, with its longest known particle/ending stripped
  (정책에서 → 정책, 지원했다 → 지원);
* the **character bigrams** of Hangul stems of three or more characters (디지털플랫폼정부 →
  디지, 지털, 털플, …), a fallback for compounds the index holds only in pieces;
* for phrases in quotes, the **pair terms** of neighbouring stems (``"청년 일자리"`` →
  청년일자리), which the index also holds for every pair of neighbouring words.

Public API: :func:`query_terms` (a flat list, for bag-of-words retrieval such as the chat index)
and :func:`parse_query` (words, phrases and exclusions, for the search page).
"""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass, field

from briefing.search.normalize import normalize, split_words
from briefing.search.particles import BIGRAM_MIN, STOPWORDS, SUFFIXES, strip_suffix

_SUFFIX_SET = frozenset(SUFFIXES)
_PHRASE = re.compile(r'"([^"]*)"')


@functools.lru_cache(maxsize=100_000)
def _stem_of(word: str) -> str:
    """The stem of a normalised word, or "" when the word is not indexed (stop word, bare particle)."""
    if word in STOPWORDS or word in _SUFFIX_SET:
        return ""
    stem = strip_suffix(word)
    return "" if stem in STOPWORDS else stem


def word_stems(text: str) -> list[tuple[str, str]]:
    """``(word, stem)`` for every indexable word of ``text`` (stop words and bare particles dropped)."""
    out: list[tuple[str, str]] = []
    for word in split_words(normalize(text)):
        stem = _stem_of(word)
        if stem:
            out.append((word, stem))
    return out


def bigrams(term: str) -> list[str]:
    """Character bigrams of an all-Hangul term of at least ``BIGRAM_MIN`` characters, else []."""
    return list(_bigrams(term))


# is_hangul's ranges as one class: the check runs in C (a year's neighbour pairs overflow the cache)
_ALL_HANGUL = re.compile("[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]+")


@functools.lru_cache(maxsize=100_000)
def _bigrams(term: str) -> tuple[str, ...]:
    if len(term) < BIGRAM_MIN or not _ALL_HANGUL.fullmatch(term):
        return ()
    return tuple(map(str.__add__, term, term[1:]))


def pair_terms(stems: list[str]) -> list[str]:
    """Neighbouring stems joined without a space: the index's phrase and compound terms."""
    return [a + b for a, b in itertools.pairwise(stems)]


@dataclass
class QueryWord:
    stem: str
    surface: str = ""  # the normalised word when stripping changed it (a small ranking bonus)
    bigrams: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {"stem": self.stem, "surface": self.surface, "bigrams": self.bigrams}


@dataclass
class Query:
    words: list[QueryWord] = field(default_factory=list)  # every one must match
    phrases: list[list[str]] = field(default_factory=list)  # pair terms per quoted phrase
    exclude: list[str] = field(default_factory=list)  # stems that must not occur

    def to_dict(self) -> dict[str, object]:
        return {
            "words": [w.to_dict() for w in self.words],
            "phrases": self.phrases,
            "exclude": self.exclude,
        }


def parse_query(text: str) -> Query:
    """Words, ``"quoted phrases"`` and ``-excluded`` words of a search box entry."""
    text = normalize(text)
    query = Query()
    seen: set[str] = set()

    def add_words(part: str) -> list[str]:
        stems: list[str] = []
        for word, stem in word_stems(part):
            stems.append(stem)
            if stem not in seen:
                seen.add(stem)
                query.words.append(QueryWord(stem, word if word != stem else "", bigrams(stem)))
        return stems

    for phrase in _PHRASE.findall(text):
        pairs = pair_terms(add_words(phrase))
        if pairs:
            query.phrases.append(pairs)
    rest = _PHRASE.sub(" ", text)
    positive: list[str] = []
    for chunk in rest.split():
        if chunk.startswith("-") and len(chunk) > 1:
            for _, stem in word_stems(chunk[1:]):
                if stem not in query.exclude:
                    query.exclude.append(stem)
        else:
            positive.append(chunk)
    add_words(" ".join(positive))
    return query


def query_terms(text: str) -> list[str]:
    """Index terms for ``text`` in order, without repeats: stems, their bigrams, phrase pairs.

    Exclusions (``-word``) are left out; use :func:`parse_query` to honour them.
    """
    query = parse_query(text)
    terms: list[str] = []
    for word in query.words:
        terms.append(word.stem)
        terms.extend(word.bigrams)
    for pairs in query.phrases:
        terms.extend(pairs)
    return list(dict.fromkeys(terms))
