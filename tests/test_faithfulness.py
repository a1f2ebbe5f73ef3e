"""The claim→evidence aligner: passages, every normalisation form, each fabrication kind, the model
hook, and the labelled evaluation set (../shared/faithfulness) against its targets."""

from __future__ import annotations

import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from briefing.faithfulness import (
    SourceFacts,
    apply_verdicts,
    check,
    extract_names,
    split_passages,
    undecided,
)
from briefing.faithfulness.dates import infer_release_date, parse_dates
from briefing.faithfulness.names import squash
from briefing.faithfulness.numbers import parse_numbers
from briefing.summarize.schema import Summary
from briefing.testing.summaries import valid_summary

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT.parent / "shared" / "faithfulness"

RELEASE = """보도자료
보도시점 | 2025. 12. 2.(화) 12:00 | 배포 | 2025. 12. 2.(화) 09:00

기획재정부(장관 홍길동, 이하 기재부)는 12. 2.(화) 정부서울청사에서 수출 동향을 발표했다.
올해 1~10월 펫푸드 수출액은 141.9억 달러로 지난해 같은 기간 54.6억 달러보다 증가했다.
총사업비는 12,345억원이며 김철수 국장은 "수출 회복세가 ｢가칭기본사회기본법｣ 논의와 함께 이어지고 있다"고 말했다.
임금체불액은 1조 6,413억원으로 전년 동기 대비 7.8% 증가했고, 체불 노동자는 210,976명으로 2.9% 감소했다.
고용률은 63.4%로 역대 최고를 기록했다('23.7 기준). 회의는 세 차례 열렸다.
한국무역협회와 한국수자원공사가 함께 참여했다. 기후에너지환경부도 참석했다.

< 품목별 수출 >
(단위: 억불)
품목 | 2024 | 2025
반도체 | 41.2 | 48.9
자동차 | 35.0 | 32.1
선박 | 4.9 | 6.3
"""


@pytest.fixture(scope="module")
def facts() -> SourceFacts:
    return SourceFacts(RELEASE)


def flagged(summary: str, facts: SourceFacts) -> list[str]:
    return check(summary, facts).unsupported


# --------------------------------------------------------------------------- passages


def test_passages_are_deterministic_with_exact_offsets() -> None:
    first, second = split_passages(RELEASE, "a1"), split_passages(RELEASE, "a1")
    assert [p.id for p in first] == [p.id for p in second] == [f"a1-{n}" for n in range(1, len(first) + 1)]
    previous_end = 0
    for p in first:
        assert RELEASE[p.start : p.end] == p.text
        assert p.start >= previous_end  # in order, no overlaps
        previous_end = p.end


def test_table_rows_carry_their_heading_and_unit_line() -> None:
    rows = [p for p in split_passages(RELEASE) if p.kind == "row" and "선박" in p.text]
    assert len(rows) == 1
    row = rows[0]
    assert row.unit == "억불"
    assert "품목" in row.heading and "2025" in row.heading and "품목별 수출" in row.heading
    assert row.id.startswith("s-")


def test_sentences_are_split() -> None:
    texts = [p.text for p in split_passages("첫 문장이다. 둘째 문장이다.\n셋째 줄")]
    assert texts == ["첫 문장이다.", "둘째 문장이다.", "셋째 줄"]


# --------------------------------------------------------------------------- normalisation forms


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("12,345억원", "1조 2,345억 원"),
        ("1.5억 달러", "1억 5천만 달러"),
        ("5억불", "5억 달러"),
        ("21,802십억원", "21조 8,020억 원"),
    ],
)
def test_amounts_regroup_to_one_value(a: str, b: str) -> None:
    (x,), (y,) = parse_numbers(a), parse_numbers(b)
    assert (x.value, x.unit) == (y.value, y.unit)


def test_hangul_counts_and_signs() -> None:
    (n,) = parse_numbers("세 차례")
    assert (n.value, n.unit) == (Decimal(3), "회")
    (m,) = parse_numbers("△9")
    assert m.negative and m.value == 9


@pytest.mark.parametrize(
    "claim",
    [
        "총사업비는 1조 2,345억 원이다.",  # regrouped
        "선박 수출은 2025년 6.3억 달러였다.",  # unit from the table's (단위: 억불)
        "수출액은 약 142억 달러였다.",  # 약 allows the source's rounding of 141.9
        "수출액은 지난해의 2.6배였다.",  # 141.9 ÷ 54.6, computed in the same sentence
        "회의는 세 차례 열렸다.",  # Hangul numeral
        "임금체불액은 1조 6,413억 원으로 7.8% 증가했다.",
        "체불 노동자는 21만 976명으로 2.9% 감소했다.",
    ],
)
def test_faithful_number_forms_are_not_flagged(claim: str, facts: SourceFacts) -> None:
    assert flagged(claim, facts) == []


