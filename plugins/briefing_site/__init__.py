"""Pelican plugin for the briefing site: the pages and files Pelican does not make by itself.

- Jinja filters/globals for the theme (category emoji and slug, plain text).
- Previous/next and related releases on each article.
- Archives per ministry (with an index and counts) and daily digest pages.
- Atom and RSS feeds: all releases, per category, per ministry, daily digests.
- Per-article JSON (``releases/YYYY/MM/<id>.json``), ``sitemap.xml`` and ``robots.txt``.
- Each release's original text as ``releases/YYYY/MM/<id>.original.html.gz`` (fetched by the
  article page's ``original.js`` when the reader opens it), instead of inlined in every page; every
  passage carries ``id="ev-<passage id>"``, the target of the summary's claim marks.
- Every article gets ``briefing_view`` (record + stored summary, :mod:`briefing.article.view`): the
  article JSON, feeds and original text are made from it, never from the rendered HTML.
- Share-card images (``images/cards/<category>.png``) for link previews.
- Tag pages only for tags used by at least ``TAG_MIN_ARTICLES`` releases.
- On rebuilds, article pages whose inputs did not change are not rendered again.

Thin by design: the rules live in ``briefing.site``; this module wires them to Pelican's signals.

It is one piece for now: the feed and page handlers are split into modules once the hardening and polish changes to them have landed.
"""

from __future__ import annotations

import hashlib
import html
import logging
import pickle
from collections import defaultdict
from datetime import date, datetime
from pathlib import Path
from typing import Any

from feedgenerator import Atom1Feed, Rss201rev2Feed
from jinja2 import FileSystemBytecodeCache
from markupsafe import Markup
from pelican import signals

from briefing.article.original import original_html
from briefing.article.view import ReleaseView, forget_source, view_for
from briefing.categories import BY_NAME, CATEGORIES, find_category
from briefing.records import KST
from briefing.site.cards import site_cards, write_cards
from briefing.site.csp import policy as csp_policy
from briefing.site.feeds import (
    FeedEntry,
    digest_html,
    entry_html,
    feed_title,
    robots_txt,
    sitemap_index_xml,
    sitemap_xml,
)
from briefing.site.listing import by_category, category_counts, group_by, group_by_day, ministry_slug
from briefing.site.output import write_gzip_output, write_output
from briefing.site.related import Item, related
from briefing.site.text import (
    file_size,
    json_for_html,
    korean_datetime,
    parse_attachments,
    plain,
    safe_url,
    text,
)
from briefing.store import write_atomic

from .writer import SiteWriter

log = logging.getLogger(__name__)


# --------------------------------------------------------------------------- template helpers
def _category(value: Any):
    """Taxonomy entry for an article's category (object or name); None outside the taxonomy."""
    return find_category(str(getattr(value, "name", value) or ""))


def _data_dir(settings: dict) -> Path:
    from briefing.settings import Settings

    return Settings.load(settings.get("BRIEFING")).data_dir


def _add_helpers(generator) -> None:
    env = getattr(generator, "env", None)
    if env is None:
        return
    settings = generator.settings
    env.filters.update(
        plain=plain,
        text=text,
        category_info=_category,
        attachments=parse_attachments,
        filesize=file_size,
        safe_url=safe_url,
        tojson_html=lambda data: Markup(json_for_html(data)),  # \u-escaped: safe in <script>
        kst_date=lambda d: d.strftime("%Y년 %-m월 %-d일"),
        kst_datetime=korean_datetime,
        iso=lambda d: d.isoformat(),
    )
    # compiled templates are kept between builds (compiling them is a second of every rebuild)
    env.bytecode_cache = FileSystemBytecodeCache(_cache_dir(settings, "jinja"))
    env.globals.update(
        CATEGORY_LIST=CATEGORIES,
        SITE_ABSOLUTE=settings.get("SITEURL", "").rstrip("/"),
        # pages served at any address (404.html): SITEURL when set, else root-relative links
        SITE_ROOT=settings.get("SITEURL", "").rstrip("/"),
        CARD_IMAGE_URL=settings.get("CARD_IMAGE_URL", "images/cards/{slug}.png"),
        CHAT_ENDPOINT=settings.get("CHAT_ENDPOINT", ""),
        CONTENT_SECURITY_POLICY=csp_policy(
            settings.get("CHAT_ENDPOINT", ""), site_url=settings.get("SITEURL", "")
        ),
    )


