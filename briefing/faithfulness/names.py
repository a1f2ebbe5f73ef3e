"""People, organisations and quotations, recognised by the forms Korean releases use.

Organisations are recognised by form (a word ending in 부/처/청/위원회/공단/공사/협회/재단/사령부/
은행/연구원/센터/기금…) plus the known short forms of central bodies (기재부, 행안부, 수자원공사).
People are a name next to a title in any order: ``(장관 홍길동)``, ``홍길동 국장``, ``금융위원장
김병환``, ``장미란 문체부 제2차관``. Quotations are compared word for word after removing spacing,
punctuation, bracket styles and the ``(가칭)`` marker, so that ``｢가칭기본사회기본법｣`` and
``「기본사회기본법(가칭)」`` compare equal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Central bodies and their short forms (both the pre- and post-2025 names).
ORGS: dict[str, tuple[str, ...]] = {
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
    "식품의약품안전처": ("식약처",),
    "국가데이터처": ("데이터처",),
    "방위사업청": ("방사청",),
    "국가유산청": ("문화재청",),
    "농촌진흥청": ("농진청",),
    "질병관리청": ("질병청",),
    "해양경찰청": ("해경청", "해경"),
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
    "한국수자원공사": ("수자원공사", "K-water"),
    "한국토지주택공사": ("LH", "토지주택공사"),
    "한국전력공사": ("한전",),
    "국민건강보험공단": ("건보공단",),
    "건강보험심사평가원": ("심평원",),
    "대한무역투자진흥공사": ("코트라", "KOTRA"),
    "정보통신산업진흥원": ("NIPA",),
    "한국농수산식품유통공사": ("aT",),
}
ALIASES: dict[str, list[str]] = {}
for _full, _short in ORGS.items():
    for _s in _short:
        ALIASES.setdefault(_s, []).append(_full)

_ORG_SUFFIX = (
    "위원회|협의회|연합회|공제회|체육회|진흥회|협회|학회|재단|공단|공사|사령부|은행|연구원|연구소|진흥원|"
    "개발원|평가원|정보원|과학원|교육원|관리원|보험원|센터|기금|조합|본부|사업단|협력단|추진단|"
    "지원단|처|청|부"
)
_ORG_RE = re.compile(
    rf"(?<![가-힣A-Za-z])(?P<o>[가-힣A-Za-z]{{1,16}}(?:{_ORG_SUFFIX}))(?=[^가-힣]|$|[은는이가을를의와과에도로만께])"
)
# Words that end like an organisation but are ordinary nouns of releases.
_NOT_ORG = re.compile(
    r"^(?:일부|전부|정부|내부|외부|세부|간부|학생부|일반부|본부|지부|여부|부|처|청|공사|기금|센터|재단|공단|"
    r"위원회|협회|본청|민원처|가부|대부|상부|하부|전체부|사업부|[가-힣]?공사|.*(?:건설|보수|정비|개량|토목|"
    r"시설|도로|철도|하천|준설|방수|전기|설비|포장|본댐|착공|공사중)공사|.*기여금|.*부담금|.*분담금|.*출연금|"
    r".*[지원사업기본]+처|.*대처|.*근처|.*거처|.*출처|.*용처|.*청|.*관청|.*민원처)$"
)
_PARTICLE = re.compile(r"(?:으로|에서|에게|로|와|과|은|는|이|가|을|를|의|에|도|만|께)$")


def org_names(text: str) -> list[tuple[str, int, int]]:
    """Organisation-like names in ``text`` with their spans (particles excluded)."""
    out = []
    for m in _ORG_RE.finditer(text):
        name = m.group("o")
        if _NOT_ORG.match(name) and name not in ORGS:
            continue
        if name.endswith(("처", "청", "부")) and name not in ORGS and name not in ALIASES:
            # "처/청/부" alone are too common as word endings; keep forms that look like bodies
            if not re.search(r"(?:[가-힣]{2}(?:부|처|청))$", name) or len(name) < 3:
                continue
            if not re.search(
                r"(?:경찰|소방|관세|국세|조달|통계|검찰|병무|산림|특허|기상|우주항공|재외동포|"
                r"새만금개발|법제|인사혁신|보훈|데이터|지식재산|교육|국방|외교|통일|법무|환경|"
                r"고용노동|노동|국토교통|해양수산|보건복지|여성가족|행정안전|기획재정|산업통상|"
                r"중소벤처기업|농림축산식품|문화체육관광|과학기술정보통신|기후에너지환경|국회예산정책|"
                r"정책|예산|기획|[가-힣]{2,}안전|[가-힣]{2,}관리)(?:부|처|청)$",
                name,
            ):
                continue
        out.append((name, m.start(), m.start() + len(name)))
    for alias in ALIASES:
        if not re.match(r"[A-Za-z]", alias):
            continue
        for m in re.finditer(rf"(?<![A-Za-z]){re.escape(alias)}(?![A-Za-z])", text):
            out.append((alias, m.start(), m.end()))
    return out


# Titles: a word ending in one of these is an office ("정보통신정책실장", "예산총괄과장", "제2차관").
_TITLE_END = (
    "장관|차관보|차관|청장|처장|실장|국장|과장|팀장|센터장|원장|사장|이사장|위원장|본부장|단장|관장|소장|"
    "부장|차장|대변인|부총리|총리|대통령|정책관|심의관|기획관|주무관|사무관|서기관|주사|지사장|회장|의장|"
    "총재|대표|비서관|수석|대사|지사|시장|군수|구청장|감독관|조정관|협력관|담당관|보좌관|부원장|부사장|"
    "이사|감사|위원|교수|박사|연구위원|선임연구위원|대표이사|상임위원|사무총장|사무처장|총장|원사|사령관|"
    "연구원|학생|교사|선수|감독|기자|작가|연구관|연구사"
)
_TITLE = rf"(?P<title>(?:제\d)?[가-힣]{{0,10}}?(?:{_TITLE_END}))(?=[\s|,)·/은는이가의과와도께을를에]|$)"
_SURNAMES = set(
    "김이박최정강조윤장임한오서신권황안송류유전홍고문양손배백허남심노하곽성차주우구민나진지엄채원천방공"
    "현함변염여추도소석선설마길연위표명기반라왕금옥육인맹제모탁국어은편용예경봉사부"
)
_NAME = r"(?P<name>[가-힣]{2,3})"
_NOT_NAMES = {
    "이번",
    "이후",
    "이상",
    "정부",
    "전체",
    "주요",
    "관계",
    "담당",
    "신임",
    "전임",
    "현직",
    "해당",
    "공동",
    "차기",
    "초대",
    "역대",
    "우리",
    "부처",
    "기관",
    "국무",
    "한편",
    "이날",
    "오는",
    "지난",
    "올해",
    "내년",
    "작년",
    "그간",
    "장관",
    "차관",
    "국장",
    "과장",
    "위원",
    "대표",
    "사장",
    "원장",
    "실장",
    "회장",
    "지사",
    "시장",
    "방문",
    "현장",
    "전문",
    "기타",
    "위해",
    "위한",
    "이를",
    "이에",
    "소속",
    "산하",
    "각각",
    "모든",
    "기존",
    "신설",
    "담당자",
    "책임자",
    "이름",
    "성명",
    "직급",
    "연락처",
    "정책",
    "예산",
    "고용",
    "노동",
    "안전",
    "국토",
    "해양",
    "주재",
    "주관",
    "주최",
    "이어",
    "정책관",
    "선임",
    "신규",
    "동행",
    "함께",
    "직접",
    "오전",
    "오후",
}
_AFTER_NAME = r"(?=[\s|,)·/은는이가의과와도께을를에]|$)"
# NAME [org word] TITLE: "한훈 차관", "장미란 문체부 제2차관", "황종우 해양수산부 장관"
_NAME_TITLE = re.compile(
    rf"(?<![가-힣]){_NAME}\s(?:[가-힣]{{2,12}}(?:부|처|청|원|공사|공단|위원회)\s)?{_TITLE}(?![가-힣]{{0,1}}상)"
)
# TITLE NAME: "(장관 홍길동)", "금융위원장 김병환", "예산총괄과장 박준호", "국장 | 박정수"
_TITLE_NAME = re.compile(rf"(?<![가-힣]){_TITLE}\s?(?:\|\s?)?{_NAME}{_AFTER_NAME}")


@dataclass(frozen=True)
class Person:
    name: str
    title: str
    start: int
    end: int
    text: str


def _plausible(name: str) -> bool:
    return (
        len(name) in (2, 3)
        and name[0] in _SURNAMES
        and name not in _NOT_NAMES
        and not _PARTICLE.search(name[1:])
    )


def people(text: str) -> list[Person]:
    """People named with a title, in order; the same span is read once."""
    out: list[Person] = []
    taken: list[tuple[int, int]] = []
    for pattern in (_TITLE_NAME, _NAME_TITLE):
        for m in pattern.finditer(text):
            name, title = m.group("name"), m.group("title")
            if not _plausible(name):
                continue
            if pattern is _TITLE_NAME and len(name) == 2:
                continue  # "국장 이번": two syllables after a title are rarely a name
            s, e = m.span()
            if any(s < te and ts < e for ts, te in taken):
                continue
            taken.append((s, e))
            out.append(Person(name, title, s, e, m.group(0)))
    out.sort(key=lambda p: p.start)
    return out


def title_head(title: str) -> str:
    """The office a title names, without the unit in front: "예산총괄과장" keeps its unit, but
    "제2차관" → "차관" for comparison with a source that writes "차관"."""
    return re.sub(r"^제\d", "", title)


def titles_compatible(claim: str, source: str) -> bool:
    """ "차관" and "제2차관", "과장" and "예산총괄과장" are compatible; "예산정책과장" and
    "재정전략과장" are not (one side must contain the other)."""
    a, b = title_head(claim).replace(" ", ""), title_head(source).replace(" ", "")
    return a == b or ((a.endswith(b) or b.endswith(a)) and min(len(a), len(b)) >= 2)


# Quotations and titles of plans: “…”, "…", 「…」, ｢…｣, 『…』, ‘…’, '…'.
_QUOTE_RE = re.compile(
    r"“(?P<a>[^”\n]{2,400})”|\"(?P<b>[^\"\n]{2,400})\"|[「｢『](?P<c>[^」｣』\n]{2,200})[」｣』]|‘(?P<d>[^’\n]{2,200})’|(?<![A-Za-z])'(?P<e>[^'\n]{2,200})'"
)
_ELLIPSIS = re.compile(r"…|\.\.\.|⋯|중략")
_STRIP = re.compile(r"[\s\"'“”‘’「」｢｣『』<>《》〈〉()（）\[\]{}.,·ㆍ‧・:;!?~∼～\-–—_*※]+")


def quotes(text: str) -> list[tuple[str, int, int]]:
    """Quoted words with their spans (span of the whole quotation, marks included)."""
    out = []
    for m in _QUOTE_RE.finditer(text):
        inner = next(g for g in m.groups() if g is not None)
        out.append((inner, m.start(), m.end()))
    return out


def squash(text: str) -> str:
    """Text for word-for-word comparison: no spacing, punctuation, bracket style or (가칭)."""
    text = re.sub(r"[(（]\s*이하\s*", "(", text)  # "(이하 장애인올림픽)" introduces the short form quoted
    return _STRIP.sub("", text.replace("(가칭)", "").replace("가칭", ""))


def quote_pieces(inner: str) -> list[str]:
    """The parts of a quotation between ellipses, squashed; short pieces carry no evidence."""
    return [p for p in (squash(x) for x in _ELLIPSIS.split(inner)) if len(p) >= 2]
