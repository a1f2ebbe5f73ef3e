"""One entry point for every format: sniff the bytes, pick the reader, normalise the text."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePosixPath

from briefing.extract.errors import ExtractError
from briefing.extract.sniff import describe_other, sniff_type
from briefing.extract.text import normalize_text

DEFAULT_MAX_CHARS = 2_000_000
_EXTENSIONS = {".pdf": "pdf", ".hwp": "hwp", ".hwpx": "hwpx"}


@dataclass
class Extraction:
    """Text taken out of one attachment."""

    type: str  # "pdf" | "hwp" | "hwpx"
    text: str  # NFC, no control characters, tidy whitespace; may be "" for a blank document
    warnings: list[str] = field(default_factory=list)
    extracted_with: str = ""  # library and version, e.g. "pyhwp 0.1b15"


def extract_document(data: bytes, *, name: str = "", max_chars: int = DEFAULT_MAX_CHARS) -> Extraction:
    """Extract the text of a PDF, HWP 5 or HWPX document given as bytes.

    The format comes from the bytes only; ``name`` (the attachment's file name) serves just to
    warn when its extension disagrees. Pure and in-process: for untrusted input prefer
    :func:`briefing.extract.extract_isolated`. Raises :class:`ExtractError` on any failure.
    """
    doc_type = sniff_type(data)
    if doc_type == "pdf":
        from briefing.extract.pdf import extract_pdf_text as reader
    elif doc_type == "hwp":
        from briefing.extract.hwp import extract_hwp_text as reader
    elif doc_type == "hwpx":
        from briefing.extract.hwpx import extract_hwpx_text as reader
    else:
        kind, detail = describe_other(data)
        raise ExtractError(kind, detail, doc_type="other")

    raw, warnings, extracted_with = reader(data, max_chars=max_chars)
    text = normalize_text(raw)
    if len(text) > max_chars:
        raise ExtractError("too-large", f"text exceeds {max_chars:,} characters", doc_type=doc_type)
    if not text:
        warnings.append("the document contains no text")
    claimed = _EXTENSIONS.get(PurePosixPath(name.replace("\\", "/")).suffix.lower())
    if claimed and claimed != doc_type:
        warnings.append(f"file name says {claimed} but the content is {doc_type}")
    return Extraction(type=doc_type, text=text, warnings=warnings, extracted_with=extracted_with)
