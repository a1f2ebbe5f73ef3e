"""Collection benchmark: ``run_collect`` over the corpus served by the fake portal on 127.0.0.1.

    python bench/collect.py [corpus_dir] [--copies N]

Serves every corpus document ``--copies`` times (each copy its own releases and file ids), half of
them through the Open API and half through a ministry feed with release pages, then prints for the
first run and for a no-op rerun: seconds, releases/s, requests, downloaded MB and MB/s, and the peak
memory of this process. Records go to a temporary folder that is removed afterwards.
"""

from __future__ import annotations

import argparse
import json
import logging
import resource
import sys
import tempfile
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from briefing.collect import run_collect  # noqa: E402
from briefing.testing.fakeportal import FakeFeed, FakePortal, corpus_releases  # noqa: E402

DAY = date(2026, 11, 20)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("corpus", nargs="?", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--copies", type=int, default=1)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    snippets = json.loads((args.corpus / "snippets.json").read_text(encoding="utf-8"))
    base = corpus_releases(args.corpus, snippets, DAY)
    releases = []
    for copy in range(args.copies):
        for release in base:
            files = [replace(f, file_id="") for f in release.files]
            releases.append(
                replace(
                    release,
                    news_id=f"{release.news_id}{copy:03d}",
                    title=f"{release.title} {copy}",
                    files=files,
                )
            )
    files = sum(len(r.files) for r in releases)
    size = sum(len(f.data) for r in releases for f in r.files)
    print(f"corpus: {len(releases)} releases, {files} attachments, {size / 1_048_576:.1f} MB")
    with tempfile.TemporaryDirectory() as tmp, FakePortal(releases, feeds=[FakeFeed("molit")]) as portal:
        settings = portal.settings(Path(tmp) / "data")
        for label in ("first run", "no-op rerun"):
            before = len(portal.requests)
            started = time.perf_counter()
            report = run_collect(settings, since=DAY, until=DAY)
            seconds = time.perf_counter() - started
            mb = report.bytes / 1_048_576
            print(
                f"{label:12s} {seconds:6.2f} s  {len(releases) / seconds:7.1f} releases/s  "
                f"{len(portal.requests) - before:5d} requests  {report.downloaded:4d} downloads  "
                f"{mb:6.1f} MB  {mb / seconds:6.1f} MB/s  exit {report.exit_code}"
            )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of the collecting process: {peak:.0f} MB (extraction runs in forked children)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
