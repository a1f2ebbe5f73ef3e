"""The summary-worthy units of a release's text: whole sentences and tables' rows.

Sentences are cut by kiwipiepy (it keeps a quotation with its "…라고 말했다" and does not cut at
"3.5%" or "2025. 9. 3."), after the lines no summary should quote are set aside: the title and
subtitles, release furniture (보도시점/배포 lines, "보도자료" stamps, page numbers), contacts
(담당 부서, 담당자, telephone numbers), "붙임"/"끝." lines, photo captions, notes (※, *) and
disclaimers such as "본문은 첨부파일을 참조하세요". A unit is only ever the source's own text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # kiwipiepy loads a model: imported on first use only
    from kiwipiepy import Kiwi

BULLET = re.compile(r"^(?:[□○◦●▶▷■◆◈※\-•ㅇ·*▪︎◇▴▲➊-➓󰊱-󰊹⦁]+|o(?=\s)|\(?\d{1,2}[.)](?!\d)|[가-하][.)])\s*")
TABLE_ROW = re.compile(r"(^|\s)\|(\s|$)")  # cells joined by " | " by the extractor
_LINE_END = re.compile(r"([.!?…:]|[다요음함됨임])[\"'”’)]*$")
_WRAP_MIN = 20  # a line at least this long that stops mid-sentence was wrapped by the PDF's layout

# Lines that are never a summary sentence (searched anywhere in the line).
_FURNITURE = re.compile(
    r"☎|\d{2,4}\)?-\d{3,4}-\d{4}|[\w.]+@[\w-]+\.\w+|"
    r"보도\s*시점|보도\s*일시|배포\s*일시|엠바고|보도하여\s*주시기|보도해\s*주시기|^배\s*포\s*[:|]|"
    r"^붙\s*임\b|^붙임\s*\d|^별\s*첨|별첨\)?\.?\s*끝\.?$|^끝\.?$|^\[사진|^<\s*사진|^사진\s*\d+\s*[.:)]|"
    r"이\s*자료는.{0,30}(샘플|가상|데모)|실제\s*정부\s*발표가\s*아닙니다|"
    r"(본문|내용)은\s*첨부\s*파일을?\s*참[고조]|첨부\s*파일을?\s*참[고조]하|"
    r"자세한\s*내용을\s*원하시면|자세한\s*(사항|내용)은.{0,20}(문의|참[고조])|붙임\s*자료를?\s*참[고조]|공공누리|무단\s*전재|재배포\s*금지"
)
_STAMP = re.compile(
    r"^[|\s]*[가-힣]{0,12}\s*[|\s]*(보도\s*자료|보도\s*설명\s*자료|설명\s*자료|해명\s*자료|동정\s*자료|참고\s*자료)[|\s]*$"
    r"|^-\s*\d+\s*-$|^\d+\s*/\s*\d+$|^<[^>]*>$"
)
_NOTE = re.compile(r"^\s*(※|\*)")
# contact words make a contact line in a table row, a "담당자: …" line or a line that is no sentence
# ("지자체 담당자 교육을 실시한다" is content)
_CONTACT = re.compile(r"담당\s*부\s*서|담당\s*과\s*장|담\s*당\s*자|책\s*임\s*자|문\s*의\s*처")
_SENTENCE_END = re.compile(r"(다|세요)[.!?]?$|(음|함|됨|임)\.$")
# a piece cut off after a closing quotation mark ("…”이라고 강조하며, …") is not a sentence
_CONTINUATION = re.compile(r"^(이?라(고|며|는)|고\s|며\s|이며|하며|라면서|이라면서)")
_REPORTED = re.compile(r"^<\s*(언론\s*)?보도\s*(주요\s*)?내용")  # an explainer quoting the press
_TRAILING = re.compile(r"[\s\"'”’)\]」』]+$")
_HANGUL = re.compile(r"[가-힣]")
_YEAR_MARK = re.compile(r"[‘’'](?=\d{2}\b|\d{2}[.년])")
_PUNCT = re.compile(r"[\W_]+")


@lru_cache(maxsize=1)
def kiwi() -> Kiwi:
    """One kiwipiepy analyser per process (loading its model takes about a second)."""
    from kiwipiepy import Kiwi

    return Kiwi()


@dataclass
class Unit:
    """A sentence (or a table row rendered as one) in source order."""

    text: str
    position: int
    kind: str = "sentence"  # "sentence" | "row" | "item"
    nouns: frozenset[str] = field(default_factory=frozenset)

    @property
    def has_figure(self) -> bool:
        return bool(re.search(r"\d", self.text))


def compact(text: str) -> str:
    """``text`` without spaces and punctuation, for comparing a line with the title."""
    return _PUNCT.sub("", text)


def is_furniture(line: str) -> bool:
    """True for a line no summary should quote: contacts, release stamps, notes, disclaimers."""
    bare = _TRAILING.sub("", line)
    contact = _CONTACT.search(line) and ("|" in line or ":" in line or not _SENTENCE_END.search(bare))
    return bool(contact or _FURNITURE.search(line) or _STAMP.search(line) or _NOTE.match(line))


def unwrap_lines(text: str) -> list[str]:
    """Lines of ``text`` with PDF layout wraps undone: a long line that stops mid-sentence is
    joined with the next one unless that one opens a new item (bullet, number, table row)."""
    lines: list[str] = []
    for raw in text.split("\n"):
        line = raw.strip()
        previous = lines[-1] if lines else ""
        joinable = (
            line
            and len(previous) >= _WRAP_MIN
            and not TABLE_ROW.search(previous)
            and not TABLE_ROW.search(line)
            and not _LINE_END.search(previous)
            and not BULLET.match(line)
        )
        if joinable:
            lines[-1] = f"{previous} {line}"
        else:
            lines.append(line)
    return lines


def is_sentence(text: str) -> bool:
    """A whole sentence: ends in a predicate (…다, …요, …음/함/됨/임), has enough Hangul, is not
    too long and has its quotation marks paired."""
    bare = _TRAILING.sub("", text)
    if not _SENTENCE_END.search(bare) or len(_HANGUL.findall(text)) < 15 or len(text) > 300:
        return False
    if _CONTINUATION.match(text):
        return False
    marks = _YEAR_MARK.sub("", text)  # ’25 and ‘25.1월 abbreviate a year: no quotation
    opened = marks.count("“") + marks.count("‘") + marks.count("「") + marks.count("｢")
    closed = marks.count("”") + marks.count("’") + marks.count("」") + marks.count("｣")
    return opened == closed and marks.count('"') % 2 == 0


class _Headlines:
    """The title and subtitles: lines equal to or inside them are the headline, not content."""

    def __init__(self, title: str, subtitles: list[str]) -> None:
        # a trailing note in brackets ("(샘플 보도자료)", "(종합)") is part of the title line too
        self.items = [compact(t) for t in (title, *subtitles) if len(compact(t)) >= 6]

    def matches(self, line: str) -> bool:
        c = compact(BULLET.sub("", line))
        return bool(c) and any(c in item or (item in c and len(c) <= len(item) + 12) for item in self.items)

    def strip_prefix(self, sentence: str) -> str:
        """``sentence`` without a title glued before it (a layout join that escaped the line filter)."""
        c = compact(sentence)
        for item in self.items:
            if c.startswith(item) and len(c) > len(item) + 10:
                # the cut falls after as many letters as the title has (spaces and marks skipped)
                letters = [i for i, char in enumerate(sentence) if compact(char)]
                cut = letters[len(item) - 1] + 1
                return BULLET.sub("", sentence[cut:].strip(" )]"))
        return sentence


def _blocks(text: str, headlines: _Headlines) -> tuple[list[str], list[list[list[str]]]]:
    """Paragraph runs of ``text`` (furniture and headline lines removed, each removal a break) and
    its tables (runs of " | " rows, split into cells)."""
    paragraphs: list[str] = []
    tables: list[list[list[str]]] = []
    run: list[str] = []
    table: list[list[str]] = []

    def flush() -> None:
        nonlocal run, table
        paragraphs.extend(line for line in unwrap_lines("\n".join(run)) if line)
        if table:
            tables.append(table)
        run, table = [], []

    reported = 0  # lines since "< 보도 내용 >": the newspaper's claims an explainer answers
    for raw in text.replace("\r", "\n").split("\n"):
        line = " ".join(raw.split())
        if _REPORTED.match(line):
            reported = 1
            flush()
            continue
        if reported and line:
            if line.startswith("<") or (line.startswith("□") and reported > 1):
                reported = 0
            else:
                reported += 1
                continue
        if not line or is_furniture(line) or headlines.matches(line):
            flush()
        elif TABLE_ROW.search(line):
            if run:
                paragraphs.extend(x for x in unwrap_lines("\n".join(run)) if x)
                run = []
            table.append([cell.strip() for cell in line.split("|")])
        else:
            if table:
                tables.append(table)
                table = []
            run.append(line)
    flush()
    return paragraphs, tables


def _split(paragraph: str) -> list[str]:
    body = BULLET.sub("", paragraph).strip()
    if not body:
        return []
    return [s.text.strip() for s in kiwi().split_into_sents(body)]


def row_sentence(header: list[str], row: list[str]) -> str:
    """A table row as one line made only of the row's own cells (and the header's names):
    "대상: 연 매출 3억 원 이하 소상공인" or "참여 매장: 2025년 10월 6,200곳, 2026년 10월 1만 곳"."""
    label, values = row[0], row[1:]
    generic = ("내용", "구분", "비고", "")
    named = len(header) == len(row) and any(h not in generic for h in header[1:])
    parts = [
        f"{h} {v}" if named and h not in generic else v for h, v in zip(header[1:], values, strict=False) if v
    ]
    return f"{label}: {', '.join(parts)}"


def _table_rows(table: list[list[str]]) -> list[str]:
    """Rows worth a line: a label, a figure, a header of the same width, no contact details."""
    rows = [[c for c in r if c] for r in table]
    if len(rows) < 2 or len(rows[0]) < 2:
        return []
    header, out = rows[0], []
    for row in rows[1:]:
        line = " | ".join(row)
        if (
            len(row) == len(header) <= 4  # a wider row does not read as a sentence
            and _HANGUL.search(row[0])
            and any(re.search(r"\d", c) for c in row[1:])
            and len(line) <= 120
            and not is_furniture(line)
        ):
            out.append(row_sentence(header, row))
    return out


def _is_item(paragraph: str) -> bool:
    """A list item written without a predicate ("감독관 증원(’25~’26년, 1,200명) 등 현장 밀착관리"):
    the text of a report written in items, used only when it has too few whole sentences."""
    hangul = len(_HANGUL.findall(paragraph))
    return hangul >= 15 and len(paragraph) <= 200 and not is_sentence(paragraph)


def summary_units(
    texts: list[str], title: str, subtitles: list[str]
) -> tuple[list[Unit], list[Unit], list[Unit]]:
    """Sentences, table-row lines and predicate-less list items of ``texts`` (in order), without
    the headline or furniture, each once."""
    headlines = _Headlines(title, subtitles)
    sentences: list[Unit] = []
    rows: list[Unit] = []
    items: list[Unit] = []
    seen: set[str] = set()
    position = 0
    for text in texts:
        paragraphs, tables = _blocks(text, headlines)
        for paragraph in paragraphs:
            item = BULLET.sub("", paragraph).strip()
            if _is_item(item) and compact(item) not in seen and not headlines.matches(item):
                seen.add(compact(item))
                items.append(Unit(item, position, kind="item"))
                position += 1
                continue
            for piece in _split(paragraph):
                piece = headlines.strip_prefix(BULLET.sub("", piece).strip())
                key = compact(piece)
                if key in seen or not is_sentence(piece) or is_furniture(piece) or headlines.matches(piece):
                    continue
                seen.add(key)
                sentences.append(Unit(piece, position))
                position += 1
        for table in tables:
            for line in _table_rows(table):
                if compact(line) not in seen:
                    seen.add(compact(line))
                    rows.append(Unit(line, position, kind="row"))
                    position += 1
    return sentences, rows, items


def sentences(text: str) -> list[str]:
    """The whole sentences of ``text`` (no title known): bullets stripped, table rows, furniture
    and fragments left out."""
    found, _, _ = summary_units([text], "", [])
    return [u.text for u in found]
