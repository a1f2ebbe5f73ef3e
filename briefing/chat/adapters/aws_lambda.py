"""AWS Lambda handler for a function URL (payload format 2.0) over :mod:`briefing.chat.http`.

The answer is collected and returned in one response: Lambda's response streaming is offered
natively only to Node.js runtimes. To stream tokens from Python, run ``briefing serve`` behind the
AWS Lambda Web Adapter instead (docs/chat.md). The rate limiter lives in one execution
environment, so it limits bursts per instance, not globally.
"""

from __future__ import annotations

import base64
import os
from pathlib import Path
from typing import Any

from briefing.chat.http import RateLimiter, handle_chat
from briefing.settings import Settings

SETTINGS = Settings.load()
INDEX_DIR = Path(
    os.environ.get("BRIEFING_CHAT_INDEX") or Path(__file__).resolve().parents[3] / "output" / "chat-index"
)
LIMITER = RateLimiter(SETTINGS.chat_rate_per_minute)


def handler(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    """Answer one function-URL request; the body is the SSE stream or JSON, complete."""
    http = (event.get("requestContext") or {}).get("http") or {}
    body = event.get("body") or ""
    try:
        raw = base64.b64decode(body) if event.get("isBase64Encoded") else body.encode("utf-8")
    except ValueError:
        raw = b"\xff"  # undecodable: reported as invalid JSON by the contract
    response = handle_chat(
        http.get("method", "POST"),
        event.get("headers") or {},
        raw,
        http.get("sourceIp", ""),
        SETTINGS,
        LIMITER,
        INDEX_DIR,
    )
    payload = b"".join(response.body).decode("utf-8")
    return {
        "statusCode": response.status,
        "headers": response.headers,
        "body": payload,
        "isBase64Encoded": False,
    }
