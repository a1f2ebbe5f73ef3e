"""Every real document of ../shared/corpus gives exactly what snippets.json promises."""

from __future__ import annotations

import json
import random
import re
import unicodedata
from pathlib import Path

import pytest

from briefing.extract import KINDS, ExtractError, extract_document, sniff_type
from tests.conftest import CORPUS


def _corpus_paths() -> list[str]:
    try:
        return sorted(json.loads((CORPUS / "snippets.json").read_text(encoding="utf-8")))
    except FileNotFoundError:
        return ["(corpus absent)"]


def match_form(text: str) -> str:
    """The corpus matching rule: NFC, every whitespace run collapsed to one space."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text))


@pytest.mark.parametrize("path", _corpus_paths())
def test_corpus_document(path: str, corpus: Path, snippets: dict[str, dict]) -> None:
    entry = snippets[path]
    data = (corpus / path).read_bytes()
    expect = entry["expect"]
    if expect == "error":
        with pytest.raises(ExtractError) as caught:
            extract_document(data, name=Path(path).name)
        error = caught.value
        assert error.kind == entry["error_type"], str(error)
        assert error.kind in KINDS
        assert str(error).startswith(f"{error.kind}: ") and "\n" not in str(error)
        assert error.doc_type == sniff_type(data)
        return

    result = extract_document(data, name=Path(path).name)
    assert result.type == sniff_type(data) and result.type in {"pdf", "hwp", "hwpx"}
    assert result.extracted_with
    text = match_form(result.text)
    if expect == "empty":
        assert not text.strip()
        return
    assert expect == "text"
    wanted = entry["snippets"] + entry["table_snippets"]
    assert wanted, "a text entry without snippets proves nothing"
    missing = [snippet for snippet in wanted if match_form(snippet) not in text]
    assert not missing, f"missing from {path}: {missing}"
    for forbidden in entry.get("must_not_contain", []):
        assert match_form(forbidden) not in text
    # Stored text is already in normal form: NFC, no control characters, no doubled spaces.
    assert result.text == unicodedata.normalize("NFC", result.text)
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]|  ", result.text)


def test_format_comes_from_bytes_not_name(corpus: Path) -> None:
    disguised = {
        "edge/hwp5-named-as.hwpx": "hwp",
        "edge/hwpx-named-as-gokseong-voucher-form.hwp": "hwpx",
        "edge/html-error-page.hwp": "other",
        "edge/git-lfs-pointer.pdf": "other",
    }
    for path, real in disguised.items():
        assert sniff_type((corpus / path).read_bytes()) == real, path
    result = extract_document((corpus / "edge/hwp5-named-as.hwpx").read_bytes(), name="규제영향분석서.hwpx")
    assert result.type == "hwp"
    assert any("content is hwp" in warning for warning in result.warnings)


def test_twins_agree_across_formats(corpus: Path, snippets: dict[str, dict]) -> None:
    """The same release as HWP, HWPX and PDF yields the same table facts from each."""
    base = "moef-2024-06-21-fdi-2024q1"
    texts = {
        fmt: match_form(extract_document((corpus / f"{fmt}/{base}.{fmt}").read_bytes()).text)
        for fmt in ("hwp", "hwpx", "pdf")
    }
    for snippet in snippets[f"hwp/{base}.hwp"]["table_snippets"]:
        assert all(match_form(snippet) in text for text in texts.values()), snippet


def test_pdf_letter_spaced_heading_is_joined(corpus: Path) -> None:
    text = extract_document((corpus / "pdf/moef-2010-11-integrated-fiscal-stats.pdf").read_bytes()).text
    assert "통합재정통계" in text
    assert "통 합 재 정" not in text
    # Ordinary words on the same page keep their spaces.
    assert "임대료, 이자수입" in text and "관리대상수지(사회보장성기금* 제외수지)" in text


def test_distribution_document_reads_viewtext(corpus: Path) -> None:
    result = extract_document((corpus / "edge/distribution-flag-kwater-2026-01-30.hwp").read_bytes())
    twin = extract_document((corpus / "hwp/kwater-2026-01-30-bonghwa-dam-safety.hwp").read_bytes())
    assert "배포용 문서입니다" not in result.text
    assert result.text == twin.text


@pytest.mark.parametrize("path", _corpus_paths())
def test_damaged_copies_fail_cleanly(path: str, corpus: Path) -> None:
    """Cut or scribbled-over copies of every corpus file give text or a typed error, never a crash."""
    data = (corpus / path).read_bytes()
    if not data or "zip-bomb" in path:
        pytest.skip("nothing to damage")
    rng = random.Random(path)
    variants = [data[: int(len(data) * cut)] for cut in (0.05, 0.5, 0.95)]
    for _ in range(2):
        scribbled = bytearray(data)
        for _ in range(16):
            scribbled[rng.randrange(len(scribbled))] = rng.randrange(256)
        variants.append(bytes(scribbled))
    for variant in variants:
        try:
            result = extract_document(variant)
        except ExtractError as error:
            assert error.kind in KINDS and "\n" not in str(error)
        else:
            assert isinstance(result.text, str) and result.type in {"pdf", "hwp", "hwpx"}


def test_distribution_notice_alone_is_refused(corpus: Path) -> None:
    """A 배포용 file that lost its flag yields only the BodyText notice: an error, never content."""
    data = bytearray((corpus / "edge/distribution-flag-kwater-2026-01-30.hwp").read_bytes())
    # FileHeader is signature (32 bytes), version (4), flags; the container may hold a stale copy too.
    at = data.find(b"HWP Document File\0")
    while at >= 0:
        data[at + 36] &= ~0x04  # clear "distributable": the reader now sees the BodyText notice only
        at = data.find(b"HWP Document File\0", at + 1)
    with pytest.raises(ExtractError) as caught:
        extract_document(bytes(data))
    assert caught.value.kind == "encrypted"
