"""The claim check: unit cases for every surface form, then real press releases from the corpus."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from briefing.extract import extract_document
from briefing.faithfulness import SourceFacts, check, claims_in, extract_dates, extract_names, extract_numbers
from briefing.summarize.schema import Summary
from briefing.testing.summaries import valid_summary

SOURCE = (
    "과학기술정보통신부는 2025년 9월 3일 발표했다. 예산은 1,000억 원, 총사업비 2조 3천억 원이며 "
    "성장률은 3.5%다. 전문 인력 12명과 100개 기관이 참여한다. 2025년 상반기와 2025년 3분기 실적을 점검한다."
)


@pytest.mark.parametrize(
    "text",
    ["2025년 9월 3일", "2025. 9. 3.", "2025.09.03", "2025-09-03", "2025/9/3", "9월 3일", "'25. 9. 3."],
)
def test_every_date_form_of_the_source_date_passes(text: str) -> None:
    result = check(f"발표일은 {text}이다.", SOURCE)
    assert result.ok, result.unsupported
    assert result.checked == 1


@pytest.mark.parametrize(
    ("text", "claim"),
    [
        ("2024년 5월 2일", "2024년 5월 2일"),
        ("2025. 9. 4.", "2025. 9. 4."),
        ("2025-10-03", "2025-10-03"),
        ("9월 30일", "9월 30일"),
        ("2024년 상반기", "2024년 상반기"),
        ("2025년 하반기", "2025년 하반기"),
        ("2025년 2분기", "2025년 2분기"),
    ],
)
def test_dates_not_in_the_source_are_named(text: str, claim: str) -> None:
    result = check(f"정부는 {text}에 발표했다.", SOURCE)
    assert not result.ok
    assert result.unsupported == [claim]
    assert result.metadata() == f"flagged: {claim}"


@pytest.mark.parametrize(
    "text",
    [
        "2025년 상반기",
        "'25년 상반기",
        "2025 상반기",
        "2025년 3분기",
        "2025년 3/4분기",
        "'25년 3분기",
        "2025년 9월",
    ],
)
def test_halves_quarters_and_months_with_year(text: str) -> None:
    assert check(f"{text} 실적", SOURCE).ok


@pytest.mark.parametrize(
    "text",
    [
        "1000억원",
        "1,000억 원",
        "1천억 원",
        "0.1조 원",
        "2조 3천억 원",
        "2.3조원",
        "2조3000억원",
        "3.5%",
        "3.5 퍼센트",
        "12명",
        "12 명",
        "100개 기관",
    ],
)
def test_numbers_in_other_forms_pass(text: str) -> None:
    result = check(f"규모는 {text}이다.", SOURCE)
    assert result.ok and result.checked == 1, result


@pytest.mark.parametrize(
    ("text", "claim"),
    [
        ("1,100억 원", "1,100억 원"),
        ("3.6%", "3.6%"),
        ("13명", "13명"),
        ("2조 4천억 원", "2조 4천억 원"),
        ("3.5%p", "3.5%p"),
    ],
)
def test_wrong_numbers_are_named(text: str, claim: str) -> None:
    assert check(f"규모는 {text}이다.", SOURCE).unsupported == [claim]


def test_number_values_normalise() -> None:
    keys = [
        c.key for c in extract_numbers("1,000억 원, 1000억원, 2조 3천억 원, 1만 2천 명, 6,300여명, 5억불")
    ]
    assert keys == [
        (Decimal("1E+11"), "원"),
        (Decimal("1E+11"), "원"),
        (Decimal("2.3E+12"), "원"),
        (Decimal("1.2E+4"), "명"),
        (Decimal("6.3E+3"), "명"),
        (Decimal("5E+8"), "달러"),
    ]


def test_date_keys() -> None:
    text = "2025년 9월 3일, 2025. 9. 3.(수), '24년 1분기, 2024년 1/4분기, '24.1Q, 9월 3일"
    assert [c.key for c in extract_dates(text)] == [
        ("ymd", 2025, 9, 3),
        ("ymd", 2025, 9, 3),
        ("quarter", 2024, 1),
        ("quarter", 2024, 1),
        ("quarter", 2024, 1),
        ("md", 9, 3),
    ]


def test_names_and_short_forms() -> None:
    assert check("과기정통부와 정보통신산업진흥원이 참여한다.", SOURCE + " 정보통신산업진흥원").ok
    result = check("국토교통부와 한국도로공사가 함께 추진한다.", SOURCE)
    assert result.unsupported == ["국토교통부", "한국도로공사"]
    assert [c.key for c in extract_names("기재부, 산업부, 중소벤처기업부, 보수공사")] == [
        "기획재정부",
        "산업통상자원부",
        "중소벤처기업부",
    ]


def test_a_ministry_is_not_supported_by_a_longer_ministry_containing_its_name() -> None:
    source = "기후에너지환경부는 2025년 10월 1일 탄소중립 이행계획을 발표했다."
    assert check("환경부는 탄소중립 이행계획을 발표했다.", source).unsupported == ["환경부"]
    assert check("기후부는 탄소중립 이행계획을 발표했다.", source).ok  # its own short form
    assert check("환경부는 이행계획을 발표했다.", source + " 환경부 관계자도 참석했다.").ok
    # the short form of an agency stays fine: 수자원공사 for 한국수자원공사
    assert check("수자원공사가 참여한다.", "한국수자원공사가 참여한다.").ok


def test_check_accepts_a_summary_model() -> None:
    summary = Summary.model_validate(valid_summary())
    assert check(summary, SOURCE + " 2026년까지 정보통신산업진흥원 2025년 하반기").ok
    wrong = Summary.model_validate(valid_summary(background="2024년 5월 2일 국토교통부가 30% 늘렸다."))
    result = check(wrong, SOURCE + " 2026년까지 정보통신산업진흥원 2025년 하반기")
    assert result.unsupported == ["2024년 5월 2일", "30%", "국토교통부"]


# --------------------------------------------------------------------------- real releases


def _text(corpus: Path, name: str) -> str:
    return extract_document((corpus / name).read_bytes(), name=name).text


@pytest.fixture(scope="module")
def fdi(corpus: Path) -> SourceFacts:
    return SourceFacts.of(_text(corpus, "hwp/moef-2024-06-21-fdi-2024q1.hwp"))


def test_corpus_fdi_correct_claims_in_other_forms_pass(fdi: SourceFacts) -> None:
    summary = (
        "기획재정부에 따르면 2024년 6월 21일 발표된 2024년 1/4분기 해외직접투자액은 150억 9천만 달러로 "
        "전년 동기 대비 14.6% 줄었다. 순투자액은 128.7억 달러였다. 금융보험업은 55억 달러다."
    )
    result = check(summary, SourceFacts.of(_fdi_with_header(fdi)))
    assert result.ok, result.unsupported


def _fdi_with_header(fdi: SourceFacts) -> str:
    # the summariser checks against the release's header (ministry, date) plus its texts
    return "부처: 기획재정부\n" + fdi.compact


def test_corpus_fdi_wrong_date_and_figure_are_named(fdi: SourceFacts) -> None:
    summary = "2024년 6월 12일 발표에 따르면 1분기 해외직접투자액은 150.9억 달러로 15.6% 감소했다."
    result = check(summary, fdi)
    assert result.unsupported == ["2024년 6월 12일", "15.6%"]


@pytest.mark.parametrize(
    ("name", "good", "bad", "named"),
    [
        (
            "hwp/fsc-2025-08-13-household-loans.hwp",
            "금융위원회는 2025. 8. 13. 가계대출이 2조 2천억 원 늘었고 주택담보대출은 4.1조원 증가했다고 밝혔다.",
            "금융위원회는 2025년 8월 31일 가계대출이 2조 2천억 원 늘었다고 밝혔다.",
            ["2025년 8월 31일"],
        ),
        (
            "hwp/moel-2025-12-11-work-report.hwp",
            "고용노동부는 2025년 12월 11일 사고사망자가 182명으로 12 명 감소했다고 보고했다.",
            "고용노동부는 사고사망자가 183명으로 줄었다고 보고했다.",
            ["183명"],
        ),
        (
            "hwp/mafra-2024-03-05-petfood-exports.hwp",
            "농식품부는 2024년 3월 5일 펫푸드 수출이 1.5억 달러라고 밝혔다.",
            "농식품부는 2024년 3월 5일 펫푸드 수출이 1.8억 달러라고 밝혔다.",
            ["1.8억 달러"],
        ),
        (
            "hwpx/msit-2026-06-15-open-source-contest.hwpx",
            "과기정통부는 2026. 6. 15. 누적 1만 6천여 명이 참가했고 상금은 각 1000만원이라고 밝혔다.",
            "과기정통부와 행정안전부는 2026년 6월 15일 누적 1만 6천여 명이 참가했다고 밝혔다.",
            ["행정안전부"],
        ),
        (
            "pdf/kwater-2026-01-30-bonghwa-dam-safety.pdf",
            "한국수자원공사는 2026년 1월 30일 봉화댐 건설 현장을 점검했다.",
            "한국수자원공사는 2025년 1월 30일 봉화댐 건설 현장을 점검했다.",
            ["2025년 1월 30일"],
        ),
    ],
)
def test_corpus_releases(corpus: Path, name: str, good: str, bad: str, named: list[str]) -> None:
    facts = SourceFacts.of(_text(corpus, name))
    assert check(good, facts).ok, check(good, facts).unsupported
    assert check(bad, facts).unsupported == named


def test_claims_in_mixed_text() -> None:
    kinds = [c.kind for c in claims_in("2025년 9월 3일 기획재정부가 1,000억 원을 발표했다.")]
    assert kinds == ["date", "number", "name"]


def test_people_quotes_and_titles() -> None:
    source = (
        "장서준 청장은 “지역 관광 활성화 사업은 지방자치단체에게 실질적인 도움이 되도록 설계했다”며 "
        "「지역 관광 활성화 사업」 계획을 발표했다."
    )
    good = "장서준 청장은 “지역 관광 활성화 사업은 … 도움이 되도록 설계했다”고 말했다. 「지역 관광 활성화 사업」을 발표했다."
    assert check(good, source).ok
    bad = "김철수 장관은 “관광객이 두 배로 늘 것”이라고 말했다. 「지역 관광 진흥 사업」을 발표했다. 신임 장관이 참석했다."
    assert check(bad, source).unsupported == [
        "김철수 장관",
        "“관광객이 두 배로 늘 것”",
        "「지역 관광 진흥 사업」",
    ]


def test_corpus_quote_from_a_real_release(corpus: Path) -> None:
    facts = SourceFacts.of(_text(corpus, "hwp/moel-2025-12-11-work-report.hwp"))
    assert check("사고사망자는 182명으로 전년대비 12명 감소했다.", facts).ok
    assert not check("장관은 “노동절을 국가기념일로 지정하겠다”고 밝혔다.", facts).ok
