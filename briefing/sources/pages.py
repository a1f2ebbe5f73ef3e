"""Release pages: their main text (trafilatura) and the attachment links on them.

On the portal most releases carry their real content only in attachments; the page body is then
just the notice "이 자료는 ○○의 보도자료를 전재하여 제공함을 알려드립니다" (or "본문은 첨부파일을
참조하세요"), which is treated as no body at all.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from urllib.parse import unquote, urljoin, urlsplit

import lxml.html

DOCUMENT_EXTENSIONS = (".hwp", ".hwpx", ".pdf", ".odt", ".docx")
_DOC_IN_TEXT = re.compile(r"\.(hwpx?|pdf|odt|docx)\b", re.I)
_DOWNLOAD_PATH = re.compile(r"/common/download\.do|filedown|download", re.I)
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
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


HTML_PER_TEXT_CHAR = 4  # markup read per character of text kept: a bigger answer is cut before parsing


@dataclass
class PageContent:
    text: str
    attachments: list[tuple[str, str]] = field(default_factory=list)  # (name, absolute url)
    cut: str | None = None  # why the text is shorter than the page's (see :func:`cap_text`)


def cap_text(text: str, limit: int, *, html_chars: int = 0) -> tuple[str, str | None]:
    """``text`` cut to ``limit`` characters like an attachment's, and the note saying so (or None).

    ``html_chars`` is the length of the markup the text came from, when that was cut before parsing."""
    if len(text) <= limit and html_chars <= limit * HTML_PER_TEXT_CHAR:
        return text, None
    if html_chars > limit * HTML_PER_TEXT_CHAR:
        note = f"text cut: the source HTML had {html_chars:,} characters; read the first {limit * HTML_PER_TEXT_CHAR:,}"
    else:
        note = f"text cut at {limit:,} of {len(text):,} characters"
    return text[:limit], note


def body_text(html: str, limit: int) -> tuple[str, str | None]:
    """Text of an API ``DataContents`` fragment capped at ``limit`` characters: (text, note or None).
    Markup beyond ``HTML_PER_TEXT_CHAR`` times the limit is not even parsed (a 49 MB answer)."""
    size = len(html or "")
    text = fragment_text((html or "")[: limit * HTML_PER_TEXT_CHAR])
    return cap_text(text, limit, html_chars=size)


def read_page(html: str, url: str, max_chars: int | None = None) -> PageContent:
    """Main text and attachment links of a release page; the text capped at ``max_chars``."""
    if max_chars is None:
        return PageContent(text=page_text(html, url), attachments=find_attachment_links(html, url))
    size = len(html)
    html = html[: max_chars * HTML_PER_TEXT_CHAR]
    text, cut = cap_text(page_text(html, url), max_chars, html_chars=size)
    return PageContent(text=text, attachments=find_attachment_links(html, url), cut=cut)


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


def tidy(text: str) -> str:
    """NFC, no control characters, spaces collapsed within lines, no blank-line runs."""
    text = _CONTROL.sub("", unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\xa0", " ")))
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


def strip_boilerplate(text: str) -> str:
    """Remove the reprint notice; a body that is only the notice becomes empty."""
    return tidy(_BOILERPLATE.sub("", text))


def find_attachment_links(html: str, base_url: str) -> list[tuple[str, str]]:
    """Links that name a document (by text, href or extension) or point at a download endpoint.

    Returns ``(name, absolute_url)`` in page order, each URL once; only http(s) URLs.
    """
    try:
        root = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return []
    found: list[tuple[str, str]] = []
    seen: set[str] = set()
    for anchor in root.iter("a"):
        href = (anchor.get("href") or "").strip()
        if not href or href.startswith("#"):
            continue
        url = urljoin(base_url, href)
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or url in seen:
            continue
        label = " ".join(anchor.text_content().split())
        title = " ".join((anchor.get("title") or anchor.get("download") or "").split())
        path = unquote(parts.path).lower()
        is_document = (
            path.endswith(DOCUMENT_EXTENSIONS)
            or bool(_DOC_IN_TEXT.search(label) or _DOC_IN_TEXT.search(title))
            or bool(_DOWNLOAD_PATH.search(parts.path + "?" + parts.query))
        )
        if not is_document:
            continue
        seen.add(url)
        name = next(
            (n for n in (label, title) if _DOC_IN_TEXT.search(n)),
            unquote(parts.path.rsplit("/", 1)[-1]) if path.endswith(DOCUMENT_EXTENSIONS) else label,
        )
        found.append((name or "attachment", url))
    return found
