"""Sniffing, normalisation and the readers' handling of synthetic good and hostile documents."""

from __future__ import annotations

import io
import unicodedata
import zipfile

import pytest

from briefing.extract import ExtractError, extract_document, join_letter_spaced, normalize_text, sniff_type

HP = "http://www.hancom.co.kr/hwpml/2011/paragraph"


def make_hwpx(section_xml: str | bytes, *, extra: dict[str, bytes] | None = None, sections: int = 1) -> bytes:
    """A minimal HWPX: mimetype first and stored, then ``sections`` copies of the section part."""
    body = section_xml.encode("utf-8") if isinstance(section_xml, str) else section_xml
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/hwp+zip", compress_type=zipfile.ZIP_STORED)
        for index in range(sections):
            archive.writestr(f"Contents/section{index}.xml", body)
        for name, payload in (extra or {}).items():
            archive.writestr(name, payload)
    return buffer.getvalue()


def section(*paragraphs: str) -> str:
    return f'<?xml version="1.0" encoding="UTF-8"?><hs:sec xmlns:hs="urn:sec" xmlns:hp="{HP}">{"".join(paragraphs)}</hs:sec>'


def para(inner: str) -> str:
    return f"<hp:p><hp:run>{inner}</hp:run></hp:p>"


# --- sniffing ---------------------------------------------------------------------------------


def test_sniff_by_magic_bytes() -> None:
    assert sniff_type(b"%PDF-1.7\n...") == "pdf"
    assert sniff_type(b"\r\n%PDF-1.4 junk before the header is allowed") == "pdf"
    assert sniff_type(make_hwpx(section(para("<hp:t>가</hp:t>")))) == "hwpx"
    assert sniff_type(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600 + b"HWP Document File\0") == "hwp"
    # OLE2 without the HWP signature (a .doc) and a zip without HWPX parts (a .docx) are not ours.
    assert sniff_type(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600) == "other"
    docx = io.BytesIO()
    with zipfile.ZipFile(docx, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    assert sniff_type(docx.getvalue()) == "other"
    assert sniff_type(b"HWP Document File V3.00 \x1a\x01\x02") == "other"
    assert sniff_type(b"<!DOCTYPE html><title>404</title>") == "other"
    assert sniff_type(b"") == "other"


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"", "empty-file"),
        (b"HWP Document File V3.00 \x1a\x01\x02\x03\x04\x05", "unsupported-format"),
        (b"<html><body>\xec\x98\xa4\xeb\xa5\x98</body></html>", "not-a-document"),
        (b"version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 1\n", "not-a-document"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "unsupported-format"),
    ],
)
def test_non_documents_get_their_category(data: bytes, kind: str) -> None:
    with pytest.raises(ExtractError) as caught:
        extract_document(data, name="보도자료.hwp")
    assert caught.value.kind == kind
    assert caught.value.doc_type == "other"


# --- normalisation ----------------------------------------------------------------------------


def test_letter_spaced_headings_are_joined() -> None:
    assert join_letter_spaced("통 합 재 정 통 계") == "통합재정통계"
    assert join_letter_spaced("□ 통 합 재 정 현황") == "□ 통합재정 현황"
    assert join_letter_spaced("5) 순 융 자 : 융자지출") == "5) 순융자 : 융자지출"


@pytest.mark.parametrize(
    "sentence",
    [
        "할 수 있는 일 중 하나",
        "그 중 약 3개 기관이 참여",
        "기 업 특별회계",
        "이 안 은 2025년 시행",  # a two-syllable token ends the run
        "A B C D 등급",
    ],
)
def test_normal_words_are_not_glued(sentence: str) -> None:
    assert join_letter_spaced(sentence) == sentence


def test_normalize_text() -> None:
    decomposed = unicodedata.normalize("NFD", "한글 보도자료")
    messy = f"  {decomposed}\x00\x07\u200b\t\t제목\r\n\r\n\r\n\r\n본문\u3000끝 \x1f\n"
    assert normalize_text(messy) == "한글 보도자료 제목\n\n본문 끝"


# --- HWPX ---------------------------------------------------------------------------------------


