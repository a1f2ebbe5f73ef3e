"""One summarize run over every record: decide what needs a summary, make it, store it, render it.

The stored summary (``DATA_DIR/summaries/YYYY/MM/<id>.json``, :mod:`briefing.summaries`) is the
cache: its source hash, prompt version and model say what it was made from, and when they match no
model is called; the article is rendered from it again and written only if its bytes changed (so a
second run writes nothing). A release without a stored summary needs one (docs/summaries.md says how
articles from before stored summaries are migrated). Model calls run in parallel
(``llm_max_parallel``) within a per-run cap on releases and on cost. A release whose call fails
(timeout, 429 after backoff, 5xx, invalid JSON after retries, budget reached) keeps an offline
extract for now, is recorded in ``DATA_DIR/state/summarize.json`` and is tried again next run.

Records whose files are byte for byte those the last run found up to date are not parsed again
(:mod:`.checked`).

Beside it: :mod:`.model` (one release with the model), :mod:`.budget` (the run's cost and time
caps), :mod:`.report` (outcomes and the report line), :mod:`briefing.summaries` (the stored summary).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from briefing import llm
from briefing.article.markdown import (
    RENDER_VERSION,
    ForeignFileError,
    article_path,
    is_ours,
    read_meta,
    render_article,
    render_key,
    write_article,
)
from briefing.categories import guess_category
from briefing.faithfulness import check
from briefing.records import ReleaseRecord, now_kst
from briefing.settings import Settings
from briefing.store import LockedError, Store, StoreError
from briefing.summaries import StoredSummary, read_summary, summary_path, write_summary
from briefing.summarize.budget import Budget
from briefing.summarize.checked import Checked, ReleaseFiles
from briefing.summarize.model import source_facts, summarize_with_model
from briefing.summarize.offline import OFFLINE_VERSION, extract_summary
from briefing.summarize.prompt import PROMPT_VERSION
from briefing.summarize.report import Outcome, SummarizeReport
from briefing.summarize.source import Source, build_source
from briefing.summarize.tags import TitleFrequencies

log = logging.getLogger(__name__)

STATE_NAME = "summarize"

# --------------------------------------------------------------------------- cache


def _models(settings: Settings) -> list[str]:
    return [m for m in (settings.llm_model, *settings.llm_fallbacks) if m]


def is_cached(stored: StoredSummary | None, source_hash: str, settings: Settings) -> bool:
    """True when the stored summary was made from this source the way this run would make it."""
    if stored is None or stored.source_hash != source_hash:
        return False
    if stored.kind == "none":
        return True  # same text, still nothing usable
    if stored.kind == "llm":
        if not settings.llm_model:
            return True  # never downgrade an LLM summary to an extract because keys are missing
        return stored.prompt_version == PROMPT_VERSION and stored.model in _models(settings)
    if stored.kind == "extract":
        return not settings.llm_model and stored.prompt_version == OFFLINE_VERSION
    return False


def _cache_key(settings: Settings) -> str:
    """What :func:`is_cached` and the rendering depend on beyond the files themselves."""
    return "\x00".join((PROMPT_VERSION, OFFLINE_VERSION, RENDER_VERSION, *_models(settings)))


def legacy_llm_article(meta: dict[str, str], source_hash: str, settings: Settings) -> bool:
    """An LLM article written before summaries were stored, of this very text, with no model to
    redo it: left as it is rather than replaced by an extract (docs/summaries.md, migration)."""
    return (
        is_ours(meta)
        and meta.get("summary_kind") == "llm"
        and meta.get("source_hash") == source_hash
        and not settings.llm_model
    )


def _held_matches(entry: dict, source_hash: str, settings: Settings) -> bool:
    return (
        entry.get("source_hash") == source_hash
        and entry.get("prompt_version") == PROMPT_VERSION
        and entry.get("model") == settings.llm_model
    )


# --------------------------------------------------------------------------- the run


@dataclass
class _Job:
    record: ReleaseRecord
    source: Source | None  # None: built only if the job runs this time (see plan)
    source_hash: str
    meta: dict[str, str]
    stored: StoredSummary | None


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
        self.checked = Checked(self.store, _cache_key(settings))
        self.paths = ReleaseFiles(self.store.releases_dir, settings.data_dir, settings.content_dir)

    def write(self, record: ReleaseRecord, stored: StoredSummary) -> None:
        """Store the summary (the source of truth), then render the article from it."""
        write_summary(self.settings.data_dir, record, stored)
        if self.render(record, stored) and is_cached(stored, stored.source_hash, self.settings):
            self.confirm(record)

    def render(self, record: ReleaseRecord, stored: StoredSummary) -> bool:
        """Write the article from ``stored``; False when the file there is not ours."""
        try:
            if write_article(self.settings.content_dir, record, render_article(record, stored)):
                self.report.written += 1
        except ForeignFileError as exc:
            log.warning("%s", exc)
            self.report.skipped_foreign.append(record.id)
            return False
        return True

    def confirm(self, record: ReleaseRecord) -> None:
        """Note in the manifest that ``record`` is up to date, with its files as they are now."""
        self.checked.confirm(record.relpath, self.paths.of(record.relpath), record.title)

    def write_extract(self, record: ReleaseRecord, source: Source, source_hash: str) -> None:
        summary = extract_summary(record, source, self.titles)
        _, facts = source_facts(record)
        stored = StoredSummary(
            id=record.id,
            kind="extract",
            source_hash=source_hash,
            summary=summary,
            prompt_version=OFFLINE_VERSION,
            faithfulness=check(summary, facts),
            summarized_at=now_kst(),
        )
        self.write(record, stored)

    def plan(self) -> list[_Job]:
        """Write what needs no model (no-text notices, offline extracts); return the model jobs."""
        jobs: list[_Job] = []
        relpaths = self.store.relpaths()
        files = {relpath: self.paths.of(relpath) for relpath in relpaths}
        if not self.force:
            self.checked.look_up(files, self.paths.folders)
        for relpath in relpaths:
            title = None if self.force else self.checked.title_if_current(relpath, files[relpath])
            if title is not None:
                self.titles.add(title)
                self.report.cached += 1
                continue
            try:
                record = self.store.read(self.store.releases_dir / relpath)
            except StoreError as exc:
                log.error("%s", exc)
                continue
            job = self.plan_one(record)
            if job is not None:
                jobs.append(job)
        self.write_pending_extracts()
        return jobs

    def plan_one(self, record: ReleaseRecord) -> _Job | None:
        """The full decision for one record: cached, written now, left alone, or a model job."""
        self.titles.add(record.title)
        source_hash = record.source_hash()
        meta = read_meta(article_path(self.settings.content_dir, record))
        if meta and not is_ours(meta):
            self.report.skipped_foreign.append(record.id)
            return None
        stored = read_summary(summary_path(self.settings.data_dir, record))
        if not self.force and is_cached(stored, source_hash, self.settings):
            assert stored is not None
            current = meta.get("rendered") == render_key(record, stored)
            # a new renderer or a lost article: rendered again, no model needed
            if current or self.render(record, stored):
                self.confirm(record)
            self.report.cached += 1
            return None
        if not self.force and stored is None and legacy_llm_article(meta, source_hash, self.settings):
            self.report.cached += 1
            return None
        held = self.state["held"].get(record.id)
        if held and not self.force and _held_matches(held, source_hash, self.settings):
            self.report.held[record.id] = "; ".join(held.get("claims", []))
            return None
        failed = self.state["failed"].get(record.id)
        if failed and not self.force and _gave_up(failed, source_hash, self.settings):
            # its extract stays published; a new text, model or --force tries again
            self.report.gave_up.append(record.id)
            return None
        if (
            self.settings.llm_model
            and stored is not None
            and stored.kind == "extract"
            and stored.source_hash == source_hash
        ):
            # an extract of this very text waits for the model: it had usable text, and the
            # source is built only if the per-run caps reach it (thousands may be waiting)
            return _Job(record, None, source_hash, meta, stored)
        source = build_source(record, self.settings.source_budget_chars)
        if not source.usable:
            category = guess_category(record.title).name
            none = StoredSummary(
                id=record.id,
                kind="none",
                source_hash=source_hash,
                category=category,
                summarized_at=now_kst(),
            )
            self.write(record, none)
            self.report.no_text += 1
            return None
        if not self.settings.llm_model:
            # written once every title is known (the tags are weighed against the whole run)
            self.pending_extracts.append((self.store.path_for(record), source_hash))
            return None
        return _Job(record, source, source_hash, meta, stored)

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
            stored = StoredSummary(
                id=rid,
                kind="llm",
                source_hash=job.source_hash,
                summary=out.summary,
                model=out.model,
                prompt_version=PROMPT_VERSION,
                faithfulness=out.faithfulness,
                summarized_at=now_kst(),
                tokens=out.tokens,
                cost=out.cost,
                claims_by=out.claims_by,
                verification=out.verification,
            )
            self.write(job.record, stored)
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
        # Until the model succeeds, readers get an honest extract of the current text (an LLM
        # article of this very text from before summaries were stored stays as it is).
        current = job.stored is not None and job.stored.source_hash == job.source_hash
        legacy = is_ours(job.meta) and job.meta.get("source_hash") == job.source_hash
        if not current and not legacy:
            if job.source is None:
                job.source = build_source(job.record, self.settings.source_budget_chars)
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
            run.checked.save()
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
