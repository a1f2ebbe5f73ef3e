"""Collection from the press-release Open API, over real HTTP against the fake portal."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

from briefing.collect import EXIT_LOCKED, EXIT_NOTHING_DONE, run_collect
from briefing.records import KST
from briefing.sources import press_api
from briefing.store import Store
from briefing.testing.fakeportal import API_PATH, DEFAULT_KEY, FakeFeed, FakeFile, FakePortal, FakeRelease

DAY = date(2026, 11, 20)


def _at(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, datetime.min.time(), KST) + timedelta(hours=hour)


def _records(data_dir: Path) -> dict:
    return {r.id: r for r in Store(data_dir).iter_records()}


@pytest.fixture
def small_doc(corpus: Path) -> bytes:
    return (corpus / "hwp/kwater-digital-platform-review.hwp").read_bytes()


def test_key_with_plus_slash_equals_is_sent_exactly_once_encoded(tmp_path: Path) -> None:
    release = FakeRelease("156000001", "키 인코딩 확인", approved=_at(DAY))
    with FakePortal([release]) as portal:
        assert "+" in DEFAULT_KEY and "/" in DEFAULT_KEY and "=" in DEFAULT_KEY
        report = run_collect(portal.settings(tmp_path / "raw"), since=DAY, until=DAY)
        assert report.exit_code == 0 and report.new == 1, report.summary_line()
        # an "encoding" key (already percent-encoded) is passed verbatim, not encoded again
        encoded = portal.settings(tmp_path / "enc", service_key=quote(DEFAULT_KEY, safe=""))
        report = run_collect(encoded, since=DAY, until=DAY)
        assert report.exit_code == 0 and report.new == 1, report.summary_line()
        keys = [r.query["serviceKey"][0] for r in portal.requests if r.path == API_PATH]
        assert keys == [DEFAULT_KEY, DEFAULT_KEY]


def test_missing_key_and_no_feed_says_so_in_one_line_and_changes_nothing(tmp_path: Path) -> None:
    with FakePortal([FakeRelease("156000001", "제목", approved=_at(DAY))]) as portal:
        settings = portal.settings(tmp_path / "data", service_key="", feeds=[])
        report = run_collect(settings, since=DAY, until=DAY)
        assert report.exit_code == EXIT_NOTHING_DONE
        line = report.summary_line()
        assert "\n" not in line and "DATA_GO_KR_SERVICE_KEY" in line and "nothing changed" in line
        assert not settings.data_dir.exists()
        assert portal.requests == []


def test_invalid_key_reports_the_portal_message_and_stops_calling(tmp_path: Path) -> None:
    with FakePortal([FakeRelease("156000001", "제목", approved=_at(DAY))]) as portal:
        settings = portal.settings(tmp_path / "data", service_key="not-the-key", feeds=[])
        report = run_collect(settings, since=DAY - timedelta(days=4), until=DAY)
        assert report.exit_code == EXIT_NOTHING_DONE
        line = report.summary_line()
        assert "SERVICE_KEY_IS_NOT_REGISTERED_ERROR" in line and "\n" not in line
        assert portal.count(API_PATH) == 1  # a refused key is not tried again for every day
        assert _records(settings.data_dir) == {}


def test_key_error_with_http_401_is_reported_the_same_way(tmp_path: Path) -> None:
    with FakePortal() as portal:
        portal.key_error_status = 401
        settings = portal.settings(tmp_path / "data", service_key="SECRET+KEY123", feeds=[])
        report = run_collect(settings, since=DAY, until=DAY)
        # a 4xx is not retried; the error names the HTTP status and never the key
        assert report.exit_code == EXIT_NOTHING_DONE
        assert "401" in report.summary_line() and "serviceKey=***" in report.summary_line()
        assert "KEY123" not in report.summary_line() + " ".join(report.errors)
        assert portal.count(API_PATH) == 1


def test_window_longer_than_three_days_is_walked_one_day_per_call(tmp_path: Path) -> None:
    days = [DAY - timedelta(days=n) for n in range(10)]
    releases = [
        FakeRelease(str(156_100_000 + n), f"{n}일 전 보도자료", approved=_at(d)) for n, d in enumerate(days)
    ]
    with FakePortal(releases) as portal:
        settings = portal.settings(tmp_path / "data", feeds=[])
        report = run_collect(settings, since=days[-1], until=DAY)
        assert report.exit_code == 0 and report.api_days == 10 and report.api_days_failed == 0
        assert set(_records(settings.data_dir)) == {r.news_id for r in releases}
        calls = [r.query for r in portal.requests if r.path == API_PATH]
        assert len(calls) == 10 and all(q["startDate"] == q["endDate"] for q in calls)


def test_fake_api_enforces_its_limits_and_the_parser_reports_them() -> None:
    with FakePortal() as portal:
        base = f"{portal.api_url}?serviceKey={quote(DEFAULT_KEY, safe='')}"
        wide = httpx.get(f"{base}&startDate=20261101&endDate=20261110").content
        with pytest.raises(press_api.PressApiError, match="98") as err:
            press_api.parse_response(wide)
        assert not err.value.fatal
        bad = httpx.get(f"{base}&startDate=2026-11-01&endDate=20261101").content
        with pytest.raises(press_api.PressApiError, match="97"):
            press_api.parse_response(bad)
    with pytest.raises(press_api.PressApiError, match="not usable XML"):
        press_api.parse_response(b"<html><body>Bad Gateway</body></html")


def test_api_error_body_with_http_200_is_an_error_not_an_empty_day(tmp_path: Path) -> None:
    with FakePortal([FakeRelease("156000001", "제목", approved=_at(DAY))]) as portal:
        portal.api_error = ("22", "LIMITED_NUMBER_OF_SERVICE_REQUESTS_EXCEEDS_ERROR")
        settings = portal.settings(tmp_path / "data", feeds=[])
        report = run_collect(settings, since=DAY - timedelta(days=2), until=DAY)
        assert report.exit_code == EXIT_NOTHING_DONE
        assert "LIMITED_NUMBER_OF_SERVICE_REQUESTS_EXCEEDS_ERROR" in report.summary_line()
        assert portal.count(API_PATH) == 1  # quota errors stop the run's API calls
        assert _records(settings.data_dir) == {}
        portal.api_error = None
        assert run_collect(settings, since=DAY, until=DAY).new == 1


def test_failed_api_day_is_read_again_by_the_next_default_run(tmp_path: Path) -> None:
    today = datetime.now(KST).date()
    release = FakeRelease("156000002", "재시도 대상", approved=_at(today, 0))
    with FakePortal([release]) as portal:
        settings = portal.settings(tmp_path / "data", feeds=[])
        portal.api_error = ("99", "UNKNOWN_ERROR")
        assert run_collect(settings).exit_code == EXIT_NOTHING_DONE
        portal.api_error = None
        report = run_collect(settings)
        assert report.exit_code == 0 and report.new == 1
        assert report.since == today - timedelta(days=settings.first_run_days)
        state = Store(settings.data_dir).read_state("collect")
        assert state["last_success"] == today.isoformat()
        report = run_collect(settings)  # from the last successful day
        assert report.since == today and report.new == 0 and report.downloaded == 0


def test_record_fields_from_the_api(tmp_path: Path, small_doc: bytes) -> None:
    release = FakeRelease(
        "156000003",
        "[기획재정부] <script>alert('x')</script> 예산안 & 발표",
        subtitles=["부제 하나", "부제 둘"],
        approved=_at(DAY, 23),  # late evening in Korea: still DAY's folder
        files=[FakeFile("../../../etc/passwd.hwp", small_doc), FakeFile("..\\..\\win.hwp", small_doc)],
        body_html="<p>첫 문단.</p><table><tr><td>구분</td><td>100억원</td></tr></table>"
        "<p>이 자료는 기획재정부의 보도자료를 전재하여 제공함을 알려드립니다.</p>",
    )
    with FakePortal([release]) as portal:
        settings = portal.settings(tmp_path / "data", feeds=[])
        assert run_collect(settings, since=DAY, until=DAY).exit_code == 0
        path = settings.data_dir / "releases/2026/11/156000003.json"
        record = Store.read(path)
    assert record.title == "<script>alert('x')</script> 예산안 & 발표"  # text as is; escaped at render
    assert record.ministry == "기획재정부"
    assert record.published == "2026-11-20T23:00:00+09:00"
    assert record.subtitles == ["부제 하나", "부제 둘"]
    assert record.body_text == "첫 문단.\n구분 100억원"  # reprint notice dropped, table text kept
    assert [a.name for a in record.attachments] == ["passwd.hwp", "win.hwp"]
    assert all(
        a.type == "hwp" and a.text and a.sha256 and a.size == len(small_doc) for a in record.attachments
    )
    assert record.sources[0].name == "press-api" and record.url.endswith("newsId=156000003")
    assert not list(tmp_path.rglob("passwd*")) and not list(tmp_path.rglob("win.hwp"))


@pytest.mark.parametrize("disposition", ["rfc5987", "utf8", "euc-kr", "percent"])
def test_korean_file_name_in_each_header_encoding(tmp_path: Path, small_doc: bytes, disposition: str) -> None:
    name = "붙임1_2026년 예산안(최종).hwp"
    release = FakeRelease(
        "156000004",
        "파일명 인코딩",
        approved=_at(DAY),
        in_api=False,
        feeds=("moef",),
        page_link_text="내려받기",  # the page names no file: the header must
        files=[FakeFile(name, small_doc, disposition=disposition)],
    )
    with FakePortal([release], feeds=[FakeFeed("moef", title="기획재정부 보도자료")]) as portal:
        settings = portal.settings(tmp_path / "data")
        assert run_collect(settings, since=DAY, until=DAY).exit_code == 0
        (record,) = _records(settings.data_dir).values()
    assert [a.name for a in record.attachments] == [name]
    assert record.attachments[0].error is None and record.attachments[0].text


def test_edited_release_updates_its_one_record(tmp_path: Path, small_doc: bytes, corpus: Path) -> None:
    release = FakeRelease("156000005", "원래 제목", approved=_at(DAY), files=[FakeFile("a.hwp", small_doc)])
    with FakePortal([release]) as portal:
        settings = portal.settings(tmp_path / "data", feeds=[])
        run_collect(settings, since=DAY, until=DAY)
        release.title = "고친 제목"
        release.modified = _at(DAY, 15)
        release.files.append(FakeFile.from_corpus(corpus, "hwpx/mof-2026-05-07-fisheries-acts.hwpx"))
        report = run_collect(settings, since=DAY, until=DAY)
        assert report.updated == 1 and report.new == 0
        records = _records(settings.data_dir)
    assert list(records) == ["156000005"]
    record = records["156000005"]
    assert record.title == "고친 제목" and record.modified == "2026-11-20T15:00:00+09:00"
    assert [a.name for a in record.attachments] == ["a.hwp", "mof-2026-05-07-fisheries-acts.hwpx"]
    assert all(a.text for a in record.attachments)


def test_concurrent_run_is_refused_with_its_own_exit_code(tmp_path: Path) -> None:
    with FakePortal([FakeRelease("156000006", "잠금", approved=_at(DAY))]) as portal:
        settings = portal.settings(tmp_path / "data", feeds=[])
        with Store(settings.data_dir).lock():
            report = run_collect(settings, since=DAY, until=DAY)
        assert report.exit_code == EXIT_LOCKED
        assert "another briefing run" in report.summary_line()
        assert portal.requests == [] and _records(settings.data_dir) == {}
        assert run_collect(settings, since=DAY, until=DAY).exit_code == 0  # free again afterwards


def test_limit_leaves_the_rest_for_the_next_run(tmp_path: Path) -> None:
    releases = [FakeRelease(str(156_200_000 + n), f"제한 {n}", approved=_at(DAY, 9 + n)) for n in range(5)]
    with FakePortal(releases) as portal:
        settings = portal.settings(tmp_path / "data", feeds=[])
        report = run_collect(settings, since=DAY, until=DAY, limit=2)
        assert report.new == 2 and report.skipped_by_limit == 3
        assert len(_records(settings.data_dir)) == 2
        report = run_collect(settings, since=DAY, until=DAY)
        assert report.new == 3 and report.unchanged == 2


def test_unreadable_record_is_reported_and_kept_while_the_others_are_collected(tmp_path: Path) -> None:
    releases = [FakeRelease(str(156_000_010 + n), f"기록 {n}", approved=_at(DAY)) for n in range(2)]
    with FakePortal(releases) as portal:
        settings = portal.settings(tmp_path / "data", feeds=[])
        broken = settings.data_dir / "releases/2026/11/156000010.json"
        broken.parent.mkdir(parents=True)
        broken.write_text('{"id": "156000010", "title": ', encoding="utf-8")
        report = run_collect(settings, since=DAY, until=DAY)
        assert report.exit_code == 0 and report.new == 1
        assert any("unreadable record" in e and "156000010" in e for e in report.errors)
        assert broken.read_text(encoding="utf-8") == '{"id": "156000010", "title": '  # nothing lost
        assert "156000011" in _records(settings.data_dir)


def test_since_after_until_is_refused(tmp_path: Path) -> None:
    with FakePortal() as portal:
        report = run_collect(portal.settings(tmp_path / "data"), since=DAY, until=DAY - timedelta(days=1))
        assert report.exit_code == EXIT_NOTHING_DONE and "--since" in report.summary_line()
        assert portal.requests == []


def test_parser_reads_items_and_skips_an_unusable_one() -> None:
    xml = (
        "<response><header><resultCode>00</resultCode><resultMsg>OK</resultMsg></header><body>"
        "<NewsItem><NewsItemId>1</NewsItemId><Title><![CDATA[[환경부] 첫째 & <둘째>]]></Title>"
        "<ApproveDate>11/20/2026 09:30:00</ApproveDate><ModifyDate>11/21/2026 10:00:00</ModifyDate>"
        "<MinisterCode>환경부</MinisterCode><DataContents><![CDATA[<p>본문</p>]]></DataContents>"
        "<FileName>a.hwpx</FileName><FileUrl>https://www.korea.kr/common/download.do?fileId=1&amp;tblKey=GMN</FileUrl>"
        "<FileName>a.pdf</FileName><FileUrl>https://www.korea.kr/common/download.do?fileId=2&amp;tblKey=GMN</FileUrl>"
        "</NewsItem><NewsItem><NewsItemId>2</NewsItemId><Title>날짜 없음</Title></NewsItem>"
        "<totalCount>2</totalCount></body></response>"
    ).encode()
    (item,) = press_api.parse_response(xml)
    assert item.release_id == "1" and item.title == "첫째 & <둘째>" and item.ministry == "환경부"
    assert item.published.isoformat() == "2026-11-20T09:30:00+09:00"
    assert item.modified.isoformat() == "2026-11-21T10:00:00+09:00"
    assert item.url == "https://www.korea.kr/briefing/pressReleaseView.do?newsId=1"
    assert [name for name, _ in item.attachments] == ["a.hwpx", "a.pdf"]
    assert item.attachments[0][1].endswith("fileId=1&tblKey=GMN")


def test_xml_entity_bombs_are_refused() -> None:
    bomb = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><response>&b;</response>'
    with pytest.raises(press_api.PressApiError, match="not usable XML"):
        press_api.parse_response(bomb)


def test_unreachable_api_is_not_asked_for_every_day(tmp_path: Path) -> None:
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}{API_PATH}"
    with FakePortal() as portal:
        settings = portal.settings(tmp_path / "data", feeds=[], press_api=dead)
        report = run_collect(settings, since=DAY - timedelta(days=9), until=DAY)
        assert report.exit_code == EXIT_NOTHING_DONE and "connect" in report.summary_line()
        assert report.api_days_failed == 2


def test_unwritable_data_dir_is_one_clear_line(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    with FakePortal() as portal:
        report = run_collect(portal.settings(blocker / "data"), since=DAY, until=DAY)
        assert report.exit_code == EXIT_NOTHING_DONE
        assert (
            report.summary_line().startswith("collect: cannot write under")
            and "\n" not in report.summary_line()
        )
