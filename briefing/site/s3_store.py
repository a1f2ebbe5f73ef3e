"""A small S3 client over httpx: list, put, head, get and batch-delete objects in one bucket.

Enough of the S3 API for a static-site deploy, for any S3-compatible store (AWS S3, Cloudflare R2,
MinIO, ``rclone serve s3``). Credentials, endpoint and region come from the variables every AWS SDK
reads (:func:`S3Store.from_env`), never from arguments or files. Requests are signed with
:mod:`briefing.site.s3_signing`; server errors (5xx, 429) and dropped connections are retried with
back-off; an error reply becomes :class:`S3Error` carrying S3's own code and message, never a key.

Not through ``briefing/http.py``: that module is the fetch policy for sources (size caps,
redirects, politeness); a bucket is a signed destination with none of those, so it is the one
other module that speaks HTTP (a wall in docs/architecture.md).
"""

from __future__ import annotations

import base64
import hashlib
import logging
import os
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import NamedTuple
from urllib.parse import urlsplit
from xml.etree.ElementTree import Element

import httpx
from defusedxml import ElementTree

from briefing.errors import DeployError
from briefing.site.s3_signing import EMPTY_SHA256, Credentials, canonical_query, sign, uri_encode

log = logging.getLogger(__name__)

S3_NS = "{http://s3.amazonaws.com/doc/2006-03-01/}"
RETRY_STATUS = {429, 500, 502, 503, 504}
DELETE_BATCH = 1000  # DeleteObjects takes at most 1,000 keys per request


