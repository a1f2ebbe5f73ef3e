"""The offline extract against its reference set (briefing/testing/offline_reference.json): the demo releases
and real press releases of ../shared/corpus (those skip when the corpus is absent)."""

from __future__ import annotations

import pytest

from briefing.article.markdown import render_article
from briefing.summaries import StoredSummary
from briefing.summarize.offline import LABEL, extract_summary
from briefing.summarize.source import build_source
from briefing.summarize.tags import TitleFrequencies, pick_tags
from briefing.testing.offline_reference import ReferenceCase, corpus_cases, demo_cases, review

DEMO = demo_cases()
CORPUS = corpus_cases()
TITLES = TitleFrequencies.of(c.record.title for c in DEMO + CORPUS)


def _check(case: ReferenceCase) -> None:
    source = build_source(case.record, 24_000)
    summary = extract_summary(case.record, source, TITLES)
    article = render_article(
        case.record, StoredSummary(id=case.record.id, kind="extract", source_hash="x", summary=summary)
    )
    found = review(case, summary, source.full_text, article)
    assert LABEL in article
    assert not found.title_in_key, summary.key_summary
    assert found.repeated == []
    assert not found.says_source_lacks
    assert found.misplaced == [], "cue sentences outside their section"
    assert found.missing == [] and found.present == [] and found.too_short == []
    assert found.bad_tags == [] and len(found.tags) >= 3
    assert found.unfaithful == []  # only the source's own sentences: the check passes trivially


@pytest.mark.parametrize("case", DEMO, ids=[c.name for c in DEMO])
def test_demo_extract_meets_its_reference(case: ReferenceCase) -> None:
    _check(case)


def test_corpus_extracts_meet_their_reference() -> None:
    if not CORPUS:
        pytest.skip("../shared/corpus is absent")
    for case in CORPUS:
        _check(case)


def test_tags_are_weighed_against_the_archive() -> None:
    """A word in most of the run's titles loses to the release's own topic."""
    title = "청년 주거 지원 확대 발표"
    text = "국토교통부는 청년 주거 지원을 확대한다고 발표했다. 청년 전세자금 대출 한도를 높인다. 청년 월세 지원도 늘린다."
    alone = pick_tags(title, text, title + text)
    assert alone[0] == "청년"
    archive = TitleFrequencies.of([f"청년 정책 {n}호 안내" for n in range(30)] + [title])
    weighed = pick_tags(title, text, title + text, archive)
    assert weighed[0] != "청년" and "주거" in weighed[:2]
    assert all(t in title + text for t in weighed)
    assert not {"확대", "발표", "지원"} & set(weighed)  # verbal nouns are never tags


def test_title_frequencies_weigh_against_the_newest_titles_only() -> None:
    from briefing.summarize.tags import RECENT_TITLES

    old = [f"반도체 수출 {n}" for n in range(50)]
    recent = [f"청년 주거 지원 {n}" for n in range(RECENT_TITLES)]
    frequencies = TitleFrequencies.of(old + recent)
    assert frequencies.documents == RECENT_TITLES
    assert frequencies.count("반도체") == 0 and frequencies.count("청년") == RECENT_TITLES
    assert frequencies.idf("반도체") > frequencies.idf("청년")
    few = TitleFrequencies.of(old)  # under the window: every title counts
    assert few.documents == 50 and few.count("반도체") == 50
