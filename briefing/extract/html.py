"""Text of release pages and HTML fragments (the portal's page, the Open API's ``DataContents``).

On the portal most releases carry their real content only in attachments; the page body is then
just the notice "이 자료는 ○○의 보도자료를 전재하여 제공함을 알려드립니다" (or "본문은 첨부파일을
참조하세요"), which is treated as no body at all. Like the rest of :mod:`briefing.extract` this takes
markup and returns text: no network.
"""

from __future__ import annotations

import re

import lxml.html

from briefing.extract.text import normalize_text

_BOILERPLATE = re.compile(
    r"이\s*자료는\s*\S[^\n]{0,60}?의\s*보도\s*자료를\s*전재하여\s*제공함을\s*알려\s*드립니다\.?"
    r"|본문은\s*첨부\s*파일을\s*참(?:조|고)하(?:세요|시기\s*바랍니다)\.?"
)
# Body containers of the portal and common ministry board software (class or id).
_CONTAINER_NAMES = (
    "article-content",
    "view_cont",
    "view-cont",
    "bbs_view_cont",
    "board_view_cont",
    "view_content",
    "view-content",
    "cont_view",
    "article_body",
    "articleBody",
    "bd_view_cont",
    "boardView_cont",
)
_CONTAINER_XPATH = " | ".join(
    f"//*[contains(concat(' ', normalize-space(@class), ' '), ' {n} ') or @id='{n}']"
    for n in _CONTAINER_NAMES
)


def page_text(html: str, url: str = "") -> str:
    """The page's main text (tables kept) without site chrome or the reprint boilerplate.

    Government CMSs put the release body in a known container (``view_cont``, ``article-content``,
    ``bbs_view`` …); when there is one its text is taken whole. Otherwise trafilatura finds the
    main content, tuned for precision so menus and footers stay out.
    """
    try:
        root = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return ""
    containers = root.xpath(_CONTAINER_XPATH)
    if containers:
        return fragment_text(lxml.html.tostring(containers[0], encoding="unicode"))

    import trafilatura  # slow import; only pages without a known container need it

    text = trafilatura.extract(
        html, url=url or None, include_tables=True, include_comments=False, favor_precision=True
    )
    return strip_boilerplate(tidy(text)) if text else ""


def fragment_text(html: str) -> str:
    """Text of an HTML fragment such as the API's ``DataContents`` (every text node, in order)."""
    if not html or not html.strip():
        return ""
    try:
        root = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return tidy(html)
    for bad in root.xpath("//script|//style"):
        bad.drop_tree()
    for br in root.xpath("//br"):
        br.tail = "\n" + (br.tail or "")
    for cell in root.xpath("//td|//th"):  # cells of a row on one line, apart
        cell.tail = " " + (cell.tail or "")
    for block in root.xpath("//p|//div|//li|//tr|//h1|//h2|//h3|//h4|//table"):
        block.tail = "\n" + (block.tail or "")
    return strip_boilerplate(tidy(root.text_content()))


HTML_PER_TEXT_CHAR = 4  # markup read per character of text kept: a bigger answer is cut before parsing


def cap_text(text: str, limit: int, *, html_chars: int = 0) -> tuple[str, str | None]:
    """``text`` cut to ``limit`` characters like an attachment's, and the note saying so (or None).

    ``html_chars`` is the length of the markup the text came from, when that was cut before parsing."""
    if len(text) <= limit and html_chars <= limit * HTML_PER_TEXT_CHAR:
        return text, None
    if html_chars > limit * HTML_PER_TEXT_CHAR:
        read = limit * HTML_PER_TEXT_CHAR
        note = f"text cut: the source HTML had {html_chars:,} characters; read the first {read:,}"
    else:
        note = f"text cut at {limit:,} of {len(text):,} characters"
    return text[:limit], note


def capped_fragment_text(html: str, limit: int) -> tuple[str, str | None]:
    """:func:`fragment_text` capped at ``limit`` characters: (text, note or None). Markup beyond
    ``HTML_PER_TEXT_CHAR`` times the limit is not even parsed (a 49 MB ``DataContents``)."""
    html = html or ""
    text = fragment_text(html[: limit * HTML_PER_TEXT_CHAR])
    return cap_text(text, limit, html_chars=len(html))


def capped_page_text(html: str, url: str, limit: int) -> tuple[str, str | None]:
    """:func:`page_text` capped like :func:`capped_fragment_text`."""
    text = page_text(html[: limit * HTML_PER_TEXT_CHAR], url)
    return cap_text(text, limit, html_chars=len(html))


def tidy(text: str) -> str:
    """The shared normal form (:func:`normalize_text`) with no blank lines: page markup's line breaks
    carry no paragraph meaning, unlike a document's."""
    return "\n".join(line for line in normalize_text(text).split("\n") if line)


def strip_boilerplate(text: str) -> str:
    """Remove the reprint notice; a body that is only the notice becomes empty."""
    return tidy(_BOILERPLATE.sub("", text))
