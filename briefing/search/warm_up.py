"""A first build's Korean analysis, done before Pelican reads a single article.

A build with no analysis cache yet (a new fork, a frozen archive, a lost Actions cache) analyses
every release's words with kiwipiepy, whose model takes ~520 MB once loaded. In the search phase
that sits on top of Pelican's article objects (~1.1 GB at a year of releases): the build's peak.
Done first, from the same texts the search documents are made of (each article's metadata and its
release's original text), with the analyser let go after, the search phase finds every word in the
shared cache and never loads the model. A word the warm-up did not see is analysed in the search
phase as before: the index is the same either way, only the memory differs. With more than one
core the warm-up's batches go to worker processes (:mod:`briefing.search.analysis_pool`), each
with its own analyser, while the build process stays small.
"""

from __future__ import annotations

import html
import json
import logging
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from briefing.article.markdown import article_paths, read_meta
from briefing.article.view import view_for
from briefing.search import kiwi_words
from briefing.search.analysis_cache import AnalysisCache
from briefing.search.analysis_pool import AnalysisPool, workers_for
from briefing.search.analyzer import learn_words
from briefing.search.client_index import SearchDocument
from briefing.site.text import plain

log = logging.getLogger(__name__)

BATCH = 64  # articles analysed at a time


def _tags(meta: dict[str, str]) -> list[str]:
    try:
        names = json.loads(html.unescape(meta.get("tag_list", "[]")))
    except ValueError:
        return []
    return [" ".join(str(n).split()) for n in names] if isinstance(names, list) else []


def _texts(content_dir: Path, data_dir: Path, path: Path) -> list[str]:
    """The fields of one article's search document, as the search plugin makes them from what
    Pelican reads (and the stored summary's own wording of its summary and headline)."""
    meta = read_meta(path)
    view = view_for(data_dir, path.relative_to(content_dir).as_posix()) if "source_hash" in meta else None
    document = SearchDocument(
        id="",
        title=plain(meta.get("title")),
        date="",
        url="",
        tags=_tags(meta),
        headline=plain(meta.get("headline")),
        summary=plain(meta.get("summary")) or (view.key_summary if view else ""),
        original_source=view.original_text if view else None,
    )
    texts = document.fields() + ([view.key_summary, view.headline] if view else [])
    return [t for t in texts if t.strip()]


def _batches(content_dir: Path, data_dir: Path, paths: list[Path]) -> Iterator[list[str]]:
    for start in range(0, len(paths), BATCH):
        yield [text for path in paths[start : start + BATCH] for text in _texts(content_dir, data_dir, path)]


def learn_batch(cache: AnalysisCache | None, texts: list[str]) -> int:
    """The words of ``texts`` into ``cache`` (a task of the analysis workers); their characters."""
    learn_words(texts, cache)
    return sum(len(text) for text in texts)


def warm_up(
    content_dir: Path,
    data_dir: Path,
    cache_path: Path,
    wanted: Callable[[Path], bool] = lambda _: True,
    workers: int | None = None,
) -> str | None:
    """Analyse the words of every article under ``content_dir`` (``wanted`` ones) into a new
    analysis cache at ``cache_path``; None (nothing done) when that cache exists already.
    ``workers``: analysis processes (default: one per core when there are many articles)."""
    if cache_path.exists():
        return None
    began = time.perf_counter()
    cache = AnalysisCache(cache_path)
    paths = [path for path in article_paths(Path(content_dir)) if wanted(path)]
    try:
        with AnalysisPool(workers_for(len(paths)) if workers is None else workers, cache) as pool:
            chars = sum(pool.run(_batches(Path(content_dir), Path(data_dir), paths), learn_batch))
    finally:
        cache.close()
        kiwi_words.release()
    return f"search warm-up: {chars:,} chars analysed before the build in {time.perf_counter() - began:.1f} s"
