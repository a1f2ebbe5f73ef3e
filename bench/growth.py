"""Data growth: bytes per release in every place a release leaves a trace, and build and deploy time.

    python bench/growth.py [--sizes 400,1200] [--per-year 25000] [--keep]
    nice python bench/growth.py --sizes 25000 --incremental 20 --commit HEAD --work /tmp/growth-year
    nice python bench/growth.py --sizes 25000 --end-yesterday --scheduled --commit HEAD --work /tmp/growth-year

Synthetic releases (``briefing.testing.synthetic``, ``--per-year`` a year spread evenly over the months) go
through the real pipeline in a copy of this repository (the work tree, or ``--commit``): records
saved by ``briefing.store`` → ``briefing summarize`` (offline) → ``briefing build --publish``
(what the workflow runs: theme + all plugins, absolute URLs; with ``--chat-index`` also the chat
index in ``build/``, which the workflow's publish build skips). When ``../shared/corpus`` is present, each release's attachments carry real press-release
paragraphs (extracted once with our own extractors, drawn deterministically, as many characters as
a real release's attachments hold), so sizes and compression are those of real text; without it
the text is synthetic only and much shorter. Corpus text goes only into the temporary work folder.

It measures

- bytes per release of records (``data/``), articles (``content/``), article pages, original
  texts, per-article JSON, the search index, tag pages, the rest of ``output/`` and the chat
  index: raw, and per file zlib level 6 (what git stores for a loose or packed object);
- wall and CPU seconds and peak memory of every step; the tar.gz of ``output/`` (the Pages
  artifact), its time and size; with ``--incremental K`` one scheduled run's worth of K new
  releases (summarize + build), then a rebuild with nothing changed;
- with ``--scheduled`` (or ``--scheduled-only`` on a kept ``--work`` folder) the whole scheduled
  run as publish.yml runs it, step by step — collect from the fake portal, summarize, commit,
  report, the build decision, build, size report, Pages artifact, mark — once with the corpus's
  20 releases new and once with nothing new (``bench/scheduled_run.py`` says what it leaves out).

With two sizes it fits bytes and seconds linearly between them; with one size it divides by it.
Either way it projects a year and five years.
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import scheduled_run  # noqa: E402
from scheduled_run import snapshot  # noqa: E402
from worktree import copy_tracked  # noqa: E402

from briefing.chat.window import MONTHS_ENV, window_months  # noqa: E402
from briefing.records import KST  # noqa: E402
from briefing.store import Store  # noqa: E402
from briefing.testing.synthetic import RealText, iter_records, real_text_pool  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
GB = 1024**3
PARTS = (
    "records",
    "articles",
    "pages",
    "original text",
    "article json",
    "search index",
    "tag pages",
    "other output",
    "chat index",
)
IN_GIT = ("records", "articles")  # the repository
OFF_PAGES = ("records", "articles", "chat index")  # the repository, and build/chat-index/
SITE_URL = "https://someone.github.io/briefing"  # publish builds have absolute URLs


def part_of(rel: str) -> str:
    """Which part of the output a file belongs to."""
    if rel.startswith("search/") and not rel.endswith(".html"):
        return "search index"
    if rel.startswith("chat-index/"):
        return "chat index"
    if rel.startswith("tag/"):
        return "tag pages"
    if rel.startswith("releases/"):
        if rel.endswith(".original.html.gz"):
            return "original text"
        return "article json" if rel.endswith(".json") else "pages"
    return "other output"


def folder_sizes(root: Path, classify) -> tuple[dict[str, int], dict[str, int], dict[str, int]]:
    """Raw bytes, per-file zlib-6 bytes and file count of each part under ``root``."""
    raw: dict[str, int] = defaultdict(int)
    packed: dict[str, int] = defaultdict(int)
    files: dict[str, int] = defaultdict(int)
    for path in root.rglob("*"):
        if path.is_file():
            part = classify(path.relative_to(root).as_posix())
            data = path.read_bytes()
            raw[part] += len(data)
            packed[part] += len(zlib.compress(data, 6))
            files[part] += 1
    return raw, packed, files


@dataclass
class Step:
    wall: float
    cpu: float  # user + system of the process and its children
    peak_mb: float  # largest resident set of the process or any of its children


def run(command: list[str], cwd: Path, env: dict[str, str], log: Path) -> Step:
    """Run ``command`` with its output appended to ``log``; its wall and CPU time and peak memory."""
    began = time.monotonic()
    with open(log, "ab") as out:
        out.write(f"\n$ {' '.join(command)}\n".encode())
        out.flush()
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)  # this child's own resource usage
        process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        tail = log.read_text(encoding="utf-8", errors="replace")[-3000:]
        raise SystemExit(f"{' '.join(command)} failed (exit {process.returncode}):\n{tail}")
    return Step(time.monotonic() - began, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def prepare_site(site: Path, commit: str | None) -> None:
    """A copy of the repository without data: the work tree's tracked files, or ``commit``'s."""
    site.mkdir(parents=True)
    if commit is None:
        copy_tracked(site, skip=("data/", "content/releases/", "demo/"))
        return
    archive = subprocess.run(["git", "archive", commit], cwd=ROOT, check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(site)], input=archive, check=True)
    for folder in ("data", "content/releases", "demo"):
        shutil.rmtree(site / folder, ignore_errors=True)


def refresh_code(site: Path, commit: str | None) -> None:
    """Replace the code of an existing site copy with ``commit``'s (or the work tree's), keeping
    its data, articles, output and caches."""
    with tempfile.TemporaryDirectory(prefix="briefing-code-") as tmp:
        fresh = Path(tmp) / "site"
        prepare_site(fresh, commit)
        shutil.copytree(fresh, site, dirs_exist_ok=True)


def site_env(site: Path, chat_index: bool = False) -> dict[str, str]:
    """The environment of every step run in the site copy (its own code first on the path)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BRIEFING_", "SITEURL"))}
    env |= {
        "PYTHONPATH": str(site),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        "LITELLM_LOCAL_MODEL_COST_MAP": "True",
        "SITEURL": SITE_URL,
    }
    if chat_index:  # publish builds skip the chat index unless asked (the function is bundled apart)
        env["BRIEFING_CHAT_INDEX_DIR"] = "build/chat-index"
    return env


