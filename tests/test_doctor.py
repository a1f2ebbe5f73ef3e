"""`briefing doctor` against the fake portal and the fake LLM: what it finds and what it says to fix."""

from __future__ import annotations

import io
import os
import subprocess
from datetime import datetime
from pathlib import Path

import pytest

from briefing.doctor import check_python, run_doctor
from briefing.records import KST, ReleaseRecord, StepStatus
from briefing.settings import Settings
from briefing.store import Store
from briefing.testing.fakellm import FakeLLM, status_reply, text_reply
from briefing.testing.fakeportal import FakeFeed, FakePortal, FakeRelease


def today_release(news_id: str, feeds: tuple[str, ...] = ()) -> FakeRelease:
    now = datetime.now(KST).replace(hour=9, minute=0, second=0, microsecond=0)
    return FakeRelease(news_id, f"점검용 보도자료 {news_id}", approved=now, feeds=feeds)


def doctor(
    settings: Settings, env: dict[str, str] | None = None, check_model: bool = False
) -> tuple[int, str]:
    out = io.StringIO()
    code = run_doctor(settings, check_model=check_model, env=env or {}, out=out)
    return code, out.getvalue()


def write_article(content: Path, slug: str) -> None:
    path = content / "releases" / "2026" / "11" / f"{slug}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"Title: 제목\nSlug: {slug}\nSummary_kind: extract\n\n## 핵심 요약\n", encoding="utf-8")


def test_healthy_copy_passes_with_hints(tmp_path: Path) -> None:
    releases = [today_release("156000001"), today_release("156000002", feeds=("molit",))]
    with FakePortal(releases, [FakeFeed("molit")]) as portal:
        settings = portal.settings(
            tmp_path / "data", content_dir=tmp_path / "content", site_url="https://a.github.io/b"
        )
        record = ReleaseRecord("156000001", "https://x.invalid/1", "제목", "2026-11-20T09:00:00+09:00")
        Store(settings.data_dir).save(record)
        write_article(settings.content_dir, "156000001")
        code, text = doctor(settings)
    assert code == 0, text
    assert "✓ open api key: accepted (2 releases listed" in text
    assert "✓ feed: " in text and "1 items" in text
    assert "! model: BRIEFING_LLM_MODEL is not set" in text  # a warning, with the fix
    assert "✓ siteurl: https://a.github.io/b" in text
    assert "✓ data: 1 records, 1 articles" in text
    assert "doctor: all good" in text
    assert portal.service_key not in text  # the key never appears in what the doctor prints


def test_bad_key_and_dead_feeds_fail_with_fixes(tmp_path: Path) -> None:
    feeds = [FakeFeed("empty", mode="empty"), FakeFeed("html", mode="html"), FakeFeed("gone", mode="404")]
    with FakePortal([today_release("156000003")], feeds) as portal:
        settings = portal.settings(tmp_path / "data", service_key="not-the-issued-key")
        code, text = doctor(settings, env={"GITHUB_REPOSITORY": "someone/briefing"})
    assert code == 1
    assert "✗ open api key: " in text and "SERVICE_KEY_IS_NOT_REGISTERED_ERROR" in text
    assert "use the key exactly as issued" in text
    assert "empty.xml: answers a feed with no items (silently empty)" in text
    assert "html.xml: " in text and "not a feed" in text
    assert "gone.xml: " in text and "404" in text
    assert "https://someone.github.io/briefing" in text  # the SITEURL hint names this copy's address
    assert "not-the-issued-key" not in text


def test_no_key_is_a_warning_pointing_to_the_dataset(tmp_path: Path) -> None:
    with FakePortal([today_release("156000004", feeds=("molit",))], [FakeFeed("molit")]) as portal:
        settings = portal.settings(tmp_path / "data", service_key="")
        code, text = doctor(settings)
    assert "! open api key: DATA_GO_KR_SERVICE_KEY is not set" in text
    assert "15095295" in text
    assert code == 0, text