def test_hwpx_reads_paragraphs_tables_and_breaks_in_order() -> None:
    table = (
        '<hp:tbl rowCnt="1" colCnt="2"><hp:tr>'
        "<hp:tc><hp:subList><hp:p><hp:run><hp:t>보도시점</hp:t></hp:run></hp:p></hp:subList></hp:tc>"
        "<hp:tc><hp:subList><hp:p><hp:run><hp:t>2025. 9. 3.(수) 12:00</hp:t></hp:run></hp:p></hp:subList></hp:tc>"
        "</hp:tr></hp:tbl>"
    )
    xml = section(
        para("<hp:t>첫 문단</hp:t>"),
        para(table),
        para("<hp:t>줄<hp:lineBreak/>바꿈<hp:tab/>탭</hp:t>"),
    )
    result = extract_document(make_hwpx(xml), name="a.hwpx")
    assert result.type == "hwpx"
    # A row of a multi-column table is one line; the paragraph holding the table ends with a blank line.
    assert result.text == "첫 문단\n보도시점 | 2025. 9. 3.(수) 12:00\n\n줄\n바꿈 탭"


def test_hwpx_sections_in_numeric_order() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/hwp+zip")
        for index in (10, 2, 0, 1):
            archive.writestr(f"Contents/section{index}.xml", section(para(f"<hp:t>구역{index}</hp:t>")))
    assert extract_document(buffer.getvalue()).text.split("\n") == ["구역0", "구역1", "구역2", "구역10"]


def test_hwpx_entity_expansion_is_refused() -> None:
    doctype = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY lol "웃음웃음웃음웃음">]>'
    xml = (
        doctype
        + f'<hs:sec xmlns:hs="urn:sec" xmlns:hp="{HP}">'
        + para("<hp:t>&lol;&lol;</hp:t>")
        + "</hs:sec>"
    )
    with pytest.raises(ExtractError) as caught:
        extract_document(make_hwpx(xml))
    assert caught.value.kind == "corrupt"


@pytest.mark.parametrize(
    "bad_name",
    ["../../evil.txt", "/etc/cron.d/evil", "..\\..\\evil.txt", "BinData/../../evil", "C:/Windows/evil"],
)
def test_hwpx_unsafe_member_names_refuse_the_archive(bad_name: str) -> None:
    data = make_hwpx(section(para("<hp:t>본문</hp:t>")), extra={bad_name: b"x"})
    with pytest.raises(ExtractError) as caught:
        extract_document(data)
    assert caught.value.kind == "unsafe-path"


def test_hwpx_bomb_by_ratio_is_refused() -> None:
    bomb = section(para("<hp:t>" + "가" * 2_000_000 + "</hp:t>"))  # 6 MB that deflates ~1000:1
    with pytest.raises(ExtractError) as caught:
        extract_document(make_hwpx(bomb), max_chars=10**9)
    assert caught.value.kind == "too-large"
    assert "ratio" in str(caught.value)


def test_hwpx_too_many_entries_is_refused() -> None:
    data = make_hwpx(
        section(para("<hp:t>본문</hp:t>")), extra={f"BinData/{i}.bin": b"" for i in range(6_000)}
    )
    with pytest.raises(ExtractError) as caught:
        extract_document(data)
    assert caught.value.kind == "too-large"
    assert "entries" in str(caught.value)


def test_hwpx_encrypted_manifest() -> None:
    manifest = b'<odf:manifest xmlns:odf="urn:m"><odf:file-entry full-path="Contents/section0.xml"><odf:encryption-data/></odf:file-entry></odf:manifest>'
    data = make_hwpx(b"\x8f\x12 not xml", extra={"META-INF/manifest.xml": manifest})
    with pytest.raises(ExtractError) as caught:
        extract_document(data)
    assert caught.value.kind == "encrypted"


def test_text_longer_than_max_chars_is_refused() -> None:
    data = make_hwpx(section(*(para(f"<hp:t>문단 {i} 내용입니다</hp:t>") for i in range(2_000))))
    assert len(extract_document(data).text) > 10_000
    with pytest.raises(ExtractError) as caught:
        extract_document(data, max_chars=10_000)
    assert caught.value.kind == "too-large"


