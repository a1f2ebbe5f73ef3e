"""Split a source text into passages: sentences, and table rows with their headings and unit line.

A passage is the unit of evidence a reader is pointed to, so ids must be stable (same text → same
ids) and offsets must be exact (``text[start:end] == passage.text``). Extracted tables arrive as
lines of ``cell | cell | cell``; a cell may hold line breaks, so lines without ``|`` inside a table
belong to the row before them. Every row carries the table's header rows (the rows before the first
figure) and its unit line (``(단위 : 억원, %)``, ``(억불)``) because a bare ``376,761`` in a row means
nothing without them. Very long rows (a whole regulation pasted into one cell) are split into
sentences again so that "the same passage" still means something for co-occurrence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

LONG_ROW = 400  # characters: longer table rows are read as prose


@dataclass(frozen=True)
class Passage:
    """One sentence, or one table row (with its column/row headings and the table's unit line)."""

    id: str  # f"{part}-{n}", n counting passages of that part from 1
    part: str  # "page", "a1", … or "s" for a plain string
    kind: str  # "sentence" | "row"
    start: int
    end: int
    text: str
    heading: str = ""  # the table's header rows (rows only)
    unit: str = ""  # the table's unit line, e.g. "억원, %" (rows only)
    table: int = -1  # index of the table in the part (rows only), to compare rows of one table
    cells: tuple[str, ...] = ()  # the row's cells (rows only)
    header_cells: tuple[str, ...] = ()  # the last header row's cells, to read a cell's column
    caption: str = ""  # short lines right above the table (its title), rows only

    def context(self) -> str:
        """Text a claim may draw its subject words from: the passage with its headings."""
        return f"{self.heading} {self.text}" if self.heading else self.text


_UNIT_LINE = re.compile(
    r"[(\[<［]\s*단\s*위\s*[:：]?\s*([^)\]>］]{1,30})[)\]>］]|^\s*[(（]\s*([억만천조]?\s*(?:원|불|달러|명|개|건|톤|%))\s*[)）]\s*$"
)
_FIGURE = re.compile(r"\d")
# Sentence ends: a Hangul syllable (or closing quote/bracket) + period/?/! + space. Digits before a
# period are dates ("2025. 12. 2."), so they never end a sentence.
_SENTENCE_END = re.compile(r"(?<=[가-힣”’\")\]」』][.!?])\s+|(?<=[다요음함임됨]\.)(?=[가-힣“‘\"(])")
_NUMBERED_ITEM = re.compile(r"\s(?=(?:\d{1,2}\.|[①-⑳]|[가-하]\.)\s)")


# A cell holding a figure: "376,761", "△0.4", "1점", "각 1,000만원", "23.7%" (not "2026년 예산 (B)").
_FIGURE_CELL = re.compile(
    r"^(?!(?:19|20)\d{2}\s*(?:년|예산|실적|\(|$))[각총약]?\s*[△▲▼+\-–]?\d[\d,.]*\s*[가-힣%/㎎㎍a-zA-Z]{0,4}$"
)


def _table_line_ahead(text: str, lines: list[tuple[int, int]], j: int) -> bool:
    """A line without "|" continues a cell when a row of the same table follows within a few lines."""
    for k in range(j + 1, min(j + 5, len(lines))):
        line = text[lines[k][0] : lines[k][1]]
        if not line.strip():
            return False
        if "|" in line:
            return True
    return False


def _caption(text: str, lines: list[tuple[int, int]], i: int) -> str:
    """Short prose lines right above a table (its title, "< 시상 내역 >", "(2010.11월 누계 기준)")."""
    out: list[str] = []
    k = i - 1
    while k >= 0 and len(out) < 3:
        line = text[lines[k][0] : lines[k][1]].strip()
        k -= 1
        if not line:
            continue
        if "|" in line or len(line) > 60 or line.endswith(("다.", "다")):
            break
        out.append(line)
    return " ".join(reversed(out))


def _is_table_line(line: str) -> bool:
    return "|" in line


def _sentences(text: str, base: int) -> list[tuple[int, int]]:
    """Spans of the sentences of one line of prose (offsets relative to the whole text)."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for match in _SENTENCE_END.finditer(text):
        if match.start() > pos:
            spans.append((pos, match.start()))
        pos = match.end()
    if pos < len(text):
        spans.append((pos, len(text)))
    out = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((base + s, base + e))
    return out


def _long_spans(text: str, base: int) -> list[tuple[int, int]]:
    """A very long row or line: sentences, then numbered items (``1. …: 20년 2. …``)."""
    out = []
    for s, e in _sentences(text, 0):
        chunk = text[s:e]
        pos = 0
        for match in _NUMBERED_ITEM.finditer(chunk):
            if match.start() > pos:
                out.append((s + pos, s + match.start()))
            pos = match.end()
        out.append((s + pos, e))
    return [(base + s, base + e) for s, e in out if text[s:e].strip()]


def _cells(row: str) -> tuple[str, ...]:
    """A row's cells; a line break inside a row starts a cell too (extracted merged cells)."""
    return tuple(c.strip() for c in re.split(r"[|\n]", row))


def cell_index(row: str, pos: int) -> int:
    """The index in ``_cells(row)`` of the cell holding offset ``pos``."""
    return len(re.findall(r"[|\n]", row[:pos]))


def split_passages(text: str, part: str = "s") -> list[Passage]:
    """Passages of ``text`` in order, without overlaps; deterministic."""
    lines: list[tuple[int, int]] = []  # (start, end) of each line, without the newline
    pos = 0
    for line in text.split("\n"):
        lines.append((pos, pos + len(line)))
        pos += len(line) + 1
    raw: list[dict] = []  # passages before numbering
    unit = ""
    unit_age = 99  # lines since the last unit line: it belongs to the next table only
    i = 0
    table_no = 0
    while i < len(lines):
        s, e = lines[i]
        line = text[s:e]
        if not line.strip():
            i += 1
            unit_age += 1
            continue
        found = _UNIT_LINE.search(line) if len(line) < 60 else None
        if found and not _is_table_line(line):
            unit, unit_age = (found.group(1) or found.group(2) or "").strip(), 0
        if not _is_table_line(line):
            spans = _sentences(line, s) if len(line) <= LONG_ROW else _long_spans(line, s)
            raw.extend({"kind": "sentence", "start": a, "end": b} for a, b in spans)
            i += 1
            unit_age += 1
            continue
        # a table: rows are lines with "|", continuation lines join the row before them
        rows: list[tuple[int, int]] = []
        j = i
        while j < len(lines):
            ls, le = lines[j]
            cur = text[ls:le]
            if not cur.strip():
                break
            if _is_table_line(cur):
                prev = text[rows[-1][0] : rows[-1][1]] if rows else ""
                if (
                    rows
                    and cur.lstrip().startswith("|")
                    and not _FIGURE.search(prev.split("|", 1)[-1])
                    and (prev.lstrip().startswith("|") or "\n" in prev)
                ):
                    rows[-1] = (rows[-1][0], le)  # the figures of a row whose label spans lines
                else:
                    rows.append((ls, le))
            elif rows and (
                text[rows[-1][0] : rows[-1][1]].rstrip().endswith("|") or _table_line_ahead(text, lines, j)
            ):
                rows[-1] = (rows[-1][0], le)
            else:
                break
            j += 1
        table_unit = unit if unit_age <= 3 else ""
        caption = _caption(text, lines, i)
        header: list[str] = []
        header_cells: tuple[str, ...] = ()
        seen_figures = False
        for rs, re_ in rows:
            row = text[rs:re_]
            cells = _cells(row)
            numeric = sum(1 for c in cells if _FIGURE_CELL.match(c))
            is_header = not seen_figures and numeric == 0 and len(row) < 200
            if is_header:
                header.append(" ".join(c for c in cells if c))
                header_cells = cells
                m = re.search(r"[(（]\s*([억만천조]?\s*(?:원|불|달러|명|개|건|톤|%))\s*[)）]", row)
                if m and not table_unit:
                    table_unit = m.group(1)
            else:
                seen_figures = True
            if len(row) > LONG_ROW:
                raw.extend({"kind": "sentence", "start": a, "end": b} for a, b in _long_spans(row, rs))
                continue
            raw.append(
                {
                    "kind": "row",
                    "start": rs,
                    "end": re_,
                    "heading": "" if is_header else " ".join([caption, *header]).strip(),
                    "unit": table_unit,
                    "table": table_no,
                    "cells": cells,
                    "header_cells": header_cells,
                    "caption": caption,
                }
            )
        table_no += 1
        unit_age = 99
        i = j
    out = []
    for n, item in enumerate(raw, 1):
        s, e = item.pop("start"), item.pop("end")
        kind = item.pop("kind")
        out.append(Passage(f"{part}-{n}", part, kind, s, e, text[s:e], **item))
    return out
