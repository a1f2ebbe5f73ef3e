"""``briefing collect``: sources → listings → one durable record per release.

:mod:`.run` drives a run (window, lock, report, state), :mod:`.identity` decides which record a
listing belongs to, :mod:`.fetch` fills a record (page, attachments, retries), :mod:`.health` keeps
per-source health. The sources themselves live in :mod:`briefing.sources`.
"""

from briefing.collect.run import EXIT_LOCKED, EXIT_NOTHING_DONE, EXIT_OK, CollectReport, run_collect

__all__ = ["EXIT_LOCKED", "EXIT_NOTHING_DONE", "EXIT_OK", "CollectReport", "run_collect"]
