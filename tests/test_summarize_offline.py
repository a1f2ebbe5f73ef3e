"""No model configured: offline extracts for every record; sources, escaping and file ownership."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import markdown

from briefing.article.markdown import article_path, escape_inline, read_meta, render_article, safe_url
from briefing.article.original import original_html
from briefing.article.view import view_of_record
from briefing.categories import BY_NAME
from briefing.faithfulness import check
from briefing.records import Attachment
from briefing.store import Store
from briefing.summaries import StoredSummary
from briefing.summarize import run_summarize
from briefing.summarize.offline import LABEL, OFFLINE_VERSION, extract_summary, sentences
from briefing.summarize.schema import Summary
from briefing.summarize.source import build_source
from briefing.testing.summaries import ATTACHMENT_TEXT, make_record, offline_settings, save, valid_summary
from briefing.testing.synthetic import generate_records

HOSTILE_TITLE = '<script>alert("t")</script> 보도자료 "><img src=x onerror=alert(1)>'
HOSTILE_NAME = '"><img src=x onerror=alert(2)>.hwp'


def _render(md_text: str) -> str:
    """The body as Pelican renders it (python-markdown with its default extensions)."""
    body = md_text.split("\n\n", 1)[1]
    return markdown.Markdown(
        extensions=["markdown.extensions.extra", "markdown.extensions.codehilite"]
    ).convert(body)


def test_no_model_writes_an_article_for_every_record(tmp_path: Path) -> None:
    settings = offline_settings(tmp_path)
    records = generate_records(40, seed=3)
    save(settings.data_dir, *records)

    report = run_summarize(settings)

    assert report.extracted + report.no_text == len(records) and report.calls == 0
    for record in records:
        path = article_path(settings.content_dir, record)
        meta = read_meta(path)
        assert meta["summary_kind"] == "extract", record.id
        assert meta["prompt_version"] == OFFLINE_VERSION
        assert meta["category"] in BY_NAME
        assert meta["faithfulness"] == "ok"  # copied sentences cannot invent anything
        assert meta["slug"] == record.id and meta["date"].endswith("+09:00")
        text = path.read_text(encoding="utf-8")
        assert LABEL in text
        assert "## 핵심 요약\n" in text
        # a section the extractor found nothing for is left out: it never says the source lacks it
        assert "제시되지 않았" not in text
        headings = re.findall(r"^## (.+)$", text, re.M)
        order = ["핵심 요약", "주요 내용", "배경 및 목적", "세부 추진 내용", "기대 효과", "향후 계획"]
        assert headings == [h for h in order if h in headings], headings
        # the original text stays in the record (the site adds it at build time), never in content/
        assert "원문 {#original}" not in text and "### 보도자료 본문" not in text and "### 첨부:" not in text

    # a rerun touches nothing
    mtimes = {p: p.stat().st_mtime_ns for p in settings.content_dir.rglob("*.md")}
    again = run_summarize(settings)
    assert again.cached == len(records) and again.written == 0
    assert {p: p.stat().st_mtime_ns for p in settings.content_dir.rglob("*.md")} == mtimes


def test_extract_sentences_come_from_the_source(tmp_path: Path) -> None:
    settings = offline_settings(tmp_path)
    record = make_record()
    save(settings.data_dir, record)
    run_summarize(settings)
    text = article_path(settings.content_dir, record).read_text(encoding="utf-8")
    summary = read_meta(article_path(settings.content_dir, record))["summary"]
    assert summary and "2025년 9월 3일" in summary
    assert check(summary, build_source(record, 24_000).full_text).ok
    assert read_meta(article_path(settings.content_dir, record))["category"] == "과학·디지털"
    assert "- " in text.split("## 주요 내용", 1)[1].split("##", 1)[0]


def test_release_without_usable_text_says_so_and_is_summarised_later(tmp_path: Path) -> None:
    settings = offline_settings(tmp_path)
    record = make_record(body_text="공공누리 제1유형\n이 보도자료는 첨부파일을 참고하세요")
    record.attachments = [
        Attachment(
            name="보도자료.hwp", url="https://www.korea.kr/files/1.hwp", type="hwp", error="corrupt: bad OLE"
        ),
        Attachment(
            name="보도자료.pdf", url="https://www.korea.kr/files/1.pdf", type="pdf", error="encrypted"
        ),
    ]
    save(settings.data_dir, record)

    report = run_summarize(settings)

    assert report.no_text == 1
    path = article_path(settings.content_dir, record)
    meta = read_meta(path)
    assert meta["summary_kind"] == "none"
    text = path.read_text(encoding="utf-8")
    assert "읽을 수 있는 텍스트를 얻지 못해" in text
    assert (
        'href="https://www.korea.kr/files/1.hwp"' in text
        and 'href="https://www.korea.kr/files/1.pdf"' in text
    )
    assert f'href="{record.url}"' in text
    assert run_summarize(settings).cached == 1  # nothing new: left alone

    record.attachments[0].text, record.attachments[0].error = ATTACHMENT_TEXT, None
    save(settings.data_dir, record)
    later = run_summarize(settings)
    assert later.extracted == 1
    assert read_meta(path)["summary_kind"] == "extract"


def test_hostile_text_renders_as_text(tmp_path: Path) -> None:
    settings = offline_settings(tmp_path)
    record = make_record(title=HOSTILE_TITLE, ministry="<b>부처</b>", url="javascript:alert(3)")
    record.attachments[0].name = HOSTILE_NAME
    record.attachments[0].url = 'https://www.korea.kr/x?a=1&b="><script>alert(4)</script>'
    record.body_text += (
        "\n# 제목처럼 보이는 줄 [링크](javascript:alert(5)) *강조* <iframe src=x>\n    들여쓰기 코드"
    )
    save(settings.data_dir, record)
    run_summarize(settings)

    path = article_path(settings.content_dir, record)
    text = path.read_text(encoding="utf-8")
    meta = read_meta(path)
    assert "<script" not in meta["title"] and "&lt;script&gt;" in meta["title"]
    assert "<" not in meta["attachments"] and "source" not in meta  # a javascript: URL is dropped
    # the page: the summary, and the original-text file made from the record
    html = _render(text) + original_html(view_of_record(settings.data_dir, record), record.url)
    assert 'href="javascript' not in html
    for bad in ("<script", "<img", "<iframe", "<b>", "<em>강조", "<h1>제목처럼", "<code>"):
        assert bad not in html, bad
    assert "&lt;img src=x onerror=alert(2)&gt;" in html and "&lt;iframe src=x&gt;" in html
    (att,) = json.loads(meta["attachments"])
    assert att["name"] == HOSTILE_NAME  # the JSON keeps the real name; only its characters are escaped
    assert att["url"] == "https://www.korea.kr/x?a=1&b=%22%3E%3Cscript%3Ealert(4)%3C/script%3E"


def test_escape_and_urls() -> None:
    assert escape_inline("- 1. <a> & *b* _c_ [d](e) `f` | # !") == (
        "&#45; 1. &lt;a&gt; &amp; &#42;b&#42; &#95;c&#95; &#91;d&#93;(e) &#96;f&#96; &#124; &#35; &#33;"
    )
    assert escape_inline("1. 첫째") == "1&#46; 첫째"
    assert safe_url("javascript:alert(1)") == "" and safe_url("data:text/html,x") == ""
    assert safe_url('https://korea.kr/a b"<>') == "https://korea.kr/a%20b%22%3C%3E"


def test_removes_and_replaces_nothing_it_did_not_write(tmp_path: Path) -> None:
    settings = offline_settings(tmp_path)
    record = make_record()
    save(settings.data_dir, record)
    foreign = article_path(settings.content_dir, record)
    foreign.parent.mkdir(parents=True)
    foreign.write_text("Title: 손으로 쓴 글\n\n직접 쓴 본문\n", encoding="utf-8")
    neighbour = foreign.parent / "notes.md"
    neighbour.write_text("Title: 메모\n\n메모\n", encoding="utf-8")

    report = run_summarize(settings)

    assert report.skipped_foreign == [record.id]
    assert foreign.read_text(encoding="utf-8") == "Title: 손으로 쓴 글\n\n직접 쓴 본문\n"
    assert neighbour.exists()
    assert "not ours, left alone" in report.summary_line()


def test_record_moved_to_another_month_moves_its_article(tmp_path: Path) -> None:
    settings = offline_settings(tmp_path)
    record = make_record()
    save(settings.data_dir, record)
    run_summarize(settings)
    old = article_path(settings.content_dir, record)
    record.published = "2025-10-01T09:00:00+09:00"
    save(settings.data_dir, record)
    run_summarize(settings)
    assert not old.exists()
    assert read_meta(article_path(settings.content_dir, record))["date"] == "2025-10-01 09:00:00+09:00"


def test_source_drops_twins_labels_files_and_keeps_figures(tmp_path: Path) -> None:
    record = make_record()
    record.attachments.append(
        Attachment(
            name="250903 보도자료.pdf", url="https://www.korea.kr/f.pdf", type="pdf", text=ATTACHMENT_TEXT
        )
    )
    source = build_source(record, 24_000)
    assert [p.label for p in source.parts] == ["첨부: 250903 인공지능 반도체 지원계획(보도자료).hwpx"]
    assert set(source.dropped_twins) == {"보도자료 본문", "첨부: 250903 보도자료.pdf"}
    assert "[첨부: 250903 인공지능 반도체 지원계획(보도자료).hwpx]" in source.text
    assert source.text.startswith("제목: 인공지능 반도체 산업 육성 지원 계획 발표\n부처: 과학기술정보통신부")

    # a different document is not a twin
    other = "\n".join(
        f"{i}번째 참고자료 문단은 지역별 설명회 일정과 장소를 안내하는 내용이다." for i in range(20)
    )
    record.attachments.append(Attachment(name="참고자료.hwp", url="https://x/y.hwp", type="hwp", text=other))
    assert "첨부: 참고자료.hwp" in [p.label for p in build_source(record, 24_000).parts]


def test_source_is_cut_at_paragraphs_keeping_table_lines_with_figures() -> None:
    filler = "\n\n".join(
        f"{i}번 문단: 정책 설명이 길게 이어지는 문단으로 숫자 없이 배경을 서술한다." * 3 for i in range(200)
    )
    table = "구분 | 2024년 | 2025년\n예산 | 1,000억 원 | 1,200억 원"
    record = make_record(body_text="", attachments=[])
    record.attachments = [
        Attachment(name="a.hwpx", url="https://x/a", type="hwpx", text=filler + "\n\n" + table)
    ]
    source = build_source(record, 3000)
    assert source.truncated and len(source.text) <= 3000 + 200
    assert "예산 | 1,000억 원 | 1,200억 원" in source.text  # the figures survive the cut
    body = source.text.split("[첨부: a.hwpx]", 1)[1]
    for para in body.strip().split("\n"):
        assert para.endswith(("서술한다.", "2025년", "1,200억 원")), para  # whole paragraphs only


def test_cli_prints_one_line_and_a_locked_run_refuses(tmp_path: Path) -> None:
    settings = offline_settings(tmp_path)
    save(settings.data_dir, make_record())
    command = [sys.executable, "-m", "briefing.cli", "summarize", "--data-dir", str(settings.data_dir)]
    command += ["--content-dir", str(settings.content_dir)]
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFING_")}
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(
        "summarize: 0 LLM summaries (0 flagged), 0 held, 0 failed, 1 offline extracts"
    )

    with Store(settings.data_dir).lock("summarize"):
        report = run_summarize(settings)
    assert report.exit_code == 1 and "another briefing run" in report.summary_line()
    bad = run_summarize(settings.with_values({"unsupported_policy": "ignore"}))
    assert bad.exit_code == 1 and "flag or hold" in bad.summary_line()


def test_pdf_layout_wraps_are_joined_into_whole_sentences() -> None:
    text = (
        "해양수산부는 내년부터 연근해 어선에 안전장비\n"
        "보급을 확대하고 구명조끼 착용을 의무화한다.\n"
        "□ 향후 계획\n"
        "정부는 12월까지 세부 지침을 마련할 예정이다.\n"
        "구분 | 2025년 | 2026년 계획\n"
        "보급 척수 | 1,200척 | 2,000척\n"
        "한시적 목적을 위한 규제이거나 주기적인 검토가 필요한 규제 |"
    )
    found = sentences(text)
    assert "해양수산부는 내년부터 연근해 어선에 안전장비 보급을 확대하고 구명조끼 착용을 의무화한다." in found
    assert "정부는 12월까지 세부 지침을 마련할 예정이다." in found
    assert not any("향후 계획 정부는" in s for s in found)  # a heading is not glued to the next line
    assert not any("2026년 계획 보급" in s for s in found)  # nor are table rows
    assert not any("|" in s for s in found)  # table rows are figures, not sentences to quote


def test_only_the_model_says_the_source_lacks_a_section() -> None:
    """An empty section is left out; the placeholder appears only when the model wrote it."""
    record = make_record()
    empty = Summary.model_validate(valid_summary(effects="", background=""))
    text = render_article(
        record, StoredSummary(id="x", kind="llm", source_hash="x", summary=empty, model="m")
    )
    assert "## 기대 효과" not in text and "## 배경 및 목적" not in text
    assert "제시되지 않았" not in text and "## 향후 계획" in text
    said = Summary.model_validate(valid_summary())  # effects: "원문에 기대 효과가 제시되지 않았다."
    stored = StoredSummary(id="x", kind="llm", source_hash="x", summary=said, model="m")
    assert "## 기대 효과\n\n원문에 기대 효과가 제시되지 않았다." in render_article(record, stored)


def test_extract_places_cue_sentences_and_skips_furniture() -> None:
    body = (
        "※ 이 자료는 briefing 데모용 가상 샘플입니다. 실제 정부 발표가 아닙니다.\n"
        "해양수산부는 12월 1일부터 연안 여객선 요금을 20% 낮춘다고 밝혔다.\n\n"
        "그간 섬 주민들은 높은 뱃삯으로 육지 병원과 시장을 오가기 어려웠다.\n"
        "요금 인하로 섬 주민의 교통비 부담이 크게 줄어들 것으로 기대된다.\n"
        "해양수산부는 2027년까지 모든 연안 항로로 지원을 넓힐 계획이다.\n"
        "해양수산부는 섬 지역 지자체 담당자 교육도 함께 실시한다.\n"
        "담당 부서 | 연안해운과 | 담당자 | 사무관 | 홍길동 | (044-200-5730)\n"
        "붙임 관련 사진 2매. 끝.\n"
    )
    record = make_record(title="연안 여객선 요금 20% 인하", body_text=body, attachments=[])
    summary = extract_summary(record, build_source(record, 24_000))
    assert summary.key_summary.startswith("해양수산부는 12월 1일부터")
    assert summary.background.startswith("그간 섬 주민들은")
    assert "줄어들 것으로 기대된다" in summary.effects
    assert "2027년까지 모든 연안 항로" in summary.next_steps
    everything = summary.all_text()
    assert "지자체 담당자 교육도 함께 실시한다" in everything  # a contact word inside content is content
    for furniture in ("샘플", "홍길동", "044-200", "붙임"):
        assert furniture not in everything
    assert check(summary, build_source(record, 24_000).full_text).ok


def test_a_run_weighs_tags_against_every_title(tmp_path: Path) -> None:
    """A word in every title of the run is no release's best tag; every tag occurs in its source."""
    settings = offline_settings(tmp_path)
    records = []
    for n, topic in enumerate(["월세", "전세", "기숙사", "보증금", "이사"]):
        body = f"국토교통부는 청년 {topic} 제도를 발표했다. 청년 가구의 부담을 덜기 위해 {topic} 한도를 높인다.\n"
        body += f"청년 {topic} 신청은 다음 달부터 받는다. 청년 의견도 듣는다.\n"
        records.append(make_record(f"1567000{n}", title=f"청년 {topic} 확대", body_text=body, attachments=[]))
    save(settings.data_dir, *records)
    alone = [extract_summary(r, build_source(r, 24_000)).tags[0] for r in records]
    assert "청년" in alone  # weighed alone, the shared word can win

    run_summarize(settings)
    for record in records:
        tags = read_meta(article_path(settings.content_dir, record))["tags"].split(", ")
        assert tags[0] != "청년" and "확대" not in tags, tags
        assert all(t in record.title + record.body_text for t in tags)
