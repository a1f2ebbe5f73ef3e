"""Pelican plugin for the briefing site: the pages and files Pelican does not make by itself.

- Jinja filters/globals for the theme (category emoji and slug, plain text): ``templates.py``.
- Previous/next and related releases on each article, tag pages only for tags used by at least
  ``TAG_MIN_ARTICLES`` releases, archives per ministry and daily digests: ``context.py``, over
  :mod:`briefing.site.listing`, :mod:`briefing.site.related` and :mod:`briefing.site.archives`.
- Month, tag, ministry and digest pages: ``pages.py``.
- Atom and RSS feeds (all releases, per category, per ministry, daily digests): ``feeds.py``, from
  the entries of ``entries.py``.
- Per-article JSON (``releases/YYYY/MM/<id>.json``), ``sitemap.xml`` (:mod:`briefing.site.sitemap`)
  and ``robots.txt``: ``files.py``. Each release's original text as
  ``releases/YYYY/MM/<id>.original.html.gz`` (fetched by the article page's ``original.js`` when
  the reader opens it), instead of inlined in every page; every passage carries
  ``id="ev-<passage id>"``, the target of the summary's claim marks.
- Every article gets ``briefing_view`` (record + stored summary, :mod:`briefing.article.view`): the
  article JSON, feeds and original text are made from it, never from the rendered HTML.
- Share-card images (``images/cards/<category>.png``) for link previews (:mod:`briefing.site.cards`).
- Unchanged content folders are not read again: their releases are stand-ins made from what the
  last build kept (``stand_ins.py`` over :mod:`briefing.site.standins`).
- On rebuilds, pages and files whose inputs did not change are not made again: ``writer.py`` (the
  site's Writer, installed through the public ``get_writer`` signal) with
  :mod:`briefing.site.fingerprints`.

This module holds only ``register()`` and the signal handlers, which say in what order the steps run.
"""

from __future__ import annotations

import logging
from pathlib import Path

from pelican import signals

from briefing.categories import CATEGORIES
from briefing.site.cards import site_cards, write_cards
from briefing.site.collector import bulk, thaw

from .context import archive_context, limit_taxonomies, link_articles, link_related
from .feeds import write_feeds
from .files import write_article_json, write_originals, write_sitemaps
from .pages import write_digest_pages, write_ministry_pages, write_month_pages, write_tag_pages
from .stand_ins import put_back, report, restore_excludes, skip_unchanged
from .templates import install_helpers
from .writer import SiteWriter

log = logging.getLogger(__name__)


def _cache_dir(settings: dict, name: str) -> str:
    """``CACHE_PATH/briefing_site/<name>``, made if missing."""
    folder = Path(settings["CACHE_PATH"]) / "briefing_site" / name
    folder.mkdir(parents=True, exist_ok=True)
    return str(folder)


def _data_dir(settings: dict) -> Path:
    from briefing.settings import Settings

    return Settings.load(settings.get("BRIEFING")).data_dir


def _add_helpers(generator) -> None:
    """generator_init: the theme's filters and globals on every generator with templates."""
    env = getattr(generator, "env", None)
    if env is not None:
        install_helpers(env, generator.settings, _cache_dir(generator.settings, "jinja"))


def _prepare(generator) -> None:
    """article_generator_finalized: links, views, tag pages, related releases, ministries and
    digests, before any page is written."""
    settings, articles = generator.settings, generator.articles
    with bulk():  # what is set here lives until the build ends
        link_articles(articles, _data_dir(settings), settings.get("ORIGINAL_TEXT_FILES", True))
        limit_taxonomies(generator, settings.get("TAG_MIN_ARTICLES", 3))
        cache = Path(_cache_dir(settings, "related")) / "related.pickle"
        link_related(articles, settings.get("RELATED_COUNT", 4), cache)
        generator.context.update(archive_context(articles, generator.dates, settings))


def _write_output(generator, writer) -> None:
    """article_writer_finalized: the pages and files the plugin makes, after Pelican's articles."""
    write_month_pages(generator, writer)
    write_tag_pages(generator, writer)
    write_ministry_pages(generator, writer)
    write_digest_pages(generator, writer)
    write_feeds(generator, writer)
    write_article_json(generator, writer)
    write_originals(generator, writer)
    write_sitemaps(generator, writer)


def _write_cards(pelican) -> None:
    """finalized: the share-card images (Open Graph / Twitter), one per category."""
    settings = pelican.settings
    folder = (
        Path(pelican.output_path)
        / settings.get("CARD_IMAGE_URL", "images/cards/{slug}.png").rsplit("/", 1)[0]
    )
    cards = site_cards(settings["SITENAME"], settings.get("SITESUBTITLE", ""), CATEGORIES)
    written = write_cards(folder, cards, settings["SITENAME"])
    if written:
        log.info("briefing_site: %d share cards drawn", len(written))


def _new_build(generator) -> None:
    """article_generator_init: what an earlier build in this process froze can be collected."""
    thaw()


def _writer_class(pelican) -> type:
    """get_writer: the Writer that renders only what changed."""
    return SiteWriter


def _finish(pelican) -> None:
    """finalized: keep this build's fingerprints and drop pages it no longer makes."""
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
    signals.article_generator_init.connect(_new_build)
    signals.article_generator_init.connect(skip_unchanged)
    signals.article_generator_pretaxonomy.connect(put_back)
    signals.all_generators_finalized.connect(restore_excludes)
    signals.finalized.connect(report)
    signals.article_generator_finalized.connect(_prepare)
    signals.article_writer_finalized.connect(_write_output)
