"""Small, valid PDF and HWPX documents written from Korean text — for the demo and end-to-end runs.

Real press releases come as PDF and HWP/HWPX attachments; the demo (``make demo``) and ``make e2e``
need such files without shipping anyone's documents. These writers make them from plain text:

- PDF 1.7 with the non-embedded CID font ``HYSMyeongJo-Medium`` (Adobe-Korea1, ``UniKS-UCS2-H``),
  one of the standard Asian fonts every PDF viewer substitutes, plus a ``ToUnicode`` map so that
  text extraction (pypdf, pdftotext) gives the Hangul back.
- HWPX (OWPML): a zip whose first entry is the uncompressed ``mimetype`` ``application/hwp+zip``,
  with ``META-INF/container.xml``, ``Contents/content.hpf`` and ``Contents/section0.xml`` holding
  paragraphs and a table. Minimal: enough for any OWPML reader's text, not Hancom's full styling.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from xml.sax.saxutils import escape

FONT = "HYSMyeongJo-Medium"
PAGE_WIDTH, PAGE_HEIGHT = 595, 842  # A4 in points
MARGIN = 56
FONT_SIZE = 11
LEADING = 16

Table = Sequence[Sequence[str]]


def _em(char: str) -> float:
    """Advance of a character in em: full width for Hangul and CJK, half for the rest."""
    return 0.5 if ord(char) < 0x1100 else 1.0


def _wrap(text: str, width_em: float) -> list[str]:
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line, used = "", 0.0
        for word in paragraph.split(" "):
            piece = (" " if line else "") + word
            size = sum(_em(c) for c in piece)
            if line and used + size > width_em:
                lines.append(line)
                line, used = word, sum(_em(c) for c in word)
            else:
                line, used = line + piece, used + size
        lines.append(line)
    return lines


def _bmp(text: str) -> str:
    return "".join(c if ord(c) <= 0xFFFF else "?" for c in text)


def pdf_bytes(title: str, paragraphs: Sequence[str], table: Table | None = None) -> bytes:
    """A PDF of ``title``, ``paragraphs`` and an optional ``table`` (rows of cells, shown as lines)."""
    lines = [_bmp(title), ""]
    width_em = (PAGE_WIDTH - 2 * MARGIN) / FONT_SIZE
    for paragraph in paragraphs:
        lines += [*_wrap(_bmp(paragraph), width_em), ""]
    for row in table or ():
        lines += _wrap(_bmp("  |  ".join(row)), width_em)
    per_page = (PAGE_HEIGHT - 2 * MARGIN) // LEADING
    pages = [lines[i : i + per_page] for i in range(0, len(lines), per_page)] or [[]]
    used = sorted({ord(c) for line in lines for c in line})

    objects: list[bytes] = []  # object n is objects[n - 1]

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog = add(b"")  # filled in below
    pages_id = add(b"")
    cmap = _to_unicode(used)
    to_unicode = add(b"<< /Length %d >>\nstream\n" % len(cmap) + cmap + b"\nendstream")
    descriptor = add(
        b"<< /Type /FontDescriptor /FontName /%s /Flags 6 /FontBBox [0 -148 1000 880] /ItalicAngle 0"
        b" /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>" % FONT.encode()
    )
    cid_font = add(
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /%s /CIDSystemInfo << /Registry (Adobe)"
        b" /Ordering (Korea1) /Supplement 1 >> /FontDescriptor %d 0 R /DW 1000 /W [1 95 500] >>"
        % (FONT.encode(), descriptor)
    )
    font = add(
        b"<< /Type /Font /Subtype /Type0 /BaseFont /%s /Encoding /UniKS-UCS2-H"
        b" /DescendantFonts [%d 0 R] /ToUnicode %d 0 R >>" % (FONT.encode(), cid_font, to_unicode)
    )
    page_ids = []
    for page_lines in pages:
        ops = [
            b"BT",
            b"/F1 %d Tf" % FONT_SIZE,
            b"%d TL" % LEADING,
            b"%d %d Td" % (MARGIN, PAGE_HEIGHT - MARGIN),
        ]
        for line in page_lines:
            ops.append(b"<%s> Tj T*" % line.encode("utf-16-be").hex().upper().encode())
        ops.append(b"ET")
        stream = b"\n".join(ops)
        content = add(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        page_ids.append(
            add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %d %d] /Contents %d 0 R"
                b" /Resources << /Font << /F1 %d 0 R >> >> >>"
                % (pages_id, PAGE_WIDTH, PAGE_HEIGHT, content, font)
            )
        )
    kids = b" ".join(b"%d 0 R" % n for n in page_ids)
    objects[pages_id - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(page_ids))
    info = add(
        b"<< /Title <FEFF%s> /Producer (briefing sample_documents) >>"
        % title.encode("utf-16-be").hex().encode()
    )
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R /Lang (ko-KR) >>" % pages_id

    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
        % (len(objects) + 1, catalog, info, xref)
    )
    return out.getvalue()


def _to_unicode(code_points: Sequence[int]) -> bytes:
    """A ToUnicode CMap mapping each 2-byte code (UCS-2, as UniKS-UCS2-H uses) to itself."""
    parts = [
        b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap",
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        b"/CMapName /Adobe-Identity-UCS def /CMapType 2 def",
        b"1 begincodespacerange <0000> <FFFF> endcodespacerange",
    ]
    for start in range(0, len(code_points), 100):
        chunk = code_points[start : start + 100]
        parts.append(b"%d beginbfchar" % len(chunk))
        parts += [b"<%04X> <%04X>" % (cp, cp) for cp in chunk]
        parts.append(b"endbfchar")
    parts.append(b"endcmap CMapName currentdict /CMap defineresource pop end end")
    return b"\n".join(parts)


_NS = (
    'xmlns:hp="http://www.hancom.co.kr/hwpml/2011/paragraph" '
    'xmlns:hs="http://www.hancom.co.kr/hwpml/2011/section" '
    'xmlns:hc="http://www.hancom.co.kr/hwpml/2011/core"'
)


def _paragraph(text: str, number: int) -> str:
    return (
        f'<hp:p id="{number}" paraPrIDRef="0" styleIDRef="0" pageBreak="0" columnBreak="0" merged="0">'
        f'<hp:run charPrIDRef="0"><hp:t>{escape(text)}</hp:t></hp:run></hp:p>'
    )


def hwpx_bytes(title: str, paragraphs: Sequence[str], table: Table | None = None) -> bytes:
    """An HWPX (OWPML zip) of ``title``, ``paragraphs`` and an optional ``table``."""
    body = [_paragraph(title, 0)] + [_paragraph(p, n) for n, p in enumerate(paragraphs, start=1)]
    if table:
        rows = []
        for r, row in enumerate(table):
            cells = "".join(
                f'<hp:tc><hp:subList vertAlign="CENTER">{_paragraph(cell, 1000 + r * 50 + c)}</hp:subList>'
                f'<hp:cellAddr colAddr="{c}" rowAddr="{r}"/></hp:tc>'
                for c, cell in enumerate(row)
            )
            rows.append(f"<hp:tr>{cells}</hp:tr>")
        cols = max(len(row) for row in table)
        body.append(
            '<hp:p id="999" paraPrIDRef="0" styleIDRef="0"><hp:run charPrIDRef="0">'
            f'<hp:tbl id="1" rowCnt="{len(table)}" colCnt="{cols}">{"".join(rows)}</hp:tbl>'
            "</hp:run></hp:p>"
        )
    section = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes" ?><hs:sec {_NS}>{"".join(body)}</hs:sec>'
    )
    container = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes" ?>'
        '<ocf:container xmlns:ocf="urn:oasis:names:tc:opendocument:xmlns:container"><ocf:rootfiles>'
        '<ocf:rootfile full-path="Contents/content.hpf" media-type="application/hwpml-package+xml"/>'
        "</ocf:rootfiles></ocf:container>"
    )
    package = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes" ?>'
        '<opf:package xmlns:opf="http://www.idpf.org/2007/opf/" version="" unique-identifier="" id="">'
        f"<opf:metadata><opf:title>{escape(title)}</opf:title><opf:language>ko</opf:language></opf:metadata>"
        '<opf:manifest><opf:item id="section0" href="Contents/section0.xml" media-type="application/xml"/>'
        '</opf:manifest><opf:spine><opf:itemref idref="section0" linear="yes"/></opf:spine></opf:package>'
    )
    version = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes" ?>'
        '<hv:HCFVersion xmlns:hv="http://www.hancom.co.kr/hwpml/2011/version" tagetApplication="WORDPROCESSOR"'
        ' major="5" minor="1" micro="0" buildNumber="1" os="1" xmlVersion="1.4" application="briefing"/>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/hwp+zip")  # first, stored
        archive.writestr(zipfile.ZipInfo("version.xml"), version)
        deflated = zipfile.ZIP_DEFLATED
        archive.writestr("META-INF/container.xml", container, compress_type=deflated)
        archive.writestr("Contents/content.hpf", package, compress_type=deflated)
        archive.writestr("Contents/section0.xml", section, compress_type=deflated)
        archive.writestr(
            "Preview/PrvText.txt", "\n".join([title, *paragraphs])[:1000], compress_type=deflated
        )
    return out.getvalue()
