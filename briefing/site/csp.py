"""The site's Content-Security-Policy: one policy for the ``<meta>`` every page carries (GitHub
Pages cannot send headers) and for the header the tests and ``briefing serve`` send.

Scripts, styles, images, fonts and fetches only from the site itself: ``'self'`` plus the origin of
``SITEURL`` (the same thing in production; pages built with an absolute ``SITEURL`` and served from
elsewhere, as by ``briefing serve`` on a publish build, load their assets from there). The JSON-LD
block is data, not script. ``connect-src`` adds the chat endpoint's origin when the chat lives
elsewhere (Vercel, Lambda). ``frame-ancestors`` only works as a header: a ``<meta>`` carrying it is
ignored with a console error, so it is left out there.
"""

from __future__ import annotations

from urllib.parse import urlsplit


def origin_of(url: str) -> str:
    """``scheme://host[:port]`` of an absolute http(s) URL; empty for anything else."""
    parts = urlsplit((url or "").strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c in parts.netloc for c in " ;,'\""):
        return ""
    return f"{parts.scheme}://{parts.netloc}"


def policy(chat_endpoint: str = "", *, site_url: str = "", header: bool = False) -> str:
    """The policy for pages of the site at ``site_url`` whose chat talks to ``chat_endpoint``;
    ``header`` adds what only a response header can carry."""
    own = " ".join(dict.fromkeys(["'self'", *filter(None, [origin_of(site_url)])]))
    connect = " ".join(dict.fromkeys([*own.split(), *filter(None, [origin_of(chat_endpoint)])]))
    text = (
        f"default-src {own}; script-src {own}; style-src {own}; img-src {own} data:; font-src {own}; "
        f"connect-src {connect}; object-src 'none'; base-uri 'self'; form-action 'self'"
    )
    return text + ("; frame-ancestors 'none'" if header else "")
