"""`briefing report`: figures of a run from the records and articles it wrote; Pages URL guessing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from briefing.records import ReleaseRecord, StepStatus
from briefing.site.github_pages import github_pages_url, publish_site_url
from briefing.store import Store


def record(rid: str, failed: bool = False) -> ReleaseRecord:
    rec = ReleaseRecord(
        id=rid,
        url=f"https://example.invalid/{rid}",
        title=f"제목 {rid}",
        published="2026-11-20T09:00:00+09:00",
    )
    rec.status["page"] = StepStatus(state="failed" if failed else "ok", reason="timeout" if failed else None)
    return rec


def article(content: Path, rid: str, kind: str, faithful: str, tokens: int, cost: float) -> None:
    path = content / "releases" / "2026" / "11" / f"{rid}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f"Title: 제목 {rid}\nSlug: {rid}\nSummary_kind: {kind}\nFaithfulness: {faithful}\n"
        f"Tokens: {tokens}\nCost: {cost}\n\n## 핵심 요약\n\n본문\n",
        encoding="utf-8",
    )


def briefing(*args: str, cwd: Path) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "briefing.cli", *args], cwd=cwd, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_report_counts_what_this_run_did(tmp_path: Path) -> None:
    data, content = tmp_path / "data", tmp_path / "content"
    store = Store(data)
    store.save(record("old-1"))
    store.save(record("old-2"))
    article(content, "old-1", "llm", "ok", 1000, 0.01)
    past = time.time() - 3600
    for path in [*data.rglob("*.json"), *content.rglob("*.md")]:
        os.utime(path, (past, past))

    args = ("--data-dir", str(data), "--content-dir", str(content), "--note", str(tmp_path / "note.json"))
    briefing("report", "--begin", *args, cwd=tmp_path)
    # the run: two new releases (one with a failed step), one updated, summaries for three
    store.save(record("new-1"))
    store.save(record("new-2", failed=True))
    rec = record("old-2")
    rec.title = "고친 제목"
    store.save(rec)
    article(content, "new-1", "llm", "flagged: 3조 원", 1200, 0.002)
    article(content, "old-2", "extract", "ok", 0, 0)

    figures = json.loads(briefing("report", "--json", *args, cwd=tmp_path))
    assert figures["new_releases"] == 2
    assert figures["updated_releases"] == 1
    assert figures["summaries"] == 2
    assert figures["summaries_llm"] == 1 and figures["summaries_extract"] == 1
    assert figures["flagged"] == 1
    assert figures["failed_steps"] == 1 and figures["failures"] == ["new-2: page timeout"]
    assert figures["not_published"] == 1  # new-2 has no article
    assert figures["tokens"] == 1200 and figures["cost"] == pytest.approx(0.002)
    assert figures["records_total"] == 4 and figures["articles_total"] == 3

    markdown = briefing("report", *args, cwd=tmp_path)
    assert "| 새 보도자료 (new releases) | 2 |" in markdown
    assert "new-2: page timeout" in markdown


def test_pages_url_for_project_user_and_custom_sites() -> None:
    assert github_pages_url("Someone/briefing") == "https://someone.github.io/briefing"
    assert github_pages_url("someone/Someone.github.io") == "https://someone.github.io"
    assert publish_site_url({"SITEURL": "https://news.example.kr/", "GITHUB_REPOSITORY": "a/b"}) == (
        "https://news.example.kr"
    )
    assert publish_site_url({"GITHUB_REPOSITORY": "a/b"}) == "https://a.github.io/b"
    assert publish_site_url({}) == ""
    with pytest.raises(ValueError):
        github_pages_url("no-slash")


def test_scan_months_finds_what_glob_finds_and_only_the_recent_paths(tmp_path: Path) -> None:
    from briefing.store import scan_months

    root = tmp_path / "releases"
    names = ["2026/10/a.json", "2026/11/b.json", "2026/11/c.json", "2027/01/d.json"]
    for name in names:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("{}", encoding="utf-8")
    (root / "2026/11/.hidden.json").write_text("{}", encoding="utf-8")  # Path.glob's * finds it
    (root / "2026/11/notes.txt").write_text("", encoding="utf-8")
    (root / "2026/stray.json").write_text("{}", encoding="utf-8")  # not in a month folder
    (root / "2026/11/sub.json").mkdir()  # a folder, as glob would also list it
    old = time.time() - 3600
    for name in names[:2]:
        os.utime(root / name, (old, old))

    stems, recent = scan_months(root, ".json", time.time() - 60)
    assert sorted(stems) == sorted(p.stem for p in root.glob("*/*/*.json"))
    fresh = ["2026/11/.hidden.json", "2026/11/c.json", "2026/11/sub.json", "2027/01/d.json"]
    assert recent == sorted(root / n for n in fresh)
    assert scan_months(tmp_path / "missing", ".json", 0) == ([], [])


def test_scan_months_looks_into_the_month_folders_written_since(tmp_path: Path) -> None:
    from briefing.store import scan_months, write_atomic

    root = tmp_path / "releases"
    for name in ("2026/10/a.json", "2026/11/b.json", "2026/12/c.json"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("{}", encoding="utf-8")
    old = time.time() - 3600
    for month in ("2026/10", "2026/11", "2026/12"):
        for path in (*(root / month).iterdir(), root / month):
            os.utime(path, (old, old))
    since = time.time() - 60
    write_atomic(root / "2026/10/a.json", '{"rewritten": 1}')  # renamed into place: its folder's time moves
    write_atomic(root / "2026/11/new.json", "{}")
    # a file made recent without its folder (rewritten in place, which no step does) is not looked at
    os.utime(root / "2026/12/c.json")
    os.utime(root / "2026/12", (old, old))
    stems, recent = scan_months(root, ".json", since)
    assert sorted(stems) == ["a", "b", "c", "new"]
    assert recent == [root / "2026/10/a.json", root / "2026/11/new.json"]
