"""Pelican plugin: write ``content/releases/YYYY/MM/<id>.md`` from the records before Pelican reads,
and give each article its original text from the record as Pelican reads it.

Thin over :func:`briefing.summarize.run_summarize`: on the ``initialized`` signal (sent before the
readers scan ``content/``) it summarises every new or changed record under ``DATA_DIR`` into the
site's content path. Settings come from pelicanconf's ``BRIEFING`` dict (env variables override);
the content folder is always Pelican's ``PATH``. Unchanged releases cost no model call and no write.
``SUMMARIZE_ON_BUILD = False`` (publishconf.py: the workflow summarises in a step of its own) skips
that pass, which otherwise reads every record on every build.

Tags are read from the article's ``Tag_list`` (a JSON list) whole, so a tag may hold any character
(``R&D``, ``;``, ``,``, ``<``): Pelican's own ``Tags`` splits on ``,``/``;``. Each tag's URL slug
comes from its plain text, with a short hash when nothing is left (``;`` alone).

The Markdown article holds metadata and summary only. The record's page and attachment text
(:func:`briefing.article.markdown.original_html`) is not read when Pelican reads the article: on
``content_object_init`` the article gets a loader, ``article.load_original()``, and only what needs
the text calls it (the page and ``.original.html.gz`` of a new or changed release, the search and chat
indexes through :func:`briefing.site.text.article_parts`). Pelican's reader cache keeps the summary
HTML, so a rebuild neither parses unchanged Markdown nor reads unchanged records, and the text of a
year of releases is never held in memory at once.
"""

from __future__ import annotations

import hashlib
import html
import json
import logging
import os
from functools import partial
from pathlib import Path, PurePosixPath

from pelican import signals
from pelican.contents import Article
from pelican.urlwrappers import Tag
from pelican.utils import slugify

from briefing.article.markdown import ORIGINAL_HEADING, original_html
from briefing.store import Store, StoreError

log = logging.getLogger(__name__)

_data_dir: list[Path] = []  # the records folder of this build, set on ``initialized``


def _settings(pelican_settings: dict):
    from briefing.settings import Settings

    return Settings.load(pelican_settings.get("BRIEFING"))


def write_articles(pelican) -> None:
    """Signal handler: run the summariser into Pelican's content path."""
    from briefing.summarize import run_summarize

    settings = _settings(pelican.settings).with_values({"content_dir": pelican.settings["PATH"]})
    _data_dir[:] = [settings.data_dir]
    if not pelican.settings.get("SUMMARIZE_ON_BUILD", True):
        log.info("briefing_articles: SUMMARIZE_ON_BUILD is off; reading the articles as they are")
        return
    report = run_summarize(settings)
    if report.exit_code:
        log.error("briefing_articles: %s", report.summary_line())
    else:
        log.info("briefing_articles: %s", report.summary_line())


def _record_path(relative: str, data_dir: Path) -> Path | None:
    """``DATA_DIR/releases/YYYY/MM/<id>.json`` for an article at ``releases/YYYY/MM/<id>.md``."""
    rel = PurePosixPath(relative.replace("\\", "/"))
    if len(rel.parts) != 4 or rel.parts[0] != "releases" or rel.suffix != ".md":
        return None
    return data_dir / "releases" / rel.parts[1] / rel.parts[2] / (rel.stem + ".json")


def load_original(source_path: str, content_dir: str, data_dir: Path, source: str) -> str:
    """The original-text HTML of the release whose article is ``source_path``, read from its record
    now (``original_html`` says so on the page when the record is missing or unreadable)."""
    relative = os.path.relpath(source_path, content_dir)
    path = _record_path(relative, data_dir)
    record = None
    if path is not None and path.is_file():
        try:
            record = Store.read(path)
        except StoreError as exc:
            log.error("briefing_articles: %s", exc)
    else:
        log.warning("briefing_articles: no record for %s at %s", relative, path)
    return original_html(record, source)


def add_original(article) -> None:
    """Signal handler: give one of our articles a loader of its original text (read on demand;
    nothing is computed here, this runs for every release on every build)."""
    if not isinstance(article, Article) or "source_hash" not in article.metadata:
        return  # a hand-written article keeps its own body
    # Pelican passes the reader's HTML to the constructor and has no public accessor for the raw
    # body (``content`` rewrites links, per site URL, and memoizes): its ``_content`` is read only.
    if ORIGINAL_HEADING in (article._content or ""):
        return  # written by an earlier version with the text inline
    data_dir = _data_dir[0] if _data_dir else _settings(article.settings).data_dir
    source = str(article.metadata.get("source", ""))
    article.load_original = partial(
        load_original, article.source_path, article.settings["PATH"], data_dir, source
    )


def tags_from_list(generator, metadata: dict) -> None:
    """Signal handler (``article_generator_context``): ``Tag_list`` JSON -> the article's tags."""
    raw = metadata.pop("tag_list", None)
    if raw is None:
        return
    try:
        names = json.loads(html.unescape(str(raw)))
    except ValueError:
        names = []
    settings = generator.settings
    tags = []
    for name in names if isinstance(names, list) else []:
        name = " ".join(str(name).split())
        if not name:
            continue
        tag = Tag(html.escape(name), settings)  # names are escaped HTML like every metadata value
        slug = slugify(
            name,
            regex_subs=settings.get("TAG_REGEX_SUBSTITUTIONS", []),
            preserve_case=settings.get("SLUGIFY_PRESERVE_CASE", False),
            use_unicode=settings.get("SLUGIFY_USE_UNICODE", False),
        )
        tag.slug = slug or "t-" + hashlib.sha1(name.encode()).hexdigest()[:8]
        if tag not in tags:
            tags.append(tag)
    if tags:
        metadata["tags"] = tags


def register() -> None:
    signals.article_generator_context.connect(tags_from_list)
    signals.initialized.connect(write_articles)
    signals.content_object_init.connect(add_original)
