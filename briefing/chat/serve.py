"""``briefing serve``: the built site and ``/api/chat`` on one local address, for development.

A stdlib ``ThreadingHTTPServer``: static files from the output folder (paths resolved inside it,
never outside) and the chat endpoint of :mod:`briefing.chat.http`. Pages built without a
``CHAT_ENDPOINT`` are served pointing at this server's own ``/api/chat``, so the chat panel works
locally without rebuilding.
"""

from __future__ import annotations

import logging
import mimetypes
import re
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from briefing.chat.http import ChatEndpoint, serve_handler
from briefing.settings import Settings

log = logging.getLogger(__name__)

CHAT_PATH = "/api/chat"
_EMPTY_ENDPOINT = re.compile(rb'data-chat-endpoint=""')


def resolve_static(root: Path, url_path: str) -> Path | None:
    """The file under ``root`` for ``url_path`` (``index.html`` for folders), or None.

    Never a file outside ``root``: ``..``, encoded slashes and symlinks pointing out are refused.
    """
    root = root.resolve()
    path = unquote(urlsplit(url_path).path)
    if "\x00" in path:
        return None
    parts = [p for p in path.split("/") if p not in ("", ".")]
    if any(p == ".." or "\\" in p for p in parts):
        return None
    candidate = root.joinpath(*parts).resolve()
    if candidate != root and root not in candidate.parents:
        return None
    if candidate.is_dir():
        candidate = candidate / "index.html"
    return candidate if candidate.is_file() else None


class BriefingHandler(SimpleHTTPRequestHandler):
    """Static files plus the chat endpoint. Class attributes are set by :func:`make_server`."""

    root: Path = Path("output")
    endpoint: ChatEndpoint
    inject_endpoint: bool = True
    server_version = "briefing"
    sys_version = ""

    def _is_chat(self) -> bool:
        return urlsplit(self.path).path.rstrip("/") == CHAT_PATH

    def do_POST(self) -> None:
        if self._is_chat():
            serve_handler(self, self.endpoint)
        else:
            self.send_error(405, "POST only to /api/chat")

    def do_OPTIONS(self) -> None:
        if self._is_chat():
            serve_handler(self, self.endpoint)
        else:
            self.send_error(405)

    def do_GET(self) -> None:
        self._static(send_body=True)

    def do_HEAD(self) -> None:
        self._static(send_body=False)

    def _static(self, send_body: bool) -> None:
        if self._is_chat():
            serve_handler(self, self.endpoint)  # answers 405 with the contract's JSON
            return
        found = resolve_static(self.root, self.path)
        if found is None:
            fallback = self.root / "404.html"
            self.send_response(404)
            body = fallback.read_bytes() if fallback.is_file() else b"Not found"
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if send_body:
                self.wfile.write(body)
            return
        data = found.read_bytes()
        kind = mimetypes.guess_type(found.name)[0] or "application/octet-stream"
        if kind == "text/html" and self.inject_endpoint:
            data = _EMPTY_ENDPOINT.sub(f'data-chat-endpoint="{CHAT_PATH}"'.encode(), data, count=1)
        if kind.startswith("text/") or kind in ("application/javascript", "application/json"):
            kind += "; charset=utf-8"
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-cache")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if send_body:
            self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        log.info("%s %s", self.address_string(), format % args)


def make_server(
    settings: Settings,
    host: str = "127.0.0.1",
    port: int = 8000,
    output: Path | None = None,
    index_dir: Path | None = None,
    inject_endpoint: bool = True,
) -> ThreadingHTTPServer:
    """A server (not yet running) for the site in ``output`` and its chat index.

    ``inject_endpoint=False`` serves pages exactly as built (a page without an endpoint then
    shows the chat panel's search fallback).
    """
    root = Path(output or settings.output_dir)
    endpoint = ChatEndpoint(settings, index_dir or root / "chat-index", trust_forwarded=False)
    attrs = {"root": root, "endpoint": endpoint, "inject_endpoint": inject_endpoint}
    handler = type("Handler", (BriefingHandler,), attrs)
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server


def serve(
    settings: Settings,
    host: str = "127.0.0.1",
    port: int = 8000,
    output: Path | None = None,
    index_dir: Path | None = None,
) -> None:
    """Serve the built site and ``/api/chat`` until interrupted (index: ``output/chat-index``
    unless given, e.g. ``build/chat-index`` after a publish build)."""
    server = make_server(settings, host, port, output, index_dir=index_dir)
    bound_host, bound_port = server.server_address[:2]
    model = settings.chat_model or settings.llm_model or "(없음: 관련 보도자료만 표시)"
    print(f"briefing serve: http://{bound_host}:{bound_port}/  chat: {CHAT_PATH}  model: {model}", flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()
