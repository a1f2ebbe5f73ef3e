"""What a reader meets first, in headless Chromium under the strict CSP: the 404 page at any depth,
nothing floating over the text of a phone's first screen, no keyboard hints on touch screens, a
release on the home page's first screen, search snippets of whole words, the filter row at 1280 px,
Korean typography, repository links for corrections and the share-card images.
"""

from __future__ import annotations

import shutil
import struct
from collections.abc import Iterator
from pathlib import Path

import pytest

from briefing.testing.synthetic import generate_records, write_synthetic_articles
from tests.support.site_fixture import REPOSITORY, START, BuiltSite, serve_with_csp
from tests.support.sitebuild import ROOT, build_site

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 640}


@pytest.fixture(scope="module")
def relative_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A development build (relative URLs, no repository known), served with its 404.html."""
    root = tmp_path_factory.mktemp("relative")
    content, output = root / "content", root / "output"
    write_synthetic_articles(generate_records(6, start=START), content, root / "data")
    shutil.copytree(ROOT / "content" / "pages", content / "pages")
    output.mkdir()
    build_site(content, output, data_dir=root / "data", REPOSITORY_URL="")
    server, base_url = serve_with_csp(output)
    try:
        yield base_url
    finally:
        server.shutdown()
        server.server_close()


def _page(browser, url: str, problems: list[str], **options):
    context = browser.new_context(locale="ko-KR", **options)
    page = context.new_page()
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"failed: {r.url}"))
    page.on("response", lambda r: problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
    page.goto(url, wait_until="networkidle")
    return context, page


def _article_url(site: BuiltSite) -> str:
    record = site.records[10]
    return f"{site.base_url}/releases/{record.published_at:%Y/%m}/{record.id}/"


@pytest.mark.parametrize("path", ["/nope/", "/a/b/c/", "/releases/2026/10/gone/"])
def test_404_page_loads_its_assets_and_links_home_at_any_depth(
    browser, relative_site: str, built_site: BuiltSite, path: str
) -> None:
    for base in (relative_site, built_site.base_url):
        problems: list[str] = []
        context, page = _page(browser, base + path, problems, viewport=PHONE)
        try:
            # the one 404 is the page itself: every stylesheet, script and image loaded
            assert problems == [
                f"HTTP 404: {base}{path}",
                "Failed to load resource: the server responded with a status of 404 (Not Found)",
            ], problems
            assert page.evaluate("document.styleSheets.length") >= 3  # main, search, chat
            assert page.evaluate("getComputedStyle(document.body).wordBreak") == "keep-all"
            assert page.is_visible("#chat-open")  # chat.js ran
            home = page.locator("main a", has_text="최신 보도자료")
            assert home.evaluate("a => a.href") == base + "/"
            for selector in ("main a", "link[href]", "script[src]"):
                urls = page.eval_on_selector_all(selector, "els => els.map(e => e.href || e.src)")
                assert urls and not [u for u in urls if path.rstrip("/") in u], (selector, urls)
        finally:
            context.close()


_COVERED = """() => {
  const fixed = [...document.querySelectorAll('body *')].filter(e => {
    const s = getComputedStyle(e);
    return (s.position === 'fixed' || s.position === 'sticky') && s.display !== 'none'
      && s.visibility !== 'hidden' && e.getClientRects().length;
  }).map(e => e.getBoundingClientRect());
  const walker = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
  const text = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.textContent.trim()) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const r of range.getClientRects()) {
      if (r.width && r.height && r.top < innerHeight && r.bottom > 0) text.push(r);
    }
  }
  const hit = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  return {fixed: fixed.length, text: text.length,
          covered: fixed.flatMap(f => text.filter(t => hit(f, t)).map(t => [f.top, t.top]))};
}"""


@pytest.mark.parametrize("touch", [False, True])
def test_no_fixed_control_covers_main_text_at_360(browser, built_site: BuiltSite, touch: bool) -> None:
    urls = [f"{built_site.base_url}/", _article_url(built_site), f"{built_site.base_url}/search/?q=지원"]
    for url in urls:
        problems: list[str] = []
        context, page = _page(browser, url, problems, viewport=PHONE, has_touch=touch, is_mobile=touch)
        try:
            page.wait_for_selector("#chat-open:not([hidden])")
            found = page.evaluate(_COVERED)
            assert found["text"] > 5 and found["covered"] == [], (url, found)
            # the controls are there, in the header, on the first screen
            for control in (".search-open", "#chat-open", "#theme-toggle"):
                box = page.locator(control).bounding_box()
                assert box and box["y"] + box["height"] <= PHONE["height"], control
                assert page.locator(f".site-header {control}").count() == 1
            assert problems == []
        finally:
            context.close()


def _visible_kbd(page) -> int:
    return page.evaluate(
        "[...document.querySelectorAll('kbd')].filter(k => k.getClientRects().length).length"
    )


def test_keyboard_hints_only_where_there_is_a_keyboard(browser, built_site: BuiltSite) -> None:
    url = f"{built_site.base_url}/"
    problems: list[str] = []
    context, page = _page(browser, url, problems, viewport={"width": 1280, "height": 900})
    try:
        assert _visible_kbd(page) >= 2  # Ctrl K on a desktop
        assert "Enter" in page.get_attribute("#chat-input", "placeholder")
    finally:
        context.close()
    context, page = _page(browser, url, problems, viewport=PHONE, has_touch=True, is_mobile=True)
    try:
        assert page.evaluate("matchMedia('(hover: none), (pointer: coarse)').matches")
        assert _visible_kbd(page) == 0
        page.tap(".search-open")
        page.wait_for_selector("#search-palette[open]")
        assert _visible_kbd(page) == 0  # no ↑↓ / Enter / Esc under the search box either
        page.keyboard.press("Escape")
        page.tap("#chat-open")
        placeholder = page.get_attribute("#chat-input", "placeholder")
        assert placeholder and "Enter" not in placeholder and "Shift" not in placeholder
        assert problems == []
    finally:
        context.close()


def test_home_first_screen_shows_releases_not_a_chip_box(browser, built_site: BuiltSite) -> None:
    problems: list[str] = []
    context, page = _page(browser, f"{built_site.base_url}/", problems, viewport=PHONE)
    try:
        first = page.locator("main .card-title a").first.bounding_box()
        assert first and first["y"] + first["height"] <= PHONE["height"], first
        counts = page.eval_on_selector_all(".today-counts li", "els => els.map(e => e.textContent.trim())")
        assert counts and all(not c.endswith(" 0") for c in counts), counts  # empty categories collapsed
        assert problems == []
    finally:
        context.close()


_SNIPPETS = """async (q) => {
  const S = window.BriefingSearch;
  const index = new S.SearchIndex(new URL(document.documentElement.dataset.searchUrl, location.href).href);
  const found = await index.search(q, {limit: 20});
  const words = S.highlightWords(S.parseQuery(q));
  return found.results.map(r => {
    const d = r.doc || {};
    const text = d.h && d.h !== d.t ? d.h + ' — ' + (d.s || '') : (d.s || '');
    return [text, S.snippet(text, words, 150)];
  });
}"""


@pytest.mark.parametrize("query", ["지원", "확대", "계획"])
def test_search_snippets_are_cut_at_word_boundaries(browser, built_site: BuiltSite, query: str) -> None:
    problems: list[str] = []
    context, page = _page(browser, f"{built_site.base_url}/search/?q={query}", problems)
    try:
        page.wait_for_selector("#search-page-results .search-result-snippet", timeout=20_000)
        shown = page.eval_on_selector_all(".search-result-snippet", "els => els.map(e => e.textContent)")
        pairs = page.evaluate(_SNIPPETS, query)
        assert [s for _, s in pairs][: len(shown)] == shown  # the page shows these very snippets
        cut = 0
        for text, snippet in pairs:
            core = snippet.removeprefix("…")
            if not text.endswith(core):  # an ellipsis of the text's own stays; one the cut added goes
                core = core.removesuffix("…")
            at = text.find(core)
            assert at >= 0, (snippet, text)
            end = at + len(core)
            assert at == 0 or text[at - 1].isspace(), f"starts mid-word: {snippet!r}"
            assert end == len(text) or text[end].isspace(), f"ends mid-word: {snippet!r}"
            cut += snippet != text
        assert cut, "no snippet was shortened: the query does not test the cutting"
        assert problems == []
    finally:
        context.close()


def test_search_filters_sit_in_one_row_at_1280(browser, built_site: BuiltSite) -> None:
    problems: list[str] = []
    context, page = _page(
        browser, f"{built_site.base_url}/search/", problems, viewport={"width": 1280, "height": 900}
    )
    try:
        tops = page.eval_on_selector_all(
            ".search-page-filters label", "els => els.map(e => Math.round(e.getBoundingClientRect().top))"
        )
        assert len(tops) == 4 and len(set(tops)) == 1, tops
    finally:
        context.close()


def test_korean_typography(browser, built_site: BuiltSite) -> None:
    problems: list[str] = []
    context, page = _page(browser, _article_url(built_site), problems, viewport=PHONE)
    try:
        style = page.evaluate(
            "(() => { const s = getComputedStyle(document.querySelector('main p'));"
            " return [parseFloat(s.lineHeight) / parseFloat(s.fontSize), s.wordBreak, s.overflowWrap]; })()"
        )
        assert 1.65 <= style[0] <= 1.85 and style[1:] == ["keep-all", "anywhere"], style
    finally:
        context.close()


def test_corrections_link_to_the_repository_or_nothing(
    browser, built_site: BuiltSite, relative_site: str
) -> None:
    problems: list[str] = []
    context, page = _page(browser, f"{built_site.base_url}/about/", problems)
    try:
        for scope in ("main", "footer"):
            links = page.eval_on_selector_all(f"{scope} a", "els => els.map(e => e.href)")
            assert f"{REPOSITORY}/issues/new" in links, (scope, links)
        page.goto(f"{relative_site}/about/")
        links = page.eval_on_selector_all("a", "els => els.map(e => e.href)")
        assert not [u for u in links if "/issues" in u or "github.com" in u]
        assert page.locator(".corrections, .corrections-box").count() == 0  # no empty sentence left
    finally:
        context.close()


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_share_cards_per_category(browser, built_site: BuiltSite) -> None:
    problems: list[str] = []
    record = built_site.records[10]
    context, page = _page(browser, _article_url(built_site), problems)
    try:
        image = page.get_attribute('meta[property="og:image"]', "content")
        assert image == page.get_attribute('meta[name="twitter:image"]', "content")
        assert page.get_attribute('meta[name="twitter:card"]', "content") == "summary_large_image"
        from briefing.categories import find_category

        slug = find_category(built_site.categories[record.id]).slug
        assert image == f"{built_site.base_url}/images/cards/{slug}.png"  # absolute: previews need it
        response = page.request.get(image)
        assert response.ok and response.headers["content-type"] == "image/png"
        assert _png_size(response.body()) == (1200, 630)
    finally:
        context.close()
    cards = sorted(p.name for p in (built_site.output / "images" / "cards").glob("*.png"))
    assert "site.png" in cards and len(cards) == 11


def test_share_card_without_a_korean_font_is_still_drawn(tmp_path: Path) -> None:
    from briefing.site.cards import Card, find_font, render_card, write_cards

    assert find_font(["/nonexistent/font.ttf"]) is None
    assert _png_size(render_card(Card("site", "정책", "요약"), "사이트", None)) == (1200, 630)
    written = write_cards(tmp_path, [Card("economy", "경제·산업", "요약")], "사이트", find_font())
    assert [p.name for p in written] == ["economy.png"]
    assert (
        write_cards(tmp_path, [Card("economy", "경제·산업", "요약")], "사이트", find_font()) == []
    )  # unchanged
