"""Release pages as a source hands them over: main text (:mod:`briefing.extract.html`) and the
attachment links on them (finding links is the source's job; reading text is extraction's)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import unquote, urljoin, urlsplit

import lxml.html

from briefing.extract.html import capped_page_text, page_text

DOCUMENT_EXTENSIONS = (".hwp", ".hwpx", ".pdf", ".odt", ".docx")
_DOC_IN_TEXT = re.compile(r"\.(hwpx?|pdf|odt|docx)\b", re.I)
_DOWNLOAD_PATH = re.compile(r"/common/download\.do|filedown|download", re.I)


@dataclass
class PageContent:
    text: str
    attachments: list[tuple[str, str]] = field(default_factory=list)  # (name, absolute url)
    cut: str | None = None  # why the text is shorter than the page's (see extract.html.cap_text)


def read_page(html: str, url: str, max_chars: int | None = None) -> PageContent:
    """Main text and attachment links of a release page; the text capped at ``max_chars``."""
    if max_chars is None:
        return PageContent(text=page_text(html, url), attachments=find_attachment_links(html, url))
    text, cut = capped_page_text(html, url, max_chars)
    return PageContent(text=text, attachments=find_attachment_links(html, url), cut=cut)


def find_attachment_links(html: str, base_url: str) -> list[tuple[str, str]]:
    """Links that name a document (by text, href or extension) or point at a download endpoint.

    Returns ``(name, absolute_url)`` in page order, each URL once; only http(s) URLs.
    """
    try:
        root = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return []
    found: list[tuple[str, str]] = []
    seen: set[str] = set()
    for anchor in root.iter("a"):
        href = (anchor.get("href") or "").strip()
        if not href or href.startswith("#"):
            continue
        url = urljoin(base_url, href)
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or url in seen:
            continue
        label = " ".join(anchor.text_content().split())
        title = " ".join((anchor.get("title") or anchor.get("download") or "").split())
        path = unquote(parts.path).lower()
        is_document = (
            path.endswith(DOCUMENT_EXTENSIONS)
            or bool(_DOC_IN_TEXT.search(label) or _DOC_IN_TEXT.search(title))
            or bool(_DOWNLOAD_PATH.search(parts.path + "?" + parts.query))
        )
        if not is_document:
            continue
        seen.add(url)
        name = next(
            (n for n in (label, title) if _DOC_IN_TEXT.search(n)),
            unquote(parts.path.rsplit("/", 1)[-1]) if path.endswith(DOCUMENT_EXTENSIONS) else label,
        )
        found.append((name or "attachment", url))
    return found
