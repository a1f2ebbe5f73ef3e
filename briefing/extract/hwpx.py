"""HWPX (OWPML: a zip of XML parts) text, tables and text boxes included, with hard limits.

An HWPX file is attacker-controlled input: a zip whose members may inflate a thousandfold or be
named ``../../etc/…``. So the archive is checked before anything is inflated (entry count, member
names, declared sizes and ratios), each part is inflated as a stream with a running cap that does
not trust the headers, and the XML is parsed by defusedxml (no DTDs, no entity expansion). Nothing
is ever written to disk.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
from collections.abc import Iterator
from xml.etree.ElementTree import ParseError

from briefing.extract.errors import ExtractError

MAX_ENTRIES = 5_000
MAX_TOTAL_BYTES = 256 * 1024 * 1024  # inflated bytes read from the archive, all parts together
MAX_RATIO = 100  # inflated / compressed, per member (checked once a member exceeds RATIO_FLOOR)
RATIO_FLOOR = 1024 * 1024
_CHUNK = 256 * 1024

_SECTION = re.compile(r"Contents/section(\d+)\.xml")
_PARAGRAPH_NS = "/hwpml/"  # hp: namespaces are http://www.hancom.co.kr/hwpml/20xx/paragraph
# Inline elements inside <hp:t> that stand for characters.
_INLINE = {"tab": "\t", "lineBreak": "\n", "nbSpace": " ", "fwSpace": " ", "hyphen": "-"}


def extract_hwpx_text(data: bytes, *, max_chars: int) -> tuple[str, list[str], str]:
    """Text of an HWPX document: ``(raw text, warnings, extracted_with)``; raises ExtractError."""
    _check_entry_count(data)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise _error("corrupt", f"damaged zip container ({exc})") from exc
    except NotImplementedError as exc:  # zip features the standard library cannot read
        raise _error("unsupported-format", f"zip container uses an unsupported feature ({exc})") from exc
    if len(members) > MAX_ENTRIES:
        raise _error("too-large", f"zip has {len(members):,} entries (limit {MAX_ENTRIES:,})")
    for member in members:
        if _unsafe_name(member.filename):
            raise _error("unsafe-path", f"zip member name escapes the archive: {member.filename!r}")

    budget = _Budget(MAX_TOTAL_BYTES)
    names = {member.filename: member for member in members}
    manifest = names.get("META-INF/manifest.xml")
    if manifest is not None and b"encryption-data" in _read_member(archive, manifest, budget):
        raise _error("encrypted", "HWPX document is password-protected (manifest has encryption-data)")
    if any(member.flag_bits & 0x1 for member in members):
        raise _error("encrypted", "zip members are encrypted")

    sections = sorted(
        (
            (int(match.group(1)), member)
            for member in members
            if (match := _SECTION.fullmatch(member.filename))
        ),
        key=lambda pair: pair[0],
    )
    if not sections:
        raise _error("corrupt", "HWPX archive has no Contents/section*.xml")

    parts: list[str] = []
    chars = 0
    for index, member in sections:
        _check_declared(member, budget)
        try:
            stream = _CappedReader(archive.open(member), member, budget)
            text = "".join(_section_text(stream))
        except (ExtractError, MemoryError):
            raise
        except ParseError as exc:
            raise _error("corrupt", f"section{index}.xml is not well-formed XML ({exc})") from exc
        except Exception as exc:
            # defusedxml's EntitiesForbidden/DTDForbidden, zlib.error, BadZipFile (bad CRC), …
            raise _error("corrupt", f"cannot read section{index}.xml ({type(exc).__name__}: {exc})") from exc
        chars += len(text)
        if chars > max_chars:
            raise _error("too-large", f"HWPX text exceeds {max_chars:,} characters")
        parts.append(text.strip("\n"))
    return "\n".join(parts), [], _extracted_with()


def _section_text(stream: io.RawIOBase) -> Iterator[str]:
    """Yield the text of one section part in document order: paragraphs, cells, text boxes.

    Cells of a table with several columns are joined on one line with " | ", one line per row,
    so a figure stays next to its label (as the HWP reader does).
    """
    from defusedxml.ElementTree import iterparse

    tables: list[list[int]] = []  # open tables, innermost last: [columns, cells so far in this row]
    in_row: list[bool] = []  # open hp:subList containers: True for a cell of a multi-column table
    opening_cell = False
    for event, element in iterparse(stream, events=("start", "end"), forbid_dtd=True):
        namespace, _, local = element.tag.rpartition("}")
        if _PARAGRAPH_NS not in namespace:
            continue
        if event == "start":
            if local == "tbl":
                tables.append([_count(element.get("colCnt")), 0])
            elif local == "tr" and tables:
                tables[-1][1] = 0
            elif local == "tc" and tables:
                columns, cells = tables[-1]
                if columns > 1 and cells:
                    yield " | "
                tables[-1][1] += 1
                opening_cell = columns > 1
            elif local == "subList":
                in_row.append(opening_cell)
                opening_cell = False
        elif local == "t":
            pieces = [element.text or ""]
            for child in element:
                pieces.append(_INLINE.get(child.tag.rpartition("}")[2], ""))
                pieces.append(child.tail or "")
            yield "".join(pieces)
            element.clear()
        elif local == "p":
            yield " " if in_row and in_row[-1] else "\n"
            element.clear()  # keep memory flat on long documents
        elif local == "subList" and in_row:
            in_row.pop()
        elif local == "tr" and tables and tables[-1][0] > 1:
            yield "\n"
        elif local == "tbl" and tables:
            tables.pop()


def _count(value: str | None) -> int:
    try:
        return int(value or 0)
    except ValueError:
        return 0


class _Budget:
    """Inflated bytes still allowed for the whole archive."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.left = limit

    def take(self, count: int) -> None:
        self.left -= count
        if self.left < 0:
            raise _error("too-large", f"HWPX parts inflate past {self.limit:,} bytes")