def test_truncated_hwpx_is_corrupt() -> None:
    data = make_hwpx(section(*(para(f"<hp:t>문단 {i}</hp:t>") for i in range(500))))
    with pytest.raises(ExtractError) as caught:
        extract_document(data[: len(data) // 2])
    assert caught.value.kind == "corrupt"


# --- PDF ----------------------------------------------------------------------------------------


def test_pdf_content_filter_keeps_text_operations_only() -> None:
    from briefing.extract.pdf import text_operations

    content = (
        b"q 0.12 0 0 -0.12 0 841 cm 0 G 1 w 10 10 m 20 20 l S\n"
        b"/Span <</ActualText (BT fake ET)>> BDC EMC\n"
        b"BI /W 2 /H 1 /BPC 8 /CS /G ID \x00BT\xff EI\n"
        b"/F1 9 Tf\n"
        b"BT /F1 12 Tf 1 0 0 -1 72 700 Tm (a string with ET inside) Tj [<0041>-3<0042>] TJ ET\n"
        b"/Fm1 Do 5 5 200 100 re f Q"
    )
    assert text_operations(content) == (
        b"q\n0.12 0 0 -0.12 0 841 cm\n/F1 9 Tf\n"
        b"BT /F1 12 Tf 1 0 0 -1 72 700 Tm (a string with ET inside) Tj [<0041>-3<0042>] TJ ET\n"
        b"/Fm1 Do\nQ"
    )


@pytest.mark.parametrize(
    "path", ["pdf/moef-2010-11-integrated-fiscal-stats.pdf", "pdf/kwater-2026-01-30-bonghwa-dam-safety.pdf"]
)
def test_pdf_content_filter_changes_no_text(corpus, path: str) -> None:
    """Real Hancom pages read the same whether every page is filtered or none is."""
    import briefing.extract.pdf as pdf

    data = (corpus / path).read_bytes()
    saved = pdf.FILTER_ABOVE
    try:
        pdf.FILTER_ABOVE = -1
        filtered = pdf.extract_pdf_text(data, max_chars=10**7)[0]
        pdf.FILTER_ABOVE = 1 << 62
        unfiltered = pdf.extract_pdf_text(data, max_chars=10**7)[0]
    finally:
        pdf.FILTER_ABOVE = saved
    assert len(filtered) > 500
    assert filtered == unfiltered


# --- HWP ----------------------------------------------------------------------------------------


def test_hwp_para_text_controls() -> None:
    """Eight-unit controls are skipped whole, even when their parameters look like a surrogate pair."""
    import struct

    from briefing.extract.hwp import _decode_para_text

    def units(*values: int) -> bytes:
        return struct.pack(f"<{len(values)}H", *values)

    table = units(0x0B, *b"tbl "[::-1][:2], 0xD800, 0xDC00, 0x0000, 0x0000, 0x0B)  # code, 6 params, code
    tab = units(0x09, 0, 0, 0, 0, 0, 0, 0x09)
    payload = "보도".encode("utf-16-le") + table + "자료".encode("utf-16-le") + tab + "끝".encode("utf-16-le")
    assert _decode_para_text(payload + units(0x0D)) == "보도자료\t끝"
    # A lone surrogate from a damaged file is dropped, not passed on.
    assert _decode_para_text("가".encode("utf-16-le") + units(0xD800) + units(0x0D)) == "가"


def test_hwp_tables_are_laid_out_by_row() -> None:
    """Records of a 2×2 table (levels as Hancom writes them) come out one row per line."""
    import struct

    from briefing.extract.hwp import _section_pieces

    def record(tag: int, level: int, payload: bytes) -> bytes:
        return struct.pack("<I", tag | level << 10 | len(payload) << 20) + payload

    def paragraph(level: int, text: str) -> bytes:
        return record(0x42, level, b"\0" * 22) + record(0x43, level + 1, (text + "\r").encode("utf-16-le"))

    def cell(column: int, row: int, *texts: str) -> bytes:
        header = record(0x48, 2, struct.pack("<HHIHH", len(texts), 0, 0, column, row) + b"\0" * 20)
        return header + b"".join(paragraph(2, text) for text in texts)

    stream = (
        paragraph(0, "머리말")
        + record(0x47, 1, b"tbl "[::-1] + b"\0" * 40)
        + record(0x4D, 2, struct.pack("<IHH", 0, 2, 2) + b"\0" * 10)
        + cell(0, 0, "구분")
        + cell(1, 0, "2024년")
        + cell(0, 1, "수출액")
        + cell(1, 1, "5억", "달러")
        + paragraph(0, "맺음말")
    )
    text = normalize_text("".join(_section_pieces(stream)))
    assert text == "머리말\n구분 | 2024년\n수출액 | 5억 달러\n맺음말"
