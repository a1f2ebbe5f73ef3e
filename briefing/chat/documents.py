"""Chat documents: what the chat index knows of a release, from its record or its article.

Read by :mod:`briefing.chat.index_build` (and re-exported there, where the plugin and tests import
them).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from briefing.records import ReleaseRecord, safe_id


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


_HEADING = re.compile(r"^(#{2,3})\s+(.+?)\s*(\{#[^}]*\})?\s*$", re.MULTILINE)


def document_from_markdown(
    body: str,
    *,
    id: str,
    title: str,
    date: str,
    url: str,
    ministry: str = "",
    source_url: str = "",
    summary: str = "",
) -> ChatDocument:
    """A chat document from an article's Markdown body (the article contract's ``##`` sections).

    Sections before ``## 원문`` are summary sections; everything under ``## 원문`` (its ``###``
    sub-parts: page text and each attachment) is original text.
    """
    sections: list[tuple[str, str]] = []
    original: list[str] = []
    in_original = False
    matches = list(_HEADING.finditer(body))
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(body)
        heading = _unescape_markdown(match.group(2))
        text = _unescape_markdown(body[match.end() : end]).strip()
        if match.group(1) == "##":
            in_original = heading.startswith("원문")
            if not in_original and text:
                sections.append((heading, text))
        elif in_original and text:
            original.append(text)
        elif text:
            sections.append((heading, text))
    return ChatDocument(
        id=id,
        title=title,
        date=date,
        url=url,
        ministry=ministry,
        source_url=source_url,
        summary=summary,
        sections=sections,
        original="\n\n".join(original),
    )


_OUR_MARKUP = re.compile(r"(?<!\\)<[^>]*>")
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!<>|~])")


def _unescape_markdown(text: str) -> str:
    """Plain text of an article body fragment: the inverse of ``briefing.article.markdown.escape_block``.

    The writer turns every character of source text that Markdown or HTML would read into a
    character reference (``&#124;``, ``&lt;``…), so any bare ``<…>`` left is our own markup (the
    faithfulness ``<mark>``, the label paragraph): drop it, then undo Markdown backslash escapes
    (hand-written articles use them) and decode the references.
    """
    return html.unescape(_MD_ESCAPE.sub(r"\1", _OUR_MARKUP.sub("", text)))
