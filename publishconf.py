"""Pelican settings for publishing (GitHub Pages): absolute URLs from the environment.

``SITEURL`` comes from ``SITEURL`` / ``SITE_URL`` (e.g. ``https://<owner>.github.io/<repo>`` for a
project site). Feeds and canonical links need it; without it the build still works with relative
links and a warning. The chat index goes to ``build/chat-index/``, outside the uploaded output.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pelicanconf import *  # noqa: F403

# The chat index is for the chat function's bundle, not for readers, and the publishing workflow does
# not deploy the function (docs/chat.md bundles it from a build of its own): so a publish build writes
# it only when BRIEFING_CHAT_INDEX_DIR names a folder (relative to this checkout, never inside the
# Pages upload). At a year of releases the index costs minutes of every scheduled build.
# Development builds (pelicanconf.py) keep output/chat-index for `briefing serve`.
_chat_index = os.environ.get("BRIEFING_CHAT_INDEX_DIR", "").strip()
CHAT_INDEX_DIR = str((Path(__file__).resolve().parent / _chat_index).resolve()) if _chat_index else ""
if not CHAT_INDEX_DIR:
    PLUGINS = [p for p in PLUGINS if p != "briefing_chat"]  # noqa: F405

# The workflow summarises in a step of its own (make publish-summarize, committed), so the build only
# reads the articles: no second pass over every record, no model call from the build job.
SUMMARIZE_ON_BUILD = False

SITEURL = (os.environ.get("SITEURL") or os.environ.get("SITE_URL") or "").rstrip("/")
RELATIVE_URLS = not SITEURL
FEED_DOMAIN = SITEURL
if not SITEURL:
    logging.getLogger(__name__).warning("SITEURL is not set: feeds and canonical links will be relative")
