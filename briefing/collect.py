"""``briefing collect``: sources -> listings -> one durable record per release.

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

import hashlib
import logging
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from briefing.http import FetchError, HttpClient, safe_filename
from briefing.records import KST, Attachment, ReleaseRecord, SourceRef, StepStatus, safe_id
from briefing.settings import Settings
from briefing.sources import Listing, SourceError, pages, press_api, split_title
from briefing.sources import feeds as feed_source
from briefing.store import LockedError, Store, StoreError

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_NOTHING_DONE = 1  # no source could be read: nothing changed
EXIT_LOCKED = 75  # another run holds the lock (EX_TEMPFAIL: try again later)

STATE_COLLECT = "collect"
STATE_SOURCES = "sources"
# Download failures worth retrying on a later run (a cap or a bad URL will not fix itself).
_PERMANENT_FETCH_KINDS = frozenset({"too-large", "bad-redirect", "bad-url"})
_UNREACHABLE = frozenset({"connect", "timeout", "network"})


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
    errors: list[str] = field(default_factory=list)  # one line per failed source or step
    alarms: list[str] = field(default_factory=list)  # sources failing/empty several runs in a row
    fatal: str | None = None  # why nothing could be done (one line)
    exit_code: int = EXIT_OK

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
    report = CollectReport()
    if not settings.service_key and not settings.feeds:
        report.fatal = "no source configured: set DATA_GO_KR_SERVICE_KEY or BRIEFING_FEEDS; nothing changed"
        report.exit_code = EXIT_NOTHING_DONE
        return report
    store = Store(settings.data_dir)
    try:
        with store.lock(), HttpClient(settings) as client:
            store.remove_stale_temp_files()
            Collector(settings, store, client, report).run(since, until, limit)
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


def _days(since: date, until: date) -> list[date]:
    return [since + timedelta(days=n) for n in range((until - since).days + 1)]


def _norm(text: str) -> str:
    return "".join(split_title(text)[0].split()).lower()


class Collector:
    """One collection run over an open store and HTTP client (see module docstring)."""

    def __init__(self, settings: Settings, store: Store, client: HttpClient, report: CollectReport) -> None:
        self.settings = settings
        self.store = store
        self.client = client
        self.report = report
        self.now = datetime.now(KST).replace(microsecond=0)
        self.state = store.read_state(STATE_COLLECT)
        self.health = store.read_state(STATE_SOURCES)
        self.retry: dict[str, str] = dict(self.state.get("retry", {}))
        # (title, day) -> [(ministry, record id, names of the sources that listed it)]
        self._match: dict[tuple[str, str], list[tuple[str, str, frozenset[str]]]] = {}
        self._by_source: dict[tuple[str, str], str] = {}  # (source name, id there) -> record id
        self._done: set[str] = set()  # record ids handled in this run
        self.failed_day: date | None = None  # first API day that could not be read
        self.limit_cut = False  # --limit left listings unhandled
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
            return
        for line in self.report.errors:  # source errors are worth a line each only when some worked
            log.warning("%s", line)
        if not self.settings.service_key:
            log.info("no DATA_GO_KR_SERVICE_KEY: the Open API was skipped")
        self._index_window(since, until)
        progress = _Progress(len(listings))
        new_count = 0
        try:
            for listing in listings:
                try:
                    record = self._find_record(listing)
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

    # --- sources
    def read_sources(self, since: date, until: date) -> tuple[list[Listing], bool, list[str]]:
        """Listings from the API (one day per call) and every feed, API first.

        Returns (listings, whether any source answered, why not when none did).
        """
        settings = self.settings
        listings: list[Listing] = []
        reasons: list[str] = []
        reachable = False
        if settings.service_key:
            days_ok = 0
            api_items = 0
            api_error = ""
            unreachable = 0  # consecutive days the API could not be reached at all
            for day in _days(since, until):
                try:
                    items = press_api.fetch_day(self.client, settings.press_api, settings.service_key, day)
                except (press_api.PressApiError, FetchError) as exc:
                    self.report.api_days_failed += 1
                    self.failed_day = self.failed_day or day
                    api_error = str(exc)
                    self._error(f"press API {day}: {exc}", quiet=True)
                    unreachable = unreachable + 1 if getattr(exc, "kind", "") in _UNREACHABLE else 0
                    if getattr(exc, "fatal", False) or unreachable >= 2:
                        break  # a refused key, a quota or a dead host: the other days would fail alike
                    continue
                unreachable = 0
                days_ok += 1
                api_items += len(items)
                listings.extend(items)
            self.report.api_days = days_ok
            reachable |= days_ok > 0
            self._health(press_api.SOURCE_NAME, settings.press_api, days_ok > 0, api_items, api_error)
            if days_ok == 0:
                reasons.append(f"Open API unusable ({api_error})")
        else:
            reasons.append("no Open API key (DATA_GO_KR_SERVICE_KEY)")

        feed_state: dict[str, Any] = self.state.get("feeds", {})
        start = datetime.combine(since, datetime.min.time(), KST)
        end = datetime.combine(until + timedelta(days=1), datetime.min.time(), KST)
        failed_feeds = 0
        first_feed_error = ""
        for url in settings.feeds:
            name = feed_source.feed_name(url)
            cached = feed_state.get(name, {})
            if cached.get("since", "") > since.isoformat():
                cached = {}  # a backfill before the window the validators cover: ask unconditionally
            try:
                result = feed_source.read_feed(
                    self.client, url, etag=cached.get("etag"), last_modified=cached.get("last_modified")
                )
            except (SourceError, FetchError) as exc:
                failed_feeds += 1
                first_feed_error = first_feed_error or str(exc)
                self.report.feeds_failed += 1
                self._error(f"feed {url}: {exc}", quiet=True)
                self._health(name, url, False, 0, str(exc))
                if cached:
                    self.feed_state_new[name] = cached
                continue
            reachable = True
            self.report.feeds_read += 1
            if result.warning:
                self._error(result.warning, quiet=True)
            in_window = [item for item in result.listings if start <= item.published < end]
            listings.extend(in_window)
            self._health(name, url, True, None if result.not_modified else len(result.listings), "")
            self.feed_state_new[name] = (
                cached
                if result.not_modified
                else {
                    "url": url,
                    "etag": result.etag,
                    "last_modified": result.last_modified,
                    "since": str(since),
                }
            )
        if settings.feeds and failed_feeds == len(settings.feeds):
            reasons.append(f"no feed reachable ({failed_feeds} failed; first: {first_feed_error[:160]})")
        elif not settings.feeds:
            reasons.append("no feeds configured (BRIEFING_FEEDS)")
        return listings, reachable, reasons

    def _health(self, name: str, url: str, ok: bool, items: int | None, error: str) -> None:
        """Per-source counters of consecutive failed and empty runs; loud past the threshold."""
        entry = dict(self.health.get(name, {}))
        entry["url"] = url
        if ok:
            entry["failures"] = 0
            entry["last_ok"] = self.now.isoformat()
            if items is None:  # not modified: as empty (or not) as last time
                items = entry.get("last_items")
            if items is not None:
                entry["empties"] = entry.get("empties", 0) + 1 if items == 0 else 0
                entry["last_items"] = items
        else:
            entry["failures"] = entry.get("failures", 0) + 1
            entry["last_error"] = error[:300]
        self.health[name] = entry
        threshold = self.settings.source_alarm_runs
        if entry.get("failures", 0) >= threshold:
            alarm = f"source {name} ({url}) has FAILED {entry['failures']} runs in a row: {error[:160]}"
        elif entry.get("empties", 0) >= threshold:
            alarm = f"source {name} ({url}) returned NO ITEMS {entry['empties']} runs in a row (dead feed?)"
        else:
            return
        self.report.alarms.append(alarm)
        log.error("ALARM: %s", alarm)

    # --- identity and de-duplication
    def _index_window(self, since: date, until: date) -> None:
        """Title/ministry/day keys of the records published around the window."""
        months = {(d.year, d.month) for d in _days(since - timedelta(days=1), until + timedelta(days=1))}
        for year, month in sorted(months):
            for path in sorted(self.store.releases_dir.glob(f"{year:04d}/{month:02d}/*.json")):
                try:
                    record = self.store.read(path)
                except Exception as exc:  # one bad file must not stop the run
                    self._error(str(exc))
                    continue
                self._remember(record)

    def _remember(self, record: ReleaseRecord) -> None:
        key = (_norm(record.title), record.published_at.date().isoformat())
        entries = [e for e in self._match.get(key, []) if e[1] != record.id]
        entries.append(
            ("".join(record.ministry.split()), record.id, frozenset(s.name for s in record.sources))
        )
        self._match[key] = entries
        for ref in record.sources:
            self._by_source[(ref.name, ref.id)] = record.id

    def _forget(self, record_id: str) -> None:
        for key, entries in list(self._match.items()):
            self._match[key] = [e for e in entries if e[1] != record_id]
        for ref, known in list(self._by_source.items()):
            if known == record_id:
                del self._by_source[ref]

    def _find_record(self, listing: Listing) -> ReleaseRecord | None:
        """The record this listing belongs to: same id, else same title + ministry + day (±1).

        A title match never joins two releases one source tells apart: not two portal ids, and not
        two ids from the same feed (same-titled releases on one day do happen).
        """
        record = self.store.load(safe_id(listing.release_id))
        if record is not None:
            return record
        known = self._by_source.get((listing.source, listing.source_id))
        if known is not None and (record := self.store.load(known)) is not None:
            return record
        title = _norm(listing.title)
        ministry = "".join(listing.ministry.split())
        day = listing.published.date()
        # the same day first; then the next/previous one (feeds that give times without a zone)
        candidates = [
            entry
            for shift in (0, -1, 1)
            for entry in self._match.get((title, (day + timedelta(shift)).isoformat()), [])
        ]
        for other_ministry, record_id, sources in candidates:
            if ministry and other_ministry and ministry != other_ministry:
                continue
            if listing.source in sources or (listing.news_id and _is_portal_id(record_id)):
                continue
            found = self.store.load(record_id)
            if found is not None:
                return found
        return None

    # --- one listing
    def handle_listing(self, listing: Listing, record: ReleaseRecord | None) -> str:
        """Create, update or leave ``record`` (found by :meth:`_find_record`) for ``listing``.

        Returns new | updated | unchanged | retried.
        """
        if record is None:
            record = self._new_record(listing)
            self._fill(record, listing)
            self._save(record)
            self.report.new += 1
            return "new"
        before = record.to_json()
        old_id = record.id
        self._add_source(record, listing)
        if listing.news_id and record.id != safe_id(listing.news_id):
            record.id = safe_id(listing.news_id)  # the portal's id wins once it is known
        outcome = "unchanged"
        if self._is_edited(record, listing):
            self._fill(record, listing, previous=record)
            outcome = "updated"
        elif self._retry_steps(record):
            outcome = "retried"
        changed = record.to_json() != before
        if changed:
            self._save(record, old_id=old_id)
        if outcome == "unchanged" and changed:
            outcome = "updated"  # a new source reference or the portal id
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

    @staticmethod
    def _add_source(record: ReleaseRecord, listing: Listing) -> None:
        if not any(s.name == listing.source and s.id == listing.source_id for s in record.sources):
            record.sources.append(SourceRef(name=listing.source, id=listing.source_id, url=listing.url))

    def _is_edited(self, record: ReleaseRecord, listing: Listing) -> bool:
        """Whether ``listing`` carries newer content than the record.

        The API's content is authoritative: a record first made from a feed is refilled once the API
        lists it; a feed listing never overrides API content, only adds its source reference.
        """
        modified = listing.modified.isoformat() if listing.modified else None
        if listing.body_html is not None:  # the API
            if "page" in record.status:  # content came from a feed page so far
                return True
            return (
                record.title != listing.title
                or record.modified != modified
                or record.subtitles != listing.subtitles
                or record.body_text != pages.body_text(listing.body_html, self.settings.max_text_chars)[0]
                or [a.url for a in record.attachments] != [u for _, u in listing.attachments]
            )
        if "page" not in record.status:  # an API record: feeds do not override it
            return False
        # Two feeds may date one release differently: only a newer date or another title is an edit.
        newer = modified is not None and (record.modified is None or modified > record.modified)
        return newer or _norm(record.title) != _norm(listing.title)

    # --- filling a record
    def _fill(self, record: ReleaseRecord, listing: Listing, previous: ReleaseRecord | None = None) -> None:
        """(Re)build the record's content from ``listing``: page (feeds) and attachments."""
        old_attachments = {a.url: a for a in (previous.attachments if previous else [])}
        record.title = listing.title
        record.ministry = listing.ministry or record.ministry
        record.subtitles = list(listing.subtitles)
        record.published = listing.published.isoformat()
        record.modified = listing.modified.isoformat() if listing.modified else None
        record.fetched_at = self.now.isoformat()
        links = list(listing.attachments)
        if listing.body_html is not None:
            record.url = listing.url or record.url
            record.body_text, cut = pages.body_text(listing.body_html, self.settings.max_text_chars)
            _note_cut(record, cut, self.now.isoformat())
            record.status.pop("page", None)
        else:
            record.url = listing.url
            links = self._fetch_page(record, links)
            if previous is not None and record.status["page"].state == "failed":
                return  # keep the attachments we had; the page step is retried later
        record.attachments = [
            Attachment(name=safe_filename(name) or _name_from_url(url), url=url)
            for name, url in _unique(links)
        ]
        self._fetch_attachments(record, reuse=old_attachments)

    def _fetch_page(self, record: ReleaseRecord, links: list[tuple[str, str]]) -> list[tuple[str, str]]:
        try:
            fetched = self.client.get(record.url)
        except FetchError as exc:
            self._mark(record, "page", str(exc))
            self._error(f"{record.id} page: {exc}")
            return links
        content = pages.read_page(fetched.text(), fetched.url, self.settings.max_text_chars)
        record.body_text = content.text
        _note_cut(record, content.cut, self.now.isoformat())
        self._mark(record, "page", None)
        return links + content.attachments

    def _fetch_attachments(self, record: ReleaseRecord, reuse: dict[str, Attachment] | None = None) -> None:
        """Download and extract every attachment not yet downloaded; one step status for all."""
        failures: list[str] = []
        for att in record.attachments:
            if not _needs_download(att):
                continue
            att.error = None
            if not self._fetch_attachment(att, reuse or {}):
                failures.append(f"{att.name}: {att.error}")
        self._mark(record, "attachments", "; ".join(failures)[:300] if failures else None)

    def _fetch_attachment(self, att: Attachment, reuse: dict[str, Attachment]) -> bool:
        """Fill one attachment. False when the download failed in a way a later run may fix;
        extraction errors are recorded on the attachment and are final (same bytes, same result)."""
        try:
            fetched = self.client.get(att.url)
        except FetchError as exc:
            att.error = str(exc)
            self.report.attachments_failed += 1
            self._error(f"attachment {att.url}: {exc}")
            return not _needs_download(att)
        data = fetched.content
        self.report.downloaded += 1
        att.name = fetched.filename or att.name
        att.size = len(data)
        att.sha256 = hashlib.sha256(data).hexdigest()
        same = reuse.get(att.url)
        if same is not None and same.sha256 == att.sha256:  # same bytes: same text, no extraction
            att.type, att.text, att.error, att.extracted_with = (
                same.type,
                same.text,
                same.error,
                same.extracted_with,
            )
            return True
        return self._extract(att, data)

    def _extract(self, att: Attachment, data: bytes) -> bool:
        """Fill ``att`` from ``data``. False when extraction hit a limit of this machine (time or
        memory) that a later, quieter run may not hit: the file is then downloaded again."""
        from briefing import extract  # lazy: heavy parsers load only when there is work

        att.type = extract.sniff_type(data)
        try:
            result = extract.extract_isolated(
                data,
                name=att.name,
                timeout=self.settings.extract_timeout,
                max_chars=self.settings.max_text_chars,
                max_memory_mb=self.settings.extract_max_memory_mb,
            )
        except extract.ExtractError as exc:
            att.error = str(exc)
            att.text = ""
            att.type = exc.doc_type if exc.doc_type in ("pdf", "hwp", "hwpx") else att.type
            att.extracted_with = None
            self.report.attachments_failed += 1
            log.info("attachment %s: %s", att.name, exc)
            if _transient_extraction(exc):
                att.sha256 = None  # not "done": the next run downloads and extracts it again
                return False
            return True
        att.type = result.type
        att.text = result.text
        att.error = None
        att.extracted_with = result.extracted_with
        self.report.extracted += 1
        for warning in result.warnings:
            log.info("attachment %s: %s", att.name, warning)
        return True

    # --- step status and retries
    def _mark(self, record: ReleaseRecord, step: str, error: str | None) -> None:
        old = record.status.get(step) or StepStatus()
        attempts = old.attempts + 1
        stamp = self.now.isoformat()
        if error is None:
            record.status[step] = StepStatus(state="ok", attempts=attempts, updated_at=stamp)
            return
        next_retry = None
        reason = error
        if attempts < self.settings.max_attempts:
            next_retry = (self.now + self._backoff(attempts)).isoformat()
        else:
            reason = f"gave up after {attempts} attempts: {error}"
        record.status[step] = StepStatus(
            state="failed", reason=reason[:300], attempts=attempts, next_retry=next_retry, updated_at=stamp
        )

    def _backoff(self, attempts: int) -> timedelta:
        return timedelta(hours=self.settings.retry_backoff_hours * 2 ** (attempts - 1))

    def _due_steps(self, record: ReleaseRecord) -> list[str]:
        """Failed steps under the attempt cap whose backoff (from the current settings) has passed."""
        due = []
        for step, status in record.status.items():
            if status.state != "failed" or status.attempts >= self.settings.max_attempts:
                continue
            last = datetime.fromisoformat(status.updated_at) if status.updated_at else self.now
            if last + self._backoff(status.attempts) <= self.now:
                due.append(step)
        return due

    def _retry_steps(self, record: ReleaseRecord) -> bool:
        """Run again the failed steps whose backoff has passed. True when any ran."""
        due = self._due_steps(record)
        if not due:
            return False
        record.fetched_at = self.now.isoformat()
        if "page" in due:
            links = [(a.name, a.url) for a in record.attachments]
            links = self._fetch_page(record, links)
            known = {a.url for a in record.attachments}
            record.attachments += [
                Attachment(name=safe_filename(n) or _name_from_url(u), url=u)
                for n, u in _unique(links)
                if u not in known
            ]
        self._fetch_attachments(record)
        return True

    def retry_due(self) -> None:
        """Records with failed steps due for retry that no source listed in this run."""
        for record_id in sorted(self.retry):
            if record_id in self._done:
                continue
            try:
                record = self.store.load(record_id)
            except StoreError as exc:
                self._error(str(exc))
                continue
            if record is None:
                self.retry.pop(record_id, None)
                continue
            if self._retry_steps(record):
                self._save(record)
                self.report.retried += 1

    # --- writing
    def _save(self, record: ReleaseRecord, old_id: str | None = None) -> None:
        self.store.save(record)
        if old_id and old_id != record.id:
            self.store.delete(old_id)
            self.retry.pop(old_id, None)
            self._forget(old_id)
        self._remember(record)
        self._done.add(record.id)
        pending = [s.next_retry for s in record.status.values() if s.state == "failed" and s.next_retry]
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
        self.store.write_state(STATE_COLLECT, state)
        self.store.write_state(STATE_SOURCES, self.health)

    def _error(self, message: str, quiet: bool = False) -> None:
        """Record a failed source or step; ``quiet`` defers the log line (see :meth:`run`)."""
        line = " ".join(message.split())
        self.report.errors.append(line)
        if not quiet:
            log.warning("%s", line)


