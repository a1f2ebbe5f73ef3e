"""Pelican's side of :mod:`briefing.site.standins`: unchanged content folders are not read again.

- ``article_generator_init`` (:func:`skip_unchanged`): hash the article files, and add the folders
  the last build read with the same files to ``ARTICLE_EXCLUDES`` for this build's reading.
- ``article_generator_pretaxonomy`` (:func:`put_back`), sent after Pelican read and ordered the
  articles and before it files them into categories, tags and dates: keep what this build read,
  put a stand-in in the list for every release of the skipped folders, and order the list again.
  From there on Pelican and the plugins see every release, as a full read would give them.
- ``all_generators_finalized`` (:func:`restore_excludes`): ``ARTICLE_EXCLUDES`` as set, once
  Pelican's check for files of disabled readers has walked the read folders only; the skipped
  folders' such files were found by the planning walk and are reported there, as Pelican would.
- ``finalized``: how many stand-ins had to be read in full, and why (the build's log).

``STAND_INS = False`` reads every folder (the state is still kept).
"""

from __future__ import annotations

import functools
import logging
import os
from collections import defaultdict
from pathlib import Path
from typing import Any

import pelican
from pelican import signals
from pelican.contents import Article
from pelican.urlwrappers import Author, Category, Tag
from pelican.utils import order_content

from briefing.site.collector import bulk
from briefing.site.standins import (
    Folder,
    Plan,
    Shared,
    StandIn,
    State,
    capture,
    folder_of,
    plan,
    settings_key,
)

log = logging.getLogger(__name__)


class _Run:
    """This build's plan, kept on the generator between the two signals."""

    def __init__(self, state: State, plan: Plan, excludes: list[str]) -> None:
        self.state, self.plan, self.excludes = state, plan, excludes
        self.shared: Shared | None = None
        self.stand_ins = 0


_last: _Run | None = None


def skip_unchanged(generator) -> None:
    """article_generator_init: plan the build and exclude the unchanged folders from reading."""
    global _last
    settings = generator.settings
    excludes = list(settings["ARTICLE_EXCLUDES"])
    # one walk for the plan and for the files of disabled readers (Pelican walks again for those)
    readers = generator.readers
    disabled = set(readers.disabled_extensions)
    found = generator.get_files(
        settings["ARTICLE_PATHS"], exclude=excludes, extensions=(*readers.extensions, *disabled)
    )
    files = {path for path in found if path.rsplit(".", 1)[-1] not in disabled}
    key = settings_key(settings, pelican.__version__)
    with bulk():
        state = State(Path(settings["CACHE_PATH"]) / "briefing_site" / "standins", key)
    enabled = settings.get("STAND_INS", True)
    run = _Run(state, plan(generator.path, files, state.folders if enabled else {}), excludes)
    settings["ARTICLE_EXCLUDES"] = [*excludes, *run.plan.cold_names]
    generator.briefing_stand_ins = run
    _last = run
    cold = {f"{name}/" for name in run.plan.cold_names}
    for path in sorted(found - files):
        if any(path.startswith(folder) for folder in cold):
            readers.check_file(path)


def restore_excludes(generators: list) -> None:
    """all_generators_finalized: the articles' excludes as they were before this build."""
    for generator in generators:
        run = getattr(generator, "briefing_stand_ins", None)
        if run is not None:
            generator.settings["ARTICLE_EXCLUDES"] = run.excludes


def _read(generator, relative: str) -> Any:
    """The real article of an unchanged file, read as Pelican reads it (its cache, its signals)."""
    return generator.readers.read_file(
        base_path=generator.path,
        path=relative,
        content_class=Article,
        context=generator.context,
        preread_signal=signals.article_generator_preread,
        preread_sender=generator,
        context_signal=signals.article_generator_context,
        context_sender=generator,
    )


def _taxonomy(settings: dict):
    """One Category / Tag / Author object per name for every stand-in (as Pelican would make)."""

    @functools.cache
    def make(kind: str, name: str, slug: str | None = None) -> Any:
        if kind == "tag":
            tag = Tag(name, settings)
            tag.slug = slug
            return tag
        return (Category if kind == "category" else Author)(name, settings)

    return make


def _keep(run: _Run, articles: list) -> None:
    """Keep the folders read this build whose every file gave a published article."""
    read: dict[str, list] = defaultdict(list)
    for article in articles:
        read[folder_of(article.relative_source_path)].append(article)
    for name, files in run.plan.hot.items():
        rows = read.get(name, [])
        if sorted(a.relative_source_path for a in rows) == sorted(files):
            records = [capture(a, run.plan.digests[a.relative_source_path]) for a in rows]
            run.state.save(Folder(name, files, records))
        else:  # drafts, hidden or unreadable files: read this folder every build
            run.state.drop(name)
    gone = set(run.state.folders) - set(run.plan.hot) - set(run.plan.cold_names)
    for name in gone:
        run.state.drop(name)


def _forget_unread(generator, run: _Run) -> None:
    """Drop the skipped folders' entries from Pelican's reader cache.

    The cache (``CACHE_PATH/ArticlesGenerator-Readers``) keeps the parsed Markdown of every file it
    ever read and is unpickled and pickled whole on every build: seconds at a year of releases,
    though the stand-ins leave it read for the changed folders only. Pelican has no public call to
    drop entries; its ``Readers`` keep them in the ``_cache`` dict by absolute path. A stand-in read
    in full later is parsed from its file (and cached again, until its folder is skipped again)."""
    cache = getattr(generator.readers, "_cache", None)
    if not isinstance(cache, dict):
        return
    for kept in run.plan.cold:
        for relative in kept.files:
            cache.pop(os.path.abspath(os.path.join(generator.path, relative)), None)


def put_back(generator) -> None:
    """article_generator_pretaxonomy: stand-ins for the skipped folders, in article order."""
    run: _Run | None = getattr(generator, "briefing_stand_ins", None)
    if run is None:
        return
    settings = generator.settings
    _keep(run, generator.articles)
    _forget_unread(generator, run)
    for article in generator.articles:  # hashed when planning: link_articles need not read it again
        digest = run.plan.digests.get(article.relative_source_path)
        if digest is not None:
            article.briefing_digest = digest
    run.shared = Shared(
        generator.path, functools.partial(_read, generator), _taxonomy(settings), settings["FORMATTED_FIELDS"]
    )
    stand_ins = []
    with bulk():
        for kept in run.plan.cold:
            for record in kept.records:
                stand_ins.append(StandIn(record, run.shared))
                generator.context["static_links"].update(record["static_links"])
    generator.context["generated_content"].update((s.relative_source_path, s) for s in stand_ins)
    run.stand_ins = len(stand_ins)
    if stand_ins:
        generator.articles = order_content(generator.articles + stand_ins, settings["ARTICLE_ORDER_BY"])


def report(pelican_object) -> None:
    """finalized: the stand-ins used and those read in full."""
    global _last
    if _last is not None and _last.shared is not None and _last.stand_ins:
        log.info("%s", _last.shared.line(_last.stand_ins))
    _last = None
