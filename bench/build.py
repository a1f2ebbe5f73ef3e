"""Site build benchmark: our theme and plugins against plain Pelican, full builds and rebuilds.

    python bench/build.py [--sizes 1000,10000] [--keep]
    nice python bench/build.py --sizes 1000,3000,6000 --per-day 69 --real-text --no-plain

For each size N: N synthetic releases (``briefing.testing.synthetic``) become articles, then, each build
in its own process (so peak memory is that build's own):

- ``full``: our theme + plugins, empty output and cache;
- ``plain``: the same articles with Pelican's default theme, default settings and no plugins;
- ``rebuild``: ours again with nothing changed (content cache + unchanged pages skipped);
- ``+20 new``: ours after 20 new releases were added;

and the size of our output, and how many output files each rebuild wrote. Targets: full <= 1.5 x
plain; rebuild after 20 new <= 25 % of full; the cost of "+20 new" flat in the archive's size (cost
follows the news), cold builds linear in it. With several sizes it fits cold build time and peak
memory on a line and projects one year (``--year``, 25,000 releases).

``--per-day 69`` spreads releases at a year's pace (25,000 a year); ``--real-text`` gives each
release real attachment text drawn from ``../shared/corpus`` (as ``bench/growth.py`` does), so the
original-text work is that of real releases. Work folders are under ``bench/out/`` (git-ignored) and
removed unless ``--keep``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from briefing.testing.synthetic import (  # noqa: E402
    PER_DAY,
    RealText,
    generate_records,
    real_text_pool,
    write_synthetic_articles,
)

CORPUS = Path(os.environ.get("BRIEFING_CORPUS") or ROOT.parent / "shared" / "corpus")

# Runs one Pelican build and prints its wall time and peak memory (this process only).
_RUNNER = """
import json, resource, sys, time, logging
started = time.perf_counter()
from pelican import Pelican
from pelican.settings import read_settings
conf, overrides = sys.argv[1] or None, json.loads(sys.argv[2])
logging.disable(logging.WARNING)
settings = read_settings(conf, override=overrides)
Pelican(settings).run()
usage = resource.getrusage(resource.RUSAGE_SELF)
peak = usage.ru_maxrss / 1024
try:  # VmHWM is this program's own peak; Linux carries ru_maxrss over from the parent across exec
    with open("/proc/self/status") as status:
        peak = next(int(line.split()[1]) / 1024 for line in status if line.startswith("VmHWM:"))
except (OSError, StopIteration):
    pass
print(json.dumps({"seconds": time.perf_counter() - started, "cpu": usage.ru_utime + usage.ru_stime,
                  "peak_mb": peak}))
