"""Attachment text extraction: bytes in, text out.

Public interface (used by :mod:`briefing.collect`, tests and ``bench/extract.py``):

- ``sniff_type(data) -> "pdf" | "hwp" | "hwpx" | "other"`` from the bytes, never the file name.
- ``extract_document(data, name="", max_chars=...) -> Extraction`` or raises :class:`ExtractError`.
- ``extract_isolated(data, name="", timeout=..., max_chars=...)`` the same in a child process with
  a time and memory cap, so a hostile file can neither hang nor exhaust the run.
"""