def test_a_computed_value_says_how(facts: SourceFacts) -> None:
    result = check("수출액은 지난해의 2.6배였다.", facts)
    (claim,) = [c for c in result.claims if c.kind == "number"]
    assert claim.verdict == "supported" and claim.computed.startswith("141.9÷54.6")
    assert claim.evidence and claim.evidence[0].startswith("s-")


@pytest.mark.parametrize(
    ("claim", "bad"),
    [
        ("수출액은 148억 달러였다.", "148억 달러"),  # wrong amount
        ("총사업비는 1조 2,345만 원이다.", "1조 2,345만 원"),  # wrong unit (억 → 만)
        ("고용률은 63.4%p였다.", "63.4%p"),  # % → %p
    ],
)
def test_value_fabrications_are_flagged(claim: str, bad: str, facts: SourceFacts) -> None:
    assert bad in flagged(claim, facts)


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    "claim", ["발표는 2025년 12월 2일이었다.", "발표는 12월 2일(화)이었다.", "기준 시점은 2023년 7월이다."]
)
def test_faithful_date_forms_are_not_flagged(claim: str, facts: SourceFacts) -> None:
    assert flagged(claim, facts) == []


def test_relative_years_resolve_against_the_release_date(facts: SourceFacts) -> None:
    assert facts.published == date(2025, 12, 2)  # from the release's own date line, weekday checked
    assert flagged("2024년 같은 기간 수출은 54.6억 달러였다.", facts) == []  # 지난해 = 2024
    assert flagged("2023년 같은 기간 수출은 54.6억 달러였다.", facts) != []


@pytest.mark.parametrize(
    ("claim", "bad"), [("발표는 12월 3일이었다.", "12월 3일"), ("발표는 12월 2일(수)이었다.", "12월 2일(수)")]
)
def test_wrong_dates_and_weekdays_are_flagged(claim: str, bad: str, facts: SourceFacts) -> None:
    assert bad in flagged(claim, facts)


def test_date_forms_of_releases() -> None:
    keys = {
        d.key
        for d in parse_dates(
            "’25.3분기, (7.1일), 3/4분기 2024년, ‘17년 6월, 2025. 12. 2.(화)", date(2025, 1, 1)
        )
    }
    assert {("q", 2025, 3), ("md", 7, 1), ("ym", 2017, 6), ("ymd", 2025, 12, 2)} <= keys
    assert infer_release_date("제목\n배포 | 2026. 6. 15.(월) 09:00") == date(2026, 6, 15)
    assert infer_release_date("제목\n배포 | 2026. 6. 16.(월) 09:00") is None  # the weekday disagrees


# --------------------------------------------------------------------------- people, organisations, quotes


def test_people(facts: SourceFacts) -> None:
    assert flagged("기재부(장관 홍길동)는 수출 동향을 발표했다.", facts) == []
    assert flagged("김철수 국장은 회복세를 말했다.", facts) == []
    assert "장관 이영희" in flagged("기재부(장관 이영희)는 발표했다.", facts)
    assert flagged("김철수 실장은 회복세를 말했다.", facts) != []  # the source's 김철수 is 국장


def test_organisations(facts: SourceFacts) -> None:
    assert flagged("기재부와 한국무역협회, 수자원공사가 참여했다.", facts) == []
    assert "대한상공회의소" not in RELEASE
    assert flagged("한국무역협회와 한국해운협회가 참여했다.", facts) == ["한국해운협회"]
    assert flagged("환경부가 참석했다.", facts) == ["환경부"]  # not supported by 기후에너지환경부


def test_quotes_allow_the_sources_bracket_variants(facts: SourceFacts) -> None:
    assert squash("｢가칭기본사회기본법｣") == squash("「기본사회기본법(가칭)」")
    assert (
        flagged(
            "김철수 국장은 “수출 회복세가 「기본사회기본법(가칭)」 논의와 함께 이어지고 있다”고 말했다.",
            facts,
        )
        == []
    )
    assert flagged("김철수 국장은 “수출이 곧 두 배로 늘 것”이라고 말했다.", facts) != []


