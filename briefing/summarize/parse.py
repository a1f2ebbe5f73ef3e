"""Turn a model's answer into a :class:`Summary`, forgiving the usual slips.

Accepted: a JSON object alone, inside a ```json fence, or surrounded by prose; trailing commas;
typographic quotes around keys; a category written with its emoji or outside the taxonomy (mapped
onto it). Anything else raises :class:`SummaryParseError` whose message names what is wrong, so
the retry can tell the model.
"""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import ValidationError

from briefing.categories import find_category, map_category
from briefing.errors import SummaryError
from briefing.summarize.schema import Summary

_FENCE = re.compile(r"```(?:json|JSON)?\s*(.*?)```", re.S)
_TRAILING_COMMA = re.compile(r",\s*([}\]])")


class SummaryParseError(SummaryError, ValueError):
    """The answer is not a valid summary; the message says why (sent back to the model)."""


def _candidates(text: str) -> list[str]:
    out = [m.group(1) for m in _FENCE.finditer(text)]
    start, end = text.find("{"), text.rfind("}")
    if start != -1 and end > start:
        out.append(text[start : end + 1])
    out.append(text)
    return out


def _loads(text: str) -> Any:
    for candidate in _candidates(text.strip()):
        for attempt in (candidate, _TRAILING_COMMA.sub(r"\1", candidate.replace("“", '"').replace("”", '"'))):
            try:
                return json.loads(attempt)
            except ValueError:
                continue
    raise SummaryParseError("the answer is not a JSON object (JSON 객체가 아닙니다)")


def _describe(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors()[:6]:
        where = ".".join(str(p) for p in err["loc"]) or "answer"
        parts.append(f"{where}: {err['msg']}")
    return "; ".join(parts)


def parse_summary(text: str, context: str = "") -> Summary:
    """A validated summary from the model's answer ``text``; ``context`` (the source) helps map a
    stray category onto the taxonomy."""
    data = _loads(text)
    if not isinstance(data, dict):
        raise SummaryParseError("the answer must be one JSON object, not a list or a value")
    category = data.get("category")
    if isinstance(category, str) and category.strip() and find_category(category) is None:
        # never published as a new category: mapped by its own words, else by the source's
        data["category"] = map_category(category, context).name
    try:
        return Summary.model_validate(data)
    except ValidationError as exc:
        raise SummaryParseError(_describe(exc)) from exc
