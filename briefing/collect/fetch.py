"""Filling a record: its page (feed listings), every attachment downloaded and extracted, and the
per-step status with retries on later runs.

Download failures a later run may fix are retried after ``retry_backoff_hours × 2^(attempts-1)``,
up to ``max_attempts``; extraction errors that come from the file (encrypted, corrupt) are final and
recorded on the attachment, those from this machine's limits (time, memory) are retried.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from briefing.extract.errors import ExtractError
from briefing.extract.html import capped_fragment_text
from briefing.http import FetchError, HttpClient, safe_filename
from briefing.records import Attachment, ReleaseRecord, StepStatus
from briefing.settings import Settings
from briefing.sources import Listing, pages

if TYPE_CHECKING:
    from briefing.collect.run import CollectReport

log = logging.getLogger(__name__)

# Download failures worth retrying on a later run (a cap or a bad URL will not fix itself).
PERMANENT_FETCH_KINDS = frozenset({"too-large", "bad-redirect", "bad-url", "refused-address"})


class ReleaseFetcher:
    """Fetches and extracts the content of records for one run."""

    def __init__(
        self,
        settings: Settings,
        client: HttpClient,
        report: CollectReport,
        now: datetime,
        error: Callable[[str], None],
        over_budget: Callable[[], bool] = lambda: False,
    ) -> None:
        self.settings = settings
        self.client = client
        self.report = report
        self.now = now
        self._error = error  # records a failed step in the run report
        self._over_budget = over_budget  # the run's time budget is spent: start no more downloads

    def fill(self, record: ReleaseRecord, listing: Listing, previous: ReleaseRecord | None = None) -> None:
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
            record.body_text, cut = capped_fragment_text(listing.body_html, self.settings.max_text_chars)
            note_cut(record, cut, self.now.isoformat())
            record.status.pop("page", None)
        else:
            record.url = listing.url
            links = self._fetch_page(record, links)
            if previous is not None and record.status["page"].state == "failed":
                return  # keep the attachments we had; the page step is retried later
        record.attachments = [
            Attachment(name=safe_filename(name) or name_from_url(url), url=url) for name, url in unique(links)
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
        note_cut(record, content.cut, self.now.isoformat())
        self._mark(record, "page", None)
        return links + content.attachments

    def _fetch_attachments(self, record: ReleaseRecord, reuse: dict[str, Attachment] | None = None) -> None:
        """Download and extract every attachment not yet downloaded; one step status for all."""
        failures: list[str] = []
        for att in record.attachments:
            if not needs_download(att):
                continue
            if self._over_budget():
                self._defer(record, "attachments")
                return
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
            return not needs_download(att)
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
        except ExtractError as exc:
            att.error = str(exc)
            att.text = ""
            att.type = exc.doc_type if exc.doc_type in ("pdf", "hwp", "hwpx") else att.type
            att.extracted_with = None
            self.report.attachments_failed += 1
            log.info("attachment %s: %s", att.name, exc)
            if transient_extraction(exc):
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

    def _defer(self, record: ReleaseRecord, step: str) -> None:
        """Leave ``step`` for the next run without counting an attempt: the run's time was up, the
        source did nothing wrong. State "pending" with a ``next_retry`` of now makes it due at once."""
        old = record.status.get(step) or StepStatus()
        stamp = self.now.isoformat()
        record.status[step] = StepStatus(
            state="pending",
            reason="left for the next run: the run's time budget was spent",
            attempts=old.attempts,
            next_retry=stamp,
            updated_at=stamp,
        )

    def _backoff(self, attempts: int) -> timedelta:
        return timedelta(hours=self.settings.retry_backoff_hours * 2 ** (attempts - 1))

    def _due_steps(self, record: ReleaseRecord) -> list[str]:
        """Failed steps under the attempt cap whose backoff (from the current settings) has passed."""
        due = []
        for step, status in record.status.items():
            if status.state == "pending" and status.next_retry:  # deferred by a time budget
                due.append(step)
                continue
            if status.state != "failed" or status.attempts >= self.settings.max_attempts:
                continue
            last = datetime.fromisoformat(status.updated_at) if status.updated_at else self.now
            if last + self._backoff(status.attempts) <= self.now:
                due.append(step)
        return due

    def retry_steps(self, record: ReleaseRecord) -> bool:
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
                Attachment(name=safe_filename(n) or name_from_url(u), url=u)
                for n, u in unique(links)
                if u not in known
            ]
        self._fetch_attachments(record)
        return True


def transient_extraction(exc: ExtractError) -> bool:
    """Extraction stopped by the isolation limits (time, memory), not by the file itself."""
    return exc.kind == "timeout" or (exc.kind == "too-large" and "memory" in str(exc))


def needs_download(att: Attachment) -> bool:
    """Not downloaded yet, and not failed in a way that will not change (size cap, bad URL)."""
    if att.sha256 is not None:
        return False
    return not (att.error and att.error.split(":", 1)[0] in PERMANENT_FETCH_KINDS)


def unique(links: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    seen: set[str] = set()
    out = []
    for name, url in links:
        if url not in seen:
            seen.add(url)
            out.append((name, url))
    return out


def name_from_url(url: str) -> str:
    return safe_filename(unquote(urlsplit(url).path.rsplit("/", 1)[-1])) or "attachment"


def note_cut(record: ReleaseRecord, cut: str | None, stamp: str) -> None:
    """Say on the record that its body text was cut at the text cap (status "body", state ok)."""
    if cut:
        record.status["body"] = StepStatus(state="ok", reason=cut, attempts=1, updated_at=stamp)
    else:
        record.status.pop("body", None)
