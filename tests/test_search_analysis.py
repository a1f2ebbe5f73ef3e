"""Korean analysis for search: normalisation, particle stripping, kiwipiepy terms, Python/JS parity."""

from __future__ import annotations

import json
import random
import subprocess
from pathlib import Path

import pytest

from briefing.search import particles
from briefing.search.analyzer import AnalysisCache, analyze_document, analyze_fields, content_key
from briefing.search.normalize import normalize, split_words
from briefing.search.query import parse_query, query_terms

ROOT = Path(__file__).resolve().parent.parent
NODE = ["node", str(ROOT / "tests" / "support" / "search_node.mjs")]

TRICKY = [
    "정책을",
    "정책은 정책에서 정책의",
    "지원하다 지원했다 지원한 지원하는 지원받는 지원된",
    "디지털플랫폼정부",
    "디지털 플랫폼 정부를",
    '"청년 일자리" 지원 -대출',
    "“탄소 중립” －원전",
    "AI반도체에 5G를 K-water의",
    "１,０００억원을 ＡＢＣ 1,234,567명",
    "경기도에서 고속도로를 회의에",
    "150.9억 달러로 25.0% 늘어",
    "100만 명이 3도 2025년도",
    "기업들에게는 및 등 위해",
    "韓美 정상회담 ㈜한국",
    "",
    "   ",
    "---",
    '"',
    "- 대출",
    "🇰🇷 태극기",
]


def corpus_sentences(snippets: dict[str, dict]) -> list[str]:
    out: list[str] = []
    for info in snippets.values():
        out.extend(info.get("snippets", []))
        out.extend(info.get("table_snippets", []))
    return [s for s in out if s.strip()]


def run_node_terms(strings: list[str]) -> list[dict]:
    done = subprocess.run(
        [*NODE, "terms"], input=json.dumps(strings), capture_output=True, text=True, timeout=60, check=True
    )
    return json.loads(done.stdout)


# --- normalisation and splitting --------------------------------------------------------------


def test_normalize_width_case_and_thousands() -> None:
    assert normalize("ＡＢＣ　１２３") == "abc 123"
    assert normalize("1,000억 원, 2,3") == "1000억 원, 23"
    assert normalize("“인용”") == '"인용"'


def test_split_words_cuts_between_hangul_and_latin_keeps_decimals() -> None:
    assert split_words(normalize("AI반도체를 150.9억 달러. K-water")) == [
        "ai",
        "반도체를",
        "150.9억",
        "달러",
        "k",
        "water",
    ]


# --- the query side ---------------------------------------------------------------------------


@pytest.mark.parametrize("form", ["정책을", "정책은", "정책에서", "정책의", "정책으로", "정책과"])
def test_particles_strip_to_the_noun(form: str) -> None:
    assert query_terms(form) == ["정책"]


@pytest.mark.parametrize(
    "form", ["지원하다", "지원했다", "지원한", "지원하는", "지원하였으며", "지원된", "지원받는"]
)
def test_verb_endings_strip_to_the_noun(form: str) -> None:
    assert query_terms(form) == ["지원"]


def test_short_and_protected_words_are_kept_whole() -> None:
    assert query_terms("회의") == ["회의"]  # 의 would leave one syllable
    assert parse_query("경기도").words[0].stem == "경기도"  # a province, not 경기 + 도
    assert parse_query("100만").words[0].stem == "100만"  # a number with its unit


def test_compound_query_gives_stem_and_bigrams() -> None:
    assert query_terms("디지털플랫폼정부") == [
        "디지털플랫폼정부",
        "디지",
        "지털",
        "털플",
        "플랫",
        "랫폼",
        "폼정",
        "정부",
    ]


def test_phrases_and_exclusions_are_parsed() -> None:
    query = parse_query('"청년 일자리를" 지원 -대출 -"')
    assert [w.stem for w in query.words] == ["청년", "일자리", "지원"]
    assert query.phrases == [["청년일자리"]]
    assert query.exclude == ["대출"]
    assert "대출" not in query_terms('"청년 일자리를" 지원 -대출')


# --- the build side ---------------------------------------------------------------------------


