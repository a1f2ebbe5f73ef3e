"""Chat documents: what the chat index knows of a release, from its record, or its record and stored
summary (:mod:`briefing.article.view`; never from the rendered article).

Read by :mod:`briefing.chat.index_build` (and re-exported there, where the plugin and tests import
them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from briefing.records import ReleaseRecord, safe_id

if TYPE_CHECKING:  # the view (faithfulness, summaries) is build-time code
    from briefing.article.view import ReleaseView


@dataclass
class ChatDocument:
    """What the chat knows about one release: metadata, summary sections and original text."""

    id: str
    title: str
    date: str  # YYYY-MM-DD (Korea time)
    url: str  # our article URL, relative to the site root (releases/YYYY/MM/<id>/)
    ministry: str = ""
    source_url: str = ""  # the release on the portal
    summary: str = ""
    sections: list[tuple[str, str]] = field(default_factory=list)  # (heading, text)
    original: str = ""


# --- documents from records and articles ---------------------------------------------------------


def article_url(release_id: str, date: str) -> str:
    """Our article URL for a release published on ``date`` (YYYY-MM-DD), relative to the site root."""
    return f"releases/{date[:4]}/{date[5:7]}/{safe_id(release_id)}/"


def document_from_record(record: ReleaseRecord) -> ChatDocument:
    """A chat document from a record alone (no summary yet): title, subtitles and original text."""
    date = record.published_at.date().isoformat()
    parts = [record.body_text] + [a.text for a in record.attachments if a.text]
    return ChatDocument(
        id=record.id,
        title=record.title,
        date=date,
        url=article_url(record.id, date),
        ministry=record.ministry,
        source_url=record.url,
        summary=" ".join(record.subtitles),
        original="\n\n".join(p for p in parts if p.strip()),
    )


def document_from_view(
    view: ReleaseView,
    *,
    id: str,
    title: str,
    date: str,
    url: str,
    ministry: str = "",
    source_url: str = "",
    summary: str = "",
) -> ChatDocument:
    """A chat document from a release's view: summary sections from the stored summary, original
    text from the record (never parsed back from the rendered article). The record's title and
    ministry, when there is a record, are the plain text; the arguments are the fallback."""
    record = view.record
    return ChatDocument(
        id=id,
        title=record.title if record else title,
        date=date,
        url=url,
        ministry=record.ministry if record else ministry,
        source_url=source_url or (record.url if record else ""),
        summary=view.key_summary or summary,
        sections=view.section_texts(),
        original=view.original_text(),
    )
