"""Scheduled publish runs on a site copy that ``bench/growth.py`` built: +K new, then nothing new.

Used by ``bench/growth.py --scheduled`` (after the cold build, or ``--scheduled-only`` on a kept
``--work`` folder). Each step is the workflow's own ``make publish-*`` target (publish.yml runs
nothing else), in its order, against the fake portal (``briefing.testing.fakeportal``) serving
the 20 releases of ``../shared/corpus`` (real PDF/HWP/HWPX attachments, extracted by collect),
dated today (Korea time) — the archive of ``--end-yesterday`` ends the day before:

- update job: ``publish-collect`` (``briefing report --begin`` + ``briefing collect``),
  ``publish-summarize`` (offline: no ``BRIEFING_LLM_MODEL``), ``publish-commit`` (git add, commit,
  push to a local bare origin), ``publish-report``, ``publish-decide`` (``briefing should-build``).
  Run without ``cache/``, as on a fresh checkout (the update job restores only ``deploy-state/``);
- build job (when the decision says build): ``cache/`` and ``output/`` back (the Actions cache),
  ``publish-build`` (``briefing build --publish``, search index included), ``publish-size``, the
  Pages artifact (``tar -czf`` of ``output/``, as upload-pages-artifact tars it), ``publish-mark``;
  and, timed apart (the other deploy target), ``publish-size`` with the S3 target set and
  ``publish-deploy`` to a real S3 server on loopback
  (``rclone serve s3``; the site was deployed there whole before the first run, untimed), with the
  deploy's record in ``cache/`` as the workflow keeps it;
- proxies for what the runner does around them: the checkout (``git clone --depth 1`` of the bare
  origin: git's own work, no network) and the build job's cache save (``tar`` of ``cache/`` and
  ``output/`` through ``zstd -T0``, as actions/cache does; no upload).

Run again on the same site, it first puts back the archive's commit and the build before the first
run, so the figures can be re-taken.

Not included: ``pip install`` and setup-python (the same at any archive size), job start-up on the
runners, the network of the real portal and of GitHub (uploads and downloads), the Pages deploy
job itself (it publishes the uploaded artifact) and the cache restore download.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from briefing.records import KST
from briefing.testing.fakeportal import FakeFeed, FakePortal, corpus_releases
from briefing.testing.s3server import s3_server

UPDATE = ("publish-collect", "publish-summarize", "publish-commit", "publish-report", "publish-decide")
BUILD = ("publish-build", "publish-size")
S3_DEPLOY = "publish-deploy (S3 target, instead of Pages)"
S3_SIZE = "publish-size (S3 target, instead of the Pages measure)"
S3_STEPS = {S3_DEPLOY: "Pages artifact", S3_SIZE: "publish-size"}  # each replaces that step
S3_TARGET = "s3://site/briefing"
ARCHIVE = "bench-archive"  # the tag of the archive's commit, before any scheduled run
GIT_ID = {
    "GIT_AUTHOR_NAME": "bench",
    "GIT_AUTHOR_EMAIL": "bench@example.invalid",
    "GIT_COMMITTER_NAME": "bench",
    "GIT_COMMITTER_EMAIL": "bench@example.invalid",
}


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """(size, mtime) of every file under ``folder``: what a build rewrote shows as a change."""
    out = {}
    for path in folder.rglob("*"):
        if path.is_file():
            stat = path.stat()
            out[path.relative_to(folder).as_posix()] = (stat.st_size, stat.st_mtime_ns)
    return out


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


class Runs:
    """The scheduled runs on one site copy; ``run`` is growth.py's timed subprocess runner."""

    def __init__(
        self,
        site: Path,
        work: Path,
        env: dict[str, str],
        run: Callable[..., Any],
        corpus: Path,
        s3_env: dict[str, str],
    ):
        self.site, self.work, self.corpus = site, work, corpus
        self.s3_env = s3_env | {"BRIEFING_DEPLOY_TARGET": S3_TARGET}
        self.n = site.name.removeprefix("site-")
        self.log = work / f"scheduled-{self.n}.log"
        self.origin = work / f"origin-{self.n}.git"
        self.outputs = work / f"github-output-{self.n}"
        self.summary = work / f"job-summary-{self.n}.md"
        self.kept_cache = work / f"build-job-cache-{self.n}"  # cache/ while the update job runs
        self.pristine = work / f"pristine-{self.n}"
        self.env = {k: v for k, v in env.items() if not k.startswith(("GITHUB_", "GIT_"))} | GIT_ID
        self.env |= {
            "BRIEFING_LLM_MODEL": "",  # offline summaries
            "BRIEFING_DEPLOY_TARGET": "pages",
            "GITHUB_OUTPUT": str(self.outputs),
            "GITHUB_REF_NAME": "main",
        }
        self._run = run

    def git(self, *args: str, cwd: Path | None = None) -> str:
        return subprocess.run(
            ["git", *args], cwd=cwd or self.site, env=self.env, check=True, capture_output=True, text=True
        ).stdout

    def prepare(self) -> None:
        """The repository as it is before a run: everything committed and pushed, the build deployed.

        Again on the same site (a re-run): the archive's commit, ``output/`` and ``cache/`` as they were
        before the first run (kept in ``pristine-N/``), so the +K run does the same work again."""
        began = time.monotonic()
        if not (self.site / ".git").exists():
            self.git("init", "--quiet", "-b", "main")
            self.git("add", "-A")
            self.git("commit", "--quiet", "--no-verify", "-m", "bench: the archive")
            self.git("tag", ARCHIVE)
            self.git("init", "--quiet", "--bare", "-b", "main", str(self.origin))
            self.git("remote", "add", "origin", str(self.origin))
            self.git("push", "--quiet", "-u", "origin", "main")
        else:
            self.git("reset", "--quiet", "--hard", ARCHIVE)
            self.git("clean", "-fdq", "--", "data", "content")
            self.git("push", "--quiet", "--force", "origin", "main")
        for folder in ("output", "cache"):
            kept = self.pristine / folder
            if kept.exists():
                shutil.rmtree(self.site / folder, ignore_errors=True)
                subprocess.run(["cp", "-a", str(kept), str(self.site / folder)], check=True)
            else:
                kept.parent.mkdir(parents=True, exist_ok=True)
                subprocess.run(["cp", "-a", str(self.site / folder), str(kept)], check=True)
        # the S3 target holds the last build, as deployed; the server's port (part of the deploy
        # record's identity) is new each time, so the record is made again against this one
        print("  deploying the site to the local S3 server first (not timed)", flush=True)
        self.make("publish-deploy", self.s3_env)
        record = Path("cache") / "deploy-s3.json"
        shutil.copy2(self.site / record, self.pristine / record)
        shutil.rmtree(self.site / "deploy-state", ignore_errors=True)
        print(f"  git and the last build ready in {time.monotonic() - began:.0f} s (not timed)", flush=True)
        # the last build was deployed: its decision's state is what the next run compares with
        self.outputs.unlink(missing_ok=True)
        self.make("publish-decide", {})
        self.make("publish-mark", {"BRIEFING_DEPLOY_STATE": self.output("state")})
        self.outputs.unlink()

    def make(self, target: str, extra: dict[str, str]) -> Any:
        return self._run(["make", "--no-print-directory", target], self.site, self.env | extra, self.log)

    def output(self, key: str) -> str:
        """The last ``key=`` line the steps wrote to $GITHUB_OUTPUT."""
        lines = self.outputs.read_text().splitlines()
        return [line.split("=", 1)[1] for line in lines if line.startswith(f"{key}=")][-1]

    def one(self, label: str, portal: FakePortal) -> dict[str, Any]:
        """One scheduled run; wall/CPU/peak per step, the decision, files written and bytes."""
        figures: dict[str, Any] = {"label": label, "steps": [], "load": os.getloadavg()}
        env = portal.env()

        def timed(name: str, command: list[str] | str, extra: dict[str, str] | None = None) -> None:
            if isinstance(command, str):
                done = self.make(command, env | (extra or {}))
            else:
                done = self._run(command, self.site, self.env | env, self.log)
            figures["steps"].append((name, done.wall, done.cpu, done.peak_mb))
            print(
                f"    {name:<34} {done.wall:7.1f} s wall {done.cpu:7.1f} s CPU {done.peak_mb:7,.0f} MB",
                flush=True,
            )

        clone = self.work / f"checkout-{self.n}"
        shutil.rmtree(clone, ignore_errors=True)
        timed(
            "checkout (proxy: local clone --depth 1)",
            ["git", "clone", "--quiet", "--depth", "1", f"file://{self.origin}", str(clone)],
        )
        shutil.rmtree(clone, ignore_errors=True)
        cache = self.site / "cache"
        if cache.exists():  # a fresh checkout has no cache/
            cache.rename(self.kept_cache)
        self.outputs.unlink(missing_ok=True)
        try:
            for target in UPDATE:
                timed(target, target)
        finally:  # the update job's own cache/ (cache/run-start.json) goes with its runner
            shutil.rmtree(cache, ignore_errors=True)
            if self.kept_cache.exists():
                self.kept_cache.rename(cache)
        figures["build"] = self.output("build") == "true"
        if figures["build"]:
            before = snapshot(self.site / "output")
            for target in BUILD:
                timed(target, target)
            after = snapshot(self.site / "output")
            changed = [rel for rel, stat in after.items() if before.get(rel) != stat]
            figures["written"] = len(changed)
            figures["written bytes"] = sum(after[rel][0] for rel in changed)
            figures["removed"] = len(before.keys() - after.keys())
            figures["output files"] = len(after)
            figures["output bytes"] = sum(size for size, _ in after.values())
            timed(S3_SIZE, "publish-size", self.s3_env)  # the workflow's size step, S3 target set
            timed(S3_DEPLOY, "publish-deploy", self.s3_env)
            artifact = self.work / f"artifact-{self.n}.tar.gz"
            timed("Pages artifact (tar -czf output/)", ["tar", "-czf", str(artifact), "-C", "output", "."])
            figures["artifact bytes"] = artifact.stat().st_size
            artifact.unlink()
            timed("publish-mark", "publish-mark", {"BRIEFING_DEPLOY_STATE": self.output("state")})
            saved = self.work / f"actions-cache-{self.n}.tar.zst"
            timed(
                "cache save (proxy: tar | zstd -T0)",
                ["tar", "--use-compress-program", "zstd -T0", "-cf", str(saved), "cache", "output"],
            )
            figures["cache bytes"] = saved.stat().st_size
            saved.unlink()
        return figures


