"""Pelican plugin: write ``content/releases/YYYY/MM/<id>.md`` from the records before Pelican reads.

Thin over :func:`briefing.summarize.run_summarize`: on the ``initialized`` signal (sent before the
readers scan ``content/``) it summarises every new or changed record under ``DATA_DIR`` into the
site's content path. Settings come from pelicanconf's ``BRIEFING`` dict (env variables override);
the content folder is always Pelican's ``PATH``. Unchanged releases cost no model call and no write.
"""

from __future__ import annotations

import logging

from pelican import signals

log = logging.getLogger(__name__)


def write_articles(pelican) -> None:
    """Signal handler: run the summariser into Pelican's content path."""
    from briefing.settings import Settings
    from briefing.summarize import run_summarize

    settings = Settings.load(pelican.settings.get("BRIEFING"))
    settings = settings.with_values({"content_dir": pelican.settings["PATH"]})
    report = run_summarize(settings)
    if report.exit_code:
        log.error("briefing_articles: %s", report.summary_line())
    else:
        log.info("briefing_articles: %s", report.summary_line())


def register() -> None:
    signals.initialized.connect(write_articles)