class _CappedReader(io.RawIOBase):
    """A member stream that stops at the budget and at the ratio cap, whatever the headers say."""

    def __init__(self, raw: zipfile.ZipExtFile, member: zipfile.ZipInfo, budget: _Budget) -> None:
        self.raw = raw
        self.member = member
        self.budget = budget
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        chunk = self.raw.read(min(len(buffer), _CHUNK))
        self.count += len(chunk)
        self.budget.take(len(chunk))
        if self.count > RATIO_FLOOR and self.count > MAX_RATIO * max(self.member.compress_size, 1):
            raise _error("too-large", f"{self.member.filename} inflates more than {MAX_RATIO}:1 (zip bomb?)")
        buffer[: len(chunk)] = chunk
        return len(chunk)


def _read_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo, budget: _Budget) -> bytes:
    _check_declared(member, budget)
    try:
        with archive.open(member) as handle:
            return _CappedReader(handle, member, budget).read()
    except (ExtractError, MemoryError):
        raise
    except Exception as exc:
        raise _error("corrupt", f"cannot read {member.filename} ({type(exc).__name__}: {exc})") from exc


def _check_declared(member: zipfile.ZipInfo, budget: _Budget) -> None:
    """Refuse at once what the headers already admit is too big (the stream cap covers liars)."""
    if member.file_size > budget.left:
        raise _error("too-large", f"{member.filename} declares {member.file_size:,} bytes inflated")
    if member.file_size > RATIO_FLOOR and member.file_size > MAX_RATIO * max(member.compress_size, 1):
        ratio = member.file_size // max(member.compress_size, 1)
        raise _error("too-large", f"{member.filename} declares a {ratio:,}:1 compression ratio (zip bomb?)")


def _check_entry_count(data: bytes) -> None:
    """Read the entry count from the end-of-central-directory record before zipfile lists them all."""
    eocd = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if eocd >= 0 and eocd + 12 <= len(data):
        (count,) = struct.unpack_from("<H", data, eocd + 10)
        if count > MAX_ENTRIES and count != 0xFFFF:
            raise _error("too-large", f"zip has {count:,} entries (limit {MAX_ENTRIES:,})")


def _unsafe_name(name: str) -> bool:
    parts = re.split(r"[\\/]", name)
    return (
        name.startswith(("/", "\\"))
        or re.match(r"[A-Za-z]:", name) is not None
        or ".." in parts
        or "\x00" in name
    )


def _error(kind: str, detail: str) -> ExtractError:
    return ExtractError(kind, detail, doc_type="hwpx")


def _extracted_with() -> str:
    import defusedxml

    return f"hwpx-xml defusedxml {getattr(defusedxml, '__version__', '?')}"
