"""Hostile release and model text through the whole site: feeds (finding 2), tags, the CSP <meta>.

Records with markup in their titles go through the real summariser talking to the fake LLM, whose
answers carry markup and tags made of the characters Pelican's tag list trips over; then the real
Pelican build. Feeds are read as a feed reader reads them: feedparser with sanitizing off, then an
HTML parse of every field it would render as HTML.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import feedparser
import pytest

from briefing.site.csp import policy
from briefing.store import Store
from briefing.summarize import run_summarize
from briefing.testing.fakellm import FakeLLM, json_reply
from briefing.testing.summaries import llm_settings, make_record, valid_summary
from tests.support.sitebuild import build_site

TITLES = [
    '<b onmouseover="alert(1)">굵은</b> 예산 <img src=x onerror=alert(2)> 발표',
    "R&D 투자 확대; <i>기울임</i> 계획",
    "정상 제목 </title><script>alert(3)</script>",
    "인공지능 반도체 산업 육성 지원 계획 발표",
]
TAGS = ["R&D", "a;b", "x,y", "<i>기울임</i>", ";"]
HOSTILE_KEY = (
    "과학기술정보통신부가 2025년 9월 3일 <img src=x onerror=alert(4)> 지원 계획을 발표했다. "
    '2026년까지 <a href="javascript:alert(5)">1000억원</a>을 투입한다. '
    '공공 데이터센터 100개 기관에 <svg onload="alert(6)">국산 반도체를 우선 도입한다.'
)
# our own markup in feed entries: paragraphs, lists, the notice, links; nothing else, no handlers
ALLOWED = {"p", "ul", "li", "a", "strong", "h2"}


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))


def _elements(html_text: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    parser = _Elements()
    parser.feed(html_text)
    parser.close()
    return parser.found


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("hostile-site")
    with pytest.MonkeyPatch.context() as mp, FakeLLM() as fake:
        mp.setenv("OPENAI_API_KEY", "sk-test-dummy")
        settings = llm_settings(root, fake.api_base)
        store = Store(settings.data_dir)
        for n, title in enumerate(TITLES, 1):
            store.save(make_record(f"15670000{n}", title=title))
        fake.default = json_reply(
            valid_summary(
                headline='<script>alert("h")</script> 헤드라인 & "따옴표"', key_summary=HOSTILE_KEY, tags=TAGS
            )
        )
        report = run_summarize(settings)
        assert report.exit_code == 0 and report.written == 4, report.summary_line()
    output = root / "output"
    build_site(
        settings.content_dir,
        output,
        data_dir=settings.data_dir,
        SITEURL="https://example.org/briefing",
        FEED_DOMAIN="https://example.org/briefing",
        RELATIVE_URLS=False,
        SUMMARIZE_ON_BUILD=False,
        CHAT_ENDPOINT="https://chat.example.net/api/chat",
    )
    yield output


def test_no_feed_field_carries_live_markup(site: Path) -> None:
    """Finding 2: Atom <summary type="html"> carried the plain summary unescaped."""
    feeds = sorted((site / "feeds").rglob("*.xml"))
    assert len(feeds) >= 4
    checked = 0
    for path in feeds:
        parsed = feedparser.parse(path.read_bytes(), sanitize_html=False)
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))
        for entry in parsed.entries:
            details = [entry.get("title_detail"), entry.get("summary_detail"), *entry.get("content", [])]
            for detail in filter(None, details):
                if "html" not in detail.type:
                    continue  # shown as text by readers
                checked += 1
                for tag, attrs in _elements(detail.value):
                    where = f"{path.name}: <{tag}> in {detail.value[:120]!r}"
                    assert tag in ALLOWED, where
                    for name, value in attrs:
                        assert name == "href", where
                        assert (value or "").startswith(("https://", "http://")), where
    assert checked > 20
    atom = feedparser.parse((site / "feeds" / "all.atom.xml").read_bytes(), sanitize_html=False)
    summaries = [e.summary for e in atom.entries]
    assert any("<img src=x onerror=alert(4)>" in _text_of(s) for s in summaries)  # shown as text


def _text_of(html_text: str) -> str:
    parser = HTMLParser(convert_charrefs=True)
    out: list[str] = []
    parser.handle_data = out.append  # type: ignore[method-assign]
    parser.feed(html_text)
    parser.close()
    return "".join(out)


def test_rss_titles_that_look_like_markup_stay_text(site: Path) -> None:
    rss = feedparser.parse((site / "feeds" / "all.rss.xml").read_bytes(), sanitize_html=False)
    titles = {_text_of(e.title) if "html" in e.title_detail.type else e.title for e in rss.entries}
    assert " ".join(TITLES[0].split()) in titles


def test_tags_round_trip_any_character(site: Path) -> None:
    pages = sorted((site / "releases").rglob("*.json"))
    assert len(pages) == 4
    for page in pages:
        data = json.loads(page.read_text(encoding="utf-8"))
        assert data["tags"] == TAGS, data["tags"]
    html = next((site / "releases").rglob("index.html")).read_text(encoding="utf-8")
    assert "#R&amp;D" in html and "#a;b" in html and "#x,y" in html and "#&lt;i&gt;기울임&lt;/i&gt;" in html
    hrefs = re.findall(r'href="https://example.org/briefing/tag/([^"]*)"', html)
    assert hrefs and all(h.strip("/") and "//" not in h for h in hrefs), hrefs
    tag_dirs = {p.name for p in (site / "tag").iterdir() if p.is_dir()}
    assert tag_dirs >= {"rd", "ab", "xy", "기울임"}
    assert not tag_dirs & {"amp", "alert", "script", "lt", "gt", "r-amp", "d"}
    assert len(tag_dirs) == len(TAGS)  # ";" got a page of its own (a hashed slug), not "tag//"


def test_every_page_carries_the_csp_meta(site: Path) -> None:
    expected = policy("https://chat.example.net/api/chat", site_url="https://example.org/briefing")
    assert "script-src 'self' https://example.org;" in expected
    assert "connect-src 'self' https://example.org https://chat.example.net;" in expected
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 10
    for page in pages:
        html = page.read_text(encoding="utf-8")
        metas = re.findall(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', html)
        assert metas == [expected.replace("'", "&#39;")] or metas == [expected], page
        head = html.split("</head>", 1)[0]
        assert head.index("Content-Security-Policy") < head.index("<script"), page
        # the only inline script is the JSON-LD data block
        for attrs, body in re.findall(r"<script([^>]*)>(.*?)</script>", html, re.DOTALL):
            assert 'type="application/ld+json"' in attrs or (body.strip() == "" and "src=" in attrs), page


def test_chat_sources_are_plain_text(site: Path) -> None:
    """Finding 5: chat sources carried entity-escaped titles and <p> tags readers saw as &lt;."""
    import threading
    import urllib.request

    from briefing.chat.serve import make_server
    from briefing.settings import Settings

    server = make_server(Settings().with_values({"llm_model": "", "chat_model": ""}), port=0, output=site)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        host, port = server.server_address[:2]
        request = urllib.request.Request(
            f"http://{host}:{port}/api/chat",
            data=json.dumps({"question": "R&D 투자 확대 기울임 계획은?"}).encode(),
            headers={"Content-Type": "application/json", "Accept": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            answer = json.loads(response.read())
    finally:
        server.shutdown()
        server.server_close()
    titles = [s["title"] for s in answer["sources"]]
    assert " ".join(TITLES[1].split()) in titles, titles
    for source in answer["sources"]:
        assert (
            "&amp;" not in source["title"] and "&lt;" not in source["title"] and "<p>" not in source["title"]
        )
        assert "&" not in source["ministry"].replace("R&D", "")
