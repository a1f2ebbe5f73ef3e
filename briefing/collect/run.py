"""The collection run: sources -> listings -> one durable record per release.

Order of work in a run (all under the data folder's lock):

1. read the sources: the Open API one day per call over the window, then every feed (conditional GET);
2. turn each listing into a record: new ones get their page (feeds only) and attachments fetched and
   extracted; a release met again (same id, or same title + ministry + date from another source)
   only gains a source reference; an edited one is fetched again;
3. retry failed steps of earlier records whose backoff has passed;
4. write source health and the window state; report one line.

Records are written whole and atomically after each release, so a run killed at any point loses at
most the release it was working on, and the next run (same window: state is written last) redoes it.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from briefing.collect.fetch import ReleaseFetcher
from briefing.collect.health import SourceHealth
from briefing.collect.identity import ReleaseIndex, add_source, is_edited
from briefing.collect.progress import RunProgress
from briefing.http import HttpClient
from briefing.records import KST, ReleaseRecord, SourceRef, safe_id
from briefing.settings import Settings
from briefing.sources import Listing, configured_sources
from briefing.store import LockedError, Store, StoreError

log = logging.getLogger(__name__)
_UNREACHABLE = frozenset({"connect", "timeout", "network"})  # fetch errors that mean "no network"

EXIT_OK = 0
EXIT_NOTHING_DONE = 1  # no source could be read: nothing changed
EXIT_LOCKED = 75  # another run holds the lock (EX_TEMPFAIL: try again later)

STATE_COLLECT = "collect"
STATE_SOURCES = "sources"


@dataclass
class CollectReport:
    """What a run did; ``summary_line()`` is printed at the end of every run."""

    since: date | None = None
    until: date | None = None
    api_days: int = 0
    api_days_failed: int = 0
    feeds_read: int = 0
    feeds_failed: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    retried: int = 0
    downloaded: int = 0
    extracted: int = 0
    attachments_failed: int = 0
    bytes: int = 0
    requests: int = 0
    seconds: float = 0.0
    skipped_by_limit: int = 0
    skipped_by_budget: int = 0  # listings not started: the run's time budget was spent
    budget_minutes: float = 0.0  # the budget, for the summary line
    errors: list[str] = field(default_factory=list)  # one line per failed source or step
    alarms: list[str] = field(default_factory=list)  # sources failing/empty several runs in a row
    fatal: str | None = None  # why nothing could be done (one line)
    exit_code: int = EXIT_OK
    # when nothing could be collected: why, in plain words, and what a newcomer can do instead
    next_step: str = ""

    def summary_line(self) -> str:
        if self.fatal:
            return f"collect: {self.fatal}"
        window = f"{self.since}..{self.until}" if self.since else "-"
        api = f"{self.api_days} API days" + (
            f" ({self.api_days_failed} failed)" if self.api_days_failed else ""
        )
        feeds = f"{self.feeds_read} feeds" + (f" ({self.feeds_failed} failed)" if self.feeds_failed else "")
        line = (
            f"collect {window}: sources {api}, {feeds}; releases {self.new} new, {self.updated} updated, "
            f"{self.unchanged} unchanged"
            + (f", {self.retried} retried" if self.retried else "")
            + (f", {self.skipped_by_limit} left for later (--limit)" if self.skipped_by_limit else "")
            + (
                f", {self.skipped_by_budget} left for the next run (time budget of "
                f"{self.budget_minutes:g} min reached)"
                if self.skipped_by_budget
                else ""
            )
            + f"; attachments {self.downloaded} downloaded, {self.extracted} extracted, "
            f"{self.attachments_failed} failed; {self.bytes / 1_048_576:.1f} MB; {self.seconds:.1f} s"
        )
        if self.alarms:
            line += f"; {len(self.alarms)} SOURCE ALARM(S): " + " | ".join(self.alarms)
        return line


def run_collect(
    settings: Settings,
    since: date | None = None,
    until: date | None = None,
    limit: int | None = None,
) -> CollectReport:
    """Collect releases into ``settings.data_dir``; never raises for source or network trouble."""
    started = time.monotonic()
    report = CollectReport(budget_minutes=settings.collect_budget_minutes)
    if not settings.service_key and not settings.feeds:
        report.fatal = "no source configured: set DATA_GO_KR_SERVICE_KEY or BRIEFING_FEEDS; nothing changed"
        report.exit_code = EXIT_NOTHING_DONE
        report.next_step = next_step("no Open API key and no feeds configured")
        return report
    store = Store(settings.data_dir)
    try:
        with store.lock(), HttpClient(settings) as client:
            store.remove_stale_temp_files()
            ends = started + settings.collect_budget_minutes * 60
            Collector(settings, store, client, report, ends=ends).run(since, until, limit)
            report.requests = client.requests
            report.bytes = client.bytes_received
    except LockedError as exc:
        report.fatal = str(exc)
        report.exit_code = EXIT_LOCKED
    except (StoreError, OSError) as exc:  # disk full, permissions: say so in one line
        report.fatal = f"cannot write under {settings.data_dir}: {' '.join(str(exc).split())}"
        report.exit_code = EXIT_NOTHING_DONE
    report.seconds = time.monotonic() - started
    return report


def next_step(why: str) -> str:
    """The one plain line printed when a run collected nothing: why, and what to do next.

    A newcomer's first ``make site`` usually has no key and often no network (``make site`` still
    builds from the records already in the data folder), so the line points at the road that works."""
    return (
        f"Nothing was collected ({why}). "
        "To see a full site now: make demo (sample releases, no key, no network). "
        "For real releases: export DATA_GO_KR_SERVICE_KEY=<your data.go.kr key> and run make site again."
    )


class Collector:
    """One collection run over an open store and HTTP client (see module docstring)."""

    def __init__(
        self,
        settings: Settings,
        store: Store,
        client: HttpClient,
        report: CollectReport,
        ends: float | None = None,
    ) -> None:
        self.settings = settings
        self.ends = ends  # time.monotonic() after which no new work starts (the run's budget)
        self.store = store
        self.client = client
        self.report = report
        self.now = datetime.now(KST).replace(microsecond=0)
        self.state = store.read_state(STATE_COLLECT)
        self.health = SourceHealth(
            store.read_state(STATE_SOURCES), settings.source_alarm_runs, self.now.isoformat()
        )
        report.alarms = self.health.alarms
        self.retry: dict[str, str] = dict(self.state.get("retry", {}))
        self.index = ReleaseIndex(store)
        self.fetcher = ReleaseFetcher(settings, client, report, self.now, self._error, self.over_budget)
        self._done: set[str] = set()  # record ids handled in this run
        self.failed_day: date | None = None  # first API day that could not be read
        self.limit_cut = False  # --limit or the time budget left listings unhandled
        self.feed_state_new: dict[str, Any] = {}

    # --- the run
    def run(self, since: date | None, until: date | None, limit: int | None) -> None:
        until = until or self.now.date()
        if since is None:
            last = self.state.get("last_success")
            since = date.fromisoformat(last) if last else None
            if since is None or since > until:
                since = until - timedelta(days=self.settings.first_run_days)
        elif since > until:
            self.report.fatal = f"--since {since} is after --until {until}; nothing changed"
            self.report.exit_code = EXIT_NOTHING_DONE
            return
        self.report.since, self.report.until = since, until

        listings, reachable, reasons = self.read_sources(since, until)
        if not reachable:
            self.report.fatal = "nothing could be done: " + "; ".join(reasons) + "; nothing changed"
            self.report.exit_code = EXIT_NOTHING_DONE
            self.report.next_step = next_step(self._plain_reason())
            return
        for line in self.report.errors:  # source errors are worth a line each only when some worked
            log.warning("%s", line)
        if not self.settings.service_key:
            log.info("no DATA_GO_KR_SERVICE_KEY: the Open API was skipped")
        for line in self.index.load_window(since, until):
            self._error(line)
        progress = RunProgress(len(listings))
        new_count = 0
        try:
            for listing in listings:
                if self.over_budget():  # saved so far stays; the window is read again next run
                    self.report.skipped_by_budget += 1
                    self.limit_cut = True
                    progress.advance(f"left for the next run (time budget): {listing.title[:40]}")
                    continue
                try:
                    record = self.index.find(listing)
                    if record is None and limit is not None and new_count >= limit:
                        self.report.skipped_by_limit += 1
                        self.limit_cut = True
                        progress.advance(f"left for later (--limit): {listing.title[:40]}")
                        continue
                    outcome = self.handle_listing(listing, record)
                except Exception as exc:  # one broken release must not stop the others
                    log.exception("release %s failed", listing.release_id)
                    self._error(f"release {listing.release_id}: unexpected {type(exc).__name__}: {exc}")
                    outcome = "failed"
                new_count += outcome == "new"
                progress.advance(f"{outcome}: {listing.title[:40]}")
            self.retry_due()
        finally:
            progress.close()
        self._write_state(until)

    def _plain_reason(self) -> str:
        """Why no source answered, in the words a newcomer would use."""
        errors = [e for e in self.report.errors if e.startswith(("feed ", "press API "))]
        offline = bool(errors) and all(any(f": {kind}:" in e for kind in _UNREACHABLE) for e in errors)
        has_key = bool(self.settings.service_key)
        if offline:
            return "no network: no source could be reached" if has_key else "no Open API key and no network"
        key = "the Open API did not answer with the key given" if has_key else "no Open API key"
        return (
            f"{key}, and no feed could be read" if self.settings.feeds else f"{key} and no feeds configured"
        )

    # --- sources
    def read_sources(self, since: date, until: date) -> tuple[list[Listing], bool, list[str]]:
        """Listings from every configured source, in order (the Open API first).

        Returns (listings, whether any source answered, why not when none did).
        """
        listings: list[Listing] = []
        reasons: list[str] = []
        reachable = False
        remembered: dict[str, Any] = self.state.get("feeds", {})
        failed_feeds = 0
        first_feed_error = ""
        for source in configured_sources(self.settings):
            if self.over_budget():
                self.limit_cut = True  # a source not read: keep its window and validators for next run
                self._error(f"source {source.name} not read: the run's time budget was spent", quiet=True)
                continue
            read = source.read(self.client, since, until, remembered.get(source.name, {}))
            for line in read.errors:
                self._error(line, quiet=True)
            for line in read.warnings:
                self._error(line, quiet=True)
            if read.remember is not None:
                self.feed_state_new[source.name] = read.remember
            if read.missed_from and (self.failed_day is None or read.missed_from < self.failed_day):
                self.failed_day = read.missed_from
            reachable |= read.ok
            listings.extend(read.listings)
            self.health.update(source.name, source.url, read.ok, read.items, read.error)
            if source.kind == "api":
                self.report.api_days += read.calls_ok
                self.report.api_days_failed += read.calls_failed
                if not read.ok:
                    reasons.append(f"Open API unusable ({read.error})")
            elif read.ok:
                self.report.feeds_read += 1
            else:
                self.report.feeds_failed += 1
                failed_feeds += 1
                first_feed_error = first_feed_error or read.error
        if not self.settings.service_key:
            reasons.insert(0, "no Open API key (DATA_GO_KR_SERVICE_KEY)")
        if self.settings.feeds and failed_feeds == len(self.settings.feeds):
            reasons.append(f"no feed reachable ({failed_feeds} failed; first: {first_feed_error[:160]})")
        elif not self.settings.feeds:
            reasons.append("no feeds configured (BRIEFING_FEEDS)")
        return listings, reachable, reasons

    # --- one listing
    def handle_listing(self, listing: Listing, record: ReleaseRecord | None) -> str:
        """Create, update or leave ``record`` (found by :meth:`_find_record`) for ``listing``.

        Returns new | updated | unchanged | retried.
        """
        if record is None:
            record = self._new_record(listing)
            self.fetcher.fill(record, listing)
            self._save(record)
            self.report.new += 1
            return "new"
        before = record.to_json()
        # A record keeps the id it was first saved under, even when a feed-first release later gets
        # its portal id: the id is the published URL's slug and the feed entry's id, which must
        # never change. The portal id joins the record as its "press-api" source reference.
        add_source(record, listing)
        outcome = "unchanged"
        if is_edited(record, listing, self.settings.max_text_chars):
            self.fetcher.fill(record, listing, previous=record)
            outcome = "updated"
        elif self.fetcher.retry_steps(record):
            outcome = "retried"
        changed = record.to_json() != before
        if changed:
            self._save(record)
        if outcome == "unchanged" and changed:
            outcome = "updated"  # a new source reference (the portal id)
        self._count(outcome)
        return outcome

    def _count(self, outcome: str) -> None:
        if outcome == "updated":
            self.report.updated += 1
        elif outcome == "retried":
            self.report.retried += 1
        else:
            self.report.unchanged += 1

    def _new_record(self, listing: Listing) -> ReleaseRecord:
        return ReleaseRecord(
            id=safe_id(listing.release_id),
            url=listing.url,
            title=listing.title,
            published=listing.published.isoformat(),
            ministry=listing.ministry,
            sources=[SourceRef(name=listing.source, id=listing.source_id, url=listing.url)],
        )

    def retry_due(self) -> None:
        """Records with failed steps due for retry that no source listed in this run."""
        for record_id in sorted(self.retry):
            if record_id in self._done:
                continue
            if self.over_budget():
                return  # still in the retry list: the next run goes on
            try:
                record = self.store.load(record_id)
            except StoreError as exc:
                self._error(str(exc))
                continue
            if record is None:
                self.retry.pop(record_id, None)
                continue
            if self.fetcher.retry_steps(record):
                self._save(record)
                self.report.retried += 1

    # --- writing
    def _save(self, record: ReleaseRecord) -> None:
        self.store.save(record)
        self.index.remember(record)
        self._done.add(record.id)
        pending = [s.next_retry for s in record.status.values() if s.state != "ok" and s.next_retry]
        if pending:
            self.retry[record.id] = min(pending)
        else:
            self.retry.pop(record.id, None)

    def _write_state(self, until: date) -> None:
        """Window and feed validators, then source health. Written last: a killed run redoes its window."""
        state = dict(self.state)
        if not self.limit_cut:
            # The next default window starts here; a failed API day is read again next time.
            done = self.failed_day - timedelta(days=1) if self.failed_day else until
            old = state.get("last_success")
            if old is None or done.isoformat() > old:  # a backfill never moves it backwards
                state["last_success"] = done.isoformat()
            # Feed validators only when every listing was handled (else a 304 would hide the rest).
            state["feeds"] = self.feed_state_new
        state["retry"] = dict(sorted(self.retry.items()))
        state["last_run"] = self.now.isoformat()
        state["left_for_next_run"] = self.report.skipped_by_budget  # for `briefing report`
        self.store.write_state(STATE_COLLECT, state)
        self.store.write_state(STATE_SOURCES, self.health.state)

    def over_budget(self) -> bool:
        """Whether the run's time budget is spent (no new work is started then)."""
        return self.ends is not None and time.monotonic() >= self.ends

    def _error(self, message: str, quiet: bool = False) -> None:
        """Record a failed source or step; ``quiet`` defers the log line (see :meth:`run`)."""
        line = " ".join(message.split())
        self.report.errors.append(line)
        if not quiet:
            log.warning("%s", line)
