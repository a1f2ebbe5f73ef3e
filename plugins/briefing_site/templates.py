"""What the theme's templates get from the plugin: Jinja filters and globals."""

from __future__ import annotations

from typing import Any

from jinja2 import FileSystemBytecodeCache
from markupsafe import Markup

from briefing.categories import CATEGORIES, Category, find_category
from briefing.site.csp import policy as csp_policy
from briefing.site.text import (
    file_size,
    json_for_html,
    korean_datetime,
    parse_attachments,
    plain,
    safe_url,
    text,
)


def category_of(value: Any) -> Category | None:
    """Taxonomy entry for an article's category (object or name); None outside the taxonomy."""
    return find_category(str(getattr(value, "name", value) or ""))


def install_helpers(env, settings: dict, cache_dir: str) -> None:
    """Add the filters and globals to a generator's Jinja environment; compiled templates are kept
    in ``cache_dir`` between builds (compiling them is a second of every rebuild)."""
    env.filters.update(
        plain=plain,
        text=text,
        category_info=category_of,
        attachments=parse_attachments,
        filesize=file_size,
        safe_url=safe_url,
        tojson_html=lambda data: Markup(json_for_html(data)),  # \u-escaped: safe in <script>
        kst_date=lambda d: d.strftime("%Y년 %-m월 %-d일"),
        kst_datetime=korean_datetime,
        iso=lambda d: d.isoformat(),
    )
    env.bytecode_cache = FileSystemBytecodeCache(cache_dir)
    env.globals.update(
        CATEGORY_LIST=CATEGORIES,
        SITE_ABSOLUTE=settings.get("SITEURL", "").rstrip("/"),
        # pages served at any address (404.html): SITEURL when set, else root-relative links
        SITE_ROOT=settings.get("SITEURL", "").rstrip("/"),
        CARD_IMAGE_URL=settings.get("CARD_IMAGE_URL", "images/cards/{slug}.png"),
        CHAT_ENDPOINT=settings.get("CHAT_ENDPOINT", ""),
        CONTENT_SECURITY_POLICY=csp_policy(
            settings.get("CHAT_ENDPOINT", ""), site_url=settings.get("SITEURL", "")
        ),
    )
