"""Offline extractive summaries: the same sections, filled only with the source's own sentences.

Used when no model is configured (a fresh clone, a fork without keys, ``make demo``) and as the
placeholder while an LLM summary is pending. Every sentence is copied from the source, so nothing
can be invented; the page labels it honestly as an automatic extract (:data:`LABEL`).

How the sentences are placed (docs/offline-summary.md has the figures):

1. :func:`~briefing.summarize.sentences.summary_units` gives the source's whole sentences (never
   the title, contacts, disclaimers, "붙임", release stamps) and its tables' rows with figures.
2. Near-duplicates go (the page text often restates the attachment's lead): the fuller one stays.
3. Each sentence is classed by its cues: 향후 계획 (…할 계획이다, …예정이다, 향후/앞으로…),
   기대 효과 (기대된다, 효과, 개선될…), 배경 및 목적 (그간, 최근, …에 따라, …에 대응, 위해…),
   otherwise a measure or fact (세부 추진 내용 when it carries a figure or a measure verb).
4. 핵심 요약 = the lead sentence plus the facts closest to the title; 주요 내용 = the remaining facts;
   세부 추진 내용 = the remaining measures and the table rows that add figures; the cue sections
   take their own sentences. A section with nothing found stays empty and the article leaves it out:
   an extract never claims the source lacks something.
"""

from __future__ import annotations

import re

from briefing.categories import guess_category
from briefing.faithfulness import extract_names
from briefing.records import ReleaseRecord
from briefing.summaries import EXTRACT_LABEL
from briefing.summarize.schema import Summary
from briefing.summarize.sentences import Unit, compact, kiwi, sentences, summary_units, unwrap_lines
from briefing.summarize.source import Source
from briefing.summarize.tags import TitleFrequencies, pick_tags

__all__ = ["LABEL", "OFFLINE_VERSION", "extract_summary", "sentences", "unwrap_lines"]

LABEL = EXTRACT_LABEL  # one wording, kept with the stored summary (briefing.summaries)
OFFLINE_VERSION = "extract-5"  # recorded as Prompt_version of extract summaries

_PLAN = re.compile(
    r"(계획|예정|방침)(이다|입니다|임|이며|이고|이라고|이라며|으로)|추진할|나갈 것이다|할 것이다|"
    r"나가겠(다|습니다)|^(이후|내년)|(^|\s)(향후|앞으로도?)[\s,]"
)
_EFFECT = re.compile(
    r"기대(된다|한다|됩니다|합니다|되며|되고|할 수)|개선될|도움이 될|도움을 줄|줄어들 것|늘어날 것|높아질 것|"
    r"낮아질 것|전망(이다|된다|입니다)|될 것으로|할 수 있을 것|기여할 것"
)
_EFFECT_WORD = re.compile(r"효과|개선|기대")  # an effect only when not the aim of a measure ("…높이기 위해")
_PURPOSE = re.compile(r"위해|위한|하고자|도록")
_BACKGROUND_STRONG = re.compile(
    r"^(그간|그동안|최근|지난해|이는|이에)\b|배경|목적|때문|필요(하다|성|가 있|하)|우려|지적|어려움|급증|"
    r"에 대응|대응하기|발맞춰"
)
_BACKGROUND_WEAK = re.compile(r"(?<!이를 )위해|(?<!이를 )위한|하고자|해소|덜기|에 따라|에 따른")
_MEASURE = re.compile(
    r"지원|운영|도입|시행|지급|설치|배치|선정|확대|개정|마련|점검|제공|신청|접수|개방|투입|편성|구성|신설|"
    r"의무화|완화|폐지|강화|배포|교체|수여|제출|조정"
)
_QUOTE = re.compile(r"[“\"].*[”\"]\s*(라고|이라고|라며|이라며|고)\s")
_NOUN_TAGS = ("NNG", "NNP", "SL", "SN")
DUPLICATE_OVERLAP = 0.75  # share of the shorter sentence's words found in another: a restatement


def _nouns(text: str) -> frozenset[str]:
    # content nouns and whole numbers: "년", "만", "건" alone would make any two figures look alike
    tokens = kiwi().tokenize(text)
    return frozenset(t.form for t in tokens if t.tag in _NOUN_TAGS and (len(t.form) > 1 or t.tag == "SN"))


def _classify(unit: Unit) -> str:
    text = unit.text
    if _QUOTE.search(text):
        return "quote"
    if _PLAN.search(text):
        return "plan"
    if _EFFECT.search(text) or (_EFFECT_WORD.search(text) and not _PURPOSE.search(text)):
        return "effect"
    if _BACKGROUND_STRONG.search(text):
        return "background"
    if _BACKGROUND_WEAK.search(text) and not unit.has_figure:
        return "background"
    if unit.has_figure or _MEASURE.search(text):
        return "detail"
    return "general"


