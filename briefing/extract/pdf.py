"""PDF text via pypdf, with Hancom's letter-spaced headings joined and unusable text layers caught."""

from __future__ import annotations

import io
import logging
import re

from briefing.extract.errors import ExtractError
from briefing.extract.text import has_hangul, join_letter_spaced

log = logging.getLogger(__name__)

MAX_PAGES = 2_000
_LETTER = re.compile(r"[^\W\d_]")

# Hancom's printer draws every table rule and chart as thousands of path operators, and pypdf
# parses each one in Python before looking at text (nine pages: 400,000 operations, 90% of the
# time). Pages with big content streams are therefore handed to pypdf with only what text
# extraction depends on: text objects (BT…ET, kept whole), q/Q/cm (they move text), text-state
# operators, and form XObjects (Do). The text that comes out is the same, several times faster.
FILTER_ABOVE = 16 * 1024  # bytes of page content; smaller pages are parsed as they are
_DELIMS = rb"\s()<>\[\]{}/%"
_TOKEN = re.compile(
    # The lookahead lets the engine pass over most bytes (numbers, path operators) at once: 2.5x faster.
    rb"(?=[(<%/BEQqcDT])(?:"
    rb"\((?:[^()\\]|\\.|\((?:[^()\\]|\\.)*\))*\)"  # literal string (one level of nesting)
    rb"|<[0-9A-Fa-f\s]*>"  # hex string
    rb"|%[^\r\n]*"  # comment
    rb"|/[^" + _DELIMS + rb"]*"  # name
    rb"|(?:BT|ET|BI|q|Q|cm|Do|Tf|Tc|Tw|Tz|TL|Tr|Ts)(?![^" + _DELIMS + rb"]))",  # operators we act on
    re.DOTALL,
)
_INLINE_IMAGE_END = re.compile(rb"(?<=[" + _DELIMS + rb"])EI(?![^" + _DELIMS + rb"])")
_NUMBER = re.compile(rb"[-+]?(?:\d+\.?\d*|\.\d+)")
_SEPARATORS = frozenset(b" \t\r\n\f\x00()<>[]{}/%")
_OPERANDS = {b"cm": 6, b"Tf": 2, b"Tc": 1, b"Tw": 1, b"Tz": 1, b"TL": 1, b"Tr": 1, b"Ts": 1}


def extract_pdf_text(data: bytes, *, max_chars: int) -> tuple[str, list[str], str]:
    """Text of a PDF: ``(raw text, warnings, extracted_with)``; raises ExtractError.

    An owner-password-only PDF (empty user password, common on government sites) is read; one
    that needs a user password is ``encrypted``. A text layer that yields no Hangul and hardly any
    letters (glyphs without a ToUnicode map, or a scan) is ``no-usable-text``: summarising it would
    mean summarising digits and punctuation.
    """
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError, PdfReadError, PdfStreamError

    # pypdf logs every recoverable oddity as a warning; they are noise in a collection run.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    warnings: list[str] = []
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                reader.decrypt("")
            except Exception as exc:
                raise _error("encrypted", f"cannot decrypt PDF ({type(exc).__name__}: {exc})") from exc
            warnings.append("PDF has an owner password only; read with the empty user password")
        pages = reader.pages
        count = len(pages)
        if count > MAX_PAGES:
            raise _error("too-large", f"PDF has {count:,} pages (limit {MAX_PAGES:,})")
        texts: list[str] = []
        chars = 0
        for page in pages:
            _drop_drawing(page)
            text = page.extract_text() or ""
            chars += len(text)
            if chars > max_chars:
                raise _error("too-large", f"PDF text exceeds {max_chars:,} characters")
            texts.append(text)
    except (ExtractError, MemoryError):
        raise
    except FileNotDecryptedError as exc:
        raise _error("encrypted", f"PDF needs a user password ({exc})") from exc
    except (PdfStreamError, PdfReadError) as exc:
        raise _error("corrupt", f"damaged or truncated PDF ({type(exc).__name__}: {exc})") from exc
    except Exception as exc:  # pypdf raises assorted KeyError/ValueError/struct errors on broken files
        raise _error("corrupt", f"unreadable PDF ({type(exc).__name__}: {exc})") from exc

    text = "\n".join(texts)
    _check_usable(text, count)
    return join_letter_spaced(text), warnings, _extracted_with()


