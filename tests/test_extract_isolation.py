"""extract_isolated confines hostile input: a wall-clock timeout and a memory cap, never a traceback."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import pytest

from briefing.extract import ExtractError, extract_document, extract_isolated


def slow_pdf(operations: int) -> bytes:
    """A valid one-page PDF whose content stream holds ``operations`` text-showing operations.

    pypdf parses every operation in Python: 200,000 of them take seconds and over 100 MB.
    """
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    page = writer.add_blank_page(595, 842)
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    fonts = DictionaryObject({NameObject("/F1"): writer._add_object(font)})
    page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): fonts})
    content = DecodedStreamObject()
    content.set_data(b"BT /F1 12 Tf 72 700 Td " + b"(word) Tj 1 0 Td " * operations + b"ET")
    page[NameObject("/Contents")] = writer._add_object(content)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_isolated_matches_in_process(corpus: Path) -> None:
    data = (corpus / "hwp/moef-2024-06-21-fdi-2024q1.hwp").read_bytes()
    assert extract_isolated(data, name="a.hwp") == extract_document(data, name="a.hwp")


def test_isolated_returns_typed_errors(corpus: Path) -> None:
    with pytest.raises(ExtractError) as caught:
        extract_isolated((corpus / "edge/password-12345.hwp").read_bytes())
    assert caught.value.kind == "encrypted" and caught.value.doc_type == "hwp"


def test_hang_is_cut_by_the_timeout() -> None:
    data = slow_pdf(200_000)  # about 6 s of parsing on one core
    started = time.monotonic()
    with pytest.raises(ExtractError) as caught:
        extract_isolated(data, timeout=0.5, max_chars=10**9)
    assert caught.value.kind == "timeout"
    assert caught.value.doc_type == "pdf"
    assert time.monotonic() - started < 15  # generous: includes starting the fork server on a busy machine


def big_text_hwpx(paragraphs: int) -> bytes:
    """A well-formed, uncompressed HWPX (so no ratio limit fires) holding ``paragraphs`` × 1,000 syllables."""
    paragraph = "<hp:p><hp:run><hp:t>" + "가나다라마바사아자차카타파하" * 72 + "</hp:t></hp:run></hp:p>"
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<hs:sec xmlns:hs="urn:sec" xmlns:hp="http://www.hancom.co.kr/hwpml/2011/paragraph">'
        + paragraph * paragraphs
        + "</hs:sec>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("mimetype", "application/hwp+zip")
        archive.writestr("Contents/section0.xml", xml.encode("utf-8"))
    return buffer.getvalue()


def test_memory_blow_up_is_cut_by_the_cap() -> None:
    data = big_text_hwpx(30_000)  # 90 MB of XML: 30 million characters, several hundred MB to read
    started = time.monotonic()
    with pytest.raises(ExtractError) as caught:
        extract_isolated(data, timeout=120, max_chars=10**9, max_memory_mb=24)
    assert caught.value.kind == "too-large"
    assert "memory" in str(caught.value)
    assert caught.value.doc_type == "hwpx"
    assert time.monotonic() - started < 60


def test_zip_bomb_refused_fast_in_little_memory(corpus: Path) -> None:
    data = (corpus / "edge/zip-bomb-section.hwpx").read_bytes()  # 1.2 MB -> 1.15 GiB
    started = time.monotonic()
    with pytest.raises(ExtractError) as caught:
        extract_isolated(data, timeout=20, max_chars=10**9, max_memory_mb=64)
    assert caught.value.kind == "too-large"
    assert "memory" not in str(caught.value)  # refused by the archive limits, not by the cap
    assert time.monotonic() - started < 15
