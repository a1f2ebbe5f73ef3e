"""Hostile requests against the chat server and its platform adapters (finding 5), over real sockets.

``briefing serve`` runs on 127.0.0.1 over a tiny site; the Vercel handler runs in a stdlib server
as Vercel runs it; the Lambda handler gets function-URL events as AWS sends them.
"""

from __future__ import annotations

import json
import socket
import struct
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest

from briefing.chat.serve import make_server
from briefing.settings import Settings
from tests.support.chat_support import ADAPTERS, fresh_module

NESTED = b'{"question": "x", "history": ' + b"[" * 5000 + b"]" * 5000 + b"}"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    (tmp_path / "index.html").write_text("<!doctype html><title>home</title>", encoding="utf-8")
    (tmp_path / "404.html").write_text("<!doctype html><title>404</title>", encoding="utf-8")
    return tmp_path


def _start(server: ThreadingHTTPServer) -> str:
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    host, port = server.server_address[:2]
    return f"http://{host}:{port}"


@pytest.fixture
def serve(site: Path) -> Iterator:
    servers: list[ThreadingHTTPServer] = []

    def start(**kwargs) -> str:
        settings = Settings().with_values(
            {"llm_model": "", "site_url": "https://briefing.example.org/", **kwargs.pop("settings", {})}
        )
        server = make_server(settings, "127.0.0.1", 0, output=site, **kwargs)
        servers.append(server)
        return _start(server)

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def _request(url: str, data: bytes | None = None, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def _chat(base: str, body: bytes, headers: dict[str, str] | None = None) -> tuple[int, dict]:
    status, raw = _request(
        base + "/api/chat",
        body,
        {"Content-Type": "application/json", "Accept": "application/json", **(headers or {})},
    )
    return status, json.loads(raw or b"{}")


def test_deeply_nested_json_is_a_clear_400(serve) -> None:
    base = serve()
    status, answer = _chat(base, NESTED)
    assert status == 400 and answer["error"]["code"] == "json_too_deep"
    assert _request(base + "/")[0] == 200  # the server is fine


def _lambda_event(body: bytes, source_ip: str, forwarded: str = "") -> dict:
    headers = {"content-type": "application/json", "accept": "application/json"}
    if forwarded:
        headers["x-forwarded-for"] = forwarded
    return {
        "requestContext": {"http": {"method": "POST", "sourceIp": source_ip}},
        "headers": headers,
        "body": body.decode(),
        "isBase64Encoded": False,
    }


def test_lambda_adapter_answers_nested_json_400_and_keys_on_the_source_ip(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("BRIEFING_CHAT_RATE", "3")
    monkeypatch.setenv("BRIEFING_CHAT_INDEX", str(tmp_path / "no-index"))
    module = fresh_module(ADAPTERS / "aws_lambda.py", "briefing_lambda_under_test")
    result = module.handler(_lambda_event(NESTED, "198.51.100.1"))
    assert result["statusCode"] == 400 and "json_too_deep" in result["body"]
    statuses = [
        module.handler(_lambda_event(b'{"question": "q"}', "198.51.100.2", f"10.0.0.{n}"))["statusCode"]
        for n in range(8)
    ]
    assert statuses.count(429) == 5, statuses  # a made-up X-Forwarded-For buys no new bucket


def test_vercel_adapter_keys_on_the_address_the_platform_wrote(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The probe: 30 distinct first X-Forwarded-For values got 30 x 200 (one bucket each)."""
    monkeypatch.setenv("BRIEFING_CHAT_RATE", "5")
    monkeypatch.setenv("BRIEFING_CHAT_INDEX", str(tmp_path / "no-index"))
    # a fresh copy of the adapter (api/chat.py re-exports it): its endpoint reads this test's settings
    module = fresh_module(ADAPTERS / "vercel.py", "briefing_vercel_under_test")
    server = ThreadingHTTPServer(("127.0.0.1", 0), module.handler)
    base = _start(server)
    try:
        statuses = []
        for n in range(30):  # the client's own prefix, then the address the platform appended
            headers = {"X-Forwarded-For": f"10.9.{n}.1, 203.0.113.7"}
            statuses.append(_chat(base, b'{"question": "q"}', headers)[0])
        other = _chat(base, b'{"question": "q"}', {"X-Forwarded-For": "203.0.113.8"})[0]
    finally:
        server.shutdown()
        server.server_close()
    assert statuses.count(429) == 25, statuses
    assert other != 429  # another client has its own bucket


def _max_backlog(server: ThreadingHTTPServer) -> int | None:
    """The listen queue the kernel gave the server's socket (Linux: TCP_INFO of a listening socket
    carries it in ``tcpi_sacked``); None elsewhere."""
    if not hasattr(socket, "TCP_INFO"):
        return None
    info = server.socket.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 104)
    return struct.unpack_from("I", info, 28)[0]


def test_a_burst_of_50_connections_is_served_without_resets(site: Path) -> None:
    """With a listen queue of 5, a burst lost connections (dropped and retried after 1-3 s, or reset)."""
    server = make_server(Settings(), "127.0.0.1", 0, output=site)
    base = _start(server)
    backlog = _max_backlog(server)
    barrier = threading.Barrier(50)
    results: list[object] = []

    def one() -> None:
        barrier.wait()
        try:
            results.append(_request(base + "/")[0])
        except OSError as exc:  # a reset or refused connection
            results.append(exc)

    threads = [threading.Thread(target=one) for _ in range(50)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    finally:
        server.shutdown()
        server.server_close()
    assert results == [200] * 50, [r for r in results if r != 200]
    assert backlog is None or backlog >= 50, backlog


def _server_threads() -> int:
    return sum(1 for t in threading.enumerate() if t.name.startswith("Thread-") and t.daemon)


def test_slow_clients_are_capped_and_let_go(serve) -> None:
    base = serve(read_timeout=1.0, max_connections=8)
    port = int(base.rsplit(":", 1)[1])
    before = _server_threads()
    slow = []
    for _ in range(40):  # half-open requests: a request line and never the end of the headers
        sock = socket.create_connection(("127.0.0.1", port))
        sock.sendall(b"GET / HTTP/1.1\r\nHost: local")
        slow.append(sock)
    time.sleep(0.3)
    assert _server_threads() - before <= 8  # the cap, not one thread per slow client
    time.sleep(1.5)  # past the read timeout: the slow ones are let go
    closed = 0
    for sock in slow:
        sock.settimeout(2)
        try:
            while sock.recv(4096):
                pass
            closed += 1
        except OSError:
            closed += 1
        finally:
            sock.close()
    assert closed == 40
    assert _request(base + "/")[0] == 200


@pytest.mark.parametrize(
    "path",
    [
        "/" + "a/" * 3000,
        "/" + "x" * 5000,
        "/" + "가" * 400 + "/index.html",
        "/%00/etc/passwd",
        "/..%2f..%2f..%2fetc%2fpasswd",
        "//etc/passwd",
        "/\\..\\..\\windows",
    ],
)
def test_long_and_odd_paths_are_404(serve, path: str) -> None:
    base = serve()
    assert _request(base + urllib.request.quote(path, safe="/%\\"))[0] == 404
    assert _request(base + "/")[0] == 200


def _status_with_host(base: str, host: str) -> int:
    port = int(base.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(f"GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        head = sock.recv(1024).decode("latin-1")
    return int(head.split()[1])


def test_host_allow_list(serve) -> None:
    base = serve(settings={"serve_hosts": ("chat.example.net",)})
    port = base.rsplit(":", 1)[1]
    assert _status_with_host(base, f"localhost:{port}") == 200
    assert _status_with_host(base, f"127.0.0.1:{port}") == 200
    assert _status_with_host(base, "briefing.example.org") == 200  # SITE_URL's host
    assert _status_with_host(base, "chat.example.net") == 200  # BRIEFING_SERVE_HOSTS
    for host in ("evil.example", f"evil.example:{port}", "localhost.evil.example", ""):
        assert _status_with_host(base, host) == 421, host
