"""A throw-away copy of this repository's tracked files (as they are in the work tree)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def tracked_files(root: Path = ROOT) -> list[str]:
    """Paths git tracks (including staged new files), relative to ``root``."""
    out = subprocess.run(
        ["git", "ls-files", "-z", "--cached"], cwd=root, check=True, capture_output=True
    ).stdout.decode("utf-8")
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
