"""The built site in headless Chromium under a strict CSP: no console errors, nothing blocked,
readable at 360 px and 1280 px in light and dark, and no serious axe-core violations.

The README's screenshots are of the demo site instead: ``scripts/screenshots.py``.
"""

from __future__ import annotations

import pytest

from tests.support.browser import axe_source, serious_violations
from tests.support.site_fixture import BuiltSite

pytestmark = pytest.mark.browser


def _pages(site: BuiltSite) -> dict[str, str]:
    article = site.records[10]
    return {
        "home": f"{site.base_url}/",
        "older": f"{site.base_url}/page/1/",  # compact rows
        "article": f"{site.base_url}/releases/{article.published_at:%Y/%m}/{article.id}/",
    }


def _open(browser, url: str, width: int, scheme: str):
    """A page at ``url`` and the problems seen while loading it."""
    context = browser.new_context(
        viewport={"width": width, "height": 900}, color_scheme=scheme, locale="ko-KR"
    )
    page = context.new_page()
    problems: list[str] = []
    page.on(
        "console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None
    )
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url} {r.failure}"))
    page.on("response", lambda r: problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
    page.goto(url, wait_until="networkidle")
    return context, page, problems


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_pages_load_clean_under_csp(built_site: BuiltSite, browser, width: int, scheme: str) -> None:
    for name, url in _pages(built_site).items():
        context, page, problems = _open(browser, url, width, scheme)
        try:
            assert problems == [], f"{name} {width}px {scheme}: {problems}"
            # nothing wider than the viewport: no sideways scrolling on a phone
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{name} at {width}px overflows by {overflow}px"
            # the stylesheet applied (CSP allowed it) and the colour scheme follows the system
            background = page.evaluate("getComputedStyle(document.body).backgroundColor")
            assert background == ("rgb(20, 23, 28)" if scheme == "dark" else "rgb(255, 255, 255)")
        finally:
            context.close()


def test_theme_toggle_persists_and_original_text_opens(built_site: BuiltSite, browser) -> None:
    url = _pages(built_site)["article"]
    context, page, problems = _open(browser, url, 1280, "light")
    try:
        assert page.locator("#original").get_attribute("open") is None  # collapsed by default
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.className") == "skip-link"
        page.click("#theme-toggle")
        assert page.evaluate("document.documentElement.dataset.theme") == "dark"
        assert page.get_attribute("#theme-toggle", "aria-pressed") == "true"
        page.goto(url + "#original", wait_until="networkidle")
        assert page.evaluate("document.documentElement.dataset.theme") == "dark"  # remembered
        assert page.locator("#original").get_attribute("open") is not None
        assert problems == []
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_serious_accessibility_violations(built_site: BuiltSite, browser, scheme: str) -> None:
    axe = axe_source()
    for name, url in _pages(built_site).items():
        context, page, _ = _open(browser, url, 1280, scheme)
        try:
            serious = serious_violations(page, axe)
            assert serious == [], f"{name} {scheme}: {serious}"
        finally:
            context.close()


def _open_original(page) -> None:
    page.click("#original > summary")
    page.wait_for_selector("#original h3", timeout=10_000)


def test_original_text_is_fetched_when_opened(built_site: BuiltSite, browser) -> None:
    record = built_site.records[10]
    url = _pages(built_site)["article"]
    context, page, problems = _open(browser, url, 1280, "light")
    try:
        assert page.locator("#original h3").count() == 0  # not in the page until asked for
        _open_original(page)
        shown = page.inner_text("#original .original-body")
        assert "보도자료 본문" in shown
        assert " ".join(record.body_text.split()[:5]) in " ".join(shown.split())
        for att in record.attachments:
            assert f"첨부: {att.name}" in shown
        assert page.get_attribute("#original .original-body", "aria-busy") is None
        assert problems == []
        # arriving on #original opens the box and loads the text too
        page.goto(url + "#original", wait_until="networkidle")
        page.wait_for_selector("#original h3", timeout=10_000)
        assert problems == []
    finally:
        context.close()


def test_hostile_original_text_stays_inert(built_site: BuiltSite, browser) -> None:
    hostile = next(r for r in built_site.records if r.id == "hostile-title")
    url = f"{built_site.base_url}/releases/{hostile.published_at:%Y/%m}/{hostile.id}/"
    context, page, problems = _open(browser, url, 1280, "light")
    page.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
    try:
        _open_original(page)
        body = page.locator("#original .original-body")
        shown = body.inner_text()
        assert '<script>alert("b")</script>' in shown and "<img src=x onerror=alert(4)>" in shown
        assert body.locator("script, img, [onerror], a").count() == 0
        # only plain text elements, and of attributes only a passage's id and class (claim targets)
        tags = page.evaluate(
            "Array.from(document.querySelectorAll('#original .original-body *'), e => e.tagName)"
        )
        allowed = {"H3", "P", "UL", "OL", "LI", "BR", "STRONG", "EM", "SPAN", "TABLE", "TBODY", "TR", "TD"}
        assert set(tags) <= allowed, set(tags)
        attributes = page.evaluate(
            "Array.from(document.querySelectorAll('#original .original-body *'),"
            " e => Array.from(e.attributes, a => a.name + '=' + a.value)).flat()"
        )
        assert all(
            a == "class=ev" or (a.startswith("id=ev-") and a[6:].replace("-", "").isalnum())
            for a in attributes
        ), attributes
        assert any(a.startswith("id=ev-page-") for a in attributes)  # passages are there to point to
        page.wait_for_timeout(300)  # a dialog from a live handler would have appeared by now
        assert problems == []
    finally:
        context.close()


def test_original_text_without_the_file_keeps_the_portal_link(built_site: BuiltSite, browser) -> None:
    context = browser.new_context()
    page = context.new_page()
    try:
        page.route("**/*.original.html.gz", lambda route: route.fulfill(status=404, body="gone"))
        page.goto(_pages(built_site)["article"], wait_until="networkidle")
        page.click("#original > summary")
        page.wait_for_selector("#original .original-status >> text=불러오지 못했습니다", timeout=10_000)
        assert page.locator("#original .original-status a[href^='https://www.korea.kr/']").count() == 1
    finally:
        context.close()


def test_original_text_without_javascript_links_to_the_portal(built_site: BuiltSite, browser) -> None:
    record = built_site.records[10]
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(_pages(built_site)["article"], wait_until="networkidle")
        page.click("#original > summary")
        status = page.locator("#original .original-status")
        assert status.is_visible() and "첨부파일" in status.inner_text()
        assert status.locator("a").get_attribute("href") == record.url
    finally:
        context.close()