def test_data_folder_problems_are_listed(tmp_path: Path) -> None:
    settings = Settings().with_values(
        {"data_dir": tmp_path / "data", "content_dir": tmp_path / "content", "feeds": (), "max_attempts": 3}
    )
    store = Store(settings.data_dir)
    ok = ReleaseRecord("156000010", "https://x.invalid/10", "정상", "2026-11-20T09:00:00+09:00")
    stuck = ReleaseRecord("156000011", "https://x.invalid/11", "막힘", "2026-11-20T09:00:00+09:00")
    stuck.status["attachments"] = StepStatus(state="failed", reason="timeout", attempts=3)
    waiting = ReleaseRecord("156000012", "https://x.invalid/12", "대기", "2026-11-20T09:00:00+09:00")
    for record in (ok, stuck, waiting):
        store.save(record)
    broken = store.releases_dir / "2026" / "11" / "156000013.json"
    broken.write_text('{"id": "156000013", "title": ', encoding="utf-8")
    for slug in ("156000010", "156000011", "156000099"):
        write_article(settings.content_dir, slug)

    code, text = doctor(settings)
    assert code == 1
    assert "✓ data: 3 records, 3 articles" in text
    assert "✗ data: 1 unreadable file(s): unreadable record" in text and "156000013.json" in text
    assert "✗ data: 1 article(s) without a record: 156000099" in text
    assert "! data: 1 record(s) without an article yet" in text and "156000012" in text
    assert (
        "✗ data: 1 release(s) stuck after 3 failed attempts: 156000011 (attachments: timeout, 3 attempts)"
        in text
    )
    assert "✗ feeds: no feeds configured" in text


def test_model_one_token_check_through_litellm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-fake-for-doctor")
    with FakeLLM() as llm:
        settings = Settings().with_values(
            {
                "data_dir": tmp_path / "data",
                "content_dir": tmp_path / "content",
                "feeds": ("http://127.0.0.1:9/none.xml",),
                "llm_model": "openai/doctor-test",
                "llm_api_base": llm.api_base,
                "llm_rate_retries": 0,
                "llm_timeout": 10,
            }
        )
        llm.default = text_reply("OK")
        code, text = doctor(settings, check_model=True)
        assert llm.calls == 1
        assert llm.requests[-1]["max_tokens"] == 1  # a one-token test, whatever the model would say
        assert "✓ model: openai/doctor-test answered (1200 tokens" in text
        assert code == 1  # the feed on port 9 is unreachable

        llm.default = status_reply(500, "upstream exploded")
        _, text = doctor(settings, check_model=True)
        assert "✗ model: openai/doctor-test did not answer" in text
        assert "check the provider's API key variable" in text
        assert "sk-fake-for-doctor" not in text

        calls = llm.calls
        _, text = doctor(settings, check_model=False)
        assert llm.calls == calls  # not asked: no call
        assert "configured (not called; --check-model to test it)" in text


def test_python_version_check() -> None:
    assert check_python((3, 11, 7))[0].level == "ok"
    old = check_python((3, 9, 18))[0]
    assert old.level == "fail" and "3.11" in old.fix


def test_repository_size_against_githubs_recommendation(tmp_path: Path) -> None:
    from briefing.doctor import check_repository_size

    assert check_repository_size(tmp_path)[0].message.endswith("is not in a git repository")
    repo = tmp_path / "repo"
    (repo / "data").mkdir(parents=True)
    (repo / "data" / "blob.bin").write_bytes(os.urandom(200_000))  # incompressible: ~200 KB stored
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run([*git, "-C", str(repo), "add", "-A"], check=True)
    subprocess.run([*git, "-C", str(repo), "commit", "-qm", "data"], check=True)

    (big,) = check_repository_size(repo / "data", limit=220_000)
    assert big.level == "warn" and "of GitHub's recommended" in big.message and "docs/growth.md" in big.fix
    (small,) = check_repository_size(repo / "data", limit=10_000_000)
    assert small.level == "ok"
