"""What a summarize run did: one outcome per release and the run's report line."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from briefing.faithfulness import FaithfulnessResult
from briefing.records import ReleaseRecord
from briefing.summarize.schema import Summary

Status = Literal["made", "flagged", "held", "failed", "deferred"]


@dataclass
class Outcome:
    record: ReleaseRecord
    status: Status
    summary: Summary | None = None
    faithfulness: FaithfulnessResult | None = None
    model: str = ""
    tokens: int = 0
    cost: float = 0.0
    reason: str = ""
    claims_by: list[str] = field(default_factory=list)  # per claim: "rules" or "model"
    verification: dict = field(default_factory=dict)


@dataclass
class SummarizeReport:
    """What one run did; ``summary_line()`` is printed by the CLI and the Pelican plugin."""

    made: list[str] = field(default_factory=list)  # LLM summaries that passed the check
    flagged: list[str] = field(default_factory=list)  # published with unsupported claims marked
    held: dict[str, str] = field(default_factory=dict)  # id -> unsupported claims, kept out
    failed: dict[str, str] = field(default_factory=dict)  # id -> reason, retried next run
    deferred: list[str] = field(default_factory=list)  # over the per-run release, cost or time cap
    out_of_time: float = 0.0  # minutes of the time budget, when it stopped the run's model calls
    gave_up: list[str] = field(default_factory=list)  # failed max_attempts times on this text and model
    extracted: int = 0
    no_text: int = 0
    cached: int = 0
    written: int = 0  # article files whose bytes changed
    skipped_foreign: list[str] = field(default_factory=list)
    tokens: int = 0
    cost: float = 0.0
    calls: int = 0
    unknown_cost_models: list[str] = field(default_factory=list)
    error: str = ""  # a fatal problem: nothing was done

    @property
    def exit_code(self) -> int:
        """0 unless the run could not start; failed releases are retried next run, not fatal."""
        return 1 if self.error else 0

    def summary_line(self) -> str:
        if self.error:
            return f"summarize: not run: {self.error}"
        llm_made = len(self.made) + len(self.flagged)
        parts = [
            f"{llm_made} LLM summaries ({len(self.flagged)} flagged)",
            f"{len(self.held)} held",
            f"{len(self.failed)} failed",
            f"{self.extracted} offline extracts",
            f"{self.no_text} without text",
            f"{self.cached} unchanged",
        ]
        line = "summarize: " + ", ".join(parts)
        if self.deferred:
            line += f"; {len(self.deferred)} left for next run (per-run cap"
            line += f": time budget of {self.out_of_time:g} min reached)" if self.out_of_time else ")"
        if self.gave_up:
            line += f"; {len(self.gave_up)} given up after repeated failures (--force retries): "
            line += ", ".join(self.gave_up[:10])
        line += f"; {self.calls} calls, {self.tokens:,} tokens, cost ${self.cost:.4f}"
        if self.unknown_cost_models:
            line += f" (cost unknown for {', '.join(self.unknown_cost_models)}: counted as 0)"
        if self.flagged:
            line += "; flagged: " + ", ".join(self.flagged[:10])
        if self.held:
            line += "; held: " + "; ".join(f"{k} ({v})" for k, v in list(self.held.items())[:10])
        if self.failed:
            line += "; failed: " + "; ".join(f"{k} ({v})" for k, v in list(self.failed.items())[:10])
        if self.skipped_foreign:
            line += "; not ours, left alone: " + ", ".join(self.skipped_foreign[:10])
        return line