def _without_restatements(units: list[Unit]) -> list[Unit]:
    """Each statement once: of two sentences sharing most words, the fuller one stays (at the
    earlier position, so a page's lead keeps its place)."""
    kept: list[Unit] = []
    for unit in units:
        unit.nouns = _nouns(unit.text)
        twin = next((k for k in kept if _restates(unit.nouns, k.nouns)), None)
        if twin is None:
            kept.append(unit)
        elif len(unit.nouns) > len(twin.nouns):
            twin.text, twin.nouns = unit.text, unit.nouns
    return kept


def _restates(a: frozenset[str], b: frozenset[str]) -> bool:
    if min(len(a), len(b)) < 3:
        return False
    return len(a & b) / min(len(a), len(b)) >= DUPLICATE_OVERLAP


def _join(units: list[Unit]) -> str:
    return " ".join(u.text if u.text.endswith((".", "!", "?")) else u.text + "." for u in units)


def _new_figures(row: Unit, chosen: list[Unit]) -> bool:
    """True when the row states a figure none of the chosen sentences states."""
    said = compact(" ".join(u.text for u in chosen))
    values = row.text.split(":", 1)[-1].split(",")
    return any(re.search(r"\d", v) and compact(v.split(" ")[-1]) not in said for v in values)


MAX_TEXT_CHARS = 60_000  # read per release: a press release is far shorter; a 300-page annex is cut


def _texts(record: ReleaseRecord, source: Source) -> list[str]:
    """The raw texts of the source's parts (with their blank lines, which mark paragraphs), cut
    to :data:`MAX_TEXT_CHARS` in all so a huge attachment cannot make the extract slow."""
    out: list[str] = []
    left = MAX_TEXT_CHARS
    for part in source.parts:
        if part.label == "보도자료 본문":
            text = record.body_text
        else:
            name = part.label.removeprefix("첨부: ")
            text = next((a.text for a in record.attachments if a.name == name and a.text), part.text)
        if left <= 0:
            break
        out.append(text[:left])
        left -= len(text)
    return out


def extract_summary(
    record: ReleaseRecord, source: Source, frequencies: TitleFrequencies | None = None
) -> Summary:
    """The sections made of sentences copied from ``source``; never fails (a short source gives
    short or empty sections, built without validation since an extract may hold one sentence).
    ``frequencies`` (titles of the whole run) weigh the tags; without it the release stands alone."""
    units, rows, items = summary_units(_texts(record, source), record.title, record.subtitles)
    if len(units) < 3:  # a report written in items ("…마련", "…확대"): its items are its statements
        units = sorted(units + items[: 8 - len(units)], key=lambda u: u.position)
    units = _without_restatements(units)
    classes = {id(u): _classify(u) for u in units}
    facts = [u for u in units if classes[id(u)] in ("general", "detail")]
    lead = next((u for u in units if classes[id(u)] not in ("plan", "effect", "quote")), None)

    title_nouns = _nouns(record.title)
    size = len(facts) + (lead is not None and lead not in facts)
    n_key = 1 if size <= 2 else 2 if size <= 5 else 3
    key = [lead] if lead else []
    for unit in sorted(facts, key=lambda u: (-len(title_nouns & u.nouns), u.position)):
        if len(key) >= n_key:
            break
        if unit not in key:
            key.append(unit)
    key.sort(key=lambda u: u.position)
    used = set(map(id, key))

    def take(kind: str, n: int) -> list[Unit]:
        chosen = [u for u in units if classes[id(u)] == kind and id(u) not in used][:n]
        used.update(map(id, chosen))
        return chosen

    background, effects, plans = take("background", 2), take("effect", 2), take("plan", 3)
    points = [u for u in units if classes[id(u)] in ("general", "detail") and id(u) not in used][:5]
    used.update(map(id, points))
    details = take("detail", 3)
    if not details and len(points) >= 4:  # a long release: its later measures make the details
        details = [u for u in points[3:] if classes[id(u)] == "detail"]
        points = [u for u in points if u not in details]
    if len(points) < 3:
        points += take("quote", 3 - len(points))
    chosen = key + points + background + effects + plans + details
    details += [r for r in rows if _new_figures(r, chosen)][:4]

    ministries = [record.ministry] if record.ministry else []
    body = "\n".join(part.text for part in source.parts)
    for claim in extract_names(body[:5000]):
        if claim.key not in ministries and len(ministries) < 5:
            ministries.append(claim.key)
    tag_text = " ".join(u.text for u in units) or body
    tags = pick_tags(record.title, tag_text, source.full_text, frequencies, exclude=ministries)
    category = guess_category(record.title + "\n" + body[:5000])
    return Summary.model_construct(
        headline=record.title.strip(),
        key_summary=_join(key),
        main_points=[u.text for u in sorted(points, key=lambda u: u.position)],
        background=_join(background),
        details=_join(sorted(details, key=lambda u: u.position)),
        effects=_join(effects),
        next_steps=_join(plans),
        category=category.name,
        tags=tags,
        ministries=ministries,
    )
