"""Synthetic but realistic Korean press releases, for benchmarks, scale tests and the demo.

``generate_records(n)`` is deterministic: the same ``(n, seed, start)`` gives the same records, and
record ``i`` does not depend on ``n`` (so ``generate_records(1020)[:1000] == generate_records(1000)``,
which lets a benchmark "publish 20 new releases" on top of an existing set). Records cover all ten
categories of :mod:`briefing.categories` through the subject matter of their text, come from many
ministries, and carry one or two attachments whose extracted text repeats and extends the page.

It is one piece on purpose: the generator and its vocabulary tables belong together.
"""

from __future__ import annotations

import hashlib
import random
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from briefing.records import KST, Attachment, ReleaseRecord, SourceRef, StepStatus

DEFAULT_START = date(2026, 10, 1)
PER_DAY = 36  # roughly the portal's weekday volume of press releases


@dataclass(frozen=True)
class _Topic:
    subject: str  # noun phrase, e.g. "청년 일자리 도약 장려금"
    action: str  # verb phrase for titles, e.g. "지원 대상 확대"
    target: str  # who benefits, e.g. "청년"
    unit: str  # what the numbers count, e.g. "명"


# category slug -> (ministries, topics). The words are chosen so keyword guessing lands on the slug.
_AREAS: dict[str, tuple[tuple[str, ...], tuple[_Topic, ...]]] = {
    "economy": (
        ("기획재정부", "산업통상자원부", "중소벤처기업부", "금융위원회", "관세청", "국가데이터처"),
        (
            _Topic("하반기 경제정책방향", "발표", "기업과 가계", "개 과제"),
            _Topic("중소기업 수출 바우처", "지원 확대", "수출 중소기업", "개 사"),
            _Topic("소상공인 정책자금", "추가 공급", "소상공인", "억 원"),
            _Topic("반도체·이차전지 투자 세액공제", "적용 기한 연장", "투자 기업", "개 사"),
            _Topic("10월 수출입 동향", "공개", "수출 기업", "억 달러"),
            _Topic("물가 안정 대책", "추진", "서민 가계", "개 품목"),
        ),
    ),
    "science-digital": (
        ("과학기술정보통신부", "우주항공청", "개인정보보호위원회", "특허청"),
        (
            _Topic("인공지능 반도체 연구개발 사업", "착수", "연구기관", "개 과제"),
            _Topic("차세대 발사체 엔진 연소시험", "성공", "연구진", "초"),
            _Topic("디지털 포용 교육", "전국 확대", "고령층", "명"),
            _Topic("소프트웨어 인재 양성 사업", "참여 대학 선정", "대학생", "개 대학"),
            _Topic("양자 과학기술 플래그십 프로젝트", "공모", "연구기관", "억 원"),
        ),
    ),
    "administration-safety": (
        ("행정안전부", "인사혁신처", "소방청", "경찰청", "법제처"),
        (
            _Topic("겨울철 재난안전 대책", "수립", "국민", "개 과제"),
            _Topic("지방자치단체 정부혁신 평가", "결과 발표", "지방자치단체", "개 기관"),
            _Topic("공무원 인사제도 개선안", "마련", "공무원", "개 과제"),
            _Topic("화재 안전 특별 점검", "실시", "다중이용시설", "곳"),
            _Topic("온라인 민원 서비스", "개편", "민원인", "종"),
        ),
    ),
    "welfare-employment": (
        ("고용노동부", "보건복지부", "질병관리청", "국가보훈부"),
        (
            _Topic("청년 일자리 도약 장려금", "지원 대상 확대", "청년", "명"),
            _Topic("기초연금 선정기준액", "인상", "노인", "만 원"),
            _Topic("산업재해 예방 지원 사업", "시행", "소규모 사업장", "곳"),
            _Topic("장애인 고용 장려금", "단가 인상", "장애인 근로자", "명"),
            _Topic("동절기 호흡기 감염병 예방접종", "시작", "고위험군", "만 명"),
            _Topic("저출생 대응 육아휴직 급여", "상한 인상", "부모", "만 원"),
        ),
    ),
    "education-culture": (
        ("교육부", "문화체육관광부", "국가유산청"),
        (
            _Topic("늘봄학교 프로그램", "운영 확대", "초등학생", "개 학교"),
            _Topic("대학 등록금 부담 완화 방안", "발표", "대학생", "억 원"),
            _Topic("지역 관광 활성화 사업", "선정", "지방자치단체", "곳"),
            _Topic("K-콘텐츠 해외 진출 지원", "강화", "콘텐츠 기업", "개 사"),
            _Topic("생활체육 시설 확충 계획", "확정", "지역 주민", "곳"),
        ),
    ),
    "environment-energy": (
        ("기후에너지환경부", "환경부", "기상청", "산업통상자원부"),
        (
            _Topic("미세먼지 계절관리제", "시행", "수도권 주민", "개 사업장"),
            _Topic("재생에너지 보급 지원 사업", "공고", "주택과 건물", "메가와트"),
            _Topic("탄소중립 이행 점검 결과", "발표", "산업계", "만 톤"),
            _Topic("수질 개선 종합대책", "추진", "상수원 주변 지역", "곳"),
            _Topic("겨울철 전력 수급 대책", "마련", "국민", "만 킬로와트"),
        ),
    ),
    "land-transport": (
        ("국토교통부", "행정중심복합도시건설청", "새만금개발청"),
        (
            _Topic("수도권 주택 공급 확대 방안", "발표", "무주택 서민", "만 호"),
            _Topic("광역급행철도 신규 노선", "착공", "수도권 주민", "킬로미터"),
            _Topic("택시 요금 체계 개선", "추진", "택시 이용자", "개 시·도"),
            _Topic("도로 교통안전 특별 대책", "시행", "운전자", "곳"),
            _Topic("항공 안전 점검 결과", "공개", "항공사", "개 사"),
        ),
    ),
    "diplomacy-defense": (
        ("외교부", "통일부", "국방부", "병무청", "방위사업청"),
        (
            _Topic("한-아세안 외교장관 회의", "개최", "재외동포", "개국"),
            _Topic("국방 첨단전력 획득 계획", "의결", "군", "억 원"),
            _Topic("남북 이산가족 실태조사", "실시", "이산가족", "명"),
            _Topic("재외국민 안전 대책", "강화", "재외국민", "개 공관"),
            _Topic("국제협력 개발원조 사업", "확정", "협력국", "억 원"),
        ),
    ),
    "justice-society": (
        ("법무부", "성평등가족부", "공정거래위원회", "국가인권위원회"),
        (
            _Topic("전세사기 피해자 법률 지원", "확대", "피해 임차인", "명"),
            _Topic("한부모가족 양육비 지원", "인상", "한부모가족", "만 원"),
            _Topic("온라인 플랫폼 불공정 거래", "제재", "소비자", "억 원"),
            _Topic("외국인 인력 체류 제도 개선", "추진", "외국인 근로자", "명"),
            _Topic("소비자 피해 예방 주의보", "발령", "소비자", "건"),
        ),
    ),
    "agriculture-ocean": (
        ("농림축산식품부", "해양수산부", "산림청", "농촌진흥청"),
        (
            _Topic("쌀 수급 안정 대책", "발표", "농업인", "만 톤"),
            _Topic("수산물 소비 촉진 행사", "개최", "어업인", "억 원"),
            _Topic("산림 재해 예방 사업", "추진", "산촌 주민", "헥타르"),
            _Topic("청년 농업인 영농 정착 지원", "확대", "청년 농업인", "명"),
            _Topic("항만 물류 경쟁력 강화 방안", "마련", "해운 기업", "개 항만"),
        ),
    ),
}