# --------------------------------------------------------------------------- meaning around the number


def test_direction_flip_is_flagged(facts: SourceFacts) -> None:
    result = check("체불 노동자는 210,976명으로 2.9% 증가했다.", facts)
    assert result.unsupported
    assert any(c.reason == "원문은 감소" for c in result.claims if c.verdict == "contradicted")


def test_rank_is_checked(facts: SourceFacts) -> None:
    assert flagged("고용률은 63.4%로 역대 최고를 기록했다.", facts) == []
    result = check("고용률은 63.4%로 역대 두 번째로 높았다.", facts)
    assert any(c.reason == "원문 순위와 다름" for c in result.claims)
    assert (
        flagged("2025년 선박 수출은 6.3억 달러로 가장 많았다.", facts) != []
    )  # 48.9 (반도체) is the largest


def test_a_figure_attached_to_another_row_is_flagged(facts: SourceFacts) -> None:
    assert flagged("2025년 반도체 수출은 48.9억 달러였다.", facts) == []
    result = check("2025년 자동차 수출은 48.9억 달러였다.", facts)
    assert any(c.reason == "원문과 다른 항목의 수치" for c in result.claims)


SECOND = """행정안전부(장관 박민수, 이하 행안부) 김영호 차관은 3월 4일 세종 정부청사에서 재난안전 점검회의를 주재했다.
특히 겨울철 작업을 고려해 ▲ 방한복 착용 ▲ 휴식 공간 확보 ▲ 따뜻한 물 제공을 안전 수칙으로 정했다.
올해는 드론 등 새 장비를 도입해 위험을 줄여갈 계획이다.
진천 선수촌에서는 양궁장 시설을 점검했다.
대상과 금상 수상자 각 2팀에게는 각 500만원의 상금을 준다.

< 검사 결과 >
번호 | 항목 | 기준 | 결과
1. 일반세균 | 100CFU/mL이하 | 0
2. 경도 | 300㎎/L이하 | 51
3. 탁도 | 0.5 NTU이하 | 0.08
4. 염소이온 | 250㎎/L이하 | 17.2
5. 철 | 0.3㎎/L이하 | 불검출

구분 | 내용 | 배점
수행계획 | 목표 및 추진계획(15) | 25
지원기술 | 우수성(10) | 20
성과도출 | 합리성(15) | 15
소계 | 60
"""


@pytest.fixture(scope="module")
def second() -> SourceFacts:
    return SourceFacts(SECOND, date(2025, 3, 4))


def test_list_items_come_from_one_list_of_the_source(second: SourceFacts) -> None:
    assert flagged("수칙은 방한복 착용, 따뜻한 물 제공 등이다.", second) == []
    assert (
        flagged("수칙은 방한복 착용, 드론 도입 등이다.", second) != []
    )  # 드론 is in the source, not in the list
    assert (
        flagged("수칙은 방한복 착용, 휴식 공간 확보, 핫팩세트 지급이다.", second) != []
    )  # 핫팩세트 is not in the source


def test_a_person_in_a_bracketed_attribution_is_not_the_actor(second: SourceFacts) -> None:
    assert flagged("김영호 차관은 3월 4일 세종 정부청사에서 점검회의를 주재했다.", second) == []
    assert flagged("박민수 장관은 3월 4일 세종 정부청사에서 점검회의를 주재했다.", second) != []


def test_numbered_items_are_counted_not_read_as_figures(second: SourceFacts) -> None:
    assert flagged("검사는 5개 항목에 대해 이뤄졌다.", second) == []
    assert flagged("경도는 51mg/L로 기준 300mg/L 이하였다.", second) == []
    assert flagged("경도는 51㎍/L였다.", second) != []  # the row measures in ㎎/L


def test_rank_in_an_irregular_table_column(second: SourceFacts) -> None:
    assert flagged("수행계획이 25점으로 배점이 가장 크다.", second) == []
    assert flagged("수행계획이 25점으로 배점이 두 번째로 크다.", second) != []
    assert flagged("지원기술이 25점으로 배점이 가장 크다.", second) != []  # 25 belongs to 수행계획


def test_each_amount_times_a_stated_count(second: SourceFacts) -> None:
    result = check("대상 수상자 두 팀은 합쳐 1,000만 원을 받는다.", second)
    assert result.unsupported == []
    assert any(c.computed.startswith("각 500만원") for c in result.claims)


def test_a_topic_and_what_is_said_of_it_meet_in_one_passage(second: SourceFacts) -> None:
    assert flagged("진천 선수촌에서는 양궁장 시설을 점검했다.", second) == []


