"""Align a figure of a summary with the source passages that hold it, and give a verdict.

The candidate passages that hold the value (after normalisation, with units inherited from the
table, the source's rounding allowed for 약/여 and decimals, or derived exactly as a ratio, sum or
difference within one passage) are ranked by how many of the claim's subject words they share. The
best one must not contradict the claim: its subject (the noun phrase right before the figure; in a
table, the row label and the figure's own column heading), year, direction (증가/감소, △) and rank
(가장 많/두 번째/역대 최고, or the value's order among its row or column) must agree.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from decimal import Decimal

from briefing.faithfulness.claims import Claim, after_words, content_words, stem, subject_words
from briefing.faithfulness.facts import PassageFacts, SourceFacts, _values, item_counts
from briefing.faithfulness.numbers import Num, parse_numbers, precision
from briefing.faithfulness.order import claim_direction, claim_rank, source_direction, source_rank
from briefing.faithfulness.passages import cell_index

SUPPORTED, CONTRADICTED, NOT_FOUND, UNDECIDED = "supported", "contradicted", "not_found", "undecided"
_COUNT_UNITS = {"개", "팀", "점", "건", "편", "곳"}


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
    rounding = (
        claim.approx
        or "." in claim.digits
        or (src is not None and (src.approx or (claim.has_mag and not src.has_mag)))
    )
    if claim.bound == "min" and claim.unit == "배":
        return value >= claim.value and value < claim.value * 2
    if not rounding:
        return False
    return abs(value - claim.value) <= precision(claim) / 2


def number_candidates(facts: SourceFacts, claim: Num) -> list[tuple[int, Num, str]]:
    """(passage index, source figure, computed note) for every passage holding the claim's value."""
    keys, items = facts.value_index
    low, high = claim.value - precision(claim), claim.value + precision(claim)
    if claim.bound == "min" and claim.unit == "배":
        high = claim.value * 2
    found: list[tuple[int, Num, str]] = []
    seen: set[tuple[int, int]] = set()
    for pos in range(bisect_left(keys, low), bisect_right(keys, high)):
        i, n, unit = items[pos]
        pf = facts.passages[i]
        if (i, id(n)) in seen:
            continue
        if unit and claim.unit and not _units_ok(claim.unit, unit):
            continue
        if (
            not unit
            and claim.unit
            and not (n.has_mag or claim.unit in ("원", "달러"))
            and not _bare_ok(pf, claim)
        ):
            continue
        if not unit and any(_same_kind(claim.unit, u) and u != claim.unit for u, _ in pf.units):
            continue  # the row measures in ㎎/L: its bare 51 is not 51㎍/L
        if _close(claim, keys[pos], n):
            seen.add((i, id(n)))
            found.append((i, n, ""))
    found.sort(key=lambda c: (c[0], c[1].start))
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
    except Exception:
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
    pos = cell_index(p.text, n.start)
    if not 0 <= pos < len(p.cells):
        return pf.compact
    left = next((c for c in reversed(p.cells[:pos]) if _is_label(c)), "")
    return (p.cells[0] + left + p.header_cells[pos] + p.caption + p.unit).replace(" ", "")


def _known(facts: SourceFacts, word: str) -> bool:
    return word in facts.compact and facts.doc_freq.get(word, 0) <= max(3, len(facts.passages) // 8)


def check_number(facts: SourceFacts, claim: Claim) -> Verdict:
    num: Num = claim.payload
    words = subject_words(claim)
    own = _own_arithmetic(claim)
    if own is not None:
        return own
    cands = number_candidates(facts, num)
    computed = ""
    if not cands:
        cands = derived_candidates(facts, num)
        computed = cands[0][2] if cands else ""
    if (
        not cands
        and num.unit == "개"
        and int(num.value) == num.value
        and int(num.value) in item_counts(facts)
    ):
        return Verdict(SUPPORTED, "", [], f"1.…{int(num.value)}. 번호를 센 값")
    if not cands:
        each = _each_times_count(facts, claim)
        if each:
            return each
    if not cands:
        return _not_found_number(facts, claim, words)

    # best candidate: the most subject words in its passage (with neighbours for prose)
    def score(c: tuple[int, Num, str]) -> tuple[int, int]:
        i, _n, _ = c
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
    ) and not any(
        _nearest_label(pf.passage.text, x, siblings, head) in (head, None)
        for x in pf.numbers
        if x.value == n.value
    ):
        return Verdict(CONTRADICTED, "원문과 다른 항목의 수치", [], "", _short(pf.passage.text))
    # year: "2027년 말 120일" — the passage must not give the figure for another year
    year = claim.extra.get("year")
    if year and num.unit and pf.years and year not in pf.years and not computed:
        return Verdict(CONTRADICTED, "원문과 다른 연도의 수치", [], "", _short(pf.passage.text))
    # direction
    claim_dir = claim_direction(claim)
    src_dir = source_direction(pf, n)
    if claim_dir and src_dir and claim_dir != src_dir:
        # the same value written elsewhere with the claim's direction, as well placed: no contradiction
        top = score(best)[0]
        if any(
            score(c)[0] >= top and source_direction(facts.passages[c[0]], c[1]) in ("", claim_dir)
            for c in cands
        ):
            return Verdict(SUPPORTED, "", evidence, computed)
        says = "감소" if src_dir == "down" else "증가"
        return Verdict(CONTRADICTED, f"원문은 {says}", [], "", _short(pf.passage.text))
    # rank
    rank = claim_rank(claim)
    if rank:
        src_rank = source_rank(facts, i, n)
        if src_rank and src_rank != rank:
            return Verdict(CONTRADICTED, "원문 순위와 다름", [], "", _short(pf.passage.text))
    return Verdict(SUPPORTED, "", evidence, computed)