"""


def run_build(conf: str | None, overrides: dict[str, object], data_dir: Path) -> dict[str, float]:
    """One Pelican build in a fresh process over the records in ``data_dir``; returns seconds and
    peak MB."""
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "BRIEFING_DATA_DIR": str(data_dir),
        "BRIEFING_LLM_MODEL": "",
    }
    done = subprocess.run(
        [sys.executable, "-c", _RUNNER, conf or "", json.dumps(overrides)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise SystemExit(f"build failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def tree_size(path: Path) -> tuple[int, int]:
    """(files, bytes) under ``path``."""
    files = total = 0
    for item in path.rglob("*"):
        if item.is_file():
            files += 1
            total += item.stat().st_size
    return files, total


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """(size, mtime) of every file under ``folder``: a file a build wrote shows as a change."""
    return {
        p.relative_to(folder).as_posix(): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in folder.rglob("*")
        if p.is_file()
    }


def written(before: dict[str, tuple[int, int]], folder: Path) -> int:
    """How many files under ``folder`` a build created, rewrote or removed since ``before``."""
    after = snapshot(folder)
    return sum(before.get(k) != v for k, v in after.items()) + len(before.keys() - after.keys())


def bench_size(
    n: int,
    work: Path,
    plugins: list[str] | None,
    *,
    per_day: int = PER_DAY,
    real_text: RealText | None = None,
    plain_build: bool = True,
) -> dict[str, object]:
    """All measurements for ``n`` releases."""
    if work.exists():
        shutil.rmtree(work)
    content, data = work / "content", work / "data"
    records = generate_records(n + 20, per_day=per_day, real_text=real_text)
    write_synthetic_articles(records[:n], content, data)  # records stay in data/: pages take their text
    shutil.copytree(ROOT / "content" / "pages", content / "pages")

    ours: dict[str, object] = {
        "PATH": str(content),
        "OUTPUT_PATH": str(work / "output"),
        "CACHE_PATH": str(work / "cache"),
        "SUMMARIZE_ON_BUILD": False,  # the articles are written above, as the workflow's summarize step does
    }
    if plugins is not None:
        ours["PLUGINS"] = plugins
    plain = {
        "PATH": str(content),
        "OUTPUT_PATH": str(work / "plain"),
        "ARTICLE_PATHS": ["releases"],
        "PAGE_PATHS": ["pages"],
        "TIMEZONE": "Asia/Seoul",
        "PLUGINS": [],
    }
    conf = str(ROOT / "pelicanconf.py")
    output = work / "output"
    result: dict[str, object] = {"n": n}
    result["full"] = run_build(conf, ours, data)
    if plain_build:
        result["plain"] = run_build(None, plain, data)
    before = snapshot(output)
    result["rebuild"] = run_build(conf, ours, data)
    result["rebuild files"] = written(before, output)
    write_synthetic_articles(records[n:], content, data)
    before = snapshot(output)
    result["new20"] = run_build(conf, ours, data)
    result["new20 files"] = written(before, output)
    result["files"], result["bytes"] = tree_size(output)
    return result


def print_table(rows: list[dict[str, object]], year: int) -> None:
    """Wall seconds (CPU seconds in brackets: steadier on a busy machine); ratios use CPU time."""
    header = (
        f"{'releases':>8} | {'full (cold)':>13} | {'plain':>13} | {'full/plain':>10} | {'nothing new':>13} | "
        f"{'+20 new':>13} | {'+20/full':>8} | {'files written 0/+20':>19} | {'peak MB full/+20/plain':>22} "
        f"| {'output':>18}"
    )
    print(header)
    print("-" * len(header))

    def cell(m: dict[str, float] | None) -> str:
        return f"{m['seconds']:.1f}s ({m['cpu']:.1f})" if m else "-"

    for row in rows:
        full, plain, rebuild, new20 = row["full"], row.get("plain"), row["rebuild"], row["new20"]
        ratio = f"{full['cpu'] / plain['cpu']:>9.2f}x" if plain else f"{'-':>10}"
        peak = (
            f"{full['peak_mb']:.0f} / {new20['peak_mb']:.0f} / {plain['peak_mb']:.0f}"
            if plain
            else (f"{full['peak_mb']:.0f} / {new20['peak_mb']:.0f} / -")
        )
        size = f"{row['files']} files, {row['bytes'] / 1e6:.0f} MB"
        files = f"{row['rebuild files']} / {row['new20 files']}"
        print(
            f"{row['n']:>8} | {cell(full):>13} | {cell(plain):>13} | {ratio} | "
            f"{cell(rebuild):>13} | {cell(new20):>13} | {new20['cpu'] / full['cpu']:>7.0%} | {files:>19} "
            f"| {peak:>22} | {size:>18}"
        )
    print(
        "times: wall seconds (CPU seconds); ratios from CPU time. Targets: full/plain <= 1.50x, +20/full <= 25%"
    )
    if len(rows) < 2:
        return
    small, large = rows[0], rows[-1]
    span = large["n"] - small["n"]
    print(f"\nlinear fit between {small['n']:,} and {large['n']:,} releases, projected to {year:,}:")
    for key, label in (("full", "cold build"), ("rebuild", "nothing new"), ("new20", "+20 new")):
        for field, unit in (("cpu", "CPU s"), ("seconds", "wall s"), ("peak_mb", "peak MB")):
            per = (large[key][field] - small[key][field]) / span
            at_year = large[key][field] + per * (year - large["n"])
            print(
                f"  {label:>11} {unit:>7}: {per * 1000:8.3f} per 1,000 releases; "
                f"{small[key][field]:.1f} at {small['n']:,}, {large[key][field]:.1f} at {large['n']:,}, "
                f"~{at_year:.0f} at {year:,}"
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated release counts")
    parser.add_argument("--keep", action="store_true", help="keep bench/out/site-N folders")
    parser.add_argument(
        "--plugins",
        default="briefing_articles,briefing_site",
        help="comma-separated plugins for our builds, or 'all' for pelicanconf's list "
        "(default: briefing_articles,briefing_site: the articles plugin adds the original text from the records)",
    )
    parser.add_argument("--per-day", type=int, default=PER_DAY, help="releases a day (69: 25,000 a year)")
    parser.add_argument("--real-text", action="store_true", help="real attachment text from ../shared/corpus")
    parser.add_argument("--no-plain", action="store_true", help="skip the plain-Pelican build")
    parser.add_argument("--year", type=int, default=25_000, help="releases a year, for the projection")
    args = parser.parse_args(argv)
    real_text = real_text_pool(CORPUS) if args.real_text and CORPUS.is_dir() else None
    if args.real_text and real_text is None:
        print(f"--real-text: {CORPUS} is absent; synthetic text only", file=sys.stderr)
    rows = []
    for n in (int(s) for s in args.sizes.split(",") if s.strip()):
        started = time.perf_counter()
        work = ROOT / "bench" / "out" / f"site-{n}"
        plugins = None if args.plugins == "all" else [p for p in args.plugins.split(",") if p]
        rows.append(
            bench_size(
                n, work, plugins, per_day=args.per_day, real_text=real_text, plain_build=not args.no_plain
            )
        )
        print(f"[{n} releases measured in {time.perf_counter() - started:.0f} s]", file=sys.stderr)
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(f"text: {'real corpus paragraphs' if real_text else 'synthetic'}; {args.per_day} releases a day")
    print_table(rows, args.year)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
