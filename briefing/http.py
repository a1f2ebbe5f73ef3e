"""The one place that speaks HTTP to sources (the Open API, feeds, release pages, attachments).

Polite and bounded by construction: a clear User-Agent, connect/read timeouts, a small delay between
requests to the same host, bounded retries with backoff on 5xx and timeouts, redirects followed by
hand (only to http/https, with a hop cap and loop detection), conditional GET, and a download size
cap enforced while streaming so a huge or endless body never fills memory.

Safe by construction too (see :mod:`briefing.fetch_policy` and docs/security.md): a URL a source
hands us only reaches public addresses unless configuration trusts its origin, and each download
(every attempt, redirect, connect and byte) ends by one total deadline, not a per-read timeout.
"""

from __future__ import annotations

import email.header
import logging
import re
import time
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import unquote_to_bytes, urljoin, urlsplit

import httpx

from briefing.errors import BriefingError
from briefing.fetch_policy import FetchPolicy, GuardedBackend, RefusedAddress, deadline
from briefing.settings import Settings

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_RETRY_AFTER = 30.0  # seconds; a server asking for more is left for the next run
_SECRET_PARAM = re.compile(r"((?:serviceKey|service_key|api_?key|key)=)[^&#\s]*", re.I)

# httpx logs every request URL at INFO, and the Open API's URL carries the key: keep it quiet.
logging.getLogger("httpx").setLevel(logging.WARNING)
logging.getLogger("httpcore").setLevel(logging.WARNING)


def redact(url: str) -> str:
    """``url`` with the value of any key-like query parameter replaced by ``***``."""
    return _SECRET_PARAM.sub(r"\1***", url)


class FetchError(BriefingError):
    """A request that did not give a usable answer. ``str()`` is one line: ``kind: detail``."""

    def __init__(self, kind: str, url: str, detail: str, status: int | None = None) -> None:
        url = redact(url)
        detail = redact(detail)
        super().__init__(f"{kind}: {detail} ({url})")
        # timeout | deadline | connect | network | http-status | too-large | redirect-loop | bad-redirect
        # | bad-url | refused-address
        self.kind = kind
        self.url = url  # secrets in the query string are redacted
        self.detail = detail
        self.status = status
        self.retry_after: float | None = None  # seconds the server asked us to wait (429/503)

    @property
    def retryable(self) -> bool:
        """Worth trying again within the run: timeouts, connection trouble and 5xx/429 answers."""
        return self.kind in {"timeout", "network"} or (
            self.kind == "http-status" and self.status in RETRY_STATUSES
        )


@dataclass
class Fetched:
    """The answer to a GET after redirects: final URL, status (200 or 304) and the body bytes."""

    url: str
    status: int
    content: bytes
    headers: httpx.Headers
    filename: str | None = None  # from Content-Disposition, made safe
    redirects: list[str] = field(default_factory=list)

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    def text(self) -> str:
        """The body decoded with the declared charset, else UTF-8, else CP949 (common on Korean sites)."""
        match = re.search(r"charset=([\w.-]+)", self.headers.get("content-type", ""), re.I)
        candidates = [match.group(1)] if match else []
        for charset in [*candidates, "utf-8", "cp949"]:
            try:
                return self.content.decode(charset)
            except (LookupError, UnicodeDecodeError):
                continue
        return self.content.decode("utf-8", errors="replace")