def _cache_dir(settings: dict, name: str) -> str:
    folder = Path(settings["CACHE_PATH"]) / "briefing_site" / name
    folder.mkdir(parents=True, exist_ok=True)
    return str(folder)


# --------------------------------------------------------------------------- context
class Ministry:
    """A ministry's archive: name, URL and its releases, newest first."""

    def __init__(self, name: str, articles: list, settings: dict) -> None:
        self.name = name
        self.slug = ministry_slug(name)
        self.articles = articles
        self.url = settings["MINISTRY_URL"].format(slug=self.slug)
        self.save_as = settings["MINISTRY_SAVE_AS"].format(slug=self.slug)
        self.feed_atom = f"feeds/ministry/{self.slug}.atom.xml"
        self.feed_rss = f"feeds/ministry/{self.slug}.rss.xml"


class Digest:
    """One day's releases, grouped by category."""

    def __init__(self, day: date, articles: list, settings: dict) -> None:
        self.date = day
        self.articles = articles
        self.groups = by_category(articles, lambda a: str(getattr(a, "category", "")))
        self.url = settings["DIGEST_URL"].format(date=day)
        self.save_as = settings["DIGEST_SAVE_AS"].format(date=day)
        self.title = f"{day.year}년 {day.month}월 {day.day}일 보도자료 요약"


def _original_name(article) -> str:
    """``releases/YYYY/MM/<id>.original.html.gz`` for an article saved as ``…/<id>/index.html``."""
    return article.save_as.rsplit("/", 1)[0] + ".original.html.gz"


def _kst_day(article) -> date:
    return article.date.date()  # Date metadata carries +09:00; Pelican keeps the tz-aware value


def _prepare(generator) -> None:
    """Neighbours, related releases, ministries and digests; then install the rebuild skip."""
    settings = generator.settings
    articles = generator.articles  # newest first (ARTICLE_ORDER_BY = reversed-date)
    separate = settings.get("ORIGINAL_TEXT_FILES", True)
    data_dir = _data_dir(settings)
    for n, article in enumerate(articles):
        # Pelican formats .url and .save_as from settings on every access (dates, paths): a second
        # per 4,000 releases. Its override_* attributes pin the values once.
        article.href = article.override_url = article.url
        article.override_save_as = article.save_as
        article.newer = articles[n - 1] if n > 0 else None
        article.older = articles[n + 1] if n + 1 < len(articles) else None
        article.ministry_name = text(getattr(article, "ministry", ""))
        article.ministry_slug = ministry_slug(article.ministry_name) if article.ministry_name else ""
        ours = "source_hash" in article.metadata  # a hand-written article keeps its own body
        view = view_for(data_dir, article.relative_source_path) if ours else None
        article.briefing_view = view
        article.has_original = view is not None
        article.original_href = _original_name(article) if separate and view is not None else ""
        article.original_inline = ""
        if view is not None and not separate:
            article.original_inline = Markup(_original(article, view))
            forget_source(view)

    for article in articles:
        article.briefing_digest = _source_digest(article)
    # a tag gets its own page only when several releases share it: one-off tags would add a page
    # (and a listing to keep current) per release for years; on articles they show as plain text
    minimum = settings.get("TAG_MIN_ARTICLES", 3)
    tag_pages = {tag: _Members(rows) for tag, rows in generator.tags.items() if len(rows) >= minimum}
    generator.context["tags"] = list(tag_pages.items())  # the tag index lists only those
    generator.context["briefing_tag_pages"] = tag_pages
    # The tag pages are written by this plugin (``_write_output``), not by Pelican's generate_tags:
    # that one builds each tag's date list by scanning every release (``[a for a in self.dates if a
    # in articles]``), tags x releases, tens of seconds at a year of releases; there is no setting or
    # signal to hand it the lists. With an empty mapping it writes nothing and scans nothing.
    generator.tags = defaultdict(list)
    with_page = {tag.slug for tag in tag_pages}
    for article in articles:
        article.linked_tags = frozenset(t.slug for t in getattr(article, "tags", []) if t.slug in with_page)
    generator.categories = [(category, _Members(rows)) for category, rows in generator.categories]
    # every release has the site's AUTHOR: Pelican's generate_authors scans the releases once per
    # release of that author (releases squared: seconds at a year) even though AUTHOR_SAVE_AS is ""
    generator.authors = [(author, _Members(rows)) for author, rows in generator.authors]

    by_key = {a.source_path: a for a in articles}
    items = [
        Item(a.source_path, a.date, tuple(t.name for t in getattr(a, "tags", [])), a.ministry_name)
        for a in articles
    ]
    known = _load_related(settings)
    before = dict(known)
    for key, keys in related(items, settings.get("RELATED_COUNT", 4), known).items():
        by_key[key].related = [by_key[k] for k in keys]
    if known != before:
        write_atomic(_related_cache(settings), pickle.dumps(known, protocol=pickle.HIGHEST_PROTOCOL))

    named = group_by([a for a in articles if a.ministry_name], lambda a: a.ministry_name)
    ministries = sorted(
        (Ministry(name, rows, settings) for name, rows in named.items()),
        key=lambda m: (-len(m.articles), m.name),
    )
    digests = [Digest(day, rows, settings) for day, rows in group_by_day(articles, _kst_day)]
    latest = digests[0] if digests else None
    counts = category_counts(str(getattr(a, "category", "")) for a in (latest.articles if latest else []))

    generator.context.update(
        ministries=ministries,
        digests=digests,
        latest_digest=latest,
        latest_counts=counts,
        today=datetime.now(KST).date(),  # "오늘" on the home page; part of its fingerprint
        category_info=BY_NAME,
    )


