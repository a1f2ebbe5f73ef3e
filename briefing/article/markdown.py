"""Record + summary -> one Pelican Markdown article (the article contract in the README).

Everything that comes from a feed, an attachment or a model is untrusted: it is written with HTML
character references for every character Markdown or HTML would interpret, so a ``<script>`` in a
title or an ``"><img onerror=…>`` in a file name renders as text. Only this module's own markup
(headings, lists, the notice, links it builds from checked URLs) is live.

Articles live at ``content/releases/YYYY/MM/<id>.md``; only files carrying our metadata
(``Summary_kind`` and ``Source_hash``) are ever replaced or removed. An article holds metadata and
the summary; the original text stays in the record and reaches the page through
:func:`original_html` at build time, so the repository keeps each text once.
"""

from __future__ import annotations

import html
import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

from briefing.errors import ArticleError
from briefing.faithfulness import FaithfulnessResult
from briefing.records import ReleaseRecord, safe_id
from briefing.store import write_atomic
from briefing.summarize.offline import LABEL as EXTRACT_LABEL
from briefing.summarize.schema import Summary

log = logging.getLogger(__name__)

NOTICE_TITLE = "원문에서 확인되지 않은 내용"
EXTRACT_NOTHING = "자동 발췌에서 요약할 문장을 찾지 못했습니다. 아래 원문을 확인하세요."
NO_TEXT_MESSAGE = (
    "이 보도자료는 본문과 첨부파일에서 읽을 수 있는 텍스트를 얻지 못해 아직 요약하지 않았습니다. "
    "아래 첨부파일과 정책브리핑 원문 링크에서 내용을 확인하세요. 텍스트를 얻으면 다음 갱신 때 요약합니다."
)
MAX_ORIGINAL_CHARS = (
    200_000  # per part shown on the site; a longer text is cut with a note (the record keeps it all)
)

_ENTITIES = {
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    '"': "&quot;",
    "\\": "&#92;",
    "`": "&#96;",
    "*": "&#42;",
    "_": "&#95;",
    "[": "&#91;",
    "]": "&#93;",
    "{": "&#123;",
    "}": "&#125;",
    "|": "&#124;",
    "#": "&#35;",
    "!": "&#33;",
    "~": "&#126;",
    "^": "&#94;",
    "$": "&#36;",
}
_TRANSLATE = str.maketrans(_ENTITIES)
_LINE_START = {"-": "&#45;", "+": "&#43;", "=": "&#61;", ":": "&#58;"}
_ORDERED = re.compile(r"^(\d+)([.)])")


def escape_inline(text: str) -> str:
    """One line of untrusted text, safe in Markdown and HTML (whitespace runs become one space)."""
    line = " ".join(str(text).split())
    out = line.translate(_TRANSLATE)
    if out and out[0] in _LINE_START:
        out = _LINE_START[out[0]] + out[1:]
    return _ORDERED.sub(lambda m: m.group(1) + ("&#46;" if m.group(2) == "." else "&#41;"), out)


def escape_block(text: str) -> str:
    """Untrusted multi-line text as Markdown paragraphs, one per non-empty line."""
    lines = [escape_inline(line) for line in str(text).splitlines()]
    return "\n\n".join(line for line in lines if line)


def safe_url(url: str) -> str:
    """``url`` when it is http(s), with characters that could break out of an attribute encoded;
    empty otherwise (a ``javascript:`` link from a feed is dropped)."""
    url = (url or "").strip()
    if urlsplit(url).scheme.lower() not in ("http", "https"):
        return ""
    return quote(url, safe=":/?#@!$&'()*+,;=%~.-_[]")


def _link(url: str, label: str) -> str:
    href = safe_url(url)
    if not href:
        return escape_inline(label)
    return f'<a href="{html.escape(href, quote=True)}" rel="nofollow noopener">{escape_inline(label)}</a>'


