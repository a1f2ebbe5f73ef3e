"""Align each claim with the source passages that support it, and give a verdict.

The source is read once (``SourceFacts``): passages, and for each passage its numbers (with units
inherited from the table's unit line, headings or the row), dates, people and squashed text. A claim
is then looked up among passages; for numbers, the candidate passages that hold the value are ranked
by how many of the claim's subject words they share, and the best one must not contradict the claim:
its subject (the nearest content word before the number), year, direction (증가/감소, △) and rank
(가장 많/두 번째/역대 최고, or the value's order among its table column) must agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from briefing.faithfulness.claims import Claim, after_words, content_words, stem, subject_words
from briefing.faithfulness.dates import DateRef, infer_release_date, parse_dates, weekday_ok
from briefing.faithfulness.names import ALIASES, ORGS, org_names, people, quote_pieces, squash, titles_compatible
from briefing.faithfulness.numbers import Num, parse_numbers, parse_unit_line, precision
from briefing.faithfulness.passages import _FIGURE_CELL, Passage, split_passages

SUPPORTED, CONTRADICTED, NOT_FOUND, UNDECIDED = "supported", "contradicted", "not_found", "undecided"
_COUNT_UNITS = {"개", "팀", "점", "건", "편", "곳"}

_UP = ("증가", "늘", "상승", "확대", "높", "흑자", "증원", "인상", "상향", "개선", "늘어", "증대", "급증", "+", "↑", "▲")
_DOWN = ("감소", "줄", "하락", "축소", "낮", "적자", "감원", "인하", "하향", "악화", "감축", "급감", "△", "▼", "↓", "–", "-")
_CLAIM_UP = re.compile(r"증가|늘[었어고린는리]|상승|확대|높[였아이은게고]|흑자|증원|인상|상향|늘어|증대|급증")
_CLAIM_DOWN = re.compile(r"감소|줄[었어고인는이]|하락|축소|낮[았아추은게고]|적자|감원|인하|하향|감축|급감")
_SRC_UP = re.compile(r"^\s*(?:[)%]\s*)?(?:으로|로)?\s*(?:증가|늘|상승|확대|흑자|증원|인상|↑|▲)")
_SRC_DOWN = re.compile(r"^\s*(?:[)%]\s*)?(?:으로|로)?\s*(?:감소|줄|하락|축소|적자|감원|인하|↓|▼)")

# Polar words of a clause and their opposites (a clause saying one where its passage says only the
# other is contradicted). Negated forms ("검출되지 않았다") are read as the opposite word.
_POLAR: list[tuple[str, str]] = [
    ("증가", "감소"), ("상승", "하락"), ("확대", "축소"), ("흑자", "적자"), ("최고", "최저"), ("최대", "최소"),
    ("부적합", "적합"), ("불검출", "검출"), ("가중", "완화"), ("사후", "사전"), ("부진", "선전"), ("아쉬", "감동"),
    ("저득점", "고득점"), ("금지", "허용"), ("불가", "가능"), ("수없", "수있"), ("악화", "개선"), ("감원", "증원"),
    ("인하", "인상"), ("하향", "상향"), ("연장", "단축"), ("폐지", "신설"), ("반대", "찬성"), ("실패", "성공"),
    ("낮", "높"), ("줄", "늘"), ("절반", "전액"), ("미흡", "우수"), ("불합격", "합격"), ("부결", "가결"),
]
_OPPOSITE: dict[str, list[str]] = {}
for _a, _b in _POLAR:
    _OPPOSITE.setdefault(_a, []).append(_b)
    _OPPOSITE.setdefault(_b, []).append(_a)
_OPPOSITE["수있"] += ["불가", "금지"]
_OPPOSITE["수없"] += ["가능"]
_POLAR_RE = re.compile("|".join(sorted(_OPPOSITE, key=len, reverse=True)))
_NEGATED = re.compile(r"^[가-힣]{0,3}(?:지\s?않|지\s?못|되지\s?않)")
_RANK_TOP = re.compile(r"가장\s?(?:많|크|높|길|큰|긴|높은|많은)|역대\s?최(?:고|대)|최고치|최대치|(?<![두세])1위")
_RANK_BOTTOM = re.compile(r"가장\s?(?:적|작|낮|짧|적은|작은|낮은|짧은)|역대\s?최(?:저|소)|최저치")
_RANK_NTH = re.compile(r"(?P<n>두|세|네|\d)\s?번째로?\s?(?P<dir>많|크|높|길|적|작|낮|짧)|(?P<k>\d)위")
_NTH = {"두": 2, "세": 3, "네": 4}
_PRIZES = re.compile(r"(?P<p>대상|금상|은상|동상|장려상|최우수상|우수상|특별상|대통령상|국무총리상)\s?\((?P<q>[^)]{2,40})\)")


@dataclass
class PassageFacts:
    passage: Passage
    compact: str  # context without spaces
    squashed: str
    numbers: list[Num]
    units: list[tuple[str, int]]  # units a bare figure here may carry (table unit line, headings, row)
    years: set[int]
    spaced: str = ""  # the passage with single spaces, to see where a name starts


@dataclass
class SourceFacts:
    """The facts of one source, extracted once and reused for every summary checked against it."""

    parts: list[tuple[str, str]]
    published: date | None = None
    passages: list[PassageFacts] = field(default_factory=list)
    compact: str = ""
    squashed: str = ""
    date_keys: dict[tuple, list[str]] = field(default_factory=dict)
    years: set[int] = field(default_factory=set)
    months: set[int] = field(default_factory=set)
    persons: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # name → [(title, passage id)]
    orgs: set[str] = field(default_factory=set)
    doc_freq: dict[str, int] = field(default_factory=dict)

    def __init__(self, text: str = "", published: date | None = None, *, parts: list[tuple[str, str]] | None = None):
        self.parts = parts if parts is not None else [("s", text)]
        self.published = published or next((d for d in (infer_release_date(t) for _, t in self.parts) if d), None)
        self.passages, self.date_keys, self.years, self.months = [], {}, set(), set()
        self.persons, self.orgs, self.doc_freq = {}, set(), {}
        for part, text_ in self.parts:
            for p in split_passages(text_, part):
                self.passages.append(self._read(p))
        self.compact = "\n".join(pf.compact for pf in self.passages)
        self.squashed = "\n".join(pf.squashed for pf in self.passages)
        for pf in self.passages:
            for w in {w for w, _, _ in content_words(pf.passage.text)}:
                self.doc_freq[w] = self.doc_freq.get(w, 0) + 1

    @classmethod
    def from_parts(cls, parts: list[tuple[str, str]], published: date | None = None) -> SourceFacts:
        return cls(published=published, parts=parts)

    @classmethod
    def of(cls, text: str, published: date | None = None) -> SourceFacts:  # the old name, kept for callers
        return cls(text, published)

    def _read(self, p: Passage) -> PassageFacts:
        ctx = p.context()
        refs = parse_dates(p.text, self.published)
        for ref in refs:
            self.date_keys.setdefault(ref.key, []).append(p.id)
            if ref.key[0] in ("ymd", "ym", "y", "q", "h") and ref.key[1]:
                self.years.add(ref.key[1])
            if ref.key[0] in ("ymd", "ym"):
                self.months.add(ref.key[2])
            if ref.key[0] == "md":
                self.months.add(ref.key[1])
            if ref.key[0] == "m":
                self.months.add(ref.key[1])
        heading_years = {r.key[1] for r in parse_dates(p.heading, self.published) if r.key[0] != "t" and len(r.key) > 2 or r.key[0] == "y"}
        years = {r.key[1] for r in refs if r.key[0] in ("ymd", "ym", "y", "q", "h") and r.key[1]}
        years |= {y for y in heading_years if isinstance(y, int)}
        years |= {int(y) for y in re.findall(r"(?<!\d)((?:19|20)\d{2})(?!\d)", p.heading)}
        nums = parse_numbers(p.text, [(r.start, r.end) for r in refs])
        nums = _ranges(p.text, nums)
        units = parse_unit_line(p.unit) if p.unit else []
        units += [(n.unit, 1) for n in nums if n.unit and (n.unit, 1) not in units]
        for m in re.finditer(r"[(（]\s*([억만천조]?\s*(?:원|불|달러|명|개|건|톤|%))\s*[)）]", p.heading):
            units += parse_unit_line(m.group(1))
        for person in people(p.text.replace(" | ", " ")):
            self.persons.setdefault(person.name, []).append((person.title, p.id))
        for name, _, _ in org_names(p.text):
            self.orgs.add(name)
        for m in re.finditer(r"(\d{1,3})년\s?(?:전|만)", p.text):  # "118년 전에 제정된": the year it names
            if self.published:
                self.years.add(self.published.year - int(m.group(1)))
        spaced = " ".join(p.text.replace("|", " ").split())
        return PassageFacts(p, ctx.replace(" ", "").replace("\n", ""), squash(p.text), nums, units, years, spaced)

    # ------------------------------------------------------------------ look-ups

    def mentions(self, word: str) -> bool:
        return word in self.compact

    def spread(self, word: str) -> int:
        """In how many passages the word occurs (as a substring, so compounds count)."""
        cache = self.__dict__.setdefault("_spread", {})
        if word not in cache:
            cache[word] = sum(1 for pf in self.passages if word in pf.compact)
        return cache[word]

    def window(self, index: int) -> str:
        """A passage with its neighbours (a sentence often continues on the next line)."""
        lo, hi = max(0, index - 1), min(len(self.passages), index + 2)
        return "".join(self.passages[i].compact for i in range(lo, hi))


def _ranges(text: str, nums: list[Num]) -> list[Num]:
    """"2~20년", "60→90%": the first figure of a range takes the unit of the second."""
    out = list(nums)
    for i in range(len(out) - 1):
        a, b = out[i], out[i + 1]
        if not a.unit and b.unit and re.fullmatch(r"\s?[~∼～\-→]\s?['’]?\d{0,2}", text[a.end : b.start]):
            scale = b.mag if not a.has_mag and b.has_mag else 1
            out[i] = Num(a.value * scale, b.unit, a.start, a.end, a.text, a.approx, a.negative, a.bound, a.has_mag, a.digits, a.mag * scale)
    return out


# ---------------------------------------------------------------------- numbers


@dataclass
class Verdict:
    verdict: str
    reason: str = ""
    evidence: list[str] = field(default_factory=list)
    computed: str = ""
    source_says: str = ""


_KINDS = ({"년", "개월", "주", "일", "시간"}, {"%", "%p"}, {"mg/L", "µg/L"})


def _same_kind(a: str, b: str) -> bool:
    """Units measuring the same thing (a period, a rate, a concentration): a swapped unit is a swap."""
    return any(a in k and b in k for k in _KINDS)


def _units_ok(claim_unit: str, src_unit: str) -> bool:
    return claim_unit == src_unit or (claim_unit in _COUNT_UNITS and src_unit in _COUNT_UNITS)


def _close(claim: Num, value: Decimal, src: Num | None = None) -> bool:
    if claim.value == value:
        return True
    rounding = claim.approx or "." in claim.digits or (src is not None and (src.approx or claim.has_mag and not src.has_mag))
    if claim.bound == "min" and claim.unit == "배":
        return value >= claim.value and value < claim.value * 2
    if not rounding:
        return False
    return abs(value - claim.value) <= precision(claim) / 2


def _values(pf: PassageFacts, n: Num) -> list[tuple[Decimal, str]]:
    """The values a source figure may stand for: with its own unit, or a bare figure with the units
    of its table or row."""
    if n.unit:
        return [(n.value, n.unit)]
    out = [(n.value * scale, unit) for unit, scale in pf.units]
    if not out or pf.passage.kind == "sentence" or not pf.passage.unit:
        out.append((n.value, ""))  # no unit line: the figure may carry the unit the text implies
    return out


def number_candidates(facts: SourceFacts, claim: Num) -> list[tuple[int, Num, str]]:
    """(passage index, source figure, computed note) for every passage holding the claim's value."""
    found = []
    for i, pf in enumerate(facts.passages):
        for n in pf.numbers:
            for value, unit in _values(pf, n):
                if unit and claim.unit and not _units_ok(claim.unit, unit):
                    continue
                if not unit and claim.unit and not (n.has_mag or claim.unit in ("원", "달러")) and not _bare_ok(pf, claim):
                    continue
                if _close(claim, value, n):
                    found.append((i, n, ""))
                    break
    return found


