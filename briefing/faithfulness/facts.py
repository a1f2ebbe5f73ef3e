"""The facts of a source, read once: its passages with their figures, dates, people and names.

``SourceFacts(text)`` or ``SourceFacts.from_parts([("page", text), ("a1", text2)], published=…)``;
the release date is inferred from the source's own date line when not given. Every summary checked
against the same source reuses it.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from briefing.faithfulness.claims import content_words
from briefing.faithfulness.dates import infer_release_date, parse_dates
from briefing.faithfulness.names import org_names, people, squash
from briefing.faithfulness.numbers import Num, parse_numbers, parse_unit_line
from briefing.faithfulness.passages import Passage, split_passages


@dataclass
class PassageFacts:
    passage: Passage
    compact: str  # context without spaces
    squashed: str
    numbers: list[Num]
    units: list[tuple[str, int]]  # units a bare figure here may carry (table unit line, headings, row)
    years: set[int]
    spaced: str = ""  # the passage with single spaces, to see where a name starts


@dataclass
class SourceFacts:
    """The facts of one source, extracted once and reused for every summary checked against it."""

    parts: list[tuple[str, str]]
    published: date | None = None
    passages: list[PassageFacts] = field(default_factory=list)
    compact: str = ""
    squashed: str = ""
    date_keys: dict[tuple, list[str]] = field(default_factory=dict)
    years: set[int] = field(default_factory=set)
    months: set[int] = field(default_factory=set)
    persons: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # name → [(title, passage id)]
    orgs: set[str] = field(default_factory=set)
    doc_freq: dict[str, int] = field(default_factory=dict)
    value_index: tuple[list[Decimal], list[tuple[int, Num, str]]] = ([], [])

    def __init__(
        self, text: str = "", published: date | None = None, *, parts: list[tuple[str, str]] | None = None
    ):
        self.parts = parts if parts is not None else [("s", text)]
        self.published = published or next(
            (d for d in (infer_release_date(t) for _, t in self.parts) if d), None
        )
        self.passages, self.date_keys, self.years, self.months = [], {}, set(), set()
        self.persons, self.orgs, self.doc_freq = {}, set(), {}
        self.item_numbers: dict[tuple[str, int], set[int]] = {}
        for part, text_ in self.parts:
            for p in split_passages(text_, part):
                try:
                    self.passages.append(self._read(p))
                except Exception:  # an odd passage keeps its text as evidence, without facts
                    log.exception("faithfulness: could not read passage %s", p.id)
                    self.passages.append(
                        PassageFacts(p, p.text.replace(" ", ""), squash(p.text), [], [], set())
                    )
        self.compact = "\n".join(pf.compact for pf in self.passages)
        self.squashed = "\n".join(pf.squashed for pf in self.passages)
        for pf in self.passages:
            for w in {w for w, _, _ in content_words(pf.passage.text)}:
                self.doc_freq[w] = self.doc_freq.get(w, 0) + 1
        self.value_index = _value_index(self)

    @classmethod
    def from_parts(cls, parts: list[tuple[str, str]], published: date | None = None) -> SourceFacts:
        return cls(published=published, parts=parts)

    @classmethod
    def of(cls, text: str, published: date | None = None) -> SourceFacts:  # the old name, kept for callers
        return cls(text, published)

    def _read(self, p: Passage) -> PassageFacts:
        ctx = p.context()
        refs = parse_dates(p.text, self.published)
        for ref in refs:
            self.date_keys.setdefault(ref.key, []).append(p.id)
            if ref.key[0] in ("ymd", "ym", "y", "q", "h") and ref.key[1]:
                self.years.add(ref.key[1])
            if ref.key[0] in ("ymd", "ym"):
                self.months.add(ref.key[2])
            if ref.key[0] == "md":
                self.months.add(ref.key[1])
            if ref.key[0] == "m":
                self.months.add(ref.key[1])
        heading_years = {
            r.key[1]
            for r in parse_dates(p.heading, self.published)
            if (r.key[0] != "t" and len(r.key) > 2) or r.key[0] == "y"
        }
        years = {r.key[1] for r in refs if r.key[0] in ("ymd", "ym", "y", "q", "h") and r.key[1]}
        years |= {y for y in heading_years if isinstance(y, int)}
        years |= {int(y) for y in re.findall(r"(?<!\d)((?:19|20)\d{2})(?!\d)", p.heading)}
        nums = parse_numbers(p.text, [(r.start, r.end) for r in refs])
        nums = _ranges(p.text, nums)
        if p.kind == "row":  # "33. 총트리할로메탄": the number of an item, not a figure
            items = [n for n in nums if _ITEM_NO.match(p.text, n.start) and _starts_cell(p.text, n.start)]
            for n in items:
                self.item_numbers.setdefault((p.part, p.table), set()).add(int(n.value))
            nums = [n for n in nums if n not in items]
        units = parse_unit_line(p.unit) if p.unit else []
        units += [(n.unit, 1) for n in nums if n.unit and (n.unit, 1) not in units]
        for m in re.finditer(r"[(（]\s*([억만천조]?\s*(?:원|불|달러|명|개|건|톤|%))\s*[)）]", p.heading):
            units += parse_unit_line(m.group(1))
        for person in people(p.text.replace(" | ", " ")):
            self.persons.setdefault(person.name, []).append((person.title, p.id))
        for name, _, _ in org_names(p.text):
            self.orgs.add(name)
        for m in re.finditer(r"(\d{1,3})년\s?(?:전|만)", p.text):  # "118년 전에 제정된": the year it names
            if self.published:
                self.years.add(self.published.year - int(m.group(1)))
        spaced = " ".join(p.text.replace("|", " ").split())
        return PassageFacts(
            p, ctx.replace(" ", "").replace("\n", ""), squash(p.text), nums, units, years, spaced
        )

    # ------------------------------------------------------------------ look-ups

    def mentions(self, word: str) -> bool:
        return word in self.compact

    def spread(self, word: str) -> int:
        """In how many passages the word occurs in their own text (as a substring, so compounds count;
        a table's heading repeated on every row counts once)."""
        cache = self.__dict__.setdefault("_spread", {})
        if word not in cache:
            cache[word] = sum(1 for pf in self.passages if word in pf.squashed)
        return cache[word]

    def window(self, index: int) -> str:
        """A passage with its neighbours (a sentence often continues on the next line)."""
        lo, hi = max(0, index - 1), min(len(self.passages), index + 2)
        return "".join(self.passages[i].compact for i in range(lo, hi))


log = logging.getLogger(__name__)
_ITEM_NO = re.compile(r"\d{1,3}\.\s+\S")


def _starts_cell(text: str, pos: int) -> bool:
    return not text[:pos].strip() or text[:pos].rstrip().endswith(("|", "\n"))


def item_counts(facts: SourceFacts) -> set[int]:
    """How many items the source's numbered lists hold: items 1…N all present → N."""
    out = set()
    for numbers in facts.item_numbers.values():
        top = max(numbers)
        if top >= 5 and len(numbers) >= 0.9 * top and 1 in numbers:
            out.add(top)
    return out


def _ranges(text: str, nums: list[Num]) -> list[Num]:
    """ "2~20년", "60→90%": the first figure of a range takes the unit of the second."""
    out = list(nums)
    for i in range(len(out) - 1):
        a, b = out[i], out[i + 1]
        if not a.unit and b.unit and re.fullmatch(r"\s?[~∼～\-→]\s?['’]?\d{0,2}", text[a.end : b.start]):
            scale = b.mag if not a.has_mag and b.has_mag else 1
            out[i] = Num(
                a.value * scale,
                b.unit,
                a.start,
                a.end,
                a.text,
                a.approx,
                a.negative,
                a.bound,
                a.has_mag,
                a.digits,
                a.mag * scale,
            )
    return out


def _values(pf: PassageFacts, n: Num) -> list[tuple[Decimal, str]]:
    """The values a source figure may stand for: with its own unit, or a bare figure with the units
    of its table or row."""
    if n.unit:
        return [(n.value, n.unit)]
    out = [(n.value * scale, unit) for unit, scale in pf.units]
    if not out or pf.passage.kind == "sentence" or not pf.passage.unit:
        out.append((n.value, ""))  # no unit line: the figure may carry the unit the text implies
    return out


def _value_index(facts: SourceFacts) -> tuple[list[Decimal], list[tuple[int, Num, str]]]:
    """Every value the source's figures may stand for, sorted, built once per source: a claim's value
    is then found by bisection instead of a scan of every passage."""
    rows = sorted(
        (
            (value, i, k, unit)
            for i, pf in enumerate(facts.passages)
            for k, n in enumerate(pf.numbers)
            for value, unit in _values(pf, n)
        ),
        key=lambda r: (r[0], r[1], r[2]),
    )
    keys = [r[0] for r in rows]
    items = [(r[1], facts.passages[r[1]].numbers[r[2]], r[3]) for r in rows]
    return keys, items
