"""A model's second look at the claims the rules could not decide (one call per summary).

The faithfulness rules decide most claims; a few they leave ``undecided`` (a paraphrase whose words
are spread over sentences, a derived figure they cannot compute). When a model is configured, those
claims are sent once, each with its candidate passages (the passages sharing most of its words), and
the model answers supported / contradicted / not_in_source per claim. Its verdicts are applied with
:func:`briefing.faithfulness.apply_verdicts`, which never overrides a rule's "contradicted"; a
supported claim gets the passage the model named as evidence. The call goes through
:mod:`briefing.llm` inside the run's cost cap; any failure leaves the rules' result as it was.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from briefing.faithfulness import FaithfulnessResult, Passage, apply_verdicts, split_passages

log = logging.getLogger(__name__)

VERIFY_VERSION = "verify-1"
MAX_CLAIMS = 20  # per call: a summary with more undecided claims keeps the rest undecided
CANDIDATES = 3  # passages shown per claim
_WORD = re.compile(r"[가-힣A-Za-z0-9]{2,}")

SYSTEM = """\
당신은 요약문의 사실 확인 담당자입니다. 각 주장(claim)이 함께 제시된 원문 구절(passages)로 뒷받침되는지 판정합니다.
- supported: 구절이 그 주장을 그대로 또는 같은 뜻으로 말한다.
- contradicted: 구절이 그 주장과 다른 값·방향·대상·순위를 말한다.
- not_in_source: 구절에서 그 주장을 확인할 수 없다.
답은 JSON 객체 하나: {"verdicts": [{"n": 주장 번호, "verdict": "supported|contradicted|not_in_source", "evidence": "근거 구절 id 또는 빈 문자열"}]}"""

SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["verdicts"],
    "properties": {
        "verdicts": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["n", "verdict", "evidence"],
                "properties": {
                    "n": {"type": "integer"},
                    "verdict": {"type": "string", "enum": ["supported", "contradicted", "not_in_source"]},
                    "evidence": {"type": "string"},
                },
            },
        }
    },
}
_MAP = {"supported": "supported", "contradicted": "contradicted", "not_in_source": "not_found"}


def _words(text: str) -> set[str]:
    """Two-character pieces of each word: Korean particles and endings vary ("품목은", "품목")."""
    return {w[i : i + 2] for w in _WORD.findall(text) for i in range(len(w) - 1)}


def candidates(claim_text: str, passages: list[Passage], n: int = CANDIDATES) -> list[Passage]:
    """The passages sharing most words with the claim (ties: earlier first)."""
    words = _words(claim_text)
    scored = [(len(words & _words(p.text)), -i, p) for i, p in enumerate(passages)]
    scored = [s for s in scored if s[0] > 0]
    scored.sort(key=lambda s: (s[0], s[1]), reverse=True)
    return [p for _, _, p in scored[:n]]


def build_messages(
    items: list[tuple[int, str, list[Passage]]],
) -> list[dict[str, str]]:
    lines = []
    for n, text, found in items:
        lines.append(f"[주장 {n}] {text}")
        for p in found:
            lines.append(f"  ({p.id}) {p.text[:400]}")
    user = "다음 주장들을 판정하세요.\n\n" + "\n".join(lines)
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": user}]


def parse_verdicts(text: str) -> dict[int, tuple[str, str]]:
    """``{claim number: (verdict, evidence id)}`` from the model's answer; unknown entries dropped."""
    found = re.search(r"\{.*\}", text or "", re.DOTALL)
    if not found:
        return {}
    try:
        data = json.loads(found.group(0))
    except ValueError:
        return {}
    out: dict[int, tuple[str, str]] = {}
    for item in data.get("verdicts", []) if isinstance(data, dict) else []:
        if not isinstance(item, dict):
            continue
        verdict = _MAP.get(str(item.get("verdict", "")))
        try:
            n = int(item.get("n"))
        except (TypeError, ValueError):
            continue
        if verdict:
            out[n] = (verdict, str(item.get("evidence") or ""))
    return out


Ask = Callable[[list[dict[str, str]], dict[str, Any]], str]  # messages, schema -> answer text


def sentence_around(text: str, start: int, end: int) -> str:
    """The sentence of ``text`` holding the span: a bare "2개" means nothing without it."""
    left = max(text.rfind(". ", 0, start), text.rfind("\n", 0, start))
    right = [i for i in (text.find(". ", end), text.find("\n", end)) if i >= 0]
    return text[left + 1 : (min(right) + 1) if right else len(text)].strip()


def verify_undecided(
    result: FaithfulnessResult,
    parts: list[tuple[str, str]],
    ask: Ask,
    field_text: Callable[[str], str] = lambda name: "",
) -> tuple[FaithfulnessResult, list[str], dict[str, Any]]:
    """Ask once about the undecided claims of ``result``. Returns the new result, who decided each
    claim ("rules" or "model") and a record of the call for the stored summary. ``field_text`` gives
    a claim's field text (its sentence is shown with it). ``ask`` raises on failure (budget,
    provider); the caller keeps the rules' result then."""
    by = ["rules"] * len(result.claims)
    open_ = [(i, c) for i, c in enumerate(result.claims) if c.verdict == "undecided"][:MAX_CLAIMS]
    if not open_:
        return result, by, {}
    passages = [p for part, text in parts for p in split_passages(text, part) if text]
    items = []
    for k, (_, c) in enumerate(open_, 1):
        context = sentence_around(field_text(c.field), c.start, c.end) if field_text(c.field) else ""
        shown = f"{c.text} (문장: {context})" if context and context != c.text else c.text
        items.append((k, shown, candidates(f"{c.text} {context}", passages)))
    answer = ask(build_messages(items), SCHEMA)
    found = parse_verdicts(answer)
    verdicts: dict[int, str] = {}
    evidence: dict[int, list[str]] = {}
    for k, (i, _) in enumerate(open_, 1):
        if k not in found:
            continue
        verdict, cited = found[k]
        verdicts[i] = verdict
        shown = [p.id for p in items[k - 1][2]]
        if verdict == "supported" and shown:
            evidence[i] = [cited] if cited in shown else shown[:1]
    new = apply_verdicts(result, verdicts)
    claims = []
    for i, c in enumerate(new.claims):
        if i in verdicts and result.claims[i].verdict == "undecided" and c.verdict != "undecided":
            by[i] = "model"
            if c.verdict == "supported" and not c.evidence and i in evidence:
                c = replace(c, evidence=evidence[i])
        claims.append(c)
    new = FaithfulnessResult(checked=new.checked, unsupported=new.unsupported, claims=claims)
    record = {"version": VERIFY_VERSION, "asked": len(open_), "answered": sum(1 for b in by if b == "model")}
    return new, by, record
