"""The HTTP contract of the chat function, shared by every adapter (local server, Vercel, Lambda).

``POST /api/chat`` with a JSON body ``{"question": "...", "history": [{"role", "content"}]}``:

- ``text/event-stream`` by default: one ``data: {json}`` frame per event of
  :func:`briefing.chat.answer` (``sources``, ``token``..., ``done`` or ``error``);
- one JSON object when the request says ``Accept: application/json``:
  ``{"sources", "answer", "mode", "usage"}``;
- errors as ``{"error": {"code", "message"}}`` with a fitting status (400, 403, 405, 413, 415,
  429 with ``Retry-After``, 502, 503, 504).

Limits come from settings: body size, question length, history length, requests per minute per
client. The rate limit is a token bucket per client IP kept in the memory of one function
instance: it stops a burst from one client at one instance, not a distributed attack (put the
provider's own firewall or a spending cap in front for that). CORS grants go to the origin of
``SITE_URL`` only; same-origin pages (the local server) need none.

:func:`handle_chat` is pure (bytes and headers in, a response object out); :func:`serve_handler`
runs it for a stdlib ``BaseHTTPRequestHandler``.
"""

from __future__ import annotations

import json
import logging
import math
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from briefing.errors import ChatError
from briefing.settings import Settings

log = logging.getLogger(__name__)

# error code of an answer event -> HTTP status when it can still be sent as a status
ERROR_STATUS = {
    "internal_error": 500,
    "index_unavailable": 503,
    "llm_timeout": 504,
    "llm_error": 502,
    "unsafe_answer": 502,
    "empty_question": 400,
}


class RequestError(ChatError):
    """A request refused before any answer is made."""

    def __init__(
        self, status: int, code: str, message: str, headers: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.kind = code
        self.message = message
        self.headers = dict(headers or {})


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: Iterable[bytes]  # a list for plain responses, a generator for a stream
    streaming: bool = False

    def close(self) -> None:
        """Stop a streamed answer early (the client went away)."""
        close = getattr(self.body, "close", None)
        if close:
            close()


# --- rate limit ----------------------------------------------------------------------------------


class RateLimiter:
    """Token bucket per client key: ``per_minute`` requests, refilled continuously. Per instance."""

    def __init__(
        self, per_minute: int, clock: Callable[[], float] = time.monotonic, max_keys: int = 10_000
    ) -> None:
        self.capacity = float(max(1, per_minute))
        self.rate = self.capacity / 60.0
        self.clock = clock
        self.max_keys = max_keys
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, last time)
        self._lock = threading.Lock()

    def take(self, key: str) -> float:
        """Take one token for ``key``: 0.0 when allowed, else the seconds until the next one."""
        now = self.clock()
        with self._lock:
            tokens, last = self._buckets.get(key, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - last) * self.rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                self._prune(now)
                return 0.0
            self._buckets[key] = (tokens, now)
            return (1.0 - tokens) / self.rate

    def _prune(self, now: float) -> None:
        # Memory stays bounded: forget clients whose bucket has refilled anyway.
        if len(self._buckets) <= self.max_keys:
            return
        full_after = self.capacity / self.rate
        self._buckets = {k: v for k, v in self._buckets.items() if now - v[1] < full_after}


# --- CORS ----------------------------------------------------------------------------------------


def _origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower() if parts.scheme and parts.netloc else ""


def allowed_origin(origin: str, settings: Settings) -> bool:
    """True for the origin of ``SITE_URL`` (the only one granted CORS)."""
    site = _origin_of(settings.site_url)
    return bool(origin) and bool(site) and origin.lower().rstrip("/") == site


def cors_headers(origin: str, settings: Settings) -> dict[str, str]:
    if not allowed_origin(origin, settings):
        return {"Vary": "Origin"}
    return {
        "Access-Control-Allow-Origin": origin,
        "Access-Control-Allow-Methods": "POST, OPTIONS",
        "Access-Control-Allow-Headers": "Content-Type, Accept",
        "Access-Control-Max-Age": "600",
        "Vary": "Origin",
    }


def _same_origin(origin: str, host: str) -> bool:
    return bool(host) and urlsplit(origin).netloc.lower() == host.lower()


# --- request validation ---------------------------------------------------------------------------


MAX_JSON_DEPTH = 8  # {"history": [{...}]} needs 3


