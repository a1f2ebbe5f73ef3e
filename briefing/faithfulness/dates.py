"""Dates in every form releases use, as comparable keys.

``2025. 12. 2.(화)``, ``12. 2.(화)``, ``'23.7``, ``‘17년 6월``, ``(7.1일)``, ``3/4분기``, ``’25.3분기``,
``2025년 9월 3일``, ``9.3(목)``, ``’26.3.10``, ``올해 2월``/``작년 8월``/``내년`` (resolved against the
release date), ``08:30`` = ``오전 8시 30분``. Keys: ``("ymd", y, m, d)``, ``("ym", y, m)``, ``("md", m, d)``,
``("y", y)``, ``("m", m)``, ``("q", y, q)``, ``("h", y, half)``, ``("t", h, mi)``; ``y`` may be ``None``.
A weekday written next to a date is kept so that it can be checked against the calendar.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_YY = r"(?:(?P<y>(?:19|20)\d{2})|['’‘`´](?P<yy>\d{2}))"
_M = r"(?P<m>1[0-2]|0?[1-9])"
_D = r"(?P<d>3[01]|[12]\d|0?[1-9])"
_WD = r"(?:\s?\(\s?(?P<wd>[월화수목금토일])\s?\))?"
_NB = r"(?<![\d.])"
_NA = r"(?![\d])"
_REL = r"(?P<rel>올해|금년|작년|지난해|전년|내년|명년|재작년|이듬해)"
WEEKDAYS = "월화수목금토일"

# Order matters: longer forms first; a span matched once is not matched again.
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("ymd", re.compile(_NB + _YY + r"\s*년\s*" + _M + r"\s*월\s*" + _D + r"\s*일" + _WD)),
    ("ymd", re.compile(_NB + _YY + r"\s*[./-]\s*" + _M + r"\s*[./-]\s*" + _D + _NA + r"\.?(?:\s?일)?" + _WD)),
    ("q", re.compile(_NB + _YY + r"\s*(?:년\s*|\.\s*)?(?:제\s*)?(?P<q>[1-4])\s*(?:/\s*4\s*)?분기")),
    ("q", re.compile(_REL + r"\s*(?:제\s*)?(?P<q>[1-4])\s*(?:/\s*4\s*)?분기")),
    ("h", re.compile(_NB + _YY + r"\s*(?:년\s*|\.\s*)?(?P<half>상반기|하반기)")),
    ("h", re.compile(_REL + r"\s*(?P<half>상반기|하반기)")),
    ("ym", re.compile(_NB + _YY + r"\s*년\s*" + _M + r"\s*월")),
    ("ym", re.compile(_NB + _YY + r"\s*\.\s*" + _M + r"\s*(?:월|\.(?!\s*\d)|(?=\s*[~∼～\-]))")),
    ("ym", re.compile(r"(?<![\d.])['’‘](?P<yy>\d{2})\s*\.\s*" + _M + r"(?![\d.])")),
    ("ym", re.compile(_REL + r"\s*" + _M + r"\s*월")),
    ("md", re.compile(_NB + _M + r"\s*월\s*" + _D + r"\s*일" + _WD)),
    (
        "md",
        re.compile(
            r"(?<![\d.,])"
            + _M
            + r"\s*\.\s*"
            + _D
            + r"\s*\.?\s*(?:일)?"
            + r"\s?\(\s?(?P<wd>[월화수목금토일])\s?\)"
        ),
    ),
    ("md", re.compile(r"(?<=[(（])" + _M + r"\s*\.\s*" + _D + r"\s*\.?\s*일")),
    ("md", re.compile(r"(?<![\d.,'’‘])" + _M + r"\s*\.\s*" + _D + r"\s*\.(?=\s*[~∼～\-]|\s*\|)")),
    ("md", re.compile(r"(?<=[~∼～])\s*" + _M + r"\s*\.\s*" + _D + r"\s*\.?(?![\d])")),
    ("y", re.compile(_NB + _YY + r"\s*년(?!\s*[간동])")),
    ("y", re.compile(r"(?<![\d])(?P<y>(?:19|20)\d{2})(?=\s*[~∼～\-]\s*(?:19|20)?\d{2,4}\s*년)")),
    ("y", re.compile(r"(?<=[~∼～])\s*['’‘](?P<yy>\d{2})\s*년")),
    ("y", re.compile(_REL + r"(?!\s*\d)")),
    ("t", re.compile(r"(?<![\d:])(?P<h>[01]?\d|2[0-3])\s*:\s*(?P<mi>[0-5]\d)(?![\d:])")),
    (
        "t",
        re.compile(
            r"(?P<ampm>오전|오후)?\s*(?P<h>1[0-2]|0?\d|1\d|2[0-3])\s*시(?:\s*(?P<mi>[0-5]?\d)\s*분)?(?![가-힣])"
        ),
    ),
    ("m", re.compile(r"(?<![\d.])" + _M + r"\s*월(?!\s*\d+\s*일)(?![가-힣]{0,1}\d)")),
]

_REL_OFFSET = {
    "올해": 0,
    "금년": 0,
    "작년": -1,
    "지난해": -1,
    "전년": -1,
    "내년": 1,
    "명년": 1,
    "재작년": -2,
    "이듬해": 1,
}


@dataclass(frozen=True)
class DateRef:
    key: tuple
    start: int
    end: int
    text: str
    weekday: str = ""  # written weekday, "" when none
    relative: bool = False


def _year(g: dict, published: date | None) -> int | None:
    if g.get("y"):
        return int(g["y"])
    if g.get("yy"):
        return 2000 + int(g["yy"]) if int(g["yy"]) < 70 else 1900 + int(g["yy"])
    if g.get("rel"):
        if published is None:
            return None
        return published.year + _REL_OFFSET[g["rel"]]
    return None


def parse_dates(text: str, published: date | None = None) -> list[DateRef]:
    """Dates in ``text``, in order of appearance."""
    found: list[DateRef] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            s, e = m.span()
            while s < e and text[s].isspace():
                s += 1
            if any(s < te and ts < e for ts, te in taken):
                continue
            g = m.groupdict()
            y = _year(g, published)
            if kind == "ymd":
                key: tuple = ("ymd", y, int(g["m"]), int(g["d"]))
            elif kind == "ym":
                key = ("ym", y, int(g["m"]))
            elif kind == "md":
                key = ("md", int(g["m"]), int(g["d"]))
            elif kind == "q":
                key = ("q", y, int(g["q"]))
            elif kind == "h":
                key = ("h", y, 1 if g["half"].startswith("상") else 2)
            elif kind == "y":
                if y is None:
                    continue
                key = ("y", y)
            elif kind == "t":
                h = int(g["h"])
                if g.get("ampm") == "오후" and h < 12:
                    h += 12
                if kind == "t" and "시" in m.group(0) and not g.get("ampm") and not g.get("mi"):
                    continue  # "10시 출근제": not a time worth checking without 오전/오후 or minutes
                key = ("t", h, int(g.get("mi") or 0))
            else:
                key = ("m", int(g["m"]))
            taken.append((s, e))
            found.append(DateRef(key, s, e, text[s:e], g.get("wd") or "", bool(g.get("rel"))))
    found.sort(key=lambda d: d.start)
    return found


def weekday_ok(y: int | None, m: int, d: int, wd: str) -> bool:
    """Whether the written weekday is the calendar's (unknown year or impossible dates: not judged)."""
    if not wd or y is None:
        return True
    try:
        return WEEKDAYS[date(y, m, d).weekday()] == wd
    except ValueError:
        return False


_RELEASE_LINE = re.compile(r"(보도\s*시점|보도\s*일시|보도일|배포\s*일시|배포|발표|작성|엠바고)")


def infer_release_date(text: str) -> date | None:
    """The release date from the source's own date line: a labelled date (보도시점, 배포…) whose weekday
    agrees with the calendar, else the first full date near the top, else a year-month there."""
    head = text[:3000]
    candidates: list[tuple[int, date]] = []
    for ref in parse_dates(head):
        if ref.key[0] != "ymd" or ref.key[1] is None:
            continue
        _, y, m, d = ref.key
        try:
            day = date(y, m, d)
        except ValueError:
            continue
        if ref.weekday and not weekday_ok(y, m, d, ref.weekday):
            continue
        line_start = head.rfind("\n", 0, ref.start) + 1
        labelled = bool(_RELEASE_LINE.search(head[max(line_start, ref.start - 40) : ref.start]))
        candidates.append((0 if labelled else 1, day))
        if labelled:
            break
    if candidates:
        candidates.sort(key=lambda c: c[0])
        return candidates[0][1]
    for ref in parse_dates(head[:600]):
        if ref.key[0] == "ym" and ref.key[1]:
            return date(ref.key[1], ref.key[2], 1)
    return None
