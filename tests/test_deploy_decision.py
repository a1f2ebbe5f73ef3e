"""``briefing should-build``: a publish run with nothing new skips build and deploy, anything else builds."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from briefing.site.deploy_decision import TargetError, decide, deploy_target
from tests.support.sitebuild import ROOT

COMMIT = "a" * 40


def test_targets() -> None:
    assert deploy_target(None) == deploy_target("") == deploy_target(" pages ") == "pages"
    assert deploy_target("s3://bucket/site") == "s3://bucket/site"
    for bad in ("gh-pages", "s3://", "s3:///x", "https://bucket"):
        with pytest.raises(TargetError):
            deploy_target(bad)


def test_build_unless_this_very_input_was_deployed(tmp_path: Path) -> None:
    state = tmp_path / "deploy-state" / "last-deploy.json"
    env = {"SITEURL": "https://example.org/briefing"}
    first = decide(COMMIT, "pages", env, state)
    assert first.build and first.reason == "no earlier deploy is recorded"
    state.parent.mkdir()
    state.write_text(first.state() + "\n", encoding="utf-8")  # what publish-mark keeps

    again = decide(COMMIT, "pages", env, state)
    assert not again.build and again.reason == f"commit {COMMIT[:12]} is already deployed to pages"
    assert decide(COMMIT, "pages", env, state, rebuild=True).build
    assert decide("b" * 40, "pages", env, state).build  # a new commit (data, code or theme)
    assert decide(COMMIT, "s3://b/p", env, state).build  # another target
    assert decide(COMMIT, "pages", {"SITEURL": "https://other.example"}, state).build  # a build variable
    state.write_text("{not json", encoding="utf-8")
    assert decide(COMMIT, "pages", env, state).build  # an unreadable state builds


def test_the_cli_writes_step_outputs_and_the_summary(tmp_path: Path) -> None:
    outputs, state = tmp_path / "outputs", tmp_path / "state.json"
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "GITHUB_OUTPUT": str(outputs)}
    command = [
        sys.executable,
        "-m",
        "briefing.cli",
        "should-build",
        "--commit",
        COMMIT,
        "--state",
        str(state),
    ]

    done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    lines = dict(line.split("=", 1) for line in outputs.read_text(encoding="utf-8").splitlines())
    assert lines["build"] == "true" and lines["target"] == "pages"
    assert json.loads(lines["state"])["commit"] == COMMIT
    assert "build and deploy to `pages`" in done.stdout

    state.write_text(lines["state"] + "\n", encoding="utf-8")
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    assert outputs.read_text(encoding="utf-8").splitlines()[-4] == "build=false"
    assert "nothing new — build and deploy skipped" in done.stdout

    bad = subprocess.run(
        command, env=env | {"BRIEFING_DEPLOY_TARGET": "ftp://x"}, capture_output=True, text=True
    )
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "BRIEFING_DEPLOY_TARGET" in bad.stderr
