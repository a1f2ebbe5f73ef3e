"""`make demo`: sample releases with generated PDF/HWPX through the fake portal, offline summaries,
the built site and `briefing serve` answering a page, the search page and a chat question."""

from __future__ import annotations

from pathlib import Path

from briefing.extract import extract_document, sniff_type
from briefing.testing.sample_documents import hwpx_bytes, pdf_bytes
from tests.support.scripts import run_script

PARAGRAPHS = [
    "행정안전부는 2026년 11월 17일 점검 회의를 열었다.",
    "제설제 45만 톤을 확보했다. Mixed ASCII 3.5%.",
]
TABLE = [["항목", "확보 현황"], ["제설 장비", "1만 2천 대"]]


def test_generated_pdf_and_hwpx_give_their_hangul_back() -> None:
    pdf = pdf_bytes("샘플 제목", PARAGRAPHS * 40, TABLE)  # long enough for several pages
    hwpx = hwpx_bytes("샘플 제목", PARAGRAPHS, TABLE)
    assert sniff_type(pdf) == "pdf" and sniff_type(hwpx) == "hwpx"
    for data, name in ((pdf, "a.pdf"), (hwpx, "a.hwpx")):
        text = extract_document(data, name=name).text
        assert "샘플 제목" in text
        assert "행정안전부는 2026년 11월 17일 점검 회의를 열었다." in text
        assert "45만 톤" in text and "3.5%" in text
        assert "1만 2천 대" in text  # table cells too
    assert pdf.count(b"/Type /Page ") > 1


def test_demo_builds_and_serves_site_search_and_chat(tmp_path: Path) -> None:
    code, output = run_script("demo.py", "--check", "--out", str(tmp_path))
    assert code == 0, output[-5000:]
    assert "releases 8 new" in output and "11 downloaded, 11 extracted, 0 failed" in output
    assert "8 offline extracts" in output
    assert "demo: home page lists 8 of 8 sample releases" in output
    assert "demo: search page HTTP 200" in output
    assert "demo: chat «" in output and "demo: PASS" in output
    site = tmp_path / "site" / "output"
    assert len(list((site / "releases").glob("*/*/*/index.html"))) == 8
    assert (site / "search").is_dir() and (site / "chat-index").is_dir()
