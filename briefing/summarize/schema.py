"""The JSON schema a model is asked to answer with; the ``Summary`` contract itself lives in
:mod:`briefing.summaries` (a plain data module the article view reads too)."""

from __future__ import annotations

from typing import Any

from briefing.categories import CATEGORIES
from briefing.summaries import Summary, split_sentences

__all__ = ["Summary", "json_schema", "split_sentences"]


def json_schema() -> dict[str, Any]:
    """The JSON schema sent as ``response_format`` (no extra keys, category as an enum)."""
    schema = Summary.model_json_schema()
    schema["additionalProperties"] = False
    schema["properties"]["category"]["enum"] = [c.name for c in CATEGORIES]
    schema["required"] = list(Summary.model_fields)
    return schema
