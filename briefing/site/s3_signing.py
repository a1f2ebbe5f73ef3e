"""AWS Signature Version 4 for S3 requests: the one thing an S3-compatible store needs from a client.

Written here rather than depending on boto3 (≈ 80 MB installed with botocore, and a second HTTP
stack beside httpx) for the five calls a deploy makes. The algorithm is AWS's published one:
a canonical request (method, encoded path, sorted query, sorted signed headers, payload hash),
a string to sign with the date and scope, and an HMAC-SHA256 key derived from the secret through
date, region and service. Cloudflare R2, MinIO and ``rclone serve s3`` verify the same signature.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import quote

ALGORITHM = "AWS4-HMAC-SHA256"
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()


@dataclass(frozen=True)
class Credentials:
    """An access key pair (and a session token for temporary credentials). ``repr`` hides the secret."""

    access_key: str
    secret_key: str = field(repr=False)
    session_token: str = field(default="", repr=False)


def uri_encode(text: str, *, keep_slash: bool) -> str:
    """RFC 3986 encoding as SigV4 wants it: everything but ``A-Za-z0-9-._~`` (and ``/`` in paths)."""
    return quote(text, safe="/~" if keep_slash else "~")


def canonical_query(params: dict[str, str]) -> str:
    """``a=1&b=2``: names and values encoded, sorted by encoded name (the order SigV4 requires)."""
    pairs = sorted(
        (uri_encode(k, keep_slash=False), uri_encode(v, keep_slash=False)) for k, v in params.items()
    )
    return "&".join(f"{k}={v}" for k, v in pairs)


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).digest()


def signing_key(secret_key: str, day: str, region: str, service: str) -> bytes:
    """The derived key: the secret never signs anything directly, only through date/region/service."""
    key = _hmac(("AWS4" + secret_key).encode("utf-8"), day)
    key = _hmac(key, region)
    key = _hmac(key, service)
    return _hmac(key, "aws4_request")


def sign(
    method: str,
    host: str,
    path: str,
    query: dict[str, str],
    headers: dict[str, str],
    payload_sha256: str,
    credentials: Credentials,
    region: str,
    *,
    service: str = "s3",
    now: datetime | None = None,
) -> dict[str, str]:
    """The headers to send: ``headers`` plus ``Host``, ``x-amz-date``, ``x-amz-content-sha256``, the
    session token when there is one, and ``Authorization``.

    ``path`` is already URI-encoded (what goes on the wire); every given header is signed.
    """
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    stamp = moment.strftime("%Y%m%dT%H%M%SZ")
    day = stamp[:8]
    signed = {k.lower(): " ".join(str(v).split()) for k, v in headers.items()}
    signed["host"] = host
    signed["x-amz-date"] = stamp
    signed["x-amz-content-sha256"] = payload_sha256
    if credentials.session_token:
        signed["x-amz-security-token"] = credentials.session_token
    names = sorted(signed)
    canonical = "\n".join(
        [
            method.upper(),
            path or "/",
            canonical_query(query),
            "".join(f"{name}:{signed[name]}\n" for name in names),
            ";".join(names),
            payload_sha256,
        ]
    )
    scope = f"{day}/{region}/{service}/aws4_request"
    to_sign = "\n".join([ALGORITHM, stamp, scope, hashlib.sha256(canonical.encode("utf-8")).hexdigest()])
    signature = hmac.new(
        signing_key(credentials.secret_key, day, region, service), to_sign.encode("utf-8"), hashlib.sha256
    ).hexdigest()
    out = dict(signed)
    out["authorization"] = (
        f"{ALGORITHM} Credential={credentials.access_key}/{scope}, "
        f"SignedHeaders={';'.join(names)}, Signature={signature}"
    )
    return out
