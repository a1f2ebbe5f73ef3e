"""What the plugin sets on the articles and the generator before anything is written
(``article_generator_finalized``): links and views, tag pages, related releases, archives."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from pathlib import Path

from markupsafe import Markup

from briefing.article.view import forget_source, view_for
from briefing.categories import BY_NAME
from briefing.records import KST
from briefing.site.archives import digests, ministries, months
from briefing.site.fingerprints import source_digest
from briefing.site.listing import Members, category_counts, ministry_slug, with_page
from briefing.site.related import Item, related_cached
from briefing.site.text import text

from .entries import original_text


def _original_name(article) -> str:
    """``releases/YYYY/MM/<id>.original.html.gz`` for an article saved as ``…/<id>/index.html``."""
    return article.save_as.rsplit("/", 1)[0] + ".original.html.gz"


def link_articles(articles: list, data_dir: Path, separate_originals: bool) -> None:
    """Neighbours, ministry, stored view, original text and source digest of every article
    (``articles`` newest first, as ARTICLE_ORDER_BY = reversed-date gives them)."""
    names: dict[str, tuple[str, str]] = {}  # a few hundred ministries for every release
    for n, article in enumerate(articles):
        article.href = article.url  # pinned once by briefing_articles.pin_urls for a release
        article.newer = articles[n - 1] if n > 0 else None
        article.older = articles[n + 1] if n + 1 < len(articles) else None
        raw = getattr(article, "ministry", "")
        if raw not in names:
            name = text(raw)
            names[raw] = (name, ministry_slug(name) if name else "")
        article.ministry_name, article.ministry_slug = names[raw]
        ours = "source_hash" in article.metadata  # a hand-written article keeps its own body
        view = view_for(data_dir, article.relative_source_path) if ours else None
        article.briefing_view = view
        article.has_original = view is not None
        article.original_href = _original_name(article) if separate_originals and view is not None else ""
        article.original_inline = ""
        if view is not None and not separate_originals:
            article.original_inline = Markup(original_text(article, view))
            forget_source(view)
    for article in articles:  # stand_ins.put_back hashed the files it planned with
        if "briefing_digest" not in article.__dict__:
            article.briefing_digest = source_digest(article.source_path)


def limit_taxonomies(generator, minimum: int) -> None:
    """Tag pages only for tags shared by ``minimum`` releases, and no quadratic scans in Pelican.

    One-off tags would add a page (and a listing to keep current) per release for years; on
    articles they show as plain text. The tag pages are written by this plugin (``pages.py``), not
    by Pelican's generate_tags: that one builds each tag's date list by scanning every release
    (``[a for a in self.dates if a in articles]``), tags x releases, tens of seconds at a year of
    releases; there is no setting or signal to hand it the lists. With an empty mapping it writes
    nothing and scans nothing.
    """
    tag_pages = with_page(generator.tags, minimum)
    generator.context["tags"] = list(tag_pages.items())  # the tag index lists only those
    generator.context["briefing_tag_pages"] = tag_pages
    generator.tags = defaultdict(list)
    linked: dict[int, list[str]] = defaultdict(list)  # by article: the slugs of its tags with a page
    for tag, rows in tag_pages.items():
        slug = tag.slug  # a property: once per tag, not once per release
        for article in rows:
            linked[id(article)].append(slug)
    none: frozenset[str] = frozenset()
    for article in generator.articles:
        slugs = linked.get(id(article))
        article.linked_tags = frozenset(slugs) if slugs else none
    generator.categories = [(category, Members(rows)) for category, rows in generator.categories]
    # every release has the site's AUTHOR: Pelican's generate_authors scans the releases once per
    # release of that author (releases squared: seconds at a year) even though AUTHOR_SAVE_AS is ""
    generator.authors = [(author, Members(rows)) for author, rows in generator.authors]


def link_related(articles: list, count: int, cache: Path) -> None:
    """``article.related``: up to ``count`` earlier releases, reusing the last build's results."""
    by_key = {a.source_path: a for a in articles}
    items = [
        Item(a.source_path, a.date, tuple([t.name for t in getattr(a, "tags", ())]), a.ministry_name)
        for a in articles
    ]
    for key, keys in related_cached(items, count, cache).items():
        by_key[key].related = [by_key[k] for k in keys]


def archive_context(articles: list, dates: list, settings: dict) -> dict:
    """Month and ministry archives, daily digests and the home page's figures, for every template
    (``dates``: the releases by date, newest first, as Pelican's ``generator.dates``)."""
    days = digests(articles, settings)
    latest = days[0] if days else None
    return {
        "period_archives": {"month": months(dates, articles, settings)},
        "ministries": ministries(articles, settings),
        "digests": days,
        "latest_digest": latest,
        "latest_counts": category_counts(
            str(getattr(a, "category", "")) for a in (latest.articles if latest else [])
        ),
        "today": datetime.now(KST).date(),  # "오늘" on the home page; part of its fingerprint
        "category_info": BY_NAME,
    }