class HttpClient:
    """A polite HTTP client for sources; counts requests and bytes for the run summary."""

    def __init__(self, settings: Settings, *, max_redirects: int = 5) -> None:
        self.settings = settings
        self.max_redirects = max_redirects
        self.policy = FetchPolicy(
            [settings.press_api, *settings.feeds, settings.llm_api_base], settings.fetch_allow
        )
        timeout = httpx.Timeout(settings.http_timeout, connect=settings.http_timeout)
        # No proxies from the environment: the address check must see the address we connect to.
        transport = httpx.HTTPTransport(trust_env=False)
        transport._pool._network_backend = GuardedBackend(self.policy)  # httpx has no public hook
        self._client = httpx.Client(
            timeout=timeout,
            follow_redirects=False,
            trust_env=False,
            transport=transport,
            headers={"User-Agent": settings.user_agent, "Accept-Encoding": "gzip, deflate"},
        )
        self._last_request: dict[str, float] = {}
        self.requests = 0
        self.bytes_received = 0

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def get(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        max_bytes: int | None = None,
        retries: int | None = None,
    ) -> Fetched:
        """GET ``url`` following redirects; retries on timeouts and 5xx. Raises :class:`FetchError`.

        ``etag``/``last_modified`` make the request conditional (a 304 answer has empty content).
        ``max_bytes`` caps the body (default: the download cap from settings). The whole call (every
        attempt and redirect, connect and byte) ends within ``settings.download_deadline``.
        """
        retries = self.settings.http_retries if retries is None else retries
        limit = self.settings.max_download_bytes if max_bytes is None else max_bytes
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        attempt = 0
        with deadline(self.settings.download_deadline) as ends:
            while True:
                try:
                    return self._get_following(url, headers, limit, ends)
                except FetchError as exc:
                    if not exc.retryable or attempt >= retries:
                        raise
                    wait = self.settings.http_backoff * (2**attempt)
                    if exc.retry_after is not None:
                        if exc.retry_after > MAX_RETRY_AFTER:
                            raise  # the server wants a longer pause than a run should stall: next run
                        wait = max(wait, exc.retry_after)
                    if time.monotonic() + wait >= ends:
                        raise  # no time left for another attempt within this download's deadline
                attempt += 1
                time.sleep(wait)

    def _get_following(self, url: str, headers: dict[str, str], limit: int, ends: float) -> Fetched:
        seen = [url]
        current = url
        while True:
            status, response_headers, content = self._get_once(current, headers, limit, ends)
            if status in (301, 302, 303, 307, 308):
                target = response_headers.get("location")
                if not target:
                    raise FetchError("bad-redirect", current, f"HTTP {status} without a Location")
                target = urljoin(current, target)
                if urlsplit(target).scheme not in ("http", "https"):
                    raise FetchError("bad-redirect", current, f"redirect to a non-http(s) URL {target!r}")
                if target in seen:
                    raise FetchError("redirect-loop", url, f"redirect loop after {len(seen)} hops")
                if len(seen) > self.max_redirects:
                    raise FetchError("redirect-loop", url, f"more than {self.max_redirects} redirects")
                seen.append(target)
                current = target
                continue
            if status not in (200, 304):
                error = FetchError("http-status", current, f"HTTP {status}", status=status)
                error.retry_after = _retry_after(response_headers.get("retry-after"))
                raise error
            return Fetched(
                url=current,
                status=status,
                content=content,
                headers=response_headers,
                filename=filename_from_headers(response_headers),
                redirects=seen[1:],
            )

    def _get_once(
        self, url: str, headers: dict[str, str], limit: int, ends: float
    ) -> tuple[int, httpx.Headers, bytes]:
        if urlsplit(url).scheme not in ("http", "https"):
            raise FetchError("bad-url", url, "only http and https URLs are fetched")
        self._wait_for_host(url)
        self.requests += 1
        try:
            with self._client.stream("GET", url, headers=headers) as response:
                if response.status_code != 200:
                    return response.status_code, response.headers, b""
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > limit:
                    raise FetchError(
                        "too-large", url, f"{int(declared):,} bytes is over the {limit:,}-byte cap"
                    )
                chunks: list[bytes] = []
                size = 0
                # reads never wait past the deadline (fetch_policy clamps each one); a server
                # dripping bytes is stopped there, not after some multiple of the read timeout
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > limit:
                        raise FetchError("too-large", url, f"body is over the {limit:,}-byte cap")
                    chunks.append(chunk)
                self.bytes_received += size
                return response.status_code, response.headers, b"".join(chunks)
        except RefusedAddress as exc:  # a URL from a source pointing at an internal address
            raise FetchError("refused-address", url, str(exc)) from exc
        except httpx.TimeoutException as exc:
            if time.monotonic() >= ends - 0.01:
                raise FetchError(
                    "deadline", url, f"download not done within {self.settings.download_deadline:g} s"
                ) from exc
            raise FetchError("timeout", url, f"no answer within {self.settings.http_timeout:g} s") from exc
        except httpx.ConnectError as exc:  # no such host, refused: a later run may retry, not this one
            raise FetchError("connect", url, _one_line(exc) or "cannot connect") from exc
        except (httpx.TransportError, httpx.InvalidURL) as exc:
            raise FetchError("network", url, _one_line(exc) or type(exc).__name__) from exc
        finally:
            self._last_request[urlsplit(url).netloc] = time.monotonic()

    def _wait_for_host(self, url: str) -> None:
        last = self._last_request.get(urlsplit(url).netloc)
        if last is not None and self.settings.request_delay > 0:
            pause = last + self.settings.request_delay - time.monotonic()
            if pause > 0:
                time.sleep(pause)


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:200]


