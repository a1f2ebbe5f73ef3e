"""One settings object for the whole pipeline.

Defaults live here; ``pelicanconf.py`` may pass its own (the ``BRIEFING`` dict) and the
environment overrides both. Secrets (the Open API key, LLM keys) are read only from the
environment and are never part of ``repr()`` so they cannot leak into logs or the site.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

PRESS_API = "https://apis.data.go.kr/1371000/pressReleaseService/pressReleaseList"

# Ministries' own press-release feeds, reported working in 2026 (unverifiable from the build machine).
DEFAULT_FEEDS: tuple[str, ...] = (
    "https://www.molit.go.kr/dev/board/board_rss.jsp?rss_id=NEWS",
    "https://www.mois.go.kr/gpms/view/jsp/rss/rss.jsp?ctxCd=1012",
)

USER_AGENT = "briefing/0.1 (+https://github.com/; press-release archive bot; polite, cached)"

# env variable -> settings field; values are parsed by the field's type.
ENV_NAMES: dict[str, str] = {
    "BRIEFING_DATA_DIR": "data_dir",
    "BRIEFING_CONTENT_DIR": "content_dir",
    "BRIEFING_OUTPUT_DIR": "output_dir",
    "BRIEFING_PRESS_API": "press_api",
    "BRIEFING_FEEDS": "feeds",
    "BRIEFING_USER_AGENT": "user_agent",
    "BRIEFING_HTTP_TIMEOUT": "http_timeout",
    "BRIEFING_REQUEST_DELAY": "request_delay",
    "BRIEFING_HTTP_RETRIES": "http_retries",
    "BRIEFING_HTTP_BACKOFF": "http_backoff",
    "BRIEFING_MAX_DOWNLOAD_MB": "max_download_mb",
    "BRIEFING_DOWNLOAD_DEADLINE": "download_deadline",
    "BRIEFING_COLLECT_BUDGET_MINUTES": "collect_budget_minutes",
    "BRIEFING_SUMMARIZE_BUDGET_MINUTES": "summarize_budget_minutes",
    "BRIEFING_FETCH_ALLOW": "fetch_allow",
    "BRIEFING_LLM_MODEL": "llm_model",
    "BRIEFING_LLM_API_BASE": "llm_api_base",
    "BRIEFING_LLM_FALLBACKS": "llm_fallbacks",
    "BRIEFING_LLM_TIMEOUT": "llm_timeout",
    "BRIEFING_LLM_MAX_PARALLEL": "llm_max_parallel",
    "BRIEFING_LLM_MAX_RELEASES": "llm_max_releases",
    "BRIEFING_LLM_MAX_COST": "llm_max_cost",
    "BRIEFING_UNSUPPORTED": "unsupported_policy",
    "BRIEFING_SOURCE_BUDGET": "source_budget_chars",
    "BRIEFING_CHAT_MODEL": "chat_model",
    "BRIEFING_CHAT_TIMEOUT": "chat_timeout",
    "BRIEFING_CHAT_MAX_QUESTION": "chat_max_question_chars",
    "BRIEFING_CHAT_MAX_HISTORY": "chat_max_history",
    "BRIEFING_CHAT_MAX_BODY": "chat_max_body_bytes",
    "BRIEFING_CHAT_RATE": "chat_rate_per_minute",
    "BRIEFING_SERVE_HOSTS": "serve_hosts",
    "SITE_URL": "site_url",
    "SITEURL": "site_url",
}


@dataclass(frozen=True)
class Settings:
    # --- paths
    data_dir: Path = Path("data")
    content_dir: Path = Path("content")
    output_dir: Path = Path("output")

    # --- collection (briefing collect)
    press_api: str = PRESS_API
    service_key: str = field(default="", repr=False)  # DATA_GO_KR_SERVICE_KEY, env only
    feeds: tuple[str, ...] = DEFAULT_FEEDS
    user_agent: str = USER_AGENT
    http_timeout: float = 20.0  # seconds, connect and read
    http_retries: int = 3  # within one run, on 5xx and timeouts
    http_backoff: float = 1.0  # seconds before the first in-run retry, doubled after each
    request_delay: float = 0.5  # seconds between requests to the same host
    first_run_days: int = 3  # window of a first collection
    max_download_mb: float = 50.0
    download_deadline: float = 180.0  # seconds for one whole download: connect, retries, every byte
    # whole-run budgets, well inside the publish job's 60 minutes (install + collect + summarize +
    # commit): past it a run starts no new work, saves what it has and leaves the rest for the next
    collect_budget_minutes: float = 25.0
    # host:port pairs (comma or space separated) a source's URL may reach although not public;
    # the configured API/feed origins and the LLM api_base need no entry (see docs/security.md)
    fetch_allow: tuple[str, ...] = ()
    max_text_chars: int = 2_000_000  # extracted text per attachment
    extract_timeout: float = 60.0  # seconds per attachment
    extract_max_memory_mb: int = 1024  # address-space cap of the extraction child process
    max_attempts: int = 5  # failed steps are retried on later runs up to this many times
    retry_backoff_hours: float = 1.0  # doubled after each failed attempt
    source_alarm_runs: int = 3  # a source failing or empty this many runs in a row is reported loudly

    # --- summaries (briefing summarize / plugins/briefing_articles)
    llm_model: str = ""  # litellm model string; empty = offline extractive summaries
    llm_api_base: str = ""
    llm_fallbacks: tuple[str, ...] = ()
    llm_timeout: float = 120.0
    llm_max_parallel: int = 4
    llm_max_releases: int = 200  # per run
    llm_max_cost: float = 2.0  # USD per run
    summarize_budget_minutes: float = 20.0  # no model call starts after this; the rest waits (extracts)
    unsupported_policy: str = "flag"  # flag | hold
    source_budget_chars: int = 24_000
    llm_json_retries: int = 2  # further calls when an answer is not valid JSON for the schema
    llm_rate_retries: int = 3  # further calls after HTTP 429, with exponential backoff
    llm_backoff: float = 2.0  # seconds before the first retry after 429 (doubled each time)

    # --- site, search and chat
    site_url: str = ""
    chat_model: str = ""  # falls back to llm_model
    chat_timeout: float = 30.0
    chat_max_question_chars: int = 500
    chat_max_history: int = 6
    chat_max_body_bytes: int = 16_384
    chat_rate_per_minute: int = 10
    # Host names `briefing serve` answers besides localhost and SITE_URL's (e.g. a function URL
    # behind the Lambda Web Adapter); any other Host header gets 421 (DNS rebinding)
    serve_hosts: tuple[str, ...] = ()

    @property
    def max_download_bytes(self) -> int:
        return int(self.max_download_mb * 1024 * 1024)

    @property
    def releases_dir(self) -> Path:
        return self.data_dir / "releases"

    @property
    def state_dir(self) -> Path:
        return self.data_dir / "state"

    @classmethod
    def load(
        cls, defaults: Mapping[str, Any] | None = None, env: Mapping[str, str] | None = None
    ) -> Settings:
        """Settings from ``defaults`` (e.g. pelicanconf's ``BRIEFING``) overridden by the environment."""
        env = os.environ if env is None else env
        settings = cls()
        if defaults:
            settings = settings.with_values(defaults)
        from_env: dict[str, Any] = {}
        for name, attr in ENV_NAMES.items():
            value = env.get(name)
            if value is not None and value.strip() != "":
                from_env[attr] = value
        key = env.get("DATA_GO_KR_SERVICE_KEY", "").strip()
        if key:
            from_env["service_key"] = key
        return settings.with_values(from_env)

    def with_values(self, values: Mapping[str, Any]) -> Settings:
        """A copy with ``values`` applied, each converted to its field's type."""
        types = {f.name: f.type for f in fields(self)}
        converted: dict[str, Any] = {}
        for name, value in values.items():
            name = name.lower()
            if name not in types:
                raise ValueError(f"unknown setting {name!r}")
            converted[name] = _convert(types[name], value)
        return replace(self, **converted)


def _convert(type_name: Any, value: Any) -> Any:
    kind = str(type_name)
    if kind == "Path":
        return Path(value)
    if kind.startswith("tuple"):
        if isinstance(value, str):
            return tuple(part for part in value.split() if part)
        return tuple(value)
    if kind == "int":
        return int(value)
    if kind == "float":
        return float(value)
    return str(value)
