"""A throw-away copy of this repository's tracked files (as they are in the work tree), and the
throw-away folder a bench or check runs in."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


# Never copied when there is no git to ask (a downloaded archive): build products and local tools.
UNTRACKED = {
    ".git",
    ".venv",
    "output",
    "cache",
    "node_modules",
    ".npm-tools",
    "__pycache__",
    ".ruff_cache",
    ".pytest_cache",
}


def tracked_files(root: Path = ROOT) -> list[str]:
    """Paths git tracks (including staged new files), relative to ``root``; without git, every
    file outside build products and local tools."""
    try:
        out = subprocess.run(
            ["git", "ls-files", "-z", "--cached"], cwd=root, check=True, capture_output=True
        ).stdout.decode("utf-8")
    except (OSError, subprocess.CalledProcessError):
        return sorted(
            path.relative_to(root).as_posix()
            for path in root.rglob("*")
            if path.is_file()
            and not UNTRACKED & set(path.relative_to(root).parts)
            and not path.relative_to(root).as_posix().startswith(("demo/out/", "bench/out/"))
        )
    return [p for p in out.split("\0") if p]


def copy_tracked(dest: Path, root: Path = ROOT, skip: tuple[str, ...] = ()) -> int:
    """Copy every tracked file present in the work tree to ``dest``; returns how many."""
    count = 0
    for rel in tracked_files(root):
        if rel.startswith(skip):
            continue
        src = root / rel
        if not src.is_file():  # deleted in the work tree
            continue
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, target)
        count += 1
    return count


@contextmanager
def work_folder(prefix: str, keep: bool = False) -> Iterator[Path]:
    """A new temporary folder for one run, removed afterwards; with ``keep`` it stays (and its
    path is printed) for a look at what the run made."""
    work = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield work
    finally:
        if keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
