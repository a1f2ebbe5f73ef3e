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
