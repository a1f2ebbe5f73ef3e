"""scripts/commit_data.sh against real git repositories: no-op, commit, push race, conflict."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "commit_data.sh"


def git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid"}
    env |= {"GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid"}
    return subprocess.run(
        ["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True
    ).stdout.strip()


def run_script(cwd: Path, output: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env |= {"GITHUB_OUTPUT": str(output), "BRIEFING_PUSH_ATTEMPTS": "3"}
    env.pop("GITHUB_REF_NAME", None)
    return subprocess.run(["bash", str(SCRIPT)], cwd=cwd, env=env, capture_output=True, text=True, timeout=60)


def make_clones(tmp_path: Path) -> tuple[Path, Path, Path]:
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "--quiet", "--bare", "-b", "main", str(remote))
    first = tmp_path / "first"
    git(tmp_path, "clone", "--quiet", str(remote), str(first))
    (first / "data" / "releases").mkdir(parents=True)
    (first / "data" / "releases" / "a.json").write_text("{}\n")
    (first / "README").write_text("x\n")
    git(first, "checkout", "--quiet", "-b", "main")
    git(first, "add", ".")
    git(first, "commit", "--quiet", "-m", "start")
    git(first, "push", "--quiet", "origin", "main")
    second = tmp_path / "second"
    git(tmp_path, "clone", "--quiet", "-b", "main", str(remote), str(second))
    return remote, first, second


def outputs(path: Path) -> dict[str, str]:
    return dict(line.split("=", 1) for line in path.read_text().splitlines())


def test_nothing_changed_makes_no_commit(tmp_path: Path) -> None:
    remote, first, _ = make_clones(tmp_path)
    before = git(remote, "rev-parse", "main")
    result = run_script(first, tmp_path / "out")
    assert result.returncode == 0, result.stderr
    assert "no commit" in result.stdout
    assert git(remote, "rev-parse", "main") == before
    assert outputs(tmp_path / "out") == {"changed": "false", "sha": before}


def test_commits_data_and_content_as_the_bot_with_skip_ci(tmp_path: Path) -> None:
    remote, first, _ = make_clones(tmp_path)
    (first / "data" / "releases" / "b.json").write_text("{}\n")
    (first / "content" / "releases").mkdir(parents=True)
    (first / "content" / "releases" / "b.md").write_text("Title: b\n")
    (first / "notes.txt").write_text("not part of the archive\n")
    result = run_script(first, tmp_path / "out")
    assert result.returncode == 0, result.stderr
    head = git(remote, "log", "-1", "--format=%an|%s", "main")
    assert head.startswith("github-actions[bot]|")
    assert "[skip ci]" in head and "1 new release record" in head
    files = git(remote, "show", "--name-only", "--format=", "main").splitlines()
    assert sorted(files) == ["content/releases/b.md", "data/releases/b.json"]
    assert outputs(tmp_path / "out") == {"changed": "true", "sha": git(remote, "rev-parse", "main")}


def test_push_race_is_rebased_and_retried(tmp_path: Path) -> None:
    remote, first, second = make_clones(tmp_path)
    # Someone else pushes first (a README edit) while our run was collecting.
    (second / "README").write_text("edited meanwhile\n")
    git(second, "commit", "--quiet", "-am", "docs")
    git(second, "push", "--quiet", "origin", "main")
    (first / "data" / "releases" / "c.json").write_text("{}\n")
    result = run_script(first, tmp_path / "out")
    assert result.returncode == 0, result.stderr
    assert "rebasing" in result.stderr
    log = git(remote, "log", "--format=%s", "main").splitlines()
    assert log[0].startswith("Archive:") and log[1] == "docs"
    assert git(remote, "show", "main:README") == "edited meanwhile"


def test_rebase_conflict_aborts_cleanly_and_fails(tmp_path: Path) -> None:
    remote, first, second = make_clones(tmp_path)
    (second / "data" / "releases" / "a.json").write_text('{"by": "hand"}\n')
    git(second, "commit", "--quiet", "-am", "hand edit")
    git(second, "push", "--quiet", "origin", "main")
    (first / "data" / "releases" / "a.json").write_text('{"by": "run"}\n')
    result = run_script(first, tmp_path / "out")
    assert result.returncode != 0
    assert "conflict" in result.stderr
    assert not (first / ".git" / "rebase-merge").exists()
    assert git(remote, "log", "-1", "--format=%s", "main") == "hand edit"


def test_run_times_alone_make_no_commit_but_counters_do(tmp_path: Path) -> None:
    remote, first, _ = make_clones(tmp_path)
    state = first / "data" / "state"
    state.mkdir()
    (state / "sources.json").write_text('{"feed": {"failures": 0, "last_ok": "2026-11-25T09:00:00+09:00"}}\n')
    git(first, "add", ".")
    git(first, "commit", "--quiet", "-m", "state")
    git(first, "push", "--quiet", "origin", "main")
    before = git(remote, "rev-parse", "main")

    (state / "sources.json").write_text('{"feed": {"failures": 0, "last_ok": "2026-11-25T11:00:00+09:00"}}\n')
    result = run_script(first, tmp_path / "out")
    assert result.returncode == 0, result.stderr
    assert "only run times changed" in result.stdout
    assert git(remote, "rev-parse", "main") == before

    (state / "sources.json").write_text('{"feed": {"failures": 1, "last_ok": "2026-11-25T11:00:00+09:00"}}\n')
    result = run_script(first, tmp_path / "out2")
    assert result.returncode == 0, result.stderr
    assert git(remote, "rev-parse", "main") != before
    assert "sources.json" in git(remote, "show", "--name-only", "--format=", "main")


def test_the_commit_is_the_index_on_the_branch_as_git_commit_makes_it(tmp_path: Path) -> None:
    remote, first, _ = make_clones(tmp_path)
    before = git(first, "rev-parse", "HEAD")
    (first / "data" / "releases" / "b.json").write_text("{}\n")
    (first / "data" / "releases" / "a.json").write_text('{"changed": 1}\n')
    (first / "README").write_text("a local edit, not part of the archive\n")
    result = run_script(first, tmp_path / "out")
    assert result.returncode == 0, result.stderr
    head = git(first, "rev-parse", "HEAD")
    assert git(first, "rev-parse", "main") == head == git(remote, "rev-parse", "main")  # the branch moved
    assert git(first, "rev-parse", "HEAD^") == before
    message = git(first, "log", "-1", "--format=%B", "HEAD")
    assert message == (
        "Archive: 1 new release record(s), 0 article file(s) [skip ci]\n\n"
        "Written by the scheduled publish run: 2 files changed, 2 insertions(+), 1 deletion(-)"
    )
    assert git(first, "log", "-1", "--format=%an <%ae>|%cn", "HEAD").startswith("github-actions[bot] <")
    # the index and the work tree agree with the commit; the README edit is left as it was
    assert git(first, "status", "--porcelain") == "M README"
    assert "commit: Archive: 1 new" in git(first, "reflog", "-1", "--format=%gs", "main")
