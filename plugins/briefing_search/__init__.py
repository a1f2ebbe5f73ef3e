"""Pelican plugin: writes the client-side search index (``output/search/``) after every build.

Thin by design: it turns Pelican articles into :class:`briefing.search.client_index.SearchDocument`
and calls :func:`briefing.search.client_index.build_client_index`. Settings (pelicanconf.py):

- ``SEARCH_INDEX_DIR``: folder inside the output, default ``"search"`` (next to the search page).
- ``SEARCH_CACHE_DIR``: analysis cache, default ``<CACHE_PATH>/search`` (``cache/search``); a rebuild
  analyses only new or changed releases.
"""

from __future__ import annotations

import logging
from pathlib import Path

from pelican import signals

from briefing.search.client_index import SearchDocument, build_client_index
from briefing.site.text import article_parts, plain

log = logging.getLogger(__name__)

_articles: list = []


def _collect(generator) -> None:
    _articles[:] = list(generator.articles)


def _text(value: object) -> str:
    return plain(value) if value else ""


def document_for(article) -> SearchDocument:
    """The search document of one Pelican article (metadata as the article contract defines it)."""
    meta = article.metadata
    summary_html, original_html = article_parts(article)
    summary = _text(meta.get("summary")) or _text(summary_html)
    tags = [plain(str(tag)) for tag in (getattr(article, "tags", None) or [])]
    category = getattr(article, "category", None)
    return SearchDocument(
        id=str(getattr(article, "slug", "") or meta.get("slug", "")),
        title=_text(article.title),
        date=article.date.isoformat() if getattr(article, "date", None) else "",
        url=article.url,
        category=_text(str(category)) if category else "",
        ministry=_text(meta.get("ministry")),
        tags=[t for t in tags if t],
        headline=_text(meta.get("headline")),
        summary=summary,
        original=_text(original_html),
    )


def _write_index(pelican) -> None:
    settings = pelican.settings
    out_dir = Path(pelican.output_path) / settings.get("SEARCH_INDEX_DIR", "search")
    cache_dir = Path(settings.get("SEARCH_CACHE_DIR") or Path(settings.get("CACHE_PATH", "cache")) / "search")
    documents = [document_for(article) for article in _articles]
    report = build_client_index(documents, out_dir, cache_dir)
    log.info("%s", report.line())


def register() -> None:
    signals.article_generator_finalized.connect(_collect)
    signals.finalized.connect(_write_index)
