"""One summarize run over every record: decide what needs a summary, make it, write the article.

The article file is the cache: its ``Source_hash``, ``Prompt_version`` and ``Model`` say what it
was made from, and when they match nothing is called and nothing is written. Model calls run in
parallel (``llm_max_parallel``) within a per-run cap on releases and on cost. A release whose call
fails (timeout, 429 after backoff, 5xx, invalid JSON after retries, budget reached) keeps an offline
extract for now, is recorded in ``DATA_DIR/state/summarize.json`` and is tried again next run.

It is one piece for now: the run's cache, budget and parallel calls share one state; the structured summary (issue 14) splits the cache out.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from briefing import llm
from briefing.article.markdown import (
    ArticleInfo,
    ForeignFileError,
    article_path,
    escape_inline,
    is_ours,
    read_meta,
    render_article,
    render_no_text,
    write_article,
)
from briefing.categories import guess_category
from briefing.errors import SummaryError
from briefing.faithfulness import FaithfulnessResult, SourceFacts, check
from briefing.records import ReleaseRecord, now_kst
from briefing.settings import Settings
from briefing.store import LockedError, Store
from briefing.summarize.offline import OFFLINE_VERSION, extract_summary
from briefing.summarize.parse import SummaryParseError, parse_summary
from briefing.summarize.prompt import PROMPT_VERSION, build_messages, retry_invalid, retry_unsupported
from briefing.summarize.schema import Summary, json_schema
from briefing.summarize.source import Source, build_source
from briefing.summarize.tags import TitleFrequencies

log = logging.getLogger(__name__)

STATE_NAME = "summarize"

Status = Literal["made", "flagged", "held", "failed", "deferred"]


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


# --------------------------------------------------------------------------- cache


def _models(settings: Settings) -> list[str]:
    return [escape_inline(m) for m in (settings.llm_model, *settings.llm_fallbacks) if m]


def is_cached(meta: dict[str, str], source_hash: str, settings: Settings) -> bool:
    """True when the existing article was made from this source the way this run would make it."""
    if not is_ours(meta) or meta.get("source_hash") != source_hash:
        return False
    kind = meta.get("summary_kind")
    if kind == "none":
        return True  # same text, still nothing usable
    if kind == "llm":
        if not settings.llm_model:
            return True  # never downgrade an LLM summary to an extract because keys are missing
        return meta.get("prompt_version") == PROMPT_VERSION and meta.get("model") in _models(settings)
    if kind == "extract":
        return not settings.llm_model and meta.get("prompt_version") == OFFLINE_VERSION
    return False


def _held_matches(entry: dict, source_hash: str, settings: Settings) -> bool:
    return (
        entry.get("source_hash") == source_hash
        and entry.get("prompt_version") == PROMPT_VERSION
        and entry.get("model") == settings.llm_model
    )


# --------------------------------------------------------------------------- one release


def _ask(messages: list[dict[str, str]], settings: Settings, budget: Budget, context: str, out: Outcome):
    """Call the model until it returns a valid summary (``llm_json_retries`` more tries, each
    naming the validation error). Returns the summary and the conversation so far."""
    error = ""
    for _ in range(settings.llm_json_retries + 1):
        with budget.call():
            result = llm.complete(messages, settings, schema=json_schema())
            budget.add(result)
        out.tokens += result.tokens
        out.cost += result.cost
        out.model = result.model
        messages = [*messages, {"role": "assistant", "content": result.text}]
        try:
            return parse_summary(result.text, context), messages
        except SummaryParseError as exc:
            error = str(exc)
            log.info("%s: answer rejected (%s), asking again", out.record.id, error)
            messages = [*messages, retry_invalid(error)]
    raise SummaryParseError(f"invalid JSON after {settings.llm_json_retries + 1} answers: {error}")


def summarize_with_model(
    record: ReleaseRecord, source: Source, settings: Settings, budget: Budget
) -> Outcome:
    """Summarise one release with the model, check it, retry once naming unsupported claims, then
    apply the unsupported-claims policy. Never raises: failures come back as an outcome."""
    out = Outcome(record, "failed")
    try:
        facts = SourceFacts.of(source.full_text)
        summary, messages = _ask(build_messages(source.text), settings, budget, source.text, out)
        result = check(summary, facts)
        if not result.ok:
            log.info("%s: unsupported %s, asking once more", record.id, result.unsupported)
            try:
                retried, _ = _ask(
                    [*messages, retry_unsupported(result.unsupported)], settings, budget, source.text, out
                )
                summary, result = retried, check(retried, facts)
            except (llm.LLMError, SummaryParseError, BudgetReached) as exc:
                log.warning(
                    "%s: retry for unsupported claims failed (%s); keeping the first answer", record.id, exc
                )
        out.summary, out.faithfulness = summary, result
        if result.ok:
            out.status = "made"
        elif settings.unsupported_policy == "hold":
            out.status = "held"
        else:
            out.status = "flagged"
    except BudgetReached as exc:
        out.status, out.reason = "deferred", str(exc)
    except (llm.LLMError, SummaryParseError) as exc:
        out.status, out.reason = "failed", str(exc)
    except Exception as exc:  # a bug or an unexpected provider answer must not stop the run
        log.exception("%s: summarising failed", record.id)
        out.status, out.reason = "failed", f"{type(exc).__name__}: {exc}"
    return out


# --------------------------------------------------------------------------- the run


@dataclass
class _Job:
    record: ReleaseRecord
    source: Source | None  # None: built only if the job runs this time (see plan)
    source_hash: str
    meta: dict[str, str]


class _Run:
    def __init__(self, settings: Settings, force: bool, limit: int | None) -> None:
        self.started = time.monotonic()  # the run's time budget counts from here
        self.settings = settings
        self.force = force
        self.limit = limit
        self.store = Store(settings.data_dir)
        self.report = SummarizeReport()
        self.state = self.store.read_state(STATE_NAME)
        self.state.setdefault("failed", {})
        self.state.setdefault("held", {})
        # every title of the run, for the extracts' tag weights (filled as plan() reads the records)
        self.titles = TitleFrequencies()
        self.pending_extracts: list[tuple[Path, str]] = []  # (record file, source hash)

    def write(self, record: ReleaseRecord, text: str) -> None:
        try:
            if write_article(self.settings.content_dir, record, text):
                self.report.written += 1
        except ForeignFileError as exc:
            log.warning("%s", exc)
            self.report.skipped_foreign.append(record.id)

    def write_extract(self, record: ReleaseRecord, source: Source, source_hash: str) -> None:
        summary = extract_summary(record, source, self.titles)
        info = ArticleInfo(
            kind="extract",
            source_hash=source_hash,
            prompt_version=OFFLINE_VERSION,
            faithfulness=check(summary, source.full_text),
            summarized_at=now_kst(),
        )
        self.write(record, render_article(record, summary, info))

    def plan(self) -> list[_Job]:
        """Write what needs no model (no-text notices, offline extracts); return the model jobs."""
        jobs: list[_Job] = []
        for record in self.store.iter_records():
            self.titles.add(record.title)
            source_hash = record.source_hash()
            meta = read_meta(article_path(self.settings.content_dir, record))
            if meta and not is_ours(meta):
                self.report.skipped_foreign.append(record.id)
                continue
            if not self.force and is_cached(meta, source_hash, self.settings):
                self.report.cached += 1
                continue
            held = self.state["held"].get(record.id)
            if held and not self.force and _held_matches(held, source_hash, self.settings):
                self.report.held[record.id] = "; ".join(held.get("claims", []))
                continue
            failed = self.state["failed"].get(record.id)
            if failed and not self.force and _gave_up(failed, source_hash, self.settings):
                # its extract stays published; a new text, model or --force tries again
                self.report.gave_up.append(record.id)
                continue
            if (
                self.settings.llm_model
                and meta.get("summary_kind") == "extract"
                and meta.get("source_hash") == source_hash
            ):
                # an extract of this very text waits for the model: it had usable text, and the
                # source is built only if the per-run caps reach it (thousands may be waiting)
                jobs.append(_Job(record, None, source_hash, meta))
                continue
            source = build_source(record, self.settings.source_budget_chars)
            if not source.usable:
                info = ArticleInfo(kind="none", source_hash=source_hash, summarized_at=now_kst())
                category = guess_category(record.title).name
                self.write(record, render_no_text(record, info, category))
                self.report.no_text += 1
            elif not self.settings.llm_model:
                # written once every title is known (the tags are weighed against the whole run)
                self.pending_extracts.append((self.store.path_for(record), source_hash))
            else:
                jobs.append(_Job(record, source, source_hash, meta))
        self.write_pending_extracts()
        return jobs

    def write_pending_extracts(self) -> None:
        for path, source_hash in self.pending_extracts:
            try:
                record = self.store.read(path)
                self.write_extract(
                    record, build_source(record, self.settings.source_budget_chars), source_hash
                )
            except Exception:  # one odd record must not stop the others' extracts
                log.exception("%s: offline extract failed", path.name)
                continue
            self.report.extracted += 1
        self.pending_extracts.clear()

    def run_models(self, jobs: list[_Job]) -> None:
        cap = self.settings.llm_max_releases
        if self.limit is not None:
            cap = min(cap, self.limit)
        now, later = jobs[: max(cap, 0)], jobs[max(cap, 0) :]
        for job in later:
            self.finish(job, Outcome(job.record, "deferred", reason="per-run release cap"))
        if not now:
            return
        for job in now:
            if job.source is None:
                job.source = build_source(job.record, self.settings.source_budget_chars)
        minutes = self.settings.summarize_budget_minutes
        budget = Budget(self.settings.llm_max_cost, ends=self.started + minutes * 60, minutes=minutes)
        llm.preload()  # import litellm once, before the worker threads (imports are not thread-safe)
        workers = max(1, self.settings.llm_max_parallel)
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="summarize") as pool:
            futures = [
                (job, pool.submit(summarize_with_model, job.record, job.source, self.settings, budget))
                for job in now
            ]
            for done, (job, future) in enumerate(futures, 1):
                self.finish(job, future.result())
                if done % 10 == 0 or done == len(futures):
                    log.info(
                        "summarize: %d/%d model summaries done ($%.4f so far)",
                        done,
                        len(futures),
                        budget.spent,
                    )
        self.report.tokens, self.report.cost, self.report.calls = budget.tokens, budget.spent, budget.calls
        if budget.out_of_time:
            self.report.out_of_time = minutes
        self.report.unknown_cost_models = sorted(budget.unknown_cost_models)

    def finish(self, job: _Job, out: Outcome) -> None:
        rid = job.record.id
        failed, held = self.state["failed"], self.state["held"]
        if out.status in ("made", "flagged") and out.summary is not None:
            info = ArticleInfo(
                kind="llm",
                source_hash=job.source_hash,
                model=out.model,
                prompt_version=PROMPT_VERSION,
                faithfulness=out.faithfulness,
                summarized_at=now_kst(),
                tokens=out.tokens,
                cost=out.cost,
            )
            self.write(job.record, render_article(job.record, out.summary, info))
            (self.report.made if out.status == "made" else self.report.flagged).append(rid)
            failed.pop(rid, None)
            held.pop(rid, None)
            return
        if out.status == "held":
            claims = out.faithfulness.unsupported if out.faithfulness else []
            held[rid] = {
                "source_hash": job.source_hash,
                "prompt_version": PROMPT_VERSION,
                "model": self.settings.llm_model,
                "claims": claims,
                "at": now_kst(),
            }
            failed.pop(rid, None)
            self.report.held[rid] = "; ".join(claims)
            return
        if out.status == "failed":
            previous = failed.get(rid, {})
            failed[rid] = {
                "reason": out.reason,
                "attempts": int(previous.get("attempts", 0)) + 1,
                "source_hash": job.source_hash,
                "model": self.settings.llm_model,
                "at": now_kst(),
            }
            self.report.failed[rid] = out.reason
        else:
            self.report.deferred.append(rid)
        # Until the model succeeds, readers get an honest extract of the current text.
        if job.meta.get("source_hash") != job.source_hash or not is_ours(job.meta):
            assert job.source is not None  # only jobs already holding an extract of this text skip it
            self.write_extract(job.record, job.source, job.source_hash)
            self.report.extracted += 1

    def save_state(self) -> None:
        r = self.report
        self.state["last_run"] = {
            "at": now_kst(),
            "made": len(r.made),
            "flagged": len(r.flagged),
            "held": len(r.held),
            "failed": len(r.failed),
            "deferred": len(r.deferred),
            "extracted": r.extracted,
            "no_text": r.no_text,
            "cached": r.cached,
            "calls": r.calls,
            "tokens": r.tokens,
            "cost": round(r.cost, 6),
            "model": self.settings.llm_model,
        }
        self.store.write_state(STATE_NAME, self.state)


def run_summarize(
    settings: Settings,
    force: bool = False,
    limit: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> SummarizeReport:
    """Write or refresh the article of every record under ``settings.data_dir`` into
    ``settings.content_dir``. See the module docstring for caching and failure handling."""
    if settings.unsupported_policy not in ("flag", "hold"):
        return SummarizeReport(
            error=f"BRIEFING_UNSUPPORTED must be flag or hold, not {settings.unsupported_policy!r}"
        )
    run = _Run(settings, force, limit)
    try:
        with run.store.lock(STATE_NAME):
            jobs = run.plan()
            run.run_models(jobs)
            # state only changes when something happened; a no-op rerun writes nothing
            if jobs or run.report.no_text or run.report.extracted:
                run.save_state()
    except LockedError as exc:
        return SummarizeReport(error=str(exc))
    if progress:
        progress(run.report.summary_line())
    return run.report


def _gave_up(failed: dict, source_hash: str, settings: Settings) -> bool:
    """True when this text failed with this model ``max_attempts`` times: stop paying for it."""
    return (
        int(failed.get("attempts", 0)) >= settings.max_attempts
        and failed.get("source_hash") == source_hash
        and failed.get("model", settings.llm_model) == settings.llm_model
    )
