"""Claims out of a summary, each with its field, its span and the clause around it.

A claim is something a reader could check against the source: a number with its unit, a date, a
person with a title, an organisation, a quotation, or the meaning of a clause (a direction such as
증가/감소, a rank, a pairing of two specific things). Each claim keeps the words of its clause so the
aligner can ask whether the passage that has the value also talks about the same thing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from briefing.faithfulness.dates import DateRef, parse_dates
from briefing.faithfulness.names import Person, org_names, people, quotes
from briefing.faithfulness.numbers import Num, parse_numbers

TEXT_FIELDS = ("headline", "key_summary", "main_points", "background", "details", "effects", "next_steps")

# Endings of particles and verb forms, stripped to get a word's stem for look-ups.
_PARTICLES = (
    "에서는",
    "에서도",
    "으로는",
    "으로도",
    "에게는",
    "까지는",
    "부터는",
    "이라는",
    "에서의",
    "으로의",
    "에서",
    "에게",
    "으로",
    "부터",
    "까지",
    "보다",
    "처럼",
    "만큼",
    "라는",
    "이며",
    "이고",
    "에는",
    "와는",
    "과는",
    "에도",
    "이나",
    "이란",
    "와",
    "과",
    "은",
    "는",
    "이",
    "가",
    "을",
    "를",
    "의",
    "에",
    "도",
    "로",
    "만",
)
_WORD = re.compile(r"[가-힣A-Za-z0-9][가-힣A-Za-z0-9·ㆍ‧\-]*")
# Words too common in releases to tell two passages apart.
STOPWORDS = frozenset(
    [
        "정부",
        "올해",
        "내년",
        "작년",
        "지난해",
        "전년",
        "이번",
        "관련",
        "통해",
        "위해",
        "대한",
        "대해",
        "등을",
        "등의",
        "등이",
        "등은",
        "있다",
        "있는",
        "없는",
        "한다",
        "했다",
        "이다",
        "것으로",
        "것이다",
        "밝혔다",
        "말했다",
        "계획이다",
        "예정이다",
        "방침이다",
        "기준",
        "대비",
        "규모",
        "사업",
        "추진",
        "지원",
        "계획",
        "강화",
        "확대",
        "마련",
        "운영",
        "실시",
        "진행",
        "경우",
        "이상",
        "이하",
        "미만",
        "이내",
        "최대",
        "최소",
        "모두",
        "각각",
        "가장",
        "함께",
        "또한",
        "또는",
        "그리고",
        "따라",
        "따른",
        "위한",
        "대한민국",
        "국민",
        "정책",
        "분야",
        "방안",
        "내용",
        "현황",
        "결과",
        "부문",
        "제도",
        "기관",
        "관계자",
        "전체",
        "주요",
        "이후",
        "당시",
        "현재",
        "가운데",
        "중심",
        "만원",
        "억원",
        "원문",
        "통한",
        "기대",
        "기대된다",
        "수준",
        "제시",
        "제시되지",
        "않았다",
    ]
)


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A word without its trailing particle (kept when stripping would leave one syllable)."""
    for p in _PARTICLES:
        if word.endswith(p) and len(word) - len(p) >= 2:
            return word[: -len(p)]
    return word


_VERBISH = re.compile(
    r"(?:했다|한다|된다|됐다|였다|이다|했으며|하며|하고|되고|되어|하여|해|한|할|하는|되는|된|될|됐고|했고|"
    r"였고|으며|며|고|다|지만|으나|는데|면서|도록|려면|으면|면|어|아|게|지)$"
)


def content_words(text: str) -> list[tuple[str, int, int]]:
    """Content words of ``text`` (stems, with spans): nouns and identifiers, not verbs or stopwords."""
    out = []
    for m in _WORD.finditer(text):
        raw = m.group(0)
        for piece in re.split(r"[·ㆍ‧]", raw):
            w = stem(piece)
            if len(w) < 2 or w in STOPWORDS or w[0].isdigit():
                continue
            if _VERBISH.search(w) and not re.search(r"\d", w) and len(w) <= 4:
                continue
            out.append((w, m.start(), m.end()))
    return out


@dataclass
class Claim:
    kind: str  # "number" | "date" | "person" | "org" | "quote" | "meaning"
    text: str
    field: str
    start: int
    end: int
    clause: str  # the clause the claim sits in
    clause_start: int  # offset of the clause in the field text
    payload: Any = None  # Num | DateRef | Person | str (org, quotation) | list of polar words
    extra: dict = field(default_factory=dict)


def summary_fields(summary: Any) -> list[tuple[str, str]]:
    """(field name, text) for every text a reader sees; a plain string is one field "text"."""
    if isinstance(summary, str):
        return [("text", summary)]
    if hasattr(summary, "model_dump") or hasattr(summary, "headline"):
        out = []
        for name in TEXT_FIELDS:
            value = getattr(summary, name, "")
            if isinstance(value, list):
                out.extend((f"{name}[{i}]", str(v)) for i, v in enumerate(value))
            elif value:
                out.append((name, str(value)))
        for i, v in enumerate(getattr(summary, "ministries", []) or []):
            out.append((f"ministries[{i}]", str(v)))
        return out
    if hasattr(summary, "all_text"):
        return [("text", summary.all_text())]
    return [("text", str(summary))]


