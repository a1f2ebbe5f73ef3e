"""Claim marks in headless Chromium under the strict CSP, at 360 and 1280 px: a supported claim opens
the original text at its passage and highlights it (by click and by keyboard), an unsupported claim
shows its reason on focus, and axe finds no serious violations."""

from __future__ import annotations

import pytest

from tests.support.browser import axe_source, serious_violations
from tests.support.evidence_site import EvidenceSite

pytestmark = pytest.mark.browser


def _open(browser, url: str, width: int):
    context = browser.new_context(viewport={"width": width, "height": 800}, locale="ko-KR")
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("response", lambda r: problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
    page.goto(url, wait_until="networkidle")
    return context, page, problems


def _highlighted(page) -> list[str]:
    return page.evaluate("Array.from(document.querySelectorAll('.ev-target'), e => e.id)")


def _in_view(page, selector: str) -> bool:
    return page.evaluate(
        """s => { const r = document.querySelector(s).getBoundingClientRect();
                  return r.bottom > 0 && r.top < window.innerHeight; }""",
        selector,
    )


@pytest.mark.parametrize("width", [360, 1280])
def test_clicking_a_supported_claim_opens_the_original_at_its_passage(
    evidence_site: EvidenceSite, browser, width: int
) -> None:
    context, page, problems = _open(browser, evidence_site.url(evidence_site.faithful), width)
    try:
        # innermost marks (a clause may hold figures marked inside it): the click lands on this claim
        leaves = '.summary .claim[data-claim="supported"][data-evidence]:not(:has(.claim))'
        claim = page.locator(leaves).first
        cited = claim.get_attribute("data-evidence").split()
        target = cited[0]
        assert page.locator(f"#ev-{target}").count() == 0  # the original is not in the page yet
        layout = page.evaluate("document.querySelector('.summary').getBoundingClientRect().height")
        claim.click()
        page.wait_for_selector(f"#ev-{target}.ev-target", timeout=10_000)
        assert page.locator("#original").get_attribute("open") is not None
        assert _highlighted(page) == [f"ev-{i}" for i in cited]  # every passage it cites, in page order
        assert _in_view(page, f"#ev-{target}")
        assert page.evaluate("document.activeElement.id") == f"ev-{target}"  # focus follows
        # another claim moves the highlight; the summary above did not change size
        other = page.locator(f'{leaves}:not([data-evidence="{" ".join(cited)}"])').first
        other_cited = other.get_attribute("data-evidence").split()
        assert other_cited != cited
        other.click()
        # the highlight moves: exactly the passages the second claim cites (the first one's cleared)
        page.wait_for_function(
            "ids => Array.from(document.querySelectorAll('.ev-target'), e => e.id).join(' ') === ids",
            arg=" ".join(f"ev-{i}" for i in other_cited),
            timeout=10_000,
        )
        assert page.evaluate("document.querySelector('.summary').getBoundingClientRect().height") == layout
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{width}px overflows by {overflow}px"
        assert problems == []
    finally:
        context.close()


def test_keyboard_reaches_a_claim_and_enter_opens_its_evidence(evidence_site: EvidenceSite, browser) -> None:
    context, page, problems = _open(browser, evidence_site.url(evidence_site.faithful), 1280)
    try:
        for _ in range(80):  # Tab through the page from the top until a claim has focus
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.matches('.claim[data-evidence]')"):
                break
        else:
            pytest.fail("no claim reachable with Tab")
        target = page.evaluate("document.activeElement.dataset.evidence.split(' ')[0]")
        assert page.evaluate("document.activeElement.getAttribute('role')") == "link"
        page.keyboard.press("Enter")
        page.wait_for_selector(f"#ev-{target}.ev-target", timeout=10_000)
        assert page.evaluate("document.activeElement.id") == f"ev-{target}"
        assert problems == []
    finally:
        context.close()


@pytest.mark.parametrize("width", [360, 1280])
def test_an_unsupported_claim_shows_its_reason_on_focus(
    evidence_site: EvidenceSite, browser, width: int
) -> None:
    context, page, problems = _open(browser, evidence_site.url(evidence_site.fabricated), width)
    try:
        claim = page.locator('.summary .claim[data-claim="unsupported"]').first
        reason = page.locator("#" + claim.get_attribute("aria-describedby"))
        box = reason.bounding_box()
        assert box is None or box["width"] <= 1  # hidden until asked for (still read by screen readers)
        before = page.evaluate("document.querySelector('.summary').getBoundingClientRect().height")
        claim.focus()
        box = reason.bounding_box()
        assert box is not None and box["width"] > 20 and box["height"] > 5
        assert reason.inner_text() == claim.get_attribute("title") and reason.inner_text().strip()
        assert page.evaluate("document.querySelector('.summary').getBoundingClientRect().height") == before
        assert box["x"] >= 0 and box["x"] + box["width"] <= width  # on screen, even on a phone
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
        claim.blur()
        assert (reason.bounding_box() or {"width": 0})["width"] <= 1
        assert problems == []
    finally:
        context.close()


def test_a_link_to_a_passage_opens_it(evidence_site: EvidenceSite, browser) -> None:
    context, page, problems = _open(browser, evidence_site.url(evidence_site.faithful) + "#ev-page-2", 1280)
    try:
        page.wait_for_selector("#ev-page-2.ev-target", timeout=10_000)
        assert problems == []
    finally:
        context.close()


def test_no_serious_accessibility_violations_with_claims_marked(evidence_site: EvidenceSite, browser) -> None:
    axe = axe_source()
    for record in (evidence_site.faithful, evidence_site.fabricated):
        context, page, _ = _open(browser, evidence_site.url(record), 1280)
        try:
            page.locator(".summary .claim[data-evidence]").first.click()  # the original open, highlighted
            page.wait_for_selector(".ev-target", timeout=10_000)
            serious = serious_violations(page, axe)
            assert serious == [], f"{record.id}: {serious}"
        finally:
            context.close()
