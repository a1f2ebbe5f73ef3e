"""The GitHub Actions workflows: linted by actionlint and zizmor, and shaped as the publish design says."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
PUBLISH = ROOT / ".github" / "workflows" / "publish.yml"


def _tool(name: str) -> str:
    # The venv's own scripts first: `make test` runs .venv/bin/python without .venv/bin on PATH.
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if found is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is required in CI (pip install -e '.[dev]')")
        pytest.skip(f"{name} is not installed")
    return found


def _load(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as True
    return data


def test_workflows_exist() -> None:
    assert {p.name for p in WORKFLOWS} >= {"publish.yml", "ci.yml"}


def test_actionlint_clean() -> None:
    result = subprocess.run(
        [_tool("actionlint"), "-no-color", *map(str, WORKFLOWS)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor_clean() -> None:
    # Findings may only be silenced by an inline `# zizmor: ignore[...]` with a reason beside it.
    result = subprocess.run(
        [_tool("zizmor"), "--offline", "--no-progress", "--format=plain", *map(str, WORKFLOWS)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings" in result.stdout, result.stdout


def test_zizmor_ignores_are_justified() -> None:
    for path in WORKFLOWS:
        lines = path.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines):
            if "zizmor: ignore" in line:
                context = " ".join(lines[max(0, number - 2) : number + 1])
                assert re.search(r"#\s+\w+.*\w+\s+\w+", context.split("zizmor:")[0]), (
                    f"{path.name}:{number + 1}: an ignored zizmor finding needs a comment saying why"
                )


def test_actions_pinned_by_commit_with_version_comment() -> None:
    uses = re.compile(r"uses:\s*([^\s#]+)(.*)")
    count = 0
    for path in WORKFLOWS:
        for line in path.read_text(encoding="utf-8").splitlines():
            match = uses.search(line)
            if not match:
                continue
            count += 1
            action, comment = match.groups()
            assert re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", action), f"not pinned by SHA: {line}"
            assert re.search(r"#\s*v\d+(\.\d+)*", comment), f"no version comment: {line}"
    assert count >= 5


def test_every_job_has_its_own_least_privilege_permissions() -> None:
    for path in WORKFLOWS:
        data = _load(path)
        assert data["permissions"] == {}, f"{path.name}: default token permissions must be none"
        for name, job in data["jobs"].items():
            assert "permissions" in job, f"{path.name}: job {name} must declare its permissions"
            assert "timeout-minutes" in job
    jobs = _load(PUBLISH)["jobs"]
    writes = {name: {k for k, v in job["permissions"].items() if v == "write"} for name, job in jobs.items()}
    assert writes["update"] == {"contents"}
    assert writes["build"] == set()
    assert writes["deploy"] == {"pages", "id-token"}
    assert writes["record"] == set()


def test_publish_schedule_dispatch_and_concurrency() -> None:
    data = _load(PUBLISH)
    crons = [entry["cron"] for entry in data["on"]["schedule"]]
    assert "23 */2 * * *" in crons  # every two hours, around the clock
    inputs = data["on"]["workflow_dispatch"]["inputs"]
    assert set(inputs) == {"limit", "force", "target", "rebuild"}
    assert inputs["force"]["type"] == "boolean" and inputs["rebuild"]["type"] == "boolean"
    assert data["concurrency"]["cancel-in-progress"] is False


def test_publish_steps_call_make_targets_only() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([\w-]+):", makefile, flags=re.M))
    order = []
    for job in _load(PUBLISH)["jobs"].values():
        for step in job["steps"]:
            if "run" in step:
                command = step["run"].strip()
                match = re.fullmatch(r"make ([\w-]+)( >> \"\$GITHUB_STEP_SUMMARY\")?", command)
                assert match, f"a step must call one make target, not logic in YAML: {command!r}"
                assert match.group(1) in targets, f"Makefile has no target {match.group(1)}"
                order.append(match.group(1))
                assert "${{" not in command, "expressions go through env:, never into the script"
    assert order == [
        "publish-install",
        "publish-collect",
        "publish-summarize",
        "publish-commit",
        "publish-report",
        "publish-decide",
        "publish-install",
        "publish-build",
        "publish-size",
        "publish-deploy",
        "publish-mark",
    ]


def test_nothing_new_skips_build_and_deploy_and_the_target_is_chosen() -> None:
    jobs = _load(PUBLISH)["jobs"]
    steps = {step.get("id"): step for step in jobs["update"]["steps"]}
    assert jobs["update"]["outputs"]["build"] == "${{ steps.decide.outputs.build }}"
    assert "steps.commit.outcome == 'success'" in steps["decide"]["if"]
    target = "inputs.target || vars.BRIEFING_DEPLOY_TARGET || 'pages'"
    assert steps["decide"]["env"]["BRIEFING_DEPLOY_TARGET"] == "${{ " + target + " }}"
    assert "needs.update.outputs.build == 'true'" in jobs["build"]["if"]
    # Pages stays the default: its artifact and job only when the target is not s3://
    assert f"!startsWith({target}, 's3://')" in jobs["deploy"]["if"]
    build_steps = jobs["build"]["steps"]
    upload = next(s for s in build_steps if "upload-pages-artifact" in s.get("uses", ""))
    s3 = next(s for s in build_steps if s.get("run", "").startswith("make publish-deploy"))
    assert upload["if"].startswith("${{ !startsWith(") and s3["if"].startswith("${{ startsWith(")
    assert set(s3["env"]) >= {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_ENDPOINT_URL", "AWS_REGION"}
    # the state of a deploy is kept only once it succeeded, and restored before the next decision
    uses = [s.get("uses", "").split("@")[0] for s in jobs["record"]["steps"]]
    assert uses[-1] == "actions/cache/save" and "needs.build.result == 'success'" in jobs["record"]["if"]


def test_commit_runs_even_when_summarising_failed_and_secrets_stay_in_env() -> None:
    steps = {step.get("id"): step for step in _load(PUBLISH)["jobs"]["update"]["steps"]}
    assert "!cancelled()" in steps["commit"]["if"]
    assert steps["collect"]["env"]["DATA_GO_KR_SERVICE_KEY"] == "${{ secrets.DATA_GO_KR_SERVICE_KEY }}"
    text = PUBLISH.read_text(encoding="utf-8")
    for line in text.splitlines():
        if "secrets." in line:
            assert re.match(r"\s+[A-Z_]+: \$\{\{ secrets\.[A-Z_]+ \}\}$", line), line
