"""Vercel Python function for ``POST /api/chat`` over :mod:`briefing.chat.http`.

Vercel runs a ``BaseHTTPRequestHandler`` subclass named ``handler`` from ``api/chat.py``, which
re-exports this one. The bundle must include the ``briefing`` package and the chat index
(``output/chat-index`` by default, or the folder named by ``BRIEFING_CHAT_INDEX``); see docs/chat.md.
The endpoint (settings, index, rate limiter) lives at module level so a warm instance reuses it; no
request state is kept.
"""

from __future__ import annotations

import os
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from briefing.chat.http import ChatEndpoint, serve_handler
from briefing.settings import Settings

ROOT = Path(__file__).resolve().parents[3]  # the repository root, as Vercel bundles it
INDEX_DIR = Path(os.environ.get("BRIEFING_CHAT_INDEX") or ROOT / "output" / "chat-index")
# Behind Vercel's proxy the client address is the X-Forwarded-For Vercel writes (its last entry:
# see ChatEndpoint.client_of and docs/security.md).
ENDPOINT = ChatEndpoint(Settings.load(), INDEX_DIR, trust_forwarded=True)


class handler(BaseHTTPRequestHandler):  # lower case: the name Vercel looks for
    def do_POST(self) -> None:
        serve_handler(self, ENDPOINT)

    do_OPTIONS = do_GET = do_POST

    def log_message(self, format: str, *args: object) -> None:
        pass  # Vercel logs requests itself; bodies are never logged
