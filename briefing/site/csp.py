"""The site's Content-Security-Policy: one policy for the ``<meta>`` every page carries (GitHub
Pages cannot send headers) and for the header the tests and ``briefing serve`` send.

Scripts only from the site itself (the JSON-LD block is data, not script); ``connect-src`` adds the
chat endpoint's origin when the chat lives elsewhere (Vercel, Lambda). ``frame-ancestors`` only
works as a header: a ``<meta>`` carrying it is ignored with a console error, so it is left out there.
"""

from __future__ import annotations

from urllib.parse import urlsplit

_BASE = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src {connect}; object-src 'none'; base-uri 'self'; form-action 'self'"
)


def chat_origin(endpoint: str) -> str:
    """``scheme://host[:port]`` of an absolute http(s) chat endpoint; empty for a relative one."""
    parts = urlsplit((endpoint or "").strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c in parts.netloc for c in " ;'\""):
        return ""
    return f"{parts.scheme}://{parts.netloc}"


def policy(chat_endpoint: str = "", *, header: bool = False) -> str:
    """The policy for pages whose chat talks to ``chat_endpoint``; ``header`` adds what only a
    response header can carry."""
    origin = chat_origin(chat_endpoint)
    text = _BASE.format(connect="'self'" + (f" {origin}" if origin else ""))
    return text + ("; frame-ancestors 'none'" if header else "")
