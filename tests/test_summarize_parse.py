"""Parsing model answers, the schema's rules, and the fake server's streaming and echo modes."""

from __future__ import annotations

import json

import httpx
import pytest

from briefing import llm
from briefing.settings import Settings
from briefing.summarize.parse import SummaryParseError, parse_summary
from briefing.summarize.prompt import PROMPT_VERSION, build_messages
from briefing.summarize.schema import Summary, json_schema, split_sentences
from briefing.testing.fakellm import FakeLLM, echo_reply, json_reply
from briefing.testing.summaries import valid_summary


def test_accepts_prose_fences_trailing_commas_and_smart_quotes() -> None:
    body = json.dumps(valid_summary(), ensure_ascii=False, indent=1)
    assert parse_summary(f"다음과 같습니다:\n```json\n{body}\n```\n감사합니다.").headline
    assert parse_summary("요약: " + body + " 끝").headline
    sloppy = body.replace('"ministries": [', '"ministries": [').rstrip("}").rstrip() + ",\n}"
    assert parse_summary(sloppy).ministries == ["과학기술정보통신부"]
    assert parse_summary(body.replace('"headline"', "“headline”")).headline


def test_category_with_emoji_or_outside_the_taxonomy_lands_inside_it() -> None:
    assert parse_summary(json.dumps(valid_summary(category="🔬 과학·디지털"))).category == "과학·디지털"
    assert parse_summary(json.dumps(valid_summary(category="주택 공급"))).category == "국토·교통"
    # nothing in the answer points anywhere: the source decides
    assert (
        parse_summary(json.dumps(valid_summary(category="기타")), context="농업 축산 농촌").category
        == "농림·해양"
    )


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"key_summary": "한 문장이다."}, "key_summary"),
        ({"main_points": ["하나", "둘"]}, "main_points"),
        ({"tags": [f"t{i}" for i in range(9)]}, "tags"),
        ({"headline": ""}, "headline"),
    ],
)
def test_schema_violations_name_the_field(change: dict, named: str) -> None:
    with pytest.raises(SummaryParseError, match=named):
        parse_summary(json.dumps(valid_summary(**change)))


def test_not_json_is_a_clear_error() -> None:
    with pytest.raises(SummaryParseError, match="not a JSON object"):
        parse_summary("죄송합니다. 요약할 수 없습니다.")
    with pytest.raises(SummaryParseError, match="one JSON object"):
        parse_summary("[1, 2, 3]")


def test_sentences_and_schema() -> None:
    assert len(split_sentences("2025. 9. 3. 발표했다. 성장률은 3.5%다. 끝났다.")) == 3
    schema = json_schema()
    assert schema["additionalProperties"] is False
    assert set(schema["required"]) == set(Summary.model_fields)
    assert "과학·디지털" in schema["properties"]["category"]["enum"]


def test_prompt_is_korean_versioned_and_carries_the_source() -> None:
    messages = build_messages("제목: 시험\n[첨부: a.hwp]\n본문")
    assert PROMPT_VERSION
    assert (
        "원문에 있는 사실만" in messages[0]["content"]
        and "날짜는 원문에 적힌 그대로" in messages[0]["content"]
    )
    assert "[첨부: a.hwp]" in messages[1]["content"]


def test_fake_server_echo_mode_through_litellm(fake_llm: FakeLLM, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-dummy")
    fake_llm.script(echo_reply())
    settings = Settings(llm_model="openai/echo", llm_api_base=fake_llm.api_base, llm_timeout=5)
    result = llm.complete([{"role": "user", "content": "안녕하세요"}], settings)
    assert json.loads(result.text) == [{"role": "user", "content": "안녕하세요"}]
    assert fake_llm.last_messages == [{"role": "user", "content": "안녕하세요"}]


def test_fake_server_streams_server_sent_events(fake_llm: FakeLLM) -> None:
    fake_llm.default = json_reply({"answer": "스트리밍으로 보내는 꽤 긴 한국어 답변입니다."})
    body = {"model": "x", "stream": True, "messages": [{"role": "user", "content": "질문"}]}
    with httpx.stream("POST", fake_llm.api_base + "/chat/completions", json=body, timeout=5) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        events = [line[6:] for line in response.iter_lines() if line.startswith("data: ")]
    assert events[-1] == "[DONE]"
    chunks = [json.loads(e) for e in events[:-1]]
    text = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks)
    assert json.loads(text) == {"answer": "스트리밍으로 보내는 꽤 긴 한국어 답변입니다."}
    assert len(chunks) > 3 and chunks[-1]["choices"][0]["finish_reason"] == "stop"


def test_list_markup_inside_items_is_removed() -> None:
    summary = parse_summary(
        json.dumps(valid_summary(main_points=["- 하나", "2. 둘", "• 셋"], tags=["#반도체", "AI", "3D"]))
    )
    assert summary.main_points == ["하나", "둘", "셋"]
    assert summary.tags == ["반도체", "AI", "3D"]
