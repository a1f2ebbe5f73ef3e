"""The releases of the offline-extract reference set (``tests/offline_reference.json``) as records.

Demo releases come from ``demo/releases.json`` with their attachments generated and read back the
way collection reads them; corpus releases are real attachments from ``../shared/corpus`` (read with
:func:`briefing.extract.extract_document`), titled by hand in the reference file. Used by
``tests/test_offline_reference.py`` and ``bench/offline.py``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from briefing.extract import extract_document
from briefing.records import Attachment, ReleaseRecord
from briefing.sample_documents import hwpx_bytes, pdf_bytes

ROOT = Path(__file__).resolve().parent.parent
REFERENCE_FILE = ROOT / "tests" / "offline_reference.json"
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
            Attachment(name=spec["name"], url=f"https://example.invalid/{sample['id']}/{n}", type=spec["format"], text=text)
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
        attachments=[Attachment(name=path.name, url=f"https://example.invalid/{path.name}", type=path.suffix[1:], text=text)],
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
