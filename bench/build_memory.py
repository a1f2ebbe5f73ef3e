"""Peak memory of a Pelican build, phase by phase.

Runs ``pelican content -s <conf> -o <output>`` in this process with the site's own code first on the
path, samples the resident set every 0.2 s and names the phase from Pelican's signals (warm-up and
start, reading articles, linking and article pages, other pages, the plugins' pages and files, the
search index). Prints the peak of each phase (this process and its children together: the search
index's analysis workers) and the process's ``ru_maxrss``:

    python bench/build_memory.py --site /tmp/growth-year/site-25000 --output /tmp/out-year \\
        --cache /tmp/cache-year          # empty folders: a cold build

Set ``SITEURL`` as the build would have it (the bench sites use https://someone.github.io/briefing).
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import threading
import time
from pathlib import Path


def _pages(pid: str) -> int:
    try:
        with open(f"/proc/{pid}/statm") as handle:
            return int(handle.read().split()[1])
    except (OSError, ValueError, IndexError):  # a child that has just ended
        return 0


def _children(pid: str) -> list[str]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            found += task.read_text().split()
        except OSError:
            continue
    return found


def _rss_mb() -> float:
    """Resident memory of this process and its children together (the search index's analysis
    workers run beside the build)."""
    pids, seen = [str(os.getpid())], 0
    while seen < len(pids):
        pids += _children(pids[seen])
        seen += 1
    return sum(map(_pages, pids)) * os.sysconf("SC_PAGE_SIZE") / 2**20


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, required=True, help="a site checkout (content/, data/, code)")
    parser.add_argument("--output", type=Path, required=True, help="output folder")
    parser.add_argument("--cache", type=Path, help="CACHE_PATH (default: the site's cache/)")
    parser.add_argument("--conf", default="publishconf.py", help="settings file (default publishconf.py)")
    args = parser.parse_args(argv)

    site = args.site.resolve()
    os.chdir(site)
    sys.path.insert(0, str(site))
    phase, peaks = ["start (and a first build's search warm-up)"], {}

    def sample() -> None:
        while True:
            peaks[phase[0]] = max(peaks.get(phase[0], 0.0), _rss_mb())
            time.sleep(0.2)

    threading.Thread(target=sample, daemon=True).start()
    from pelican import main as pelican_main
    from pelican import signals

    def enter(name: str):
        def handler(*_args, **_kwargs) -> None:
            phase[0] = name

        return handler

    for signal, name in (
        (signals.article_generator_init, "reading articles"),
        (signals.article_generator_finalized, "linking, article pages"),
        (signals.page_generator_finalized, "other pages"),
        (signals.article_writer_finalized, "plugin pages, feeds, JSON, original texts"),
        (signals.finalized, "search index, cards"),
    ):
        signal.connect(enter(name), weak=False)
    extra = ["-e", f'CACHE_PATH="{args.cache.resolve()}"'] if args.cache else []
    began = time.monotonic()
    try:
        pelican_main(["content", "-s", args.conf, "-o", str(args.output.resolve()), *extra])
    finally:
        print("\n| phase | peak RSS MB |\n| --- | ---: |")
        for name, peak in peaks.items():
            print(f"| {name} | {peak:,.0f} |")
        usage = resource.getrusage(resource.RUSAGE_SELF)
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        print(
            f"\nru_maxrss {usage.ru_maxrss / 1024:,.0f} MB (largest child {children.ru_maxrss / 1024:,.0f} MB); "
            f"{time.monotonic() - began:.1f} s wall, "
            f"{usage.ru_utime + usage.ru_stime + children.ru_utime + children.ru_stime:.1f} s CPU (with children)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