def measure(
    n: int,
    work: Path,
    *,
    per_day: int,
    real_text: RealText | None,
    incremental: int,
    commit: str | None,
    resume: bool = False,
    chat_index: bool = False,
    start: date | None = None,
) -> dict[str, float]:
    """Everything about ``n`` releases (and ``incremental`` more) in a fresh copy of the site.

    ``resume``: the copy exists with its records and articles from a run whose build failed; its
    code is refreshed and the build re-run with the caches that run left (so not a cold build).
    """
    site = work / f"site-{n}"
    if resume:
        refresh_code(site, commit)
    else:
        prepare_site(site, commit)
    log = work / f"site-{n}.log"
    env = site_env(site, chat_index)
    figures: dict[str, float] = {"n": n}

    def save(first: int, last: int) -> float:
        began = time.monotonic()
        store = Store(site / "data")
        for record in iter_records(last, first=first, per_day=per_day, real_text=real_text, start=start):
            store.save(record)
        return time.monotonic() - began

    def step(name: str, command: list[str]) -> None:
        done = run(command, site, env, log)
        figures[f"{name} s"], figures[f"{name} cpu"], figures[f"{name} mb"] = (
            done.wall,
            done.cpu,
            done.peak_mb,
        )
        print(
            f"  {name}: {done.wall:.1f} s wall, {done.cpu:.1f} s CPU, peak {done.peak_mb:,.0f} MB", flush=True
        )

    if resume:
        figures["resumed"] = 1
    else:
        figures["store s"] = save(0, n)
        print(f"  records saved: {figures['store s']:.1f} s", flush=True)
        step("summarize", ["briefing", "summarize"])
    # what the workflow runs: publishconf.py (absolute URLs, chat index in build/, not output/)
    step("build", ["briefing", "build", "--publish"])

    for folder, classify in (
        (site / "data", lambda rel: "records"),
        (site / "content" / "releases", lambda rel: "articles"),
        (site / "output", part_of),
        (site / "build" / "chat-index", lambda rel: "chat index"),
    ):
        if not folder.is_dir():
            continue
        raw, packed, files = folder_sizes(folder, classify)
        for part in raw:
            figures[f"{part} raw"] = figures.get(f"{part} raw", 0) + raw[part]
            figures[f"{part} packed"] = figures.get(f"{part} packed", 0) + packed[part]
            figures[f"{part} files"] = figures.get(f"{part} files", 0) + files[part]
    output = snapshot(site / "output")
    figures["output bytes"] = sum(size for size, _ in output.values())
    figures["output files"] = len(output)
    # The Pages artifact: upload-pages-artifact tars output/ and the upload compresses it (gzip -6 here).
    artifact = work / f"site-{n}.tar.gz"
    done = run(["tar", "-czf", str(artifact), "-C", str(site / "output"), "."], site, env, log)
    figures["artifact s"], figures["artifact cpu"] = done.wall, done.cpu
    figures["artifact bytes"] = artifact.stat().st_size
    artifact.unlink()
    print(f"  measured sizes; artifact {human(figures['artifact bytes'])} in {done.wall:.1f} s", flush=True)

    if incremental:
        figures["incremental store s"] = save(n, n + incremental)
        step("incremental summarize", ["briefing", "summarize"])
        step("incremental build", ["briefing", "build", "--publish"])
        after = snapshot(site / "output")
        changed = [rel for rel, stat in after.items() if output.get(rel) != stat]
        figures["incremental files"] = len(changed)
        figures["incremental bytes"] = sum(after[rel][0] for rel in changed)
        figures["incremental removed"] = len(output.keys() - after.keys())
    step("rebuild", ["briefing", "build", "--publish"])
    return figures


