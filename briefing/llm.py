"""The one module that talks to language models (through litellm, any provider).

litellm is imported lazily, inside :func:`complete`: it takes seconds to import, and a rerun where
every summary is cached must not pay for it. The local copy of litellm's cost map is used
(``LITELLM_LOCAL_MODEL_COST_MAP=True``), so no build ever fetches prices from the network.
Provider keys come only from the provider's own environment variables (``OPENAI_API_KEY``,
``GEMINI_API_KEY`` ...), which litellm reads itself.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from briefing.errors import SummaryError
from briefing.settings import Settings

log = logging.getLogger(__name__)

ErrorKind = Literal["timeout", "rate-limit", "server", "connection", "auth", "bad-request", "other"]


class LLMError(SummaryError):
    """A model call failed; ``kind`` says how, so the caller can leave the release for the next run."""

    def __init__(self, kind: ErrorKind, message: str, model: str = "") -> None:
        super().__init__(f"{kind}: {message}" + (f" (model {model})" if model else ""))
        self.kind = kind
        self.model = model


@dataclass
class LLMResult:
    text: str
    model: str  # the model that answered (the primary or a fallback)
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost: float = 0.0  # USD from litellm's cost map; 0.0 when the model is not in it
    cost_known: bool = True

    @property
    def tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


def _litellm() -> Any:
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    import litellm

    litellm.suppress_debug_info = True
    litellm.telemetry = False
    return litellm


def preload() -> None:
    """Import litellm now (seconds on a cold start), so a caller's timeout measures only the call."""
    _litellm()


def response_format_for(model: str, schema: dict[str, Any] | None) -> dict[str, Any] | None:
    """Structured output where the provider supports it: a JSON schema, else JSON mode, else none."""
    if schema is None:
        return None
    litellm = _litellm()
    try:
        if litellm.supports_response_schema(model=model):
            return {
                "type": "json_schema",
                "json_schema": {"name": "release_summary", "schema": schema, "strict": False},
            }
    except Exception:  # unknown model: litellm raises instead of answering False
        pass
    try:
        params = litellm.get_supported_openai_params(model=model) or []
    except Exception:
        params = []
    return {"type": "json_object"} if "response_format" in params else None


def _classify(exc: Exception) -> ErrorKind:
    litellm = _litellm()
    if isinstance(exc, litellm.Timeout):
        return "timeout"
    if isinstance(exc, litellm.RateLimitError):
        return "rate-limit"
    if isinstance(exc, litellm.AuthenticationError):
        return "auth"
    if isinstance(exc, litellm.BadRequestError):
        return "bad-request"
    if isinstance(exc, litellm.APIConnectionError):
        return "connection"
    status = getattr(exc, "status_code", None)
    if isinstance(status, int) and status >= 500:
        return "server"
    if isinstance(exc, (litellm.InternalServerError, litellm.ServiceUnavailableError)):
        return "server"
    if "timed out" in str(exc).lower() or "timeout" in type(exc).__name__.lower():
        return "timeout"
    return "other"


def cost_of(response: Any, model: str) -> tuple[float, bool]:
    """USD cost of a completion from litellm's local cost map; ``(0.0, False)`` for unknown models."""
    litellm = _litellm()
    try:
        return float(litellm.completion_cost(completion_response=response, model=model)), True
    except Exception:
        return 0.0, False


