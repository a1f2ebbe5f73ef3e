"""Tags of an offline extract: names and noun compounds of the release, weighted against the archive.

Candidates are what kiwipiepy marks as nouns, taken whole within one word of the text: a proper
noun (부산광역시, 한국형발사체), a compound (분할납부, 보증금제, 독서교실) or a plain noun that is
not a verbal noun. A verbal noun alone (착수, 돌파, 투입, 신청, 참여, 대비 — nouns the text also
uses as verbs, "착수하다") says what happened, not what it is about, so it is never a tag.

A term's weight is its frequency in the release (title counted thrice) times its inverse document
frequency over the titles of every release in the run (:class:`TitleFrequencies`): titles carry each
release's topic, so a word in many titles ("지원", "추진", "개최") weighs little, and counting a
term in ten thousand titles is a substring count, not an analysis. Without an archive the release is
weighed alone. Every tag is a substring of the source.
"""

from __future__ import annotations

import math
import re
from collections import Counter, deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from briefing.summarize.sentences import kiwi

_NOUN = frozenset(("NNG", "NNP"))
_PART = frozenset(("NNG", "NNP", "XSN", "XPN", "SL", "SN"))
_VERB_SUFFIX = frozenset(("XSV", "XSA"))


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Verbal and generic nouns that never make a tag on their own (the text may not use them as verbs).
_STOP = _words(
    "착수 돌파 투입 신청 참여 대비 추진 지원 운영 개최 실시 확대 점검 발표 시행 마련 개선 강화 도입 선정 제공 계획 예정 "
    "증가 감소 설치 조정 조사 접수 시작 개방 확보 배치 요청 가동 지급 교체 안내 편성 기록 분석 결정 부담 활용 연구 공개 "
    "방문 격려 통과 개정 제정 폐지 보도 설명 자료 보도자료 샘플 내용 구분 대상 기간 현재 올해 작년 내년 정부 경우 관련 이상 "
    "이하 미만 초과 이번 당시 기준 전년 전월 동월 대비 수준 규모 현황 결과 방안 목표 부분 분야 사업 정책 기관 관계 주요 "
    "전국 지역 국민 우리 최대 최소 총 최초 독자 현장 작업 최선 이름 해소 증가세 증가폭 감소세 감소폭 학년 학년도 추가 동안 "
    "회의 체계 무상 주간 이날 오후 오전 당부 강조 언급 시간 금년 동기 사항 문제 필요 경우 이후 이전 위해 통해 대한 정도 "
    "일부 전체 단계 과정 관계부처 특별 기한 대책 안정 평가 단축 가능성 관계기관 관리 동향"
)
_TITLE_NOTE = re.compile(r"\s*[(\[][^()\[\]]{1,20}[)\]]\s*$")  # "(샘플 보도자료)", "(종합)"


RECENT_TITLES = 5000  # about ten weeks of releases at ~70 a day


@dataclass
class TitleFrequencies:
    """In how many of the archive's latest titles a term occurs (its document frequency).

    Titles are only collected; a term is counted when a tag candidate asks for it (a substring
    count over the titles joined, remembered per term), so a run that writes no extract pays
    nothing and one that writes thousands never runs the analyser over ten thousand titles. Only
    the newest ``RECENT_TITLES`` added are kept (the runner adds them oldest month first): how
    common a term is now is what a new release's tags should be weighed against, and a run's
    counting then costs the same at a year of releases as at ten weeks.
    """

    titles: deque[str] = field(default_factory=lambda: deque(maxlen=RECENT_TITLES))
    _joined: str = ""
    _counts: dict[str, int] = field(default_factory=dict)

    def add(self, title: str) -> None:
        self.titles.append(" ".join(title.split()))
        self._joined = ""

    @classmethod
    def of(cls, titles: Iterable[str]) -> TitleFrequencies:
        frequencies = cls()
        for title in titles:
            frequencies.add(title)
        return frequencies

    @property
    def documents(self) -> int:
        return len(self.titles)

    def count(self, term: str) -> int:
        if not self._joined:
            self._joined, self._counts = "\n".join(self.titles), {}
        if term not in self._counts:
            self._counts[term] = self._joined.count(term)
        return self._counts[term]

    def idf(self, term: str) -> float:
        if not self.titles:
            return 1.0
        return math.log((self.documents + 1) / (min(self.count(term), self.documents) + 1)) + 1.0


