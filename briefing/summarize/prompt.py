"""The Korean prompt. Any change to its wording changes ``PROMPT_VERSION``, which invalidates the
summary cache so every article is re-made with the new prompt."""

from __future__ import annotations

import json

from briefing.categories import CATEGORIES
from briefing.faithfulness import ClaimCheck

PROMPT_VERSION = "2026-11-25.1"

_FIELDS = """\
- headline: 기사 제목처럼 한 문장 (원문 제목을 바탕으로, 60자 이내)
- key_summary: 핵심 요약 3~5문장 (각 문장은 "~다."로 끝남)
- main_points: 주요 내용 3~8개 (각각 한 문장)
- background: 배경 및 목적
- details: 세부 추진 내용
- effects: 기대 효과 (원문에 없으면 "원문에 기대 효과가 제시되지 않았다."라고 쓴다)
- next_steps: 향후 계획 (원문에 없으면 "원문에 향후 계획이 제시되지 않았다."라고 쓴다)
- category: 다음 중 정확히 하나: {categories}
- tags: 핵심어 3~8개
- ministries: 원문에 나오는 발표 부처·기관 이름 목록"""

SYSTEM = """\
당신은 대한민국 정부 보도자료를 시민에게 정확하게 요약하는 편집자입니다.
규칙:
1. 오직 아래 원문에 있는 사실만 씁니다. 원문에 없는 날짜, 숫자, 금액, 비율, 기관명, 인명, 인용문을 만들지 않습니다.
2. 날짜는 원문에 적힌 그대로 씁니다(연도를 추측하거나 바꾸지 않습니다). 숫자와 단위도 원문 그대로 옮깁니다.
3. 추측, 평가, 홍보 문구를 덧붙이지 않습니다. 원문에 없는 내용은 "원문에 제시되지 않았다"고 씁니다.
4. 평이한 한국어 문어체(~다)로 씁니다.
5. 답은 JSON 객체 하나뿐입니다. 코드 블록이나 설명을 붙이지 않습니다.
JSON 필드:
""" + _FIELDS.format(categories=", ".join(c.name for c in CATEGORIES))


def quote_source(text: str) -> str:
    """Release text as data inside the ``<원문>`` delimiters: angle brackets become look-alikes, so
    a release cannot close the block early and add text the model would read as ours (as chat does).
    Not a wording change of the prompt: ``PROMPT_VERSION`` stays, and only texts with brackets differ."""
    return text.replace("<", "‹").replace(">", "›")


def build_messages(source_text: str) -> list[dict[str, str]]:
    """Chat messages asking for the summary of ``source_text`` (already labelled and cut)."""
    user = f"다음 보도자료를 요약하세요.\n\n<원문>\n{quote_source(source_text)}\n</원문>"
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": user}]


def retry_invalid(error: str) -> dict[str, str]:
    """Follow-up message after an answer that failed validation, naming the error."""
    return {
        "role": "user",
        "content": (
            "앞의 답은 형식이 올바르지 않습니다. 오류: "
            f"{error}\n같은 내용을 규칙과 필드 정의에 맞는 JSON 객체 하나로만 다시 답하세요."
        ),
    }


def retry_unsupported(claims: list[ClaimCheck]) -> dict[str, str]:
    """Follow-up message naming only the claims the check could not support, each with what the
    source says instead when the check found it (a different figure, the opposite direction)."""
    lines = []
    for claim in claims:
        line = f"- {json.dumps(claim.text, ensure_ascii=False)}"
        if claim.reason:
            line += f": {claim.reason}"
        if claim.source_says:
            line += f" (원문: {json.dumps(claim.source_says, ensure_ascii=False)})"
        if line not in lines:
            lines.append(line)
    listed = "\n".join(lines)
    return {
        "role": "user",
        "content": (
            f"앞의 요약에서 다음 표현은 원문에서 확인되지 않습니다.\n{listed}\n"
            "원문을 다시 확인해 이 표현들만 원문에 적힌 그대로 고치거나 삭제하고, 나머지는 그대로 두어 "
            "JSON 객체 하나로만 다시 답하세요."
        ),
    }
