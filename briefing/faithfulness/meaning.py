"""Verdicts for dates, people, organisations, quotations and the meaning of a clause.

Dates are looked up by key (a day written without its year is supported by the source's day in the
release year; weekdays are checked against the calendar). People: the name must be in the source
and the title next to it must match. Organisations: in the source as a name of their own, or a known
short form. Quotations: word for word after squashing brackets and spacing. A clause's polar words
(증가/감소, 적합/부적합, 완화/가중, 할 수 있다/없다…) must not be contradicted by the passages that
share its words; a prize with its name in brackets must be paired so in the source; a clause's topic
and the rare words said of it must meet in one passage.
"""

from __future__ import annotations

import re

from briefing.faithfulness.align import CONTRADICTED, NOT_FOUND, SUPPORTED, UNDECIDED, Verdict, _short
from briefing.faithfulness.claims import Claim, content_words
from briefing.faithfulness.dates import DateRef, weekday_ok
from briefing.faithfulness.facts import SourceFacts
from briefing.faithfulness.names import ALIASES, ORGS, org_names, quote_pieces, squash, titles_compatible

# Polar words of a clause and their opposites (a clause saying one where its passage says only the
# other is contradicted). Negated forms ("검출되지 않았다") are read as the opposite word.
_POLAR: list[tuple[str, str]] = [
    ("증가", "감소"),
    ("상승", "하락"),
    ("확대", "축소"),
    ("흑자", "적자"),
    ("최고", "최저"),
    ("최대", "최소"),
    ("부적합", "적합"),
    ("불검출", "검출"),
    ("가중", "완화"),
    ("사후", "사전"),
    ("부진", "선전"),
    ("아쉬", "감동"),
    ("저득점", "고득점"),
    ("금지", "허용"),
    ("불가", "가능"),
    ("수없", "수있"),
    ("악화", "개선"),
    ("감원", "증원"),
    ("인하", "인상"),
    ("하향", "상향"),
    ("연장", "단축"),
    ("폐지", "신설"),
    ("반대", "찬성"),
    ("실패", "성공"),
    ("낮", "높"),
    ("줄", "늘"),
    ("절반", "전액"),
    ("미흡", "우수"),
    ("불합격", "합격"),
    ("부결", "가결"),
]
_OPPOSITE: dict[str, list[str]] = {}
for _a, _b in _POLAR:
    _OPPOSITE.setdefault(_a, []).append(_b)
    _OPPOSITE.setdefault(_b, []).append(_a)
_OPPOSITE["수있"] += ["불가", "금지"]
_OPPOSITE["수없"] += ["가능"]
_POLAR_RE = re.compile("|".join(sorted(_OPPOSITE, key=len, reverse=True)))
_NEGATED = re.compile(r"^[가-힣]{0,3}(?:지\s?않|지\s?못|되지\s?않)")
_PRIZES = re.compile(
    r"(?P<p>대상|금상|은상|동상|장려상|최우수상|우수상|특별상|대통령상|국무총리상)\s?\((?P<q>[^)]{2,40})\)"
)


def check_date(facts: SourceFacts, claim: Claim) -> Verdict:
    ref: DateRef = claim.payload
    key = ref.key
    kind = key[0]
    pub_year = facts.published.year if facts.published else None
    if kind in ("ymd", "md") and ref.weekday:
        y = key[1] if kind == "ymd" else (claim.extra.get("year") or pub_year)
        m, d = (key[2], key[3]) if kind == "ymd" else (key[1], key[2])
        if not weekday_ok(y, m, d, ref.weekday):
            return Verdict(CONTRADICTED, "요일이 날짜와 맞지 않음")
    ids = facts.date_keys.get(key, [])
    if not ids:
        if kind == "ymd":
            _, y, m, d = key
            ids = facts.date_keys.get(("md", m, d), []) if (y == pub_year or y in facts.years) else []
        elif kind == "md":
            ids = [i for k, v in facts.date_keys.items() if k[0] == "ymd" and k[2:] == key[1:] for i in v]
        elif kind == "ym":
            ids = [i for k, v in facts.date_keys.items() if k[0] == "ymd" and k[1:3] == key[1:] for i in v]
            if (not ids and key[1] == pub_year) or (not ids and key[1] in facts.years):
                ids = [i for k, v in facts.date_keys.items() if k == ("m", key[2]) for i in v]
        elif kind == "y":
            ids = [
                i
                for k, v in facts.date_keys.items()
                if len(k) > 1 and k[0] in ("ymd", "ym", "q", "h") and k[1] == key[1]
                for i in v
            ]
            if not ids and key[1] in facts.years:
                ids = ["?"]
        elif kind == "m":
            ids = [
                i
                for k, v in facts.date_keys.items()
                if (k[0] in ("ymd", "ym") and k[2] == key[1]) or (k[0] == "md" and k[1] == key[1])
                for i in v
            ]
        elif kind == "t":
            ids = []
    if not ids and kind == "y" and str(key[1]) in facts.compact:
        ids = ["?"]
    if not ids:
        return Verdict(NOT_FOUND, "원문에서 찾을 수 없는 날짜")
    return Verdict(SUPPORTED, "", sorted({i for i in ids if i != "?"})[:3])


