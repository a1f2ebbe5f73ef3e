"""A scheduled run that finds nothing new: collect + summarise + commit + report + the build decision.

    python bench/nothing_new.py [--releases 2000,10000] [--keep]

For each size N: a git repository (a copy of this one's tracked files, with a bare origin to push
to) gets N synthetic releases (``briefing.testing.synthetic``, records and offline articles through
the real pipeline) plus the demo releases collected from the fake portal, committed and marked as
deployed. Then one scheduled run is timed exactly as ``publish.yml``'s update job runs it —
``make publish-collect publish-summarize publish-commit publish-report publish-decide`` — against
the same fake portal, which by then has nothing new. Prints wall and CPU seconds (this process's
children) of each step and of the run, and whether the decision skipped build and deploy.

Not timed: the checkout and ``pip install`` of the Actions runner (about 30-60 s there, the same
at any archive size), and the network of the real portal (the fake one answers at once).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import time
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from sample_portal import sample_feeds, sample_releases  # noqa: E402
from worktree import copy_tracked, work_folder  # noqa: E402

from briefing.records import KST  # noqa: E402
from briefing.testing.fakeportal import FakePortal  # noqa: E402
from briefing.testing.synthetic import generate_records, write_synthetic_articles  # noqa: E402

RUN = ("publish-collect", "publish-summarize", "publish-commit", "publish-report", "publish-decide")


def git(tree: Path, *args: str) -> str:
    env = os.environ | {"GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "b@example.invalid"}
    env |= {"GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "b@example.invalid"}
    return subprocess.run(
        ["git", *args], cwd=tree, env=env, check=True, capture_output=True, text=True
    ).stdout


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def make(tree: Path, target: str, env: dict[str, str]) -> tuple[float, float, str]:
    wall, cpu = time.perf_counter(), children_cpu()
    done = subprocess.run(
        ["make", "--no-print-directory", target], cwd=tree, env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise RuntimeError(f"make {target} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return time.perf_counter() - wall, children_cpu() - cpu, done.stdout


def one_size(n: int, work: Path, portal: FakePortal) -> None:
    tree, origin = work / f"repo-{n}", work / f"origin-{n}.git"
    tree.mkdir(parents=True)
    copy_tracked(tree)
    shutil.rmtree(tree / "data", ignore_errors=True)
    shutil.rmtree(tree / "content" / "releases", ignore_errors=True)
    began = time.perf_counter()
    records = generate_records(n, seed=11, start=date(2025, 1, 1))
    write_synthetic_articles(records, tree / "content", tree / "data")
    made = time.perf_counter() - began
    outputs, summary = work / f"outputs-{n}", work / f"summary-{n}.md"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BRIEFING_", "GITHUB_", "GIT_"))}
    env |= portal.env() | {
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        "PYTHONPATH": str(tree),
        "LITELLM_LOCAL_MODEL_COST_MAP": "True",
        "BRIEFING_LLM_MODEL": "",
        "GITHUB_OUTPUT": str(outputs),
        "GITHUB_REF_NAME": "main",
        "SITEURL": "https://bench.example.invalid/briefing",
    }
    git(tree, "init", "--quiet", "-b", "main")
    git(tree, "add", "-A")
    git(tree, "commit", "--quiet", "-m", "bench: archive")
    git(tree, "init", "--quiet", "--bare", "-b", "main", str(origin))
    git(tree, "remote", "add", "origin", str(origin))
    git(tree, "push", "--quiet", "-u", "origin", "main")
    # the run before: collects the portal's releases, commits, builds (skipped here) and is deployed
    for target in RUN:
        make(tree, target, env)
    state = [line.split("=", 1)[1] for line in outputs.read_text().splitlines() if line.startswith("state=")][
        -1
    ]
    make(tree, "publish-mark", env | {"BRIEFING_DEPLOY_STATE": state})
    shutil.rmtree(tree / "cache", ignore_errors=True)  # a fresh checkout has no cache/
    outputs.unlink()
    print(
        f"\n{n:,} synthetic releases (+ the portal's) made and committed in {made:.0f}s; the nothing-new run:"
    )
    total_wall = total_cpu = 0.0
    last = ""
    for target in RUN:
        wall, cpu, out = make(tree, target, env)
        total_wall, total_cpu = total_wall + wall, total_cpu + cpu
        summary.open("a", encoding="utf-8").write(out)
        last = out
        print(f"  make {target:<18} {wall:6.1f} s wall {cpu:6.1f} s CPU")
    skipped = "build=false" in outputs.read_text()
    print(
        f"  total                   {total_wall:6.1f} s wall {total_cpu:6.1f} s CPU; build and deploy skipped: {skipped}"
    )
    print("  " + last.strip().splitlines()[-1][:160])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--releases", default="2000", help="comma-separated archive sizes")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args(argv)
    releases = sample_releases(shift_to=datetime.now(KST).date())
    with (
        work_folder("briefing-bench-nothing-new-", args.keep) as work,
        FakePortal(releases, sample_feeds()) as portal,
    ):
        for n in (int(x) for x in args.releases.split(",")):
            one_size(n, work, portal)
    return 0


if __name__ == "__main__":
    sys.exit(main())
