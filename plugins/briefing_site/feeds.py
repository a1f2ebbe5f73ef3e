"""Atom and RSS feeds: all releases, per category, per ministry and the daily digests.

Written with ``feedgenerator`` (Pelican's own dependency) from :class:`briefing.site.feeds.FeedEntry`;
a feed whose releases did not change since the last build is not made again.
"""

from __future__ import annotations

import html
from pathlib import Path

from feedgenerator import Atom1Feed, Rss201rev2Feed

from briefing.site.feeds import FeedEntry, feed_title
from briefing.site.fingerprints import listed_mark
from briefing.site.output import write_output
from briefing.site.text import plain

from .entries import absolute, digest_entry, feed_entry
from .writer import base_of, unchanged


def write_feed_pair(
    settings: dict, output: Path, stem: str, title: str, page_url: str, entries: list[FeedEntry]
) -> None:
    """``feeds/<stem>.atom.xml`` and ``.rss.xml`` with the given entries (already newest first)."""
    for kind, cls in (("atom", Atom1Feed), ("rss", Rss201rev2Feed)):
        feed_url = absolute(settings, f"feeds/{stem}.{kind}.xml")
        feed = cls(
            title=f"{title} — {settings['SITENAME']}",
            link=absolute(settings, page_url),
            description=settings.get("SITESUBTITLE", ""),
            feed_url=feed_url,
            language="ko",
            feed_guid=feed_url,
        )
        for e in entries:
            feed.add_item(
                title=feed_title(e.title, kind),
                link=e.link,
                unique_id=e.unique_id,
                # Atom <summary type="html"> is HTML: the plain-text summary is escaped for it
                description=e.content_html if kind == "rss" else html.escape(e.description, quote=False),
                content=e.content_html if kind == "atom" else None,
                categories=e.categories,
                author_name=settings["SITENAME"],
                pubdate=e.published,
                updateddate=e.updated,
            )
        write_output(output / "feeds" / f"{stem}.{kind}.xml", feed.writeString("utf-8"))


def write_feeds(generator, writer) -> None:
    """Every feed pair of the site (unless SITE_FEEDS is off), ``FEED_MAX_ITEMS`` entries each."""
    settings, context = generator.settings, generator.context
    if not settings.get("SITE_FEEDS", True):
        return
    output = Path(generator.output_path)
    limit = settings.get("FEED_MAX_ITEMS") or 50
    memo: dict[str, FeedEntry] = {}

    def entries(rows: list) -> list[FeedEntry]:  # built only for articles that appear in a feed
        for a in rows:
            if a.source_path not in memo:
                memo[a.source_path] = feed_entry(a, settings)
        return [memo[a.source_path] for a in rows]

    def feed(stem: str, title: str, page_url: str, rows: list, build=None) -> None:
        """Write one feed pair unless its releases are the same as last time."""
        mark = listed_mark(base_of(writer), f"{stem}\x00{limit}", (a.briefing_digest for a in rows))
        # both files are recorded, so a feed that is no longer made (a ministry gone from a
        # narrower year window) loses its RSS file as well as its Atom file
        names = (f"feeds/{stem}.atom.xml", f"feeds/{stem}.rss.xml")
        if all([unchanged(writer, name, mark) for name in names]):
            return
        write_feed_pair(settings, output, stem, title, page_url, build() if build else entries(rows))

    feed("all", "전체 보도자료", "", generator.articles[:limit])
    for category, rows in generator.categories:
        feed(category.slug, plain(category.name), category.url, rows[:limit])
    for ministry in context["ministries"]:
        feed(f"ministry/{ministry.slug}", ministry.name, ministry.url, ministry.articles[:limit])
    days = context["digests"][:limit]
    feed(
        "digest",
        "일일 요약",
        settings["DIGESTS_URL"],
        [a for d in days for a in d.articles],
        build=lambda: [digest_entry(d, settings) for d in days],
    )
