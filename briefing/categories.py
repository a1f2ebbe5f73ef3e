"""The one fixed taxonomy of release categories.

Ten areas that together cover what the ministries publish, each with an emoji (shown on chips)
and an ASCII slug (used in URLs and feed names). Change it only with a reason written here:
every published URL and feed of a category depends on its slug.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Category:
    name: str  # as written in article metadata, e.g. "경제·산업"
    emoji: str
    slug: str
    keywords: tuple[str, ...]  # words that point to this area; used to map stray answers and offline

    @property
    def label(self) -> str:
        return f"{self.emoji} {self.name}"


CATEGORIES: tuple[Category, ...] = (
    Category(
        "경제·산업",
        "💰",
        "economy",
        (
            "경제",
            "산업",
            "재정",
            "금융",
            "세제",
            "예산",
            "투자",
            "수출",
            "무역",
            "중소기업",
            "기업",
            "물가",
            "통상",
        ),
    ),
    Category(
        "과학·디지털",
        "🔬",
        "science-digital",
        (
            "과학",
            "기술",
            "디지털",
            "정보통신",
            "인공지능",
            "AI",
            "연구개발",
            "R&D",
            "우주",
            "반도체",
            "소프트웨어",
        ),
    ),
    Category(
        "행정·안전",
        "🏛️",
        "administration-safety",
        ("행정", "안전", "재난", "지방자치", "정부혁신", "소방", "경찰", "인사", "민원"),
    ),
    Category(
        "복지·고용",
        "🤝",
        "welfare-employment",
        (
            "복지",
            "고용",
            "노동",
            "일자리",
            "연금",
            "보건",
            "의료",
            "건강",
            "저출생",
            "청년",
            "노인",
            "장애인",
        ),
    ),
    Category(
        "교육·문화",
        "🎓",
        "education-culture",
        ("교육", "문화", "체육", "관광", "예술", "학교", "대학", "콘텐츠", "국어", "스포츠"),
    ),
    Category(
        "환경·에너지",
        "🌿",
        "environment-energy",
        ("환경", "에너지", "기후", "탄소", "수질", "수자원", "원전", "전력", "재생에너지", "미세먼지"),
    ),
    Category(
        "국토·교통",
        "🏠",
        "land-transport",
        ("국토", "교통", "주택", "부동산", "도로", "철도", "항공", "건설", "도시", "택시", "자동차"),
    ),
    Category(
        "외교·통일·국방",
        "🌏",
        "diplomacy-defense",
        ("외교", "통일", "국방", "안보", "북한", "군", "재외동포", "국제협력"),
    ),
    Category(
        "법무·사회",
        "⚖️",
        "justice-society",
        ("법무", "법률", "사법", "검찰", "인권", "여성", "가족", "공정거래", "소비자", "규제"),
    ),
    Category(
        "농림·해양",
        "🌾",
        "agriculture-ocean",
        ("농업", "농림", "축산", "식품", "해양", "수산", "어업", "산림", "해운", "항만", "농촌"),
    ),
)

BY_NAME: dict[str, Category] = {c.name: c for c in CATEGORIES}
BY_SLUG: dict[str, Category] = {c.slug: c for c in CATEGORIES}
DEFAULT = BY_NAME["행정·안전"]  # general government business when nothing else fits


def _plain(text: str) -> str:
    """Name without emoji, variation selectors, spaces or separators, for lenient matching."""
    text = unicodedata.normalize("NFC", text)
    kept = [ch for ch in text if unicodedata.category(ch)[0] in "LN"]
    return "".join(kept)


_BY_PLAIN = {_plain(c.name): c for c in CATEGORIES}


def find_category(answer: str) -> Category | None:
    """The taxonomy entry an answer names (with or without emoji, spacing or "·"), else None."""
    plain = _plain(answer)
    if not plain:
        return None
    if plain in _BY_PLAIN:
        return _BY_PLAIN[plain]
    if answer.strip() in BY_SLUG:
        return BY_SLUG[answer.strip()]
    return None


def guess_category(text: str) -> Category:
    """Best category for free text by keyword counts; ``DEFAULT`` when nothing matches."""
    scores = {c.slug: sum(text.count(k) for k in c.keywords) for c in CATEGORIES}
    best = max(CATEGORIES, key=lambda c: scores[c.slug])
    return best if scores[best.slug] > 0 else DEFAULT


def map_category(answer: str, context: str = "") -> Category:
    """Map an LLM's answer onto the taxonomy: exact name first, then keywords of the answer, then
    of the context. Never returns a category outside ``CATEGORIES``."""
    found = find_category(answer)
    if found:
        return found
    scores = {c.slug: sum(1 for k in c.keywords if k in answer) for c in CATEGORIES}
    best = max(CATEGORIES, key=lambda c: scores[c.slug])
    if scores[best.slug] > 0:
        return best
    return guess_category(context)
