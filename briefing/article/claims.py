"""Checked claims marked in the rendered summary, each linked to its evidence.

A supported claim becomes ``<span class="claim" data-claim="supported" data-evidence="a1-12"
tabindex="0" role="link">…</span>``: ``a1-12`` is the id of a passage in the release's original-text
file (``#ev-a1-12``), which ``theme/static/js/evidence.js`` opens, scrolls to and highlights. A claim
the check could not support becomes ``data-claim="unsupported"`` with its short reason as ``title``
and in a following ``<span class="claim-reason" role="tooltip">`` named by ``aria-describedby``
(shown on focus by CSS, read by screen readers). A claim the rules left undecided, with no model to
ask, is ``data-claim="undecided"``.

Claims are spans of a field's text; overlapping spans nest (a clause checked for its direction holds
the number checked in it). A span that crosses another is left unmarked (it still appears in the
page notice when unsupported). All text between and inside marks is escaped.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from briefing.article.escape import escape_run, line_start
from briefing.faithfulness import ClaimCheck

# how bad a verdict is, to pick one when two claims cover the same span
_WORST = {"contradicted": 3, "not_found": 2, "undecided": 1, "supported": 0}
SUPPORTED_TITLE = "원문 근거 보기"
UNDECIDED_REASON = "자동 검사로 판단하지 못함"


def mark_of(claim: ClaimCheck) -> str:
    """The ``data-claim`` value: supported, unsupported or undecided."""
    if claim.verdict == "supported":
        return "supported"
    if claim.verdict == "undecided":
        return "undecided"
    return "unsupported"


@dataclass
class _Span:
    start: int
    end: int
    claim: ClaimCheck


def _attr(value: str) -> str:
    # attribute values: HTML-escaped, and Markdown's own characters as references too
    return escape_run(html.unescape(value)).replace("'", "&#39;")


class ClaimMarks:
    """Marks the claims of one summary; ids of reason tooltips are unique within the article."""

    def __init__(self, claims: list[ClaimCheck]) -> None:
        self.by_field: dict[str, list[ClaimCheck]] = {}
        for c in claims:
            self.by_field.setdefault(c.field, []).append(c)
        self.count = 0

    def render(self, field: str, text: str) -> str:
        """``text`` escaped, its claims marked; safe as one Markdown line."""
        spans: dict[tuple[int, int], _Span] = {}
        for c in self.by_field.get(field, []):
            if not (0 <= c.start < c.end <= len(text)) or not text[c.start : c.end].strip():
                continue
            key = (c.start, c.end)
            if key not in spans or _WORST.get(c.verdict, 0) > _WORST.get(spans[key].claim.verdict, 0):
                spans[key] = _Span(c.start, c.end, c)
        ordered = sorted(spans.values(), key=lambda s: (s.start, -s.end))
        return line_start(self._nest(text, 0, len(text), ordered))

    def _nest(self, text: str, lo: int, hi: int, spans: list[_Span]) -> str:
        out: list[str] = []
        pos, i = lo, 0
        while i < len(spans):
            span = spans[i]
            j = i + 1
            while j < len(spans) and spans[j].end <= span.end:
                j += 1
            inner = spans[i + 1 : j]
            out.append(escape_run(text[pos : span.start]))
            opening, closing = self._tags(span.claim)
            out.append(opening)
            out.append(self._nest(text, span.start, span.end, inner))
            out.append(closing)
            pos, i = span.end, j
            while i < len(spans) and spans[i].start < span.end:  # crosses this span: not marked
                i += 1
        out.append(escape_run(text[pos:hi]))
        return "".join(out)

    def _tags(self, claim: ClaimCheck) -> tuple[str, str]:
        """Opening and closing markup of one claim (the closing one carries the reason tooltip)."""
        mark = mark_of(claim)
        attrs = f'class="claim" data-claim="{mark}" data-kind="{_attr(claim.kind)}"'
        if mark == "supported":
            ids = " ".join(sorted((e for e in claim.evidence if _valid_id(e)), key=_part_order))
            if ids:
                title = SUPPORTED_TITLE + (f" (계산: {claim.computed})" if claim.computed else "")
                attrs += f' data-evidence="{ids}" tabindex="0" role="link" title="{_attr(title)}"'
            return f"<span {attrs}>", "</span>"
        self.count += 1
        rid = f"claim-reason-{self.count}"
        reason = claim.reason.strip() or "원문에서 찾을 수 없음"
        if mark == "undecided":  # not a finding against the summary: say so first
            reason = (
                f"{UNDECIDED_REASON} ({claim.reason.strip()})" if claim.reason.strip() else UNDECIDED_REASON
            )
        attrs += (
            f' data-verdict="{_attr(claim.verdict)}" tabindex="0" title="{_attr(reason)}"'
            f' aria-describedby="{rid}"'
        )
        closing = f'</span><span class="claim-reason" id="{rid}" role="tooltip">{escape_run(reason)}</span>'
        return f"<span {attrs}>", closing


def _part_order(passage_id: str) -> tuple[int, int]:
    """Page text first, then attachments in order, then the title: the reader's first look."""
    part, _, n = passage_id.rpartition("-")
    rank = 0 if part == "page" else int(part[1:]) if part[1:].isdigit() else 10_000
    return rank, int(n) if n.isdigit() else 0


def _valid_id(passage_id: str) -> bool:
    part, _, n = passage_id.rpartition("-")
    return part.isalnum() and part.isascii() and n.isdigit()