# --- Content-Disposition file names ------------------------------------------------------------

_EXT_PARAM = re.compile(rb"filename\*\s*=\s*([^;]+)", re.I)
_PLAIN_PARAM = re.compile(rb'(?<![\w*])filename\s*=\s*("(?:[^"\\]|\\.)*"|[^;]+)', re.I)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def filename_from_headers(headers: httpx.Headers) -> str | None:
    """The safe file name a response's Content-Disposition gives, if any (raw header bytes)."""
    for key, value in headers.raw:
        if key.lower() == b"content-disposition":
            return filename_from_disposition(value)
    return None


def filename_from_disposition(raw: bytes | str) -> str | None:
    """File name from a Content-Disposition value, in any encoding Korean servers use.

    Handles RFC 5987 ``filename*=UTF-8''%ED…`` (preferred when present), a plain ``filename=`` that
    is UTF-8, raw EUC-KR/CP949 bytes, percent-encoded or MIME encoded-word. The result is made safe
    by :func:`safe_filename` (no folders, no control characters).
    """
    if isinstance(raw, str):
        raw = raw.encode("latin-1", errors="replace")
    match = _EXT_PARAM.search(raw)
    if match:
        name = _decode_ext_value(match.group(1).strip().strip(b'"'))
        if name:
            return safe_filename(name)
    match = _PLAIN_PARAM.search(raw)
    if not match:
        return None
    value = match.group(1).strip()
    if value.startswith(b'"') and value.endswith(b'"') and len(value) >= 2:
        value = re.sub(rb"\\(.)", rb"\1", value[1:-1])
    return safe_filename(_decode_plain_value(value))


def _decode_ext_value(value: bytes) -> str | None:
    parts = value.split(b"'", 2)
    if len(parts) != 3:
        return None
    charset = parts[0].decode("ascii", errors="ignore") or "utf-8"
    data = unquote_to_bytes(parts[2])
    for encoding in (charset, "utf-8", "cp949"):
        try:
            return data.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("utf-8", errors="replace")


def _decode_bytes(data: bytes) -> str:
    for encoding in ("utf-8", "cp949"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _decode_plain_value(value: bytes) -> str:
    text = value.decode("latin-1")
    if text.startswith("=?") and text.endswith("?="):
        try:
            return str(email.header.make_header(email.header.decode_header(text)))
        except (LookupError, ValueError, UnicodeDecodeError):
            pass
    if value.isascii() and re.search(rb"%[0-9A-Fa-f]{2}", value):
        return _decode_bytes(unquote_to_bytes(value))
    return _decode_bytes(value)


def safe_filename(name: str) -> str | None:
    """A file name that cannot leave its folder: last path part only, no control characters or
    leading dots, NFC, at most 200 characters. None when nothing usable is left."""
    name = unicodedata.normalize("NFC", name)
    name = _CONTROL.sub("", name)
    name = re.split(r"[/\\]", name)[-1].strip().lstrip(".").strip()
    if not name:
        return None
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 200 - len(ext) - 1] + dot + ext) if dot and len(ext) <= 10 else name[:200]
    return name


def _retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header: delta-seconds or an HTTP date; None when absent or bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
