"""A fake OpenAI-compatible chat server on 127.0.0.1, for tests that reach it through litellm.

Point litellm at it with model ``openai/<anything>``, ``api_base=fake.api_base`` and any
``OPENAI_API_KEY``. Each request takes the next scripted :class:`Reply` (``fake.script(...)``),
else ``fake.default`` (a Reply, or a function of the request body returning one). The server
counts calls and keeps every request body (``fake.requests``, ``fake.last_messages``).

Replies: :func:`json_reply`, :func:`fenced_reply`, :func:`text_reply`, :func:`status_reply`
(429, 500 ...), :func:`slow_reply` (sleeps past the client's timeout), :func:`echo_reply` (answers
with the messages it received, as JSON). ``"stream": true`` requests get the same content as
server-sent events, in small chunks, ending with ``data: [DONE]``.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    content: str = ""
    status: int = 200
    delay: float = 0.0  # seconds to wait before answering
    echo: bool = False  # answer with the request's messages as JSON
    prompt_tokens: int = 1000
    completion_tokens: int = 200
    headers: dict[str, str] | None = None


def json_reply(obj: Any, **kw: Any) -> Reply:
    return Reply(content=json.dumps(obj, ensure_ascii=False), **kw)


def fenced_reply(obj: Any, **kw: Any) -> Reply:
    body = json.dumps(obj, ensure_ascii=False, indent=2)
    return Reply(content=f"요약 결과입니다.\n```json\n{body}\n```\n", **kw)


def text_reply(text: str, **kw: Any) -> Reply:
    return Reply(content=text, **kw)


def status_reply(status: int, message: str = "error", **kw: Any) -> Reply:
    return Reply(content=message, status=status, **kw)


def slow_reply(seconds: float, then: Reply | None = None) -> Reply:
    reply = then or Reply(content="{}")
    return Reply(
        content=reply.content,
        status=reply.status,
        delay=seconds,
        prompt_tokens=reply.prompt_tokens,
        completion_tokens=reply.completion_tokens,
    )


def echo_reply() -> Reply:
    return Reply(echo=True)


class FakeLLM:
    """The server; use as a context manager (or the ``fake_llm`` fixture)."""

    def __init__(self) -> None:
        self.queue: list[Reply] = []
        self.default: Reply | Callable[[dict[str, Any]], Reply] = Reply(content="{}")
        self.requests: list[dict[str, Any]] = []
        self.active = 0  # requests being answered right now
        self.max_active = 0  # the most at once, to check a client's parallelism bound
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    # --- scripting and inspection
    def script(self, *replies: Reply) -> None:
        """Queue replies for the next calls, in order."""
        with self._lock:
            self.queue.extend(replies)

    @property
    def calls(self) -> int:
        with self._lock:
            return len(self.requests)

    @property
    def last_messages(self) -> list[dict[str, Any]]:
        with self._lock:
            return self.requests[-1]["messages"] if self.requests else []

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def api_base(self) -> str:
        return self.url + "/v1"

    def _next(self, body: dict[str, Any]) -> Reply:
        with self._lock:
            self.requests.append(body)
            if self.queue:
                return self.queue.pop(0)
            default = self.default
        return default(body) if callable(default) else default

    # --- lifecycle
    def __enter__(self) -> FakeLLM:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    # --- HTTP
    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # keep test output quiet
                pass

            def do_GET(self) -> None:
                if self.path.rstrip("/").endswith("/models"):
                    self._send_json(200, {"object": "list", "data": [{"id": "fake", "object": "model"}]})
                else:
                    self._send_json(404, {"error": {"message": "not found"}})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                if not self.path.rstrip("/").endswith("/chat/completions"):
                    self._send_json(404, {"error": {"message": f"no route {self.path}"}})
                    return
                try:
                    body = json.loads(raw or b"{}")
                except ValueError:
                    self._send_json(400, {"error": {"message": "invalid JSON body"}})
                    return
                reply = fake._next(body)
                with fake._lock:
                    fake.active += 1
                    fake.max_active = max(fake.max_active, fake.active)
                try:
                    self._answer(body, reply)
                finally:
                    with fake._lock:
                        fake.active -= 1

            def _answer(self, body: dict[str, Any], reply: Reply) -> None:
                if reply.delay:
                    time.sleep(reply.delay)
                if reply.status != 200:
                    kind = "rate_limit_exceeded" if reply.status == 429 else "server_error"
                    error = {"error": {"message": reply.content, "type": kind, "code": str(reply.status)}}
                    self._send_json(reply.status, error, reply.headers)
                    return
                content = reply.content
                if reply.echo:
                    content = json.dumps(body.get("messages", []), ensure_ascii=False)
                model = body.get("model", "fake")
                if body.get("stream"):
                    self._send_stream(model, content, reply)
                else:
                    self._send_json(200, _completion(model, content, reply))

            def _send_json(self, status: int, obj: Any, headers: dict[str, str] | None = None) -> None:
                data = json.dumps(obj, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # client gave up
                    self.wfile.write(data)

            def _send_stream(self, model: str, content: str, reply: Reply) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Cache-Control", "no-cache")
                self.send_header("Connection", "close")
                self.end_headers()
                self.close_connection = True
                try:
                    for chunk in _chunks(model, content, reply):
                        self.wfile.write(f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n".encode())
                        self.wfile.flush()
                    self.wfile.write(b"data: [DONE]\n\n")
                    self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    pass

        return Handler


def _usage(reply: Reply) -> dict[str, int]:
    return {
        "prompt_tokens": reply.prompt_tokens,
        "completion_tokens": reply.completion_tokens,
        "total_tokens": reply.prompt_tokens + reply.completion_tokens,
    }


def _completion(model: str, content: str, reply: Reply) -> dict[str, Any]:
    return {
        "id": f"chatcmpl-fake-{time.monotonic_ns()}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}
        ],
        "usage": _usage(reply),
    }


def _chunks(model: str, content: str, reply: Reply) -> Iterator[dict[str, Any]]:
    base = {
        "id": "chatcmpl-fake-stream",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
    }
    yield {
        **base,
        "choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}],
    }
    for i in range(0, len(content), 16):
        piece = content[i : i + 16]
        yield {**base, "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}]}
    yield {**base, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}], "usage": _usage(reply)}
