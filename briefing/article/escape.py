"""Escaping untrusted text (feed titles, attachment names, model output) for Markdown and HTML.

Every character Markdown or HTML would interpret becomes a character reference, so the text renders
as text whatever it holds; URLs are kept only when http(s).
"""

from __future__ import annotations

import html
import re
from urllib.parse import quote, urlsplit

_ENTITIES = {
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    '"': "&quot;",
    "\\": "&#92;",
    "`": "&#96;",
    "*": "&#42;",
    "_": "&#95;",
    "[": "&#91;",
    "]": "&#93;",
    "{": "&#123;",
    "}": "&#125;",
    "|": "&#124;",
    "#": "&#35;",
    "!": "&#33;",
    "~": "&#126;",
    "^": "&#94;",
    "$": "&#36;",
}
_TRANSLATE = str.maketrans(_ENTITIES)
_LINE_START = {"-": "&#45;", "+": "&#43;", "=": "&#61;", ":": "&#58;"}
_ORDERED = re.compile(r"^(\d+)([.)])")


def escape_inline(text: str) -> str:
    """One line of untrusted text, safe in Markdown and HTML (whitespace runs become one space)."""
    line = " ".join(str(text).split())
    out = line.translate(_TRANSLATE)
    if out and out[0] in _LINE_START:
        out = _LINE_START[out[0]] + out[1:]
    return _ORDERED.sub(lambda m: m.group(1) + ("&#46;" if m.group(2) == "." else "&#41;"), out)


def escape_block(text: str) -> str:
    """Untrusted multi-line text as Markdown paragraphs, one per non-empty line."""
    lines = [escape_inline(line) for line in str(text).splitlines()]
    return "\n\n".join(line for line in lines if line)


def safe_url(url: str) -> str:
    """``url`` when it is http(s), with characters that could break out of an attribute encoded;
    empty otherwise (a ``javascript:`` link from a feed is dropped)."""
    url = (url or "").strip()
    if urlsplit(url).scheme.lower() not in ("http", "https"):
        return ""
    return quote(url, safe=":/?#@!$&'()*+,;=%~.-_[]")


def escape_run(text: str) -> str:
    """A piece of a line (between claim marks): like :func:`escape_inline` but keeps one leading or
    trailing space, so pieces joined back read as the original line."""
    return re.sub(r"\s+", " ", str(text)).translate(_TRANSLATE)


def line_start(out: str) -> str:
    """Neutralise what Markdown would read at the start of a line (list markers, headings)."""
    if out and out[0] in _LINE_START:
        out = _LINE_START[out[0]] + out[1:]
    return _ORDERED.sub(lambda m: m.group(1) + ("&#46;" if m.group(2) == "." else "&#41;"), out)


def link_html(url: str, label_html: str) -> str:
    """An outgoing link with ``label_html`` (already escaped) as its text; the label alone when
    ``url`` is not http(s). The one rule for links in articles and original texts."""
    href = safe_url(url)
    if not href:
        return label_html
    return f'<a href="{html.escape(href, quote=True)}" rel="nofollow noopener">{label_html}</a>'