def _own_arithmetic(claim: Claim) -> Verdict | None:
    """ "47.2m로 시험발사체(25.8m)의 약 1.8배": a ratio written next to the two figures it compares must
    be their ratio (None when the clause does not hold two such figures)."""
    num: Num = claim.payload
    if num.unit != "배":
        return None
    rel = claim.start - claim.clause_start
    others = [n for n in parse_numbers(claim.clause[:rel]) if n.unit and n.unit != "배"]
    if len(others) < 2 or others[-1].unit != others[-2].unit:
        return None
    a, b = sorted((others[-2].value, others[-1].value), reverse=True)
    if not b:
        return None
    note = f"{others[-2].text}÷{others[-1].text}={_fmt(a / b)}" if a == others[-2].value else ""
    note = note or f"{others[-1].text}÷{others[-2].text}={_fmt(a / b)}"
    if _close(num, a / b):
        return Verdict(SUPPORTED, "", [], note)
    return Verdict(CONTRADICTED, "계산이 맞지 않음", [], "", note)


def _nearest_label(text: str, n: Num, labels: set[str], head: str) -> str | None:
    """The label a figure is written under: the one of ``labels`` right before it ("공공:3.8"), unless
    ``head`` is also close before it (compound labels: "월평균 가계대출 증가규모 4.4조원")."""
    before = text[: n.start]
    where = {w: before.rfind(w) for w in labels}
    nearest = max(where, key=lambda w: where[w])
    if where[nearest] < 0 or n.start - (where[nearest] + len(nearest)) > 8:
        return None
    if head in before[-15:]:
        return head
    return nearest


def _each_times_count(facts: SourceFacts, claim: Claim) -> Verdict | None:
    """ "두 팀을 합쳐 2,000만 원" where the source gives "각 1,000만원": a product of the source's "각"
    amount with a count the claim itself states."""
    num: Num = claim.payload
    counts = [
        n.value
        for n in parse_numbers(claim.clause)
        if n.unit in _COUNT_UNITS | {"명"}
        and 1 < n.value <= 20
        and n.start != claim.start - claim.clause_start
    ]
    if not counts:
        return None
    for pf in facts.passages:
        for n in pf.numbers:
            if "각" not in pf.passage.text[max(0, n.start - 3) : n.start]:
                continue
            for value, unit in _values(pf, n):
                if unit and not _units_ok(num.unit, unit):
                    continue
                for k in counts:
                    if value * k == num.value:
                        return Verdict(SUPPORTED, "", [pf.passage.id], f"각 {n.text}×{k}")
    return None


def _is_label(cell: str) -> bool:
    """A cell naming a row ("32. 유리잔류염소", "⋅임금채권"), not a figure or a standard ("4.0㎎/L이하")."""
    cell = re.sub(r"^\s*\d{1,3}\.\s+", "", cell).strip(" ⋅·-*")
    return bool(cell) and not cell[0].isdigit() and bool(re.search(r"[가-힣A-Za-z]{2}", cell))


def _own_value(facts: SourceFacts, head: str, claim: Num) -> str | None:
    """The figure the source gives ``head`` itself, in the claim's unit, if any: a swap of subjects
    ("고용보험은 30.8% 늘어난" where 30.8% belongs to 임금채권 and 고용보험 has its own row)."""
    for _i, pf in enumerate(facts.passages):
        if head not in pf.compact:
            continue
        at = pf.passage.text.replace(" ", "").find(head)
        for n in pf.numbers:
            if not any(
                not u or _units_ok(claim.unit, u) or _same_kind(claim.unit, u) for _, u in _values(pf, n)
            ):
                continue
            if pf.passage.kind == "row":
                if head in _cell_context(pf, n):
                    return n.text
            else:
                near = pf.passage.text[max(0, n.start - 25) : n.start].replace(" ", "")
                short_item = (
                    len(pf.passage.text) < 240
                    and 0 <= at < pf.passage.text[: n.start].replace(" ", "").__len__()
                )
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
        if (re.search(r"\d", core) and not core.startswith("제")) or core == "등":
            break  # another figure or the end of a list: the words before belong to it
        if re.search(r"[,.;:]$", token) or (
            out
            and re.search(r"(?:다|고|며|면|서|여|해|한|된|는데|지만|으나)$", core)
            and not re.search(r"\d", core)
        ):
            break
        if len(core) == 2 and core[1] in "은는이가을를의에도":
            continue  # "죄는": a one-syllable noun names nothing specific
        stemmed = stem(core)
        if out and stemmed != core:
            break  # "관광객의 출국 대기시간이": a word with its own particle is a modifier, not the name
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


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
