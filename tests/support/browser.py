"""Headless Chromium for browser tests (Debian's chromium driven by Playwright).

Tests using the ``browser`` fixture skip when chromium is missing, unless
``BRIEFING_REQUIRE_BROWSER=1`` (set by ``.ci/run``), where a missing browser is a failure; the
same goes for axe-core (:func:`axe_source`), which :func:`serious_violations` runs in a page.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from briefing.testing.browser import CHROMIUM_FLAGS, chromium_path
from tests.support.sitebuild import ROOT

__all__ = ["AXE", "CHROMIUM_FLAGS", "axe_source", "browser", "chromium_path", "serious_violations"]

AXE = (
    Path(os.environ.get("BRIEFING_NODE_TOOLS", ROOT / ".npm-tools"))
    / "node_modules"
    / "axe-core"
    / "axe.min.js"
)


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


def axe_source() -> str:
    """axe-core's script, or skip the test (fail it under BRIEFING_REQUIRE_BROWSER=1) when missing."""
    if not AXE.is_file():
        if os.environ.get("BRIEFING_REQUIRE_BROWSER") == "1":
            pytest.fail("axe-core missing: .ci/run installs it with npm into .npm-tools")
        pytest.skip("axe-core not installed (npm install --prefix .npm-tools axe-core)")
    return AXE.read_text(encoding="utf-8")


def serious_violations(page, axe: str) -> list[str]:
    """axe-core's serious and critical violations on ``page``, one line each. The script goes in
    through DevTools, not a <script> tag: the page's CSP stays strict."""
    page.evaluate(axe)
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
