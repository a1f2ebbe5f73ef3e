"""A release of export figures and three summaries of it, for the claim-evidence tests: a faithful
one in other surface forms than the source's, and one with a fabricated date, a flipped direction
and a number moved to another subject (the items' figures are in a table, as export releases give them)."""

from __future__ import annotations

import copy
import re
from typing import Any

from briefing.records import Attachment, ReleaseRecord
from briefing.testing.fakellm import Reply, json_reply

BODY = """\
산업통상자원부는 2025년 11월 1일 10월 수출입 동향을 발표했다.
10월 수출은 전년 같은 달보다 12.5% 증가한 580억 달러를 기록했다.
주요 품목의 수출은 붙임 표와 같다.
수입은 4.2% 감소한 520억 달러였다.
무역수지는 60억 달러 흑자를 냈다.
산업통상자원부는 11월 15일 수출 지원 대책을 내놓을 예정이다.
"""
TABLE = """\
10월 수출입 동향
(단위: 억 달러)
구분 | 2024년 10월 | 2025년 10월
수출 | 515.6 | 580
수입 | 542.8 | 520

주요 품목 수출
(단위: 억 달러)
품목 | 2024년 10월 | 2025년 10월
반도체 | 95.2 | 120
자동차 | 60.1 | 65
"""


def export_record(rid: str, title: str) -> ReleaseRecord:
    return ReleaseRecord(
        id=rid,
        url=f"https://www.korea.kr/briefing/pressReleaseView.do?newsId={rid}",
        title=title,
        published="2025-11-01T11:00:00+09:00",
        ministry="산업통상자원부",
        body_text=BODY,
        attachments=[
            Attachment(
                name="251101 수출입동향.hwpx",
                url=f"https://www.korea.kr/common/download.do?fileId={rid}1",
                type="hwpx",
                size=2048,
                sha256="cd" * 32,
                text=TABLE,
            )
        ],
    )


FAITHFUL_TITLE = "10월 수출입 동향"
FABRICATED_TITLE = "10월 수출입 동향 발표"

UNDECIDED = "주요 품목 2개의 수출이 집계됐다."
FAITHFUL: dict[str, Any] = {
    "headline": "10월 수출 580억불, 12.5% 늘어",
    "key_summary": (
        "산업부는 2025. 11. 1. 10월 수출입 동향을 내놨다. "
        "10월 수출은 전년 동월 대비 12.5% 늘어난 580억불이다. "
        "수입은 4.2% 줄어 520억 달러였다."
    ),
    "main_points": [
        "무역수지 흑자는 60억 달러다.",
        "반도체 수출은 120억 달러다.",
        "자동차 수출은 65억 달러다.",
        UNDECIDED,  # the rules cannot count items: the model's second look decides it
    ],
    "background": "",
    "details": "",
    "effects": "",
    "next_steps": "11월 15일 수출 지원 대책이 나온다.",
    "category": "경제·산업",
    "tags": ["수출", "수입", "무역수지"],
    "ministries": ["산업통상자원부"],
}
# one fabrication of each kind: a date the source never held, 증가 turned into 감소, and the
# semiconductors' figure given to cars
FABRICATED_DATE = "2024년 5월 2일"
FLIPPED = "12.5% 감소한"
SWAPPED = "자동차 수출은 120억 달러"
FABRICATED: dict[str, Any] = {
    **copy.deepcopy(FAITHFUL),
    "key_summary": (
        f"산업통상자원부는 {FABRICATED_DATE} 수출입 동향을 발표했다. "
        f"10월 수출은 전년 같은 달보다 {FLIPPED} 580억 달러를 기록했다. "
        f"{SWAPPED}로 집계됐다."
    ),
}


def answer(body: dict[str, Any]) -> Reply:
    """The fake model: summaries by the release's title; as the fact checker (the second look at
    undecided claims), every claim supported by the first passage shown."""
    messages = body.get("messages", [])
    system = messages[0]["content"] if messages else ""
    user = "\n".join(m["content"] for m in messages if m["role"] == "user")
    if "사실 확인 담당자" in system:
        numbers = [int(n) for n in re.findall(r"\[주장 (\d+)\]", user)]
        return json_reply({"verdicts": [{"n": n, "verdict": "supported", "evidence": ""} for n in numbers]})
    if f"제목: {FABRICATED_TITLE}\n" in user:
        return json_reply(FABRICATED)
    return json_reply(FAITHFUL)
