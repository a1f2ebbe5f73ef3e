"""The one exception extraction raises, with a category the records and the site can rely on."""

from __future__ import annotations

from typing import Final

from briefing.errors import BriefingError

KINDS: Final = frozenset(
    {
        "encrypted",
        "unsupported-format",
        "corrupt",
        "empty-file",
        "not-a-document",
        "too-large",
        "unsafe-path",
        "no-usable-text",
        "timeout",
    }
)

DOC_TYPES: Final = frozenset({"pdf", "hwp", "hwpx", "other"})


class ExtractError(BriefingError):
    """An attachment whose text could not be taken out.

    ``kind`` is one of :data:`KINDS`, ``doc_type`` the sniffed format, and ``str(error)`` is one
    line, ``"<kind>: <detail>"``, fit for a record's ``error`` field.
    """

    def __init__(self, kind: str, detail: str, *, doc_type: str = "other") -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown extraction error kind {kind!r}")
        self.kind = kind
        self.doc_type = doc_type if doc_type in DOC_TYPES else "other"
        # One clear line: records and logs show it as is.
        self.detail = " ".join(str(detail).split()) or kind
        super().__init__(f"{kind}: {self.detail}")

    def __reduce__(self):  # survive pickling across the isolation process boundary
        return (_rebuild, (self.kind, self.detail, self.doc_type))


def _rebuild(kind: str, detail: str, doc_type: str) -> ExtractError:
    return ExtractError(kind, detail, doc_type=doc_type)