def scheduled_runs(
    site: Path, work: Path, env: dict[str, str], run: Callable[..., Any], corpus: Path
) -> list[dict[str, Any]]:
    """A run with the corpus's 20 releases new on the fake portal, then a run with nothing new."""
    snippets = json.loads((corpus / "snippets.json").read_text(encoding="utf-8"))
    releases = corpus_releases(corpus, snippets, datetime.now(KST).date())
    results = []
    buckets = work / f"s3-{site.name.removeprefix('site-')}"
    with s3_server(buckets, ("site",)) as server, FakePortal(releases, [FakeFeed("molit")]) as portal:
        runs = Runs(site, work, env, run, corpus, server.env())
        runs.prepare()
        for label in (f"+{len(releases)} new", "nothing new"):
            print(f"  scheduled run, {label}:", flush=True)
            results.append(runs.one(label, portal))
    return results


def report(results: list[dict[str, Any]], n: int) -> None:
    """Markdown: one table per run, and what the runs wrote and uploaded."""
    for figures in results:
        load = ", ".join(f"{x:.2f}" for x in figures["load"])
        print(f"\n## scheduled run at {n:,} releases: {figures['label']} (build: {figures['build']})\n")
        print(f"load average (1, 5, 15 min) at its start: {load}\n")
        print("| step | wall s | CPU s | peak MB |")
        print("| --- | ---: | ---: | ---: |")
        wall = cpu = 0.0
        s3_wall = s3_cpu = 0.0  # the S3 steps minus the Pages steps they replace
        for name, w, c, mb in figures["steps"]:
            print(f"| {name} | {w:.1f} | {c:.1f} | {mb:,.0f} |")
            if name in S3_STEPS:
                s3_wall, s3_cpu = s3_wall + w, s3_cpu + c
            elif not name.startswith(("checkout", "cache save")):
                wall, cpu = wall + w, cpu + c
                if name.startswith(tuple(S3_STEPS.values())):
                    s3_wall, s3_cpu = s3_wall - w, s3_cpu - c
        print(f"| **collect → mark (proxies left out), Pages** | **{wall:.1f}** | **{cpu:.1f}** | |")
        if figures["build"]:
            print(
                f"| **the same with the S3 target (its size step and deploy instead of the Pages ones)** | "
                f"**{wall + s3_wall:.1f}** | **{cpu + s3_cpu:.1f}** | |"
            )
        steps = [step for step in figures["steps"] if step[0] not in S3_STEPS]
        every = sum(w for _, w, _, _ in steps), sum(c for _, _, c, _ in steps)
        print(f"| with the checkout and cache-save proxies | {every[0]:.1f} | {every[1]:.1f} | |")
        if figures["build"]:
            print(
                f"\n- output/ files written {figures['written']:,} ({figures['written bytes'] / 2**20:,.1f} MB), "
                f"removed {figures['removed']}; output/ {figures['output files']:,} files, "
                f"{figures['output bytes'] / 2**20:,.1f} MB; Pages artifact (uploaded whole) "
                f"{figures['artifact bytes'] / 2**20:,.1f} MB; Actions cache (cache/ + output/, zstd) "
                f"{figures['cache bytes'] / 2**20:,.1f} MB"
            )
    print(f"\n- load average at the end: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
