"""Collection from RSS feeds and release pages: de-duplication, dead feeds, page failures, retries."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from briefing.collect import EXIT_NOTHING_DONE, run_collect
from briefing.records import KST
from briefing.sources.feeds import feed_name
from briefing.store import Store
from briefing.testing.fakeportal import API_PATH, FakeFeed, FakeFile, FakePortal, FakeRelease

DAY = date(2026, 11, 20)
AT = datetime(2026, 11, 20, 10, 0, tzinfo=KST)


def _records(data_dir: Path) -> list:
    return list(Store(data_dir).iter_records())


@pytest.fixture
def small_doc(corpus: Path) -> bytes:
    return (corpus / "hwp/kwater-digital-platform-review.hwp").read_bytes()


def test_same_release_from_api_and_ministry_feed_is_one_record(tmp_path: Path, small_doc: bytes) -> None:
    # The feed links the ministry's own page (no newsId) and prefixes the title with "[국토교통부]".
    release = FakeRelease(
        "156300001",
        "택시 차령 기준 개선",
        ministry="국토교통부",
        approved=AT,
        feeds=("molit",),
        files=[FakeFile("붙임.hwp", small_doc)],
    )
    other_day = FakeRelease(
        "156300002", "택시 차령 기준 개선", ministry="국토교통부", approved=AT + timedelta(days=1)
    )
    with FakePortal([release, other_day], feeds=[FakeFeed("molit")]) as portal:
        settings = portal.settings(tmp_path / "data")
        report = run_collect(settings, since=DAY, until=DAY + timedelta(days=1))
        assert report.exit_code == 0, report.summary_line()
        records = {r.id: r for r in _records(settings.data_dir)}
        # same title on another day is another release
        assert set(records) == {"156300001", "156300002"}
        record = records["156300001"]
        assert [s.name for s in record.sources] == ["press-api", feed_name(portal.feed_url("molit"))]
        assert record.url == portal.portal_page_url(release)
        assert portal.count("/ministry/view.do") == 0  # API content is enough: no page fetched
        assert portal.downloads == 1


def test_feed_first_then_api_keeps_one_record_under_its_first_id(tmp_path: Path, small_doc: bytes) -> None:
    release = FakeRelease(
        "156300003",
        "먼저 피드에 나온 보도자료",
        ministry="국토교통부",
        approved=AT,
        in_api=False,
        feeds=("molit",),
        files=[FakeFile("a.hwp", small_doc)],
    )
    with FakePortal([release], feeds=[FakeFeed("molit")]) as portal:
        settings = portal.settings(tmp_path / "data")
        run_collect(settings, since=DAY, until=DAY)
        (first,) = _records(settings.data_dir)
        assert first.id.startswith(feed_name(portal.feed_url("molit")))
        release.in_api = True
        report = run_collect(settings, since=DAY, until=DAY)
        assert report.new == 0 and report.updated == 1
        (record,) = _records(settings.data_dir)
        assert record.id == first.id  # the published slug and feed id never change (issue 16)
        assert {(s.name, s.id) for s in record.sources} >= {("press-api", "156300003")}
        assert {s.name for s in record.sources} == {"press-api", feed_name(portal.feed_url("molit"))}
        assert "page" not in record.status and record.attachments[0].text


def test_duplicate_items_in_a_feed_and_across_two_feeds_are_one_record(
    tmp_path: Path, small_doc: bytes
) -> None:
    releases = [
        FakeRelease(
            str(156_300_010 + n),
            f"중복 {n}",
            ministry="국토교통부",
            approved=AT,
            in_api=False,
            feeds=("molit", "molit2"),
            files=[FakeFile(f"{n}.hwp", small_doc)],
        )
        for n in range(2)
    ]
    feeds = [FakeFeed("molit", duplicate_items=True), FakeFeed("molit2", duplicate_items=True)]
    with FakePortal(releases, feeds=feeds) as portal:
        settings = portal.settings(tmp_path / "data")
        report = run_collect(settings, since=DAY, until=DAY)
        assert report.new == 2, report.summary_line()
        records = _records(settings.data_dir)
        assert len(records) == 2
        assert all(len(r.sources) == 2 for r in records)
        assert portal.downloads == 2 and portal.count("/ministry/view.do") == 2


def test_malformed_feed_is_a_recorded_source_error_and_others_go_on(tmp_path: Path) -> None:
    release = FakeRelease("156300020", "정상 피드 항목", approved=AT, in_api=False, feeds=("good",))
    with FakePortal([release], feeds=[FakeFeed("bad", mode="malformed"), FakeFeed("good")]) as portal:
        settings = portal.settings(tmp_path / "data", service_key="", source_alarm_runs=2)
        report = run_collect(settings, since=DAY, until=DAY)
        assert report.exit_code == 0 and report.new == 1 and report.feeds_failed == 1
        assert any("malformed" in e for e in report.errors)
        health = Store(settings.data_dir).read_state("sources")
        assert health[feed_name(portal.feed_url("bad"))]["failures"] == 1
        assert not report.alarms
        report = run_collect(settings, since=DAY, until=DAY)
        assert len(report.alarms) == 1 and "FAILED 2 runs in a row" in report.summary_line()


@pytest.mark.parametrize("mode", ["html", "404"])
def test_dead_feed_answering_an_html_page_is_an_error_not_an_empty_feed(tmp_path: Path, mode: str) -> None:
    with FakePortal([], feeds=[FakeFeed("dead", mode=mode)]) as portal:
        settings = portal.settings(tmp_path / "data", service_key="")
        report = run_collect(settings, since=DAY, until=DAY)
        # the only source failed: nothing could be done, said in one line
        assert report.exit_code == EXIT_NOTHING_DONE
        line = report.summary_line()
        assert "no feed reachable" in line and "no Open API key" in line and "\n" not in line
        assert not (settings.data_dir / "releases").exists()


def test_feed_empty_several_runs_in_a_row_raises_an_alarm(tmp_path: Path) -> None:
    with FakePortal([], feeds=[FakeFeed("quiet", mode="empty")]) as portal:
        settings = portal.settings(tmp_path / "data", service_key="", source_alarm_runs=3)
        reports = [run_collect(settings, since=DAY, until=DAY) for _ in range(3)]
        assert [len(r.alarms) for r in reports] == [0, 0, 1]
        assert "NO ITEMS 3 runs in a row" in reports[-1].summary_line()
        assert reports[-1].exit_code == 0


@pytest.mark.parametrize(
    ("page", "reason"),
    [("404", "HTTP 404"), ("500", "HTTP 500"), ("timeout", "timeout"), ("redirect-loop", "redirect-loop")],
)
def test_page_failures_are_recorded_and_retried_later(tmp_path: Path, page: str, reason: str) -> None:
    release = FakeRelease("156300030", "페이지 오류", approved=AT, in_api=False, feeds=("molit",), page=page)
    with FakePortal([release], feeds=[FakeFeed("molit")], hang_seconds=3) as portal:
        settings = portal.settings(tmp_path / "data", service_key="", http_timeout=0.3)
        report = run_collect(settings, since=DAY, until=DAY)
        assert report.exit_code == 0 and report.new == 1
        (record,) = _records(settings.data_dir)
        status = record.status["page"]
        assert status.state == "failed" and reason in status.reason and status.attempts == 1
        assert datetime.fromisoformat(status.next_retry) > datetime.now(KST)
        if page in ("500", "timeout"):  # retried within the run
            assert portal.count("/ministry/view.do") == 1 + settings.http_retries
        # not due yet: the next run leaves it alone
        before = portal.count("/ministry/view.do")
        run_collect(settings, since=DAY, until=DAY)
        assert portal.count("/ministry/view.do") == before
        # once due (no backoff) and the page works again, the release completes
        release.page = "ok"
        relaxed = settings.with_values({"retry_backoff_hours": 0, "http_timeout": 10})
        run_collect(relaxed, since=DAY, until=DAY)
        (record,) = _records(settings.data_dir)
        assert record.status["page"].state == "ok" and record.status["page"].attempts == 2
        assert "페이지 오류 관련 보도자료입니다" in record.body_text


def test_slow_page_within_the_timeout_is_read(tmp_path: Path) -> None:
    release = FakeRelease(
        "156300040", "느린 페이지", approved=AT, in_api=False, feeds=("molit",), page="slow"
    )
    with FakePortal([release], feeds=[FakeFeed("molit")], slow_seconds=0.3) as portal:
        settings = portal.settings(tmp_path / "data", service_key="", http_timeout=2)
        run_collect(settings, since=DAY, until=DAY)
        (record,) = _records(settings.data_dir)
        assert record.status["page"].state == "ok" and "느린 페이지" in record.body_text


def test_retries_stop_at_the_attempt_cap(tmp_path: Path) -> None:
    release = FakeRelease("156300050", "계속 실패", approved=AT, in_api=False, feeds=("molit",), page="500")
    with FakePortal([release], feeds=[FakeFeed("molit")]) as portal:
        settings = portal.settings(
            tmp_path / "data", service_key="", max_attempts=2, retry_backoff_hours=0, http_retries=0
        )
        for _ in range(4):
            run_collect(settings, since=DAY, until=DAY)
        (record,) = _records(settings.data_dir)
        status = record.status["page"]
        assert status.attempts == 2 and status.next_retry is None and "gave up" in status.reason
        assert portal.count("/ministry/view.do") == 2


def test_transient_download_failure_is_retried_within_the_run(tmp_path: Path, small_doc: bytes) -> None:
    release = FakeRelease(
        "156300060", "일시 오류", approved=AT, files=[FakeFile("a.hwp", small_doc, fail_times=1)]
    )
    with FakePortal([release]) as portal:
        settings = portal.settings(tmp_path / "data", feeds=[])
        run_collect(settings, since=DAY, until=DAY)
        (record,) = _records(settings.data_dir)
        assert record.attachments[0].error is None and record.attachments[0].text
        assert portal.downloads == 2


def test_rate_limited_download_waits_as_the_server_asks(tmp_path: Path, small_doc: bytes) -> None:
    release = FakeRelease(
        "156300065", "요청 제한", approved=AT, files=[FakeFile("a.hwp", small_doc, rate_limited=1)]
    )
    with FakePortal([release]) as portal:
        settings = portal.settings(tmp_path / "data", feeds=[])  # backoff is milliseconds in tests
        run_collect(settings, since=DAY, until=DAY)
        (record,) = _records(settings.data_dir)
        assert record.attachments[0].error is None and record.attachments[0].text
        downloads = [r.at for r in portal.requests if r.path == "/common/download.do"]
        assert len(downloads) == 2 and downloads[1] - downloads[0] >= 0.9  # Retry-After: 1


def test_failed_download_is_retried_on_a_later_run_only(tmp_path: Path, small_doc: bytes) -> None:
    good = FakeFile("good.hwp", small_doc)
    bad = FakeFile("bad.hwp", small_doc, status=503)
    release = FakeRelease("156300070", "첨부 일부 실패", approved=AT, files=[good, bad])
    with FakePortal([release]) as portal:
        settings = portal.settings(tmp_path / "data", feeds=[], http_retries=0)
        run_collect(settings, since=DAY, until=DAY)
        (record,) = _records(settings.data_dir)
        assert record.status["attachments"].state == "failed"
        assert record.attachments[0].text and "HTTP 503" in record.attachments[1].error
        bad.status = 200
        run_collect(settings.with_values({"retry_backoff_hours": 0}), since=DAY, until=DAY)
        (record,) = _records(settings.data_dir)
        assert record.status["attachments"].state == "ok"
        assert all(a.text and a.error is None for a in record.attachments)
        assert portal.downloads == 3  # the good file was not downloaded again


def test_extraction_stopped_by_the_time_limit_is_retried_on_a_later_run(tmp_path: Path, corpus: Path) -> None:
    # a large document and a time limit far below its extraction time (~50 ms even when warm)
    big = FakeFile.from_corpus(corpus, "pdf/moef-2024-06-21-fdi-2024q1.pdf")
    release = FakeRelease("156300075", "추출 시간 초과", approved=AT, files=[big])
    with FakePortal([release]) as portal:
        settings = portal.settings(tmp_path / "data", feeds=[], extract_timeout=0.0001)
        run_collect(settings, since=DAY, until=DAY)
        (record,) = _records(settings.data_dir)
        assert record.attachments[0].error.startswith("timeout")
        assert record.status["attachments"].state == "failed"  # a machine limit, not the file: retried
        retry = settings.with_values({"extract_timeout": 60, "retry_backoff_hours": 0})
        run_collect(retry, since=DAY, until=DAY)
        (record,) = _records(settings.data_dir)
        assert record.attachments[0].error is None and record.attachments[0].text
        assert record.status["attachments"].state == "ok"
        assert portal.downloads == 2


def test_download_over_the_size_cap_is_refused_while_streaming(tmp_path: Path) -> None:
    big = FakeFile("big.pdf", b"%PDF-1.4\n" + b"0" * 300_000)
    release = FakeRelease("156300080", "큰 첨부", approved=AT, files=[big])
    with FakePortal([release]) as portal:
        settings = portal.settings(tmp_path / "data", feeds=[], max_download_mb=0.1)
        assert run_collect(settings, since=DAY, until=DAY).exit_code == 0
        (record,) = _records(settings.data_dir)
        assert record.attachments[0].error.startswith("too-large:")
        assert record.status["attachments"].state == "ok"  # a cap is final: not retried


def test_conditional_get_for_feeds(tmp_path: Path) -> None:
    release = FakeRelease("156300090", "조건부 요청", approved=AT, in_api=False, feeds=("molit",))
    with FakePortal([release], feeds=[FakeFeed("molit")]) as portal:
        settings = portal.settings(tmp_path / "data", service_key="")
        run_collect(settings, since=DAY, until=DAY)
        report = run_collect(settings, since=DAY, until=DAY)
        first, second = [r for r in portal.requests if r.path.startswith("/feeds/")]
        assert "if-none-match" not in first.headers
        assert second.headers["if-none-match"].startswith('"')
        assert report.feeds_read == 1 and report.exit_code == 0
        assert portal.count(API_PATH) == 0
        # a backfill reaching before the window the validators cover asks unconditionally
        run_collect(settings, since=DAY - timedelta(days=5), until=DAY)
        third = [r for r in portal.requests if r.path.startswith("/feeds/")][2]
        assert "if-none-match" not in third.headers


def test_page_without_a_known_container_uses_trafilatura(tmp_path: Path) -> None:
    from briefing.extract.html import page_text

    chrome = "".join(f"<li><a href='/m{i}'>메뉴 {i}</a></li>" for i in range(12))
    body = "".join(
        f"<p>정부는 {i}번째 문단에서 새로운 지원 정책의 세부 내용을 설명하고 관계 부처와 협력 계획을 밝혔다.</p>"
        for i in range(6)
    )
    html = (
        f"<html><body><nav><ul>{chrome}</ul></nav><main><article><h1>제목</h1>{body}</article></main>"
        "<footer><p>저작권 정책 개인정보처리방침 세종특별자치시</p></footer></body></html>"
    )
    text = page_text(html)
    assert "0번째 문단" in text and "5번째 문단" in text
    assert "메뉴 3" not in text and "개인정보처리방침" not in text


def test_same_title_same_day_from_one_source_stays_two_releases(tmp_path: Path) -> None:
    api_twins = [
        FakeRelease(str(156_300_100 + n), "정례 브리핑", ministry="국토교통부", approved=AT) for n in range(2)
    ]
    feed_twins = [
        FakeRelease(
            str(156_300_200 + n),
            "주간 동정",
            ministry="국토교통부",
            approved=AT,
            in_api=False,
            feeds=("molit",),
        )
        for n in range(2)
    ]
    with FakePortal(api_twins + feed_twins, feeds=[FakeFeed("molit")]) as portal:
        settings = portal.settings(tmp_path / "data")
        report = run_collect(settings, since=DAY, until=DAY)
        assert report.new == 4 and len(_records(settings.data_dir)) == 4


def test_attachment_links_found_by_text_href_extension_and_download_endpoint() -> None:
    from briefing.sources.pages import find_attachment_links

    html = """<html><body>
      <a href="/files/plan.hwpx">계획</a>
      <a href="/common/download.do?fileId=1&tblKey=GMN">붙임1. 자료.hwp</a>
      <a href="/board/fileDown.do?atchFileId=F2&fileSn=0">내려받기</a>
      <a href="/cms/download?id=3" title="보도자료.pdf">PDF</a>
      <a href="/view/abc">보도자료 원문.pdf</a>
      <a href="javascript:fnDown('4')">자료.hwp</a>
      <a href="mailto:a@b.kr">메일</a>
      <a href="/about">소개</a>
      <a href="/files/plan.hwpx">중복</a>
    </body></html>"""
    links = find_attachment_links(html, "https://www.molit.go.kr/news/view.do?id=9")
    assert links == [
        ("plan.hwpx", "https://www.molit.go.kr/files/plan.hwpx"),
        ("붙임1. 자료.hwp", "https://www.molit.go.kr/common/download.do?fileId=1&tblKey=GMN"),
        ("내려받기", "https://www.molit.go.kr/board/fileDown.do?atchFileId=F2&fileSn=0"),
        ("보도자료.pdf", "https://www.molit.go.kr/cms/download?id=3"),
        ("보도자료 원문.pdf", "https://www.molit.go.kr/view/abc"),
    ]


def test_requests_to_one_host_are_spaced_by_the_delay(tmp_path: Path) -> None:
    import time

    from briefing.http import HttpClient

    with FakePortal([], feeds=[FakeFeed("molit")]) as portal:
        with HttpClient(portal.settings(tmp_path, request_delay=0.2)) as client:
            started = time.monotonic()
            for _ in range(3):
                client.get(portal.feed_url("molit"))
            assert time.monotonic() - started >= 0.4
        assert portal.requests[0].headers["user-agent"].startswith("briefing/")


def test_edited_feed_release_whose_page_fails_keeps_what_it_had(tmp_path: Path, small_doc: bytes) -> None:
    release = FakeRelease(
        "156300300",
        "수정 전",
        approved=AT,
        in_api=False,
        feeds=("molit",),
        files=[FakeFile("a.hwp", small_doc)],
    )
    with FakePortal([release], feeds=[FakeFeed("molit")]) as portal:
        settings = portal.settings(tmp_path / "data", service_key="")
        run_collect(settings, since=DAY, until=DAY)
        release.title, release.page = "수정 후", "500"
        report = run_collect(settings, since=DAY, until=DAY)
        assert report.updated == 1
        (record,) = _records(settings.data_dir)
        assert record.title == "수정 후" and record.status["page"].state == "failed"
        assert record.attachments[0].text and "수정 전 관련 보도자료입니다" in record.body_text


def test_feed_dated_across_midnight_still_matches_the_api_release(tmp_path: Path) -> None:
    # A feed giving "23:30" without a zone is read as UTC: 08:30 the next day in Korea.
    release = FakeRelease("156300400", "자정 무렵 배포", ministry="국토교통부", approved=AT)
    with FakePortal([release], feeds=[FakeFeed("molit")]) as portal:
        settings = portal.settings(tmp_path / "data")
        run_collect(settings, since=DAY, until=DAY + timedelta(days=1))
        # the ministry's feed lists it only now, dated the next morning
        release.approved = AT + timedelta(hours=22, minutes=30)
        release.in_api, release.feeds = False, ("molit",)
        report = run_collect(settings, since=DAY, until=DAY + timedelta(days=1))
        assert report.new == 0
        (record,) = _records(settings.data_dir)
        assert record.id == "156300400" and len(record.sources) == 2
