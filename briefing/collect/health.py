"""Source health across runs: consecutive failed and empty runs per source, loud past a threshold.

Kept in ``DATA_DIR/state/sources.json``. A source failing or listing nothing ``source_alarm_runs``
runs in a row raises a ``SOURCE ALARM`` in the run summary and an ERROR log line.
"""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger(__name__)


class SourceHealth:
    """Per-source counters, updated once per source per run."""

    def __init__(self, state: dict[str, Any], threshold: int, now_iso: str) -> None:
        self.state = state
        self.threshold = threshold
        self.now_iso = now_iso
        self.alarms: list[str] = []

    def update(self, name: str, url: str, ok: bool, items: int | None, error: str) -> None:
        """Record one run of a source (``items`` None: not modified since last time)."""
        entry = dict(self.state.get(name, {}))
        entry["url"] = url
        if ok:
            entry["failures"] = 0
            entry["last_ok"] = self.now_iso
            if items is None:  # not modified: as empty (or not) as last time
                items = entry.get("last_items")
            if items is not None:
                entry["empties"] = entry.get("empties", 0) + 1 if items == 0 else 0
                entry["last_items"] = items
        else:
            entry["failures"] = entry.get("failures", 0) + 1
            entry["last_error"] = error[:300]
        self.state[name] = entry
        if entry.get("failures", 0) >= self.threshold:
            alarm = f"source {name} ({url}) has FAILED {entry['failures']} runs in a row: {error[:160]}"
        elif entry.get("empties", 0) >= self.threshold:
            alarm = f"source {name} ({url}) returned NO ITEMS {entry['empties']} runs in a row (dead feed?)"
        else:
            return
        self.alarms.append(alarm)
        log.error("ALARM: %s", alarm)
