"""The briefing_articles plugin inside a real ``pelican`` build of a tiny site (default theme)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from briefing.articles import article_path, read_meta
from briefing.synthetic import generate_records
from tests.fakellm import FakeLLM, json_reply
from tests.summarize_data import make_record, save, valid_summary

ROOT = Path(__file__).resolve().parent.parent

CONF = """\
PATH = "content"
ARTICLE_PATHS = ["releases"]
PLUGIN_PATHS = [{plugins!r}]
PLUGINS = ["briefing_articles"]
BRIEFING = {briefing!r}
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


def _build(site: Path, briefing: dict, **env_extra: str) -> subprocess.CompletedProcess[str]:
    site.mkdir(parents=True, exist_ok=True)
    (site / "content").mkdir(exist_ok=True)
    (site / "templates").mkdir(exist_ok=True)
    (site / "templates" / "article.html").write_text(ARTICLE_TEMPLATE, encoding="utf-8")
    (site / "conf.py").write_text(
        CONF.format(plugins=str(ROOT / "plugins"), briefing=briefing), encoding="utf-8"
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
    assert "&lt;script&gt;alert" in page and "&lt;img src=x onerror=alert(1)&gt;" in page


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
        assert "1,000억 원 투입" in page and "<b>반도체</b>" not in page

        _build(site, briefing, OPENAI_API_KEY="sk-test-dummy")
        assert fake.calls == 1  # second build: zero calls
        assert path.stat().st_mtime_ns == stamp  # and the article is not rewritten
