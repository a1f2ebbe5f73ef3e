"""Site build benchmark: our theme and plugins against plain Pelican, full builds and rebuilds.

    python bench/build.py [--sizes 1000,10000] [--keep]

For each size N: N synthetic releases (``briefing.testing.synthetic``) become articles, then, each build
in its own process (so peak memory is that build's own):

- ``full``: our theme + plugins, empty output and cache;
- ``plain``: the same articles with Pelican's default theme, default settings and no plugins;
- ``rebuild``: ours again with nothing changed (content cache + unchanged pages skipped);
- ``+20 new``: ours after 20 new releases were added;

and the size of our output. Targets: full <= 1.5 x plain; rebuild after 20 new <= 25 % of full.
Work folders are under ``bench/out/`` (git-ignored) and removed unless ``--keep``.
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

from briefing.testing.synthetic import generate_records, write_synthetic_articles  # noqa: E402

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
print(json.dumps({"seconds": time.perf_counter() - started, "cpu": usage.ru_utime + usage.ru_stime,
                  "peak_mb": usage.ru_maxrss / 1024}))
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


def bench_size(n: int, work: Path, plugins: list[str] | None) -> dict[str, object]:
    """All measurements for ``n`` releases."""
    if work.exists():
        shutil.rmtree(work)
    content, data = work / "content", work / "data"
    records = generate_records(n + 20)
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
    result: dict[str, object] = {"n": n}
    result["full"] = run_build(conf, ours, data)
    result["plain"] = run_build(None, plain, data)
    result["rebuild"] = run_build(conf, ours, data)
    write_synthetic_articles(records[n:], content, data)
    result["new20"] = run_build(conf, ours, data)
    result["files"], result["bytes"] = tree_size(work / "output")
    return result


def print_table(rows: list[dict[str, object]]) -> None:
    """Wall seconds (CPU seconds in brackets: steadier on a busy machine); ratios use CPU time."""
    header = (
        f"{'releases':>8} | {'full':>13} | {'plain':>13} | {'full/plain':>10} | {'rebuild':>13} | "
        f"{'+20 new':>13} | {'+20/full':>8} | {'peak MB ours/plain':>18} | {'output':>18}"
    )
    print(header)
    print("-" * len(header))

    def cell(m: dict[str, float]) -> str:
        return f"{m['seconds']:.1f}s ({m['cpu']:.1f})"

    for row in rows:
        full, plain, rebuild, new20 = row["full"], row["plain"], row["rebuild"], row["new20"]
        peak = f"{full['peak_mb']:.0f} / {plain['peak_mb']:.0f}"
        size = f"{row['files']} files, {row['bytes'] / 1e6:.0f} MB"
        print(
            f"{row['n']:>8} | {cell(full):>13} | {cell(plain):>13} | {full['cpu'] / plain['cpu']:>9.2f}x | "
            f"{cell(rebuild):>13} | {cell(new20):>13} | {new20['cpu'] / full['cpu']:>7.0%} | {peak:>18} | {size:>18}"
        )
    print(
        "times: wall seconds (CPU seconds); ratios from CPU time. Targets: full/plain <= 1.50x, +20/full <= 25%"
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
    args = parser.parse_args(argv)
    rows = []
    for n in (int(s) for s in args.sizes.split(",") if s.strip()):
        started = time.perf_counter()
        work = ROOT / "bench" / "out" / f"site-{n}"
        plugins = None if args.plugins == "all" else [p for p in args.plugins.split(",") if p]
        rows.append(bench_size(n, work, plugins))
        print(f"[{n} releases measured in {time.perf_counter() - started:.0f} s]", file=sys.stderr)
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print_table(rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
