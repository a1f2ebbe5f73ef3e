"""Turning article HTML and metadata into safe pieces for templates, feeds and JSON."""

from __future__ import annotations

import html
import json
import re
from typing import Any

_TAG = re.compile(r"<[^>]*>")


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
