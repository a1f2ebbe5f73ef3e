"""Feed entries as plain data and text.

The plugin hands these to ``feedgenerator``; keeping the content rules here makes them testable
without a build: each entry carries the summary as its content, the category, a link to our page
and one to the portal's release page.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from html import escape


@dataclass
class FeedEntry:
    title: str  # plain text
    link: str  # our page, absolute when SITEURL is set
    unique_id: str
    published: datetime
    updated: datetime
    content_html: str  # summary as HTML (escaped here)
    description: str  # plain-text key summary
    categories: list[str] = field(default_factory=list)


def entry_html(summary: str, points: Sequence[str], page_url: str, portal_url: str, notice: str = "") -> str:
    """HTML body of a feed entry from plain text: summary, key points, links to our page and portal."""
    parts = [f"<p>{escape(summary)}</p>"] if summary else []
    if notice:
        parts.append(f"<p><strong>{escape(notice)}</strong></p>")
    if points:
        parts.append("<ul>" + "".join(f"<li>{escape(p)}</li>" for p in points) + "</ul>")
    links = [f'<a href="{escape(page_url)}">요약 전체 보기</a>']
    if portal_url:
        links.append(f'<a href="{escape(portal_url)}">원문 보기 (정책브리핑)</a>')
    parts.append("<p>" + " · ".join(links) + "</p>")
    return "".join(parts)


def feed_title(title: str, kind: str) -> str:
    """An entry title for ``kind`` ("atom" or "rss"). Atom titles are declared text; RSS titles are
    read as HTML by many readers when they look like markup, so ``<`` and ``>`` are escaped there
    (``&`` is left alone: an entity in the text still shows as text, never as an element)."""
    if kind == "rss":
        return title.replace("<", "&lt;").replace(">", "&gt;")
    return title


def digest_html(groups: Iterable[tuple[str, Sequence[tuple[str, str, str]]]]) -> str:
    """HTML of a daily digest: per category label, a list of (title, url, summary)."""
    parts = []
    for label, rows in groups:
        parts.append(f"<h2>{escape(label)}</h2><ul>")
        for title, url, summary in rows:
            tail = f" — {escape(summary)}" if summary else ""
            parts.append(f'<li><a href="{escape(url)}">{escape(title)}</a>{tail}</li>')
        parts.append("</ul>")
    return "".join(parts)
