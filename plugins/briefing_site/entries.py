"""A release as the site's files other than its page show it: the JSON record, the feed entry and
the original text; and a day's digest as one feed entry. All are made from the stored summary and
record (``article.briefing_view``), never from the rendered HTML."""

from __future__ import annotations

from typing import Any

from briefing.article.original import original_html
from briefing.article.view import ReleaseView
from briefing.site.archives import Digest
from briefing.site.feeds import FeedEntry, digest_html, entry_html
from briefing.site.text import plain, safe_url, text

from .templates import category_of


def absolute(settings: dict, url: str) -> str:
    """``url`` under FEED_DOMAIN or SITEURL; root-relative when neither is set."""
    base = (settings.get("FEED_DOMAIN") or settings.get("SITEURL") or "").rstrip("/")
    return f"{base}/{url}" if base else f"/{url}"


def original_text(article, view: ReleaseView) -> str:
    """The release's original text as HTML, every passage with ``id="ev-<passage id>"``."""
    return original_html(view, safe_url(getattr(article, "source", "")))


def _sections(article) -> dict[str, str | list[str]]:
    """The summary sections by heading, from the stored summary (lists for 주요 내용)."""
    view: ReleaseView | None = getattr(article, "briefing_view", None)
    return dict(view.sections()) if view is not None else {}


def article_record(article) -> dict[str, Any]:
    """``releases/YYYY/MM/<id>.json``: the release's metadata and summary as plain text."""
    category = category_of(getattr(article, "category", None))
    return {
        "id": getattr(article, "slug", ""),
        "title": text(article.title),
        "date": article.date.isoformat(),
        "category": category.name if category else plain(getattr(article, "category", "")),
        "category_slug": category.slug if category else "",
        "ministry": article.ministry_name,
        "tags": [text(t.name) for t in getattr(article, "tags", [])],
        "url": article.href,
        "source": safe_url(getattr(article, "original_url", "") or getattr(article, "source", "")),
        "summary": plain(getattr(article, "summary", "")),
        "summary_kind": plain(getattr(article, "summary_kind", "")),
        "faithfulness": plain(getattr(article, "faithfulness", "")),
        "sections": _sections(article),
    }


def feed_entry(article, settings: dict) -> FeedEntry:
    """A release in a feed: its summary, key points and links, with a notice when flagged."""
    record = article_record(article)
    link = absolute(settings, article.href)
    points = record["sections"].get("주요 내용")
    flagged = record["faithfulness"].startswith("flagged")
    notice = "원문에서 확인되지 않은 내용이 있어 표시했습니다." if flagged else ""
    modified = getattr(article, "modified", None) or article.date
    return FeedEntry(
        title=record["title"],
        link=link,
        unique_id=link,
        published=article.date,
        updated=modified,
        content_html=entry_html(
            record["summary"], points if isinstance(points, list) else [], link, record["source"], notice
        ),
        description=record["summary"],
        categories=[record["category"]] if record["category"] else [],
    )


def digest_entry(digest: Digest, settings: dict) -> FeedEntry:
    """A daily digest as one feed entry: the day's releases by category, with links."""
    link = absolute(settings, digest.url)
    groups = [
        (
            c.label,
            [(text(a.title), absolute(settings, a.href), plain(getattr(a, "summary", ""))) for a in rows],
        )
        for c, rows in digest.groups
    ]
    stamp = max(a.date for a in digest.articles)
    return FeedEntry(
        title=f"{digest.title} ({len(digest.articles)}건)",
        link=link,
        unique_id=link,
        published=stamp,
        updated=stamp,
        content_html=digest_html(groups),
        description=f"{digest.title}: {len(digest.articles)}건",
        categories=[c.name for c, _ in digest.groups],
    )
