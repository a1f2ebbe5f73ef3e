"""Claim-by-claim check of a summary against its source.

Every date, number with a unit and organisation name in the summary is extracted, normalised
(``2025. 9. 3.`` = ``2025-09-03`` = ``2025년 9월 3일``; ``1,000억 원`` = ``1000억원``; ``2조 3천억 원`` =
2.3×10¹² 원; ``과기정통부`` = ``과학기술정보통신부``) and looked up among the same kinds of facts
extracted from the source. What is not found is *unsupported*: the caller retries once naming
those claims, then flags or holds the summary. Pure functions; no I/O.

It is one piece until the claim-to-evidence aligner (issue 14) replaces it with a package.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

# --------------------------------------------------------------------------- dates

_Y = r"(?P<y>(?:19|20)\d{2})"
_M = r"(?P<m>1[0-2]|0?[1-9])"
_D = r"(?P<d>3[01]|[12]\d|0?[1-9])"
_NOT_DIGIT_BEFORE = r"(?<![\d.])"
_NOT_DIGIT_AFTER = r"(?!\d)"

# (pattern, granularity). Order matters: the longest forms first, and spans already matched by an
# earlier pattern are not matched again (so "2025년 9월 3일" is not also read as "9월 3일").
_DATE_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(_NOT_DIGIT_BEFORE + _Y + r"\s*년\s*" + _M + r"\s*월\s*" + _D + r"\s*일"), "ymd"),
    (
        re.compile(
            _NOT_DIGIT_BEFORE
            + r"(?:"
            + _Y
            + r"|['’‘](?P<yy>\d{2}))\s*\.\s*"
            + _M
            + r"\s*\.\s*"
            + _D
            + _NOT_DIGIT_AFTER
            + r"\.?"
        ),
        "ymd",
    ),
    (re.compile(_NOT_DIGIT_BEFORE + _Y + r"\s*[-/]\s*" + _M + r"\s*[-/]\s*" + _D + _NOT_DIGIT_AFTER), "ymd"),
    (re.compile(_NOT_DIGIT_BEFORE + _Y + r"\s*년\s*" + _M + r"\s*월"), "ym"),
    (re.compile(_NOT_DIGIT_BEFORE + _Y + r"\s*\.\s*" + _M + r"\s*월"), "ym"),
    (re.compile(_NOT_DIGIT_BEFORE + _M + r"\s*월\s*" + _D + r"\s*일"), "md"),
    (
        re.compile(
            r"(?:"
            + _NOT_DIGIT_BEFORE
            + _Y
            + r"\s*년?|['’‘](?P<yy>\d{2})\s*년?)\s*(?P<half>상반기|하반기|상반|하반)"
        ),
        "half",
    ),
    (
        re.compile(
            r"(?:"
            + _NOT_DIGIT_BEFORE
            + _Y
            + r"\s*년?|['’‘](?P<yy>\d{2})\s*년?)\s*(?:제\s*)?(?P<q>[1-4])\s*(?:/\s*4\s*)?분기"
        ),
        "quarter",
    ),
    (re.compile(r"['’‘](?P<yy>\d{2})\s*\.\s*(?P<q>[1-4])\s*Q(?![A-Za-z])"), "quarter"),  # '24.1Q in tables
]

DateKey = tuple[Any, ...]


@dataclass(frozen=True)
class Claim:
    kind: str  # "date" | "number" | "name"
    text: str  # as written in the summary
    key: Any  # normalised form


def _year(match: re.Match[str]) -> int | None:
    groups = match.groupdict()
    if groups.get("y"):
        return int(groups["y"])
    if groups.get("yy"):
        return 2000 + int(groups["yy"])
    return None


def extract_dates(text: str) -> list[Claim]:
    """Dates in ``text`` as claims keyed ``("ymd", y, m, d)``, ``("ym", y, m)``, ``("md", m, d)``,
    ``("half", y, 1|2)`` or ``("quarter", y, q)``."""
    claims: list[Claim] = []
    taken: list[tuple[int, int]] = []
    for pattern, kind in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(start < e and s < end for s, e in taken):
                continue
            g = match.groupdict()
            year = _year(match)
            if kind == "ymd":
                key: DateKey = ("ymd", year, int(g["m"]), int(g["d"]))
            elif kind == "ym":
                key = ("ym", year, int(g["m"]))
            elif kind == "md":
                key = ("md", int(g["m"]), int(g["d"]))
            elif kind == "half":
                key = ("half", year, 1 if g["half"].startswith("상") else 2)
            else:
                key = ("quarter", year, int(g["q"]))
            taken.append((start, end))
            claims.append(Claim("date", match.group(0).strip(), key))
    order = sorted(range(len(claims)), key=lambda i: taken[i][0])  # as they appear in the text
    return [claims[i] for i in order]


# --------------------------------------------------------------------------- numbers

_MAGNITUDE = {
    "조": Decimal(10) ** 12,
    "억": Decimal(10) ** 8,
    "만": Decimal(10) ** 4,
    "천": Decimal(1000),
    "백": Decimal(100),
    "십": Decimal(10),  # "21,802십억원" in fiscal tables
}

# Unit words, longest first so "개소" wins over "개" and "%p" over "%". Synonyms map to one form.
_UNITS: dict[str, str] = {
    "%p": "%p",
    "％p": "%p",
    "퍼센트포인트": "%p",
    "포인트": "%p",
    "%": "%",
    "％": "%",
    "퍼센트": "%",
    "개국": "개국",
    "개소": "개소",
    "개월": "개월",
    "개사": "개사",
    "가구": "가구",
    "세대": "세대",
    "달러": "달러",
    "불": "달러",
    "팀": "팀",
    "유로": "유로",
    "시간": "시간",
    "차례": "회",
    "마리": "마리",
    "헥타르": "ha",
    "ha": "ha",
    "㎡": "㎡",
    "m²": "㎡",
    "m2": "㎡",
    "㎢": "㎢",
    "km²": "㎢",
    "km": "km",
    "㎞": "km",
    "kg": "kg",
    "㎏": "kg",
    "톤": "톤",
    "MW": "MW",
    "GW": "GW",
    "kW": "kW",
    "원": "원",
    "엔": "엔",
    "위안": "위안",
    "명": "명",
    "개": "개",
    "곳": "곳",
    "건": "건",
    "호": "호",
    "채": "채",
    "대": "대",
    "척": "척",
    "배": "배",
    "회": "회",
    "종": "종",
    "편": "편",
    "주": "주",
    "일간": "일간",
    "세": "세",
    "위": "위",
    "t": "톤",
}
_UNIT_RE = "|".join(re.escape(u) for u in sorted(_UNITS, key=len, reverse=True))
# One term: a number with Korean magnitudes ("3천억", "1,000억", "2조"). Terms chain across spaces
# ("2조 3천억") after a magnitude; a unit follows the last one, maybe after "여" ("6,300여명").
# Kept as two flat patterns scanned by hand: one nested pattern backtracks catastrophically.
_TERM_RE = re.compile(
    r"(?<![\d.,])(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s?(?P<mag>[조억만천백십]*)"
)
_UNIT_AFTER = re.compile(rf"\s?(?:여\s?)?(?P<unit>{_UNIT_RE})(?![A-Za-z])")


def _term_value(term: re.Match[str]) -> Decimal | None:
    try:
        value = Decimal(term.group("num").replace(",", ""))
    except InvalidOperation:
        return None
    for mag in term.group("mag"):
        value *= _MAGNITUDE[mag]
    return value


def extract_numbers(text: str) -> list[Claim]:
    """Numbers with units as claims keyed ``(value, unit)``: ``1,000억 원`` and ``1000억원`` are both
    ``(Decimal('1E+11'), '원')``; ``2조 3천억 원`` is ``(2.3E+12, '원')``."""
    claims: list[Claim] = []
    terms = list(_TERM_RE.finditer(text))
    i = 0
    while i < len(terms):
        group = [terms[i]]
        while (
            group[-1].group("mag")
            and i + 1 < len(terms)
            and not text[group[-1].end() : terms[i + 1].start()].strip()
        ):
            i += 1
            group.append(terms[i])
        i += 1
        unit = _UNIT_AFTER.match(text, group[-1].end())
        if not unit:
            continue
        values = [_term_value(t) for t in group]
        if any(v is None for v in values):
            continue
        total = sum(values, Decimal(0))
        surface = text[group[0].start() : unit.end()].strip()
        claims.append(Claim("number", surface, (total.normalize(), _UNITS[unit.group("unit")])))
    return claims


# --------------------------------------------------------------------------- names

# Central government bodies with their common short forms (both the pre- and post-2025 names).
_ORGS: dict[str, tuple[str, ...]] = {
    "기획재정부": ("기재부",),
    "재정경제부": ("재경부",),
    "기획예산처": ("예산처",),
    "교육부": (),
    "과학기술정보통신부": ("과기정통부", "과기부"),
    "외교부": (),
    "통일부": (),
    "법무부": (),
    "국방부": (),
    "행정안전부": ("행안부",),
    "국가보훈부": ("보훈부",),
    "문화체육관광부": ("문체부",),
    "농림축산식품부": ("농식품부", "농림부"),
    "산업통상자원부": ("산업부", "산자부"),
    "산업통상부": ("산업부",),
    "보건복지부": ("복지부",),
    "환경부": (),
    "기후에너지환경부": ("기후부", "기후에너지부"),
    "고용노동부": ("고용부", "노동부"),
    "여성가족부": ("여가부",),
    "성평등가족부": ("성평등부",),
    "국토교통부": ("국토부",),
    "해양수산부": ("해수부",),
    "중소벤처기업부": ("중기부",),
    "인사혁신처": ("인사처",),
    "법제처": (),
    "식품의약품안전처": ("식약처",),
    "국가데이터처": ("데이터처",),
    "국세청": (),
    "관세청": (),
    "조달청": (),
    "통계청": (),
    "재외동포청": (),
    "검찰청": (),
    "병무청": (),
    "방위사업청": ("방사청",),
    "경찰청": (),
    "소방청": (),
    "국가유산청": ("문화재청",),
    "농촌진흥청": ("농진청",),
    "산림청": (),
    "특허청": (),
    "지식재산처": (),
    "기상청": (),
    "질병관리청": ("질병청",),
    "해양경찰청": ("해경청", "해경"),
    "우주항공청": (),
    "새만금개발청": (),
    "행정중심복합도시건설청": ("행복청",),
    "금융위원회": ("금융위",),
    "공정거래위원회": ("공정위",),
    "방송통신위원회": ("방통위",),
    "방송미디어통신위원회": ("방미통위",),
    "국민권익위원회": ("권익위",),
    "원자력안전위원회": ("원안위",),
    "개인정보보호위원회": ("개인정보위",),
    "금융감독원": ("금감원",),
    "국무조정실": ("국조실",),
    "국무총리비서실": (),
    "대통령실": (),
}
# A short form may name an old and a new ministry ("산업부"): the first is the key, all count.
_ALIAS_ORGS: dict[str, list[str]] = {}
for _org, _aliases in _ORGS.items():
    for _alias in _aliases:
        _ALIAS_ORGS.setdefault(_alias, []).append(_org)
_ALIAS_TO_ORG = {alias: orgs[0] for alias, orgs in _ALIAS_ORGS.items()}
_KNOWN = sorted([*_ORGS, *_ALIAS_TO_ORG], key=len, reverse=True)
_KNOWN_RE = re.compile("|".join(re.escape(n) for n in _KNOWN))
# Other agencies by their form: "한국수자원공사", "국민건강보험공단", "한국개발연구원", "정보통신산업진흥원"...
_AGENCY_RE = re.compile(
    r"(?<![가-힣])(?:한국|국립|국민|국가)?[가-힣]{2,14}(?:위원회|공단|진흥원|연구원|재단|공사)"
)
# Words ending like an agency that are ordinary nouns in 보도자료.
_NOT_AGENCIES = ("공사", "위원회", "연구원", "재단", "공단")
_NOT_AGENCY_ENDINGS = ("건설공사", "보수공사", "공사비", "공사중", "정비공사", "개량공사")


def _org_key(name: str) -> str:
    name = name.replace(" ", "")
    return _ALIAS_TO_ORG.get(name, name)


def extract_names(text: str) -> list[Claim]:
    """Ministries, agencies and other organisations named in ``text``, keyed by their full name."""
    claims: list[Claim] = []
    taken: list[tuple[int, int]] = []
    for match in _KNOWN_RE.finditer(text):
        start, end = match.span()
        # "산업부" inside "중소벤처기업부"? the regex tries longest names first at each position;
        # a match glued to Hangul on the left is part of a longer word we do not know.
        if start > 0 and "가" <= text[start - 1] <= "힣":
            continue
        taken.append((start, end))
        claims.append(Claim("name", match.group(0), _org_key(match.group(0))))
    for match in _AGENCY_RE.finditer(text):
        start, end = match.span()
        if any(start < e and s < end for s, e in taken):
            continue
        name = match.group(0)
        if name in _NOT_AGENCIES or name.endswith(_NOT_AGENCY_ENDINGS):
            continue
        claims.append(Claim("name", name, _org_key(name)))
    return claims


# People by their office ("장서준 청장", "김민수 장관"): the name must be in the source.
_OFFICES = "장관|차관|청장|처장|위원장|이사장|원장|사장|총재|대변인|총리|대통령"
_PERSON_RE = re.compile(rf"(?<![가-힣])(?P<name>[가-힣]{{2,4}})\s?(?:{_OFFICES})")
_NOT_PERSONS = frozenset(
    (
        "신임",
        "전임",
        "이번",
        "해당",
        "관계",
        "담당",
        "현직",
        "전직",
        "공동",
        "차기",
        "초대",
        "역대",
        "우리",
        "부처",
        "기관",
        "국무",
    )
)


def extract_people(text: str) -> list[Claim]:
    """People named with their office, keyed by the name."""
    claims = []
    for match in _PERSON_RE.finditer(text):
        name = match.group("name")
        if (
            name in _NOT_PERSONS
            or name in _ALIAS_TO_ORG
            or name in _ORGS
            or name.endswith(("부", "처", "청", "회"))
        ):
            continue
        claims.append(Claim("name", match.group(0), name))
    return claims


# Quotations and titles of plans, laws and programmes: “…” and 「…」 must be in the source verbatim
# (an ellipsis may skip words). Short “…” are emphasis more often than quotations and are skipped.
_QUOTE_RE = re.compile(
    r"“(?P<q>[^”\n]{8,300})”|\"(?P<s>[^\"\n]{8,300})\"|[「『](?P<t>[^」』\n]{2,120})[」』]"
)
_ELLIPSIS = re.compile(r"…|\.\.\.|⋯|중략")


def extract_quotes(text: str) -> list[Claim]:
    """Quoted words and bracketed titles, keyed by their text without spaces."""
    claims = []
    for match in _QUOTE_RE.finditer(text):
        inner = match.group("q") or match.group("s") or match.group("t")
        claims.append(Claim("quote", match.group(0), inner.replace(" ", "")))
    return claims


# --------------------------------------------------------------------------- check


def normalise(text: str) -> str:
    """NFKC-free normalisation: NFC, one space for each whitespace run."""
    return " ".join(unicodedata.normalize("NFC", text).split())


@dataclass
class SourceFacts:
    """The facts of one source text, extracted once and reused for every summary checked against it."""

    dates: set[DateKey] = field(default_factory=set)
    years: set[int] = field(default_factory=set)
    numbers: set[tuple[Decimal, str]] = field(default_factory=set)
    names: set[str] = field(default_factory=set)
    compact: str = ""  # the source without spaces, for name look-ups

    @classmethod
    def of(cls, source_text: str) -> SourceFacts:
        text = normalise(source_text)
        facts = cls(compact=text.replace(" ", ""))
        for claim in extract_dates(text):
            facts.dates.add(claim.key)
            if claim.key[0] in ("ymd", "ym", "half", "quarter") and claim.key[1]:
                facts.years.add(claim.key[1])
        facts.years.update(int(y) for y in re.findall(r"(?<!\d)((?:19|20)\d{2})\s*년", text))
        facts.numbers = {c.key for c in extract_numbers(text)}
        facts.names = {c.key for c in extract_names(text)}
        return facts

    def supports(self, claim: Claim) -> bool:
        if claim.kind == "date":
            return self._supports_date(claim.key)
        if claim.kind == "number":
            return claim.key in self.numbers
        if claim.kind == "quote":
            pieces = [p.strip(" .,") for p in _ELLIPSIS.split(claim.key)]
            return all(p in self.compact for p in pieces if p)
        return self._supports_name(claim)

    def _supports_date(self, key: DateKey) -> bool:
        if key in self.dates:
            return True
        kind = key[0]
        if kind == "ymd":
            _, y, m, d = key
            # "9월 3일" in a source dated 2025 supports "2025년 9월 3일"
            return ("md", m, d) in self.dates and y in self.years
        if kind == "md":
            _, m, d = key
            return any(k[0] == "ymd" and k[2:] == (m, d) for k in self.dates)
        if kind == "ym":
            _, y, m = key
            return any(k[0] == "ymd" and k[1:3] == (y, m) for k in self.dates)
        if kind == "quarter":
            _, y, q = key
            # "2025년 1분기" is also written "'25.1/4분기" or "2025년 1/4분기": same key already
            return ("quarter", y, q) in self.dates
        return False

    def _supports_name(self, claim: Claim) -> bool:
        if claim.key in self.names:
            return True
        text = claim.text.replace(" ", "")
        forms = {claim.key, text}
        for org in _ALIAS_ORGS.get(text, [claim.key]):
            forms.update((org, *_ORGS.get(org, ())))
        return any(form and self._mentions(form) for form in forms)

    def _mentions(self, form: str) -> bool:
        """``form`` appears in the source other than as the tail of a longer ministry's name: a
        source about 기후에너지환경부 does not support 환경부, a different (former) ministry."""
        compact = self.compact
        for name in self.names:
            if name != form and form in name and name in _ORGS and form not in _ORGS[name]:
                compact = compact.replace(name, "\x00")
        return form in compact


@dataclass
class FaithfulnessResult:
    ok: bool
    unsupported: list[str]  # claims as written in the summary, in order, without repeats
    checked: int = 0  # number of claims looked up

    def metadata(self) -> str:
        """The article's ``Faithfulness`` value: ``ok`` or ``flagged: claim; claim``."""
        if self.ok:
            return "ok"
        return "flagged: " + "; ".join(self.unsupported)


def claims_in(text: str) -> list[Claim]:
    """Every checkable claim in ``text``: dates, numbers with units, organisations, people,
    quotations and bracketed titles."""
    text = normalise(text)
    return [
        *extract_dates(text),
        *extract_numbers(text),
        *extract_names(text),
        *extract_people(text),
        *extract_quotes(text),
    ]


def check(summary: Any, source: str | SourceFacts) -> FaithfulnessResult:
    """Check a summary (text, or an object with ``all_text()``) against a source text or its facts."""
    text = summary.all_text() if hasattr(summary, "all_text") else str(summary)
    facts = source if isinstance(source, SourceFacts) else SourceFacts.of(source)
    claims = claims_in(text)
    unsupported: list[str] = []
    for claim in claims:
        if not facts.supports(claim) and claim.text not in unsupported:
            unsupported.append(claim.text)
    return FaithfulnessResult(ok=not unsupported, unsupported=unsupported, checked=len(claims))
