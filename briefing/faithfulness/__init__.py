"""Claim-by-claim check of a summary against its source: every claim aligned to the passage that
supports it.

``check(summary, source)`` splits the source into passages (sentences; table rows with their headings
and unit line), extracts the summary's claims (numbers, dates, people, organisations, quotations and
the meaning of clauses) and gives each a verdict with its evidence. ``.unsupported`` lists the claims a
reader should not trust; ``.claims`` carries every verdict for the article page and the retry prompt.
Pure functions, no I/O; ``SourceFacts`` is built once per source and reused.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from briefing.faithfulness import align, meaning
from briefing.faithfulness.claims import (
    Claim,
    clauses,
    content_words,
    extract_claims,
    sentences,
    summary_fields,
)
from briefing.faithfulness.dates import parse_dates
from briefing.faithfulness.facts import SourceFacts
from briefing.faithfulness.names import ALIASES, ORGS, org_names
from briefing.faithfulness.passages import Passage, split_passages

__all__ = [
    "ClaimCheck",
    "FaithfulnessResult",
    "Passage",
    "SourceFacts",
    "apply_verdicts",
    "check",
    "extract_names",
    "split_passages",
    "undecided",
]

log = logging.getLogger(__name__)

VERDICTS = ("supported", "contradicted", "not_found", "undecided")


@dataclass
class ClaimCheck:
    kind: str  # "number" | "date" | "person" | "org" | "quote" | "meaning" | "rank" | "pairing"
    text: str  # the claim as written in the summary
    field: str  # summary field: "key_summary", "main_points[2]", …
    start: int  # span in that field's text
    end: int
    verdict: str  # "supported" | "contradicted" | "not_found" | "undecided"
    reason: str  # short Korean reason when not supported
    evidence: list[str]  # ids of supporting passages (empty unless supported)
    computed: str = ""  # e.g. "141.9÷54.6=2.6" when the value was derived
    source_says: str = ""  # what the source says instead, for the retry prompt


@dataclass
class FaithfulnessResult:
    checked: int
    unsupported: list[str]  # claims as written, in order, without repeats
    claims: list[ClaimCheck] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.unsupported

    def metadata(self) -> str:
        """The article's ``Faithfulness`` value: ``ok`` or ``flagged: claim; claim``."""
        return "ok" if self.ok else "flagged: " + "; ".join(self.unsupported)


def _year_before(text: str, pos: int, clause_start: int, published: date | None) -> int | None:
    """The year written just before a figure in its clause ("2027년 말 120일")."""
    refs = [
        r
        for r in parse_dates(text[clause_start:pos], published)
        if len(r.key) > 1 and r.key[0] in ("y", "ym", "ymd", "q", "h")
    ]
    if not refs:
        return None
    last = refs[-1]
    if pos - (clause_start + last.end) > 14:
        return None
    return last.key[1]


def _actor_words(facts: SourceFacts, c: Claim) -> list[str] | None:
    """When a person opens a clause as its topic ("송미령 장관은 …"), the clause's rare words (named in
    at most two passages) that the person must be named with."""
    lead = c.clause[: c.start - c.clause_start].strip()
    after = c.clause[c.end - c.clause_start : c.end - c.clause_start + 2]
    if len(lead) > 12 or not re.match(r"(?:은|는|이|가)\s", after):
        return None
    words = [
        w
        for w, s, _ in content_words(c.clause[c.end - c.clause_start :])
        if len(w) >= 2 and facts.mentions(w) and facts.spread(w) <= 2
    ]
    return words[:3] or None


def _sentence_of(spans: list[tuple[int, int]], pos: int) -> int:
    return next((s for s, e in spans if s <= pos < e), -1)