# --------------------------------------------------------------------------- rebuilds
def _related_cache(settings: dict) -> Path:
    return Path(_cache_dir(settings, "related")) / "related.pickle"


def _load_related(settings: dict) -> dict:
    """The related-releases results of the last build (``briefing.site.related``'s ``known``):
    our own file under CACHE_PATH, so a damaged or foreign one only costs a full computation."""
    try:
        known = pickle.loads(_related_cache(settings).read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError, TypeError):
        return {}
    return known if isinstance(known, dict) else {}


class _Members(list):
    """A list with O(1) membership, for Pelican's ``article in articles`` scans over tags and
    categories (quadratic with plain lists: minutes at 10,000 releases)."""

    def __init__(self, items) -> None:
        super().__init__(items)
        self._ids = {id(i) for i in self}

    def __contains__(self, item) -> bool:
        return id(item) in self._ids


def _source_digest(article) -> str:
    """Identity of an article's source file: its path and a hash of its bytes.

    Not the modification time: a CI checkout gives every file a new one, which would make every
    scheduled build a full rebuild."""
    with open(article.source_path, "rb") as handle:
        content = hashlib.blake2b(handle.read(), digest_size=16).hexdigest()
    return f"{article.source_path}\x00{content}"


# --------------------------------------------------------------------------- output
def _absolute(settings: dict, url: str) -> str:
    base = (settings.get("FEED_DOMAIN") or settings.get("SITEURL") or "").rstrip("/")
    return f"{base}/{url}" if base else f"/{url}"


def _original(article, view: ReleaseView) -> str:
    return original_html(view, safe_url(getattr(article, "source", "")))


def _sections(article) -> dict[str, str | list[str]]:
    """The summary sections by heading, from the stored summary (lists for 주요 내용)."""
    view: ReleaseView | None = getattr(article, "briefing_view", None)
    return dict(view.sections()) if view is not None else {}


def _article_record(article, settings: dict) -> dict[str, Any]:
    category = _category(getattr(article, "category", None))
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


def _entry(article, settings: dict) -> FeedEntry:
    record = _article_record(article, settings)
    link = _absolute(settings, article.href)
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


