"""Pelican plugin: writes the client-side search index (``output/search/``) after every build.

Thin by design: it turns Pelican articles into :class:`briefing.search.client_index.SearchDocument`
(summary and original text from the release's record and stored summary, :mod:`briefing.article.view`,
never from the rendered HTML) and calls :func:`briefing.search.client_index.build_client_index`. Settings (pelicanconf.py):

- ``SEARCH_INDEX_DIR``: folder inside the output, default ``"search"`` (next to the search page).
- ``SEARCH_CACHE_DIR``: analysis cache and index state, default ``<CACHE_PATH>/analysis``
  (``cache/analysis``, shared with the chat index: a text is analysed once for both); a rebuild
  analyses only new or changed releases and rewrites only the index segments that gain releases.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import logging
from pathlib import Path

from pelican import signals

from briefing.article.view import ReleaseView, forget_source
from briefing.search.client_index import SearchDocument, build_client_index
from briefing.site.built_articles import BuiltArticles
from briefing.site.text import plain

log = logging.getLogger(__name__)

_built = BuiltArticles()


def _text(value: object) -> str:
    return plain(value) if value else ""


def _view(article) -> ReleaseView | None:
    return _built.view(article)


def document_for(article) -> SearchDocument:
    """The search document of one Pelican article: metadata as the article contract defines it,
    summary and original text from the release's view (a hand-written article: its own text)."""
    meta = article.metadata
    view = _view(article)
    summary = _text(meta.get("summary")) or (view.key_summary if view else _text(article.content))
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
        # read only if the release is analysed; its article's source hash says when its text changed
        original_source=(lambda: _original(view)) if view else None,
        source_key=str(meta.get("source_hash", "")) if view else "",
    )


def _original(view: ReleaseView) -> str:
    text = view.original_text()
    forget_source(view)
    return text


def _return_free_memory() -> None:
    """Hand the heap Pelican's pages and the plugins' files freed back to the system (glibc's
    ``malloc_trim``) before the Korean analyser and the postings are loaded: a cold build's peak is
    this phase, and without it the freed pages count twice. Elsewhere: nothing to do."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim(0)


def _write_index(pelican) -> None:
    _return_free_memory()
    settings = pelican.settings
    out_dir = Path(pelican.output_path) / settings.get("SEARCH_INDEX_DIR", "search")
    cache_dir = Path(
        settings.get("SEARCH_CACHE_DIR") or Path(settings.get("CACHE_PATH") or "cache") / "analysis"
    )
    documents = [document_for(article) for article in _built.articles]
    report = build_client_index(documents, out_dir, cache_dir)
    log.info("%s", report.line())


def register() -> None:
    signals.article_generator_finalized.connect(_built.collect)
    signals.finalized.connect(_write_index)
