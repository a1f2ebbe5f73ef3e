"""The offline-extract reference set (``offline_reference.json`` beside this module) as records.

Demo releases come from ``demo/releases.json`` with their attachments generated and read back the
way collection reads them; corpus releases are real attachments from ``../shared/corpus`` (read with
:func:`briefing.extract.extract_document`), titled by hand in the reference file. Used by
``tests/test_offline_reference.py`` and ``bench/offline.py``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from briefing.extract import extract_document
from briefing.records import Attachment, ReleaseRecord
from briefing.testing.sample_documents import hwpx_bytes, pdf_bytes

ROOT = Path(__file__).resolve().parent.parent.parent
REFERENCE_FILE = Path(__file__).with_name("offline_reference.json")
DEMO_FILE = ROOT / "demo" / "releases.json"
CORPUS = ROOT.parent / "shared" / "corpus"


@dataclass
class ReferenceCase:
    """One release and what a good extract of it must and must not contain."""

    name: str
    record: ReleaseRecord
    expect: dict[str, Any] = field(default_factory=dict)


def load_reference() -> dict[str, Any]:
    return json.loads(REFERENCE_FILE.read_text(encoding="utf-8"))


def _demo_record(sample: dict[str, Any]) -> ReleaseRecord:
    specs = sample["attachments"]
    attachments = []
    for n, spec in enumerate(specs):
        source = specs[spec["same_as"]] if "same_as" in spec else spec  # a PDF/HWPX twin
        write = pdf_bytes if spec["format"] == "pdf" else hwpx_bytes
        data = write(sample["title"], source["paragraphs"], source.get("table"))
        text = extract_document(data, name=spec["name"]).text
        attachments.append(
            Attachment(
                name=spec["name"],
                url=f"https://example.invalid/{sample['id']}/{n}",
                type=spec["format"],
                text=text,
            )
        )
    month, day, rest = sample["approved"].split("/")
    year, clock = rest.split(" ")
    return ReleaseRecord(
        id=sample["id"],
        url=f"https://www.korea.kr/briefing/pressReleaseView.do?newsId={sample['id']}",
        title=sample["title"],
        published=f"{year}-{month}-{day}T{clock}+09:00",
        ministry=sample["ministry"],
        subtitles=list(sample.get("subtitles", [])),
        body_text="\n".join(sample["body"]),
        attachments=attachments,
    )


def _corpus_record(name: str, spec: dict[str, Any]) -> ReleaseRecord:
    path = CORPUS / spec["file"]
    text = extract_document(path.read_bytes(), name=path.name).text
    return ReleaseRecord(
        id=name,
        url=f"https://www.korea.kr/briefing/pressReleaseView.do?newsId={name}",
        title=spec["title"],
        published=spec["published"],
        ministry=spec["ministry"],
        body_text=spec.get("body", ""),
        attachments=[
            Attachment(
                name=path.name, url=f"https://example.invalid/{path.name}", type=path.suffix[1:], text=text
            )
        ],
    )


def demo_cases() -> list[ReferenceCase]:
    expect = load_reference()["demo"]
    samples = json.loads(DEMO_FILE.read_text(encoding="utf-8"))["releases"]
    return [ReferenceCase(s["id"], _demo_record(s), expect.get(s["id"], {})) for s in samples]


def corpus_cases() -> list[ReferenceCase]:
    """The corpus releases of the reference set; empty when ``../shared/corpus`` is absent."""
    if not CORPUS.is_dir():
        return []
    cases = []
    for name, spec in load_reference()["corpus"].items():
        if (CORPUS / spec["file"]).is_file():
            cases.append(ReferenceCase(name, _corpus_record(name, spec), spec))
    return cases


# --------------------------------------------------------------------------- the checks

SECTIONS = ("key_summary", "main_points", "background", "details", "effects", "next_steps")
# Verbal nouns that say what happened, not what a release is about: never a tag on their own.
BARE_VERBAL_NOUNS = frozenset(
    (
        "착수",
        "돌파",
        "투입",
        "신청",
        "참여",
        "대비",
        "추진",
        "지원",
        "운영",
        "개최",
        "실시",
        "확대",
        "점검",
        "발표",
    )
)
_NOUN_PARTS = frozenset(("NNG", "NNP", "NNB", "NR", "XSN", "XPN", "SL", "SN", "SH", "SO", "SP", "SW"))
_NOUN_ENDS = frozenset(("NNG", "NNP", "XSN", "SL", "SN", "NR"))


@dataclass
class Review:
    """What one extract got right and wrong against its reference entry."""

    name: str
    title_in_key: bool = False
    repeated: list[str] = field(default_factory=list)
    sections_expected: int = 0
    sections_found: int = 0
    misplaced: list[str] = field(default_factory=list)  # "next_steps: <text>" not where it belongs
    missing: list[str] = field(default_factory=list)  # "contains" text not in the extract
    present: list[str] = field(default_factory=list)  # "absent" text in the extract
    too_short: list[str] = field(default_factory=list)
    bad_tags: list[str] = field(default_factory=list)  # not in the source, not a noun, a bare verbal noun
    tags: list[str] = field(default_factory=list)
    good_tags: int = 0
    says_source_lacks: bool = False
    unfaithful: list[str] = field(default_factory=list)


def section_texts(summary: Any) -> dict[str, str]:
    texts = {name: getattr(summary, name) for name in SECTIONS}
    texts["main_points"] = "\n".join(summary.main_points)
    return texts


def summary_sentences(summary: Any) -> list[str]:
    """Every sentence (and main point) of the summary, for the repetition check."""
    from briefing.summarize.sentences import kiwi

    out: list[str] = list(summary.main_points)
    for name in SECTIONS:
        if name != "main_points" and getattr(summary, name):
            out += [s.text for s in kiwi().split_into_sents(getattr(summary, name))]
    return out


_ROW_LABEL = re.compile(r"^[^:.]{1,30}: ")  # a table row rendered as "label: values"


def _restates(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` are one statement: equal, or the shorter's 3-letter pieces mostly
    found in the longer (a page's lead restating the attachment's, in other words)."""
    if _squash(a) == _squash(b):
        return True
    # words only: figures and the header names a table's rows share do not make two rows one
    short, long = sorted((re.sub(r"[^가-힣A-Za-z]", "", a), re.sub(r"[^가-힣A-Za-z]", "", b)), key=len)
    if _ROW_LABEL.match(a) and _ROW_LABEL.match(b):
        return False
    grams = {short[i : i + 3] for i in range(len(short) - 2)}
    other = {long[i : i + 3] for i in range(len(long) - 2)}
    return len(short) >= 25 and len(grams & other) / len(grams) >= 0.6