def _bare_ok(pf: PassageFacts, claim: Num) -> bool:
    return pf.passage.kind == "row" or claim.unit in ("%", "명")


def derived_candidates(facts: SourceFacts, claim: Num) -> list[tuple[int, Num, str]]:
    """Values computed exactly from two figures of one passage: ratio (배), difference, sum."""
    out = []
    for i, pf in enumerate(facts.passages):
        vals = []
        for n in pf.numbers:
            for value, unit in _values(pf, n):
                if unit and (claim.unit == "배" or _units_ok(claim.unit, unit)):
                    vals.append((value, n))
                    break
        if len(vals) < 2 or len(vals) > 12:
            continue
        for a in range(len(vals)):
            for b in range(len(vals)):
                if a == b:
                    continue
                (va, na), (vb, nb) = vals[a], vals[b]
                if claim.unit == "배":
                    if vb and va > vb and _close(claim, va / vb):
                        return [(i, na, f"{_written(na, va)}÷{_written(nb, vb)}={_fmt(va / vb)}")]
                    continue
                if a < b and _close(claim, va + vb):
                    out.append((i, na, f"{_written(na, va)}+{_written(nb, vb)}={_written(claim, va + vb)}"))
                if va > vb and _close(claim, va - vb):
                    out.append((i, na, f"{_written(na, va)}−{_written(nb, vb)}={_written(claim, va - vb)}"))
        if out:
            return out
    return out


