"""HWP 5 (OLE2 compound file) text, tables and text boxes included, via pyhwp.

pyhwp (``hwp5``) opens the OLE2 storage, inflates the streams and decrypts the ViewText of
배포용 (distribution) documents. Its ``hwp5txt`` prints ``<표>`` in place of every table, and
in press releases the date, title and contact box are tables, so we walk the section record
streams ourselves: every ``HWPTAG_PARA_TEXT`` record in stream order, which is reading order and
includes the paragraphs nested in table cells, text boxes, headers and footnotes.
"""

from __future__ import annotations

import io
import logging
import re
import struct
from collections.abc import Iterator
from dataclasses import dataclass

from briefing.extract.errors import ExtractError
from briefing.extract.sniff import OLE_MAGIC

log = logging.getLogger(__name__)
# pyhwp logs every structure it compiles at INFO: one line per document in a collection run
logging.getLogger("hwp5").setLevel(logging.WARNING)

HWPTAG_PARA_TEXT = 0x10 + 51
HWPTAG_CTRL_HEADER = 0x10 + 55
HWPTAG_LIST_HEADER = 0x10 + 56
HWPTAG_TABLE = 0x10 + 61
TABLE_CONTROL_ID = b"tbl "[::-1]  # control ids are stored as little-endian 32-bit integers
MAX_STREAM_BYTES = 128 * 1024 * 1024  # inflated size of all sections together
_READ_CHUNK = 1 << 20
DISTRIBUTION_NOTICE = "상위 버전의 배포용 문서"

# PARA_TEXT is UTF-16LE in which code units 0-31 are controls. Controls 1-9, 11-12 and 14-23 take
# eight units (code, six units of parameters, code again); the others take one. Controls are found
# on the bytes, at even offsets, so parameter units that happen to look like a surrogate pair can
# never swallow the character after them.
_CONTROL_UNIT = re.compile(rb"(?=[\x00-\x1f]\x00)")
_WIDE = frozenset([*range(1, 10), 11, 12, *range(14, 24)])
_NARROW = {0x0D: "\n", 0x0A: "\n", 0x18: "-", 0x1E: " ", 0x1F: " "}
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def extract_hwp_text(data: bytes, *, max_chars: int) -> tuple[str, list[str], str]:
    """Text of an HWP 5 document: ``(raw text, warnings, extracted_with)``; raises ExtractError."""
    if not data.startswith(OLE_MAGIC):
        raise ExtractError("unsupported-format", "not an OLE2 (HWP 5) file", doc_type="hwp")
    hwp = _open(data)
    flags = hwp.header.flags
    if flags.password:
        raise ExtractError("encrypted", "HWP document is password-protected", doc_type="hwp")
    warnings: list[str] = []
    distribution = bool(flags.distributable)
    try:
        sections = hwp.viewtext if distribution else hwp.bodytext
        indexes = sections.section_indexes()
    except KeyError as exc:
        raise ExtractError("corrupt", f"HWP document has no body text ({exc})", doc_type="hwp") from exc
    if not indexes:
        raise ExtractError("corrupt", "HWP document has no sections", doc_type="hwp")
    if distribution:
        warnings.append("배포용 문서: text read from the decrypted ViewText")

    budget = MAX_STREAM_BYTES
    parts: list[str] = []
    chars = 0
    for index in indexes:
        raw = _read_section(sections, index, budget, distribution)
        budget -= len(raw)
        try:
            text = "".join(_section_pieces(raw))
        except struct.error as exc:
            raise ExtractError("corrupt", f"HWP section {index} is damaged ({exc})", doc_type="hwp") from exc
        chars += len(text)
        if chars > max_chars:
            raise ExtractError("too-large", f"HWP text exceeds {max_chars:,} characters", doc_type="hwp")
        parts.append(text)
    text = "\n".join(parts)
    if DISTRIBUTION_NOTICE in text.replace("\n", " ")[:400] and (distribution or len(text) < 1_000):
        # Only the 배포용 placeholder came out (undecryptable ViewText, or a copy that lost its
        # flag): never pass the notice off as the release.
        raise ExtractError("encrypted", "배포용 document whose body could not be decrypted", doc_type="hwp")
    return text, warnings, _extracted_with()


