"""Finding 1: a release first seen in a ministry feed keeps its URL and feed entry id when the Open
API lists it later, and is not summarised again. Real collector (fake portal), real summariser (fake
LLM), real Pelican build, the built site served over HTTP.
"""

from __future__ import annotations

import threading
import urllib.request
from datetime import date, datetime, timedelta
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import feedparser
import pytest

from briefing.collect import run_collect
from briefing.records import KST
from briefing.store import Store
from briefing.summarize import run_summarize
from briefing.testing.fakellm import FakeLLM, json_reply
from briefing.testing.fakeportal import FakeFeed, FakeFile, FakePortal, FakeRelease
from briefing.testing.summaries import BODY, llm_settings, valid_summary
from tests.support.sitebuild import build_site

DAY = date(2026, 11, 20)
APPROVED = datetime.combine(DAY, datetime.min.time(), KST) + timedelta(hours=9)
SITE = "https://example.org/briefing"
TITLE = "인공지능 반도체 산업 육성 지원 계획 발표"


def _build(root: Path, output: Path) -> Path:
    return build_site(
        root / "content",
        output,
        data_dir=root / "data",
        SITEURL=SITE,
        FEED_DOMAIN=SITE,
        RELATIVE_URLS=False,
        SUMMARIZE_ON_BUILD=False,
    )


def _feed_entries(output: Path) -> list:
    parsed = feedparser.parse((output / "feeds" / "all.atom.xml").read_bytes())
    return [e for e in parsed.entries if e.title == TITLE]


def _answers(output: Path, url: str) -> int:
    handler = partial(SimpleHTTPRequestHandler, directory=str(output))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        local = url.replace(SITE, f"http://127.0.0.1:{server.server_address[1]}")
        with urllib.request.urlopen(local, timeout=10) as response:
            return response.status
    finally:
        server.shutdown()
        server.server_close()


def test_feed_first_then_api_keeps_url_feed_id_and_summary(tmp_path: Path) -> None:
    body = "".join(f"<p>{line}</p>" for line in BODY.splitlines())
    release = FakeRelease(
        "156300003",
        TITLE,
        ministry="과학기술정보통신부",
        approved=APPROVED,
        body_html=body,
        in_api=False,
        feeds=("msit",),
        files=[FakeFile("지원계획.hwp", b"attachment bytes " * 30)],
    )
    with (
        pytest.MonkeyPatch.context() as mp,
        FakeLLM() as llm,
        FakePortal([release], feeds=[FakeFeed("msit")]) as portal,
    ):
        mp.setenv("OPENAI_API_KEY", "sk-test-dummy")
        llm.default = json_reply(valid_summary())
        collect = portal.settings(tmp_path / "data")
        summarize = llm_settings(tmp_path, llm.api_base)

        # run 1: only the ministry's feed lists it
        assert run_collect(collect, since=DAY, until=DAY).new == 1
        (first,) = Store(collect.data_dir).iter_records()
        assert not first.id.isdigit()  # a feed-made id
        assert run_summarize(summarize).written == 1
        calls = llm.calls
        assert calls >= 1
        out1 = _build(tmp_path, tmp_path / "out1")
        (entry1,) = _feed_entries(out1)
        assert _answers(out1, entry1.link) == 200

        # run 2: the Open API lists it with its portal id
        release.in_api = True
        report = run_collect(collect, since=DAY, until=DAY)
        assert report.new == 0 and report.updated == 1, report.summary_line()
        (record,) = Store(collect.data_dir).iter_records()
        assert record.id == first.id  # not moved
        assert ("press-api", "156300003") in {(s.name, s.id) for s in record.sources}
        assert record.source_hash() == first.source_hash()
        again = run_summarize(summarize)
        assert llm.calls == calls, again.summary_line()  # zero new model calls
        out2 = _build(tmp_path, tmp_path / "out2")
        (entry2,) = _feed_entries(out2)  # listed once
        assert entry2.id == entry1.id and entry2.link == entry1.link
        assert _answers(out2, entry1.link) == 200  # the first URL still answers

        # run 3: nothing changes again
        assert run_collect(collect, since=DAY, until=DAY).updated == 0
        assert [r.id for r in Store(collect.data_dir).iter_records()] == [first.id]
