"""Our content-stream reader gives the operations pypdf's own parser gives (text extraction reads them)."""

from __future__ import annotations

import pytest

from briefing.extract.pdf import FILTER_ABOVE, text_operations
from briefing.extract.pdf_content import TEXT_OPERATORS, Unsupported, parse_operations
from tests.conftest import CORPUS


def pypdf_operations(data: bytes, only: frozenset[bytes] | None = None) -> list:
    from pypdf.generic import ContentStream

    stream = ContentStream(None, None, "bytes")
    stream.set_data(data)
    return [(list(operands), op) for operands, op in stream.operations if only is None or op in only]


def ours(data: bytes, only: frozenset[bytes] | None = None) -> list:
    return [(list(operands), op) for operands, op in parse_operations(data, only)]


HAND_WRITTEN = [
    b"BT /F1 12 Tf 1 0 0 1 72.5 -700 Tm <00410042> Tj [<0043> -250 <0044>] TJ ET",
    b"q 0.5 0 0 .5 0 0 cm BT /F2 9.75 Tf (Hello \\(world\\) \\101\\n) Tj T* (a(b)c) ' 1 2 (x) \" ET Q",
    b"/Span << /ActualText <FEFF0041> /Lang (ko) /N null /B true >> BDC BT [(A) 10 (B)] TJ ET EMC",
    b"% a comment\nBT /F1 1 Tf <4 1 4> Tj ET\n/Fm0 Do",
    b"BT 0 0 Td (unbalanced \\) paren) Tj -.5 +3 TD ET",
]


@pytest.mark.parametrize("data", HAND_WRITTEN)
def test_hand_written_streams_read_like_pypdf(data: bytes) -> None:
    assert ours(data) == pypdf_operations(data)
    assert ours(data, TEXT_OPERATORS) == pypdf_operations(data, TEXT_OPERATORS)


@pytest.mark.parametrize(
    "data", [b"BI /W 1 /H 1 ID \x00\xff EI", b"[1 2", b"/A#20B Do", b"<< /A >> x", b"(open"]
)
def test_what_it_does_not_read_is_left_to_pypdf(data: bytes) -> None:
    with pytest.raises(Unsupported):
        parse_operations(data)


def test_corpus_pages_read_like_pypdf() -> None:
    from pypdf import PdfReader

    paths = sorted((CORPUS / "pdf").glob("*.pdf")) if CORPUS.is_dir() else []
    if not paths:
        pytest.skip("corpus not present")
    pages = 0
    for path in paths:
        for page in PdfReader(path).pages:
            contents = page.get_contents()
            data = contents.get_data() if contents is not None else b""
            if len(data) > FILTER_ABOVE:
                data = text_operations(data)
            assert ours(data, TEXT_OPERATORS) == pypdf_operations(data, TEXT_OPERATORS), path.name
            pages += 1
    assert pages > 10