def _write_feeds(
    settings: dict, output: Path, stem: str, title: str, page_url: str, entries: list[FeedEntry]
):
    """``feeds/<stem>.atom.xml`` and ``.rss.xml`` with the given entries (already newest first)."""
    for kind, cls in (("atom", Atom1Feed), ("rss", Rss201rev2Feed)):
        feed_url = _absolute(settings, f"feeds/{stem}.{kind}.xml")
        feed = cls(
            title=f"{title} — {settings['SITENAME']}",
            link=_absolute(settings, page_url),
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


def _digest_entry(digest: Digest, settings: dict) -> FeedEntry:
    """A daily digest as one feed entry: the day's releases by category, with links."""
    link = _absolute(settings, digest.url)
    groups = [
        (
            c.label,
            [(text(a.title), _absolute(settings, a.href), plain(getattr(a, "summary", ""))) for a in rows],
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


def _write_output(generator, writer) -> None:
    settings = generator.settings
    context = generator.context
    output = Path(generator.output_path)
    relative = settings["RELATIVE_URLS"]
    articles = generator.articles
    limit = settings.get("FEED_MAX_ITEMS") or 50

    # tag pages (see _prepare), newest first, as Pelican's generate_tags would write them
    template = generator.get_template("tag")
    for tag, rows in context["briefing_tag_pages"].items():
        writer.write_file(
            tag.save_as,
            template,
            context,
            relative,
            paginated={"articles": rows, "dates": rows},
            template_name="tag",
            url=tag.url,
            tag=tag,
            articles=rows,
            dates=rows,
            blog=True,
            page_name=tag.page_name,
            all_articles=articles,
        )

    # archives per ministry and their index
    template = generator.get_template("ministry")
    for ministry in context["ministries"]:
        writer.write_file(
            ministry.save_as,
            template,
            context,
            relative,
            paginated={"articles": ministry.articles, "dates": ministry.articles},
            template_name="ministry",
            url=ministry.url,
            ministry=ministry,
            articles=ministry.articles,
            dates=ministry.articles,
        )
    writer.write_file(
        settings["MINISTRIES_SAVE_AS"],
        generator.get_template("ministries"),
        context,
        relative,
        url=settings["MINISTRIES_URL"],
    )

    # daily digests: one page per day (not paginated) and an index
    template = generator.get_template("digest")
    skip = getattr(writer, "unchanged", None)
    for digest in context["digests"]:
        mark = hashlib.sha256(f"{writer_base(writer)}\x00{digest.save_as}".encode())
        for article in digest.articles:
            mark.update(article.briefing_digest.encode())
        if skip and skip(digest.save_as, mark.hexdigest()):
            continue
        writer.write_file(digest.save_as, template, context, relative, url=digest.url, digest=digest)
    writer.write_file(
        settings["DIGESTS_SAVE_AS"],
        generator.get_template("digests"),
        context,
        relative,
        url=settings["DIGESTS_URL"],
    )

    memo: dict[str, FeedEntry] = {}

    def entries(rows: list) -> list[FeedEntry]:  # built only for articles that appear in a feed
        for a in rows:
            if a.source_path not in memo:
                memo[a.source_path] = _entry(a, settings)
        return [memo[a.source_path] for a in rows]

    def feed(stem: str, title: str, page_url: str, rows: list, build=None) -> None:
        """Write one feed pair unless its releases are the same as last time."""
        mark = hashlib.sha256(f"{writer_base(writer)}\x00{stem}\x00{limit}".encode())
        for a in rows:
            mark.update(a.briefing_digest.encode())
        # both files are recorded, so a feed that is no longer made (a ministry gone from a
        # narrower year window) loses its RSS file as well as its Atom file
        names = (f"feeds/{stem}.atom.xml", f"feeds/{stem}.rss.xml")
        if skip and all([skip(name, mark.hexdigest()) for name in names]):
            return
        _write_feeds(settings, output, stem, title, page_url, build() if build else entries(rows))

    if settings.get("SITE_FEEDS", True):
        feed("all", "전체 보도자료", "", articles[:limit])
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
            build=lambda: [_digest_entry(d, settings) for d in days],
        )

    if settings.get("ARTICLE_JSON", True):
        for article in articles:
            name = article.save_as.rsplit("/", 1)[0] + ".json"  # releases/YYYY/MM/<id>.json
            if skip and skip(name, f"{writer_base(writer)}\x00{article.briefing_digest}"):
                continue
            write_output(output / name, json_for_html(_article_record(article, settings)) + "\n")

    # original texts: written once per release, compressed; the page fetches it when opened
    for article in articles:
        name = getattr(article, "original_href", "")
        if not name or (skip and skip(name, f"{writer_base(writer)}\x00{article.briefing_digest}")):
            continue
        view = getattr(article, "briefing_view", None)
        if view is not None:
            write_gzip_output(output / name, _original(article, view))
            forget_source(view)

    _write_sitemaps(generator, writer, output)
    write_output(output / "robots.txt", robots_txt(_absolute(settings, "sitemap.xml")))


def _write_sitemaps(generator, writer, output: Path) -> None:
    """``sitemap.xml`` as a sitemap index over ``sitemaps/pages.xml`` (home, pages, categories,
    ministries) and one ``sitemaps/releases-YYYY-MM.xml`` per month (its releases and digests).

    A new release changes its month's shard and the index only; the other shards are neither
    rewritten nor read (their fingerprint is the writer's), and one file never nears the sitemap
    protocol's 50,000-URL cap as the archive grows. Absolute URLs need SITEURL; relative ones
    are still listed."""
    settings, context = generator.settings, generator.context
    shards: dict[str, list[tuple[str, str | None]]] = defaultdict(list)
    pages = shards["pages"]
    pages.append((_absolute(settings, ""), None))
    pages += [(_absolute(settings, p.url), None) for p in context.get("pages", [])]
    pages += [(_absolute(settings, c.url), None) for c, _ in generator.categories]
    pages += [(_absolute(settings, m.url), None) for m in context["ministries"]]
    for a in generator.articles:
        stamp = (getattr(a, "modified", None) or a.date).date().isoformat()
        shards[f"releases-{a.date:%Y-%m}"].append((_absolute(settings, a.href), stamp))
    for d in context["digests"]:
        shards[f"releases-{d.date:%Y-%m}"].append((_absolute(settings, d.url), d.date.isoformat()))
    skip = getattr(writer, "unchanged", None)
    index = []
    for stem in ["pages", *sorted((k for k in shards if k != "pages"), reverse=True)]:
        name = f"sitemaps/{stem}.xml"
        stamps = [s for _, s in shards[stem] if s]
        index.append((_absolute(settings, name), max(stamps) if stamps else None))
        body = sitemap_xml(shards[stem])
        mark = hashlib.sha256(f"{writer_base(writer)}\x00{body}".encode()).hexdigest()
        if not (skip and skip(name, mark)):
            write_output(output / name, body)
    write_output(output / "sitemap.xml", sitemap_index_xml(index))


def _write_cards(pelican) -> None:
    """The share-card images (Open Graph / Twitter), one per category (drawn by briefing.site.cards)."""
    settings = pelican.settings
    folder = (
        Path(pelican.output_path)
        / settings.get("CARD_IMAGE_URL", "images/cards/{slug}.png").rsplit("/", 1)[0]
    )
    cards = site_cards(settings["SITENAME"], settings.get("SITESUBTITLE", ""), CATEGORIES)
    written = write_cards(folder, cards, settings["SITENAME"])
    if written:
        log.info("briefing_site: %d share cards drawn", len(written))


def writer_base(writer) -> str:
    return getattr(writer, "base", "")


def _writer_class(pelican) -> type:
    return SiteWriter


def _finish(pelican) -> None:
    writer = SiteWriter.last
    if writer is not None:
        writer.save_fingerprints()
        log.info(
            "briefing_site: %(rendered)d pages rendered, %(skipped)d unchanged and skipped", writer.stats
        )
        SiteWriter.last = None


def register() -> None:
    """Connect the plugin's handlers to Pelican's signals."""
    signals.get_writer.connect(_writer_class)
    signals.finalized.connect(_finish)
    signals.finalized.connect(_write_cards)
    signals.generator_init.connect(_add_helpers)
    signals.article_generator_finalized.connect(_prepare)
    signals.article_writer_finalized.connect(_write_output)
