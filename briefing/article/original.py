"""A release's original text as HTML, every passage wrapped in an element ``id="ev-<passage id>"``.

This is the file "원문 전체 보기" loads (``releases/YYYY/MM/<id>.original.html.gz``). The passages are
those of :func:`briefing.faithfulness.split_passages` over :func:`briefing.summaries.source_parts`,
the very texts the faithfulness check aligned claims to, so a claim's ``data-evidence="a1-12"`` on
the article page always finds ``#ev-a1-12`` here. Sentences are ``<span>`` inside the paragraph of
their line; table rows are ``<tr>`` of a ``<table>``. All text is escaped (feed content is untrusted).
"""

from __future__ import annotations

import html

from briefing.article.escape import link_html
from briefing.article.view import ReleaseView, SourcePart

ORIGINAL_HEADING = '<h2 id="original">원문</h2>'
MAX_ORIGINAL_CHARS = 200_000  # per part; past it only passages cited as evidence are kept


def _text(value: str) -> str:
    return html.escape(" ".join(str(value).split()), quote=False)


def _row(text: str) -> str:
    cells = [c for c in text.replace("\n", " ").split("|")]
    while cells and not cells[0].strip():
        cells.pop(0)
    while cells and not cells[-1].strip():
        cells.pop()
    return "".join(f"<td>{_text(c)}</td>" for c in cells) or f"<td>{_text(text)}</td>"


def _part_html(part: SourcePart, needed: set[str]) -> list[str]:
    """Paragraphs of sentence spans and tables of rows; text between passages is kept as text."""
    out: list[str] = []
    open_tag = ""  # "p" or "table" currently open

    def close() -> None:
        nonlocal open_tag
        if open_tag:
            out.append(f"</{open_tag}>")
            open_tag = ""

    pos = 0
    cut = False
    for passage in part.passages:
        if passage.start >= MAX_ORIGINAL_CHARS and passage.id not in needed:
            cut = True
            continue
        gap = part.text[pos : passage.start]
        if cut:
            close()
            out.append('<p class="original-missing">(중략)</p>')
            cut = False
        elif passage.kind == "row":
            if open_tag == "table" and gap.strip() == "" and gap.count("\n") <= 1:
                pass  # the next row of the same table
            else:
                close()
        elif "\n" in gap:
            close()
        elif gap.strip() and open_tag == "p":
            out.append(_text(gap))
        pos = passage.end
        if passage.kind == "row":
            if open_tag != "table":
                close()
                out.append("<table>")
                open_tag = "table"
            out.append(f'<tr class="ev" id="ev-{passage.id}">{_row(passage.text)}</tr>')
        else:
            if open_tag != "p":
                close()
                out.append("<p>")
                open_tag = "p"
            elif out[-1] != "<p>":
                out.append(" ")
            out.append(f'<span class="ev" id="ev-{passage.id}">{_text(passage.text)}</span>')
    close()
    if cut or len(part.text) > MAX_ORIGINAL_CHARS:
        out.append('<p class="original-missing">(이하 생략: 전문은 첨부파일 원본에서 확인하세요.)</p>')
    return ["".join(out)] if out else []


def original_html(view: ReleaseView | None, source_url: str = "") -> str:
    """The original text of ``view``'s release: page text, each attachment, then title and ministry.

    Notes of our own (an unreadable file, a missing record) are ``<p class="original-missing">``.
    Passages cited as evidence are always included, even past :data:`MAX_ORIGINAL_CHARS`.
    """
    if view is None or view.record is None:
        link = link_html(source_url, _text("정책브리핑 원문"))
        return f'<p class="original-missing">원문 텍스트 기록을 찾지 못했습니다. {link}에서 확인하세요.</p>\n'
    stored = view.stored
    needed = {
        e for c in (stored.faithfulness.claims if stored and stored.faithfulness else []) for e in c.evidence
    }
    parts: list[str] = []
    for part in view.parts:
        if part.id == "page":
            parts.append("<h3>보도자료 본문</h3>")
            body = _part_html(part, needed)
            parts.extend(body or ["<p>본문 텍스트가 없습니다.</p>"])
        elif part.id == "title":
            if part.passages:
                parts.append(f"<h3>{_text(part.label)}</h3>")
                parts.extend(_part_html(part, needed))
        else:
            parts.append(f"<h3>첨부: {_text(part.name)}</h3>")
            if part.error or not part.text.strip():
                reason = f" ({_text(part.error)})" if part.error else ""
                link = link_html(part.url, _text(part.name))
                parts.append(
                    f'<p class="original-missing">이 첨부파일의 텍스트를 읽지 못했습니다{reason}. 파일: {link}</p>'
                )
            else:
                parts.extend(_part_html(part, needed))
    return "\n".join(parts) + "\n"
