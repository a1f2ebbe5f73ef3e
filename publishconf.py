"""Pelican settings for publishing (GitHub Pages): absolute URLs from the environment.

``SITEURL`` comes from ``SITEURL`` / ``SITE_URL`` (e.g. ``https://<owner>.github.io/<repo>`` for a
project site). Feeds and canonical links need it; without it the build still works with relative
links and a warning.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pelicanconf import *  # noqa: F403

SITEURL = (os.environ.get("SITEURL") or os.environ.get("SITE_URL") or "").rstrip("/")
RELATIVE_URLS = not SITEURL
FEED_DOMAIN = SITEURL
if not SITEURL:
    logging.getLogger(__name__).warning("SITEURL is not set: feeds and canonical links will be relative")