_SENT = re.compile(r"(?<=[다요음함임됨][.!?])\s+|(?<=[.!?][”’\"])\s+|\n+")
_CLAUSE = re.compile(
    r"(?<=[가-힣])(?:했으며|됐으며|했지만|됐지만|하고|되고|했고|이고|였고|됐고|으며|하며|되며|이며|지만|으나|는데|면서|었고)(\s)"
    r"|(?<=[가-힣)’”」]),(\s)(?=[가-힣「‘“(])|(\s)(?=또\s)|(?<=[…])(\s)"
)


def sentences(text: str) -> list[tuple[int, int]]:
    return _split(text, _SENT, 0, len(text))


def clauses(text: str) -> list[tuple[int, int]]:
    """Spans of the clauses of ``text``."""
    spans = []
    for sent in _split(text, _SENT, 0, len(text)):
        spans.extend(_split(text, _CLAUSE, *sent))
    return spans


def _split(text: str, pattern: re.Pattern[str], start: int, end: int) -> list[tuple[int, int]]:
    """Split at the matches of ``pattern`` (at its first non-empty group when it has groups)."""
    out, pos = [], start
    for m in pattern.finditer(text, start, end):
        g = next((k for k in range(1, (pattern.groups or 0) + 1) if m.group(k) is not None), 0)
        cut_s, cut_e = m.span(g)
        if cut_s > pos:
            out.append((pos, cut_s))
        pos = cut_e
    if pos < end:
        out.append((pos, end))
    return [(s, e) for s, e in out if text[s:e].strip()]


def _clause_of(spans: list[tuple[int, int]], pos: int) -> tuple[int, int]:
    for s, e in spans:
        if s <= pos < e:
            return s, e
    return 0, 0


def extract_claims(field_name: str, text: str, published: date | None) -> list[Claim]:
    """Every checkable claim of one field, in order of appearance."""
    spans = clauses(text)
    out: list[Claim] = []
    taken: list[tuple[int, int]] = []

    def add(kind: str, s: int, e: int, payload: Any) -> None:
        cs, ce = _clause_of(spans, s)
        out.append(Claim(kind, text[s:e], field_name, s, e, text[cs:ce], cs, payload))

    for q, s, e in quotes(text):
        add("quote", s, e, q)
    for p in people(text):
        add("person", p.start, p.end, p)
        taken.append((p.start, p.end))
    for name, s, e in org_names(text):
        add("org", s, e, name)
    dates = parse_dates(text, published)
    for d in dates:
        if d.key[0] == "y" and d.relative:
            continue  # "올해는 …": resolved to the release year, nothing to check
        if d.key[0] == "t" and not re.search(r"[:분시]", d.text):
            continue
        add("date", d.start, d.end, d)
    skip = [(d.start, d.end) for d in dates]
    for m in _ORDINAL.finditer(text):
        if not any(s <= m.start() < e for s, e in skip):
            add("ordinal", m.start(), m.end(), m.group(1) + m.group(2))
    for n in parse_numbers(text, skip):
        if _ignorable(n, text):
            continue
        add("number", n.start, n.end, n)
    out.sort(key=lambda c: c.start)
    return out


# "3단계 스트레스 DSR", "1차 서면평가", "제2기": a stage or round, checked as written.
_ORDINAL = re.compile(
    r"(?<![\d.,제])(\d{1,2})\s?(단계|회차|차|기)(?![가-힣]*관|[가-힣]*례|수|종|업|준|간|한|능|계|금|술|록|원|본|후|존)"
)


def _ignorable(n: Num, text: str) -> bool:
    """Figures that are not claims: list numbering, phone numbers, ordinals ("1차 평가"), bare single digits."""
    after = text[n.end : n.end + 3]
    before = text[max(0, n.start - 1) : n.start]
    if re.match(r"\s?(?:차|번째|위|호|조|항|장|절|급|단계|세대|분기|기|회차)", after) and not n.unit:
        return True
    if re.match(r"[-)]\d|\.\d", after) or (before in ("-", "(") and re.match(r"\d*-", after)):
        return True  # 041-731-8226
    return bool(not n.unit and "." not in n.digits and len(n.digits) < 2 and not n.has_mag)


def subject_words(claim: Claim) -> list[str]:
    """Content words of the claim's clause before the claim, nearest first (the head is [0])."""
    rel = claim.start - claim.clause_start
    words = [w for w, s, _ in content_words(claim.clause[:rel])]
    return list(reversed(words))


def after_words(claim: Claim, limit: int = 40) -> str:
    rel = claim.end - claim.clause_start
    return claim.clause[rel : rel + limit]


__all__ = [
    "Claim",
    "DateRef",
    "Person",
    "clauses",
    "content_words",
    "extract_claims",
    "stem",
    "summary_fields",
]
