"""Hostile portal answers against the collector: oversized text, over real HTTP on 127.0.0.1."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

from briefing.collect import run_collect
from briefing.records import KST
from briefing.run_report import begin_run, render_markdown, run_figures
from briefing.store import Store
from briefing.testing.fakeportal import FakeFeed, FakeFile, FakePortal, FakeRelease

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


def test_the_run_budget_stops_new_work_and_the_next_run_finishes(tmp_path: Path) -> None:
    """A run past its time budget starts nothing new, keeps what it saved, says so, and the next
    run (same window: it was not moved on) does the rest."""
    releases = [
        FakeRelease(
            f"15600010{n}",
            f"느린 첨부 {n}",
            approved=APPROVED,
            files=[FakeFile("a.hwp", b"x" * 64, delay=0.4)],
        )
        for n in range(5)
    ]
    with FakePortal(releases) as portal:
        settings = portal.settings(tmp_path / "data", collect_budget_minutes=1 / 60)  # one second
        note = tmp_path / "run-start.json"
        begin_run(settings, note)
        report = run_collect(settings, since=DAY, until=DAY)
        line = report.summary_line()
        assert report.exit_code == 0 and report.skipped_by_budget >= 1, line
        assert report.new + report.skipped_by_budget == 5
        assert "left for the next run (time budget of" in line
        assert report.seconds < 8.0, line  # the budget plus at most one release in flight
        assert "last_success" not in Store(settings.data_dir).read_state("collect")
        figures = run_figures(settings, note)  # the job summary says so too
        assert figures.left_for_next_run == report.skipped_by_budget
        assert (
            f"| 다음 실행으로 미룸 (left for the next run: time budget, caps) | {report.skipped_by_budget} |"
            in (render_markdown(figures))
        )
        done = run_collect(settings.with_values({"collect_budget_minutes": 25}), since=DAY, until=DAY)
        assert done.new == report.skipped_by_budget and done.skipped_by_budget == 0, done.summary_line()
        records = _records(settings.data_dir)
        assert len(records) == 5 and all(r.attachments[0].sha256 for r in records.values())


def test_attachments_past_the_budget_wait_without_counting_an_attempt(tmp_path: Path) -> None:
    files = [FakeFile(f"붙임{n}.hwp", bytes([n]) * 64, delay=0.4) for n in range(4)]
    release = FakeRelease("156000201", "첨부가 많은 보도자료", approved=APPROVED, files=files)
    with FakePortal([release]) as portal:
        settings = portal.settings(tmp_path / "data", collect_budget_minutes=0.6 / 60)
        run_collect(settings, since=DAY, until=DAY)
        (record,) = _records(settings.data_dir).values()
        waiting = [a for a in record.attachments if a.sha256 is None]
        assert waiting and len(waiting) < 4
        status = record.status["attachments"]
        assert status.state == "pending" and "time budget" in status.reason and status.attempts == 0
        run_collect(settings.with_values({"collect_budget_minutes": 25}), since=DAY, until=DAY)
        (record,) = _records(settings.data_dir).values()
        assert all(a.sha256 for a in record.attachments)
        assert record.status["attachments"].state == "ok" and record.status["attachments"].attempts == 1
        assert portal.downloads == 4  # each file once
