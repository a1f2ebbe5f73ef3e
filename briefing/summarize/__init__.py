"""Summaries of releases: source text -> model (or offline extract) -> checked -> stored -> article.

``run_summarize(settings, force=False, limit=None) -> SummarizeReport`` is the entry point used by
``briefing summarize`` and the Pelican plugin ``plugins/briefing_articles``. Each summary is stored
as ``DATA_DIR/summaries/YYYY/MM/<id>.json`` (:mod:`briefing.summaries`) and the article is rendered
from it (:mod:`briefing.article.markdown`, which never imports this package).
"""

from __future__ import annotations

from briefing.summaries import Summary
from briefing.summarize.prompt import PROMPT_VERSION
from briefing.summarize.runner import SummarizeReport, run_summarize

__all__ = ["PROMPT_VERSION", "SummarizeReport", "Summary", "run_summarize"]
