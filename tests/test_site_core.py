"""Pure site helpers: stable pagination, related releases, text and JSON safety, listings."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

from briefing.records import KST
from briefing.site.listing import by_category, category_counts, ministry_slug
from briefing.site.output import write_gzip_output, write_output
from briefing.site.paging import stable_spans
from briefing.site.related import Item, related, related_cached
from briefing.site.sitemap import latest, sitemap_shards
from briefing.site.text import json_for_html, korean_datetime, parse_attachments, plain, text
from tests.support.sitebuild import ROOT


def test_stable_pages_keep_numbered_pages_when_items_are_added() -> None:
    before = {s.number: (60 - s.start, 60 - s.end) for s in stable_spans(60, 20) if s.number}
    after = {s.number: (81 - s.start, 81 - s.end) for s in stable_spans(81, 20) if s.number}
    # counted from the oldest item, every numbered page of the smaller list is unchanged
    assert all(after[n] == span for n, span in before.items())
    spans = stable_spans(81, 20)
    assert sum(s.end - s.start for s in spans) == 81 and spans[0].is_front
    assert 20 <= spans[0].end - spans[0].start < 40
    assert [s.number for s in spans] == [0, 3, 2, 1] and spans[-1].older is None and spans[1].newer == 0
    assert [(s.start, s.end) for s in stable_spans(7, 20)] == [(0, 7)]
    # a front page of 20 full cards over numbered pages of 50 compact rows: still stable
    small, large = stable_spans(125, 50, front=20), stable_spans(176, 50, front=20)
    assert [(s.number, 125 - s.end) for s in small if s.number] == [(2, 0 + 50), (1, 0)]
    assert [(s.number, 176 - s.end) for s in large if s.number][-2:] == [(2, 50), (1, 0)]
    assert [s.end - s.start for s in small] == [25, 50, 50] and large[0].end - large[0].start == 26
    assert [(s.start, s.end) for s in stable_spans(19, 50, front=20)] == [(0, 19)]


def test_related_prefers_shared_tags_then_ministry_and_only_looks_back() -> None:
    t0 = datetime(2026, 10, 1, 9, tzinfo=KST)
    items = [
        Item("b", t0 - timedelta(days=30), ("주택", "청년"), "기획재정부"),
        Item("c", t0 - timedelta(hours=1), ("예산",), "국토교통부"),
        Item("d", t0 - timedelta(hours=2), ("주택",), "교육부"),
        Item("e", t0 - timedelta(hours=3), ("국방",), "국방부"),
        Item("a", t0, ("주택", "청년"), "국토교통부"),
        Item("later", t0 + timedelta(hours=1), ("주택", "청년"), "국토교통부"),
    ]
    result = related(items, count=3)
    assert result["a"] == ["b", "d", "c"]  # later releases never change an older page
    assert result["later"][0] == "a" and result["b"] == []
    assert "e" not in result["a"]


def test_related_reuses_earlier_results_until_something_before_an_item_changes() -> None:
    t0 = datetime(2026, 10, 1, 9, tzinfo=KST)
    items = [
        Item(
            f"r{n}", t0 + timedelta(hours=n), (("주택", "청년", "예산")[n % 3],), ("교육부", "국방부")[n % 2]
        )
        for n in range(40)
    ]
    known: dict = {}
    first = related(items, count=3, known=known)
    assert first == related(items, count=3) and set(known) == {i.key for i in items}

    # a reused result is taken as it was stored: mark one and see it come back
    known["r10"] = (known["r10"][0], ["marked"])
    newer = [*items, Item("r40", t0 + timedelta(hours=40), ("주택",), "교육부")]
    second = related(newer, count=3, known=known)
    assert second["r10"] == ["marked"]  # nothing before r10 changed: not scored again
    assert second["r40"] == related(newer, count=3)["r40"] and "r40" in known

    # an earlier release changes its tags: every later result is scored again
    changed = [Item("r5", items[5].date, ("국방",), "국방부") if i.key == "r5" else i for i in newer]
    third = related(changed, count=3, known=known)
    assert third == related(changed, count=3) and third["r10"] != ["marked"]
    assert related(changed[:20], count=3, known=known) and set(known) == {i.key for i in changed[:20]}


def test_related_results_survive_in_a_cache_file_and_a_damaged_one_costs_only_time(tmp_path: Path) -> None:
    t0 = datetime(2026, 10, 1, 9, tzinfo=KST)
    items = [Item(f"r{n}", t0 + timedelta(hours=n), ("주택",), "교육부") for n in range(6)]
    cache = tmp_path / "related" / "related.pickle"
    assert related_cached(items, 2, cache) == related(items, 2) and cache.is_file()
    stamp = cache.stat().st_mtime_ns
    assert related_cached(items, 2, cache) == related(items, 2)
    assert cache.stat().st_mtime_ns == stamp  # nothing changed: the file is not rewritten
    cache.write_bytes(b"not a pickle")
    assert related_cached(items, 2, cache) == related(items, 2)


def test_sitemap_shards_pages_first_then_months_newest_first() -> None:
    day = datetime(2026, 9, 30, 23, tzinfo=KST)
    dated = [
        ("/r/2", day + timedelta(hours=2), "2026-10-01"),
        ("/r/1", day, "2026-09-30"),
        ("/d/2026-09-30", day.date(), "2026-09-30"),
    ]
    shards = sitemap_shards(["/", "/about/"], dated)
    assert [stem for stem, _ in shards] == ["pages", "releases-2026-10", "releases-2026-09"]
    assert shards[0][1] == [("/", None), ("/about/", None)] and latest(shards[0][1]) is None
    assert shards[2][1] == [("/r/1", "2026-09-30"), ("/d/2026-09-30", "2026-09-30")]
    assert latest(shards[1][1]) == "2026-10-01"


def test_text_helpers_make_untrusted_values_safe() -> None:
    assert plain("<p>요약 &amp; <b>내용</b></p>") == "요약 & 내용"
    assert text("&lt;script&gt; 제목\n 둘") == "<script> 제목 둘"
    data = json_for_html({"t": "</script><img onerror=x>&"})
    assert "<" not in data and ">" not in data and json.loads(data)["t"] == "</script><img onerror=x>&"
    files = parse_attachments(
        '[{"name": "\\"><img onerror=1>.hwp", "url": "javascript:alert(1)", "size": 10}]'
    )
    assert files[0]["name"] == '"><img onerror=1>.hwp' and files[0]["url"] == ""
    assert parse_attachments("not json") == []


def test_listings_group_and_count_by_taxonomy() -> None:
    rows = [("a", "경제·산업"), ("b", "💰 경제 산업"), ("c", "복지·고용"), ("d", "없는 분야")]
    groups = by_category(rows, lambda r: r[1])
    assert [(c.slug, [r[0] for r in items]) for c, items in groups] == [
        ("economy", ["a", "b"]),
        ("welfare-employment", ["c"]),
        ("other", ["d"]),
    ]
    counts = dict((c.slug, n) for c, n in category_counts(r[1] for r in rows))
    assert counts["economy"] == 2 and counts["welfare-employment"] == 1 and len(counts) == 10
    assert ministry_slug("기획재정부") == "기획재정부"
    assert "/" not in ministry_slug("../../etc/passwd") and ".." not in ministry_slug("../x")


def test_output_files_are_readable_and_rewritten_only_when_changed(tmp_path) -> None:
    target = tmp_path / "a" / "index.html"
    assert write_output(target, "<p>가</p>") is True
    assert target.stat().st_mode & 0o044 == 0o044  # readable by the web server, not 0600
    stamp = target.stat().st_mtime_ns
    assert write_output(target, "<p>가</p>") is False and target.stat().st_mtime_ns == stamp
    assert write_output(target, "<p>나</p>") is True and target.read_text(encoding="utf-8") == "<p>나</p>"
    assert [p.name for p in target.parent.iterdir()] == ["index.html"]  # no temporary files left


def test_publishconf_takes_siteurl_from_the_environment() -> None:
    code = (
        "import json, publishconf as p;"
        "print(json.dumps([p.SITEURL, p.FEED_DOMAIN, p.RELATIVE_URLS, p.PLUGINS, p.CHAT_INDEX_DIR]))"
    )
    env = {**os.environ, "SITEURL": "https://someone.github.io/briefing/"}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    siteurl, feed_domain, relative, plugins, chat_index = json.loads(done.stdout.strip().splitlines()[-1])
    assert siteurl == feed_domain == "https://someone.github.io/briefing"
    assert relative is False and "briefing_site" in plugins
    # the chat index is for the function bundle, which the workflow does not deploy: not built
    assert "briefing_chat" not in plugins and chat_index == ""
    # unless asked for, and then outside the output that Pages publishes
    env["BRIEFING_CHAT_INDEX_DIR"] = "build/chat-index"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    *_, plugins, chat_index = json.loads(done.stdout.strip().splitlines()[-1])
    assert "briefing_chat" in plugins and Path(chat_index) == ROOT / "build" / "chat-index"


def test_original_text_files_are_deterministic_gzip(tmp_path: Path) -> None:
    target = tmp_path / "releases" / "2026" / "10" / "r1.original.html.gz"
    text = "<h3>보도자료 본문</h3>\n<p>원문 &lt;script&gt;</p>" * 50
    assert write_gzip_output(target, text) is True
    first = target.read_bytes()
    assert gzip.decompress(first).decode("utf-8") == text and len(first) < len(text.encode()) / 5
    assert first[4:8] == b"\0\0\0\0"  # no timestamp in the header
    stamp = target.stat().st_mtime_ns
    assert write_gzip_output(target, text) is False and target.stat().st_mtime_ns == stamp


def test_generated_files_are_world_readable_for_pages(tmp_path: Path) -> None:
    # temporary files start owner-only (0600); a published file must be readable by the server
    path = tmp_path / "out" / "index.html"
    assert write_output(path, "<p>안녕</p>")
    assert path.stat().st_mode & 0o044 == 0o044
    assert not write_output(path, "<p>안녕</p>")  # unchanged: not written again


def test_repository_url_from_setting_actions_or_origin(tmp_path: Path) -> None:
    from briefing.site.github_pages import git_origin, repository_url

    assert (
        repository_url({"BRIEFING_REPOSITORY_URL": "https://git.example.kr/a/b/"})
        == "https://git.example.kr/a/b"
    )
    assert repository_url({"GITHUB_REPOSITORY": "someone/briefing"}) == "https://github.com/someone/briefing"
    ghes = {"GITHUB_REPOSITORY": "org/site", "GITHUB_SERVER_URL": "https://ghe.example.kr/"}
    assert repository_url(ghes) == "https://ghe.example.kr/org/site"
    assert repository_url({}, "git@github.com:someone/briefing.git") == "https://github.com/someone/briefing"
    assert repository_url({}, "https://github.com/someone/briefing") == "https://github.com/someone/briefing"
    # unknown: no link rather than a wrong one
    assert repository_url({}, "https://gitlab.com/someone/briefing.git") == ""
    assert repository_url({}, "") == "" and repository_url({"GITHUB_REPOSITORY": "not-a-repo"}) == ""
    assert git_origin(tmp_path) == ""  # not a checkout
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    subprocess.run(
        ["git", "-C", str(tmp_path), "remote", "add", "origin", "git@github.com:o/n.git"], check=True
    )
    assert repository_url({}, git_origin(tmp_path)) == "https://github.com/o/n"


def test_times_read_as_korean() -> None:
    assert korean_datetime("2026-12-03T04:34:21+09:00") == "2026년 12월 3일 04:34"
    assert korean_datetime("2026-12-02T19:34:21+00:00") == "2026년 12월 3일 04:34"  # shown in Korea time
    assert korean_datetime("<b>언젠가</b>") == "언젠가"  # not a time: plain text, never markup
