"""Vercel Python function for ``POST /api/chat`` (a few lines over :mod:`briefing.chat_http`).

Vercel runs a ``BaseHTTPRequestHandler`` subclass named ``handler``. The bundle must include the
``briefing`` package and the chat index (``output/chat-index`` by default, or the folder named by
``BRIEFING_CHAT_INDEX``); see docs/chat.md. The endpoint (settings, index, rate limiter) lives at
module level so a warm instance reuses it; no request state is kept.
"""

from __future__ import annotations

import os
import sys
from http.server import BaseHTTPRequestHandler
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # the repository root holds the briefing package
    sys.path.insert(0, str(ROOT))

from briefing.chat_http import ChatEndpoint, serve_handler  # noqa: E402
from briefing.settings import Settings  # noqa: E402

INDEX_DIR = Path(os.environ.get("BRIEFING_CHAT_INDEX") or ROOT / "output" / "chat-index")
# Behind Vercel's proxy the client address is the first X-Forwarded-For entry.
ENDPOINT = ChatEndpoint(Settings.load(), INDEX_DIR, trust_forwarded=True)


class handler(BaseHTTPRequestHandler):  # lower case: the name Vercel looks for
    def do_POST(self) -> None:
        serve_handler(self, ENDPOINT)

    do_OPTIONS = do_GET = do_POST

    def log_message(self, format: str, *args: object) -> None:
        pass  # Vercel logs requests itself; bodies are never logged