_MINISTERS = (
    "김민준",
    "이서연",
    "박지훈",
    "최수아",
    "정도윤",
    "강하은",
    "조현우",
    "윤지민",
    "장서준",
    "임채원",
)
_PLACES = (
    "정부세종청사",
    "정부서울청사",
    "부산 벡스코",
    "대전 컨벤션센터",
    "광주 김대중컨벤션센터",
    "온라인",
)
_STEPS = (
    "관계부처 합동 점검단을 꾸려 추진 상황을 매달 확인한다",
    "현장 의견을 반영해 세부 지침을 보완한다",
    "전담 상담창구를 열어 신청 절차를 안내한다",
    "지방자치단체와 협약을 맺어 지역별 맞춤형으로 운영한다",
    "온라인 누리집에서 신청부터 결과 확인까지 한 번에 처리하도록 한다",
    "성과 평가 결과에 따라 내년 예산을 조정한다",
)


_DEPARTMENTS = ("정책총괄과", "기획조정과", "혁신행정담당관", "정책홍보담당관", "성과관리과", "제도개선과")


def _head(ministry: str) -> str:
    """Title of the head of an organisation: 장관 of a 부, 청장 of a 청, and so on."""
    for suffix, head in (("위원회", "위원장"), ("청", "청장"), ("처", "처장")):
        if ministry.endswith(suffix):
            return head
    return "장관"


