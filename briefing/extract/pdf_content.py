"""A fast reader of PDF page content streams into pypdf's ``(operands, operator)`` operations.

Why: after the drawing is dropped (:func:`briefing.extract.pdf.text_operations`), pypdf's own
content-stream parser, which reads byte by byte through ``BytesIO``, was still half of the PDF
extraction time. This one matches a token at a time with one regular expression and builds the
same pypdf objects pypdf would (numbers, names, strings as ``create_string_object`` makes them,
arrays, dictionaries), so pypdf's text extraction runs on it unchanged. Anything it does not
know (inline images, ``#`` escapes in names, unbalanced brackets) raises :class:`Unsupported`
and the caller lets pypdf parse the page itself.
"""

from __future__ import annotations

import io
import re
from typing import Any

from briefing.errors import BriefingError

_DELIMS = rb"\x00\t\n\f\r ()<>\[\]{}/%"
_TOKEN = re.compile(  # leading white space is part of the match: half as many matches
    rb"[\x00\t\n\f\r ]*(?:"
    rb"(?P<number>[-+]?(?:\d+\.?\d*|\.\d+)(?=[" + _DELIMS + rb"]|$))"
    rb"|(?P<hex><[0-9A-Fa-f\x00\t\n\f\r ]*>)"
    rb"|(?P<word>[^" + _DELIMS + rb"]+)"
    rb"|(?P<name>/[^" + _DELIMS + rb"]*)"
    rb"|(?P<array>[\[\]])"
    rb"|(?P<dict><<|>>)"
    rb"|(?P<string>\()"
    rb"|(?P<comment>%[^\r\n]*)"
    rb"|(?P<ws>$))"
)
# Without literal strings every token is one of these, so the whole stream is cut up in C.
_SIMPLE = re.compile(
    rb"<<|>>|<[0-9A-Fa-f\x00\t\n\f\r ]*>|[\[\]]|/[^"
    + _DELIMS
    + rb"]*|%[^\r\n]*|[^"
    + _DELIMS
    + rb"]+|[^\x00\t\n\f\r ]"
)
_NUMBER = re.compile(rb"[-+]?(?:\d+\.?\d*|\.\d+)")
_PARENS = re.compile(rb"[()\\]")
_HEX_SPACE = re.compile(rb"[\x00\t\n\f\r ]+")


class Unsupported(BriefingError):
    """The stream holds something this reader leaves to pypdf (never leaves briefing.extract.pdf)."""


# The operators pypdf's text extraction acts on (pypdf/_page.py ``_extract_text`` and
# ``_text_extraction/_text_extractor.py``); it passes over every other one.
TEXT_OPERATORS = frozenset(
    {b"BT", b"ET", b"q", b"Q", b"cm", b"Tz", b"Tc", b"Tw", b"TL", b"Tf", b"Td", b"TD", b"Tm", b"T*"}
    | {b"Tj", b"TJ", b"'", b'"', b"Do"}
)


def parse_operations(data: bytes, only: frozenset[bytes] | None = None) -> list[tuple[Any, bytes]]:
    """The operations of a content stream, as pypdf's ``ContentStream.operations`` lists them
    (those with an operator in ``only``, when given)."""
    if b"(" in data:
        return _parse_general(data, only)
    return _parse_simple(data, only)


def _parse_simple(data: bytes, only: frozenset[bytes] | None) -> list[tuple[Any, bytes]]:
    """:func:`parse_operations` of a stream without literal strings (Hancom writes hex strings):
    tokens come from one ``findall``, and each distinct number, name or string is made once
    (they are immutable, and glyph codes and coordinates repeat)."""
    from pypdf.generic import BooleanObject, NullObject

    operations: list[tuple[Any, bytes]] = []
    operands: list[Any] = []
    stack: list[list[Any]] = []
    kinds: list[bytes] = []
    made: dict[bytes, Any] = {}
    for token in _SIMPLE.findall(data):
        obj = made.get(token)
        if obj is None:
            obj = made[token] = _object(token)
        if obj is not _KEYWORD:
            (stack[-1] if stack else operands).append(obj)
            continue
        if token in (b"[", b"<<"):
            stack.append([])
            kinds.append(token)
        elif token in (b"]", b">>"):
            _close(token, stack, kinds, operands)
        elif token[:1] == b"%":
            continue
        elif token in (b"true", b"false"):
            (stack[-1] if stack else operands).append(BooleanObject(token == b"true"))
        elif token == b"null":
            (stack[-1] if stack else operands).append(NullObject())
        elif stack:
            raise Unsupported(f"operator {token!r} inside brackets")
        elif token in (b"BI", b"ID", b"EI") or token[:1] in b"<>{}":
            raise Unsupported(f"{token!r}")
        else:
            if only is None or token in only:
                operations.append((operands, token))
            operands = []
    if stack:
        raise Unsupported("unclosed brackets")
    return operations


_KEYWORD = object()  # what _object gives for operators, brackets and keywords


