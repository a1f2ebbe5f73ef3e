"""The summarize manifest's months in a git work tree: a month whose trees at HEAD are those the
last run recorded, with nothing changed there since, is taken without a look at its files; any
change (in the work tree, staged, or committed behind the manifest's back) is decided again, and
a shallow clone (what the workflow checks out) trusts the months as well."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from briefing.article.markdown import article_path, read_meta
from briefing.records import ReleaseRecord
from briefing.settings import Settings
from briefing.store import Store
from briefing.summarize import run_summarize
from briefing.summarize.checked import NAME, Checked, ReleaseFiles
from briefing.summarize.runner import _cache_key
from briefing.testing.summaries import offline_settings, save
from briefing.testing.synthetic import generate_records

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def _git(root: Path, *args: str) -> str:
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid", "PATH": "/usr/bin:/bin"}
    env |= {"GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid", "HOME": str(root)}
    done = subprocess.run(
        ["git", "-C", str(root), *args], capture_output=True, text=True, env=env, check=True
    )
    return done.stdout.strip()


def _site(tmp_path: Path) -> tuple[Path, Settings, list[ReleaseRecord]]:
    """A work tree with 8 releases over two months, summarized and committed; then a run with one
    new release in a third month (that run writes the manifest and records the two months, which
    it found as HEAD holds them), committed as the workflow does. Returns the 9 records."""
    root = tmp_path / "site"
    root.mkdir()
    settings = offline_settings(root)
    records = generate_records(8, seed=3, start=date(2026, 9, 29), per_day=2)
    save(settings.data_dir, *records)
    run_summarize(settings)
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "archive")
    new = generate_records(9, seed=3, start=date(2026, 11, 2), per_day=2)[8]
    save(settings.data_dir, new)
    done = run_summarize(settings)
    assert done.cached == 8 and done.extracted + done.no_text == 1
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "a run with one new release")
    records.append(new)
    assert sorted(_manifest(settings)["months"]) == ["2026/09", "2026/10"]
    return root, settings, records


def _manifest(settings: Settings) -> dict:
    return json.loads((settings.data_dir / "state" / f"{NAME}.json").read_text(encoding="utf-8"))


def _checked(settings: Settings, records: list[ReleaseRecord]) -> Checked:
    """The manifest as a run looks it up (cwd-independent: the folders are absolute)."""
    store = Store(settings.data_dir)
    checked = Checked(store, _cache_key(settings))
    files = ReleaseFiles(store.releases_dir, settings.data_dir, settings.content_dir)
    checked.look_up({r.relpath: files.of(r.relpath) for r in records}, files.folders)
    return checked


def _assert_edit_seen(settings: Settings, record: ReleaseRecord, title: str) -> None:
    """A new title saved for ``record`` is summarized again and reaches its article."""
    record.title = title
    Store(settings.data_dir).save(record)
    assert run_summarize(settings).written == 1
    assert read_meta(article_path(settings.content_dir, record))["title"] == title


def test_recorded_months_are_trusted_without_reading_a_file(tmp_path: Path) -> None:
    _, settings, records = _site(tmp_path)
    checked = _checked(settings, records)
    assert sorted(checked.trusted) == ["2026/09", "2026/10"]
    # only the month not recorded (the last run wrote into it) is looked up, file by file
    assert {path.rpartition("/")[0][-7:] for path in checked.ids} == {"2026/11"}
    # the rerun (nothing new) finds everything current and writes nothing, the manifest included,
    # though it now finds the third month as HEAD holds it: months alone make no commit
    third = run_summarize(settings)
    assert (third.cached, third.written, third.extracted) == (9, 0, 0)
    assert _git(settings.data_dir.parent, "status", "--porcelain") == ""


def test_a_change_in_the_work_tree_or_the_index_is_decided_again(tmp_path: Path) -> None:
    root, settings, records = _site(tmp_path)
    store = Store(settings.data_dir)
    edited, staged = records[1], records[6]
    assert edited.relpath[:7] != staged.relpath[:7]
    edited.title = "고쳐 쓴 제목"
    store.save(edited)  # in the work tree only
    staged.title = "색인에 올린 제목"
    store.save(staged)
    _git(root, "add", "--", str(store.path_for(staged).relative_to(root)))  # staged, work tree = index
    checked = _checked(settings, records)
    assert checked.trusted == set()  # both recorded months have a change
    done = run_summarize(settings)
    assert done.written == 2 and done.cached == 7
    assert read_meta(article_path(settings.content_dir, edited))["title"] == "고쳐 쓴 제목"
    assert read_meta(article_path(settings.content_dir, staged))["title"] == "색인에 올린 제목"
    # the months the run wrote into are not recorded; the third, found as HEAD holds it, is
    assert sorted(_manifest(settings)["months"]) == ["2026/11"]
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "edits")
    assert run_summarize(settings).written == 0
    assert _git(root, "status", "--porcelain") == ""


def test_a_commit_behind_the_manifest_is_decided_again(tmp_path: Path) -> None:
    root, settings, records = _site(tmp_path)
    store = Store(settings.data_dir)
    changed, lost = records[2], records[5]
    manifest = (settings.data_dir / "state" / f"{NAME}.json").read_bytes()
    changed.title = "커밋된 새 제목"
    store.save(changed)
    article_path(settings.content_dir, lost).unlink()
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "a hand edit and a lost article, the manifest as it was")
    assert (settings.data_dir / "state" / f"{NAME}.json").read_bytes() == manifest
    done = run_summarize(settings)
    assert done.written == 2
    assert read_meta(article_path(settings.content_dir, changed))["title"] == "커밋된 새 제목"
    assert article_path(settings.content_dir, lost).is_file()


def test_a_shallow_clone_trusts_the_recorded_months(tmp_path: Path) -> None:
    root, _, records = _site(tmp_path)
    clone = tmp_path / "clone"
    _git(tmp_path, "clone", "-q", "--depth", "1", f"file://{root}", str(clone))
    settings = offline_settings(clone)
    checked = _checked(settings, records)
    assert sorted(checked.trusted) == ["2026/09", "2026/10"]
    assert run_summarize(settings).cached == 9
    assert _git(clone, "status", "--porcelain") == ""  # nothing written, the manifest included
    # an edit in the clone is seen there too
    _assert_edit_seen(settings, records[0], "클론에서 고친 제목")


def test_a_new_record_in_a_recorded_month(tmp_path: Path) -> None:
    _, settings, _ = _site(tmp_path)
    new = generate_records(10, seed=3, start=date(2026, 9, 29), per_day=2)[9]
    assert new.relpath.rpartition("/")[0] == "2026/10"
    save(settings.data_dir, new)  # untracked, as collect leaves it
    done = run_summarize(settings)
    assert done.cached == 9 and done.extracted + done.no_text == 1
    assert article_path(settings.content_dir, new).is_file()
    assert new.relpath in _manifest(settings)["entries"]
    # its month is not recorded while its files are not HEAD's: an edit of the untracked record is seen
    assert new.relpath.rpartition("/")[0] not in _manifest(settings)["months"]
    _assert_edit_seen(settings, new, "수집 뒤에 고친 제목")


def test_a_manifest_from_before_the_months_gets_them_once(tmp_path: Path) -> None:
    root, settings, records = _site(tmp_path)
    path = settings.data_dir / "state" / f"{NAME}.json"
    manifest = _manifest(settings)
    del manifest["months"]
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    _git(root, "commit", "-q", "-am", "the manifest as the code before the months wrote it")
    first = run_summarize(settings)
    assert (first.cached, first.written) == (9, 0)
    assert sorted(_manifest(settings)["months"]) == ["2026/09", "2026/10", "2026/11"]
    assert _manifest(settings)["entries"] == manifest["entries"]
    _git(root, "commit", "-q", "-am", "months")
    assert sorted(_checked(settings, records).trusted) == ["2026/09", "2026/10", "2026/11"]
    assert run_summarize(settings).cached == 9
    assert _git(root, "status", "--porcelain") == ""  # written once, then nothing
