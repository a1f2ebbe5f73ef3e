"""Numbers with their units, normalised so that the forms of one value compare equal.

``12,345억원`` = ``1조 2,345억 원`` = 1.2345×10¹² 원; ``1.5억 달러`` = ``1억 5천만 달러``;
``5억불`` = ``5억 달러``; ``세 차례`` = 3 회; ``두 배`` = 2 배; ``₩ 400,000,000`` = ``4억 원``.
A number also records whether it was written as approximate (``약``, ``여``, ``가량``, ``남짓``,
``내외``…) or as a bound (``넘게``, ``이상``, ``미만``), and its sign in tables (``△9`` is −9), so
the aligner can allow the source's rounding and read the direction of a change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

MAGNITUDE = {"조": 10**12, "억": 10**8, "만": 10**4, "천": 1000, "백": 100, "십": 10}

# Unit spellings → (canonical unit, scale). Counts of things share one unit: a summary says
# "다섯 가지 수칙" for the source's "5대 수칙", "10곳" for "10개소".
UNITS: dict[str, tuple[str, int]] = {
    "%p": ("%p", 1),
    "％p": ("%p", 1),
    "%P": ("%p", 1),
    "퍼센트포인트": ("%p", 1),
    "포인트": ("%p", 1),
    "%": ("%", 1),
    "％": ("%", 1),
    "퍼센트": ("%", 1),
    "프로": ("%", 1),
    "원": ("원", 1),
    "달러": ("달러", 1),
    "불": ("달러", 1),
    "유로": ("유로", 1),
    "엔": ("엔", 1),
    "위안": ("위안", 1),
    "명": ("명", 1),
    "인": ("명", 1),
    "팀": ("팀", 1),
    "가구": ("가구", 1),
    "세대": ("가구", 1),
    "개국": ("개국", 1),
    "개소": ("개", 1),
    "개사": ("개", 1),
    "개": ("개", 1),
    "가지": ("개", 1),
    "곳": ("개", 1),
    "종": ("개", 1),
    "대": ("개", 1),
    "항목": ("개", 1),
    "기관": ("개", 1),
    "건": ("건", 1),
    "회": ("회", 1),
    "차례": ("회", 1),
    "번": ("회", 1),
    "배": ("배", 1),
    "점": ("점", 1),
    "위": ("위", 1),
    "세": ("세", 1),
    "호": ("호", 1),
    "척": ("척", 1),
    "마리": ("마리", 1),
    "채": ("채", 1),
    "편": ("편", 1),
    "개월": ("개월", 1),
    "년": ("년", 1),
    "주": ("주", 1),
    "일": ("일", 1),
    "시간": ("시간", 1),
    "분": ("분", 1),
    "톤": ("톤", 1),
    "t": ("톤", 1),
    "kg": ("kg", 1),
    "㎏": ("kg", 1),
    "km": ("km", 1),
    "㎞": ("km", 1),
    "㎡": ("㎡", 1),
    "m²": ("㎡", 1),
    "m2": ("㎡", 1),
    "㎢": ("㎢", 1),
    "km²": ("㎢", 1),
    "ha": ("ha", 1),
    "헥타르": ("ha", 1),
    "MW": ("W", 10**6),
    "GW": ("W", 10**9),
    "kW": ("W", 10**3),
    "mg/L": ("mg/L", 1),
    "㎎/L": ("mg/L", 1),
    "mg/ℓ": ("mg/L", 1),
    "㎎/ℓ": ("mg/L", 1),
    "㎍/L": ("µg/L", 1),
    "μg/L": ("µg/L", 1),
    "µg/L": ("µg/L", 1),
    "ug/L": ("µg/L", 1),
    "m": ("m", 1),
    "cm": ("cm", 1),
    "mm": ("mm", 1),
    "g": ("g", 1),
    "mg": ("mg", 1),
    "㎎": ("mg", 1),
    "㎍": ("µg", 1),
    "NTU": ("NTU", 1),
    "CFU/mL": ("CFU/mL", 1),
    "도": ("도", 1),
    "℃": ("℃", 1),
}
_UNIT_RE = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))
# Units that are also the start of ordinary words: "3개월" fine, but "5대 수칙" vs "5대도시"? keep.
_HANGUL_NUM = {
    "한": 1,
    "하나": 1,
    "두": 2,
    "둘": 2,
    "세": 3,
    "셋": 3,
    "석": 3,
    "네": 4,
    "넷": 4,
    "다섯": 5,
    "여섯": 6,
    "일곱": 7,
    "여덟": 8,
    "아홉": 9,
    "열": 10,
    "스무": 20,
    "스물": 20,
}
_HANGUL_UNITS = "가지|곳|차례|배|번|명|개|팀|건|해|달|군데|분야|개국|종류"
_HANGUL_RE = re.compile(
    rf"(?<![가-힣])(?P<w>다섯|여섯|일곱|여덟|아홉|하나|스무|스물|한|두|세|네|열)\s?(?P<u>{_HANGUL_UNITS})(?![가-힣]*(?:째))"
)
_SINO = {"일": 1, "이": 2, "삼": 3, "사": 4, "오": 5, "육": 6, "칠": 7, "팔": 8, "구": 9}
# "일금 사억원" in notices: Sino-Korean digits spelled out before a magnitude and 원.
_SINO_RE = re.compile(r"일금\s?(?P<d>[일이삼사오육칠팔구])(?P<m>[조억만천백십]+)\s?원")

APPROX_BEFORE = ("약", "대략", "근", "총 약")
APPROX_AFTER = ("여", "가량", "남짓", "내외", "안팎", "정도", "수준", "쯤", "께")
_TERM = re.compile(
    r"(?<![\d.,A-Za-z])(?P<sign>[△▲▼+\-–−]\s?)?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?P<mag>(?:[ ]?[십백천]?[조억만]|[ ]?[천백십](?!(?!여)[가-힣]))*)"
)
_AFTER = re.compile(
    rf"\s?(?P<approx1>여\s?)?(?P<unit>{_UNIT_RE})(?![A-Za-z])(?:\s?(?P<approx2>여|가량|남짓|내외|안팎|정도|수준|쯤))?"
)
_BOUND_AFTER = re.compile(r"\s?(?:이\s?)?(?P<b>넘게|넘는|초과|이상|이하|미만|이내|남짓|넘)")
_CURRENCY_BEFORE = re.compile(r"(?:₩|\\|\$|US\$)\s?$")


@dataclass(frozen=True)
class Num:
    value: Decimal  # absolute value with magnitudes applied, in the canonical unit
    unit: str  # canonical unit, "" when none was written
    start: int
    end: int
    text: str
    approx: bool = False  # 약/여/가량…: the writer rounded
    negative: bool = False  # △, ▼, − in tables and changes
    bound: str = ""  # "min" for 넘게/이상/초과, "max" for 미만/이하/이내
    has_mag: bool = False  # a Korean magnitude was written (억, 만…)
    digits: str = ""  # the written figure without separators, to know its precision
    mag: int = 1  # the magnitude multiplier that was written


def _tail_term(prev: re.Match[str], term: re.Match[str]) -> bool:
    """ "21만 976명": a last term without magnitude, smaller than the magnitude before it."""
    mag = prev.group("mag").strip()[-1:]
    try:
        return (
            "," not in term.group("num")
            and Decimal(term.group("num")) < MAGNITUDE.get(mag, 0)
            and not term.group("sign")
        )
    except InvalidOperation:
        return False


def _term_value(num: str, mag: str) -> tuple[Decimal, int] | None:
    try:
        value = Decimal(num.replace(",", ""))
    except InvalidOperation:
        return None
    mult = 1
    for ch in "".join(mag.split()):
        mult *= MAGNITUDE[ch]
    return value * mult, mult


def precision(n: Num) -> Decimal:
    """The unit of the last written digit: 21.8조 → 0.1조; 1,300만 → 100만; 200 → 100."""
    digits = n.digits
    if "." in digits:
        step = Decimal(1).scaleb(-len(digits.split(".")[1]))
    else:
        stripped = digits.rstrip("0")
        step = Decimal(10) ** (len(digits) - len(stripped)) if stripped else Decimal(1)
    return step * n.mag


def parse_numbers(text: str, skip: list[tuple[int, int]] | None = None) -> list[Num]:
    """Numbers in ``text`` (not inside the ``skip`` spans, e.g. dates), in order."""
    skip = skip or []
    out: list[Num] = []
    terms = [t for t in _TERM.finditer(text) if not any(s <= t.start() < e for s, e in skip)]
    i = 0
    while i < len(terms):
        group = [terms[i]]
        # "2조 3,309억", "1억 5천만": terms chain across a space after a magnitude
        while (
            group[-1].group("mag").strip()
            and i + 1 < len(terms)
            and not text[group[-1].end() : terms[i + 1].start()].strip()
            and (terms[i + 1].group("mag").strip() or _tail_term(group[-1], terms[i + 1]))
        ):
            i += 1
            group.append(terms[i])
        i += 1
        start, end = group[0].start(), group[-1].end()
        before = text[max(0, start - 1) : start]
        if before in "’‘'" and before and re.match(r"\d{3}", group[0].group("num")):
            continue  # "’293.5%": a year glued to a figure ("3.1→’293.5%"); the figure is read below

        if before in ("제", "第") or text[max(0, start - 2) : start] in ("제 ",):
            continue  # 제64조, 제2차관: an identifier, not a quantity
        values = [_term_value(t.group("num"), t.group("mag")) for t in group]
        if any(v is None for v in values):
            continue
        total = sum((v[0] for v in values if v), Decimal(0))
        unit_match = _AFTER.match(text, end)
        unit, scale = "", 1
        approx = False
        if unit_match and not _unit_is_word(text, unit_match):
            unit, scale = UNITS[unit_match.group("unit")]
            approx = bool(unit_match.group("approx1") or unit_match.group("approx2"))
            end = unit_match.end()
        elif _CURRENCY_BEFORE.search(text[max(0, start - 4) : start]):
            unit = "원" if "$" not in text[max(0, start - 4) : start] else "달러"
        elif text[end : end + 1] == "여" and not text[end + 1 : end + 2].strip():
            approx = True
        head = text[max(0, start - 4) : start].rstrip()
        if head.endswith(APPROX_BEFORE) or re.search(r"(?:^|\s)약$", head):
            approx = True
        tail = text[end : end + 6]
        if re.match(r"\s?(?:여|가량|남짓|내외|안팎|정도|수준|쯤)", tail):
            approx = True
        bound = ""
        b = _BOUND_AFTER.match(text, end)
        if b:
            bound = "min" if b.group("b") in ("넘게", "넘는", "초과", "이상", "넘", "남짓") else "max"
        sign = group[0].group("sign") or ""
        last = group[-1]
        last_mag = _term_value("1", last.group("mag"))
        out.append(
            Num(
                value=(total * scale).normalize(),
                unit=unit,
                start=start + (len(sign) if sign else 0),
                end=end,
                text=text[start:end],
                approx=approx,
                negative=bool(sign.strip()) and sign.strip() in "△▼−–-",
                bound=bound,
                has_mag=any(t.group("mag").strip() for t in group),
                digits=last.group("num").replace(",", ""),
                mag=last_mag[1] if last_mag else 1,
            )
        )
    for m in re.finditer(r"[’‘'](\d{2})(\d+(?:\.\d+)?)\s?(%p|%|명|개|원|억원|배)", text):
        unit, scale = UNITS.get(m.group(3), ("원", 10**8) if m.group(3) == "억원" else ("", 1))
        out.append(
            Num(Decimal(m.group(2)) * scale, unit, m.start(2), m.end(), m.group(0)[3:], digits=m.group(2))
        )
    out.extend(_hangul_numbers(text, skip))
    out.sort(key=lambda n: n.start)
    return out


def _unit_is_word(text: str, match: re.Match[str]) -> bool:
    """``3대 중점과제`` is a count, but ``2월``/``5일`` are dates and ``10시`` a time; a one-syllable unit
    glued to more Hangul that makes another word ("3세대", "1위원회") is not a unit."""
    unit = match.group("unit")
    after = text[match.end() : match.end() + 2]
    if unit == "대" and re.search(r"\d0[·ㆍ,]\s?\d0$", text[max(0, match.start() - 6) : match.start()]):
        return True  # "20·30대"
    if (
        unit == "대"
        and re.match(r"\d0$", text[match.start() - 2 : match.start()])
        and re.match(
            r"\s?(?:청년|남성|여성|이하|이상|·|연령|인구|노동자|근로자|가구)",
            text[match.end() : match.end() + 4],
        )
    ):
        return True  # "20·30대 청년": an age group
    if unit in (
        "세",
        "위",
        "인",
        "대",
        "회",
        "일",
        "주",
        "분",
        "도",
        "번",
        "호",
        "종",
        "점",
        "채",
        "편",
        "건",
        "개",
        "곳",
    ):
        if unit == "세" and after.startswith("대"):
            return False
        if (
            after[:1]
            and "가" <= after[:1] <= "힣"
            and after[:1] not in "의이가은는을를에로와과도만씩간째내까부으"
        ):
            return True
    return False


def _hangul_numbers(text: str, skip: list[tuple[int, int]]) -> list[Num]:
    out = []
    for m in _HANGUL_RE.finditer(text):
        if any(s <= m.start() < e for s, e in skip):
            continue
        word, unit = m.group("w"), m.group("u")
        if word == "한" and unit in ("번", "해"):  # "한번", "한 해": not counts worth checking
            continue
        canonical = {"해": "년", "달": "개월", "군데": "개", "분야": "개", "종류": "개"}.get(unit, unit)
        canonical = UNITS.get(canonical, (canonical, 1))[0]
        out.append(
            Num(
                Decimal(_HANGUL_NUM[word]),
                canonical,
                m.start(),
                m.end(),
                m.group(0),
                digits=str(_HANGUL_NUM[word]),
            )
        )
    for m in _SINO_RE.finditer(text):
        value = Decimal(_SINO[m.group("d")])
        mult = 1
        for ch in m.group("m"):
            mult *= MAGNITUDE[ch]
        out.append(
            Num(value * mult, "원", m.start(), m.end(), m.group(0), has_mag=True, digits="1", mag=mult)
        )
    return out


def parse_unit_line(unit: str) -> list[tuple[str, int]]:
    """``억원, %`` → [("원", 10⁸), ("%", 1)]; ``십억원`` → [("원", 10⁹)]; ``억불`` → [("달러", 10⁸)]."""
    out = []
    for piece in re.split(r"[,/·]", unit):
        piece = piece.replace(" ", "")
        m = re.fullmatch(rf"(?P<mag>[십백천]?[조억만천]?)(?P<unit>{_UNIT_RE})", piece)
        if not m:
            continue
        mult = 1
        for ch in m.group("mag"):
            mult *= MAGNITUDE[ch]
        canon, scale = UNITS[m.group("unit")]
        out.append((canon, mult * scale))
    return out
