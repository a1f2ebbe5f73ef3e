"""Pelican plugin: writes the chat function's passage index after every build.

Thin by design: each article (its Markdown sections and the original text in its HTML) becomes a
:class:`briefing.chat.index_build.ChatDocument`, and :func:`briefing.chat.index_build.build_chat_index` writes
the index. Settings (pelicanconf.py):

- ``CHAT_INDEX_DIR``: folder relative to the output, or absolute, default ``"chat-index"``
  (``publishconf.py`` puts it in ``build/chat-index``, off the Pages upload; deploy it with the
  function: Vercel ``includeFiles``, or the Lambda zip; see docs/chat.md).
- ``CHAT_CACHE_DIR``: analysis cache, default ``<CACHE_PATH>/chat`` (``cache/chat``); a rebuild
  analyses only new or changed passages.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from pelican import signals

from briefing.chat.index_build import ChatDocument, build_chat_index, document_from_markdown, search_analyzer
from briefing.chat.retrieval import open_chat_index
from briefing.site.text import article_parts, paragraphs_text, plain, text

log = logging.getLogger(__name__)

_articles: list = []


def _collect(generator) -> None:
    _articles[:] = list(generator.articles)


def _body(source_path: str) -> str:
    """The Markdown body: everything after the metadata lines and the first blank line."""
    text = Path(source_path).read_text(encoding="utf-8")
    head, _, body = text.partition("\n\n")
    return body if ":" in head else text


def document_for(article) -> ChatDocument:
    """The chat document of one Pelican article: summary sections from its Markdown, original text
    from its HTML (the ``briefing_articles`` plugin adds it from the record)."""
    meta = article.metadata
    date = article.date.date().isoformat() if getattr(article, "date", None) else ""
    document = document_from_markdown(
        _body(article.source_path),
        id=str(getattr(article, "slug", "") or meta.get("slug", "")),
        # metadata arrives as escaped HTML (the summary even as <p>…</p>): the chat and its
        # ``sources`` event carry plain text, which the chat panel shows as text
        title=text(meta.get("title", article.title)),
        date=date,
        url=article.url,
        ministry=text(meta.get("ministry", "")),
        source_url=str(meta.get("source", "")),
        summary=plain(meta.get("summary", "")),
    )
    if not document.original:  # articles written before the text moved out of the Markdown keep it inline
        document.original = paragraphs_text(article_parts(article)[1])
    return document


def _write_index(pelican) -> None:
    settings = pelican.settings
    out_dir = Path(pelican.output_path) / settings.get("CHAT_INDEX_DIR", "chat-index")
    cache_dir = settings.get("CHAT_CACHE_DIR") or Path(settings.get("CACHE_PATH") or "cache") / "chat"
    cache = Path(cache_dir) / "analysis.sqlite"
    documents = []
    for article in _articles:
        try:
            documents.append(document_for(article))
        except OSError as exc:  # a vanished source file costs one release, not the build
            log.error("chat index: skipped %s: %s", getattr(article, "source_path", "?"), exc)
    report = build_chat_index(documents, out_dir, analyze=search_analyzer(cache))
    started = time.perf_counter()
    open_chat_index(out_dir)  # what a function's first request pays
    log.info("%s; opens in %.0f ms", report.line(), (time.perf_counter() - started) * 1000)


def register() -> None:
    signals.article_generator_finalized.connect(_collect)
    signals.finalized.connect(_write_index)