# --------------------------------------------------------------------------- summaries, model hook, callers


def test_check_accepts_a_summary_and_reports_fields_and_spans(facts: SourceFacts) -> None:
    data = valid_summary()
    data["main_points"] = [*data["main_points"][:-1], "수출액은 148억 달러였다."]
    summary = Summary(**data)
    result = check(summary, facts)
    bad = [c for c in result.claims if c.text == "148억 달러"]
    assert bad and bad[0].field.startswith("main_points[")
    text = summary.main_points[int(bad[0].field[12:-1])]
    assert text[bad[0].start : bad[0].end] == "148억 달러"
    assert result.checked == len(result.claims) and not result.ok
    assert result.metadata().startswith("flagged: ")


def test_model_verdicts_fill_only_undecided_claims(facts: SourceFacts) -> None:
    result = check("회의는 두 곳에서 열렸다. 체불 노동자는 210,976명으로 2.9% 증가했다.", facts)
    open_claims = undecided(result)
    assert open_claims, "a count the source never states is left to the model"
    contradicted = [i for i, c in enumerate(result.claims) if c.verdict == "contradicted"]
    verdicts = {i: "not_found" for i, _ in open_claims} | {i: "supported" for i in contradicted}
    after = apply_verdicts(result, verdicts)
    assert all(after.claims[i].verdict == "contradicted" for i in contradicted)  # never overridden
    assert all(after.claims[i].verdict == "not_found" for i, _ in open_claims)


def test_source_facts_from_parts_ids_name_the_part() -> None:
    facts = SourceFacts.from_parts(
        [("page", "본문 첫 문장이다."), ("a1", "첨부 문장이다.")], published=date(2025, 1, 2)
    )
    assert [pf.passage.id for pf in facts.passages] == ["page-1", "a1-1"]
    assert facts.published == date(2025, 1, 2)


def test_extract_names_resolves_short_forms() -> None:
    assert [n.key for n in extract_names("기재부와 과기정통부, 한국무역협회")] == [
        "기획재정부",
        "과학기술정보통신부",
        "한국무역협회",
    ]


# --------------------------------------------------------------------------- the labelled evaluation set


@pytest.fixture(scope="module")
def evaluation() -> dict:
    if not (CASES / "cases.json").exists():
        pytest.skip("../shared/faithfulness is absent")
    sys.path.insert(0, str(ROOT / "bench"))
    from faithfulness import evaluate  # bench/faithfulness.py

    return evaluate(CASES, CASES.parent / "corpus")


def test_evaluation_meets_the_targets(evaluation: dict) -> None:
    """False flags ≤ 2 % of faithful claims, ≥ 90 % of fabrications caught, every kind ≥ 75 %."""
    assert evaluation["false_flags"] <= 0.02 * evaluation["faithful_claims"], evaluation["false"]
    caught, total = evaluation["caught"], evaluation["total"]
    assert sum(caught.values()) >= 0.90 * sum(total.values()), evaluation["missed"]
    for kind in total:
        assert caught[kind] >= 0.75 * total[kind], (kind, evaluation["missed"])


def test_stages_and_comparisons(facts: SourceFacts, second: SourceFacts) -> None:
    assert flagged("수출액은 141.9억 달러로 지난해 54.6억 달러보다 많았다.", facts) == []
    assert (
        flagged("수출액은 141.9억 달러로 지난해 54.6억 달러보다 적었다.", facts) != []
    )  # the claim's own figures
    release = SourceFacts("3단계 스트레스 DSR 시행(7.1일)으로 대출이 줄었다.", date(2025, 8, 13))
    assert flagged("3단계 스트레스 DSR이 7월 1일 시행됐다.", release) == []
    assert "2단계" in flagged("2단계 스트레스 DSR이 7월 1일 시행됐다.", release)


def test_odd_input_never_raises() -> None:
    import random

    rnd = random.Random(7)
    alphabet = "가나다 장관 국장 0123456789.,()|%억조만천년월일‘’“”「」\n△·~-"
    for _ in range(20):
        source = "".join(rnd.choice(alphabet) for _ in range(1500))
        summary = "".join(rnd.choice(alphabet) for _ in range(400))
        result = check(summary, source)
        assert result.checked == len(result.claims)
        assert all(
            c.verdict in ("supported", "contradicted", "not_found", "undecided") for c in result.claims
        )
    assert check("", "").checked == 0
