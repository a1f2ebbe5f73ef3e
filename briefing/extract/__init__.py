"""Attachment text extraction: bytes in, text out.

Public interface (used by the collector, tests and ``bench/extract.py``):

- ``sniff_type(data) -> "pdf" | "hwp" | "hwpx" | "other"`` from the bytes, never the file name.
- ``extract_document(data, name="", max_chars=...) -> Extraction`` or raises :class:`ExtractError`.
- ``extract_isolated(data, name="", timeout=..., max_chars=..., max_memory_mb=...)`` the same in a
  child process with a time and memory cap, so a hostile file can neither hang nor exhaust the run.

One module per job: ``sniff`` (format from magic bytes), ``text`` (normalisation), ``pdf``,
``hwp``, ``hwpx`` (one reader each), ``document`` (dispatch), ``isolated`` (child process),
``errors`` (the typed error).
"""

from briefing.extract.document import Extraction, extract_document
from briefing.extract.errors import KINDS, ExtractError
from briefing.extract.isolated import extract_isolated
from briefing.extract.sniff import sniff_type
from briefing.extract.text import join_letter_spaced, normalize_text

__all__ = [
    "KINDS",
    "ExtractError",
    "Extraction",
    "extract_document",
    "extract_isolated",
    "join_letter_spaced",
    "normalize_text",
    "sniff_type",
]
