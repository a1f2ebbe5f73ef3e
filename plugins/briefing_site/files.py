"""The site's files that are not pages: each release's JSON and original text, the sitemap and
robots.txt. Each is written only when its release (or its month, for a sitemap shard) changed."""

from __future__ import annotations

from pathlib import Path

from briefing.article.view import forget_source
from briefing.site.fingerprints import release_file_mark, text_mark
from briefing.site.output import write_gzip_output, write_output
from briefing.site.sitemap import latest, robots_txt, sitemap_index_xml, sitemap_shards, sitemap_xml
from briefing.site.text import json_for_html

from .entries import absolute, article_record, original_text
from .writer import base_of, unchanged


def write_article_json(generator, writer) -> None:
    """``releases/YYYY/MM/<id>.json`` per release (unless ARTICLE_JSON is off)."""
    if not generator.settings.get("ARTICLE_JSON", True):
        return
    output = Path(generator.output_path)
    for article in generator.articles:
        name = article.save_as.rsplit("/", 1)[0] + ".json"  # releases/YYYY/MM/<id>.json
        if unchanged(writer, name, release_file_mark(base_of(writer), article.briefing_digest)):
            continue
        write_output(output / name, json_for_html(article_record(article)) + "\n")
        forget_source(getattr(article, "briefing_view", None))


def write_originals(generator, writer) -> None:
    """Original texts: written once per release, compressed; the page fetches it when opened."""
    output = Path(generator.output_path)
    for article in generator.articles:
        name = getattr(article, "original_href", "")
        if not name or unchanged(writer, name, release_file_mark(base_of(writer), article.briefing_digest)):
            continue
        view = getattr(article, "briefing_view", None)
        if view is not None:
            write_gzip_output(output / name, original_text(article, view))
            forget_source(view)


def write_sitemaps(generator, writer) -> None:
    """``sitemap.xml`` as a sitemap index over ``sitemaps/pages.xml`` (home, pages, categories,
    ministries) and one ``sitemaps/releases-YYYY-MM.xml`` per month (its releases and digests),
    then ``robots.txt`` pointing at it.

    An unchanged shard is neither rewritten nor read again (its fingerprint is the writer's).
    Absolute URLs need SITEURL; relative ones are still listed."""
    settings, context = generator.settings, generator.context
    output = Path(generator.output_path)
    pages = [
        "",
        *(p.url for p in context.get("pages", [])),
        *(c.url for c, _ in generator.categories),
        *(m.url for m in context["ministries"]),
    ]
    dated = [
        (a.href, a.date, (getattr(a, "modified", None) or a.date).date().isoformat())
        for a in generator.articles
    ]
    dated += [(d.url, d.date, d.date.isoformat()) for d in context["digests"]]
    index = []
    for stem, urls in sitemap_shards(
        [absolute(settings, url) for url in pages],
        [(absolute(settings, url), day, stamp) for url, day, stamp in dated],
    ):
        name = f"sitemaps/{stem}.xml"
        index.append((absolute(settings, name), latest(urls)))
        # the shard's entries are its whole input: its XML is made only when they changed
        if not unchanged(writer, name, text_mark(base_of(writer), repr(urls))):
            write_output(output / name, sitemap_xml(urls))
    write_output(output / "sitemap.xml", sitemap_index_xml(index))
    write_output(output / "robots.txt", robots_txt(absolute(settings, "sitemap.xml")))
