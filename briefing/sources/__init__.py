"""Where releases come from: the portal's Open API (:mod:`.press_api`), RSS/Atom feeds
(:mod:`.feeds`) and release pages (:mod:`.pages`).

Each kind of source is one module with a class that follows the :class:`Source` protocol: given the
HTTP client, the window and what it remembered last run, it returns a :class:`SourceRead` (the
:class:`Listing` objects it found, whether it answered, what to remember). :func:`configured_sources`
lists the sources the settings ask for; :mod:`briefing.collect` turns listings into records and
never needs to know which kind it reads. A new kind of source is a new module plus a line there.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import parse_qs, urlsplit

from briefing.errors import SourceError

if TYPE_CHECKING:
    from briefing.http import HttpClient
    from briefing.settings import Settings

__all__ = [
    "Listing",
    "Source",
    "SourceError",
    "SourceRead",
    "configured_sources",
    "news_id_from_url",
    "split_title",
]


@dataclass
class Listing:
    """One release as a source lists it, before its page and attachments are fetched."""

    source: str  # "press-api" or a feed's slug
    source_id: str  # the id the source gave (NewsItemId, guid, link)
    url: str  # the release page
    title: str  # "[부처명]" prefix already removed
    published: datetime  # aware, Korea time
    ministry: str = ""
    subtitles: list[str] = field(default_factory=list)
    modified: datetime | None = None
    body_html: str | None = None  # the API's DataContents; None when the page must be fetched
    attachments: list[tuple[str, str]] = field(default_factory=list)  # (name, url)
    news_id: str | None = None  # the portal's newsId when known

    @property
    def release_id(self) -> str:
        """The portal's id when known, else ``<source>-<id from the source>``."""
        return self.news_id or f"{self.source}-{self.source_id}"


_PREFIX = re.compile(r"^\s*[\[［【(]\s*([^\]］】)]{1,40}?)\s*[\]］】)]\s*")


def split_title(title: str) -> tuple[str, str]:
    """``"[기획재정부] 제목"`` -> ``("제목", "기획재정부")``; no prefix -> ``(title, "")``."""
    title = " ".join(unicodedata.normalize("NFC", title).split())
    match = _PREFIX.match(title)
    if match and match.end() < len(title):
        return title[match.end() :].strip(), match.group(1).strip()
    return title, ""


def news_id_from_url(url: str) -> str | None:
    """The portal's ``newsId`` in a korea.kr release URL, if any."""
    values = parse_qs(urlsplit(url).query).get("newsId")
    if values and values[0].isdigit():
        return values[0]
    return None


@dataclass
class SourceRead:
    """What one source gave in one run."""

    listings: list[Listing] = field(default_factory=list)  # inside the window
    ok: bool = False  # the source answered at least once
    items: int | None = 0  # items it listed; None: not modified since the last run
    error: str = ""  # the first failure, for health and the "nothing could be done" line
    errors: list[str] = field(default_factory=list)  # one line per failed call
    warnings: list[str] = field(default_factory=list)  # answered, with something worth a line
    remember: dict[str, Any] | None = None  # what to pass back as ``state`` next run (validators)
    missed_from: date | None = None  # first day of the window it could not read
    calls_ok: int = 0
    calls_failed: int = 0


class Source(Protocol):
    """One place releases are listed. ``kind`` groups sources in the run summary (``api``, ``feed``)."""

    name: str
    url: str
    kind: str

    def read(self, client: HttpClient, since: date, until: date, state: dict[str, Any]) -> SourceRead:
        """Listings published from ``since`` to ``until`` (Korea time, inclusive); never raises for
        source or network trouble (it is reported in the result)."""
        ...


def configured_sources(settings: Settings) -> list[Source]:
    """The sources the settings ask for, the Open API first (its content wins over a feed's)."""
    from briefing.sources.feeds import FeedSource
    from briefing.sources.press_api import PressApiSource

    sources: list[Source] = []
    if settings.service_key:
        sources.append(PressApiSource(settings.press_api, settings.service_key))
    sources.extend(FeedSource(url) for url in settings.feeds)
    return sources
