"""RSS/Atom feeds (ministries' own press-release feeds and any a user adds), read with feedparser.

A dead feed often still answers: an HTML 404 page with status 200, or an empty document. feedparser
turns both into "a feed with no entries", which is how collectors go silent for weeks, so such
answers are errors here, not empty feeds.
"""

from __future__ import annotations

import calendar
import hashlib
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from urllib.parse import parse_qsl, urlsplit

import feedparser

from briefing.http import FetchError, HttpClient
from briefing.records import KST, safe_id
from briefing.sources import Listing, SourceError, SourceRead, news_id_from_url, split_title

DOCUMENT_TYPES = (".hwp", ".hwpx", ".pdf", ".odt", ".docx")


@dataclass
class FeedResult:
    """What one read of a feed gave: its listings, or "not modified" (HTTP 304)."""

    name: str
    listings: list[Listing] = field(default_factory=list)
    not_modified: bool = False
    etag: str | None = None
    last_modified: str | None = None
    title: str = ""
    warning: str = ""  # e.g. a malformed feed whose items could still be read


def feed_name(url: str) -> str:
    """A stable, readable source name for a feed URL: its host plus a short hash of the URL."""
    host = urlsplit(url).netloc.lower().removeprefix("www.")
    digest = hashlib.sha1(url.encode("utf-8")).hexdigest()[:6]
    return safe_id(f"{host}-{digest}")


def read_feed(
    client: HttpClient, url: str, *, etag: str | None = None, last_modified: str | None = None
) -> FeedResult:
    """Fetch and parse a feed (conditional GET). Raises :class:`SourceError` or ``FetchError``."""
    name = feed_name(url)
    fetched = client.get(url, etag=etag, last_modified=last_modified)
    if fetched.not_modified:
        return FeedResult(name=name, not_modified=True, etag=etag, last_modified=last_modified)
    result = parse_feed(fetched.content, url, name=name, content_type=fetched.content_type)
    result.etag = fetched.headers.get("etag")
    result.last_modified = fetched.headers.get("last-modified")
    return result


def parse_feed(data: bytes, url: str, *, name: str | None = None, content_type: str = "") -> FeedResult:
    """Listings from a feed document; raises :class:`SourceError` when it is not a usable feed."""
    name = name or feed_name(url)
    if not data.strip():
        raise SourceError(f"feed {url} answered an empty document")
    parsed = feedparser.parse(data)
    if not parsed.entries:
        if not parsed.version:
            looks_html = "html" in content_type or re.search(rb"<html|<!doctype html", data[:2048], re.I)
            what = "an HTML page" if looks_html else "something that is not RSS/Atom"
            raise SourceError(f"feed {url} answered {what}, not a feed (dead or moved?)")
        if parsed.bozo:
            raise SourceError(f"feed {url} is malformed: {_reason(parsed)}")
    feed_title = " ".join(str(parsed.feed.get("title", "")).split())
    ministry = _ministry_from_feed_title(feed_title)
    listings: list[Listing] = []
    seen: set[str] = set()
    for entry in parsed.entries:
        listing = _listing(entry, name, ministry)
        if listing is None or listing.release_id in seen:  # the same item twice in one feed
            continue
        seen.add(listing.release_id)
        listings.append(listing)
    warning = ""
    if parsed.bozo:
        if not listings:
            raise SourceError(f"feed {url} is malformed: {_reason(parsed)}")
        warning = f"feed {url} is malformed ({_reason(parsed)}); {len(listings)} items recovered"
    return FeedResult(name=name, listings=listings, title=feed_title, warning=warning)


def _reason(parsed: feedparser.FeedParserDict) -> str:
    exc = parsed.get("bozo_exception")
    return " ".join(str(exc).split())[:160] if exc else "unparseable"


def _ministry_from_feed_title(title: str) -> str:
    # "국토교통부 보도자료" -> "국토교통부"
    first = title.split(" ")[0] if title else ""
    return first if re.search(r"(부|처|청|원|위원회|실|본부)$", first) else ""


def _listing(entry: feedparser.FeedParserDict, source: str, feed_ministry: str) -> Listing | None:
    link = str(entry.get("link", "")).strip()
    guid = str(entry.get("id", "") or link).strip()
    raw_title = str(entry.get("title", "")).strip()
    if not (link or guid) or not raw_title:
        return None
    title, prefix = split_title(raw_title)
    # dict.get: feedparser's own .get maps a missing "updated" to "published" with a warning
    updated = _when(dict.get(entry, "updated_parsed"))
    published = _when(entry.get("published_parsed")) or updated
    attachments = [
        (enc.get("title") or enc.get("href", "").rsplit("/", 1)[-1], enc["href"])
        for enc in entry.get("enclosures", [])
        if enc.get("href") and urlsplit(enc["href"]).path.lower().endswith(DOCUMENT_TYPES)
    ]
    author = " ".join(str(entry.get("author", "")).split())
    return Listing(
        source=source,
        source_id=_id_from_guid(guid),
        url=link or guid,
        title=title,
        published=published or datetime.now(KST).replace(microsecond=0),
        ministry=prefix or feed_ministry or author,
        modified=updated if updated and updated != published else None,
        attachments=attachments,
        news_id=news_id_from_url(link) or news_id_from_url(guid),
    )


def _when(parsed: time.struct_time | None) -> datetime | None:
    if not parsed:
        return None
    return datetime.fromtimestamp(calendar.timegm(parsed), UTC).astimezone(KST)


def _id_from_guid(guid: str) -> str:
    """A short id from a feed guid: numbers in a URL's query or path when there are some."""
    if re.fullmatch(r"[A-Za-z0-9_-]{1,60}", guid):
        return guid
    parts = urlsplit(guid)
    if parts.scheme in ("http", "https"):
        numbers = [v for _, v in parse_qsl(parts.query) if v.isdigit()]
        numbers = numbers or re.findall(r"\d{3,}", parts.path)
        if numbers:
            return "-".join(numbers[-2:])
    return hashlib.sha1(guid.encode("utf-8")).hexdigest()[:16]


class FeedSource:
    """One RSS/Atom feed as a :class:`~briefing.sources.Source`, asked with its validators (ETag,
    Last-Modified) from the last run unless the window starts before what they cover."""

    kind = "feed"

    def __init__(self, url: str) -> None:
        self.url = url
        self.name = feed_name(url)

    def read(self, client: HttpClient, since: date, until: date, state: dict) -> SourceRead:
        cached = state if state.get("since", "") <= since.isoformat() else {}  # a backfill: ask afresh
        try:
            found = read_feed(
                client, self.url, etag=cached.get("etag"), last_modified=cached.get("last_modified")
            )
        except (SourceError, FetchError) as exc:
            return SourceRead(
                error=str(exc), errors=[f"feed {self.url}: {exc}"], remember=cached or None, calls_failed=1
            )
        start = datetime.combine(since, datetime.min.time(), KST)
        end = datetime.combine(until + timedelta(days=1), datetime.min.time(), KST)
        remember = (
            cached
            if found.not_modified
            else {
                "url": self.url,
                "etag": found.etag,
                "last_modified": found.last_modified,
                "since": str(since),
            }
        )
        return SourceRead(
            listings=[item for item in found.listings if start <= item.published < end],
            ok=True,
            items=None if found.not_modified else len(found.listings),
            warnings=[found.warning] if found.warning else [],
            remember=remember,
            calls_ok=1,
        )
