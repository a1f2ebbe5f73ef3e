"""Progress of a collection run: a rich bar on a terminal, plain log lines otherwise (CI)."""

from __future__ import annotations

import logging
import sys

log = logging.getLogger("briefing.collect.run")  # the run's own logger: CI logs read as before


class RunProgress:
    """A rich progress bar on a terminal, plain log lines otherwise (CI)."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.count = 0
        self._bar = None
        if total and sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import Progress

            self._bar = Progress(console=Console(stderr=True), transient=True)
            self._bar.start()
            self._task = self._bar.add_task("collect", total=total)
            # log lines go above the bar (rich redirected sys.stderr) instead of through it
            self._handlers = [
                (h, h.setStream(sys.stderr))
                for h in logging.getLogger().handlers
                if isinstance(h, logging.StreamHandler) and not isinstance(h, logging.FileHandler)
            ]

    def advance(self, label: str) -> None:
        self.count += 1
        if self._bar is not None:
            self._bar.update(self._task, advance=1, description=label)
        else:
            log.info("collect [%d/%d] %s", self.count, self.total, label)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            for handler, stream in self._handlers:
                handler.setStream(stream)
