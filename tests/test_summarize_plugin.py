"""The briefing_articles plugin inside a real ``pelican`` build of a tiny site (default theme)."""

from __future__ import annotations

import gzip
import json
import os
import re
import subprocess
import sys
from pathlib import Path

from briefing.article.markdown import article_path, read_meta
from briefing.article.original import original_html
from briefing.article.view import view_of_record
from briefing.chat.retrieval import open_chat_index
from briefing.search.query import query_terms
from briefing.testing.fakellm import FakeLLM, json_reply
from briefing.testing.summaries import make_record, save, valid_summary
from briefing.testing.synthetic import generate_records

ROOT = Path(__file__).resolve().parent.parent

CONF = """\
PATH = "content"
ARTICLE_PATHS = ["releases"]
PLUGIN_PATHS = [{plugins!r}]
PLUGINS = {plugin_list!r}
BRIEFING = {briefing!r}
SUMMARIZE_ON_BUILD = {summarize!r}
SITENAME = "test"
SITEURL = ""
TIMEZONE = "Asia/Seoul"
DEFAULT_LANG = "ko"
ARTICLE_URL = "releases/{{date:%Y}}/{{date:%m}}/{{slug}}/"
ARTICLE_SAVE_AS = "releases/{{date:%Y}}/{{date:%m}}/{{slug}}/index.html"
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
THEME_TEMPLATES_OVERRIDES = ["templates"]
"""

# Metadata and body written raw (no autoescape, no filters): our escaping alone must make every
# hostile string render as text.
ARTICLE_TEMPLATE = """\
<!DOCTYPE html>
<html lang="ko"><head><meta charset="utf-8"><title>{{ article.title }}</title></head>
<body><h1 title="{{ article.headline }}">{{ article.title }}</h1>
<p class="meta">{{ article.ministry }} · {{ article.category }} · {{ article.faithfulness }}</p>
<div class="summary">{{ article.summary }}</div>
<div class="content">{{ article.content }}</div></body></html>
"""


