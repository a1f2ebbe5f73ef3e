"""kiwipiepy per written word (briefing.search.kiwi_words) against kiwipiepy per line, on real text.

The analyser gives kiwipiepy each distinct word once, without its neighbours, instead of every distinct line. These
tests pin what that relies on: a word's terms do not depend on the lines or the order it was met in
(a fresh build writes the index an old cache would), a word seen before is not analysed again, and
over the real corpus the word-level terms keep nearly all the terms per document the line-level
analysis gave (bench/analysis.py prints the full figures).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from briefing.search import kiwi_words
from briefing.search.analyzer import hangul_lines, rule_terms
from briefing.search.kiwi_words import get_kiwi, kiwi_terms, word_terms
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


def test_a_words_terms_do_not_depend_on_what_was_analysed_before(snippets, fresh_words) -> None:
    lines = corpus_lines(snippets)
    assert len(lines) > 40
    forward = word_terms(lines)
    kiwi_words._WORD_CACHE.clear()
    backward = {}
    for line in reversed(lines):  # another history: the words met in other lines, one call each
        backward.update(word_terms([line]))
    assert forward == backward
    # and each is what kiwipiepy makes of the word followed by the fixed word
    for word in list(forward)[:200]:
        own = [t for t in get_kiwi().tokenize(word + kiwi_words._AFTER) if t.start < len(word)]
        assert forward[word] == tuple(kiwi_terms(own)), word


def test_a_known_word_is_not_analysed_again(fresh_words, monkeypatch: pytest.MonkeyPatch) -> None:
    word_terms(["정부는 디지털플랫폼정부를 추진한다"])
    asked: list[list[str]] = []
    real = kiwi_words._tokenize_all
    monkeypatch.setattr(
        kiwi_words, "_tokenize_all", lambda kiwi, texts: asked.append(texts) or real(kiwi, texts)
    )
    terms = word_terms(["정부는 올해 디지털플랫폼정부를 추진한다"])
    assert asked == [["올해" + kiwi_words._AFTER]]
    assert terms["올해"] == ("올해",) and "플랫폼" in terms["디지털플랫폼정부를"]


def test_word_level_keeps_the_line_level_terms_of_real_documents(corpus: Path, fresh_words) -> None:
    from briefing.testing.synthetic import real_text_pool

    pool = real_text_pool(corpus)
    assert pool is not None and len(pool.documents) >= 10
    docs = [hangul_lines(normalize("\n".join(lines))) for lines in pool.documents]
    by_line = line_level([line for lines in docs for line in lines])
    by_word = word_terms([line for lines in docs for line in lines])
    kiwi = [0, 0, 0]  # common, line-level, word-level: distinct kiwipiepy terms per document
    index = [0, 0]  # common, line-level: all index terms (what a query meets)
    for lines in docs:
        old = {t for line in lines for t in by_line[line]}
        new = {t for line in lines for word in line.split() for t in by_word[word]}
        kiwi = [kiwi[0] + len(old & new), kiwi[1] + len(old), kiwi[2] + len(new)]
        rules = set(rule_terms("\n".join(lines)))
        index = [index[0] + len((old | rules) & (new | rules)), index[1] + len(old | rules)]
    assert kiwi[0] / kiwi[1] >= 0.95  # recall of the line-level kiwipiepy terms (97.6 % when measured)
    assert kiwi[0] / kiwi[2] >= 0.93  # precision (94.5 %: it splits more)
    assert index[0] / index[1] >= 0.995  # all index terms (99.7 %)