def _written(n: Num, value: Decimal) -> str:
    """A figure as the reader sees it: its written digits when they are the value in the claim's scale."""
    digits = n.digits.replace(",", "")
    try:
        if n.mag and Decimal(digits) * n.mag == value:
            return digits
    except Exception:  # noqa: BLE001 - a figure we cannot print plainly falls back to its value
        pass
    return _fmt(value / n.mag) if n.mag and n.mag != 1 else _fmt(value)


def _fmt(v: Decimal) -> str:
    v = v.quantize(Decimal("0.1")) if v != v.to_integral_value() else v.to_integral_value()
    return format(v.normalize(), "f")


def _cell_context(pf: PassageFacts, n: Num) -> str:
    """For a table row: the row's label cells and the heading of the figure's own column, when the row and
    its header line up; otherwise the whole passage context."""
    p = pf.passage
    if p.kind != "row" or not p.header_cells or len(p.header_cells) != len(p.cells):
        return pf.compact
    pos = p.text[: n.start - 0].count("|") if n.start <= len(p.text) else -1
    if not 0 <= pos < len(p.cells):
        return pf.compact
    left = next((c for c in reversed(p.cells[:pos]) if _is_label(c)), "")
    return (p.cells[0] + left + p.header_cells[pos] + p.caption + p.unit).replace(" ", "")


