"""The chat panel in headless Chromium on a real Pelican build (with the briefing_chat plugin).

With ``briefing serve`` and the fake model behind it the panel streams an answer with a citation
link; on the site as built without an endpoint (the static server of the site tests, under a
strict CSP) the panel shows search results for the question instead.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest

from briefing.chat.serve import make_server
from briefing.llm import preload
from briefing.settings import Settings
from briefing.testing.fakellm import FakeLLM, slow_reply, text_reply
from tests.support.chat_support import cite_reply
from tests.support.site_fixture import BuiltSite  # the built_site fixture comes from conftest.py

pytestmark = pytest.mark.browser


@pytest.fixture
def chat_site(built_site: BuiltSite, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, FakeLLM]]:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-not-a-secret")
    preload()  # litellm's import takes seconds on a loaded machine; not what these tests measure
    with FakeLLM() as fake:
        fake.default = cite_reply
        settings = Settings().with_values(
            {"chat_model": "openai/fake", "llm_api_base": fake.api_base, "site_url": built_site.base_url}
        )
        server = make_server(settings, "127.0.0.1", 0, output=built_site.output)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}", fake
        finally:
            server.shutdown()
            server.server_close()


def _page(browser: Any, problems: list[str]) -> Any:
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.on("console", lambda m: problems.append(f"{m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
    return page


def test_panel_streams_answer_with_citation(
    browser: Any, built_site: BuiltSite, chat_site: tuple[str, FakeLLM]
) -> None:
    url, fake = chat_site
    assert (built_site.output / "chat-index" / "chat-index.json").is_file()  # written by the plugin
    record = built_site.records[3]
    problems: list[str] = []
    page = _page(browser, problems)
    page.goto(url + "/")
    page.click("#chat-open")
    assert page.is_visible("#chat-panel") and page.is_visible(".chat-tip")
    page.fill("#chat-input", f"{record.title} 내용을 알려주세요")
    page.press("#chat-input", "Enter")
    cite = page.wait_for_selector(".chat-answer a.chat-cite", timeout=60_000)
    assert cite.inner_text() == "[1]"
    answer = page.inner_text(".chat-answer")
    assert "지원 대상이 확대됩니다" in answer
    source_links = page.eval_on_selector_all(".chat-sources a", "els => els.map(e => e.href)")
    expected = f"{built_site.base_url}/releases/{record.relpath.removesuffix('.json')}/"
    assert expected in source_links
    assert cite.get_attribute("href") in source_links
    assert fake.calls == 1
    page.wait_for_selector(".chat-copy")
    # Shift+Enter is a new line, not a send; focus stays inside the panel (Shift+Tab from the first
    # control wraps to the last)
    page.fill("#chat-input", "첫 줄")
    page.press("#chat-input", "Shift+Enter")
    assert page.input_value("#chat-input") == "첫 줄\n" and fake.calls == 1
    page.focus("#chat-close")
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.getElementById('chat-panel').contains(document.activeElement)")
    assert page.evaluate("document.activeElement.id") == "chat-send"
    page.focus("#chat-input")
    # Escape closes the panel and returns focus to the button
    page.press("#chat-input", "Escape")
    assert page.is_hidden("#chat-panel")
    assert page.evaluate("document.activeElement.id") == "chat-open"
    assert problems == []


def test_panel_without_endpoint_shows_search_results(browser: Any, built_site: BuiltSite) -> None:
    record = built_site.records[5]
    problems: list[str] = []
    page = _page(browser, problems)
    page.goto(built_site.base_url + "/")  # built without CHAT_ENDPOINT, served as-is with a strict CSP
    page.click("#chat-open")
    page.fill("#chat-input", record.title)
    page.press("#chat-input", "Enter")
    page.wait_for_selector(".chat-search-results a", timeout=60_000)
    titles = page.eval_on_selector_all(".chat-search-results a", "els => els.map(e => e.textContent)")
    assert record.title in titles
    assert "검색 결과" in page.inner_text(".chat-bot >> nth=-1")
    assert problems == []


def test_palette_hands_question_to_chat(browser: Any, built_site: BuiltSite) -> None:
    """⌘K palette → "AI에게 묻기" → the chat panel asks the same question (here: no endpoint, so search)."""
    record = built_site.records[7]
    problems: list[str] = []
    page = _page(browser, problems)
    page.goto(built_site.base_url + "/")
    page.keyboard.press("Control+k")
    page.wait_for_selector("#search-palette[open]")
    page.fill("#search-palette-input", record.title)
    page.click("#search-palette [data-chat-ask]")
    page.wait_for_selector(".chat-search-results a", timeout=60_000)
    assert page.is_visible("#chat-panel") and not page.is_visible("#search-palette")
    assert record.title in page.inner_text(".chat-user")
    titles = page.eval_on_selector_all(".chat-search-results a", "els => els.map(e => e.textContent)")
    assert record.title in titles
    assert problems == []


def test_stop_button_ends_a_slow_answer(
    browser: Any, built_site: BuiltSite, chat_site: tuple[str, FakeLLM]
) -> None:
    url, fake = chat_site
    fake.default = slow_reply(20.0, text_reply("너무 늦은 답변 [1]"))
    record = built_site.records[11]
    problems: list[str] = []
    page = _page(browser, problems)
    page.goto(url + "/")
    page.click("#chat-open")
    page.fill("#chat-input", record.title)
    page.press("#chat-input", "Enter")
    page.wait_for_selector(".chat-sources a", timeout=60_000)  # sources arrive before the model answers
    assert page.is_visible("#chat-stop") and page.is_disabled("#chat-send")
    page.click("#chat-stop")
    page.wait_for_selector("text=답변을 중지했습니다.", timeout=10_000)
    assert page.is_hidden("#chat-stop") and page.is_enabled("#chat-send")
    assert "너무 늦은" not in page.inner_text("#chat-log")
    assert problems == []


def test_notices_get_no_copy_button_and_suggestions_are_words(
    browser: Any, built_site: BuiltSite, chat_site: tuple[str, FakeLLM]
) -> None:
    """A no-match reply suggests content words (never "‘어때요’ 검색") and, like a sources-only reply
    (no model configured), has no "답변 복사": there is no answer to copy."""
    url, fake = chat_site
    problems: list[str] = []
    page = _page(browser, problems)
    page.goto(url + "/")
    page.click("#chat-open")
    page.fill("#chat-input", "오늘 저녁 메뉴로 떡볶이 어때요?")
    page.press("#chat-input", "Enter")
    page.wait_for_selector(".chat-suggestion", timeout=60_000)
    page.wait_for_selector("#chat-send:enabled")
    suggestions = page.eval_on_selector_all(".chat-suggestion", "els => els.map(e => e.textContent)")
    assert suggestions and not [s for s in suggestions if "어때요" in s or "메뉴로" in s], suggestions
    assert page.locator(".chat-copy").count() == 0 and fake.calls == 0
    assert problems == []

    bare = Settings().with_values({"chat_model": "", "llm_model": "", "site_url": built_site.base_url})
    server = make_server(bare, "127.0.0.1", 0, output=built_site.output)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        page.goto(f"http://127.0.0.1:{server.server_address[1]}/")
        page.click("#chat-open")
        page.fill("#chat-input", built_site.records[4].title)
        page.press("#chat-input", "Enter")
        page.wait_for_selector(".chat-sources a", timeout=60_000)
        page.wait_for_selector("#chat-send:enabled")
        assert "AI 답변 모델이 설정되지 않아" in page.inner_text("#chat-log")
        assert page.locator(".chat-copy").count() == 0
        assert problems == []
    finally:
        server.shutdown()
        server.server_close()