def _build(
    site: Path,
    briefing: dict,
    plugins: tuple[str, ...] = ("briefing_articles",),
    summarize: bool = True,
    **env_extra: str,
) -> subprocess.CompletedProcess[str]:
    site.mkdir(parents=True, exist_ok=True)
    (site / "content").mkdir(exist_ok=True)
    (site / "templates").mkdir(exist_ok=True)
    (site / "templates" / "article.html").write_text(ARTICLE_TEMPLATE, encoding="utf-8")
    (site / "conf.py").write_text(
        CONF.format(
            plugins=str(ROOT / "plugins"), plugin_list=list(plugins), briefing=briefing, summarize=summarize
        ),
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFING_")}
    env.update(PYTHONPATH=str(ROOT), LITELLM_LOCAL_MODEL_COST_MAP="True", **env_extra)
    command = [sys.executable, "-m", "pelican", "content", "-s", "conf.py", "-o", "output"]
    done = subprocess.run(command, cwd=site, env=env, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def _page(site: Path, record) -> str:
    when = record.published_at
    return (site / "output" / "releases" / f"{when:%Y}" / f"{when:%m}" / record.id / "index.html").read_text(
        encoding="utf-8"
    )


def test_plugin_writes_articles_before_pelican_reads_them(tmp_path: Path) -> None:
    data = tmp_path / "data"
    hostile = make_record("9001", title='<script>alert("x")</script> 반도체 지원')
    hostile.attachments[0].name = '"><img src=x onerror=alert(1)>.hwpx'
    records = [hostile, *generate_records(3, seed=5)]
    save(data, *records)
    site = tmp_path / "site"

    done = _build(site, {"data_dir": str(data), "llm_model": ""})

    assert "Processed 4 articles" in done.stdout
    for record in records:
        assert read_meta(article_path(site / "content", record))["summary_kind"] == "extract"
        page = _page(site, record)  # Pelican read the article written in the same build
        assert "자동 발췌 요약 — AI 요약 아님" in page
    page = _page(site, hostile)
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert" in page


def test_plugin_with_a_model_calls_once_then_never_again(tmp_path: Path) -> None:
    data = tmp_path / "data"
    record = make_record()
    save(data, record)
    site = tmp_path / "site"
    with FakeLLM() as fake:
        fake.default = json_reply(valid_summary(headline="과기정통부, <b>반도체</b> 지원"))
        briefing = {"data_dir": str(data), "llm_model": "openai/gpt-4o-mini", "llm_api_base": fake.api_base}
        _build(site, briefing, OPENAI_API_KEY="sk-test-dummy")
        assert fake.calls == 1
        path = article_path(site / "content", record)
        assert read_meta(path)["summary_kind"] == "llm"
        stamp = path.stat().st_mtime_ns
        page = _page(site, record)
        assert "1,000억 원 투입" in re.sub(r"<[^>]+>", "", page) and "<b>반도체</b>" not in page

        _build(site, briefing, OPENAI_API_KEY="sk-test-dummy")
        assert fake.calls == 1  # second build: zero calls
        assert path.stat().st_mtime_ns == stamp  # and the article is not rewritten


def test_original_text_comes_from_the_record_not_the_markdown(tmp_path: Path) -> None:
    data = tmp_path / "data"
    record = make_record("9002")
    record.body_text = '본문 첫 줄 해양쓰레기수거선\n<script>alert("b")</script> 둘째 줄'
    record.attachments[0].text = "첨부 본문 수소충전소확충 | *별표* <img src=x onerror=alert(2)>"
    broken = make_record("9003")
    broken.attachments[0].error = "encrypted: password required"
    broken.attachments[0].text = ""
    gone = make_record("9004")
    save(data, record, broken, gone)
    site = tmp_path / "site"
    everything = ("briefing_articles", "briefing_search", "briefing_chat")
    _build(site, {"data_dir": str(data), "llm_model": ""}, everything)

    markdown = article_path(site / "content", record).read_text(encoding="utf-8")
    assert "해양쓰레기수거선" not in markdown and "수소충전소확충" not in markdown  # content/ holds no copy
    assert "해양쓰레기수거선" not in _page(site, record)  # the page neither: briefing_site writes a file
    # the original-text file is made from the record (briefing.article.original), escaped
    original = original_html(view_of_record(data, record))
    assert '<span class="ev" id="ev-page-1">본문 첫 줄 해양쓰레기수거선</span>' in original
    assert (
        '<span class="ev" id="ev-page-2">&lt;script&gt;alert("b")&lt;/script&gt; 둘째 줄</span>' in original
    )
    assert "<td>첨부 본문 수소충전소확충</td><td>*별표* &lt;img src=x onerror=alert(2)&gt;</td>" in original
    assert "<script>" not in original and "<img" not in original
    unreadable = original_html(view_of_record(data, broken))
    assert (
        '<p class="original-missing">이 첨부파일의 텍스트를 읽지 못했습니다 (encrypted: password required).'
        in unreadable
    )

    # search and chat index the original text too, read from the record
    terms: dict[str, list] = {}
    for shard in (site / "output" / "search" / "t").glob("*.json.gz"):
        terms.update(json.loads(gzip.decompress(shard.read_bytes())))
    assert all(term in terms for term in query_terms("해양쓰레기수거선 수소충전소확충"))
    hits = open_chat_index(site / "output" / "chat-index").search("해양쓰레기수거선")
    assert [(h.release_id, h.kind) for h in hits][:1] == [("9002", "original")]

    # a record that is gone: the build goes on, and the original says so and links the portal
    (data / "releases" / gone.relpath).unlink()
    _build(site, {"data_dir": str(data), "llm_model": ""}, everything)
    assert _page(site, gone)
    missing = original_html(view_of_record(data, gone), gone.url)
    assert '<p class="original-missing">원문 텍스트 기록을 찾지 못했습니다.' in missing
    assert f'href="{gone.url}"' in missing


def test_a_publish_build_reads_the_articles_without_summarising(tmp_path: Path) -> None:
    data = tmp_path / "data"
    first, second = make_record("9101"), make_record("9102")
    second.attachments[0].text = "두 번째 첨부 본문 수소충전소"
    save(data, first)
    site = tmp_path / "site"
    _build(site, {"data_dir": str(data), "llm_model": ""})  # summarised by the plugin
    save(data, second)  # collected after the summarize step: no article yet

    done = _build(site, {"data_dir": str(data), "llm_model": ""}, summarize=False)

    assert "Processed 1 article" in done.stdout
    assert not article_path(site / "content", second).exists()  # the build wrote no article
    assert "자동 발췌 요약" in _page(site, first)  # rendered from what the summarize step stored
