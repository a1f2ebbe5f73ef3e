"""The summary of a release as stored: ``DATA_DIR/summaries/YYYY/MM/<id>.json``.

The single source of truth for what a reader is told about a release: the validated :class:`Summary`
(the six sections, category, tags, ministries), every checked claim with its verdict and evidence
(passage ids of the release's source parts, see :func:`source_parts`), the model and prompt version,
the source hash it was made from, and costs. The summariser writes it and uses it as its cache; the
Markdown article, the original-text file, search and chat are all made from it and the record, never
parsed back from what they render (docs/summaries.md).

A plain data module: the summariser and the article view both import it, neither imports the other.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from briefing.categories import CATEGORIES, find_category
from briefing.faithfulness import ClaimCheck, FaithfulnessResult
from briefing.records import ReleaseRecord, safe_id
from briefing.store import write_atomic

log = logging.getLogger(__name__)

# A sentence ends with ., ! or ? after a non-digit (Korean sentences end in "다."), then a space;
# "3.5%" and "2025. 9. 3." do not end one.
_SENTENCE_END = re.compile(r"(?<=[^\d\s][.!?。])\s+")


_LIST_MARK = re.compile(r"^\s*(?:[-•·*▪◦○□#]+|\d{1,2}[.)])\s*")


def split_sentences(text: str) -> list[str]:
    """Sentences of ``text``; a decimal point or a dotted date does not end a sentence."""
    return [s.strip() for s in _SENTENCE_END.split(text.strip()) if s.strip()]


class Summary(BaseModel):
    """One release summarised in six sections plus category, tags and ministries."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    headline: str = Field(min_length=1, max_length=200)
    key_summary: str = Field(min_length=1, description="3–5 sentences")
    main_points: list[str] = Field(min_length=3, max_length=8)
    background: str
    details: str
    effects: str
    next_steps: str
    category: str
    tags: list[str] = Field(min_length=3, max_length=8)
    ministries: list[str]

    @field_validator("key_summary")
    @classmethod
    def _three_to_five_sentences(cls, value: str) -> str:
        count = len(split_sentences(value))
        if not 3 <= count <= 5:
            raise ValueError(f"key_summary must be 3 to 5 sentences, got {count}")
        return value

    @field_validator("main_points", "tags", "ministries")
    @classmethod
    def _no_empty_items(cls, value: list[str]) -> list[str]:
        # models often repeat the list markup inside the items ("- ...", "1. ...", "#태그")
        items = [_LIST_MARK.sub("", str(v)).strip() for v in value]
        if any(not v for v in items):
            raise ValueError("items must not be empty")
        return items

    @field_validator("category")
    @classmethod
    def _in_taxonomy(cls, value: str) -> str:
        found = find_category(value)
        if found is None:
            names = ", ".join(c.name for c in CATEGORIES)
            raise ValueError(f"category must be one of: {names}")
        return found.name

    def field_text(self, name: str) -> str:
        """The text of a claim's field: ``key_summary``, ``main_points[2]``, ``ministries[0]``…"""
        base, _, index = name.partition("[")
        value = getattr(self, base, "")
        if isinstance(value, list):
            try:
                return str(value[int(index.rstrip("]"))])
            except (ValueError, IndexError):
                return ""
        return str(value or "")

    def all_text(self) -> str:
        """Every sentence a reader sees, for the faithfulness check."""
        parts = [self.headline, self.key_summary, *self.main_points]
        parts += [self.background, self.details, self.effects, self.next_steps, *self.ministries]
        return "\n".join(p for p in parts if p)


# --------------------------------------------------------------------------- stored summary

FORMAT = 1  # bump when the JSON's shape changes incompatibly (older files are then made again)
EXTRACT_LABEL = "자동 발췌 요약 — AI 요약 아님"  # shown above an offline extract
Kind = Literal["llm", "extract", "none"]


def source_parts(record: ReleaseRecord) -> list[tuple[str, str, str]]:
    """``(part id, label, text)`` of everything a summary is checked against, in record order.

    Part ids are ``page`` (the page text), ``a1``, ``a2``… (attachments in record order, unreadable
    ones included so numbering never shifts) and ``title`` (title, subtitles and ministry). The
    faithfulness check splits exactly these texts into passages, and the original-text file wraps
    exactly the same passages, so an evidence id such as ``a1-12`` always names the same sentence.
    """
    parts = [("page", "보도자료 본문", clean_text(record.body_text))]
    for n, att in enumerate(record.attachments, 1):
        parts.append((f"a{n}", f"첨부: {' '.join(str(att.name).split())}", clean_text(att.text)))
    head = [record.title, *record.subtitles, record.ministry]
    parts.append(("title", "제목과 부처", clean_text("\n".join(h for h in head if h and h.strip()))))
    return parts


def clean_text(text: str) -> str:
    """Whitespace runs inside each line become one space; line breaks stay (they end passages)."""
    lines = [" ".join(line.split()) for line in str(text or "").replace("\r", "\n").split("\n")]
    return "\n".join(lines).strip()


def claim_to_dict(claim: ClaimCheck, by: str = "rules") -> dict[str, Any]:
    """One checked claim as stored: kind, field, span, verdict, reason, evidence ids, computed."""
    return {
        "kind": claim.kind,
        "text": claim.text,
        "field": claim.field,
        "start": claim.start,
        "end": claim.end,
        "verdict": claim.verdict,
        "reason": claim.reason,
        "evidence": list(claim.evidence),
        "computed": claim.computed,
        "source_says": claim.source_says,
        "by": by,
    }


