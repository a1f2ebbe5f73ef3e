"""The record of one press release: what was fetched, from where, and how each step went.

A record is ``DATA_DIR/releases/YYYY/MM/<id>.json`` (see :mod:`briefing.store`). It keeps the
extracted text of the page and of every attachment, never the binaries. Everything downstream
(summaries, site, search, chat) reads records only through this module.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Literal

KST = timezone(timedelta(hours=9), "KST")

AttachmentType = Literal["pdf", "hwp", "hwpx", "other"]
StepState = Literal["ok", "failed", "pending"]

_SAFE_ID = re.compile(r"[^A-Za-z0-9_-]+")


def safe_id(raw: str) -> str:
    """A release id usable as a file name and URL slug (ASCII letters, digits, ``-`` and ``_``)."""
    cleaned = _SAFE_ID.sub("-", raw.strip()).strip("-_")
    if not cleaned:
        raise ValueError(f"release id {raw!r} has no usable characters")
    return cleaned[:120]


def now_kst() -> str:
    return datetime.now(KST).replace(microsecond=0).isoformat()


@dataclass
class SourceRef:
    """One place that listed the release: the Open API or a feed."""

    name: str  # "press-api" or the feed's slug
    id: str  # the id the source gave (NewsItemId, guid, link)
    url: str


@dataclass
class Attachment:
    name: str
    url: str
    type: AttachmentType = "other"
    size: int | None = None
    sha256: str | None = None
    text: str = ""
    error: str | None = None  # null or a short reason such as "encrypted: password required"
    extracted_with: str | None = None  # e.g. "pypdf 5.1.0"


@dataclass
class StepStatus:
    state: StepState = "pending"
    reason: str | None = None
    attempts: int = 0
    next_retry: str | None = None  # ISO 8601; failed steps are retried after this time
    updated_at: str | None = None


@dataclass
class ReleaseRecord:
    id: str
    url: str
    title: str
    published: str  # ISO 8601 with +09:00
    ministry: str = ""
    subtitles: list[str] = field(default_factory=list)
    modified: str | None = None
    sources: list[SourceRef] = field(default_factory=list)
    body_text: str = ""
    attachments: list[Attachment] = field(default_factory=list)
    fetched_at: str | None = None
    # per step ("page", "attachments", ...): ok | failed with reason, attempts, next retry
    status: dict[str, StepStatus] = field(default_factory=dict)

    @property
    def published_at(self) -> datetime:
        return datetime.fromisoformat(self.published).astimezone(KST)

    @property
    def relpath(self) -> str:
        """``YYYY/MM/<id>.json``: year and month of publication in Korea time."""
        when = self.published_at
        return f"{when:%Y}/{when:%m}/{safe_id(self.id)}.json"

    def source_hash(self) -> str:
        """Hash of everything a summary is made from; changes when the release's content changes."""
        digest = hashlib.sha256()
        for part in (self.title, self.ministry, self.published, *self.subtitles, self.body_text):
            digest.update(part.encode("utf-8"))
            digest.update(b"\x00")
        for att in self.attachments:
            digest.update(f"{att.name}\x00{att.sha256}\x00{att.text}\x00".encode())
        return digest.hexdigest()

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_json(self) -> str:
        """Stable serialisation: same record, same bytes."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=1, sort_keys=True) + "\n"

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ReleaseRecord:
        return cls(
            id=data["id"],
            url=data["url"],
            title=data["title"],
            published=data["published"],
            ministry=data.get("ministry", ""),
            subtitles=list(data.get("subtitles", [])),
            modified=data.get("modified"),
            sources=[SourceRef(**s) for s in data.get("sources", [])],
            body_text=data.get("body_text", ""),
            attachments=[Attachment(**a) for a in data.get("attachments", [])],
            fetched_at=data.get("fetched_at"),
            status={k: StepStatus(**v) for k, v in data.get("status", {}).items()},
        )

    @classmethod
    def from_json(cls, text: str) -> ReleaseRecord:
        return cls.from_dict(json.loads(text))
