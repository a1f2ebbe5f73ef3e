"""The built site served as GitHub Pages serves it, under the strict CSP it must work with.

Static files from a folder on 127.0.0.1, ``404.html`` for any missing address, and the
Content-Security-Policy of a locked-down host (no inline script or style). Used by the browser tests
and ``scripts/screenshots.py``.
"""

from __future__ import annotations

import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from briefing.site.csp import policy as csp_policy

# the site's own policy (briefing.site.csp), sent as a header: the pages carry it as a <meta>, and a
# header adds frame-ancestors, which a <meta> cannot carry
CSP = csp_policy(header=True)


class CSPHandler(SimpleHTTPRequestHandler):
    """Static files with the strict Content-Security-Policy the site must work under."""

    def end_headers(self) -> None:
        self.send_header("Content-Security-Policy", CSP)
        self.send_header("X-Content-Type-Options", "nosniff")
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """A missing address gets the site's 404.html, as GitHub Pages serves it."""
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


def serve_with_csp(directory: Path) -> tuple[ThreadingHTTPServer, str]:
    """Serve ``directory`` on a free loopback port with the strict CSP: (server, base URL)."""
    handler = functools.partial(CSPHandler, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"
