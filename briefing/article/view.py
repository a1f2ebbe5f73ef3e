"""One view of a release for everything that shows it: record + stored summary.

The article page, the original-text file, search and chat all read a release through
:class:`ReleaseView`, so none of them parses rendered Markdown or HTML back (docs/summaries.md).
Both files are read lazily: sections and claims need only the small summary JSON; the original text
needs the record.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from briefing.faithfulness import ClaimCheck, Passage, split_passages
from briefing.records import ReleaseRecord
from briefing.store import Store, StoreError
from briefing.summaries import StoredSummary, read_summary, source_parts

log = logging.getLogger(__name__)

# (heading, summary field) in page order; "주요 내용" is a list
SECTIONS = (
    ("핵심 요약", "key_summary"),
    ("주요 내용", "main_points"),
    ("배경 및 목적", "background"),
    ("세부 추진 내용", "details"),
    ("기대 효과", "effects"),
    ("향후 계획", "next_steps"),
)


@dataclass
class SourcePart:
    """One part of the original: ``page``, ``a1``…, ``title``; its text split into passages."""

    id: str
    label: str
    text: str
    error: str = ""  # an attachment whose text could not be read
    url: str = ""
    name: str = ""
    passages: list[Passage] = field(default_factory=list)


@dataclass
class ReleaseView:
    """Record + stored summary of one release (either may be missing: a hand-written article, a
    build without ``data/``, an article from before summaries were stored). The paths may be
    strings: a build makes a view for every release and reads only a few."""

    record_path: Path | str | None
    summary_path: Path | str | None

    @cached_property
    def record(self) -> ReleaseRecord | None:
        if self.record_path is None or not os.path.isfile(self.record_path):
            return None
        try:
            return Store.read(Path(self.record_path))
        except StoreError as exc:
            log.error("article view: %s", exc)
            return None

    @cached_property
    def stored(self) -> StoredSummary | None:
        return read_summary(Path(self.summary_path)) if self.summary_path is not None else None

    # ----------------------------------------------------------------- summary side

    def sections(self) -> list[tuple[str, str | list[str]]]:
        """``(heading, text)`` of the summary sections a reader sees (lists for 주요 내용)."""
        stored = self.stored
        if stored is None or stored.summary is None:
            return []
        out: list[tuple[str, str | list[str]]] = []
        for heading, name in SECTIONS:
            value = getattr(stored.summary, name, "")
            if isinstance(value, list):
                items = [str(v) for v in value if str(v).strip()]
                if items:
                    out.append((heading, items))
            elif str(value or "").strip():
                out.append((heading, str(value)))
        return out

    def section_texts(self) -> list[tuple[str, str]]:
        """Sections as plain text (list items one per line), for search and chat."""
        return [(h, "\n".join(v) if isinstance(v, list) else v) for h, v in self.sections()]

    @property
    def key_summary(self) -> str:
        stored = self.stored
        return stored.summary.key_summary if stored and stored.summary else ""

    @property
    def headline(self) -> str:
        stored = self.stored
        return stored.summary.headline if stored and stored.summary else ""

    def unsupported(self) -> list[ClaimCheck]:
        return self.stored.unsupported if self.stored else []

    # ----------------------------------------------------------------- source side

    @cached_property
    def parts(self) -> list[SourcePart]:
        """The parts the summary was checked against, each split into the same passages."""
        record = self.record
        if record is None:
            return []
        out = []
        attachments = {f"a{n}": att for n, att in enumerate(record.attachments, 1)}
        for part, label, text in source_parts(record):
            att = attachments.get(part)
            out.append(
                SourcePart(
                    part,
                    label,
                    text,
                    error=str(att.error or "") if att else "",
                    url=att.url if att else "",
                    name=att.name if att else "",
                    passages=split_passages(text, part) if text else [],
                )
            )
        return out

    def original_text(self) -> str:
        """Page text and attachment texts (no title part), blank-line separated: search and chat.
        The texts of :attr:`parts`, taken straight from the record (no passages split)."""
        record = self.record
        if record is None:
            return ""
        return "\n\n".join(text for part, _, text in source_parts(record) if part != "title" and text.strip())

    def passage_ids(self) -> set[str]:
        return {p.id for part in self.parts for p in part.passages}


def release_key(relative_source_path: str) -> str | None:
    """``YYYY/MM/<id>`` for an article at ``releases/YYYY/MM/<id>.md``; None for other files."""
    parts = str(relative_source_path).replace("\\", "/").split("/")
    if len(parts) != 4 or parts[0] != "releases" or not parts[3].endswith(".md") or parts[3] == ".md":
        return None
    if not all(parts[1:3]) or parts[1] in (".", "..") or parts[2] in (".", ".."):
        return None
    return f"{parts[1]}/{parts[2]}/{parts[3][:-3]}"


def view_for(data_dir: Path | None, relative_source_path: str) -> ReleaseView | None:
    """The view of the release an article file belongs to, or None for a file that is not one."""
    key = release_key(relative_source_path)
    if key is None or data_dir is None:
        return None
    base = str(data_dir)
    return ReleaseView(f"{base}/releases/{key}.json", f"{base}/summaries/{key}.json")


def article_view(article: Any, data_dir: Path | None) -> ReleaseView | None:
    """The view of a Pelican article: the one ``briefing_site`` attached when it ran first, else
    read from ``data_dir`` (None for a hand-written article, which has no stored summary)."""
    view = getattr(article, "briefing_view", None)
    if view is None and "source_hash" in article.metadata:
        view = view_for(data_dir, article.relative_source_path)
    return view


def view_of_record(data_dir: Path, record: ReleaseRecord) -> ReleaseView:
    """The view of ``record`` saved under ``data_dir`` (its summary, if stored)."""
    key = record.relpath.removesuffix(".json")
    return ReleaseView(
        Path(data_dir) / "releases" / f"{key}.json", Path(data_dir) / "summaries" / f"{key}.json"
    )


def forget_source(view: ReleaseView | None) -> None:
    """Drop the record, its passages and the stored summary from memory once a build step is done
    with them: a build walks every release, and a year's stored summaries with their checked claims
    (~40 a release) take a gigabyte as objects. A later step that needs them reads them again."""
    if view is not None:
        view.__dict__.pop("record", None)
        view.__dict__.pop("parts", None)
        view.__dict__.pop("stored", None)
