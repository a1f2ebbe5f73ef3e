"""``make site`` on a machine with no key and no network: one plain line says why and what to do
next, make reports no ignored error, and the (empty) site is still built.

The real Makefile runs in a temporary copy of the files the build needs, with a venv folder whose
``bin`` is this venv's, and the only feed on a loopback port that refuses connections.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.sitebuild import ROOT


def _refused_url() -> str:
    """A loopback URL nothing listens on (the port was free a moment ago)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/feed.xml"


@pytest.mark.skipif(shutil.which("make") is None, reason="make not installed")
def test_make_site_without_key_or_network_says_what_to_do(tmp_path: Path) -> None:
    work = tmp_path / "checkout"
    work.mkdir()
    for name in ("Makefile", "pyproject.toml", "pelicanconf.py"):
        shutil.copy2(ROOT / name, work / name)
    for name in ("theme", "plugins"):
        shutil.copytree(ROOT / name, work / name)
    shutil.copytree(ROOT / "content" / "pages", work / "content" / "pages")
    venv = tmp_path / "venv"
    venv.mkdir()
    (venv / "bin").symlink_to(Path(sys.executable).parent)
    (venv / ".installed").touch()  # newer than pyproject.toml: make does not reinstall
    env = {k: v for k, v in os.environ.items() if k != "DATA_GO_KR_SERVICE_KEY" and not k.startswith("MAKE")}
    env.update(
        PYTHONPATH=str(ROOT),
        BRIEFING_DATA_DIR=str(work / "data"),
        BRIEFING_FEEDS=_refused_url(),
        BRIEFING_LLM_MODEL="",
    )
    done = subprocess.run(
        ["make", "--no-print-directory", "site", f"VENV={venv}"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    said = done.stdout + done.stderr
    assert done.returncode == 0, said
    assert "Error" not in said and "ignored" not in said  # no "make: [...] Error 1 (ignored)"
    plain = [line for line in done.stdout.splitlines() if line.startswith("Nothing was collected")]
    assert len(plain) == 1, said
    assert "no Open API key and no network" in plain[0]
    assert "make demo" in plain[0] and "DATA_GO_KR_SERVICE_KEY" in plain[0]
    assert (work / "output" / "index.html").is_file()  # the site is still built


def test_collect_with_key_but_no_network_names_the_network(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "BRIEFING_DATA_DIR": str(tmp_path / "data")}
    env.update(
        DATA_GO_KR_SERVICE_KEY="test-key",
        BRIEFING_FEEDS=_refused_url(),
        BRIEFING_PRESS_API=_refused_url().replace("feed.xml", "api"),
    )
    done = subprocess.run(
        [sys.executable, "-m", "briefing.cli", "collect", "--since", "2026-10-01", "--until", "2026-10-01"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[-1].startswith("Nothing was collected (no network"), lines
