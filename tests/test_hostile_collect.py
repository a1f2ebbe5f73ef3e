"""Hostile portal answers against the collector: oversized text, over real HTTP on 127.0.0.1."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

from briefing.collect import run_collect
from briefing.records import KST
from briefing.store import Store
from briefing.testing.fakeportal import FakeFeed, FakePortal, FakeRelease

DAY = date(2026, 11, 20)
APPROVED = datetime.combine(DAY, datetime.min.time(), KST) + timedelta(hours=9)


def _records(data_dir: Path) -> dict:
    return {r.id: r for r in Store(data_dir).iter_records()}


def test_api_data_contents_and_page_text_are_capped_with_a_note(tmp_path: Path) -> None:
    """Finding 5: a 49 MB DataContents became a 51 MB record; attachments stop at the text cap."""
    paragraph = "<p>" + "가나다라마바사 " * 50 + "</p>"
    huge = FakeRelease("156000001", "거대한 본문", approved=APPROVED, body_html=paragraph * 2_000)  # ~1 MB
    fine = FakeRelease("156000002", "보통 본문", approved=APPROVED)
    paged = FakeRelease(
        "990000003",
        "피드 전용 긴 본문",
        approved=APPROVED,
        body_html=paragraph * 200,
        in_api=False,
        feeds=("m",),
    )
    with FakePortal([huge, fine, paged], feeds=[FakeFeed("m")]) as portal:
        settings = portal.settings(tmp_path / "data", max_text_chars=20_000)
        report = run_collect(settings, since=DAY, until=DAY)
        assert report.exit_code == 0 and report.new == 3, report.summary_line()
        records = _records(settings.data_dir)
        big = records["156000001"]
        assert len(big.body_text) == 20_000
        assert "cut" in big.status["body"].reason and "characters" in big.status["body"].reason
        assert "body" not in records["156000002"].status and records["156000002"].body_text
        page = next(r for r in records.values() if r.title == "피드 전용 긴 본문")
        assert len(page.body_text) == 20_000 and "cut" in page.status["body"].reason
        # same answer next run: not seen as an edit (the cap is applied before comparing)
        again = run_collect(settings, since=DAY, until=DAY)
        assert again.updated == 0, again.summary_line()
