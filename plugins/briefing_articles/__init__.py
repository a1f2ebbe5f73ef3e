"""Pelican plugin: write ``content/releases/YYYY/MM/<id>.md`` from the records before Pelican reads.

Thin over :func:`briefing.summarize.run_summarize`: on the ``initialized`` signal (sent before the
readers scan ``content/``) it summarises every new or changed record under ``DATA_DIR`` into the
site's content path, storing each summary in ``DATA_DIR/summaries/`` and rendering the article from
it. Settings come from pelicanconf's ``BRIEFING`` dict (env variables override); the content folder
is always Pelican's ``PATH``. Unchanged releases cost no model call and no write.
``SUMMARIZE_ON_BUILD = False`` (publishconf.py: the workflow summarises in a step of its own) skips
that pass, which otherwise reads every record on every build.

The Markdown article holds metadata and the summary only. The original text is not added to it:
``briefing_site`` writes it as a file of its own from the record (:mod:`briefing.article.original`),
and search and chat read record + summary through :mod:`briefing.article.view`.
"""

from __future__ import annotations

import logging

from pelican import signals

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


def register() -> None:
    signals.initialized.connect(write_articles)
