"""A tiny site for the search tests: articles in the article contract's Markdown, built by Pelican.

Articles carry real sentences (from ``../shared/corpus/snippets.json`` where available) plus a
few written for the Korean cases the analyzer must handle, and one hostile title.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.sitebuild import build_site


@dataclass
class Article:
    id: str
    title: str
    date: str  # YYYY-MM-DD HH:MM
    category: str
    ministry: str
    body: str
    tags: list[str] = field(default_factory=list)
    headline: str = ""
    summary: str = ""


def _esc(text: str) -> str:
    return html.escape(text, quote=False)


def markdown(article: Article) -> str:
    """The article as the summariser writes it (metadata lines, summary sections, ``## 원문``)."""
    year, month = article.date[:4], article.date[5:7]
    source = f"https://www.korea.kr/briefing/pressReleaseView.do?newsId={article.id}"
    meta = {
        "Title": _esc(article.title),
        "Date": f"{article.date}:00+09:00",
        "Category": article.category,
        "Tags": ", ".join(article.tags),
        "Slug": article.id,
        "Ministry": article.ministry,
        "Source": source,
        "Attachments": json.dumps([], ensure_ascii=False),
        "Headline": _esc(article.headline or article.title),
        "Summary": _esc(article.summary or article.body[:120]),
        "Summary_kind": "extract",
        "Original_url": source,
    }
    lines = [f"{key}: {value}" for key, value in meta.items()]
    body = [
        "",
        "## 핵심 요약",
        "",
        _esc(article.summary or article.body[:120]),
        "",
        "## 원문 {#original}",
        "",
        "### 보도자료 본문",
        "",
        _esc(article.body),
        "",
    ]
    del year, month
    return "\n".join(lines + body)


def write_content(content: Path, articles: list[Article]) -> None:
    for article in articles:
        path = content / "releases" / article.date[:4] / article.date[5:7] / f"{article.id}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(markdown(article), encoding="utf-8")


def sample_articles(snippets: dict[str, dict] | None = None) -> list[Article]:
    """Articles for the search tests; corpus snippets become extra articles when given."""
    articles = [
        Article(
            "1001",
            "디지털플랫폼정부 실현계획 발표",
            "2026-10-01 09:00",
            "과학·디지털",
            "행정안전부",
            "행정안전부는 디지털플랫폼정부를 통해 모든 데이터가 연결되는 정부를 만든다고 밝혔다.",
            tags=["디지털플랫폼정부", "데이터"],
        ),
        Article(
            "1002",
            "청년 일자리 지원 강화",
            "2026-10-02 10:00",
            "복지·고용",
            "고용노동부",
            "고용노동부는 청년 일자리 도약 장려금을 지원했다. 정부는 청년 고용을 지원하는 정책에서 성과를 냈다.",
            tags=["청년", "일자리"],
        ),
        Article(
            "1003",
            "디지털 플랫폼 정부 위원회 회의 개최",
            "2026-10-03 11:00",
            "행정·안전",
            "디지털플랫폼정부위원회",
            "위원회는 디지털 플랫폼 정부 추진 현황을 점검했다. 정책을 지원한 기관을 포상한다.",
        ),
        Article(
            "1004",
            "<script>alert(1)</script> 반도체 수출 동향 & 전망",
            "2026-10-04 12:00",
            "경제·산업",
            "산업통상자원부",
            "10월 반도체 수출은 150억 달러로 1,000억원 규모의 투자가 이어졌다. 대출 규모는 변동이 없다.",
            tags=["반도체", "수출"],
        ),
        Article(
            "1005",
            "소상공인 대출 지원 확대",
            "2026-10-05 13:00",
            "경제·산업",
            "중소벤처기업부",
            "중소벤처기업부는 소상공인 정책자금 대출을 지원한다. 반도체 기업은 대상이 아니다.",
        ),
    ]
    for n, (path, info) in enumerate(sorted((snippets or {}).items())):
        texts = [s for s in info.get("snippets", []) + info.get("table_snippets", []) if s.strip()]
        if info.get("expect") != "text" or not texts:
            continue
        articles.append(
            Article(
                f"2{n:03d}",
                texts[-1],
                f"2026-09-{1 + n % 28:02d} 09:00",
                "행정·안전",
                path.split("/")[-1].split("-")[0],
                " ".join(texts),
            )
        )
    return articles


def build_search_site(tmp_path: Path, articles: list[Article]) -> Path:
    """Build ``articles`` with our theme and the site and search plugins; returns the output folder."""
    content = tmp_path / "content"
    write_content(content, articles)
    return build_site(
        content,
        tmp_path / "output",
        PLUGINS=["briefing_site", "briefing_search"],
        SEARCH_CACHE_DIR=str(tmp_path / "cache" / "search"),
    )
