"""The built site's size against GitHub Pages' 1 GB limit: `briefing report --site`, the publish
job summary step, and `briefing doctor`. The limit is lowered by a parameter instead of writing a GB."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import yaml

from briefing.cli import main
from briefing.doctor import check_site_size
from briefing.settings import Settings
from briefing.site.size import PAGES_LIMIT_BYTES, measure

ROOT = Path(__file__).resolve().parent.parent
SECTION = "A site per year (BRIEFING_SITE_YEARS)"


def _site(folder: Path) -> tuple[int, int]:
    """A small site with nested folders, an empty file and a symbolic link (not counted); returns
    (bytes, files) as counted independently with os.walk."""
    (folder / "releases" / "2027" / "01").mkdir(parents=True)
    (folder / "index.html").write_text("<!doctype html>" + "가" * 3000, encoding="utf-8")
    (folder / "releases" / "2027" / "01" / "a.json").write_bytes(b"{}" * 1234)
    (folder / "releases" / "2027" / "01" / "empty.txt").write_bytes(b"")
    (folder / "big.bin").write_bytes(os.urandom(50_000))
    (folder / "link.html").symlink_to(folder / "big.bin")
    total = files = 0
    for base, _, names in os.walk(folder):
        for name in names:
            path = Path(base, name)
            if not path.is_symlink():
                total += path.stat().st_size
                files += 1
    return total, files


def test_measure_counts_regular_files_only(tmp_path: Path) -> None:
    total, files = _site(tmp_path / "output")
    size = measure(tmp_path / "output")
    assert (size.bytes, size.files) == (total, files) and files == 4
    assert size.limit == PAGES_LIMIT_BYTES and size.level == "ok"
    assert measure(tmp_path / "missing").bytes == 0


def _report(capsys: pytest.CaptureFixture[str], folder: Path, limit: int) -> tuple[int, str, str]:
    code = main(["report", "--site", str(folder), "--pages-limit", str(limit)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_report_shows_the_size_and_warns_from_80_percent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    total, files = _site(tmp_path / "output")

    code, out, _ = _report(capsys, tmp_path / "output", PAGES_LIMIT_BYTES)
    assert code == 0
    assert f"({total:,} bytes) in {files:,} files: 0% of the 1 GB GitHub Pages limit" in out
    assert "경고" not in out and "✓" in out

    below = int(total / 0.79)  # 79 %: still fine
    code, out, _ = _report(capsys, tmp_path / "output", below)
    assert code == 0 and "79%" in out and "경고" not in out

    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    code, out, err = _report(capsys, tmp_path / "output", int(total / 0.85))  # 85 %
    assert code == 0
    assert "⚠️" in out and "85% of the GitHub Pages limit (warning from 80%)" in out
    assert f'docs/publishing.md section "{SECTION}"' in out and "BRIEFING_SITE_YEARS" in out
    assert err.startswith("::warning title=site size::")  # an annotation on the Actions run

    code, out, _ = _report(capsys, tmp_path / "output", total - 1)  # over the limit
    assert code == 0 and "⛔" in out and "over the GitHub Pages limit" in out


def test_the_deploy_cost_line_follows_the_target(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    total, files = _site(tmp_path / "output")
    monkeypatch.delenv("BRIEFING_DEPLOY_TARGET", raising=False)
    _, out, _ = _report(capsys, tmp_path / "output", PAGES_LIMIT_BYTES)
    assert f"GitHub Pages: the whole site, {total / 1000:.1f} KB in {files:,} files (one artifact)" in out

    # an S3 target: Pages' limit does not apply and the deploy counts the files; no second walk
    monkeypatch.setenv("BRIEFING_DEPLOY_TARGET", "s3://bucket/site")
    code, out, _ = _report(capsys, tmp_path / "output", total - 1)  # over Pages' limit: not said
    assert code == 0 and "`s3://bucket/site`: only the changed files" in out
    assert "GitHub Pages limit" not in out and f"{total:,}" not in out


def test_report_on_a_missing_site_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _report(capsys, tmp_path / "nothing", PAGES_LIMIT_BYTES)
    assert code == 1 and "does not exist" in out


def test_doctor_warns_with_the_fix(tmp_path: Path) -> None:
    settings = Settings().with_values({"output_dir": tmp_path / "output"})
    [finding] = check_site_size(settings)
    assert finding.level == "ok" and "not built yet" in finding.message

    total, _ = _site(tmp_path / "output")
    [finding] = check_site_size(settings)
    assert finding.level == "ok" and "0% of the 1 GB GitHub Pages limit" in finding.message

    [finding] = check_site_size(settings, limit=int(total / 0.9))
    assert finding.level == "warn" and "90% of the" in finding.message
    line = finding.line()
    assert line.startswith("! site size:") and f'docs/publishing.md section "{SECTION}"' in line
    assert "→ move closed years to an archive site" in line

    [finding] = check_site_size(settings, limit=total // 2)
    assert finding.level == "fail" and "over the GitHub Pages limit" in finding.line()


def test_the_docs_have_the_section_the_warnings_name() -> None:
    readme = (ROOT / "docs" / "publishing.md").read_text(encoding="utf-8")
    assert f"\n## {SECTION}\n" in readme


def _publish() -> dict:
    data = yaml.safe_load((ROOT / ".github" / "workflows" / "publish.yml").read_text(encoding="utf-8"))
    return data["jobs"]


def test_publish_build_reports_the_size_before_the_upload() -> None:
    steps = _publish()["build"]["steps"]
    runs = [s.get("run", s.get("uses", "")).split("@")[0] for s in steps]
    build = runs.index("make publish-build")
    assert runs[build + 1] == 'make publish-size >> "$GITHUB_STEP_SUMMARY"'
    assert runs[build + 2] == "actions/upload-pages-artifact"
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^publish-size:\n\tbriefing report --site output$", makefile, re.M)


def test_frozen_archive_and_year_variables_in_the_workflow() -> None:
    jobs = _publish()
    # a frozen archive never collects, summarises or commits ...
    assert jobs["update"]["if"] == "${{ vars.BRIEFING_FROZEN != 'true' }}"
    # ... and builds its own checkout, on a run by hand only
    condition = jobs["build"]["if"]
    assert "needs.update.outputs.sha != ''" in condition
    assert "vars.BRIEFING_FROZEN == 'true' && github.event_name == 'workflow_dispatch'" in condition
    checkout = jobs["build"]["steps"][0]
    assert checkout["with"]["ref"] == "${{ needs.update.outputs.sha || github.sha }}"
    env = next(s for s in jobs["build"]["steps"] if s.get("run") == "make publish-build")["env"]
    assert env["BRIEFING_SITE_YEARS"] == "${{ vars.BRIEFING_SITE_YEARS }}"
    assert env["BRIEFING_ARCHIVE_SITES"] == "${{ vars.BRIEFING_ARCHIVE_SITES }}"
    assert "!cancelled()" in jobs["deploy"]["if"]  # deploys whenever the build succeeded