def _meta_json(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def _when(iso: str) -> str:
    from datetime import datetime

    from briefing.records import KST

    return datetime.fromisoformat(iso).astimezone(KST).strftime("%Y-%m-%d %H:%M:%S+09:00")


def article_path(content_dir: Path, record: ReleaseRecord) -> Path:
    """``content/releases/YYYY/MM/<id>.md`` (year and month of publication, Korea time)."""
    return Path(content_dir) / "releases" / (record.relpath.removesuffix(".json") + ".md")


def find_articles(content_dir: Path, release_id: str) -> list[Path]:
    return sorted((Path(content_dir) / "releases").glob(f"*/*/{safe_id(release_id)}.md"))


def article_paths(content_dir: Path) -> list[Path]:
    """Every release article under ``content/releases/YYYY/MM/``."""
    return sorted((Path(content_dir) / "releases").glob("*/*/*.md"))


def read_meta(path: Path) -> dict[str, str]:
    """The metadata lines (``Key: value``) at the top of an article, keys lower-cased; empty when
    the file is absent or unreadable. The one reader of the article format's header."""
    meta: dict[str, str] = {}
    try:
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                if not line.strip():
                    break
                key, sep, value = line.partition(":")
                if not sep or " " in key.strip():  # Pelican's keys are single words
                    break
                meta[key.strip().lower()] = value.strip()
    except (OSError, UnicodeDecodeError):
        return {}
    return meta


def is_ours(meta: dict[str, str]) -> bool:
    return "summary_kind" in meta and "source_hash" in meta


@dataclass
class ArticleInfo:
    """What an article records about how its summary was made."""

    kind: str  # "llm" | "extract" | "none"
    source_hash: str
    model: str = ""
    prompt_version: str = ""
    faithfulness: FaithfulnessResult | None = None
    summarized_at: str = ""
    tokens: int = 0
    cost: float = 0.0


def _attachments_meta(record: ReleaseRecord) -> str:
    items = [
        {"name": a.name, "type": a.type, "size": a.size, "url": safe_url(a.url), "error": a.error}
        for a in record.attachments
    ]
    return _meta_json(items)


def _mark(text: str, claims: list[str]) -> str:
    """Escaped ``text`` with each unsupported claim wrapped in ``<mark class="unsupported">``."""
    out = escape_inline(text)
    for claim in claims:
        pattern = r"\s*".join(re.escape(escape_inline(part)) for part in claim.split())
        out = re.sub(
            f"({pattern})",
            r'<mark class="unsupported" title="원문에서 확인되지 않음">\1</mark>',
            out,
        )
    return out


ORIGINAL_HEADING = '<h2 id="original">원문</h2>'


def original_html(record: ReleaseRecord | None, source_url: str = "") -> str:
    """The release's original text as HTML: page text and each attachment, one ``<p>`` per line
    (notes of our own, such as an unreadable file, are ``<p class="original-missing">``).

    Not part of the Markdown article: the ``briefing_articles`` plugin appends it to the article's
    HTML when Pelican reads the article, so ``content/`` holds each text once (in the record). With
    no record (a build without ``data/``) the part says so and links the release page.
    """
    parts = [ORIGINAL_HEADING]
    if record is None:
        link = _link(source_url, "정책브리핑 원문")
        parts.append(
            f'<p class="original-missing">원문 텍스트 기록을 찾지 못했습니다. {link}에서 확인하세요.</p>'
        )
        return "\n".join(parts) + "\n"
    parts.append("<h3>보도자료 본문</h3>")
    body = record.body_text.strip()
    parts.append(_paragraphs(body) if body else "<p>본문 텍스트가 없습니다.</p>")
    for att in record.attachments:
        parts.append(f"<h3>첨부: {_text(att.name)}</h3>")
        if att.error or not att.text.strip():
            reason = f" ({_text(att.error)})" if att.error else ""
            link = _link(att.url, att.name)
            parts.append(
                f'<p class="original-missing">이 첨부파일의 텍스트를 읽지 못했습니다{reason}. 파일: {link}</p>'
            )
        else:
            parts.append(_paragraphs(att.text))
    return "\n".join(parts) + "\n"


def _text(value: str) -> str:
    return html.escape(" ".join(str(value).split()), quote=False)


def _paragraphs(text: str) -> str:
    if len(text) > MAX_ORIGINAL_CHARS:
        text = text[:MAX_ORIGINAL_CHARS] + "\n(이하 생략: 전문은 첨부파일 원본에서 확인하세요.)"
    return "\n".join(f"<p>{_text(line)}</p>" for line in text.splitlines() if line.strip())


def _header(record: ReleaseRecord, summary: Summary | None, info: ArticleInfo, key_summary: str) -> list[str]:
    category = summary.category if summary else ""
    # Tag_list (a JSON list) is what the site reads: Pelican splits "Tags: a, b" on "," or ";" (and
    # an escaped "&amp;" has one), so "R&D" became two tags. "Tags" stays for readers of the file.
    tags = [" ".join(str(t).split()) for t in (summary.tags if summary else [])]
    tags = [t for t in tags if t]
    faith = info.faithfulness.metadata() if info.faithfulness else "ok"
    meta = {
        "Title": escape_inline(record.title),
        "Date": _when(record.published),
        "Modified": _when(record.modified or record.published),
        "Category": category,
        "Tags": ", ".join(escape_inline(t).replace(",", " ") for t in tags),
        "Tag_list": _meta_json(tags) if tags else "",
        "Slug": safe_id(record.id),
        "Ministry": escape_inline(record.ministry),
        "Source": safe_url(record.url),
        "Attachments": _attachments_meta(record),
        "Headline": escape_inline(summary.headline if summary else record.title),
        "Summary": escape_inline(key_summary),
        "Summary_kind": info.kind,
        "Model": escape_inline(info.model),
        "Prompt_version": escape_inline(info.prompt_version),
        "Source_hash": info.source_hash,
        "Faithfulness": escape_inline(faith),
        "Summarized_at": info.summarized_at,
        "Tokens": str(info.tokens),
        "Cost": f"{info.cost:.6f}",
        "Original_url": safe_url(record.url),
    }
    return [f"{key}: {value}" for key, value in meta.items() if key == "Category" or value != ""] + [""]


def render_article(record: ReleaseRecord, summary: Summary, info: ArticleInfo) -> str:
    """The Markdown article for ``record`` summarised as ``summary``."""
    claims = info.faithfulness.unsupported if info.faithfulness else []
    lines = _header(record, summary, info, summary.key_summary)
    if info.kind == "extract":
        lines += [f'<p class="summary-label summary-extract">{EXTRACT_LABEL}</p>', ""]
    if claims:
        items = "".join(f"<li>{escape_inline(c)}</li>" for c in claims)
        lines += [
            '<aside class="faithfulness-notice" role="note">',
            f"<strong>{NOTICE_TITLE}</strong>",
            "<p>아래 요약의 다음 표현은 원문에서 확인되지 않았습니다. 원문을 함께 확인하세요.</p>",
            f"<ul>{items}</ul>",
            "</aside>",
            "",
        ]
    sections = [
        ("핵심 요약", _mark(summary.key_summary, claims)),
        ("주요 내용", "\n".join(f"- {_mark(p, claims)}" for p in summary.main_points)),
        ("배경 및 목적", _mark(summary.background, claims)),
        ("세부 추진 내용", _mark(summary.details, claims)),
        ("기대 효과", _mark(summary.effects, claims)),
        ("향후 계획", _mark(summary.next_steps, claims)),
    ]
    if info.kind == "extract" and not summary.key_summary:
        sections[0] = ("핵심 요약", EXTRACT_NOTHING)
    for heading, text in sections:
        # A section left empty (by the extract, or by a model that wrote nothing there) is left
        # out: only the model itself may say the source lacks something ("원문에 … 제시되지 않았다").
        if text:
            lines += [f"## {heading}", "", text, ""]
    return "\n".join(lines).rstrip() + "\n"


def render_no_text(record: ReleaseRecord, info: ArticleInfo, category: str) -> str:
    """The article of a release without usable text: says so plainly and links the originals."""
    summary = Summary.model_construct(
        headline=record.title, key_summary=NO_TEXT_MESSAGE, category=category, tags=[]
    )
    lines = _header(record, summary, info, NO_TEXT_MESSAGE)
    lines += ["## 핵심 요약", "", NO_TEXT_MESSAGE, "", "## 원문 링크", ""]
    if safe_url(record.url):
        lines.append(f"- {_link(record.url, '정책브리핑 원문 보기')}")
    for att in record.attachments:
        lines.append(f"- {_link(att.url, att.name)}")
    return "\n".join(lines).rstrip() + "\n"


class ForeignFileError(ArticleError):
    """A file we did not write sits where an article would go; it is left alone."""


def write_article(content_dir: Path, record: ReleaseRecord, text: str) -> bool:
    """Write the article atomically; remove our own copy from an old month folder. True when bytes
    changed. Raises :class:`ForeignFileError` instead of replacing a file we did not write."""
    path = article_path(content_dir, record)
    if path.exists() and not is_ours(read_meta(path)):
        raise ForeignFileError(f"{path} was not written by briefing; left alone")
    changed = write_atomic(path, text)
    for other in find_articles(content_dir, record.id):
        if other != path and is_ours(read_meta(other)):
            other.unlink(missing_ok=True)
            changed = True
    return changed
