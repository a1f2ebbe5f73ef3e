"""Headless Chromium for browser tests (Debian's chromium driven by Playwright).

Tests using the ``browser`` fixture skip when chromium is missing, unless
``BRIEFING_REQUIRE_BROWSER=1`` (set by ``.ci/run``), where a missing browser is a failure.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from briefing.testing.browser import CHROMIUM_FLAGS, chromium_path

__all__ = ["CHROMIUM_FLAGS", "browser", "chromium_path"]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    path = chromium_path()
    if path is None:
        if os.environ.get("BRIEFING_REQUIRE_BROWSER") == "1":
            pytest.fail("chromium is required (BRIEFING_REQUIRE_BROWSER=1) but not installed")
        pytest.skip("chromium not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS)
        try:
            yield instance
        finally:
            instance.close()