def _object(token: bytes) -> Any:
    """The pypdf object of a number, name or hex string token; _KEYWORD for anything else."""
    from pypdf.generic import FloatObject, NameObject, NumberObject

    first = token[:1]
    if first == b"/":
        if b"#" in token:
            raise Unsupported("name with # escapes")
        return NameObject(token.decode("latin-1"))
    if first == b"<" and token != b"<<":
        return _hex_string(token[1:-1])
    if first in b"0123456789+-." and _NUMBER.fullmatch(token):
        return FloatObject(token) if b"." in token else NumberObject(int(token))
    return _KEYWORD


def _parse_general(data: bytes, only: frozenset[bytes] | None) -> list[tuple[Any, bytes]]:
    """:func:`parse_operations` of any stream, literal strings included."""
    from pypdf.generic import (
        BooleanObject,
        FloatObject,
        NameObject,
        NullObject,
        NumberObject,
    )
    from pypdf.generic._utils import read_string_from_stream

    operations: list[tuple[Any, bytes]] = []
    operands: list[Any] = []
    stack: list[list[Any]] = []  # open arrays and dictionaries (as flat lists until closed)
    kinds: list[bytes] = []
    names: dict[bytes, Any] = {}
    numbers: dict[bytes, Any] = {}
    match = _TOKEN.match
    pos, end = 0, len(data)
    while pos < end:
        found = match(data, pos)
        if found is None:
            raise Unsupported(f"unreadable byte {data[pos : pos + 1]!r} at {pos}")
        kind = found.lastgroup
        start, pos = found.span(kind)
        target = stack[-1] if stack else operands
        if kind == "ws" or kind == "comment":
            continue
        if kind == "number":  # immutable, and coordinates repeat: made once per distinct token
            token = found.group(kind)
            number = numbers.get(token)
            if number is None:
                number = numbers[token] = FloatObject(token) if b"." in token else NumberObject(int(token))
            target.append(number)
        elif kind == "name":
            token = found.group(kind)
            name = names.get(token)
            if name is None:
                if b"#" in token:
                    raise Unsupported("name with # escapes")
                name = names[token] = NameObject(token.decode("latin-1"))
            target.append(name)
        elif kind == "hex":
            target.append(_hex_string(data[start + 1 : pos - 1]))
        elif kind == "string":
            pos = _string_end(data, start)
            target.append(read_string_from_stream(io.BytesIO(data[start:pos]), "bytes"))
        elif kind == "array" or kind == "dict":
            token = found.group(kind)
            if token in (b"[", b"<<"):
                stack.append([])
                kinds.append(token)
                continue
            _close(token, stack, kinds, operands)
        # a keyword: an operator, or true/false/null inside an array or dictionary. The same rules as
        # _parse_simple's, written out in both loops: a shared token iterator would add a call per token
        else:
            token = found.group(kind)
            if token in (b"true", b"false"):
                target.append(BooleanObject(token == b"true"))
            elif token == b"null":
                target.append(NullObject())
            elif stack:
                raise Unsupported(f"operator {token!r} inside brackets")
            elif token in (b"BI", b"ID", b"EI"):
                raise Unsupported("inline image")
            else:
                if only is None or token in only:
                    operations.append((operands, token))
                operands = []
    if stack:
        raise Unsupported("unclosed brackets")
    return operations


def _hex_string(digits: bytes) -> Any:
    """The string object of a hex string's digits (between ``<`` and ``>``), as pypdf makes it:
    white space dropped, an odd last digit taken as followed by 0."""
    from pypdf.generic._utils import create_string_object

    digits = _HEX_SPACE.sub(b"", digits)
    if len(digits) % 2:
        digits += b"0"
    return create_string_object(bytes.fromhex(digits.decode("ascii")), "bytes")


def _close(token: bytes, stack: list[list[Any]], kinds: list[bytes], operands: list[Any]) -> None:
    """Close the innermost open array (``]``) or dictionary (``>>``): its items become one object
    of what encloses it (another open one, or the next operation's operands)."""
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject

    if not kinds or kinds[-1] != (b"[" if token == b"]" else b"<<"):
        raise Unsupported("unbalanced brackets")
    kinds.pop()
    items = stack.pop()
    if token == b"]":
        value: Any = ArrayObject(items)
    else:
        if len(items) % 2 or not all(isinstance(k, NameObject) for k in items[::2]):
            raise Unsupported("dictionary without name keys")
        value = DictionaryObject(zip(items[::2], items[1::2], strict=True))
    (stack[-1] if stack else operands).append(value)


def _string_end(data: bytes, start: int) -> int:
    """Position after the literal string opened at ``start`` (nested parentheses, escapes)."""
    depth = 0
    pos = start
    search = _PARENS.search
    while (found := search(data, pos)) is not None:
        char = data[found.start()]
        pos = found.end()
        if char == 0x5C:  # backslash: the next byte is escaped
            pos += 1
        elif char == 0x28:
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                return pos
    raise Unsupported("unterminated string")
