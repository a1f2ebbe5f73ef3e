"""Pelican plugin: writes the client-side search index (``output/search/``) after every build.

Thin by design: it turns Pelican articles into :class:`briefing.search.client_index.SearchDocument`
(summary and original text from the release's record and stored summary, :mod:`briefing.article.view`,
never from the rendered HTML) and calls :func:`briefing.search.client_index.build_client_index`. Settings (pelicanconf.py):

- ``SEARCH_INDEX_DIR``: folder inside the output, default ``"search"`` (next to the search page).
- ``SEARCH_CACHE_DIR``: analysis cache and index state, default ``<CACHE_PATH>/analysis``
  (``cache/analysis``, shared with the chat index: a text is analysed once for both); a rebuild
  analyses only new or changed releases and rewrites only the index segments that gain releases.
- ``SEARCH_INDEX_BESIDE``: default True: a build that adds to an earlier index builds it in a
  forked child while the pages are written (:mod:`briefing.site.beside`), not after them; False
  builds it at the end. The index is the same either way; a first build always builds it at the end
  (its analysis already keeps both cores busy, and a second process would add to its peak memory).
"""

from __future__ import annotations

import functools
import logging
import os
from pathlib import Path

from pelican import signals

from briefing.article.view import ReleaseView, forget_source
from briefing.search.client_index import SearchDocument, build_client_index
from briefing.search.index_state import state_path
from briefing.search.warm_up import warm_up
from briefing.site.beside import Beside
from briefing.site.built_articles import BuiltArticles
from briefing.site.collector import bulk
from briefing.site.text import plain

log = logging.getLogger(__name__)

_built = BuiltArticles()


def _text(value: object) -> str:
    return plain(value) if value else ""


@functools.lru_cache(maxsize=65536)
def _name(value: str) -> str:
    """A category, ministry or tag as plain text: the same few thousand names recur in every build."""
    return plain(value) if value else ""


def _view(article) -> ReleaseView | None:
    return _built.view(article)


def document_for(article) -> SearchDocument:
    """The search document of one Pelican article: metadata as the article contract defines it,
    summary and original text from the release's view (a hand-written article: its own text)."""
    meta = article.metadata
    view = _view(article)
    summary = _text(meta.get("summary")) or (view.key_summary if view else _text(article.content))
    tags = [_name(str(tag)) for tag in (getattr(article, "tags", None) or [])]
    category = getattr(article, "category", None)
    return SearchDocument(
        id=str(getattr(article, "slug", "") or meta.get("slug", "")),
        title=_text(article.title),
        date=article.date.isoformat() if getattr(article, "date", None) else "",
        url=article.url,
        category=_name(str(category)) if category else "",
        ministry=_name(str(meta.get("ministry") or "")),
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


def _cache_dir(settings: dict) -> Path:
    return Path(settings.get("SEARCH_CACHE_DIR") or Path(settings.get("CACHE_PATH") or "cache") / "analysis")


def _warm_up(pelican) -> None:
    """initialized: on a first build (no analysis cache), the Korean analysis of every release
    before Pelican reads the articles (:mod:`briefing.search.warm_up`: the build's peak memory)."""
    from briefing.settings import Settings

    settings = pelican.settings
    years = settings.get("SITE_YEARS")

    def wanted(path: Path) -> bool:
        year = path.parent.parent.name
        return years is None or not year.isdigit() or years.covers(int(year))

    data_dir = Settings.load(settings.get("BRIEFING")).data_dir
    line = warm_up(Path(settings["PATH"]), data_dir, _cache_dir(settings) / "analysis.sqlite", wanted)
    if line:
        log.info("%s", line)


def _build_index(settings: dict, output_path: str) -> str:
    """Write the index from the build's articles; its report line."""
    out_dir = Path(output_path) / settings.get("SEARCH_INDEX_DIR", "search")
    with bulk():  # a document per release, kept until the index is written
        documents = [document_for(article) for article in _built.articles]
    return build_client_index(documents, out_dir, _cache_dir(settings)).line()


_beside: Beside[str] | None = None


def _start_beside(pelican) -> None:
    """get_writer, sent once the articles are final (intersite links included) and before any page
    is written: a build adding to an earlier index starts building it beside the pages."""
    global _beside
    if _beside is not None:  # an earlier build of this process stopped before its end
        _beside.result()
        _beside = None
    settings = pelican.settings
    out_dir = Path(pelican.output_path) / settings.get("SEARCH_INDEX_DIR", "search")
    earlier = state_path(_cache_dir(settings), out_dir).is_file()
    if settings.get("SEARCH_INDEX_BESIDE", True) and earlier and hasattr(os, "fork"):
        _beside = Beside(lambda: _build_index(settings, pelican.output_path), "search index")


def _write_index(pelican) -> None:
    """finalized: the index built beside the pages, or built now."""
    global _beside
    beside, _beside = _beside, None
    if beside is not None:
        log.info("%s (built beside the pages)", beside.result())
    else:
        log.info("%s", _build_index(pelican.settings, pelican.output_path))


def register() -> None:
    signals.initialized.connect(_warm_up)
    signals.article_generator_finalized.connect(_built.collect)
    signals.get_writer.connect(_start_beside)  # returns no writer: Pelican keeps the site's own
    signals.finalized.connect(_write_index)
