"""Offline extractive summaries: the same six sections, filled only with the source's own sentences.

Used when no model is configured (a fresh clone, a fork without keys) and as the placeholder while
an LLM summary is pending. Every sentence is copied from the source, so nothing can be invented;
the page labels it honestly as an automatic extract (:data:`LABEL`).
"""

from __future__ import annotations

import re
from collections import Counter

from briefing.categories import guess_category
from briefing.faithfulness import extract_names
from briefing.records import ReleaseRecord
from briefing.summarize.schema import Summary
from briefing.summarize.source import Source

LABEL = "자동 발췌 요약 — AI 요약 아님"
OFFLINE_VERSION = "extract-4"  # recorded as Prompt_version of extract summaries

_BULLET = re.compile(r"^[□○◦●▶▷■◆※\-•ㅇ·*▪︎◇]+\s*|^\(?\d{1,2}[.)]\s*|^[가-하][.)]\s*")
_SENTENCE = re.compile(r"(?<=[다요음함됨임]\.)\s+|(?<=[^\d\s][.!?])\s+(?=[가-힣A-Z0-9\"'“‘(\[])")
_STOP = frozenset(
    ("및", "등", "위한", "대한", "통해", "관련", "추진", "지원", "계획", "정부", "올해", "이번")
)

_SECTION_WORDS: dict[str, tuple[str, ...]] = {
    "background": ("배경", "목적", "위해", "필요", "그간", "최근", "증가", "문제", "어려움"),
    "details": ("추진", "지원", "시행", "도입", "운영", "마련", "확대", "개선", "개정", "실시", "신설"),
    "effects": ("기대", "효과", "개선될", "줄어", "늘어", "도움", "향상", "절감", "편의"),
    "next_steps": ("향후", "앞으로", "계획", "예정", "추진할", "하반기", "내년", "까지", "이후"),
}


_LINE_END = re.compile(r"([.!?…:]|[다요음함됨임])[\"'”’)]*$")
_TABLE_ROW = re.compile(r"(^|\s)\|(\s|$)")  # cells joined by " | " by the extractor
_WRAP_MIN = 20  # a line at least this long that stops mid-sentence was wrapped by the PDF's layout


def unwrap_lines(text: str) -> list[str]:
    """Lines of ``text`` with PDF layout wraps undone: a long line that stops mid-sentence is
    joined with the next one unless that one opens a new item (bullet, number, table row)."""
    lines: list[str] = []
    for raw in text.split("\n"):
        line = raw.strip()
        previous = lines[-1] if lines else ""
        joinable = (
            line
            and len(previous) >= _WRAP_MIN
            and not _TABLE_ROW.search(previous)
            and not _TABLE_ROW.search(line)
            and not _LINE_END.search(previous)
            and not _BULLET.match(line)
        )
        if joinable:
            lines[-1] = f"{previous} {line}"
        else:
            lines.append(line)
    return lines


def sentences(text: str) -> list[str]:
    """Sentence-like units of ``text``: bullets stripped, too short or too long ones left out."""
    out: list[str] = []
    for line in unwrap_lines(text):
        if _TABLE_ROW.search(line):  # a table row (cells joined by the extractor): figures, not a sentence
            continue
        line = _BULLET.sub("", line).strip()
        for piece in _SENTENCE.split(line):
            piece = piece.strip()
            hangul = len(re.findall(r"[가-힣]", piece))
            if hangul >= 12 and len(piece) <= 300 and piece not in out:
                out.append(piece)
    return out


def _words(text: str) -> list[str]:
    words = re.findall(r"[가-힣A-Za-z]{2,}", text)
    stripped = [re.sub(r"(을|를|이|가|은|는|에|의|과|와|로|으로|에서|까지|부터|도)$", "", w) for w in words]
    return [w for w in stripped if len(w) >= 2 and w not in _STOP]


def _pick(candidates: list[str], words: tuple[str, ...], used: set[str], n: int) -> list[str]:
    chosen = [s for s in candidates if s not in used and any(w in s for w in words)][:n]
    used.update(chosen)
    return chosen


def _join(items: list[str]) -> str:
    return " ".join(s if s.endswith((".", "!", "?")) else s + "." for s in items)


def extract_summary(record: ReleaseRecord, source: Source) -> Summary:
    """Six sections of sentences copied from ``source``; never fails (a short source gives short
    sections, built without validation because an extract may have fewer than 3 sentences)."""
    body = "\n".join(part.text for part in source.parts)
    title = " ".join(record.title.split()).rstrip(".")
    # the title often opens the attachment text; it is already the headline
    candidates = [c for c in sentences(body) if c.rstrip(".") not in title]
    title_words = set(_words(record.title))
    # score: sentences sharing words with the title, early ones first
    scored = sorted(
        range(len(candidates)),
        key=lambda i: (-len(title_words & set(_words(candidates[i]))), i),
    )
    key = sorted(scored[:3])
    used = {candidates[i] for i in key}
    points = [s for s in candidates if s not in used][:5]
    used.update(points)
    sections = {name: _join(_pick(candidates, words, used, 2)) for name, words in _SECTION_WORDS.items()}
    freq = Counter(_words(record.title + "\n" + body))
    tags = [w for w, _ in freq.most_common(12) if w in title_words or freq[w] > 2][:5]
    ministries = [record.ministry] if record.ministry else []
    for claim in extract_names(body[:5000]):
        if claim.key not in ministries and len(ministries) < 5:
            ministries.append(claim.key)
    category = guess_category(record.title + "\n" + body[:5000])
    return Summary.model_construct(
        headline=record.title.strip(),
        key_summary=_join([candidates[i] for i in key]),
        main_points=points,
        background=sections["background"],
        details=sections["details"],
        effects=sections["effects"],
        next_steps=sections["next_steps"],
        category=category.name,
        tags=tags,
        ministries=ministries,
    )
