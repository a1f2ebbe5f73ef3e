"""Record + summary -> one Pelican Markdown article (the article contract in the README).

Everything that comes from a feed, an attachment or a model is untrusted: it is written with HTML
character references for every character Markdown or HTML would interpret, so a ``<script>`` in a
title or an ``"><img onerror=…>`` in a file name renders as text. Only this module's own markup
(headings, lists, the notice, claim marks, links it builds from checked URLs) is live.

Articles live at ``content/releases/YYYY/MM/<id>.md``; only files carrying our metadata
(``Summary_kind`` and ``Source_hash``) are ever replaced or removed. An article is *rendered* from the
record and the stored summary (:mod:`briefing.summaries`) and never read back for its summary; the
original text stays in the record and reaches the site as a separate file
(:mod:`briefing.article.original`), so the repository keeps each text once.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path

from briefing.article.claims import ClaimMarks
from briefing.article.escape import escape_block, escape_inline, link_html, safe_url  # noqa: F401 (re-exported)
from briefing.errors import ArticleError
from briefing.faithfulness import ClaimCheck
from briefing.records import ReleaseRecord, safe_id
from briefing.store import write_atomic
from briefing.summaries import EXTRACT_LABEL, StoredSummary

log = logging.getLogger(__name__)

NOTICE_TITLE = "원문에서 확인되지 않은 내용"
EXTRACT_NOTHING = "자동 발췌에서 요약할 문장을 찾지 못했습니다. 아래 원문을 확인하세요."
NO_TEXT_MESSAGE = (
    "이 보도자료는 본문과 첨부파일에서 읽을 수 있는 텍스트를 얻지 못해 아직 요약하지 않았습니다. "
    "아래 첨부파일과 정책브리핑 원문 링크에서 내용을 확인하세요. 텍스트를 얻으면 다음 갱신 때 요약합니다."
)


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


def _attachments_meta(record: ReleaseRecord) -> str:
    items = [
        {"name": a.name, "type": a.type, "size": a.size, "url": safe_url(a.url), "error": a.error}
        for a in record.attachments
    ]
    return _meta_json(items)


RENDER_VERSION = "2"  # bump when the rendering changes: every article is then rendered again


def render_key(record: ReleaseRecord, stored: StoredSummary) -> str:
    """What an article is rendered from, as a short hash (its ``Rendered`` metadata): the stored
    summary, this module's version and the record fields the header shows beyond the source hash."""
    parts = (RENDER_VERSION, stored.digest(), record.url, record.modified or "", _attachments_meta(record))
    return hashlib.blake2b("\x00".join(parts).encode("utf-8"), digest_size=12).hexdigest()


def _header(
    record: ReleaseRecord, stored: StoredSummary, key_summary: str, headline_marked: str = ""
) -> list[str]:
    summary = stored.summary
    category = summary.category if summary else stored.category
    # Tag_list (a JSON list) is what the site reads: Pelican splits "Tags: a, b" on "," or ";" (and
    # an escaped "&amp;" has one), so "R&D" became two tags. "Tags" stays for readers of the file.
    tags = [" ".join(str(t).split()) for t in (summary.tags if summary else [])]
    tags = [t for t in tags if t]
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
        # the page's <h1>: the headline with its checked claims marked (only when it has any)
        "Headline_marked": headline_marked,
        "Summary": escape_inline(key_summary),
        "Summary_kind": stored.kind,
        "Model": escape_inline(stored.model),
        "Prompt_version": escape_inline(stored.prompt_version),
        "Source_hash": stored.source_hash,
        "Faithfulness": escape_inline(stored.faithfulness_line()),
        "Summarized_at": stored.summarized_at,
        "Tokens": str(stored.tokens),
        "Cost": f"{stored.cost:.6f}",
        "Original_url": safe_url(record.url),
        "Rendered": render_key(record, stored),
    }
    return [f"{key}: {value}" for key, value in meta.items() if key == "Category" or value != ""] + [""]


def render_article(record: ReleaseRecord, stored: StoredSummary) -> str:
    """The Markdown article of ``record`` from its stored summary (a "none" summary says there was
    no text). Every checked claim is marked in place (:mod:`briefing.article.claims`)."""
    summary = stored.summary
    if summary is None:
        return render_no_text(record, stored)
    marks = ClaimMarks(stored.faithfulness.claims if stored.faithfulness else [])
    headline_marked = marks.render("headline", summary.headline) if marks.by_field.get("headline") else ""
    lines = _header(record, stored, summary.key_summary, headline_marked)
    if stored.extract:
        lines += [f'<p class="summary-label summary-extract">{EXTRACT_LABEL}</p>', ""]
    unsupported = _unique(stored.unsupported)
    if unsupported:
        items = "".join(f"<li>{escape_inline(c.text)}{_reason(c.reason)}</li>" for c in unsupported)
        lines += [
            '<aside class="faithfulness-notice" role="note">',
            f"<strong>{NOTICE_TITLE}</strong>",
            "<p>아래 요약에 표시한 다음 표현은 원문에서 확인되지 않았습니다. 원문을 함께 확인하세요.</p>",
            f"<ul>{items}</ul>",
            "</aside>",
            "",
        ]
    points = [f"- {marks.render(f'main_points[{i}]', p)}" for i, p in enumerate(summary.main_points)]
    sections = [
        ("핵심 요약", marks.render("key_summary", summary.key_summary)),
        ("주요 내용", "\n".join(points)),
        ("배경 및 목적", marks.render("background", summary.background)),
        ("세부 추진 내용", marks.render("details", summary.details)),
        ("기대 효과", marks.render("effects", summary.effects)),
        ("향후 계획", marks.render("next_steps", summary.next_steps)),
    ]
    if stored.extract and not summary.key_summary:
        sections[0] = ("핵심 요약", EXTRACT_NOTHING)
    for heading, text in sections:
        # A section left empty (by the extract, or by a model that wrote nothing there) is left
        # out: only the model itself may say the source lacks something ("원문에 … 제시되지 않았다").
        if text:
            lines += [f"## {heading}", "", text, ""]
    return "\n".join(lines).rstrip() + "\n"


def _unique(claims: list[ClaimCheck]) -> list[ClaimCheck]:
    seen: set[str] = set()
    return [c for c in claims if not (c.text in seen or seen.add(c.text))]


def _reason(reason: str) -> str:
    return f' <span class="claim-why">({escape_inline(reason)})</span>' if reason.strip() else ""


def render_no_text(record: ReleaseRecord, stored: StoredSummary) -> str:
    """The article of a release without usable text: says so plainly and links the originals."""
    lines = _header(record, stored, NO_TEXT_MESSAGE)
    lines += ["## 핵심 요약", "", NO_TEXT_MESSAGE, "", "## 원문 링크", ""]
    if safe_url(record.url):
        lines.append(f"- {link_html(record.url, escape_inline('정책브리핑 원문 보기'))}")
    for att in record.attachments:
        lines.append(f"- {link_html(att.url, escape_inline(att.name))}")
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