class S3Error(DeployError):
    """A request the store refused or that kept failing. ``code`` is S3's error code when it sent one."""

    kind = "s3"

    def __init__(self, message: str, *, status: int = 0, code: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.code = code

    @property
    def is_auth(self) -> bool:
        """The credentials (or the clock) are wrong: retrying or going on cannot help."""
        return self.status in (401, 403) or self.code in {
            "InvalidAccessKeyId",
            "SignatureDoesNotMatch",
            "AccessDenied",
            "RequestTimeTooSkewed",
            "ExpiredToken",
        }


class RemoteObject(NamedTuple):  # a tuple: a year's listing is ~85,000 of them
    key: str
    etag: str  # without quotes; the MD5 hex of the body for single-part uploads
    size: int


@dataclass(frozen=True)
class StoreConfig:
    """Where the bucket lives and who may write it, as the AWS SDKs read it from the environment."""

    endpoint: str  # scheme://host[:port], no path
    region: str
    credentials: Credentials
    path_style: bool  # /bucket/key on the endpoint (R2, MinIO, rclone) or bucket.host/key (AWS)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> StoreConfig:
        """``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY``, ``AWS_SESSION_TOKEN`` (optional),
        ``AWS_REGION`` (or ``AWS_DEFAULT_REGION``; default us-east-1, R2 wants ``auto``) and
        ``AWS_ENDPOINT_URL_S3`` or ``AWS_ENDPOINT_URL`` (unset: AWS S3 itself)."""
        env = os.environ if env is None else env
        key, secret = env.get("AWS_ACCESS_KEY_ID", ""), env.get("AWS_SECRET_ACCESS_KEY", "")
        if not key or not secret:
            raise S3Error("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set in the environment")
        region = env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "us-east-1"
        endpoint = (env.get("AWS_ENDPOINT_URL_S3") or env.get("AWS_ENDPOINT_URL") or "").rstrip("/")
        path_style = bool(endpoint)
        if not endpoint:
            endpoint = f"https://s3.{region}.amazonaws.com"
        parts = urlsplit(endpoint)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/"):
            raise S3Error(f"AWS_ENDPOINT_URL is not scheme://host[:port]: {endpoint!r}")
        creds = Credentials(key, secret, env.get("AWS_SESSION_TOKEN", ""))
        return cls(f"{parts.scheme}://{parts.netloc}", region, creds, path_style)


class S3Store:
    """One bucket. Thread-safe: workers share the httpx client (and its connection pool)."""

    def __init__(
        self, config: StoreConfig, bucket: str, *, attempts: int = 4, timeout: float = 60.0, pool: int = 8
    ) -> None:
        self.config = config
        self.bucket = bucket
        self.attempts = attempts
        parts = urlsplit(config.endpoint)
        self._scheme = parts.scheme
        self._host = parts.netloc if config.path_style else f"{bucket}.{parts.netloc}"
        self._prefix = f"/{uri_encode(bucket, keep_slash=False)}" if config.path_style else ""
        limits = httpx.Limits(max_connections=pool, max_keepalive_connections=pool)
        self._client = httpx.Client(timeout=timeout, limits=limits)

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> S3Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- the calls
    def list_objects(self, prefix: str = "") -> Iterator[RemoteObject]:
        """Every object under ``prefix`` (ListObjectsV2, 1,000 a page)."""
        token = ""
        while True:
            query = {"list-type": "2", "prefix": prefix}
            if token:
                query["continuation-token"] = token
            root = _xml(self._request("GET", "", query=query).content)
            for item in root.iter(f"{S3_NS}Contents"):
                yield RemoteObject(
                    key=item.findtext(f"{S3_NS}Key", ""),
                    etag=item.findtext(f"{S3_NS}ETag", "").strip('"'),
                    size=int(item.findtext(f"{S3_NS}Size", "0") or 0),
                )
            token = root.findtext(f"{S3_NS}NextContinuationToken", "")
            if root.findtext(f"{S3_NS}IsTruncated", "false") != "true" or not token:
                return

    def put_object(self, key: str, body: bytes, headers: Mapping[str, str]) -> str:
        """Upload ``body`` in one request (the store checks Content-MD5); returns the ETag."""
        md5 = hashlib.md5(body, usedforsecurity=False).digest()
        sent = {**headers, "content-md5": base64.b64encode(md5).decode("ascii")}
        response = self._request("PUT", key, headers=sent, body=body)
        return response.headers.get("etag", "").strip('"')

    def head_object(self, key: str) -> httpx.Headers:
        return self._request("HEAD", key).headers

    def get_object(self, key: str) -> bytes:
        return self._request("GET", key).content

    def delete_objects(self, keys: Iterable[str]) -> int:
        """Delete ``keys`` in batches of 1,000 (DeleteObjects); returns how many were deleted."""
        keys = list(keys)
        deleted = 0
        for start in range(0, len(keys), DELETE_BATCH):
            batch = keys[start : start + DELETE_BATCH]
            body = _delete_body(batch)
            md5 = base64.b64encode(hashlib.md5(body, usedforsecurity=False).digest()).decode("ascii")
            response = self._request(
                "POST", "", query={"delete": ""}, headers={"content-md5": md5}, body=body
            )
            errors = [
                f"{e.findtext(f'{S3_NS}Key', '')}: {e.findtext(f'{S3_NS}Code', '')}"
                for e in _xml(response.content).iter(f"{S3_NS}Error")
            ]
            if errors:
                raise S3Error(f"could not delete {len(errors)} object(s): {'; '.join(errors[:5])}")
            deleted += len(batch)
        return deleted

    # --- one signed request, retried
    def _request(
        self,
        method: str,
        key: str,
        *,
        query: dict[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        body: bytes = b"",
    ) -> httpx.Response:
        query = query or {}
        path = self._prefix + "/" + uri_encode(key, keep_slash=True) if key else (self._prefix or "/")
        payload = hashlib.sha256(body).hexdigest() if body else EMPTY_SHA256
        qs = canonical_query(query)
        url = f"{self._scheme}://{self._host}{path}" + (f"?{qs}" if qs else "")
        what = f"{method} {key or self.bucket}"
        last = ""
        for attempt in range(1, self.attempts + 1):
            signed = sign(method, self._host, path, query, dict(headers or {}), payload, self.config.credentials,
                          self.config.region)  # fmt: skip
            try:
                response = self._client.request(method, url, headers=signed, content=body or None)
            except httpx.TransportError as exc:
                last = f"{type(exc).__name__}: {exc}"
            else:
                if response.status_code < 300:
                    return response
                error = _error_of(response, what)
                if response.status_code not in RETRY_STATUS or error.is_auth:
                    raise error
                last = str(error)
            if attempt < self.attempts:
                log.warning("%s failed (%s); retrying (%d/%d)", what, last, attempt, self.attempts)
                time.sleep(min(8.0, 0.5 * 2 ** (attempt - 1)))
        raise S3Error(f"{what}: failed {self.attempts} times, last: {last}")


def _xml(data: bytes) -> Element:
    try:
        return ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
        raise S3Error(f"the store sent XML that does not parse: {exc}") from exc


def _error_of(response: httpx.Response, what: str) -> S3Error:
    """S3's error reply (``<Error><Code>…<Message>…``) as one line; HEAD replies have no body."""
    code = message = ""
    if response.content and response.request.method != "HEAD":
        try:
            root = ElementTree.fromstring(response.content)
            code, message = root.findtext("Code", ""), root.findtext("Message", "")
        except ElementTree.ParseError:
            message = response.text[:200]
    detail = ": ".join(part for part in (code, message) if part) or response.reason_phrase
    return S3Error(f"{what}: HTTP {response.status_code} {detail}", status=response.status_code, code=code)


def _delete_body(keys: list[str]) -> bytes:
    from xml.sax.saxutils import escape

    objects = "".join(f"<Object><Key>{escape(key)}</Key></Object>" for key in keys)
    return f'<Delete xmlns="{S3_NS[1:-1]}"><Quiet>true</Quiet>{objects}</Delete>'.encode()
