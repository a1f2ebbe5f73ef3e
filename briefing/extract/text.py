"""Text clean-up shared by every format: one normal form for storage, search and summaries."""

from __future__ import annotations

import re
import unicodedata

# C0/C1 controls except tab and newline, plus invisible format characters that break matching
# (zero-width space/joiners, BOM, soft hyphen) and lone surrogates from damaged UTF-16.
_CONTROL = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u200b-\u200d\u2060\ufeff\ud800-\udfff\ufffe\uffff]"
)
_HSPACE = re.compile(r"[^\S\n]+")  # any whitespace but newline (tabs, NBSP, ideographic space, …)
_TRAILING = re.compile(r" *\n *")
_BLANK_LINES = re.compile(r"\n{3,}")

# Hancom's PDF printer letter-spaces headings and table labels: "통 합 재 정 통 계", "순 융 자 :".
# Single Hangul syllables separated by equal gaps are one word when there are four or more, or three
# closing a line or a label (before ":" or ")"). Shorter runs ("기 업") and runs inside a sentence
# ("그 중 약 3개", "할 수 있는") stay apart so ordinary words are never glued together.
_SYLLABLE_RUN = r"(?<!\w)[가-힣](?:( +)[가-힣](?!\w))(?:\1[가-힣](?!\w)){%s}"
_LETTER_SPACED_LONG = re.compile(_SYLLABLE_RUN % "2,")
_LETTER_SPACED_LABEL = re.compile(_SYLLABLE_RUN % "1" + r"(?= *(?:$|[:：)\]]))", re.MULTILINE)
HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")


def join_letter_spaced(text: str) -> str:
    """Join letter-spaced Hangul runs ("통 합 재 정" -> "통합재정"), leaving normal words apart."""

    def glue(match: re.Match[str]) -> str:
        return match.group(0).replace(" ", "")

    return _LETTER_SPACED_LABEL.sub(glue, _LETTER_SPACED_LONG.sub(glue, text))


def normalize_text(text: str) -> str:
    """NFC, no control characters, one space between words, at most one blank line in a row."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    text = _CONTROL.sub("", text)
    text = _HSPACE.sub(" ", text)
    text = _TRAILING.sub("\n", text)
    text = _BLANK_LINES.sub("\n\n", text)
    return text.strip()


def has_hangul(text: str) -> bool:
    """True when ``text`` holds at least one Hangul letter or syllable."""
    return HANGUL.search(text) is not None
