"""The sitemap and robots.txt: one index over a shard per month, so a new release rewrites only its
month's shard and the index, and no file nears the protocol's 50,000-URL cap as the archive grows."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from xml.sax.saxutils import escape as xml_escape

Urls = list[tuple[str, str | None]]  # (absolute URL, lastmod date or None)


def sitemap_shards(pages: Sequence[str], dated: Iterable[tuple[str, date, str]]) -> list[tuple[str, Urls]]:
    """(stem, urls) per sitemap file: ``pages`` (the home page, pages, categories, ministries; no
    lastmod) first, then one ``releases-YYYY-MM`` per month, newest first. ``dated`` holds
    (URL, the day that picks its month, lastmod) for releases and digests, in listing order."""
    shards: dict[str, Urls] = defaultdict(list)
    shards["pages"] = [(url, None) for url in pages]
    for url, day, lastmod in dated:
        # the month by its numbers, not strftime: 25,000 of them a build at a year
        shards[f"releases-{day.year:04d}-{day.month:02d}"].append((url, lastmod))
    return [
        (stem, shards[stem]) for stem in ["pages", *sorted((k for k in shards if k != "pages"), reverse=True)]
    ]


def latest(urls: Urls) -> str | None:
    """A shard's lastmod in the index: its newest entry's."""
    stamps = [s for _, s in urls if s]
    return max(stamps) if stamps else None


def sitemap_xml(urls: Iterable[tuple[str, str | None]]) -> str:
    """A sitemap (sitemaps.org 0.9) from (absolute URL, lastmod date or None)."""
    return _sitemaps_org("urlset", "url", urls)


def sitemap_index_xml(sitemaps: Iterable[tuple[str, str | None]]) -> str:
    """A sitemap index (sitemaps.org 0.9) from (absolute URL of a sitemap, lastmod date or None)."""
    return _sitemaps_org("sitemapindex", "sitemap", sitemaps)


def _sitemaps_org(root: str, element: str, entries: Iterable[tuple[str, str | None]]) -> str:
    """Both files have one shape: ``<root>`` holding an ``<element>`` per (loc, lastmod)."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<{root} xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    for loc, lastmod in entries:
        extra = f"<lastmod>{xml_escape(lastmod)}</lastmod>" if lastmod else ""
        lines.append(f"<{element}><loc>{xml_escape(loc)}</loc>{extra}</{element}>")
    lines.append(f"</{root}>")
    return "\n".join(lines) + "\n"


def robots_txt(sitemap_url: str) -> str:
    """robots.txt allowing everything and pointing at the sitemap."""
    return f"User-agent: *\nAllow: /\n\nSitemap: {sitemap_url}\n"
