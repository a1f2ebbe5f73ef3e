"""Exit 0 when the staged changes are run bookkeeping only (so the publish run makes no commit).

The collector keeps its state in ``data/state/*.json`` (committed, because each Actions run starts
from a fresh checkout): windows, feed validators, per-source failure counters — and also when the
last run happened. A run that found nothing new still rewrites those times; committing them every
two hours would bury the archive's history in empty commits. So a staged change counts as
"nothing changed" when every staged file is a state file whose JSON equals the committed one once
the keys in ``BOOKKEEPING`` (when, and how many items the last read listed) are set aside. Counters, validators and windows still count: when they
move, the state is committed.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

STATE_PREFIX = "data/state/"
BOOKKEEPING = frozenset({"last_run", "last_ok", "last_items"})  # times and last count seen


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], check=True, capture_output=True, text=True).stdout


def _without_bookkeeping(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_bookkeeping(v) for k, v in value.items() if k not in BOOKKEEPING}
    if isinstance(value, list):
        return [_without_bookkeeping(v) for v in value]
    return value


def _json_at(ref: str, path: str) -> Any:
    try:
        return json.loads(_git("show", f"{ref}{path}"))
    except (subprocess.CalledProcessError, ValueError):
        return None  # new, deleted or not JSON: a real change


def bookkeeping_only() -> bool:
    """True when every staged path is a state file that differs only in bookkeeping keys."""
    staged = [p for p in _git("diff", "--cached", "--name-only", "-z").split("\0") if p]
    if not staged:
        return True
    for path in staged:
        if not path.startswith(STATE_PREFIX):
            return False
        before, after = _json_at("HEAD:", path), _json_at(":", path)
        if before is None or after is None or _without_bookkeeping(before) != _without_bookkeeping(after):
            return False
    return True


if __name__ == "__main__":
    sys.exit(0 if bookkeeping_only() else 1)
