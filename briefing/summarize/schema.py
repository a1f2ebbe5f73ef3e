"""The summary contract: exactly the fields an article is made from, validated with pydantic."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from briefing.categories import CATEGORIES, find_category

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

    def all_text(self) -> str:
        """Every sentence a reader sees, for the faithfulness check."""
        parts = [self.headline, self.key_summary, *self.main_points]
        parts += [self.background, self.details, self.effects, self.next_steps, *self.ministries]
        return "\n".join(p for p in parts if p)


def json_schema() -> dict[str, Any]:
    """The JSON schema sent as ``response_format`` (no extra keys, category as an enum)."""
    schema = Summary.model_json_schema()
    schema["additionalProperties"] = False
    schema["properties"]["category"]["enum"] = [c.name for c in CATEGORIES]
    schema["required"] = list(Summary.model_fields)
    return schema
