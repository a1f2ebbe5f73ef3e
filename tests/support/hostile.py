"""Small hostile servers on 127.0.0.1 for the hardening tests: each path answers as told, and
every request is logged, so a test can prove that a request never arrived.

Usage::

    with HostileServer({"/secret": send(b"internal"), "/drip": drip(1_000_000, 0.2)}) as evil:
        evil.url("/secret")      # http://127.0.0.1:<port>/secret
        evil.count("/secret")    # requests that reached it
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

Route = Callable[[BaseHTTPRequestHandler], None]


def send(body: bytes, status: int = 200, content_type: str = "application/octet-stream") -> Route:
    """Answer ``body`` whole."""

    def route(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    return route


def redirect(location: str, status: int = 302) -> Route:
    """Answer a redirect to ``location``."""

    def route(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(status)
        handler.send_header("Location", location)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    return route


def drip(size: int, interval: float, chunk: bytes = b"%") -> Route:
    """Promise ``size`` bytes and send one small chunk every ``interval`` seconds (never a read timeout)."""

    def route(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/pdf")
        handler.send_header("Content-Length", str(size))
        handler.end_headers()
        sent = 0
        try:
            while sent < size and not getattr(handler.server, "stopping", False):
                handler.wfile.write(chunk)
                handler.wfile.flush()
                sent += len(chunk)
                time.sleep(interval)
        except OSError:  # the client gave up: that is the point
            pass

    return route


class HostileServer:
    """A ``ThreadingHTTPServer`` on 127.0.0.1 answering from ``routes`` (path -> route), 404 otherwise."""

    def __init__(self, routes: dict[str, Route] | None = None) -> None:
        self.routes: dict[str, Route] = dict(routes or {})
        self.requests: list[str] = []
        self._server: ThreadingHTTPServer | None = None

    def __enter__(self) -> HostileServer:
        server_self = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                path = urlsplit(self.path).path
                server_self.requests.append(path)
                route = server_self.routes.get(path) or send(b"not here", 404, "text/plain")
                route(self)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._server.block_on_close = False
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.stopping = True  # type: ignore[attr-defined]
        self._server.shutdown()
        self._server.server_close()

    @property
    def port(self) -> int:
        assert self._server is not None
        return int(self._server.server_address[1])

    def url(self, path: str = "/", host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def count(self, path: str | None = None) -> int:
        return sum(1 for p in list(self.requests) if path is None or p == path)
