"""Where releases come from: the portal's Open API (:mod:`.press_api`), RSS/Atom feeds
(:mod:`.feeds`) and release pages (:mod:`.pages`). Each source turns what it reads into
:class:`Listing` objects; :mod:`briefing.collect` turns listings into records."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import parse_qs, urlsplit


class SourceError(Exception):
    """A source answered, but not with anything usable (bad key, error body, not a feed...)."""


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