def claim_from_dict(data: dict[str, Any]) -> ClaimCheck:
    return ClaimCheck(
        kind=str(data.get("kind", "")),
        text=str(data.get("text", "")),
        field=str(data.get("field", "")),
        start=int(data.get("start", 0)),
        end=int(data.get("end", 0)),
        verdict=str(data.get("verdict", "undecided")),
        reason=str(data.get("reason", "")),
        evidence=[str(e) for e in data.get("evidence", [])],
        computed=str(data.get("computed", "")),
        source_says=str(data.get("source_says", "")),
    )


@dataclass
class StoredSummary:
    """What ``summaries/YYYY/MM/<id>.json`` holds (see the module docstring)."""

    id: str
    kind: Kind
    source_hash: str
    summary: Summary | None = None  # None when the release had no usable text (kind "none")
    category: str = ""  # the category of a "none" summary (a real summary carries its own)
    model: str = ""
    prompt_version: str = ""
    summarized_at: str = ""
    tokens: int = 0
    cost: float = 0.0
    faithfulness: FaithfulnessResult | None = None
    claims_by: list[str] = field(default_factory=list)  # per claim: "rules" or "model"
    verification: dict[str, Any] = field(default_factory=dict)  # the model's second look, if any
    read_from: str = field(default="", repr=False, compare=False)  # the JSON it was read from

    @property
    def extract(self) -> bool:
        return self.kind == "extract"

    @property
    def unsupported(self) -> list[ClaimCheck]:
        """Claims a reader should not trust (contradicted or not found), in order."""
        if not self.faithfulness:
            return []
        return [c for c in self.faithfulness.claims if c.verdict in ("contradicted", "not_found")]

    def faithfulness_line(self) -> str:
        """``ok`` or ``flagged: claim; claim`` (the article's ``Faithfulness`` metadata)."""
        return self.faithfulness.metadata() if self.faithfulness else "ok"

    def to_dict(self) -> dict[str, Any]:
        result = self.faithfulness
        claims = result.claims if result else []
        by = self.claims_by if len(self.claims_by) == len(claims) else ["rules"] * len(claims)
        return {
            "format": FORMAT,
            "id": self.id,
            "kind": self.kind,
            "extract": self.extract,
            "source_hash": self.source_hash,
            "model": self.model,
            "prompt_version": self.prompt_version,
            "summarized_at": self.summarized_at,
            "tokens": self.tokens,
            "cost": round(self.cost, 8),
            "category": self.summary.category if self.summary else self.category,
            "summary": self.summary.model_dump() if self.summary else None,
            "faithfulness": None
            if result is None
            else {
                "checked": result.checked,
                "unsupported": list(result.unsupported),
                "claims": [claim_to_dict(c, b) for c, b in zip(claims, by, strict=True)],
            },
            "verification": self.verification,
        }

    def to_json(self) -> str:
        """Stable serialisation: the same summary gives the same bytes (so reruns write nothing)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=1, sort_keys=True) + "\n"

    def digest(self) -> str:
        """A short hash of the stored JSON: the article records it, so an unchanged summary is not
        even rendered again on the next run (see ``briefing.article.markdown.render_key``)."""
        text = self.read_from or self.to_json()
        return hashlib.blake2b(text.encode("utf-8"), digest_size=12).hexdigest()

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> StoredSummary:
        faith = data.get("faithfulness")
        result = None
        by: list[str] = []
        if isinstance(faith, dict):
            raw = [c for c in faith.get("claims", []) if isinstance(c, dict)]
            result = FaithfulnessResult(
                checked=int(faith.get("checked", len(raw))),
                unsupported=[str(u) for u in faith.get("unsupported", [])],
                claims=[claim_from_dict(c) for c in raw],
            )
            by = [str(c.get("by", "rules")) for c in raw]
        summary = data.get("summary")
        return cls(
            id=str(data["id"]),
            kind=data["kind"],
            source_hash=str(data["source_hash"]),
            # stored summaries were validated when made; constructing skips re-validation so a
            # later tightening of the contract does not make old pages unreadable
            summary=Summary.model_construct(**summary) if isinstance(summary, dict) else None,
            category=str(data.get("category", "")),
            model=str(data.get("model", "")),
            prompt_version=str(data.get("prompt_version", "")),
            summarized_at=str(data.get("summarized_at", "")),
            tokens=int(data.get("tokens", 0)),
            cost=float(data.get("cost", 0.0)),
            faithfulness=result,
            claims_by=by,
            verification=dict(data.get("verification") or {}),
        )


def summary_path(data_dir: Path, record: ReleaseRecord) -> Path:
    """``DATA_DIR/summaries/YYYY/MM/<id>.json``, beside the record's ``releases/YYYY/MM/<id>.json``."""
    return Path(data_dir) / "summaries" / record.relpath


def read_summary(path: Path) -> StoredSummary | None:
    """The stored summary at ``path``; None when absent, unreadable or of another format (then the
    release is summarised again: a broken file never stops a run)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
        data = json.loads(text)
        if data.get("format") != FORMAT:
            return None
        stored = StoredSummary.from_dict(data)
        stored.read_from = text
        return stored
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        log.warning("summary %s unreadable (%s); it will be made again", path, exc)
        return None


def write_summary(data_dir: Path, record: ReleaseRecord, stored: StoredSummary) -> bool:
    """Write atomically; True when the bytes changed. Removes a copy left in an old month folder
    (a release whose date was corrected moves, like its record)."""
    path = summary_path(data_dir, record)
    changed = write_atomic(path, stored.to_json())
    for other in (Path(data_dir) / "summaries").glob(f"*/*/{safe_id(record.id)}.json"):
        if other != path:
            other.unlink(missing_ok=True)
            changed = True
    return changed