def _open(data: bytes):
    import olefile
    from hwp5.errors import InvalidHwp5FileError
    from hwp5.filestructure import Hwp5File
    from hwp5.storage.ole import OleStorage

    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except MemoryError:
        raise
    except Exception as exc:  # olefile raises OSError and assorted errors on damaged headers
        raise ExtractError("corrupt", f"damaged OLE2 container ({_short(exc)})", doc_type="hwp") from exc
    try:
        return Hwp5File(OleStorage(ole))
    except InvalidHwp5FileError as exc:
        raise ExtractError("unsupported-format", f"OLE2 file is not HWP 5 ({exc})", doc_type="hwp") from exc
    except MemoryError:
        raise
    except Exception as exc:
        raise ExtractError("corrupt", f"unreadable HWP header ({_short(exc)})", doc_type="hwp") from exc


def _read_section(sections, index: int, budget: int, distribution: bool) -> bytes:
    """Inflate (and for 배포용 documents decrypt) one section, refusing more than ``budget`` bytes."""
    chunks: list[bytes] = []
    total = 0
    try:
        stream = sections.section(index).open()
        while chunk := stream.read(_READ_CHUNK):
            total += len(chunk)
            if total > budget:
                raise ExtractError(
                    "too-large", f"HWP sections inflate past {MAX_STREAM_BYTES:,} bytes", doc_type="hwp"
                )
            chunks.append(chunk)
    except (ExtractError, MemoryError):
        raise
    except Exception as exc:  # zlib.error, OSError from olefile, IOError from distdoc decoding, …
        what = "decrypt" if distribution else "read"
        raise ExtractError(
            "corrupt", f"cannot {what} HWP section {index} ({_short(exc)})", doc_type="hwp"
        ) from exc
    return b"".join(chunks)


def _section_pieces(raw: bytes) -> Iterator[str]:
    """Yield the text of a section's record stream in order, tables laid out row by row.

    Every ``PARA_TEXT`` record counts, whatever its depth: paragraphs of the body, of table cells,
    text boxes, headers and notes. Cells of a table with several columns are joined on one line
    with " | ", one line per row, so a figure stays next to its label.
    """
    unpack = struct.unpack_from
    end = len(raw)
    pos = 0
    tables: list[_Table] = []  # the tables we are inside, innermost last
    while pos + 4 <= end:
        (header,) = unpack("<I", raw, pos)
        pos += 4
        tag, level, size = header & 0x3FF, (header >> 10) & 0x3FF, header >> 20
        if size == 0xFFF:
            (size,) = unpack("<I", raw, pos)
            pos += 4
        if pos + size > end:
            raise struct.error(f"record at byte {pos} runs past the end of the stream")
        while tables and level <= tables[-1].level:  # a record beside the table control: table over
            tables.pop()
            yield "\n"
        if tag == HWPTAG_PARA_TEXT:
            table = tables[-1] if tables else None
            in_row = table is not None and table.columns > 1 and level == table.level + 2
            yield _decode_para_text(raw[pos : pos + size])
            yield " " if in_row else "\n"
        elif tag == HWPTAG_CTRL_HEADER and raw[pos : pos + 4] == TABLE_CONTROL_ID:
            tables.append(_Table(level))
        elif tables and level == tables[-1].level + 1:
            table = tables[-1]
            if tag == HWPTAG_TABLE and size >= 8:
                (table.columns,) = unpack("<H", raw, pos + 6)
            elif tag == HWPTAG_LIST_HEADER and size >= 12:  # a cell: its row is at byte 10
                (row,) = unpack("<H", raw, pos + 10)
                if table.row is not None and table.columns > 1:
                    yield " | " if row == table.row else "\n"
                table.row = row
        pos += size


@dataclass
class _Table:
    level: int  # record level of the table's CTRL_HEADER
    columns: int = 0
    row: int | None = None  # row of the cell being read


def _decode_para_text(payload: bytes) -> str:
    size = len(payload) & ~1
    pieces: list[str] = []
    pos = 0
    for match in _CONTROL_UNIT.finditer(payload, 0, size):
        at = match.start()
        if at < pos or at & 1:
            continue  # inside a control's parameters, or straddling two code units
        pieces.append(payload[pos:at].decode("utf-16-le", "surrogatepass"))
        code = payload[at]
        if code in _WIDE:
            pos = at + 16
            if code == 9:
                pieces.append("\t")
        else:
            pos = at + 2
            pieces.append(_NARROW.get(code, ""))
    if pos < size:
        pieces.append(payload[pos:size].decode("utf-16-le", "surrogatepass"))
    return _SURROGATE.sub("", "".join(pieces)).strip("\n")


def _short(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:200]


def _extracted_with() -> str:
    import hwp5

    return f"pyhwp {getattr(hwp5, '__version__', '?')}"
