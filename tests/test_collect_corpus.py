"""``briefing collect`` over the whole real corpus, through the fake portal (API, feed, pages).

One collection per test module (it extracts every corpus file once); the tests read its records.
"""

from __future__ import annotations

import json
import unicodedata
from datetime import date
from pathlib import Path

import pytest

from briefing.collect import run_collect
from briefing.sources.feeds import feed_name
from briefing.store import Store
from briefing.testing.fakeportal import API_PATH, EDGE_COMPANION, FakeFeed, FakePortal, corpus_releases

DAY = date(2026, 11, 20)


def _norm(text: str) -> str:
    """The corpus's matching rule: NFC, whitespace runs collapsed to one space."""
    return " ".join(unicodedata.normalize("NFC", text).split())


@pytest.fixture(scope="module")
def collected(corpus: Path, snippets: dict, tmp_path_factory: pytest.TempPathFactory):
    releases = corpus_releases(corpus, snippets, DAY, feed="molit")
    data_dir = tmp_path_factory.mktemp("corpus-collect") / "data"
    with FakePortal(releases, feeds=[FakeFeed("molit")]) as portal:
        settings = portal.settings(data_dir)
        report = run_collect(settings, since=DAY, until=DAY)
        # by every id a source gave (feed-only releases have "<feed>-<seq>" record ids)
        records = {s.id: r for r in Store(data_dir).iter_records() for s in r.sources}
        yield {
            "portal": portal,
            "settings": settings,
            "report": report,
            "records": records,
            "releases": releases,
        }


def _attachments_by_corpus_path(collected: dict) -> dict[str, tuple]:
    """corpus path -> (record, attachment), via the release each file was published in."""
    out = {}
    for release in collected["releases"]:
        record = collected["records"][release.news_id]
        for fake in release.files:
            match = [a for a in record.attachments if a.size == len(fake.data) and a.name in (fake.name,)]
            assert match, f"{fake.name} missing from record {record.id}"
            out[fake.name] = (record, match[0])
    return out


def test_run_reports_every_release(collected: dict) -> None:
    report = collected["report"]
    assert report.exit_code == 0
    assert report.new == len(collected["releases"]) == len({r.id for r in collected["records"].values()})
    assert report.downloaded == sum(len(r.files) for r in collected["releases"])
    assert "20 new" in report.summary_line()


def test_every_corpus_document_has_all_its_snippets(collected: dict, snippets: dict) -> None:
    by_name = _attachments_by_corpus_path(collected)
    checked = 0
    for path, info in snippets.items():
        if info["expect"] != "text":
            continue
        record, att = by_name[Path(path).name]
        assert att.error is None, f"{path}: {att.error}"
        text = _norm(att.text)
        for snippet in [*info.get("snippets", []), *info.get("table_snippets", [])]:
            assert _norm(snippet) in text, f"{path}: {snippet!r} not in record {record.id}"
            checked += 1
        for banned in info.get("must_not_contain", []):
            assert banned not in att.text, f"{path}: must not contain {banned!r}"
        assert att.sha256 and att.extracted_with and att.type in ("pdf", "hwp", "hwpx")
    assert checked > 80


def test_edge_files_recorded_with_their_error_and_companion_still_extracted(
    collected: dict, snippets: dict
) -> None:
    record = collected["records"]["156799999"]
    by_name = {a.name: a for a in record.attachments}
    for path, info in snippets.items():
        if not path.startswith("edge/"):
            continue
        att = by_name[Path(path).name]
        assert att.sha256 is not None and att.size == info["size"], path
        if info["expect"] == "error":
            assert att.error and att.error.startswith(info["error_type"] + ":"), f"{path}: {att.error}"
            assert att.text == ""
        elif info["expect"] == "empty":
            assert att.error is None and att.text.strip() == "", path
        else:
            assert att.error is None and att.text, path
    companion = by_name["companion.hwpx"]
    assert companion.error is None
    assert _norm(snippets[EDGE_COMPANION]["snippets"][0]) in _norm(companion.text)
    assert record.status["attachments"].state == "ok"  # extraction errors are final, not retried


def test_feed_releases_take_text_and_attachments_from_their_page(collected: dict) -> None:
    feed_only = [r for r in collected["releases"] if not r.in_api]
    assert feed_only
    for release in feed_only:
        record = collected["records"][release.news_id]
        assert [s.name for s in record.sources] == [feed_name(collected["settings"].feeds[0])]
        assert "/ministry/view.do" in record.url
        assert record.status["page"].state == "ok"
        # the page says only "이 자료는 …의 보도자료를 전재하여 제공함을 알려드립니다": no body
        assert record.body_text == ""
        assert sorted(a.name for a in record.attachments) == sorted(f.name for f in release.files)
        assert record.ministry == release.ministry
        assert record.title == release.title  # "[부처명]" prefix removed


def test_rerun_downloads_nothing_and_changes_no_record(collected: dict) -> None:
    portal, settings = collected["portal"], collected["settings"]
    store = Store(settings.data_dir)
    before = {p: p.read_bytes() for p in store.iter_paths()}
    requests_before = len(portal.requests)
    report = run_collect(settings, since=DAY, until=DAY)
    assert report.exit_code == 0 and report.new == 0 and report.updated == 0
    assert report.downloaded == 0
    new_requests = portal.requests[requests_before:]
    assert not [r for r in new_requests if r.path.endswith("download.do") or "view.do" in r.path]
    assert {p: p.read_bytes() for p in store.iter_paths()} == before
    # the feed was asked conditionally and answered 304
    feed_requests = [r for r in new_requests if r.path.startswith("/feeds/")]
    assert feed_requests and all("if-none-match" in r.headers for r in feed_requests)
    assert not list(settings.data_dir.rglob("*.tmp"))
    for path in before:
        json.loads(before[path])
    # a feed that ignores validators lists everything again: still nothing fetched or changed
    portal.feeds["molit"].conditional = False
    requests_before = len(portal.requests)
    report = run_collect(settings, since=DAY, until=DAY)
    assert report.unchanged == len(collected["releases"]) and report.new == report.updated == 0
    assert [r.path for r in portal.requests[requests_before:]] == [API_PATH, "/feeds/molit.xml"]
    assert {p: p.read_bytes() for p in store.iter_paths()} == before