def test_compounds_match_with_and_without_spaces() -> None:
    unspaced = set(analyze_document("정부는 디지털플랫폼정부를 추진한다."))
    spaced = set(analyze_document("정부는 디지털 플랫폼 정부를 추진한다."))
    # The unspaced compound is found by each part (kiwipiepy splits it) ...
    for part in query_terms("디지털 플랫폼 정부"):
        assert part in unspaced
    # ... and the spaced text is found by the unspaced query: every bigram is there.
    query = parse_query("디지털플랫폼정부").words[0]
    assert all(gram in spaced for gram in query.bigrams)
    assert "디지털플랫폼" in spaced and "플랫폼정부" in spaced  # neighbour pairs


def test_verb_forms_in_documents_meet_the_query() -> None:
    for sentence in ("고용노동부는 청년을 지원했다.", "청년을 지원하는 사업", "지원한 기업"):
        assert "지원" in analyze_document(sentence)


def test_document_terms_are_a_superset_of_query_terms_on_corpus_sentences(snippets) -> None:
    sentences = corpus_sentences(snippets)
    assert len(sentences) > 40
    for sentence in sentences:
        terms = set(analyze_document(sentence))
        for word in sentence.split():
            for term in query_terms(word):
                assert term in terms, (sentence, word, term)


def test_kiwipiepy_finds_nouns_inside_real_compounds(snippets) -> None:
    text = " ".join(corpus_sentences(snippets))
    terms = set(analyze_document(text))
    # Written without spaces in the corpus; each part must be findable on its own.
    assert {"봉화", "댐", "봉화댐", "현장", "점검", "현장점검", "생산공장", "공장"} <= terms
    # kiwipiepy knows 한국형발사체 as one proper noun: 발사체 is then found through its bigrams.
    assert "발사체" not in terms
    assert set(parse_query("발사체").words[0].bigrams) <= terms
    assert "k-water" not in terms and "water" in terms


def test_analysis_cache_reuses_unchanged_documents(tmp_path: Path) -> None:
    docs = [["제목 하나", "", "요약", "본문 정책을 지원했다"], ["제목 둘", "", "", "다른 본문"]]
    cache = AnalysisCache(tmp_path / "analysis.sqlite")
    first, stats1 = analyze_fields(docs, cache)
    assert stats1.analysed == 2 and stats1.cached == 0 and stats1.chars > 0
    again, stats2 = analyze_fields([*docs, ["새 제목", "", "", "새 본문"]], cache)
    assert stats2.cached == 2 and stats2.analysed == 1
    assert again[:2] == first
    assert first[0][3]["정책"] >= 1 and first[0][3]["지원"] >= 1 and "정책을" not in first[0][3]
    assert content_key(docs[0]) != content_key(docs[1])
    cache.close()


# --- Python and the shipped JavaScript agree ---------------------------------------------------


def test_search_terms_js_is_up_to_date() -> None:
    assert particles.JS_PATH.read_text(encoding="utf-8") == particles.javascript(), (
        "run: python -m briefing.search.particles"
    )


def mixed_strings(count: int, seed: int = 7) -> list[str]:
    """Random mixes of words, particles, endings, Latin, digits, punctuation and odd characters."""
    rng = random.Random(seed)
    pieces = [
        *["정책", "지원", "디지털", "플랫폼", "정부", "청년", "일자리", "경기도", "회의", "반도체", "수출"],
        *particles.SUFFIXES[:: max(1, len(particles.SUFFIXES) // 40)],
        *["AI", "K-", "5G", "ＡＢＣ", "1,000", "150.9", "100만", "２０２５", "R&D"],
        *[" ", " ", ",", ".", "·", '"', "“", "”", "-", "(", ")", "「", "」", "~", "%", "/", "\u3000", "\n"],
        "İ",
        "ß",
        "é",
        "ㄱ",
        "韓",
        "🇰🇷",
    ]
    return ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 8))) for _ in range(count)]