def _has_batchim(word: str) -> bool:
    last = word.rstrip()[-1:]
    if "가" <= last <= "힣":
        return (ord(last) - 0xAC00) % 28 != 0
    return last.isdigit() and last in "013678"  # 영, 일, 삼, 육, 칠, 팔 end in a consonant


def _particle(word: str, with_final: str, without_final: str) -> str:
    """The particle that fits ``word``'s last syllable (을/를, 이/가, 은/는, 과/와)."""
    return with_final if _has_batchim(word) else without_final


def _josa(word: str, with_final: str, without_final: str) -> str:
    """``word`` followed by its fitting particle."""
    return word + _particle(word, with_final, without_final)


def _money(rng: random.Random) -> str:
    amount = rng.choice((12, 35, 48, 120, 250, 480, 1200, 3500, 8200, 12000))
    return f"{amount:,}억 원"


def _category_for(index: int, rng: random.Random) -> str:
    slugs = list(_AREAS)
    # Weighted a little toward economy and welfare, as on the portal, but every area appears.
    return slugs[index % len(slugs)] if rng.random() < 0.7 else rng.choice(("economy", "welfare-employment"))


def _published(index: int, start: date, rng: random.Random, per_day: int = PER_DAY) -> datetime:
    day = start + timedelta(days=index // per_day)
    slot = index % per_day
    minutes = 8 * 60 + slot * (10 * 60 // per_day) + rng.randrange(0, max(1, 10 * 60 // per_day))
    return datetime.combine(day, time(minutes // 60, minutes % 60), KST)


def _record(
    index: int, seed: int, start: date, per_day: int = PER_DAY, real_text: RealText | None = None
) -> ReleaseRecord:
    rng = random.Random(f"{seed}:{index}")
    slug = _category_for(index, rng)
    ministries, topics = _AREAS[slug]
    ministry = rng.choice(ministries)
    topic = rng.choice(topics)
    when = _published(index, start, rng, per_day)
    year = when.year + (1 if when.month >= 10 and rng.random() < 0.5 else 0)
    count = rng.choice((3, 12, 40, 150, 600, 2500, 12000, 35000))
    pct = rng.choice((3.2, 5.8, 7.5, 12.0, 18.4, 25.0, 31.7))
    money = _money(rng)
    deadline = when.date() + timedelta(days=rng.choice((14, 30, 45, 60, 90)))
    minister = rng.choice(_MINISTERS)
    place = rng.choice(_PLACES)

    title = rng.choice(
        (
            f"{year}년 {topic.subject} {topic.action}",
            f"{topic.subject}, {topic.target} {count:,}{topic.unit} 규모로 {topic.action}",
            f"{ministry}, {_josa(topic.subject, '을', '를')} {topic.action}한다",
            f"{topic.target} 위한 {topic.subject} {topic.action}… {money} 투입",
        )
    )
    subtitles = [
        f"{_josa(topic.target, '을', '를')} 위해 총 {money} 투입, 전년 대비 {pct}% 늘어",
        f"{deadline.month}월 {deadline.day}일까지 신청 접수, {deadline.year}년 상반기 중 결과 발표",
    ][: rng.choice((1, 2))]
    steps = rng.sample(_STEPS, 3)
    paragraphs = [
        f"{ministry}({_head(ministry)} {minister}){_particle(ministry, '은', '는')} {when.month}월 {when.day}일 {place}에서 "
        f"「{topic.subject}」에 관한 계획을 발표하고, {topic.target} {count:,}{topic.unit} "
        f"규모로 {topic.action}한다고 밝혔다.",
        f"이번 계획에는 총 {money}이 투입되며, 이는 지난해보다 {pct}% 늘어난 규모다. "
        f"{_josa(ministry, '은', '는')} {topic.target}의 부담을 덜고 정책 효과를 높이기 위해 지원 요건을 완화하고 절차를 간소화했다.",
        f"주요 내용을 보면, 첫째 {topic.subject} 지원 대상을 {topic.target} 전반으로 넓힌다. "
        f"둘째 {steps[0]}. 셋째 {steps[1]}.",
        f"신청은 {when:%Y년 %m월 %d일}부터 {deadline:%Y년 %m월 %d일}까지 받으며, "
        f"{ministry} 누리집과 정부24에서 할 수 있다. 자세한 내용은 붙임 자료를 참고하면 된다.",
        f"{minister} {_head(ministry)}{_particle(_head(ministry), '은', '는')} “{topic.subject}{_particle(topic.subject, '은', '는')} "
        f"{topic.target}에게 실질적인 도움이 되도록 설계했다”며 “{steps[2]}”고 말했다.",
        f"{_josa(ministry, '은', '는')} {year}년 말까지 추진 실적을 점검하고, 그 결과를 국민에게 공개할 계획이다.",
    ]
    body = "\n\n".join(paragraphs)

    release_id = f"syn-{index:06d}"
    news_id = 156_000_000 + seed * 1_000_000 + index
    url = f"https://www.korea.kr/briefing/pressReleaseView.do?newsId={news_id}"
    attachments = []
    count_attachments = rng.choice((1, 1, 2))
    extra: list[str] = []
    for n in range(count_attachments):
        kind = ("hwpx", "pdf", "hwp")[(index + n) % 3]
        label = "보도자료" if n == 0 else "붙임"
        text = "\n".join(
            (
                f"{label}  {when:%Y. %m. %d.}({'월화수목금토일'[when.weekday()]}) {ministry}",
                title,
                *(f"- {line}" for line in subtitles),
                body,
                "구분 | 지난해 | 올해 | 증감률",
                f"{topic.subject} | {count:,} | {round(count * (1 + pct / 100)):,} | {pct}%",
                f"담당 부서: {ministry} {rng.choice(_DEPARTMENTS)}  담당자: 사무관 {rng.choice(_MINISTERS)}"
                f" (044-{rng.randrange(200, 999)}-{rng.randrange(1000, 9999)})",
            )
        )
        if real_text and n == 0:
            # Its own generator, so the rest of the record is the same with or without real text;
            # the synthetic lines count towards the real size (each attachment has about as many).
            draw = random.Random(f"{seed}:{index}:real")
            extra = real_text.draw(draw, count_attachments, reserve=len(text) * count_attachments)
        if extra and extra[n]:
            text = f"{text}\n{extra[n]}"
        raw = text.encode("utf-8")
        attachments.append(
            Attachment(
                name=f"{when:%y%m%d} ({label}) {topic.subject} {topic.action}.{kind}",
                url=f"https://www.korea.kr/common/download.do?fileId={news_id}{n}&tblKey=GMN",
                type=kind,  # type: ignore[arg-type]
                size=len(raw) * 9 + rng.randrange(20_000, 400_000),  # binaries are larger than their text
                sha256=hashlib.sha256(raw + kind.encode()).hexdigest(),
                text=text,
                extracted_with="synthetic",
            )
        )

    stamp = (when + timedelta(minutes=30)).isoformat()
    return ReleaseRecord(
        id=release_id,
        url=url,
        title=title,
        published=when.isoformat(),
        ministry=ministry,
        subtitles=subtitles,
        modified=None,
        sources=[SourceRef(name="synthetic", id=str(news_id), url=url)],
        body_text=body,
        attachments=attachments,
        fetched_at=stamp,
        status={
            "page": StepStatus(state="ok", attempts=1, updated_at=stamp),
            "attachments": StepStatus(state="ok", attempts=1, updated_at=stamp),
        },
    )


def generate_records(
    n: int,
    seed: int = 0,
    start: date | None = None,
    *,
    per_day: int = PER_DAY,
    real_text: RealText | None = None,
) -> list[ReleaseRecord]:
    """``n`` deterministic synthetic releases, ids ``syn-000000`` onward, published from ``start``
    (default 2026-10-01) at ``per_day`` a day (default 36) between 08:00 and 18:00 Korea time,
    oldest first.

    With ``real_text`` (see :func:`real_text_pool`) each release's attachments also carry real
    press-release paragraphs, as many characters as a real release's attachments hold.
    """
    return list(iter_records(n, seed, start, per_day=per_day, real_text=real_text))


def iter_records(
    n: int,
    seed: int = 0,
    start: date | None = None,
    *,
    first: int = 0,
    per_day: int = PER_DAY,
    real_text: RealText | None = None,
) -> Iterator[ReleaseRecord]:
    """Records ``first`` to ``n - 1`` of :func:`generate_records`, one at a time (a year of
    releases with real text does not fit in memory at once)."""
    if n < 0:
        raise ValueError(f"n must be >= 0, not {n}")
    if per_day < 1:
        raise ValueError(f"per_day must be >= 1, not {per_day}")
    for i in range(max(0, first), n):
        yield _record(i, seed, start or DEFAULT_START, per_day, real_text)


@dataclass(frozen=True)
class RealText:
    """Paragraphs of real press releases and how much attachment text real releases carry.

    ``documents`` holds the lines of each distinct document (twins counted once);
    ``release_chars`` the attachment characters of each real release (twins included, as a record
    keeps every attachment). Build it with :func:`real_text_pool`.
    """

    documents: tuple[tuple[str, ...], ...]
    release_chars: tuple[int, ...]

    def draw(self, rng: random.Random, parts: int, reserve: int = 0) -> list[str]:
        """Attachment text for one release, split into ``parts``: runs of 3-12 consecutive lines
        from random places of random documents, until a real release's size less ``reserve``
        characters is reached."""
        want = rng.choice(self.release_chars) - reserve
        lines: list[str] = []
        size = 0
        while size < want:
            doc = rng.choice(self.documents)
            first = rng.randrange(len(doc))
            for line in doc[first : first + rng.randint(3, 12)]:
                lines.append(line)
                size += len(line) + 1
        cut = len(lines) * 3 // 5 if parts > 1 else len(lines)
        return ["\n".join(lines[:cut]), *(["\n".join(lines[cut:])] if parts > 1 else [])]


def real_text_pool(corpus: Path) -> RealText | None:
    """Real text from a corpus folder of press releases (``hwp/``, ``hwpx/``, ``pdf/``), extracted
    with our own extractors; ``None`` when the folder holds no readable document.

    Files with the same stem are one release in several formats (twins): their characters add up
    to the release's size, and the first readable one gives the paragraphs.
    """
    from briefing.extract import ExtractError, extract_document

    per_release: dict[str, int] = {}
    documents: dict[str, tuple[str, ...]] = {}
    for folder in ("hwp", "hwpx", "pdf"):
        if not (Path(corpus) / folder).is_dir():
            continue
        for path in sorted((Path(corpus) / folder).iterdir()):
            try:
                text = extract_document(path.read_bytes(), name=path.name).text
            except (ExtractError, OSError):
                continue
            lines = tuple(line for line in text.splitlines() if line.strip())
            if not lines:
                continue
            per_release[path.stem] = per_release.get(path.stem, 0) + len(text)
            documents.setdefault(path.stem, lines)
    if not documents:
        return None
    return RealText(tuple(documents.values()), tuple(per_release.values()))


def write_synthetic_articles(
    records: list[ReleaseRecord], content_dir: Path, data_dir: Path | None = None
) -> int:
    """Turn records into articles ``content_dir/releases/YYYY/MM/<id>.md``; returns how many.

    Runs the real pipeline: records are saved under ``data_dir`` (a temporary folder when not
    given) and summarised offline by :func:`briefing.summarize.run_summarize` (no model, no
    network), so benches and tests see exactly the articles a site without a model gets.
    """
    from briefing.settings import Settings
    from briefing.store import Store
    from briefing.summarize import run_summarize

    with tempfile.TemporaryDirectory(prefix="briefing-synthetic-") as tmp:
        folder = Path(data_dir) if data_dir else Path(tmp)
        store = Store(folder)
        for record in records:
            store.save(record)
        settings = Settings().with_values(
            {"data_dir": folder, "content_dir": Path(content_dir), "llm_model": ""}
        )
        report = run_summarize(settings)
    if report.exit_code:
        raise RuntimeError(f"offline summaries failed: {report.summary_line()}")
    return len(records)
