"""A ``briefing collect`` process killed with SIGKILL midway leaves no partial file; the next run
completes the work."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from briefing.collect import run_collect
from briefing.store import Store
from briefing.testing.fakeportal import FakeFeed, FakePortal, corpus_releases

DAY = date(2026, 11, 20)
ROOT = Path(__file__).resolve().parent.parent


def test_killed_run_then_rerun_completes(corpus: Path, snippets: dict, tmp_path: Path) -> None:
    releases = corpus_releases(corpus, snippets, DAY)
    for release in releases:
        for file in release.files:
            file.delay = 0.05  # slow enough to kill the run in the middle of its downloads
    data_dir = tmp_path / "data"
    with FakePortal(releases, feeds=[FakeFeed("molit")]) as portal:
        env = {**os.environ, **portal.env(), "BRIEFING_DATA_DIR": str(data_dir)}
        command = [sys.executable, "-m", "briefing.cli", "collect", "--since", str(DAY), "--until", str(DAY)]
        child = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while portal.downloads < 15 and child.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert child.poll() is None, "the run ended before it could be killed"
        os.kill(child.pid, signal.SIGKILL)
        child.wait(10)
        assert child.returncode == -signal.SIGKILL

        store = Store(data_dir)
        written = list(store.iter_paths())
        assert len(written) < len(releases)  # it was really stopped midway
        for path in written:  # every record on disk is whole
            json.loads(path.read_text(encoding="utf-8"))

        for release in releases:
            for file in release.files:
                file.delay = 0.0
        settings = portal.settings(data_dir)
        report = run_collect(settings, since=DAY, until=DAY)
        assert report.exit_code == 0, report.summary_line()
        assert report.new == len(releases) - len(written)
        records = list(store.iter_records())
        assert len(records) == len(releases)
        for record in records:
            assert all(s.state == "ok" for s in record.status.values()), record.id
            assert all(a.sha256 for a in record.attachments), record.id
        assert sum(len(r.attachments) for r in records) == sum(len(r.files) for r in releases)
        assert not [p for p in data_dir.rglob("*") if p.name.endswith(".tmp")]


def test_temp_files_of_a_killed_writer_are_removed_by_the_next_run(tmp_path: Path) -> None:
    with FakePortal([], feeds=[FakeFeed("molit", mode="empty")]) as portal:
        settings = portal.settings(tmp_path / "data", service_key="")
        month = settings.data_dir / "releases/2026/11"
        month.mkdir(parents=True)
        # what write_atomic leaves when killed between writing its temp file and the rename
        stale = [month / ".156000001.json.k3j2h1.tmp", settings.data_dir / "state/.collect.json.x1.tmp"]
        stale[1].parent.mkdir(parents=True)
        for path in stale:
            path.write_text('{"id": "156000', encoding="utf-8")
        assert run_collect(settings, since=DAY, until=DAY).exit_code == 0
        assert not any(path.exists() for path in stale)
        assert list(Store(settings.data_dir).iter_paths()) == []


def test_cli_refuses_a_concurrent_run_with_exit_code_75(tmp_path: Path) -> None:
    from briefing.collect import EXIT_LOCKED

    data_dir = tmp_path / "data"
    with FakePortal([], feeds=[FakeFeed("molit")]) as portal, Store(data_dir).lock():
        env = {**os.environ, **portal.env(), "BRIEFING_DATA_DIR": str(data_dir)}
        done = subprocess.run(
            [sys.executable, "-m", "briefing.cli", "collect"],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        assert done.returncode == EXIT_LOCKED == 75
        assert "another briefing run holds" in done.stdout and done.stdout.count("\n") == 1
        assert portal.requests == []