def _claims_of_field(name: str, text: str, facts: SourceFacts) -> list[tuple[Claim, align.Verdict]]:
    out = []
    claims = extract_claims(name, text, facts.published)
    heads: dict[tuple[int, str], set[str]] = {}  # (sentence, unit) → the subjects of its figures
    spans = sentences(text)
    for c in claims:
        if c.kind == "number":
            phrase = align._phrase_before(c)
            if phrase:
                heads.setdefault((_sentence_of(spans, c.start), c.payload.unit), set()).add(phrase[0])
    for c in claims:
        if c.kind == "number":
            c.extra["siblings"] = heads.get((_sentence_of(spans, c.start), c.payload.unit), set())
        if c.kind == "number":
            c.extra["year"] = _year_before(text, c.start, c.clause_start, facts.published)
            v = align.check_number(facts, c)
        elif c.kind == "date":
            c.extra["year"] = _year_before(text, c.start, c.clause_start, facts.published)
            v = meaning.check_date(facts, c)
        elif c.kind == "person":
            v = meaning.check_person(facts, c)
            actor = _actor_words(facts, c) if v.verdict == "supported" else None
            if actor:
                ac = Claim(
                    "actor",
                    c.clause,
                    name,
                    c.clause_start,
                    c.clause_start + len(c.clause),
                    c.clause,
                    c.clause_start,
                )
                out.append((ac, meaning.check_actor(facts, c.payload.name, actor)))
        elif c.kind == "org":
            v = meaning.check_org(facts, c)
        elif c.kind == "ordinal":
            v = meaning.check_ordinal(facts, c)
        else:
            v = meaning.check_quote(facts, c)
        out.append((c, v))
    # meaning of each clause: polar words, prize ranks, specific words that belong together
    for ss, se in spans:
        sentence = text[ss:se]
        for keys, ls, le in meaning.list_items(sentence):
            lc = Claim("list", sentence[ls:le], name, ss + ls, ss + le, sentence, ss, keys)
            out.append((lc, meaning.check_list(facts, lc)))
    for cs, ce in clauses(text):
        clause = text[cs:ce]
        compared = meaning.check_comparison(Claim("comparison", clause, name, cs, ce, clause, cs))
        if compared is not None:
            out.append((Claim("comparison", clause, name, cs, ce, clause, cs), compared))
        polar = meaning.polar_words(clause)
        if polar:
            mc = Claim("meaning", clause, name, cs, ce, clause, cs, polar)
            mc.extra["sentence"] = next((text[s:e] for s, e in sentences(text) if s <= cs < e), clause)
            out.append((mc, meaning.check_meaning(facts, mc)))
        for m in meaning._PRIZES.finditer(clause):
            pc = Claim(
                "rank",
                m.group(0),
                name,
                cs + m.start(),
                cs + m.end(),
                clause,
                cs,
                (m.group("p"), m.group("q")),
            )
            out.append((pc, meaning.check_prize(facts, pc)))
        topic = meaning.topic_phrase(clause)
        # a specific topic (named in two or three passages, not the releasing body) and the rare words
        # said of it must meet in one passage: "이천 … 선수촌에서는 양궁훈련장" where the range is at 진천
        if topic and 2 <= facts.spread(topic[0]) <= 3 and len(topic[0]) >= 4 and not org_names(topic[0]):
            rest = clause[topic[1] :]
            for w, s, _ in content_words(rest):
                if w in topic[0] or not facts.mentions(w) or facts.spread(w) > 2 or len(w) < 3:
                    continue
                pc = Claim(
                    "pairing",
                    f"{topic[0]} … {w}",
                    name,
                    cs,
                    cs + topic[1] + s + len(w),
                    clause,
                    cs,
                    (topic[0], w),
                )
                v = meaning.check_pairing(facts, pc)
                out.append((pc, v))
                if v.verdict != "supported":
                    break
    return out


def check(summary: Any, source: str | SourceFacts, published: date | None = None) -> FaithfulnessResult:
    """Check a summary (a ``Summary``, or plain text) against a source text or its facts."""
    facts = source if isinstance(source, SourceFacts) else SourceFacts(str(source), published)
    checks: list[ClaimCheck] = []
    for name, text in summary_fields(summary):
        try:
            found = _claims_of_field(name, text, facts)
        except Exception:  # a bug in one rule must not stop a run: the field goes unchecked, loudly
            log.exception("faithfulness check failed on %s", name)
            continue
        for c, v in found:
            checks.append(
                ClaimCheck(
                    c.kind,
                    c.text,
                    c.field,
                    c.start,
                    c.end,
                    v.verdict,
                    v.reason,
                    v.evidence,
                    v.computed,
                    v.source_says,
                )
            )
    return _result(checks)


def _result(checks: list[ClaimCheck]) -> FaithfulnessResult:
    unsupported: list[str] = []
    for c in checks:
        if c.verdict in ("contradicted", "not_found") and c.text not in unsupported:
            unsupported.append(c.text)
    return FaithfulnessResult(checked=len(checks), unsupported=unsupported, claims=checks)


def undecided(result: FaithfulnessResult) -> list[tuple[int, ClaimCheck]]:
    """Claims the rules could not decide, with their index in ``result.claims``: the ones a model may
    judge in a second step. With no model they count as supported."""
    return [(i, c) for i, c in enumerate(result.claims) if c.verdict == "undecided"]


def apply_verdicts(result: FaithfulnessResult, verdicts: dict[int, str]) -> FaithfulnessResult:
    """A new result with a model's verdicts for undecided claims; a rule's verdict is never overridden
    (in particular never a "contradicted")."""
    checks = []
    for i, c in enumerate(result.claims):
        v = verdicts.get(i)
        if c.verdict == "undecided" and v in ("supported", "contradicted", "not_found"):
            reason = {
                "supported": "",
                "contradicted": "원문과 맞지 않음",
                "not_found": "원문에서 찾을 수 없음",
            }[v]
            c = ClaimCheck(
                c.kind, c.text, c.field, c.start, c.end, v, reason, c.evidence, c.computed, c.source_says
            )
        checks.append(c)
    return _result(checks)


@dataclass(frozen=True)
class Name:
    text: str
    key: str  # the full name (short forms resolved)


def extract_names(text: str) -> list[Name]:
    """Organisations named in ``text``, keyed by their full name (used to list a release's ministries)."""
    out = []
    for name, _, _ in org_names(text):
        key = ALIASES.get(name, [name])[0] if name not in ORGS else name
        if re.fullmatch(r"[A-Za-z\-]+", name):
            continue
        out.append(Name(name, key))
    return out
