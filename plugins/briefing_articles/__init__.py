"""Pelican plugin: write ``content/releases/YYYY/MM/<id>.md`` from the records before Pelican reads.

Thin over :func:`briefing.summarize.run_summarize`: on the ``initialized`` signal (sent before the
readers scan ``content/``) it summarises every new or changed record under ``DATA_DIR`` into the
site's content path, storing each summary in ``DATA_DIR/summaries/`` and rendering the article from
it. Settings come from pelicanconf's ``BRIEFING`` dict (env variables override); the content folder
is always Pelican's ``PATH``. Unchanged releases cost no model call and no write.
``SUMMARIZE_ON_BUILD = False`` (publishconf.py: the workflow summarises in a step of its own) skips
that pass, which otherwise reads every record on every build.

Tags are read from the article's ``Tag_list`` (a JSON list) whole, so a tag may hold any character
(``R&D``, ``;``, ``,``, ``<``): Pelican's own ``Tags`` splits on ``,``/``;``. Each tag's URL slug
comes from its plain text, with a short hash when nothing is left (``;`` alone).

The Markdown article holds metadata and the summary only. The original text is not added to it:
``briefing_site`` writes it as a file of its own from the record (:mod:`briefing.article.original`),
and search and chat read record + summary through :mod:`briefing.article.view`.
"""

from __future__ import annotations

import functools
import hashlib
import html
import json
import logging

from pelican import signals
from pelican.urlwrappers import Tag
from pelican.utils import slugify

log = logging.getLogger(__name__)


def _settings(pelican_settings: dict):
    from briefing.settings import Settings

    return Settings.load(pelican_settings.get("BRIEFING"))


def write_articles(pelican) -> None:
    """Signal handler: run the summariser into Pelican's content path."""
    from briefing.summarize import run_summarize

    settings = _settings(pelican.settings).with_values({"content_dir": pelican.settings["PATH"]})
    if not pelican.settings.get("SUMMARIZE_ON_BUILD", True):
        log.info("briefing_articles: SUMMARIZE_ON_BUILD is off; reading the articles as they are")
        return
    report = run_summarize(settings)
    if report.exit_code:
        log.error("briefing_articles: %s", report.summary_line())
    else:
        log.info("briefing_articles: %s", report.summary_line())


@functools.lru_cache(maxsize=65536)
def _tag_slug(name: str, regex_subs: tuple, preserve_case: bool, use_unicode: bool) -> str:
    """A tag's URL slug; the same few thousand tags recur across every release of a build."""
    slug = slugify(name, regex_subs=list(regex_subs), preserve_case=preserve_case, use_unicode=use_unicode)
    return slug or "t-" + hashlib.sha1(name.encode()).hexdigest()[:8]


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
    slug_settings = (
        tuple(tuple(sub) for sub in settings.get("TAG_REGEX_SUBSTITUTIONS", [])),
        settings.get("SLUGIFY_PRESERVE_CASE", False),
        settings.get("SLUGIFY_USE_UNICODE", False),
    )
    tags = []
    for name in names if isinstance(names, list) else []:
        name = " ".join(str(name).split())
        if not name:
            continue
        tag = Tag(html.escape(name), settings)  # names are escaped HTML like every metadata value
        tag.slug = _tag_slug(name, *slug_settings)
        if tag not in tags:
            tags.append(tag)
    if tags:
        metadata["tags"] = tags


def pin_urls(generator, metadata: dict) -> None:
    """Signal handler (``article_generator_context``): a published release's ``url`` and ``save_as``
    formatted once, from ARTICLE_URL / ARTICLE_SAVE_AS with its date and slug. Pelican formats them
    again from the settings on every access, ~8 times per release and build (seconds at a year of
    releases); metadata ``url``/``save_as`` is its own way to fix them. A pattern that names other
    fields (category, author...), a draft or another language is left to Pelican."""
    settings = generator.settings
    if "url" in metadata or "save_as" in metadata or not {"date", "slug"} <= metadata.keys():
        return
    if str(metadata.get("status", "published")).lower() != "published":
        return
    if str(metadata.get("lang", settings["DEFAULT_LANG"])).lower() != settings["DEFAULT_LANG"].lower():
        return
    fields = {"date": metadata["date"], "slug": metadata["slug"], "lang": settings["DEFAULT_LANG"]}
    try:
        url = settings["ARTICLE_URL"].format(**fields)
        save_as = settings["ARTICLE_SAVE_AS"].format(**fields)
    except (KeyError, IndexError, AttributeError, ValueError):
        return
    metadata["url"], metadata["save_as"] = url, save_as


def register() -> None:
    signals.article_generator_context.connect(tags_from_list)
    signals.article_generator_context.connect(pin_urls)
    signals.initialized.connect(write_articles)