def _known(facts: SourceFacts, word: str) -> bool:
    return word in facts.compact and facts.doc_freq.get(word, 0) <= max(3, len(facts.passages) // 8)


def check_number(facts: SourceFacts, claim: Claim) -> Verdict:
    num: Num = claim.payload
    words = subject_words(claim)
    cands = number_candidates(facts, num)
    computed = ""
    if not cands:
        cands = derived_candidates(facts, num)
        computed = cands[0][2] if cands else ""
    if not cands:
        return _not_found_number(facts, claim, words)
    # best candidate: the most subject words in its passage (with neighbours for prose)
    def score(c: tuple[int, Num, str]) -> tuple[int, int]:
        i, n, _ = c
        ctx = facts.passages[i].compact if facts.passages[i].passage.kind == "row" else facts.window(i)
        return (sum(1 for w in words[:6] if w in ctx), -i)

    best = max(cands, key=score)
    i, n, computed = best[0], best[1], best[2] or computed
    pf = facts.passages[i]
    evidence = [pf.passage.id]
    # subject: the nearest specific word before the figure must be where the figure is
    phrase = [w for w in _phrase_before(claim) if _known(facts, w)]
    head = phrase[0] if phrase else ""
    small_count = num.unit in _COUNT_UNITS | {"명"} and num.value <= 12 and not num.has_mag
    if head and not computed and not small_count and num.unit:
        if num.unit == "배" and not any(head in _ctx(facts, c[0], c[1]) for c in cands):
            derived = [c for c in derived_candidates(facts, num) if head in facts.window(c[0])]
            if derived:
                return Verdict(SUPPORTED, "", [facts.passages[derived[0][0]].passage.id], derived[0][2])
        for word in phrase:
            if word != head and facts.spread(word) > 3:
                continue  # a common word ("기금") says little about which row is meant
            holders = [c for c in cands if word in _ctx(facts, c[0], c[1])]
            if not holders:
                own = _own_value(facts, word, num)
                if own is not None:
                    return Verdict(CONTRADICTED, "원문과 다른 항목의 수치", [], "", f"{word} {own}")
            elif word == head:
                best = max(holders, key=score)
                i, n = best[0], best[1]
                pf, evidence = facts.passages[i], [facts.passages[i].passage.id]
    # parallel figures ("민간 3.1%에서 3.5%로, 공공 3.8%에서 4.0%로"): in a sentence of the source,
    # the label nearest before the figure must be this figure's, not a sibling's
    siblings = claim.extra.get("siblings", set())
    if (
        head
        and pf.passage.kind == "sentence"
        and len(siblings) > 1
        and head in siblings
        and all(w in pf.passage.text for w in siblings)
    ):
        before = pf.passage.text[: n.start]
        where = {w: before.rfind(w) for w in siblings}
        nearest = max(where, key=lambda w: where[w])
        if where[nearest] >= 0 and nearest != head and where.get(head, -1) < where[nearest]:
            return Verdict(CONTRADICTED, "원문과 다른 항목의 수치", [], "", _short(pf.passage.text))
    # year: "2027년 말 120일" — the passage must not give the figure for another year
    year = claim.extra.get("year")
    if year and pf.years and year not in pf.years and not computed:
        return Verdict(CONTRADICTED, "원문과 다른 연도의 수치", [], "", _short(pf.passage.text))
    # direction
    claim_dir = _claim_direction(claim)
    src_dir = _source_direction(pf, n)
    if claim_dir and src_dir and claim_dir != src_dir:
        says = "감소" if src_dir == "down" else "증가"
        return Verdict(CONTRADICTED, f"원문은 {says}", [], "", _short(pf.passage.text))
    # rank
    rank = _claim_rank(claim)
    if rank:
        src_rank = _source_rank(facts, i, n)
        if src_rank and src_rank != rank:
            return Verdict(CONTRADICTED, "원문 순위와 다름", [], "", _short(pf.passage.text))
    return Verdict(SUPPORTED, "", evidence, computed)


def _is_label(cell: str) -> bool:
    """A cell naming a row ("32. 유리잔류염소", "⋅임금채권"), not a figure or a standard ("4.0㎎/L이하")."""
    cell = re.sub(r"^\s*\d{1,3}\.\s+", "", cell).strip(" ⋅·-*")
    return bool(cell) and not cell[0].isdigit() and bool(re.search(r"[가-힣A-Za-z]{2}", cell))


def _own_value(facts: SourceFacts, head: str, claim: Num) -> str | None:
    """The figure the source gives ``head`` itself, in the claim's unit, if any: a swap of subjects
    ("고용보험은 30.8% 늘어난" where 30.8% belongs to 임금채권 and 고용보험 has its own row)."""
    for i, pf in enumerate(facts.passages):
        if head not in pf.compact:
            continue
        at = pf.passage.text.replace(" ", "").find(head)
        for n in pf.numbers:
            if not any(not u or _units_ok(claim.unit, u) or _same_kind(claim.unit, u) for _, u in _values(pf, n)):
                continue
            if pf.passage.kind == "row":
                if head in _cell_context(pf, n):
                    return n.text
            else:
                near = pf.passage.text[max(0, n.start - 25) : n.start].replace(" ", "")
                short_item = len(pf.passage.text) < 240 and 0 <= at < pf.passage.text[: n.start].replace(" ", "").__len__()
                if head in near or short_item:
                    return n.text
    return None


_CONNECTORS = {"따른", "관한", "대한", "의한", "위한", "중", "및"}


def _phrase_before(claim: Claim) -> list[str]:
    """The noun phrase directly before a figure, nearest word first: "기금 중 고용보험은 30.8%" →
    [고용보험, 기금]; "제61조제1항에 따른 죄는 2년" → [제61조제1항]; stops at a verb or punctuation."""
    rel = claim.start - claim.clause_start
    before = claim.clause[:rel]
    out: list[str] = []
    for token in reversed(before.split()):
        core = token.strip("‘’“”'\"「」｢｣()")
        if not core:
            continue
        if core in _CONNECTORS or core.endswith(("에 따른", "따른")):
            continue
        if core in ("위해", "통해", "대해", "따라", "의해", "위하여", "통하여"):
            break
        if re.search(r"\d", core) and not core.startswith("제") or core == "등":
            break  # another figure or the end of a list: the words before belong to it
        if re.search(r"[,.;:]$", token) or (out and re.search(r"(?:다|고|며|면|서|여|해|한|된|는데|지만|으나)$", core) and not re.search(r"\d", core)):
            break
        stemmed = stem(core)
        if len(stemmed) >= 2 and not stemmed[0].isdigit():
            out.append(stemmed)
        if len(out) >= 3:
            break
    return out


def _ctx(facts: SourceFacts, i: int, n: Num) -> str:
    pf = facts.passages[i]
    if pf.passage.kind == "row":
        return _cell_context(pf, n)
    return facts.window(i)


def _not_found_number(facts: SourceFacts, claim: Claim, words: list[str]) -> Verdict:
    num: Num = claim.payload
    small = num.value <= 12 and num.unit in ("개", "명", "팀", "회", "배", "건") and not num.has_mag
    # the same thing counted differently in the source: "여섯 가지 수칙" where the source has "5대 수칙"
    nxt = [w for w, _, _ in content_words(after_words(claim, 12))][:1]
    for pf in facts.passages:
        for n in pf.numbers:
            if n.unit == num.unit and n.value != num.value and nxt and pf.compact.find(nxt[0], 0) >= 0:
                tail = pf.passage.text[n.end : n.end + len(nxt[0]) + 3].replace(" ", "")
                clause_words = [w for w, _, _ in content_words(claim.clause) if w != nxt[0]]
                shared = sum(1 for w in clause_words if w in pf.compact)
                if tail.startswith(nxt[0]) and shared >= 2 and n.start > 0:
                    return Verdict(CONTRADICTED, "원문 수치와 다름", [], "", _short(pf.passage.text))
    if small:
        return Verdict(UNDECIDED, "원문에서 세어야 하는 수", [])
    if not num.unit and not num.has_mag:
        return Verdict(UNDECIDED, "단위 없는 수", [])
    return Verdict(NOT_FOUND, "원문에서 찾을 수 없음")


def _claim_direction(claim: Claim) -> str:
    after = after_words(claim, 30)
    up, down = _CLAIM_UP.search(after), _CLAIM_DOWN.search(after)
    if up and (not down or up.start() < down.start()):
        return "up"
    if down:
        return "down"
    return ""


def _source_direction(pf: PassageFacts, n: Num) -> str:
    if n.negative:
        return "down"
    before = pf.passage.text[max(0, n.start - 2) : n.start]
    if "+" in before:
        return "up"
    after = pf.passage.text[n.end : n.end + 12]
    if _SRC_DOWN.search(after):
        return "down"
    if _SRC_UP.search(after):
        return "up"
    return ""


def _claim_rank(claim: Claim) -> tuple[str, int] | None:
    after = after_words(claim, 25)
    m = _RANK_NTH.search(after)
    if m:
        k = int(m.group("k")) if m.group("k") else _NTH.get(m.group("n") or "", 0) or int(m.group("n") or 0)
        side = "bottom" if (m.group("dir") or "") in ("적", "작", "낮", "짧") else "top"
        return (side, k)
    if _RANK_TOP.search(after):
        return ("top", 1)
    if _RANK_BOTTOM.search(after):
        return ("bottom", 1)
    return None


def _source_rank(facts: SourceFacts, i: int, n: Num) -> tuple[str, int] | None:
    pf = facts.passages[i]
    after = pf.passage.text[n.end : n.end + 25]
    if re.search(r"역대\s?최(?:고|대)|최고치|최대치", after):
        return ("top", 1)
    if re.search(r"역대\s?최(?:저|소)|최저치", after):
        return ("bottom", 1)
    values = _peer_values(facts, i, n)
    if len(values) < 3:
        return None
    me = n.value
    above = sum(1 for v in values if v > me)
    below = sum(1 for v in values if v < me)
    return ("top", above + 1) if above <= below else ("bottom", below + 1)


def _in_figure_cell(p: Passage, n: Num) -> bool:
    col = p.text[: n.start].count("|")
    return 0 <= col < len(p.cells) and bool(_FIGURE_CELL.match(p.cells[col]))


def _peer_values(facts: SourceFacts, i: int, n: Num) -> list[Decimal]:
    """The figures the claim's figure is ranked among: its table column, or the figures of its sentence
    with the same unit; a total (the sum of the others) is left out."""
    pf = facts.passages[i]
    p = pf.passage
    if p.kind == "row":
        col = p.text[: n.start].count("|")
        row_vals = [x.value for x in pf.numbers if x.unit == n.unit and _in_figure_cell(p, x)]
        column = []
        for q in facts.passages:
            if q.passage.table == p.table and q.passage.part == p.part and q.passage.kind == "row" and len(q.passage.cells) == len(p.cells):
                for x in q.numbers:
                    if q.passage.text[: x.start].count("|") == col and x.unit == n.unit:
                        column.append(x.value)
        values = row_vals if len(row_vals) >= 3 else column
    else:
        values = [x.value for x in pf.numbers if x.unit == n.unit and not x.negative]
    if len(values) >= 3:
        top = max(values)
        if top == sum(values) - top:
            values = [v for v in values if v != top]
    return values


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ---------------------------------------------------------------------- dates, names, quotes


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
            if not ids and key[1] == pub_year or not ids and key[1] in facts.years:
                ids = [i for k, v in facts.date_keys.items() if k == ("m", key[2]) for i in v]
        elif kind == "y":
            ids = [i for k, v in facts.date_keys.items() if len(k) > 1 and k[0] in ("ymd", "ym", "q", "h") and k[1] == key[1] for i in v]
            if not ids and key[1] in facts.years:
                ids = ["?"]
        elif kind == "m":
            ids = [i for k, v in facts.date_keys.items() if k[0] in ("ymd", "ym") and k[2] == key[1] or k[0] == "md" and k[1] == key[1] for i in v]
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


# ---------------------------------------------------------------------- meaning of a clause


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


def best_passage(facts: SourceFacts, words: list[str]) -> tuple[int, int]:
    """(index, shared words) of the passage sharing most of the claim's words, rare words weighing more."""
    best, best_score, best_count = -1, 0.0, 0
    for i, pf in enumerate(facts.passages):
        shared = [w for w in words if w in pf.compact]
        s = sum(1 / (1 + facts.doc_freq.get(w, 0)) for w in shared)
        if s > best_score:
            best, best_score, best_count = i, s, len(shared)
    return best, best_count


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
        opposite = [o for w in family for o in _OPPOSITE.get(w, []) for o2 in _family(o) if _count(own, o2) > 0]
        if opposite:
            return Verdict(CONTRADICTED, f"원문은 {opposite[0]}", [], "", _short(facts.passages[i].passage.text))
    return Verdict(SUPPORTED, "", [facts.passages[i].passage.id])


def check_prize(facts: SourceFacts, claim: Claim) -> Verdict:
    prize, what = claim.payload
    what = squash(what)[:8]
    for pf in facts.passages:
        if prize in pf.compact and what and what in pf.squashed:
            return Verdict(SUPPORTED, "", [pf.passage.id])
    return Verdict(CONTRADICTED, "원문 순위와 다름")


def check_pairing(facts: SourceFacts, claim: Claim) -> Verdict:
    """Two specific words close together in the claim must be together somewhere in the source."""
    a, b = claim.payload
    for pf in facts.passages:
        if a in pf.compact and b in pf.compact:
            return Verdict(SUPPORTED, "", [pf.passage.id])
    return Verdict(CONTRADICTED, "원문에서 함께 나오지 않음")


_TOPIC = re.compile(r"^\s*(?P<t>[^,.。]{2,40}?)(?:에서는|에서도|으로는|은|는)\s")


def topic_phrase(clause: str) -> tuple[str, int] | None:
    """The clause's topic ("이천 장애인 국가대표 선수촌에서는 …" → 이천장애인국가대표선수촌), without
    spaces or quote marks, and where it ends; None when the clause has no marked topic."""
    m = _TOPIC.match(clause)
    if not m:
        return None
    topic = re.sub(r"[\s「」｢｣‘’“”'\"()]", "", m.group("t"))
    if re.search(r"\d", topic) or len(topic) > 30:
        return None
    return topic, m.end()
