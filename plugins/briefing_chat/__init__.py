"""Pelican plugin: writes the chat function's passage index after every build.

Thin by design: each article (its stored summary's sections and its record's original text, read
through :mod:`briefing.article.view`) becomes a
:class:`briefing.chat.index_build.ChatDocument`, and :func:`briefing.chat.index_build.build_chat_index` writes
the index. Settings (pelicanconf.py):

- ``CHAT_INDEX_DIR``: folder relative to the output, or absolute, default ``"chat-index"``
  (``publishconf.py`` puts it in ``build/chat-index``, off the Pages upload; deploy it with the
  function: Vercel ``includeFiles``, or the Lambda zip; see docs/chat.md).
- ``CHAT_CACHE_DIR``: analysis cache, default ``<CACHE_PATH>/analysis`` (``cache/analysis``, the
  search index's: lines the search build analysed are not analysed again); a rebuild analyses only
  new or changed passages.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from pelican import signals

from briefing.article.view import forget_source
from briefing.chat.index_build import ChatDocument, build_chat_index, document_from_view, search_analyzer
from briefing.chat.retrieval import open_chat_index
from briefing.site.built_articles import BuiltArticles
from briefing.site.text import plain, text

log = logging.getLogger(__name__)

_built = BuiltArticles()


def document_for(article) -> ChatDocument:
    """The chat document of one Pelican article: metadata, and the release's summary sections and
    original text from its view (a hand-written article: its metadata only)."""
    meta = article.metadata
    date = article.date.date().isoformat() if getattr(article, "date", None) else ""
    fields = {
        "id": str(getattr(article, "slug", "") or meta.get("slug", "")),
        "title": text(meta.get("title", article.title)),
        "date": date,
        "url": article.url,
        "ministry": text(meta.get("ministry", "")),
        "source_url": str(meta.get("source", "")),
        # metadata arrives as escaped HTML (the summary even as <p>…</p>): the chat and its
        # ``sources`` event carry plain text, which the chat panel shows as text
        "summary": plain(meta.get("summary", "")),
    }
    view = _built.view(article)
    if view is None:
        return ChatDocument(**fields)
    document = document_from_view(view, **fields)
    forget_source(view)
    return document


def _write_index(pelican) -> None:
    settings = pelican.settings
    out_dir = Path(pelican.output_path) / settings.get("CHAT_INDEX_DIR", "chat-index")
    cache_dir = settings.get("CHAT_CACHE_DIR") or Path(settings.get("CACHE_PATH") or "cache") / "analysis"
    cache = Path(cache_dir) / "analysis.sqlite"
    documents = []
    for article in _built.articles:
        try:
            documents.append(document_for(article))
        except OSError as exc:  # a vanished source file costs one release, not the build
            log.error("chat index: skipped %s: %s", getattr(article, "source_path", "?"), exc)
    report = build_chat_index(documents, out_dir, analyze=search_analyzer(cache))
    started = time.perf_counter()
    open_chat_index(out_dir)  # what a function's first request pays
    log.info("%s; opens in %.0f ms", report.line(), (time.perf_counter() - started) * 1000)


def register() -> None:
    signals.article_generator_finalized.connect(_built.collect)
    signals.finalized.connect(_write_index)