def _note_cut(record: ReleaseRecord, cut: str | None, stamp: str) -> None:
    """Say on the record that its body text was cut at the text cap (status "body", state ok)."""
    if cut:
        record.status["body"] = StepStatus(state="ok", reason=cut, attempts=1, updated_at=stamp)
    else:
        record.status.pop("body", None)


def _is_portal_id(record_id: str) -> bool:
    return record_id.isdigit()


def _transient_extraction(exc: Exception) -> bool:
    """Extraction stopped by the isolation limits (time, memory), not by the file itself."""
    kind = getattr(exc, "kind", "")
    return kind == "timeout" or (kind == "too-large" and "memory" in str(exc))


def _needs_download(att: Attachment) -> bool:
    """Not downloaded yet, and not failed in a way that will not change (size cap, bad URL)."""
    if att.sha256 is not None:
        return False
    return not (att.error and att.error.split(":", 1)[0] in _PERMANENT_FETCH_KINDS)


def _unique(links: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    seen: set[str] = set()
    out = []
    for name, url in links:
        if url not in seen:
            seen.add(url)
            out.append((name, url))
    return out


def _name_from_url(url: str) -> str:
    from urllib.parse import unquote, urlsplit

    return safe_filename(unquote(urlsplit(url).path.rsplit("/", 1)[-1])) or "attachment"


class _Progress:
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