def check_person(facts: SourceFacts, claim: Claim) -> Verdict:
    person = claim.payload
    seen = facts.persons.get(person.name)
    if not seen:
        if person.name in facts.compact:
            return Verdict(SUPPORTED, "", _ids_with(facts, person.name))
        return Verdict(NOT_FOUND, "원문에 없는 인물")
    if any(titles_compatible(person.title, t) for t, _ in seen):
        return Verdict(SUPPORTED, "", sorted({i for t, i in seen if titles_compatible(person.title, t)})[:3])
    return Verdict(CONTRADICTED, "원문과 다른 인물/직함", [], "", f"{person.name} {seen[0][0]}")


def _ids_with(facts: SourceFacts, word: str) -> list[str]:
    return [pf.passage.id for pf in facts.passages if word in pf.compact][:3]


def check_org(facts: SourceFacts, claim: Claim) -> Verdict:
    name = claim.payload.replace(" ", "")
    forms = [name]
    for full in ALIASES.get(name, []):
        forms.append(full)
    if name in ORGS:
        forms.extend(ORGS[name])
    for form in forms:
        pattern = re.compile(r"\s?".join(re.escape(ch) for ch in form))
        for pf in facts.passages:
            if form in pf.compact and _org_in(pf.spaced, pattern):
                return Verdict(SUPPORTED, "", [pf.passage.id])
    return Verdict(NOT_FOUND, "원문에 없는 기관")


def _org_in(spaced: str, pattern: re.Pattern[str]) -> bool:
    """The name in the text as a name of its own: not the tail of a longer name ("환경부" in
    "기후에너지환경부"), except for the usual prefixes of public bodies ("한국수자원공사")."""
    for m in pattern.finditer(spaced):
        before = spaced[max(0, m.start() - 2) : m.start()]
        if not before or not re.match(r"[가-힣]", before[-1:]):
            return True
        if before in ("한국", "국립", "국가", "대한") or before.endswith(("겸",)):
            return True
    return False


def check_quote(facts: SourceFacts, claim: Claim) -> Verdict:
    pieces = quote_pieces(claim.payload)
    if not pieces:
        return Verdict(SUPPORTED)
    ids = []
    for piece in pieces:
        hit = next((pf.passage.id for pf in facts.passages if piece in pf.squashed), None)
        if hit is None and piece not in facts.squashed:
            return Verdict(NOT_FOUND, "원문에 없는 인용")
        ids.append(hit or "")
    return Verdict(SUPPORTED, "", sorted({i for i in ids if i}))


def polar_words(clause: str) -> list[str]:
    """Polar words of a clause, negations read as their opposite: "검출되지 않았다" → 불검출."""
    out = []
    for m in _POLAR_RE.finditer(clause.replace(" ", "")):
        word = m.group(0)
        rest = clause.replace(" ", "")[m.end() : m.end() + 8]
        if _NEGATED.match(rest) and _OPPOSITE.get(word):
            word = _OPPOSITE[word][0]
        out.append(word)
    return out


def best_passages(facts: SourceFacts, words: list[str], k: int) -> list[int]:
    """Up to ``k`` passages sharing at least two of the claim's words, best first (rare words weigh more)."""
    scored = []
    for i, pf in enumerate(facts.passages):
        shared = [w for w in words if w in pf.compact]
        if len(shared) >= 2:
            scored.append((sum(1 / (1 + facts.doc_freq.get(w, 0)) for w in shared), -i))
    scored.sort(reverse=True)
    return [-i for _, i in scored[:k]]


