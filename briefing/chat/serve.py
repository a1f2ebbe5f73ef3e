"""``briefing serve``: the built site and ``/api/chat`` on one local address, for development.

A stdlib ``ThreadingHTTPServer``: static files from the output folder (paths resolved inside it,
never outside) and the chat endpoint of :mod:`briefing.chat.http`. Pages built without a
``CHAT_ENDPOINT`` are served pointing at this server's own ``/api/chat``, so the chat panel works
locally without rebuilding.
"""

from __future__ import annotations

import contextlib
import logging
import mimetypes
import re
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from briefing.chat.http import ChatEndpoint, serve_handler
from briefing.settings import Settings

log = logging.getLogger(__name__)

CHAT_PATH = "/api/chat"
MAX_PATH_CHARS = 2048  # longer request paths are no file of the site (404 at once)
READ_TIMEOUT = 10.0  # seconds a client may take per read of its request (slow clients let go)
MAX_CONNECTIONS = 64  # connections served at once; more get a quick 503
LISTEN_BACKLOG = 128  # connections the kernel queues before accept (a burst of 50 is no reset)
_EMPTY_ENDPOINT = re.compile(rb'data-chat-endpoint=""')


def resolve_static(root: Path, url_path: str) -> Path | None:
    """The file under ``root`` for ``url_path`` (``index.html`` for folders), or None.

    Never a file outside ``root``: ``..``, encoded slashes and symlinks pointing out are refused.
    """
    if len(url_path) > MAX_PATH_CHARS:
        return None
    root = root.resolve()
    path = unquote(urlsplit(url_path).path)
    if "\x00" in path:
        return None
    parts = [p for p in path.split("/") if p not in ("", ".")]
    if any(p == ".." or "\\" in p for p in parts):
        return None
    try:  # a name too long for the file system, too many links: simply not a file of the site
        candidate = root.joinpath(*parts).resolve()
        if candidate != root and root not in candidate.parents:
            return None
        if candidate.is_dir():
            candidate = candidate / "index.html"
        return candidate if candidate.is_file() else None
    except (OSError, ValueError):
        return None


class BriefingHandler(SimpleHTTPRequestHandler):
    """Static files plus the chat endpoint. Class attributes are set by :func:`make_server`."""

    root: Path = Path("output")
    endpoint: ChatEndpoint
    inject_endpoint: bool = True
    allowed_hosts: frozenset[str] = frozenset({"localhost", "127.0.0.1", "::1"})
    server_version = "briefing"
    sys_version = ""
    timeout = READ_TIMEOUT  # socket timeout: a client that stops sending is dropped

    def parse_request(self) -> bool:
        """The request line and headers, then the ``Host`` check: a page on another name that
        resolves here (DNS rebinding) must not read this server's answers."""
        if not super().parse_request():
            return False
        host = _host_name(self.headers.get("Host", ""))
        if host not in self.allowed_hosts:
            self.close_connection = True
            body = b"Misdirected request: unknown Host\n"
            self.send_response(421)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Connection", "close")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            return False
        return True

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


def _host_name(value: str) -> str:
    """The host name of a ``Host`` header value, lower case, without port or IPv6 brackets."""
    value = value.strip().lower()
    if value.startswith("["):
        return value[1 : value.find("]")] if "]" in value else ""
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


def allowed_hosts(settings: Settings, bound: str) -> frozenset[str]:
    """``Host`` names answered: localhost forms, the address bound to and the configured site."""
    names = {"localhost", "127.0.0.1", "::1", bound.lower()}
    names |= {_host_name(h) for item in settings.serve_hosts for h in item.split(",")}
    site = urlsplit(settings.site_url).hostname
    if site:
        names.add(site.lower())
    return frozenset(n for n in names if n and n not in ("0.0.0.0", "::"))


class BoundedServer(ThreadingHTTPServer):
    """A threading server with a deep listen queue and a cap on connections served at once."""

    request_queue_size = LISTEN_BACKLOG
    daemon_threads = True

    def __init__(
        self, address: tuple[str, int], handler: type, max_connections: int = MAX_CONNECTIONS
    ) -> None:
        super().__init__(address, handler)
        self._slots = threading.BoundedSemaphore(max_connections)

    def process_request(self, request, client_address) -> None:  # type: ignore[no-untyped-def]
        if not self._slots.acquire(blocking=False):
            with contextlib.suppress(OSError):  # full: a short answer now, not a thread per client
                request.sendall(
                    b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Length: 0\r\n"
                    b"Connection: close\r\n\r\n"
                )
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._slots.release()
            raise

    def process_request_thread(self, request, client_address) -> None:  # type: ignore[no-untyped-def]
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()


def make_server(
    settings: Settings,
    host: str = "127.0.0.1",
    port: int = 8000,
    output: Path | None = None,
    index_dir: Path | None = None,
    inject_endpoint: bool = True,
    *,
    read_timeout: float = READ_TIMEOUT,
    max_connections: int = MAX_CONNECTIONS,
) -> ThreadingHTTPServer:
    """A server (not yet running) for the site in ``output`` and its chat index.

    ``inject_endpoint=False`` serves pages exactly as built (a page without an endpoint then
    shows the chat panel's search fallback). ``read_timeout`` and ``max_connections`` bound what
    slow or many clients can hold (see docs/security.md).
    """
    root = Path(output or settings.output_dir)
    endpoint = ChatEndpoint(settings, index_dir or root / "chat-index", trust_forwarded=False)
    attrs = {
        "root": root,
        "endpoint": endpoint,
        "inject_endpoint": inject_endpoint,
        "allowed_hosts": allowed_hosts(settings, host),
        "timeout": read_timeout,
    }
    handler = type("Handler", (BriefingHandler,), attrs)
    return BoundedServer((host, port), handler, max_connections=max_connections)


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