def yesterday() -> date:
    return datetime.now(KST).date() - timedelta(days=1)


def human(size: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if abs(size) < 1024 or unit == "GB":
            return f"{size:,.1f} {unit}" if unit != "B" else f"{size:,.0f} B"
        size /= 1024
    return f"{size:,.1f} GB"


class Fit:
    """Per-release values: the slope between two sizes, or the average at one size."""

    def __init__(self, results: list[dict[str, float]]) -> None:
        self.small, self.large = (results[0], results[-1]) if len(results) > 1 else ({"n": 0}, results[0])

    def per(self, key: str) -> float:
        a, b = self.small.get(key, 0.0), self.large.get(key, 0.0)
        return (b - a) / (self.large["n"] - self.small["n"])

    def at(self, key: str, n: float) -> float:
        """Value of ``key`` at ``n`` releases on the line (noise can make a flat cost look negative)."""
        return self.large.get(key, 0.0) + max(0.0, self.per(key)) * (n - self.large["n"])

    def basis(self) -> str:
        if self.small["n"]:
            return f"slope between {int(self.small['n']):,} and {int(self.large['n']):,} releases"
        return f"average over {int(self.large['n']):,} releases"


def report(results: list[dict[str, float]], per_year: int, filler: str) -> None:
    fit = Fit(results)
    five = 5 * per_year
    print(f"\nfiller: {filler}")
    print(f"\n## bytes per release ({fit.basis()}); projection: {per_year:,} a year\n")
    print(
        "| part | raw / release | git: zlib-6 per file / release | files / release "
        "| 1 year raw | 5 years raw | 5 years zlib-6 |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    totals: dict[str, float] = defaultdict(float)
    for part in PARTS:
        raw, packed, files = fit.per(f"{part} raw"), fit.per(f"{part} packed"), fit.per(f"{part} files")
        year, fives = fit.at(f"{part} raw", per_year), fit.at(f"{part} raw", five)
        fives_packed = fit.at(f"{part} packed", five)
        print(
            f"| {part} | {human(raw)} | {human(packed)} | {files:.2f} | {human(year)} | {human(fives)} "
            f"| {human(fives_packed)} |"
        )
        if part in IN_GIT:
            totals["git per release"] += packed
            totals["git 1y"] += fit.at(f"{part} packed", per_year)
            totals["git 5y"] += fives_packed
            totals["repo raw 5y"] += fives
        if part not in OFF_PAGES:
            totals["site per release"] += raw
            totals["site 1y"] += year
            totals["site 5y"] += fives
            totals["site files 5y"] += fit.at(f"{part} files", five)
    chat = fit.per("chat index raw")
    print("\n## five years\n")
    print(
        f"- repository (data/ + content/) as git stores it (zlib-6 per file): {human(totals['git per release'])} "
        f"per release, 1 year {human(totals['git 1y'])}, 5 years {human(totals['git 5y'])} "
        f"(raw {human(totals['repo raw 5y'])}); GitHub recommends < 1 GB"
    )
    print(
        f"- Pages site (output/): {human(totals['site per release'])} per release; 1 year "
        f"{human(totals['site 1y'])}, 5 years {human(totals['site 5y'])} in {totals['site files 5y']:,.0f} "
        f"files; Pages publishes at most 1 GB (reached after ~{GB / max(totals['site per release'], 1):,.0f} releases)"
    )
    months = window_months()
    window = per_year * months / 12 if months else five
    if "chat index raw" not in fit.large:
        print("- chat index: not built (publish builds skip it; --chat-index measures it)")
    else:
        print(
            f"- chat index (build/chat-index/, the function bundle): {human(chat)} per release, 1 year "
            f"{human(fit.at('chat index raw', per_year))}, 5 years {human(fit.at('chat index raw', five))} "
            f"without a window; with the {months or 'unlimited'}-month window ({MONTHS_ENV}) it holds at most "
            f"~{window:,.0f} releases: ~{human(fit.at('chat index raw', min(window, five)))} for good"
        )
    large = fit.large
    print(f"\n## time and memory at {int(large['n']):,} releases (this machine: {os.cpu_count()} cores)\n")
    if large.get("resumed"):
        print("- RESUMED run: the build below re-ran after a failed one, with its caches (not a cold build)")
    else:
        print(f"- records saved: {large['store s']:.1f} s")
    print("| step | wall s | CPU s | peak MB | per release (wall) |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name in ("summarize", "build", "incremental summarize", "incremental build", "rebuild"):
        if f"{name} s" not in large:
            continue
        per = f"{fit.per(f'{name} s'):.3f} s" if name in ("summarize", "build") else ""
        print(
            f"| {name} | {large[f'{name} s']:.1f} | {large[f'{name} cpu']:.1f} | {large[f'{name} mb']:,.0f} | {per} |"
        )
    print(
        f"\n- output/: {human(large['output bytes'])} in {int(large['output files']):,} files; Pages artifact "
        f"(tar.gz -6 of output/) {human(large['artifact bytes'])}, {large['artifact s']:.1f} s wall, "
        f"{large['artifact cpu']:.1f} s CPU"
    )
    if "incremental files" in large:
        print(
            f"- incremental run: {int(large['incremental files']):,} output files written "
            f"({human(large['incremental bytes'])}), {int(large['incremental removed'])} removed"
        )
    for key in ("build s", "artifact s", "artifact bytes"):
        one, fives = fit.at(key, per_year), fit.at(key, five)
        shown = (lambda v: human(v)) if key.endswith("bytes") else (lambda v: f"~{v / 60:.1f} min")
        print(f"- {key} linear: 1 year {shown(one)}, 5 years {shown(fives)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", default="400,1200", help="one size, or two to fit a line (default 400,1200)"
    )
    parser.add_argument("--per-year", type=int, default=25_000, help="releases a year (default 25,000)")
    parser.add_argument(
        "--incremental", type=int, default=0, help="then add this many releases (one scheduled run) and build"
    )
    parser.add_argument(
        "--end-yesterday",
        action="store_true",
        help="date the archive so its last day is yesterday (Korea time), as before a scheduled run that "
        "collects today's releases (default: from 2026-10-01)",
    )
    parser.add_argument("--commit", help="measure this commit (git archive) instead of the work tree")
    parser.add_argument("--work", type=Path, help="work folder (default: a new temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument(
        "--chat-index",
        action="store_true",
        help="also write the chat index (BRIEFING_CHAT_INDEX_DIR=build/chat-index), as the chat function's "
        "own build does; the workflow's publish build skips it",
    )
    parser.add_argument(
        "--resume",
        action="store_true",
        help="with --work of a failed run: refresh the code (--commit) and build again on its data and caches",
    )
    parser.add_argument(
        "--scheduled",
        action="store_true",
        help="then two scheduled runs as publish.yml runs them (bench/scheduled_run.py): the corpus's 20 "
        "releases new on the fake portal, then nothing new; needs ../shared/corpus (use --end-yesterday)",
    )
    parser.add_argument(
        "--scheduled-only",
        action="store_true",
        help="with --work of an earlier run: only the scheduled runs, on its built site-<size>",
    )
    args = parser.parse_args(argv)
    sizes = sorted(int(s) for s in args.sizes.split(","))
    if len(sizes) not in (1, 2) or len(set(sizes)) != len(sizes) or sizes[0] < 1:
        parser.error("--sizes takes one size or two different sizes, e.g. 25000 or 400,1200")
    per_day = max(1, math.ceil(args.per_year / 365))  # a year's releases within twelve months
    start_of = (lambda n: yesterday() - timedelta(days=(n - 1) // per_day)) if args.end_yesterday else None
    if args.resume and not (args.work and all((args.work / f"site-{n}" / "data").is_dir() for n in sizes)):
        parser.error("--resume needs --work of an earlier run holding site-<size>/data for every size")
    if args.scheduled_only and not (
        args.work and all((args.work / f"site-{n}" / "output").is_dir() for n in sizes)
    ):
        parser.error("--scheduled-only needs --work of an earlier run holding a built site-<size>/output")
    if (args.scheduled or args.scheduled_only) and not (CORPUS / "snippets.json").is_file():
        parser.error(f"the scheduled runs serve the corpus's releases: {CORPUS} is absent")
    if args.work:
        args.work.mkdir(parents=True, exist_ok=args.resume or args.scheduled_only)
        work = args.work
    else:
        work = Path(tempfile.mkdtemp(prefix="briefing-growth-"))
    try:
        real_text = real_text_pool(CORPUS) if CORPUS.is_dir() else None
        if real_text:
            mean = sum(real_text.release_chars) / len(real_text.release_chars)
            filler = (
                f"REAL text: paragraphs of {len(real_text.documents)} corpus documents ({CORPUS}), "
                f"attachment text per release drawn from {len(real_text.release_chars)} real releases "
                f"(mean {mean:,.0f} characters)"
            )
        else:
            filler = "SYNTHETIC text only (../shared/corpus absent): sizes understate real releases"
        print(f"filler: {filler}", flush=True)
        first_day = "to yesterday" if args.end_yesterday else "from 2026-10-01"
        print(f"{per_day} releases a day {first_day}; work folder {work}", flush=True)
        if args.scheduled_only:
            for n in sizes:
                site = work / f"site-{n}"
                print(f"{n:,} releases (kept site {site}):", flush=True)
                scheduled_run.report(scheduled_run.scheduled_runs(site, work, site_env(site), run, CORPUS), n)
            return 0
        results = []
        scheduled: dict[int, list] = {}
        for n in sizes:
            began = time.monotonic()
            print(f"{n:,} releases:", flush=True)
            results.append(
                measure(
                    n,
                    work,
                    per_day=per_day,
                    real_text=real_text,
                    incremental=args.incremental,
                    commit=args.commit,
                    resume=args.resume,
                    chat_index=args.chat_index,
                    start=start_of(n) if start_of else None,
                )
            )
            print(f"measured {n:,} releases in {time.monotonic() - began:.0f} s", flush=True)
            if args.scheduled:
                site = work / f"site-{n}"
                scheduled[n] = scheduled_run.scheduled_runs(site, work, site_env(site), run, CORPUS)
        report(results, args.per_year, filler)
        for n, runs in scheduled.items():
            scheduled_run.report(runs, n)
    finally:
        if args.keep or args.work:
            print(f"\nkept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
