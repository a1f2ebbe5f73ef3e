"""kiwipiepy per written word (briefing.search.kiwi_words) against kiwipiepy per line, on real text.

The analyser gives kiwipiepy each distinct word once, in the first line it occurs in with one
neighbour either side, instead of every distinct line. These tests pin what that relies on: a line
of new words is read exactly as a whole line is, and over the real corpus the word-level terms keep
at least 98 % of the distinct terms per document the line-level analysis gave (bench/analysis.py
prints the full figures).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from briefing.search import kiwi_words
from briefing.search.analyzer import hangul_lines
from briefing.search.kiwi_words import context_runs, get_kiwi, kiwi_terms, word_terms
from briefing.search.normalize import normalize


def line_level(lines: list[str]) -> dict[str, list[str]]:
    """kiwipiepy's terms of each whole line (analyser version 2)."""
    return {line: kiwi_terms(get_kiwi().tokenize(line)) for line in dict.fromkeys(lines)}


@pytest.fixture
def fresh_words(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kiwi_words, "_WORD_CACHE", {})  # a new build process: nothing seen yet


def corpus_lines(snippets: dict[str, dict]) -> list[str]:
    out = []
    for info in snippets.values():
        for text in [*info.get("snippets", []), *info.get("table_snippets", [])]:
            out.extend(hangul_lines(normalize(text)))
    return out


def test_a_line_of_new_words_is_analysed_as_the_whole_line(snippets, fresh_words) -> None:
    lines = [line for line in corpus_lines(snippets) if len(set(line.split())) == len(line.split())]
    assert len(lines) > 40
    for line in lines:
        kiwi_words._WORD_CACHE.clear()
        # every word new: one run, the whole line, is what kiwipiepy reads
        assert [text for text, _ in context_runs([line], set(line.split()))] == [line]
        by_word = word_terms([line])
        assert [t for word in line.split() for t in by_word[word]] == line_level([line])[line], line


def test_a_known_word_is_not_analysed_again_and_new_ones_keep_a_neighbour(fresh_words) -> None:
    word_terms(["정부는 디지털플랫폼정부를 추진한다"])
    jobs = context_runs(["정부는 올해 디지털플랫폼정부를 추진한다"], {"올해"})
    assert jobs == [("정부는 올해 디지털플랫폼정부를", [("올해", 4, 6)])]
    terms = word_terms(["정부는 올해 디지털플랫폼정부를 추진한다"])
    assert terms["올해"] == ("올해",) and "플랫폼" in terms["디지털플랫폼정부를"]


def test_word_level_keeps_98_percent_of_the_line_level_terms_of_real_documents(
    corpus: Path, fresh_words
) -> None:
    from briefing.testing.synthetic import real_text_pool

    pool = real_text_pool(corpus)
    assert pool is not None and len(pool.documents) >= 10
    docs = [hangul_lines(normalize("\n".join(lines))) for lines in pool.documents]
    by_line = line_level([line for lines in docs for line in lines])
    by_word = word_terms([line for lines in docs for line in lines])
    common = old_total = new_total = 0
    for lines in docs:
        old = {t for line in lines for t in by_line[line]}
        new = {t for line in lines for word in line.split() for t in by_word[word]}
        common, old_total, new_total = common + len(old & new), old_total + len(old), new_total + len(new)
    assert common / old_total >= 0.98  # recall of the line-level terms (99.1 % when measured)
    assert common / new_total >= 0.98  # precision (99.5 %)
