"""Which record a listing belongs to: the same id, or the same release met in another source.

A release is identified by the id of its first record: the portal's id when the Open API (or a
feed linking the portal) listed it first, else ``<source>-<id there>``. That id is the article's
slug and its feed entry id, so it never changes: a feed-first release that the Open API lists later
keeps it and gains the portal id as a source reference (``press-api``), by which later runs find it.
The same release listed by the Open API and a ministry feed (title without "[부처명]", ministry, day
±1) or by two feeds is one record with several source references.
"""

from __future__ import annotations

from datetime import date, timedelta

from briefing.extract.html import capped_fragment_text
from briefing.records import ReleaseRecord, SourceRef, safe_id
from briefing.sources import Listing, split_title
from briefing.sources.press_api import SOURCE_NAME as PRESS_API
from briefing.store import Store


def title_key(text: str) -> str:
    """A title as compared across sources: no "[부처명]" prefix, no spaces, lower case."""
    return "".join(split_title(text)[0].split()).lower()


def is_portal_id(record_id: str) -> bool:
    return record_id.isdigit()


def days(since: date, until: date) -> list[date]:
    return [since + timedelta(days=n) for n in range((until - since).days + 1)]


class ReleaseIndex:
    """The records around the run's window, keyed by title and day and by each source's id."""

    def __init__(self, store: Store) -> None:
        self.store = store
        # (title, day) -> [(ministry, record id, names of the sources that listed it)]
        self._match: dict[tuple[str, str], list[tuple[str, str, frozenset[str]]]] = {}
        self._by_source: dict[tuple[str, str], str] = {}  # (source name, id there) -> record id

    def load_window(self, since: date, until: date) -> list[str]:
        """Index the records published around the window; returns one line per unreadable file."""
        errors = []
        months = {(d.year, d.month) for d in days(since - timedelta(days=1), until + timedelta(days=1))}
        for year, month in sorted(months):
            for path in sorted(self.store.releases_dir.glob(f"{year:04d}/{month:02d}/*.json")):
                try:
                    record = self.store.read(path)
                except Exception as exc:  # one bad file must not stop the run
                    errors.append(str(exc))
                    continue
                self.remember(record)
        return errors

    def remember(self, record: ReleaseRecord) -> None:
        key = (title_key(record.title), record.published_at.date().isoformat())
        entries = [e for e in self._match.get(key, []) if e[1] != record.id]
        entries.append(
            ("".join(record.ministry.split()), record.id, frozenset(s.name for s in record.sources))
        )
        self._match[key] = entries
        for ref in record.sources:
            self._by_source[(ref.name, ref.id)] = record.id

    def find(self, listing: Listing) -> ReleaseRecord | None:
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
        title = title_key(listing.title)
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
            # a record that already has a portal id (as its id or a press-api reference) is not
            # joined by a listing with another portal id
            has_portal_id = is_portal_id(record_id) or PRESS_API in sources
            if listing.source in sources or (listing.news_id and has_portal_id):
                continue
            found = self.store.load(record_id)
            if found is not None:
                return found
        return None


def add_source(record: ReleaseRecord, listing: Listing) -> None:
    """Add ``listing``'s source reference to the record, once."""
    if not any(s.name == listing.source and s.id == listing.source_id for s in record.sources):
        record.sources.append(SourceRef(name=listing.source, id=listing.source_id, url=listing.url))


def is_edited(record: ReleaseRecord, listing: Listing, max_text_chars: int) -> bool:
    """Whether ``listing`` carries newer content than the record (its text capped as stored).

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
            or record.body_text != capped_fragment_text(listing.body_html, max_text_chars)[0]
            or [a.url for a in record.attachments] != [u for _, u in listing.attachments]
        )
    if "page" not in record.status:  # an API record: feeds do not override it
        return False
    # Two feeds may date one release differently: only a newer date or another title is an edit.
    newer = modified is not None and (record.modified is None or modified > record.modified)
    return newer or title_key(record.title) != title_key(listing.title)