def _count(text: str, word: str) -> int:
    n = text.count(word)
    for longer in _OPPOSITE:
        if longer != word and word in longer and longer not in _OPPOSITE.get(word, []):
            n -= text.count(longer)
    for opp in _OPPOSITE.get(word, []):
        if word in opp:
            n -= text.count(opp)
    return max(n, 0)


_FAMILIES = (
    ("증가", "늘", "상승", "확대", "증원", "인상", "상향", "급증", "높", "증대"),
    ("감소", "줄", "하락", "축소", "감원", "인하", "하향", "급감", "낮", "감축"),
)


def _family(word: str) -> tuple[str, ...]:
    return next((f for f in _FAMILIES if word in f), (word,))


def check_meaning(facts: SourceFacts, claim: Claim) -> Verdict:
    sentence = claim.extra.get("sentence", claim.clause)
    words = list(dict.fromkeys(w for w, _, _ in content_words(sentence) if w in facts.compact))
    ranked = best_passages(facts, words, 3)
    if not ranked:
        return Verdict(UNDECIDED, "맞는 원문 문장을 찾지 못함")
    i = ranked[0]
    ctx = "".join(facts.window(k) for k in ranked)
    own = "".join(facts.passages[k].compact for k in ranked)
    for word in claim.payload:
        family = _family(word)
        if any(_count(ctx, w) > 0 for w in family):
            continue
        opposite = [
            o for w in family for o in _OPPOSITE.get(w, []) for o2 in _family(o) if _count(own, o2) > 0
        ]
        if opposite:
            return Verdict(
                CONTRADICTED, f"원문은 {opposite[0]}", [], "", _short(facts.passages[i].passage.text)
            )
    return Verdict(SUPPORTED, "", [facts.passages[i].passage.id])


def check_prize(facts: SourceFacts, claim: Claim) -> Verdict:
    prize, what = claim.payload
    what = squash(what)[:8]
    for pf in facts.passages:
        if prize in pf.compact and what and what in pf.squashed:
            return Verdict(SUPPORTED, "", [pf.passage.id])
    return Verdict(CONTRADICTED, "원문 순위와 다름")


def check_pairing(facts: SourceFacts, claim: Claim) -> Verdict:
    """A clause's topic and a rare word said of it must be together in one passage — or the word in a
    sentence with no topic of its own right after one naming the topic (Korean drops a topic that
    carries on: "국가보조항로는 …. 하지만, 국가 보조에 따른 도덕적 해이 …")."""
    a, b = (squash(w) for w in claim.payload)
    previous = None
    for pf in facts.passages:
        if a in pf.squashed and b in pf.squashed:
            return Verdict(SUPPORTED, "", [pf.passage.id])
        if (
            b in pf.squashed
            and previous is not None
            and previous.passage.part == pf.passage.part
            and a in previous.squashed
            and pf.passage.kind == "sentence"
            and topic_phrase(pf.passage.text.lstrip("-ㅇ○□*• ")) is None
        ):
            return Verdict(SUPPORTED, "", [previous.passage.id, pf.passage.id])
        previous = pf
    return Verdict(CONTRADICTED, "원문에서 함께 나오지 않음")


_TOPIC = re.compile(r"^\s*(?P<t>[^,.。]{2,40}?)(?:에서는|에서도|으로는|은|는)\s")


def topic_phrase(clause: str) -> tuple[str, int] | None:
    """The clause's topic ("이천 장애인 국가대표 선수촌에서는 …" → 이천장애인국가대표선수촌), without
    spaces or quote marks, and where it ends; None when the clause has no marked topic."""
    m = _TOPIC.match(clause)
    if not m:
        return None
    if "(" in m.group("t") or org_names(m.group("t")):
        return None  # "외교부(장관 강하은)는": the releasing body, said of everything
    topic = re.sub(r"[\s「」｢｣‘’“”'\"()]", "", m.group("t"))
    if re.search(r"\d", topic) or len(topic) > 30:
        return None
    return topic, m.end()


_TOKEN = r"(?!등(?:[\s,.]|$|이|은|을|의|과|도|으로|에))[가-힣A-Za-z][가-힣A-Za-z0-9·]*"
_ITEM = rf"{_TOKEN}(?:\s{_TOKEN}){{0,2}}"
_LIST = re.compile(rf"(?<![가-힣A-Za-z0-9])({_ITEM})((?:,\s{_ITEM})+)")