def json_depth(body: bytes) -> int:
    """How deep arrays and objects nest in ``body`` (strings skipped), counted without parsing."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in body:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):
            depth += 1
            deepest = max(deepest, depth)
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return deepest


def parse_chat_request(
    headers: Mapping[str, str], body: bytes, settings: Settings
) -> tuple[str, list[dict[str, str]]]:
    """``(question, history)`` from a request, or :class:`RequestError` saying what is wrong."""
    content_type = headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/json":
        raise RequestError(415, "unsupported_media_type", "Content-Type은 application/json이어야 합니다.")
    if len(body) > settings.chat_max_body_bytes:
        raise RequestError(
            413, "body_too_large", f"요청 본문이 너무 큽니다 (최대 {settings.chat_max_body_bytes}바이트)."
        )
    if json_depth(body) > MAX_JSON_DEPTH:  # deep nesting would exhaust the parser's recursion
        raise RequestError(400, "json_too_deep", f"JSON은 {MAX_JSON_DEPTH}단계까지만 중첩할 수 있습니다.")
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise RequestError(400, "invalid_json", "요청 본문이 올바른 JSON이 아닙니다.") from None
    if not isinstance(data, dict):
        raise RequestError(400, "invalid_json", "요청 본문은 JSON 객체여야 합니다.")
    question = data.get("question")
    if not isinstance(question, str) or not question.strip():
        raise RequestError(400, "missing_question", "question 필드에 질문을 넣어 주세요.")
    if len(question) > settings.chat_max_question_chars:
        raise RequestError(
            400, "question_too_long", f"질문은 {settings.chat_max_question_chars}자 이내로 입력해 주세요."
        )
    history = data.get("history", [])
    if history is None:
        history = []
    if not isinstance(history, list) or not all(
        isinstance(t, dict) and t.get("role") in ("user", "assistant") and isinstance(t.get("content"), str)
        for t in history
    ):
        raise RequestError(400, "invalid_history", "history는 {role, content} 객체의 목록이어야 합니다.")
    if len(history) > settings.chat_max_history:
        raise RequestError(
            400, "history_too_long", f"대화 기록은 최근 {settings.chat_max_history}개까지 보낼 수 있습니다."
        )
    return question, history


# --- responses -----------------------------------------------------------------------------------

_BASE_HEADERS = {"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"}


def json_response(status: int, payload: Any, headers: Mapping[str, str] | None = None) -> Response:
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    return Response(
        status,
        {**_BASE_HEADERS, "Content-Type": "application/json; charset=utf-8", **(headers or {})},
        [body],
    )


def error_response(
    status: int, code: str, message: str, headers: Mapping[str, str] | None = None
) -> Response:
    return json_response(status, {"error": {"code": code, "message": message}}, headers)


def sse_frame(event: Mapping[str, Any]) -> bytes:
    """One Server-Sent Events frame; JSON has no raw newlines, so one ``data:`` line suffices."""
    return b"data: " + json.dumps(event, ensure_ascii=False).encode("utf-8") + b"\n\n"


_INTERNAL = {
    "type": "error",
    "code": "internal_error",
    "message": "답변 중 오류가 났습니다. 잠시 후 다시 시도해 주세요.",
}


def _stream(first: dict[str, Any], events: Iterator[dict[str, Any]]) -> Iterator[bytes]:
    try:
        yield sse_frame(first)
        for event in events:
            yield sse_frame(event)
    except Exception:  # the status line is sent: the reader still gets a clear end
        log.exception("chat answer failed mid-stream")
        yield sse_frame(_INTERNAL)
    finally:
        close = getattr(events, "close", None)
        if close:
            close()


def _collect(first: dict[str, Any], events: Iterator[dict[str, Any]], extra: dict[str, str]) -> Response:
    result: dict[str, Any] = {"sources": [], "answer": "", "mode": "", "usage": {}}
    for event in (first, *events):
        kind = event["type"]
        if kind == "sources":
            result["sources"] = event["sources"]
        elif kind == "token":
            result["answer"] += event["text"]
        elif kind == "done":
            result.update({k: v for k, v in event.items() if k != "type"})
        elif kind == "error":
            result["error"] = {"code": event["code"], "message": event["message"]}
            return json_response(ERROR_STATUS.get(event["code"], 502), result, extra)
    return json_response(200, result, extra)


def handle_chat(
    method: str,
    headers: Mapping[str, str],
    body: bytes,
    client: str,
    settings: Settings,
    limiter: RateLimiter,
    index_dir: Path | None = None,
) -> Response:
    """Serve one chat request. ``headers`` may use any case; ``client`` is the rate-limit key (IP)."""
    headers = {k.lower(): v for k, v in headers.items()}
    origin = headers.get("origin", "")
    cors = cors_headers(origin, settings)
    if method == "OPTIONS":
        return Response(204, {**_BASE_HEADERS, **cors}, [])
    if method != "POST":
        return error_response(
            405, "method_not_allowed", "POST로 요청해 주세요.", {"Allow": "POST, OPTIONS", **cors}
        )
    if origin and not allowed_origin(origin, settings) and not _same_origin(origin, headers.get("host", "")):
        return error_response(403, "origin_not_allowed", "허용되지 않은 출처의 요청입니다.", cors)
    wait = limiter.take(client or "unknown")
    if wait > 0:
        seconds = str(max(1, math.ceil(wait)))
        return error_response(
            429,
            "rate_limited",
            f"요청이 너무 많습니다. {seconds}초 후에 다시 시도해 주세요.",
            {"Retry-After": seconds, **cors},
        )
    try:
        question, history = parse_chat_request(headers, body, settings)
    except RequestError as exc:
        return error_response(exc.status, exc.code, exc.message, {**exc.headers, **cors})

    from briefing.chat.answer import answer

    events = iter(answer(question, history, settings, index_dir))
    try:
        first = next(events, {"type": "error", "code": "llm_error", "message": "답변을 만들지 못했습니다."})
    except Exception:
        log.exception("chat answer failed")
        first = _INTERNAL
    if first["type"] == "error":  # nothing sent yet: a real status code is still possible
        return error_response(ERROR_STATUS.get(first["code"], 502), first["code"], first["message"], cors)
    if "application/json" in headers.get("accept", "") and "text/event-stream" not in headers.get(
        "accept", ""
    ):
        return _collect(first, events, cors)
    stream_headers = {
        **_BASE_HEADERS,
        "Content-Type": "text/event-stream; charset=utf-8",
        "X-Accel-Buffering": "no",  # proxies must pass tokens through as they come
        **cors,
    }
    return Response(200, stream_headers, _stream(first, events), streaming=True)


# --- stdlib handler adapter (local server and Vercel) -----------------------------------------


@dataclass
class ChatEndpoint:
    """What an adapter needs: settings, the index folder and this instance's rate limiter."""

    settings: Settings
    index_dir: Path | None = None
    trust_forwarded: bool = False  # behind a platform proxy, the client IP is in X-Forwarded-For
    limiter: RateLimiter = field(init=False)

    def __post_init__(self) -> None:
        self.limiter = RateLimiter(self.settings.chat_rate_per_minute)

    def client_of(self, headers: Mapping[str, str], peer: str) -> str:
        """The rate-limit key: the socket peer, or behind a platform proxy the address that proxy
        wrote. That is the LAST ``X-Forwarded-For`` entry: a client can put any values in front
        (one bucket each, if the first entry were used) but cannot remove what the platform
        appends. Vercel overwrites the header with the client's address (one entry; see
        docs/security.md), so its last entry is the client either way."""
        if self.trust_forwarded:
            forwarded = headers.get("x-forwarded-for", "")
            last = forwarded.split(",")[-1].strip()
            if last:
                return last
        return peer