def _call_once(
    model: str, messages: list[dict[str, str]], settings: Settings, schema: Any, max_tokens: int | None = None
) -> LLMResult:
    litellm = _litellm()
    kwargs: dict[str, Any] = {
        "model": model,
        "messages": messages,
        "timeout": settings.llm_timeout,
        "num_retries": 0,  # retries are ours: counted, logged and bounded
        "max_retries": 0,
        "temperature": 0.1,
        "drop_params": True,  # e.g. reasoning models refuse temperature: drop it rather than fail
    }
    if settings.llm_api_base:
        kwargs["api_base"] = settings.llm_api_base
    if max_tokens is not None:
        kwargs["max_tokens"] = max_tokens
    response_format = response_format_for(model, schema)
    if response_format:
        kwargs["response_format"] = response_format
    try:
        response = litellm.completion(**kwargs)
    except litellm.BadRequestError as exc:
        if not response_format:
            raise
        # Some providers reject parts of a JSON schema; the prompt asks for JSON anyway and the
        # answer is validated, so ask once more without structured output.
        log.warning("%s refused response_format (%s); asking without it", model, _short(exc))
        del kwargs["response_format"]
        response = litellm.completion(**kwargs)
    text = response.choices[0].message.content or ""
    usage = getattr(response, "usage", None)
    cost, known = cost_of(response, model)
    return LLMResult(
        text=text,
        model=model,
        prompt_tokens=int(getattr(usage, "prompt_tokens", 0) or 0),
        completion_tokens=int(getattr(usage, "completion_tokens", 0) or 0),
        cost=cost,
        cost_known=known,
    )


def complete(
    messages: list[dict[str, str]],
    settings: Settings,
    *,
    schema: dict[str, Any] | None = None,
    model: str | None = None,
    max_tokens: int | None = None,
) -> LLMResult:
    """One chat completion with the configured model, falling back to ``settings.llm_fallbacks``.

    HTTP 429 is retried on the same model with exponential backoff (``llm_rate_retries`` times);
    timeouts, 5xx and connection errors move on to the next fallback model. Raises
    :class:`LLMError` when every model failed.
    """
    models = [model or settings.llm_model, *settings.llm_fallbacks]
    last: LLMError | None = None
    for name in models:
        if not name:
            continue
        delay = settings.llm_backoff
        for attempt in range(settings.llm_rate_retries + 1):
            try:
                return _call_once(name, messages, settings, schema, max_tokens)
            except Exception as exc:
                kind = _classify(exc)
                last = LLMError(kind, _short(exc), name)
                if kind == "rate-limit" and attempt < settings.llm_rate_retries:
                    log.warning("%s: rate limited, retrying in %.1fs", name, delay)
                    time.sleep(delay)
                    delay *= 2
                    continue
                log.warning("model call failed: %s", last)
                break
    if last is None:
        raise LLMError("other", "no model configured")
    raise last


def _short(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    return text[:300]


def stream_chat(
    messages: list[dict[str, str]],
    settings: Settings,
    *,
    model: str | None = None,
    timeout: float | None = None,
    max_tokens: int = 1024,
) -> Iterator[str | LLMResult]:
    """Stream one chat completion (the chat function): text pieces as they come, then an LLMResult.

    The final :class:`LLMResult` carries the whole text, token counts and cost. No fallbacks or
    retries: a reader is waiting. Raises :class:`LLMError` on failure.
    """
    name = model or settings.chat_model or settings.llm_model
    if not name:
        raise LLMError("other", "no model configured")
    litellm = _litellm()
    kwargs: dict[str, Any] = {
        "model": name,
        "messages": messages,
        "stream": True,
        "stream_options": {"include_usage": True},
        "timeout": timeout or settings.chat_timeout,
        "num_retries": 0,
        "max_retries": 0,
        "temperature": 0.1,
        "max_tokens": max_tokens,
    }
    if settings.llm_api_base:
        kwargs["api_base"] = settings.llm_api_base
    parts: list[str] = []
    usage: Any = None
    try:
        for chunk in litellm.completion(**kwargs):
            if getattr(chunk, "usage", None):
                usage = chunk.usage
            choices = getattr(chunk, "choices", None) or []
            piece = (getattr(choices[0].delta, "content", None) or "") if choices else ""
            if piece:
                parts.append(piece)
                yield piece
    except Exception as exc:
        raise LLMError(_classify(exc), _short(exc), name) from exc
    text = "".join(parts)
    prompt_tokens = int(getattr(usage, "prompt_tokens", 0) or 0)
    completion_tokens = int(getattr(usage, "completion_tokens", 0) or 0)
    try:
        cost = float(
            litellm.completion_cost(
                model=name, prompt="".join(m["content"] for m in messages), completion=text
            )
        )
        known = True
    except Exception:
        cost, known = 0.0, False
    yield LLMResult(text, name, prompt_tokens, completion_tokens, cost, known)