def _drop_drawing(page) -> None:
    """Replace the page content stream, in memory only, by its text-bearing operations, parsed.

    Big streams are first cut down to what text extraction reads (:func:`text_operations`); then
    :func:`briefing.extract.pdf_content.parse_operations` parses them several times faster than
    pypdf would. What that parser does not handle is left to pypdf.
    """
    from pypdf.generic import ContentStream, DecodedStreamObject, NameObject

    from briefing.extract.pdf_content import TEXT_OPERATORS, Unsupported, parse_operations

    try:
        contents = page.get_contents()
        data = contents.get_data() if contents is not None else b""
        if not data:
            return
        if len(data) > FILTER_ABOVE:
            data = text_operations(data)
        try:
            operations = parse_operations(data, TEXT_OPERATORS)
        except Unsupported:
            log.debug("content parsed by pypdf", exc_info=True)
            if len(data) < len(contents.get_data()):
                filtered = DecodedStreamObject()
                filtered.set_data(data)
                page[NameObject("/Contents")] = filtered
            return
        parsed = ContentStream(None, page.pdf, "bytes")
        parsed.set_data(data)
        parsed._operations = operations  # what pypdf would parse from ``data``, less what it passes over
        page[NameObject("/Contents")] = parsed
    except Exception:  # unusual structure: let pypdf read the page as it is
        log.debug("content filter skipped", exc_info=True)


def text_operations(content: bytes) -> bytes:
    """The operations of a page content stream that text extraction depends on, in order."""
    out: list[bytes] = []
    text_object: int | None = None  # start of the open BT…ET block
    name = b""
    pos = 0
    search = _TOKEN.search
    while (match := search(content, pos)) is not None:
        start, pos = match.span()
        first = content[start]
        if first in b"(<%":  # strings and comments are skipped whole, whatever they contain
            continue
        if first == 0x2F:  # "/": remember the name for a following Do
            name = match.group()
            continue
        if start and content[start - 1] not in _SEPARATORS:
            continue  # tail of a longer operator, e.g. "BDC" or "scn"
        token = match.group()
        if token == b"BI":  # inline image: skip its binary data
            end = _INLINE_IMAGE_END.search(content, pos)
            pos = end.end() if end else len(content)
        elif text_object is not None:
            if token == b"ET":
                out.append(content[text_object:pos])
                text_object = None
        elif token == b"BT":
            end = _plain_text_object_end(content, pos)
            if end:  # fast path: no literal string, comment or inline image can hide an "ET"
                out.append(content[start:end])
                pos = end
            else:
                text_object = start
        elif token in (b"q", b"Q"):
            out.append(token)
        elif token == b"Do":
            if name:
                out.append(name + b" Do")
        elif token in _OPERANDS:
            count = _OPERANDS[token]
            operands = content[max(0, start - 160) : start].split()[-count:]
            if len(operands) == count and all(_NUMBER.fullmatch(x) or x[:1] == b"/" for x in operands):
                out.append(b" ".join(operands) + b" " + token)
    if text_object is not None:
        out.append(content[text_object:])
    return b"\n".join(out)


def _plain_text_object_end(content: bytes, pos: int) -> int:
    """End of the BT…ET block opened before ``pos`` when it holds only hex strings, else 0."""
    end = content.find(b"ET", pos)
    while end >= 0 and not (
        content[end - 1] in _SEPARATORS and (end + 2 == len(content) or content[end + 2] in _SEPARATORS)
    ):
        end = content.find(b"ET", end + 2)
    if end < 0:
        return 0
    block = content[pos:end]
    if b"(" in block or b"%" in block or b"BI" in block:
        return 0
    return end + 2


def _check_usable(text: str, pages: int) -> None:
    visible = "".join(text.split())
    if not visible:
        raise _error("no-usable-text", f"PDF has no text layer on its {pages} page(s) (scanned? needs OCR)")
    if has_hangul(visible):
        return
    letters = len(_LETTER.findall(visible))
    if letters < 0.3 * len(visible):
        raise _error(
            "no-usable-text",
            f"PDF text layer gives no Hangul and only {letters} letters in {len(visible)} characters "
            "(fonts without a ToUnicode map?)",
        )


def _error(kind: str, detail: str) -> ExtractError:
    return ExtractError(kind, detail, doc_type="pdf")


def _extracted_with() -> str:
    import pypdf

    return f"pypdf {getattr(pypdf, '__version__', '?')}"