def serve_handler(handler: BaseHTTPRequestHandler, endpoint: ChatEndpoint) -> None:
    """Answer the request ``handler`` holds (any method) through :func:`handle_chat`."""
    headers = {k.lower(): v for k, v in handler.headers.items()}
    body = b""
    if handler.command == "POST":
        try:
            length = int(headers.get("content-length") or 0)
        except ValueError:
            length = -1
        if length < 0 or length > endpoint.settings.chat_max_body_bytes:
            # refuse before reading a large body; the connection closes after the reply
            cors = cors_headers(headers.get("origin", ""), endpoint.settings)
            code, message = (
                ("body_too_large", "요청 본문이 너무 큽니다.")
                if length > 0
                else ("bad_length", "Content-Length가 올바르지 않습니다.")
            )
            write_response(handler, error_response(413 if length > 0 else 400, code, message, cors))
            return
        body = handler.rfile.read(length)
    client = endpoint.client_of(headers, handler.client_address[0])
    response = handle_chat(
        handler.command, headers, body, client, endpoint.settings, endpoint.limiter, endpoint.index_dir
    )
    write_response(handler, response)


def write_response(handler: BaseHTTPRequestHandler, response: Response) -> None:
    """Send ``response`` on a stdlib handler, flushing each streamed frame; stops if the client left."""
    handler.close_connection = True
    try:
        handler.send_response(response.status)
        for name, value in response.headers.items():
            handler.send_header(name, value)
        handler.end_headers()
        for chunk in response.body:
            handler.wfile.write(chunk)
            if response.streaming:
                handler.wfile.flush()
    except (BrokenPipeError, ConnectionResetError):
        log.info("chat client disconnected")
    finally:
        response.close()
