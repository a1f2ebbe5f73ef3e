"""The source a summary is made from: one release's page text and attachment texts, labelled,
de-duplicated and cut to a budget.

A release often carries the same document twice (an HWP and its PDF print, and the page text is
often the HWP again). Twins are found by text similarity and only the fuller copy is kept, so the
model reads each fact once and the budget goes further.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from briefing.records import ReleaseRecord

# Short lines of portal chrome and licence notices: never content. (Only short lines: the same words
# occur inside real paragraphs.)
_BOILERPLATE = re.compile(
    r"공공누리|저작권|무단\s*전재|재배포\s*금지|이 보도자료는|보도자료\s*원문|첨부파일|바로가기|다운로드|"
    r"뷰어|미리보기|본문\s*내용|관련\s*기사|목록|이전글|다음글|정책브리핑|korea\.kr",
)
_BOILERPLATE_MAX = 60
# Notices that replace a document's text (배포용 HWP read without decryption): never content at all.
_PLACEHOLDER = re.compile(r"상위\s*버전의\s*배포용\s*문서|문서를\s*읽을\s*수\s*없")
_HANGUL = re.compile(r"[가-힣]")
_FIGURE = re.compile(r"\d")
_TABLE_LINE = re.compile(r"\||\t|\d[\d,.]*\s*(?:%|억|조|만|원|명|개|건)")
MIN_USABLE_HANGUL = 60  # fewer Hangul syllables than this in all texts together: nothing to summarise
TWIN_SIMILARITY = 0.6


@dataclass
class SourcePart:
    label: str  # "보도자료 본문" or "첨부: <file name>"
    text: str


@dataclass
class Source:
    header: str  # title, ministry, date
    parts: list[SourcePart]  # after de-duplication
    text: str  # header + parts, cut to the budget: what the model reads
    full_text: str  # header + every text, uncut: what claims are checked against
    dropped_twins: list[str] = field(default_factory=list)
    truncated: bool = False

    @property
    def usable(self) -> bool:
        return bool(self.parts)


def _clean(text: str) -> str:
    lines = [" ".join(line.split()) for line in text.replace("\r", "\n").split("\n")]
    return "\n".join(lines).strip()


def meaningful(text: str) -> str:
    """``text`` without boilerplate lines; empty when nothing worth summarising is left."""
    kept = [
        line
        for line in _clean(text).split("\n")
        if line
        and not _PLACEHOLDER.search(line)
        and not (len(line) <= _BOILERPLATE_MAX and _BOILERPLATE.search(line))
    ]
    joined = "\n".join(kept)
    return joined if len(_HANGUL.findall(joined)) >= MIN_USABLE_HANGUL else ""


def _shingles(text: str, size: int = 5) -> set[str]:
    compact = re.sub(r"\s+", "", text)
    # sample every third position: enough to compare documents, fast on long attachments
    return {compact[i : i + size] for i in range(0, max(len(compact) - size + 1, 0), 3)}


def containment(a: str, b: str) -> float:
    """Share of ``a``'s 5-character shingles that also occur in ``b`` (0..1)."""
    sa, sb = _shingles(a), _shingles(b)
    if not sa:
        return 0.0
    return len(sa & sb) / len(sa)


def header_of(record: ReleaseRecord) -> str:
    lines = [f"제목: {record.title}"]
    lines += [f"부제: {s}" for s in record.subtitles if s.strip()]
    if record.ministry:
        lines.append(f"부처: {record.ministry}")
    when = record.published_at
    lines.append(f"발표일: {when:%Y}년 {when.month}월 {when.day}일 ({when:%Y-%m-%d})")
    return "\n".join(lines)


def _dedupe(parts: list[SourcePart]) -> tuple[list[SourcePart], list[str]]:
    """Drop parts that are (near) copies of a longer part."""
    order = sorted(range(len(parts)), key=lambda i: len(parts[i].text), reverse=True)
    kept: list[int] = []
    dropped: list[str] = []
    for i in order:
        if any(containment(parts[i].text, parts[k].text) >= TWIN_SIMILARITY for k in kept):
            dropped.append(parts[i].label)
        else:
            kept.append(i)
    return [parts[i] for i in sorted(kept)], dropped


def _cut(parts: list[SourcePart], budget: int) -> tuple[str, bool]:
    """Parts in order, paragraph by paragraph, until ``budget`` characters. Past the budget, table
    lines with figures are still kept while they fit in a reserve (the figures are what summaries
    get wrong when they guess)."""
    reserve = budget // 10
    main_budget = budget - reserve
    out: list[str] = []
    used = 0
    truncated = False
    for part in parts:
        heading = f"\n[{part.label}]"
        out.append(heading)
        used += len(heading)
        for para in re.split(r"\n\s*\n|\n(?=[□○◦●▶▷■◆※\-•ㅇ·]|\d+\.)", part.text):
            para = para.strip()
            if not para:
                continue
            if used + len(para) + 1 <= main_budget:
                out.append(para)
                used += len(para) + 1
                continue
            truncated = True
            for line in para.split("\n"):
                if _TABLE_LINE.search(line) and _FIGURE.search(line) and used + len(line) + 1 <= budget:
                    out.append(line)
                    used += len(line) + 1
    return "\n".join(out).strip(), truncated


def build_source(record: ReleaseRecord, budget: int) -> Source:
    """The labelled, de-duplicated source of ``record``, cut to ``budget`` characters."""
    header = header_of(record)
    raw: list[SourcePart] = []
    body = meaningful(record.body_text)
    if body:
        raw.append(SourcePart("보도자료 본문", body))
    for att in record.attachments:
        if att.error or not att.text.strip():
            continue
        text = meaningful(att.text)
        if text:
            raw.append(SourcePart(f"첨부: {att.name}", text))
    parts, dropped = _dedupe(raw)
    cut, truncated = _cut(parts, max(budget - len(header), 1000))
    full = "\n\n".join([header, _clean(record.body_text), *(_clean(a.text) for a in record.attachments)])
    return Source(
        header=header,
        parts=parts,
        text=f"{header}\n{cut}" if parts else header,
        full_text=full,
        dropped_twins=dropped,
        truncated=truncated,
    )