def _squash(text: str) -> str:
    return "".join(ch for ch in text if ch.isalnum())


def tag_problem(tag: str, source_text: str) -> str:
    """Why ``tag`` is not a good tag of a release whose source is ``source_text`` ("" when it is):
    it must occur in the source, analysed there (in context) as nouns, and not be a bare verbal noun."""
    from briefing.summarize.sentences import kiwi

    text = " ".join(source_text.split())
    if tag not in text:
        return f"{tag}: not in the source"
    if tag in BARE_VERBAL_NOUNS:
        return f"{tag}: a bare verbal noun"
    tokens = kiwi().tokenize(text)
    start = text.find(tag)
    while start != -1:
        end = start + len(tag)
        inside = [t for t in tokens if t.start < end and t.start + t.len > start]
        if inside and all(t.tag in _NOUN_PARTS for t in inside) and inside[-1].tag in _NOUN_ENDS:
            return ""
        start = text.find(tag, start + 1)
    return f"{tag}: not a noun where the source uses it"


def review(case: ReferenceCase, summary: Any, source_text: str, article: str) -> Review:
    """``summary`` (an extract of ``case.record``) checked against the case's reference entry;
    ``article`` is the rendered Markdown, ``source_text`` what claims are checked against."""
    from briefing.faithfulness import check

    found = Review(case.name)
    texts = section_texts(summary)
    everything = "\n".join(texts.values())
    title = _squash(case.record.title)
    found.title_in_key = bool(summary.key_summary) and (
        title in _squash(summary.key_summary) or _squash(summary.key_summary).startswith(title[:15])
    )
    shown: list[str] = []
    for sentence in summary_sentences(summary):
        # the same sentence, or a restatement of one already shown (most of its 5-letter pieces)
        if any(_restates(sentence, earlier) for earlier in shown):
            found.repeated.append(sentence)
        shown.append(sentence)
    for section, wanted in case.expect.get("sections", {}).items():
        for text in wanted:
            found.sections_expected += 1
            if text in texts[section]:
                found.sections_found += 1
            else:
                found.misplaced.append(f"{section}: {text}")
    found.missing = [t for t in case.expect.get("contains", []) if t not in everything]
    found.present = [t for t in case.expect.get("absent", []) if t in everything]
    if len(summary.main_points) < case.expect.get("min_points", 0):
        found.too_short.append("main_points")
    if not summary.key_summary or len(summary.key_summary) < case.expect.get("min_key", 1):
        found.too_short.append("key_summary")
    found.tags = list(summary.tags)
    found.bad_tags = [p for p in (tag_problem(t, source_text) for t in summary.tags) if p]
    good = set(case.expect.get("good_tags", []))
    found.good_tags = sum(1 for t in summary.tags if t in good)
    found.says_source_lacks = "제시되지 않았" in article
    found.unfaithful = check(summary, source_text).unsupported
    return found
