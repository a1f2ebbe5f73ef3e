"""The run's caps on model calls: cost (``llm_max_cost``) and time (the summarize budget), shared by
the worker threads."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from briefing import llm
from briefing.errors import SummaryError


class BudgetReached(SummaryError):
    """The run's cost cap is spent; the release waits for the next run."""


@dataclass
class Budget:
    """Cost spent so far this run, shared by the worker threads.

    A call may start while ``spent`` plus the calls still running, each counted at the dearest call
    so far, is under the cap: parallel workers then stop together instead of each starting one more
    call on a cap that the calls in flight will spend (only the first calls, before any cost is
    known, can go past it).
    """

    max_cost: float
    ends: float | None = None  # time.monotonic() after which no call starts (the run's time budget)
    minutes: float = 0.0  # that budget, for the message
    spent: float = 0.0
    tokens: int = 0
    calls: int = 0
    unknown_cost_models: set[str] = field(default_factory=set)
    out_of_time: bool = False  # a call was refused by the time budget
    running: int = 0
    dearest: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @contextmanager
    def call(self) -> Iterator[None]:
        """Hold a place for one model call; raises :class:`BudgetReached` when the cap is spent."""
        with self._lock:
            if self.spent + self.running * self.dearest >= self.max_cost:
                raise BudgetReached(f"cost cap of ${self.max_cost:.2f} per run reached")
            if self.ends is not None and time.monotonic() >= self.ends:
                self.out_of_time = True
                raise BudgetReached(f"time budget of {self.minutes:g} min per run reached")
            self.running += 1
        try:
            yield
        finally:
            with self._lock:
                self.running -= 1

    def add(self, result: llm.LLMResult) -> None:
        with self._lock:
            self.spent += result.cost
            self.dearest = max(self.dearest, result.cost)
            self.tokens += result.tokens
            self.calls += 1
            if not result.cost_known:
                self.unknown_cost_models.add(result.model)