def test_python_and_javascript_produce_identical_query_terms(snippets) -> None:
    strings = TRICKY + corpus_sentences(snippets) + mixed_strings(400)
    strings += [w for s in corpus_sentences(snippets) for w in s.split()]
    from_js = run_node_terms(strings)
    assert len(from_js) == len(strings)
    for text, js in zip(strings, from_js, strict=True):
        assert js == parse_query(text).to_dict(), text


def test_a_full_word_cache_is_cleared_without_losing_words_of_the_current_batch(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # a year of releases passes the bounded per-process word cache: the batch that overflows it
    # holds words seen before (kept) and new ones (analysed after the clear)
    from briefing.search import analyzer, kiwi_words

    monkeypatch.setattr(kiwi_words, "_WORD_CACHE", {})
    monkeypatch.setattr(kiwi_words, "_WORD_CACHE_MAX", 5)
    first = analyzer.analyze_texts(["반도체 투자 확대", "이차전지 세액공제"])
    texts = ["반도체 투자 확대\n수소 충전소 구축", "이차전지 세액공제\n해양 쓰레기 수거\n청년 일자리 지원"]
    mixed = analyzer.analyze_texts(texts)
    assert set(first[0]) <= set(mixed[0]) and "충전소" in mixed[0]
    assert set(first[1]) <= set(mixed[1]) and "일자리" in mixed[1]
    assert len(kiwi_words._WORD_CACHE) == 9  # cleared, then the 9 new words of this batch


def test_search_and_chat_builds_share_the_analysis_of_each_word(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One cache file: the chat index analyses a release's text in other fields than the search
    # index, but word by word the text is the same, so kiwipiepy sees each word once.
    from briefing.chat.index_build import ChatDocument, analysed_body, passages_for
    from briefing.search import kiwi_words
    from briefing.search.analyzer import AnalysisCache, analyze_fields

    original = "해양수산부는 항만 안전 점검을 실시했다.\n점검 결과는 다음 달에 발표한다.\n연락처 044-200-5000"
    path = tmp_path / "analysis.sqlite"
    monkeypatch.setattr(kiwi_words, "_WORD_CACHE", {})
    search_cache = AnalysisCache(path)
    searched, first = analyze_fields([["항만 안전 점검", "", "요약 없음", original]], search_cache)
    search_cache.close()
    assert first.analysed == 1 and first.shared_chars == 0

    monkeypatch.setattr(kiwi_words, "_WORD_CACHE", {})  # a separate build process
    doc = ChatDocument("r1", "항만 안전 점검", "2026-10-01", "r/1/", original=original)
    chat_cache = AnalysisCache(path)
    body = analysed_body(doc, passages_for(doc))
    chatted, second = analyze_fields([[doc.title, body]], chat_cache)
    chat_cache.close()
    hangul_words = {
        w for line in original.split("\n") if any("가" <= ch <= "힣" for ch in line) for w in line.split()
    }
    assert second.analysed == 1 and second.shared_chars >= sum(len(word) for word in hangul_words)
    # the shared analysis gives the terms a fresh one gives
    monkeypatch.setattr(kiwi_words, "_WORD_CACHE", {})
    fresh, _ = analyze_fields([[doc.title, body]])
    assert chatted == fresh
    assert set(searched[0][3]) <= set(chatted[0][1])


def test_stored_analyses_read_back_exactly_and_a_damaged_one_is_analysed_again(tmp_path: Path) -> None:
    from briefing.search.analysis_cache import pack, unpack

    for value in ([], [{}], [{"정책": 2, "ai": 1}, {}, {"데이터 시각화": 300_000}], [{}, {"지원": 1}]):
        assert unpack(pack(value)) == value
    cache = AnalysisCache(tmp_path / "analysis.sqlite")
    docs = [["제목", "", "", "본문 정책을 지원했다"]]
    first, _ = analyze_fields(docs, cache)
    key = content_key(docs[0])
    blob = pack(first[0])
    with cache._db:  # a truncated entry, as a crash of an old writer could leave
        cache._db.execute("UPDATE analysis SET data = ? WHERE key = ?", (blob[: len(blob) // 2], key))
    assert cache.get(key) is None
    again, stats = analyze_fields(docs, cache)
    assert again == first and stats.analysed == 1
    cache.close()