def _terms(text: str) -> tuple[list[tuple[str, bool]], set[str]]:
    """Noun terms of ``text`` as (surface, is_name_or_compound), and the nouns used as verbs."""
    tokens = kiwi().tokenize(text)
    terms: list[tuple[str, bool]] = []
    verbal: set[str] = set()
    run: list = []

    def flush(following: Any = None) -> None:
        # a number closing a word is a name's ("고용24") only when a space or a mark follows
        named_number = bool(run) and (
            following is None
            or following.start > run[-1].start + run[-1].len
            or following.tag in ("SF", "SP", "SSO", "SSC", "SE", "SO", "SW")
        )
        while run and (
            run[-1].tag == "XPN"
            or (run[-1].tag == "XSN" and run[-1].form == "들")  # plural: 참석자들 is 참석자
            or (run[-1].tag == "SN" and not (named_number and len(run) > 1))
        ):
            run.pop()
            named_number = False
        if run and run[0].tag in ("NNG", "NNP", "XPN", "SL"):
            surface = text[run[0].start : run[-1].start + run[-1].len]
            nouns = [t for t in run if t.tag in _NOUN or t.tag == "SL"]
            rich = len(run) > 1 or run[0].tag == "NNP"
            adjectival = run[-1].tag == "XSN" and run[-1].form in ("적", "상", "간", "별", "용")
            if nouns and len(surface) >= 2 and not surface.isdigit() and not adjectival:
                terms.append((surface, rich))
        run.clear()

    for i, token in enumerate(tokens):
        if token.tag in _VERB_SUFFIX and i and tokens[i - 1].tag == "NNG":
            verbal.add(tokens[i - 1].form)
        if token.tag in _PART and (not run or run[-1].start + run[-1].len == token.start):
            run.append(token)
            continue
        flush(token)
        if token.tag in _PART:
            run.append(token)
    flush()
    return terms, verbal


def pick_tags(
    title: str,
    text: str,
    source: str,
    frequencies: TitleFrequencies | None = None,
    exclude: Iterable[str] = (),
    limit: int = 5,
) -> list[str]:
    """Up to ``limit`` tags for a release: ``title`` and ``text`` give the candidates, every tag
    occurs in ``source``; names in ``exclude`` (its ministries) are left to their own field."""
    title = _TITLE_NOTE.sub("", title)
    title_found, title_verbal = _terms(title)
    body_found, body_verbal = _terms(text[:20_000])
    verbal = title_verbal | body_verbal
    skip = {e.replace(" ", "") for e in exclude}
    counts: Counter[str] = Counter()
    rich: set[str] = set()
    for terms, weight in ((title_found, 3), (body_found, 1)):
        for term, is_rich in terms:
            counts[term] += weight
            if is_rich:
                rich.add(term)
    compact_source = " ".join(source.split())
    scores: dict[str, float] = {}
    for term, count in counts.items():
        if term in _STOP or term.replace(" ", "") in skip or term not in compact_source:
            continue
        if re.search(rf"이하\s*[‘'\"“]?{re.escape(term)}", compact_source):
            continue  # an organisation's short name ("이하 ‘과기정통부’"): left to the ministries
        if term not in rich and (term in verbal or len(term) < 2):
            continue  # a bare verbal noun (착수, 투입) or a single syllable
        if re.fullmatch(r"[A-Za-z]", term):
            continue
        idf = frequencies.idf(term) if frequencies else 1.0
        scores[term] = (count + (1.5 if term in rich else 0.0)) * idf
    ranked = sorted(scores, key=lambda t: (-scores[t], t))
    tags: list[str] = []
    for term in ranked:
        # a shorter candidate inside a chosen one ("보증금" in "보증금제") adds nothing
        if any(term in chosen or chosen in term for chosen in tags):
            continue
        tags.append(term)
        if len(tags) == limit:
            break
    return tags
