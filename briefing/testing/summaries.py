"""Records, model answers and settings shared by the summarize tests and benches."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from briefing.records import Attachment, ReleaseRecord
from briefing.settings import Settings
from briefing.store import Store

BODY = """\
과학기술정보통신부는 2025년 9월 3일 인공지능 반도체 산업 육성을 위한 지원 계획을 발표했다.
정부는 2026년까지 총 1,000억 원을 투입해 국산 인공지능 반도체의 데이터센터 실증을 지원한다.
올해 상반기 국내 인공지능 반도체 시장은 전년 대비 3.5% 성장했다.
□ 추진 배경
그간 인공지능 연산에 쓰이는 반도체는 대부분 해외 제품에 의존해 왔다.
□ 주요 내용
공공 데이터센터 100개 기관에 국산 반도체를 우선 도입하고, 전문 인력 12명으로 기술지원단을 꾸린다.
정보통신산업진흥원은 실증 사업의 공모와 평가를 맡는다.
□ 향후 계획
과학기술정보통신부는 2025년 하반기 중 세부 공모 일정을 공고할 예정이다.
"""

ATTACHMENT_TEXT = BODY + "\n붙임: 인공지능 반도체 지원 예산 | 1,000억 원 | 2026년까지\n"


def make_record(rid: str = "156700001", **changes: Any) -> ReleaseRecord:
    """A release with a body and an HWP attachment carrying the same text plus a table line."""
    record = ReleaseRecord(
        id=rid,
        url=f"https://www.korea.kr/briefing/pressReleaseView.do?newsId={rid}",
        title="인공지능 반도체 산업 육성 지원 계획 발표",
        published="2025-09-03T12:00:00+09:00",
        ministry="과학기술정보통신부",
        body_text=BODY,
        attachments=[
            Attachment(
                name="250903 인공지능 반도체 지원계획(보도자료).hwpx",
                url=f"https://www.korea.kr/common/download.do?fileId={rid}1",
                type="hwpx",
                size=12345,
                sha256="ab" * 32,
                text=ATTACHMENT_TEXT,
            )
        ],
    )
    for key, value in changes.items():
        setattr(record, key, value)
    return record


VALID: dict[str, Any] = {
    "headline": "과기정통부, 인공지능 반도체 산업에 1,000억 원 지원",
    "key_summary": (
        "과학기술정보통신부가 2025년 9월 3일 인공지능 반도체 산업 육성 지원 계획을 발표했다. "
        "2026년까지 1000억원을 투입해 국산 반도체의 데이터센터 실증을 돕는다. "
        "공공 데이터센터 100개 기관에 국산 반도체를 우선 도입한다."
    ),
    "main_points": [
        "2026년까지 총 1,000억 원 투입",
        "공공 데이터센터 100개 기관에 국산 반도체 우선 도입",
        "전문 인력 12명으로 기술지원단 구성",
    ],
    "background": "인공지능 연산용 반도체의 해외 의존이 컸다.",
    "details": "정보통신산업진흥원이 실증 사업 공모와 평가를 맡는다.",
    "effects": "원문에 기대 효과가 제시되지 않았다.",
    "next_steps": "2025년 하반기 중 세부 공모 일정을 공고한다.",
    "category": "과학·디지털",
    "tags": ["인공지능", "반도체", "데이터센터"],
    "ministries": ["과학기술정보통신부"],
}


def valid_summary(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(VALID)
    data.update(changes)
    return data


def wrong_date_summary() -> dict[str, Any]:
    """States 2024년 5월 2일 where the source says 2025년 9월 3일."""
    return valid_summary(
        key_summary=VALID["key_summary"].replace("2025년 9월 3일", "2024년 5월 2일"),
    )


def save(data_dir: Path, *records: ReleaseRecord) -> None:
    store = Store(data_dir)
    for record in records:
        store.save(record)


def llm_settings(tmp_path: Path, api_base: str, **values: Any) -> Settings:
    base = {
        "data_dir": tmp_path / "data",
        "content_dir": tmp_path / "content",
        "llm_model": "openai/gpt-4o-mini",
        "llm_api_base": api_base,
        "llm_timeout": 5.0,
        "llm_backoff": 0.05,
        "llm_max_parallel": 2,
    }
    base.update(values)
    return Settings().with_values(base)


def offline_settings(tmp_path: Path, **values: Any) -> Settings:
    base = {"data_dir": tmp_path / "data", "content_dir": tmp_path / "content", "llm_model": ""}
    base.update(values)
    return Settings().with_values(base)
