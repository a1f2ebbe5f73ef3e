"""Summaries through litellm against the fake OpenAI-compatible server: every failure mode."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from briefing.article.markdown import article_path, read_meta
from briefing.settings import Settings
from briefing.store import Store
from briefing.summarize import PROMPT_VERSION, run_summarize
from briefing.testing.fakellm import (
    FakeLLM,
    fenced_reply,
    json_reply,
    slow_reply,
    status_reply,
    text_reply,
)
from briefing.testing.summaries import llm_settings, make_record, save, valid_summary, wrong_date_summary


@pytest.fixture(autouse=True)
def _dummy_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-dummy")


def _meta(settings: Settings, rid: str = "156700001") -> dict[str, str]:
    return read_meta(article_path(settings.content_dir, make_record(rid)))


def _state(settings: Settings) -> dict:
    return Store(settings.data_dir).read_state("summarize")


def _article(settings: Settings, rid: str = "156700001") -> str:
    return article_path(settings.content_dir, make_record(rid)).read_text(encoding="utf-8")


def test_valid_json_makes_article_and_second_run_calls_nothing(tmp_path: Path, fake_llm: FakeLLM) -> None:
    settings = llm_settings(tmp_path, fake_llm.api_base)
    save(settings.data_dir, make_record())
    fake_llm.default = json_reply(valid_summary())

    report = run_summarize(settings)

    assert report.made == ["156700001"] and report.exit_code == 0
    assert fake_llm.calls == 1
    request = fake_llm.requests[0]
    assert request["response_format"]["type"] == "json_schema"  # structured output where supported
    user = request["messages"][-1]["content"]
    assert "1,000억 원" in user and "발표일: 2025년 9월 3일" in user
    meta = _meta(settings)
    assert meta["summary_kind"] == "llm"
    assert meta["model"] == "openai/gpt-4o-mini"
    assert meta["prompt_version"] == PROMPT_VERSION
    assert meta["faithfulness"] == "ok"
    assert meta["category"] == "과학·디지털"
    assert meta["source_hash"] == make_record().source_hash()
    assert int(meta["tokens"]) == 1200 and float(meta["cost"]) > 0  # gpt-4o-mini is in the cost map
    assert report.tokens == 1200 and report.cost > 0

    path = article_path(settings.content_dir, make_record())
    before = path.stat()
    again = run_summarize(settings)
    assert fake_llm.calls == 1  # zero calls the second time
    assert again.cached == 1 and again.written == 0 and again.calls == 0
    after = path.stat()
    assert (after.st_mtime_ns, after.st_ino) == (before.st_mtime_ns, before.st_ino)


def test_fenced_json_is_accepted(tmp_path: Path, fake_llm: FakeLLM) -> None:
    settings = llm_settings(tmp_path, fake_llm.api_base)
    save(settings.data_dir, make_record())
    fake_llm.default = fenced_reply(valid_summary())
    report = run_summarize(settings)
    assert report.made == ["156700001"]
    assert fake_llm.calls == 1
    # prose with braces around the fence: only the fence holds the object
    body = json.dumps(valid_summary(), ensure_ascii=False, indent=1)
    fake_llm.default = text_reply(f"형식 {{JSON}}으로 답합니다.\n```json\n{body}\n```\n{{끝}}")
    assert run_summarize(settings, force=True).made == ["156700001"]
    assert fake_llm.calls == 2


def test_invalid_then_valid_retries_naming_the_error(tmp_path: Path, fake_llm: FakeLLM) -> None:
    settings = llm_settings(tmp_path, fake_llm.api_base)
    save(settings.data_dir, make_record())
    fake_llm.script(text_reply("요약: 이 보도자료는 반도체에 관한 것입니다 {headline:"))
    fake_llm.default = json_reply(valid_summary())
    report = run_summarize(settings)
    assert report.made == ["156700001"]
    assert fake_llm.calls == 2
    retry = fake_llm.last_messages[-1]["content"]
    assert "형식이 올바르지 않습니다" in retry and "JSON" in retry


def test_schema_violation_fails_then_next_run_retries(tmp_path: Path, fake_llm: FakeLLM) -> None:
    settings = llm_settings(tmp_path, fake_llm.api_base, llm_json_retries=1)
    save(settings.data_dir, make_record())
    fake_llm.default = json_reply(valid_summary(main_points=["하나뿐"], key_summary="한 문장이다."))

    report = run_summarize(settings)

    assert report.failed and "invalid JSON" in report.failed["156700001"]
    assert fake_llm.calls == 2  # the first answer and one retry naming the error
    assert "main_points" in fake_llm.last_messages[-1]["content"]
    state = _state(settings)["failed"]["156700001"]
    assert state["attempts"] == 1 and "main_points" in state["reason"]
    # readers get an honest extract meanwhile
    assert _meta(settings)["summary_kind"] == "extract"

    fake_llm.default = json_reply(valid_summary())
    later = run_summarize(settings)
    assert later.made == ["156700001"]
    assert "156700001" not in _state(settings)["failed"]
    assert _meta(settings)["summary_kind"] == "llm"


def test_category_outside_taxonomy_is_mapped(tmp_path: Path, fake_llm: FakeLLM) -> None:
    settings = llm_settings(tmp_path, fake_llm.api_base)
    save(settings.data_dir, make_record())
    fake_llm.default = json_reply(valid_summary(category="반도체 정책"))
    report = run_summarize(settings)
    assert report.made == ["156700001"]
    assert fake_llm.calls == 1
    assert _meta(settings)["category"] == "과학·디지털"


def test_timeout_leaves_release_for_next_run_and_others_go_on(tmp_path: Path, fake_llm: FakeLLM) -> None:
    settings = llm_settings(tmp_path, fake_llm.api_base, llm_timeout=0.5)
    save(settings.data_dir, make_record("1001"), make_record("1002", title="느린 응답 보도자료"))

    def answer(body: dict) -> object:
        text = json.dumps(body["messages"], ensure_ascii=False)
        return (
            slow_reply(2.0, json_reply(valid_summary()))
            if "느린 응답" in text
            else json_reply(valid_summary())
        )

    fake_llm.default = answer
    report = run_summarize(settings)
    assert report.made == ["1001"]
    assert "timeout" in report.failed["1002"]
    assert "1002" in _state(settings)["failed"]
    assert "failed: 1002 (timeout" in report.summary_line()


def test_rate_limit_then_success_backs_off_and_retries(tmp_path: Path, fake_llm: FakeLLM) -> None:
    settings = llm_settings(tmp_path, fake_llm.api_base)
    save(settings.data_dir, make_record())
    fake_llm.script(status_reply(429, "slow down"))
    fake_llm.default = json_reply(valid_summary())
    report = run_summarize(settings)
    assert report.made == ["156700001"] and not report.failed
    assert fake_llm.calls == 2


def test_server_error_always_fails_and_is_recorded(tmp_path: Path, fake_llm: FakeLLM) -> None:
    settings = llm_settings(tmp_path, fake_llm.api_base)
    save(settings.data_dir, make_record())
    fake_llm.default = status_reply(500, "upstream exploded")
    report = run_summarize(settings)
    assert "server" in report.failed["156700001"]
    assert report.exit_code == 0  # the rest of the build goes on
    assert _state(settings)["failed"]["156700001"]["attempts"] == 1
    run_summarize(settings)
    assert _state(settings)["failed"]["156700001"]["attempts"] == 2  # tried again next run


def test_a_release_that_keeps_failing_is_given_up_until_its_text_model_or_force_changes(
    tmp_path: Path, fake_llm: FakeLLM
) -> None:
    settings = llm_settings(tmp_path, fake_llm.api_base, max_attempts=2)
    save(settings.data_dir, make_record())
    fake_llm.default = status_reply(500, "upstream exploded")
    run_summarize(settings)
    run_summarize(settings)
    calls = fake_llm.calls
    report = run_summarize(settings)
    assert fake_llm.calls == calls  # no more money spent on it
    assert report.gave_up == ["156700001"] and "given up" in report.summary_line()
    assert _meta(settings)["summary_kind"] == "extract"  # readers still get the honest extract
    fake_llm.default = json_reply(valid_summary())
    assert run_summarize(settings, force=True).made == ["156700001"]


def test_wrong_date_is_retried_then_flagged_with_the_date_named(tmp_path: Path, fake_llm: FakeLLM) -> None:
    settings = llm_settings(tmp_path, fake_llm.api_base)
    save(settings.data_dir, make_record())
    fake_llm.default = json_reply(wrong_date_summary())

    report = run_summarize(settings)

    assert fake_llm.calls == 2  # retried once naming the claim
    assert "2024년 5월 2일" in fake_llm.last_messages[-1]["content"]
    assert report.flagged == ["156700001"] and not report.made
    meta = _meta(settings)
    assert meta["faithfulness"] == "flagged: 2024년 5월 2일"
    text = _article(settings)
    assert "원문에서 확인되지 않은 내용" in text
    # marked where it stands, with its reason (briefing.article.claims)
    assert re.search(r'<span class="claim" data-claim="unsupported"[^>]*>2024년 5월 2일</span>', text)
    assert "flagged: 156700001" in report.summary_line()


def test_wrong_date_corrected_on_retry_passes(tmp_path: Path, fake_llm: FakeLLM) -> None:
    settings = llm_settings(tmp_path, fake_llm.api_base)
    save(settings.data_dir, make_record())
    fake_llm.script(json_reply(wrong_date_summary()))
    fake_llm.default = json_reply(valid_summary())
    report = run_summarize(settings)
    assert report.made == ["156700001"] and fake_llm.calls == 2
    assert _meta(settings)["faithfulness"] == "ok"


def test_hold_policy_keeps_article_out_and_reports_it(tmp_path: Path, fake_llm: FakeLLM) -> None:
    settings = llm_settings(tmp_path, fake_llm.api_base, unsupported_policy="hold")
    save(settings.data_dir, make_record())
    fake_llm.default = json_reply(wrong_date_summary())

    report = run_summarize(settings)

    assert report.held == {"156700001": "2024년 5월 2일"}
    assert not article_path(settings.content_dir, make_record()).exists()
    assert "held: 156700001 (2024년 5월 2일)" in report.summary_line()
    assert _state(settings)["held"]["156700001"]["claims"] == ["2024년 5월 2일"]
    calls = fake_llm.calls
    again = run_summarize(settings)
    assert fake_llm.calls == calls  # not asked again for the same source, prompt and model
    assert "156700001" in again.held


def test_numbers_and_dates_in_other_forms_pass(tmp_path: Path, fake_llm: FakeLLM) -> None:
    settings = llm_settings(tmp_path, fake_llm.api_base)
    save(settings.data_dir, make_record())
    summary = valid_summary(
        key_summary=(
            "과기정통부는 2025. 9. 3. 지원 계획을 발표했다. 2026년까지 1000억원을 투입한다. "
            "시장은 3.5 퍼센트 성장했고 인력 12 명이 기술지원단을 꾸린다."
        ),
        next_steps="2025-09-03 발표에 이어 '25년 하반기에 공모를 공고한다.",
    )
    fake_llm.default = json_reply(summary)
    report = run_summarize(settings)
    assert report.made == ["156700001"], report.summary_line()
    assert fake_llm.calls == 1


def test_cost_cap_defers_the_rest(tmp_path: Path, fake_llm: FakeLLM) -> None:
    settings = llm_settings(tmp_path, fake_llm.api_base, llm_max_cost=0.0000001, llm_max_parallel=1)
    save(settings.data_dir, *(make_record(f"20{i}") for i in range(3)))
    fake_llm.default = json_reply(valid_summary())
    report = run_summarize(settings)
    assert fake_llm.calls == 1
    assert len(report.made) == 1 and len(report.deferred) == 2
    assert "2 left for next run" in report.summary_line()
    # deferred releases still get an honest extract, and the next run picks them up
    for rid in report.deferred:
        assert _meta(settings, rid)["summary_kind"] == "extract"


def test_parallel_workers_stop_together_at_the_cost_cap(tmp_path: Path, fake_llm: FakeLLM) -> None:
    # one call's cost, measured through the same path (litellm's local cost map)
    probe = llm_settings(tmp_path / "probe", fake_llm.api_base, llm_max_parallel=1)
    save(probe.data_dir, make_record("400"))
    fake_llm.default = json_reply(valid_summary())
    one_call = run_summarize(probe).cost
    assert one_call > 0
    # two workers, a cap of 2.5 calls: the call in flight counts, so no fourth call starts
    # (counting only what was spent, the second worker would start one while the third ran)
    settings = llm_settings(tmp_path, fake_llm.api_base, llm_max_cost=2.5 * one_call, llm_max_parallel=2)
    save(settings.data_dir, *(make_record(f"41{i}") for i in range(6)))
    before = fake_llm.calls
    report = run_summarize(settings)
    assert fake_llm.calls - before == 3, report.summary_line()
    assert len(report.made) == 3 and len(report.deferred) == 3


def test_release_cap_and_limit(tmp_path: Path, fake_llm: FakeLLM) -> None:
    settings = llm_settings(tmp_path, fake_llm.api_base, llm_max_releases=2)
    save(settings.data_dir, *(make_record(f"30{i}") for i in range(4)))
    fake_llm.default = json_reply(valid_summary())
    assert len(run_summarize(settings).made) == 2
    assert len(run_summarize(settings, limit=1).made) == 1
    assert fake_llm.calls == 3


def test_parallel_calls_are_bounded(tmp_path: Path, fake_llm: FakeLLM) -> None:
    settings = llm_settings(tmp_path, fake_llm.api_base, llm_max_parallel=2)
    save(settings.data_dir, *(make_record(f"40{i}") for i in range(5)))
    fake_llm.default = slow_reply(0.3, json_reply(valid_summary()))
    report = run_summarize(settings)
    assert len(report.made) == 5
    assert fake_llm.max_active == 2


def test_fallback_model_answers_when_primary_fails(tmp_path: Path, fake_llm: FakeLLM) -> None:
    settings = llm_settings(
        tmp_path, fake_llm.api_base, llm_model="openai/primary", llm_fallbacks="openai/backup"
    )

    def answer(body: dict) -> object:
        return status_reply(503) if body["model"] == "primary" else json_reply(valid_summary())

    fake_llm.default = answer
    save(settings.data_dir, make_record())
    report = run_summarize(settings)
    assert report.made == ["156700001"]
    assert [r["model"] for r in fake_llm.requests] == ["primary", "backup"]
    assert _meta(settings)["model"] == "openai/backup"
    run_summarize(settings)
    assert fake_llm.calls == 2  # an article by a fallback model is still a cache hit


def test_unknown_model_costs_zero_and_says_so(tmp_path: Path, fake_llm: FakeLLM) -> None:
    settings = llm_settings(tmp_path, fake_llm.api_base, llm_model="openai/house-model-7b")
    save(settings.data_dir, make_record())
    fake_llm.default = json_reply(valid_summary())
    report = run_summarize(settings)
    assert report.cost == 0 and report.unknown_cost_models == ["openai/house-model-7b"]
    assert "cost unknown for openai/house-model-7b" in report.summary_line()
    assert report.tokens == 1200


def test_extract_is_replaced_once_a_model_is_configured(tmp_path: Path, fake_llm: FakeLLM) -> None:
    offline = llm_settings(tmp_path, fake_llm.api_base, llm_model="")
    save(offline.data_dir, make_record())
    run_summarize(offline)
    assert _meta(offline)["summary_kind"] == "extract"
    assert fake_llm.calls == 0

    fake_llm.default = json_reply(valid_summary())
    online = llm_settings(tmp_path, fake_llm.api_base)
    assert run_summarize(online).made == ["156700001"]
    assert _meta(online)["summary_kind"] == "llm"
    # an LLM article is kept when the key goes away (never downgraded to an extract)
    assert run_summarize(offline).cached == 1
    assert _meta(offline)["summary_kind"] == "llm"


def test_changed_source_and_force_summarise_again(tmp_path: Path, fake_llm: FakeLLM) -> None:
    settings = llm_settings(tmp_path, fake_llm.api_base)
    save(settings.data_dir, make_record())
    fake_llm.default = json_reply(valid_summary())
    run_summarize(settings)
    assert fake_llm.calls == 1
    run_summarize(settings, force=True)
    assert fake_llm.calls == 2
    changed = make_record(
        body_text=make_record().body_text
        + "\n추가로 공모 설명회를 연다고 밝혔다. 자세한 일정은 누리집에 공지한다."
    )
    save(settings.data_dir, changed)
    run_summarize(settings)
    assert fake_llm.calls == 3
    assert _meta(settings)["source_hash"] == changed.source_hash()


def test_release_without_text_is_never_sent(tmp_path: Path, fake_llm: FakeLLM) -> None:
    settings = llm_settings(tmp_path, fake_llm.api_base)
    record = make_record(body_text="공공누리 제1유형 출처표시\n첨부파일 다운로드")
    record.attachments[0].text = ""
    record.attachments[0].error = "encrypted: password required"
    save(settings.data_dir, record)
    fake_llm.default = json_reply(valid_summary())
    report = run_summarize(settings)
    assert fake_llm.calls == 0 and report.no_text == 1
    assert _meta(settings)["summary_kind"] == "none"


def test_provider_refusing_the_json_schema_is_asked_without_it(tmp_path: Path, fake_llm: FakeLLM) -> None:
    settings = llm_settings(tmp_path, fake_llm.api_base)
    save(settings.data_dir, make_record())

    def answer(body: dict) -> object:
        if "response_format" in body:
            return status_reply(400, "Invalid schema for response_format: 'maxLength' is not permitted")
        return json_reply(valid_summary())

    fake_llm.default = answer
    report = run_summarize(settings)
    assert report.made == ["156700001"]
    assert ["response_format" in r for r in fake_llm.requests] == [True, False]


def test_extracts_waiting_past_the_cap_are_left_untouched(tmp_path: Path, fake_llm: FakeLLM) -> None:
    offline = llm_settings(tmp_path, fake_llm.api_base, llm_model="")
    save(offline.data_dir, *(make_record(f"50{i}") for i in range(3)))
    run_summarize(offline)
    capped = llm_settings(tmp_path, fake_llm.api_base, llm_max_releases=0)
    report = run_summarize(capped)
    assert sorted(report.deferred) == ["500", "501", "502"]
    assert report.written == 0 and fake_llm.calls == 0
    assert all(_meta(capped, f"50{i}")["summary_kind"] == "extract" for i in range(3))
