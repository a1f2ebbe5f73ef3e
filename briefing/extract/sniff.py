"""Which document format a download really is, judged from its bytes alone.

File names and ``Content-Type`` headers lie (an HTML error page saved as ``.hwp``, an HWPX named
``.hwp``), so only magic bytes count.
"""

from __future__ import annotations

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
HWP3_MAGIC = b"HWP Document File V3"
HWP5_SIGNATURE = b"HWP Document File\x00"  # start of the FileHeader stream inside the OLE file
HWPX_MIMETYPE = b"application/hwp+zip"
HWPX_SECTION = b"Contents/section"
PDF_MAGIC = b"%PDF-"
PDF_HEAD_WINDOW = 1024  # PDF readers accept junk before the header within the first KiB


def sniff_type(data: bytes) -> str:
    """Return ``"pdf"``, ``"hwp"`` (HWP 5, OLE2), ``"hwpx"`` (OWPML zip) or ``"other"``.

    An OLE2 file counts as HWP only when it carries the HWP 5 FileHeader signature (so a ``.doc``
    is ``other``); a zip counts as HWPX when it names the HWPX mimetype or a
    ``Contents/section*.xml`` member (so a ``.docx`` is ``other``).
    """
    if data.startswith(OLE_MAGIC):
        return "hwp" if HWP5_SIGNATURE in data else "other"
    if data.startswith(ZIP_MAGIC):
        return "hwpx" if HWPX_MIMETYPE in data[:4096] or HWPX_SECTION in data else "other"
    if PDF_MAGIC in data[:PDF_HEAD_WINDOW]:
        return "pdf"
    return "other"


def describe_other(data: bytes) -> tuple[str, str]:
    """Error kind and detail for bytes that are none of the supported formats."""
    if not data:
        return "empty-file", "the file is empty (0 bytes)"
    if data.startswith(HWP3_MAGIC):
        return "unsupported-format", "HWP 3.0 document; only HWP 5, HWPX and PDF can be read"
    if data.startswith(OLE_MAGIC):
        return "unsupported-format", "OLE2 file that is not an HWP 5 document (e.g. a .doc or .xls)"
    if data.startswith(ZIP_MAGIC):
        return "unsupported-format", "zip archive that is not an HWPX document (e.g. .docx or .odt)"
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"version https://git-lfs"):
        return "not-a-document", "a Git LFS pointer, not the document itself"
    if head.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<?xml", b"<")):
        return "not-a-document", "an HTML/XML page (probably an error page served instead of the file)"
    if _looks_like_text(data[:4096]):
        return "not-a-document", "plain text, not a document"
    return "unsupported-format", f"unknown format (starts with {data[:8].hex(' ')})"


def _looks_like_text(head: bytes) -> bool:
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        # A cut in the middle of a multi-byte character at the end is still text.
        try:
            text = head[:-3].decode("utf-8")
        except UnicodeDecodeError:
            return False
    printable = sum(ch.isprintable() or ch in "\r\n\t" for ch in text)
    return printable >= 0.95 * max(len(text), 1)
