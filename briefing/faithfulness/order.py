"""Direction and rank of a figure, in the claim and in the source.

A claim's direction is the first 증가/늘/상승/확대… or 감소/줄/하락/축소… after the figure; the source's is
its sign (△, ▼, −, +) or the word right after it. A claim's rank is 가장 많/적, 역대 최고/최저, 두 번째로…
or N위; the source's is what it says after the figure, or the figure's order among the figures of its
table row (or column) or sentence, a total (the sum of the others) left out.
"""

from __future__ import annotations

import re
from decimal import Decimal

from briefing.faithfulness.claims import Claim, after_words
from briefing.faithfulness.facts import PassageFacts, SourceFacts
from briefing.faithfulness.numbers import Num
from briefing.faithfulness.passages import _FIGURE_CELL, Passage, cell_index

_CLAIM_UP = re.compile(r"증가|늘[었어고린는리]|상승|확대|높[였아이은게고]|흑자|증원|인상|상향|늘어|증대|급증")
_CLAIM_DOWN = re.compile(r"감소|줄[었어고인는이]|하락|축소|낮[았아추은게고]|적자|감원|인하|하향|감축|급감")
_SRC_UP = re.compile(r"^\s*(?:[)%]\s*)?(?:으로|로)?\s*(?:증가|늘|상승|확대|흑자|증원|인상|↑|▲)")
_SRC_DOWN = re.compile(r"^\s*(?:[)%]\s*)?(?:으로|로)?\s*(?:감소|줄|하락|축소|적자|감원|인하|↓|▼)")
_RANK_TOP = re.compile(
    r"가장\s?(?:많|크|높|길|큰|긴|높은|많은)|역대\s?최(?:고|대)|최고치|최대치|(?<![두세])1위"
)
_RANK_BOTTOM = re.compile(r"가장\s?(?:적|작|낮|짧|적은|작은|낮은|짧은)|역대\s?최(?:저|소)|최저치")
_RANK_NTH = re.compile(r"(?P<n>두|세|네|\d)\s?번째로?\s?(?P<dir>많|크|높|길|적|작|낮|짧)|(?P<k>\d)위")
_NTH = {"두": 2, "세": 3, "네": 4}


def claim_direction(claim: Claim) -> str:
    """The direction the claim gives its figure: its own sign, else a word right after it. A figure in
    brackets after a word ("전월(+0.3조원) 대비 감소") is a point of comparison, not the change."""
    num: Num = claim.payload
    rel = claim.start - claim.clause_start
    before = claim.clause[max(0, rel - 2) : rel]
    if num.negative:
        return "down"
    if "+" in before:
        return "up"
    if before.endswith("(") and rel >= 2 and before[0] not in " (":
        return ""
    after = after_words(claim, 16)
    up, down = _CLAIM_UP.search(after), _CLAIM_DOWN.search(after)
    if up and (not down or up.start() < down.start()):
        return "up"
    if down:
        return "down"
    return ""


def source_direction(pf: PassageFacts, n: Num) -> str:
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


def claim_rank(claim: Claim) -> tuple[str, int] | None:
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


def source_rank(facts: SourceFacts, i: int, n: Num) -> tuple[str, int] | None:
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
    col = cell_index(p.text, n.start)
    return 0 <= col < len(p.cells) and bool(_FIGURE_CELL.match(p.cells[col]))


_TOTAL = re.compile(r"^\s*(?:소\s?계|합\s?계|총\s?계|계|총\s?합)")


def _figures_from_right(pf: PassageFacts) -> list[Num]:
    """The row's figures standing alone in their cells, right to left: a column is read as "the k-th
    figure from the right", which survives merged cells on the left of irregular tables."""
    return [x for x in reversed(pf.numbers) if _in_figure_cell(pf.passage, x)]


def _peer_values(facts: SourceFacts, i: int, n: Num) -> list[Decimal]:
    """The figures the claim's figure is ranked among: its table column, or the figures of its sentence
    with the same unit; a total (the sum of the others) is left out."""
    pf = facts.passages[i]
    p = pf.passage
    if p.kind == "row":
        row_vals = [x.value for x in pf.numbers if x.unit == n.unit and _in_figure_cell(p, x)]
        mine = _figures_from_right(pf)
        k = next((j for j, x in enumerate(mine) if x is n), -1)
        column = []
        for q in facts.passages:
            qp = q.passage
            if (
                qp.table != p.table
                or qp.part != p.part
                or qp.kind != "row"
                or _TOTAL.search(qp.cells[0] if qp.cells else "")
            ):
                continue
            figures = _figures_from_right(q)
            if 0 <= k < len(figures) and figures[k].unit == n.unit:
                column.append(figures[k].value)
        values = row_vals if len(row_vals) >= 3 else column
    else:
        values = [x.value for x in pf.numbers if x.unit == n.unit and not x.negative]
    if len(values) >= 3:
        top = max(values)
        if top == sum(values) - top:
            values = [v for v in values if v != top]
    return values