def list_items(text: str) -> list[tuple[list[str], int, int]]:
    """Enumerations in a sentence ("방한복 착용, 따뜻한 물 제공 등"): the key word of each item (its first
    content word), with the span of the list. Two items only when "등" follows (a headline's comma is
    not a list)."""
    out = []
    for m in _LIST.finditer(text):
        first = m.group(1).split()
        if len(first) > 1 and re.search(r"(?:은|는|이|가|을|를|에|의|로|와|과)$", first[0]):
            first = first[1:]  # "지정과제는 SK텔레콤": the topic is not an item
        first = first[-2:]  # the list starts at most two words before its first comma
        items = [" ".join(first), *[x.strip() for x in m.group(2).split(",") if x.strip()]]
        keys = []
        for item in items:
            words = [w for w, _, _ in content_words(item)]
            if words:
                keys.append(words[0])
        follows = text[m.end() : m.end() + 3]
        if len(keys) >= 3 or (len(keys) == 2 and follows.strip().startswith("등")):
            out.append((keys, m.start(), m.end()))
    return out


def check_list(facts: SourceFacts, claim: Claim) -> Verdict:
    """Items listed together in a summary come from one list of the source: they must meet in one
    passage or one table, and an item no other part of the source names is not supported."""
    keys = claim.payload
    found = [k for k in keys if facts.mentions(k)]
    missing = [k for k in keys if not facts.mentions(k) and len(k) >= 3 and not facts.mentions(k[:2])]
    if missing and len(found) >= 2:
        return Verdict(NOT_FOUND, "원문에 없는 항목", [], "", missing[0])
    if len(found) < 2:
        return Verdict(UNDECIDED, "맞는 원문 목록을 찾지 못함")
    groups: dict[tuple, str] = {}
    for pf in facts.passages:
        p = pf.passage
        key = (p.part, "t", p.table) if p.kind == "row" else (p.part, "p", p.id)
        groups[key] = groups.get(key, "") + pf.compact
    for text in groups.values():
        if all(k in text for k in found):
            return Verdict(SUPPORTED)
    return Verdict(CONTRADICTED, "원문에서 함께 나오지 않음")


def check_actor(facts: SourceFacts, name: str, words: list[str]) -> Verdict:
    """A person made the actor of a clause ("송미령 장관은 … 방문해") must be named with what the clause
    says outside a bracketed attribution: "농림축산식품부(장관 송미령, 이하 농식품부) 한훈 차관은 …
    방문" names the minister, but the visit is the vice-minister's."""
    bracket = re.compile(r"[(（][^()（）]*" + re.escape(name) + r"[^()（）]*[)）]")
    for pf in facts.passages:
        if name not in pf.passage.text:
            continue
        text = bracket.sub("", pf.passage.text).replace(" ", "")
        if name in text and all(w in text for w in words):
            return Verdict(SUPPORTED, "", [pf.passage.id])
    return Verdict(CONTRADICTED, "원문에서 함께 나오지 않음")


def check_ordinal(facts: SourceFacts, claim: Claim) -> Verdict:
    """A stage or round ("3단계", "1차") is written so in the source."""
    form = claim.payload
    hits = [pf.passage.id for pf in facts.passages if form in pf.squashed]
    if hits:
        return Verdict(SUPPORTED, "", hits[:3])
    return Verdict(NOT_FOUND, "원문에서 찾을 수 없음")


_COMPARE = re.compile(
    r"보다\s?(?:더\s?|훨씬\s?|크게\s?)?(?P<w>많|크|높|길|늘|증가|적|작|낮|짧|줄|감소)(?:았|었|은|다|고|어|했|한|하|된)"
)


def check_comparison(claim: Claim) -> Verdict | None:
    """ "8월 평균은 7.9조 원으로 월평균 4.4조 원보다 많았다": the claim's own two figures must be in the
    order it states (None when the clause compares no two figures of one unit)."""
    from briefing.faithfulness.numbers import parse_numbers

    m = _COMPARE.search(claim.clause)
    if not m:
        return None
    nums = [n for n in parse_numbers(claim.clause[: m.start()]) if n.unit]
    if len(nums) < 2 or nums[-1].unit != nums[-2].unit or nums[-1].end < m.start() - 2:
        return None
    a, b = nums[-2].value, nums[-1].value
    more = m.group("w") in ("많", "크", "높", "길", "늘", "증가")
    if (a > b) == more or a == b:
        return Verdict(SUPPORTED)
    return Verdict(CONTRADICTED, "비교가 수치와 맞지 않음", [], "", f"{nums[-2].text} / {nums[-1].text}")
