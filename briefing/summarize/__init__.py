"""Summaries of releases: source text -> model (or offline extract) -> checked -> article.

``run_summarize(settings, force=False, limit=None) -> SummarizeReport`` is the entry point used by
``briefing summarize`` and the Pelican plugin ``plugins/briefing_articles``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from briefing.summarize.prompt import PROMPT_VERSION
from briefing.summarize.schema import Summary

if TYPE_CHECKING:
    from briefing.summarize.runner import SummarizeReport, run_summarize

__all__ = ["PROMPT_VERSION", "SummarizeReport", "Summary", "run_summarize"]


def __getattr__(name: str) -> Any:
    # The runner imports briefing.article.markdown, which imports this package's schema: loading the
    # runner on first use keeps that from being a circular import.
    if name in ("run_summarize", "SummarizeReport"):
        from briefing.summarize import runner

        return getattr(runner, name)
    raise AttributeError(name)
