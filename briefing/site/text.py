"""Turning article HTML and metadata into safe pieces for templates, feeds and JSON."""

from __future__ import annotations

import html
import json
import re
from typing import Any

_TAG = re.compile(r"<[^>]*>")
_ORIGINAL = re.compile(r"<h2[^>]*\bid=\"original\"[^>]*>.*?</h2>", re.DOTALL)


def plain(value: object) -> str:
    """Text of an HTML-ish metadata value: tags dropped, entities decoded, spaces collapsed.

    Titles and summaries arrive escaped by the article writer (or not, if a writer forgot); either
    way the result is plain text that templates escape again on output (autoescape).
    """
    if value is None:
        return ""
    text = _TAG.sub("", str(value))
    return " ".join(html.unescape(text).split())


def text(value: object) -> str:
    """A plain-text metadata value (title, ministry, tag, file name): entities decoded, spaces
    collapsed, nothing removed. Templates escape it on output, so markup in it shows as text."""
    if value is None:
        return ""
    return " ".join(html.unescape(str(value)).split())


def split_original(content: str) -> tuple[str, str]:
    """Split article HTML at the ``<h2 id="original">`` heading into (summary part, original part).

    The heading comes from :func:`briefing.article.markdown.original_html` (appended at build time) or, in
    articles written before the text moved out of the Markdown, from ``## 원문 {#original}``.

    The heading itself is dropped (the theme shows its own, collapsible one). Without the heading
    everything is the summary part.
    """
    found = _ORIGINAL.search(content or "")
    if not found:
        return content or "", ""
    return content[: found.start()].rstrip(), content[found.end() :].lstrip()


def article_parts(article: Any) -> tuple[str, str]:
    """(summary HTML, original-text HTML) of a Pelican article.

    The original comes from the article's record when the ``briefing_articles`` plugin gave it a
    ``load_original`` loader (read now, not kept: callers are the few pages a rebuild renders and
    the indexes); otherwise from its HTML, for articles written with the text inline."""
    summary, original = split_original(getattr(article, "content", "") or "")
    loader = getattr(article, "load_original", None)
    if loader is not None and not original:
        _, original = split_original(loader())
    return summary, original


_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.DOTALL)


def paragraphs_text(content: str) -> str:
    """The text of the plain ``<p>`` paragraphs of ``content``, one per blank-line-separated block
    (headings and our own classed notes are left out)."""
    return "\n\n".join(filter(None, (plain(p) for p in _PARAGRAPH.findall(content or ""))))


def json_for_html(data: Any) -> str:
    """JSON that is safe inside ``<script type="application/ld+json">`` and as a static file:
    ``<``, ``>`` and ``&`` are written as ``\\u`` escapes, so ``</script>`` can never appear."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def parse_attachments(value: object) -> list[dict[str, Any]]:
    """The ``Attachments`` metadata (one line of JSON) as a list of dicts with plain-text names.

    Malformed values give an empty list rather than breaking the page.
    """
    if isinstance(value, list):
        items = value
    else:
        try:
            items = json.loads(html.unescape(str(value or "[]")))
        except ValueError:
            return []
    result = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        size = item.get("size")
        url = str(item.get("url") or "")
        result.append(
            {
                "name": text(item.get("name")) or "첨부파일",
                "type": plain(item.get("type")) or "other",
                "size": size if isinstance(size, int) and size >= 0 else None,
                "url": url if url.startswith(("https://", "http://")) else "",
                "error": plain(item.get("error")) or None,
            }
        )
    return result


def file_size(size: int | None) -> str:
    """Human-readable size in Korean UI style: ``532 KB``, ``1.4 MB``."""
    if size is None:
        return "크기 모름"
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def korean_datetime(value: object) -> str:
    """An ISO 8601 time from metadata as readers write it in Korea time ("2026년 12월 3일 04:34");
    text that is not such a time comes back as plain text."""
    from datetime import datetime

    from briefing.records import KST

    raw = plain(value)
    try:
        when = datetime.fromisoformat(raw)
    except ValueError:
        return raw
    if when.tzinfo is not None:
        when = when.astimezone(KST)
    return f"{when.year}년 {when.month}월 {when.day}일 {when:%H:%M}"


def safe_url(value: object) -> str:
    """An http(s) URL from metadata, or empty (no ``javascript:`` links from feeds)."""
    url = str(value or "").strip()
    return url if url.startswith(("https://", "http://")) else ""


_H2 = re.compile(r"<h2[^>]*>(.*?)</h2>", re.DOTALL)
_LI = re.compile(r"<li[^>]*>(.*?)</li>", re.DOTALL)


def summary_sections(summary_html: str) -> dict[str, str | list[str]]:
    """The summary part's sections as plain text by heading; list sections (주요 내용) as lists."""
    found = list(_H2.finditer(summary_html or ""))
    sections: dict[str, str | list[str]] = {}
    for n, match in enumerate(found):
        end = found[n + 1].start() if n + 1 < len(found) else len(summary_html)
        body = summary_html[match.end() : end]
        items = [plain(li) for li in _LI.findall(body)]
        sections[plain(match.group(1))] = items if items else plain(body)
    return sections
