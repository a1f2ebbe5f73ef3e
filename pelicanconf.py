"""Pelican settings for development builds (``make build``, ``make serve``): relative URLs.

Everything about the site is configurable here; ``publishconf.py`` layers the production values
(absolute ``SITEURL`` for GitHub Pages) on top. Only ``plugins/`` import Pelican; the ``BRIEFING``
dict is handed by the plugins to ``briefing.settings.Settings.load`` (the environment overrides it).
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # the plugins import the core package `briefing` from this checkout

from briefing.categories import CATEGORIES  # noqa: E402
from briefing.site.github_pages import git_origin, repository_url  # noqa: E402
from briefing.site.years import parse_archive_sites, parse_site_years  # noqa: E402

SITENAME = "정책 브리핑 요약"
SITESUBTITLE = "정부 보도자료를 원문과 함께, 충실하게 요약합니다"
SITEURL = ""
RELATIVE_URLS = True
# Where readers ask for corrections (about page, footer): BRIEFING_REPOSITORY_URL, else the
# repository Actions names (GITHUB_REPOSITORY), else this checkout's GitHub origin; empty = no link.
REPOSITORY_URL = repository_url(os.environ, git_origin(HERE))
AUTHOR = "briefing"
TIMEZONE = "Asia/Seoul"
DEFAULT_LANG = "ko"
DEFAULT_DATE_FORMAT = "%Y년 %m월 %d일 %H:%M"
LOCALE = ("ko_KR.UTF-8", "C.UTF-8", "")

PATH = "content"
# A site per year (README "A site per year"): BRIEFING_SITE_YEARS="2027" ("2026,2027", "2027-" for
# 2027 on) reads only content/releases/<year>/, so listings, feeds, JSON, search and sitemap cover
# those years alone; empty = every year. BRIEFING_ARCHIVE_SITES="2026=https://… current=https://…"
# links the other years' sites (footer, archives page). A bad value stops the build, naming it.
SITE_YEARS = parse_site_years(os.environ.get("BRIEFING_SITE_YEARS"))
ARCHIVE_SITES = parse_archive_sites(os.environ.get("BRIEFING_ARCHIVE_SITES"))
ARTICLE_PATHS = SITE_YEARS.article_paths()
ARTICLE_EXCLUDES = SITE_YEARS.article_excludes()
PAGE_PATHS = ["pages"]
STATIC_PATHS: list[str] = []
THEME = "theme"
OUTPUT_PATH = "output"
DELETE_OUTPUT_DIRECTORY = False  # untouched pages are kept between builds (see briefing_site)

# Settings for the core library (data/content folders, models...); env variables override them.
BRIEFING: dict[str, object] = {}
SUMMARIZE_ON_BUILD = True  # briefing_articles summarises new records first, so `pelican content` alone works
CHAT_ENDPOINT = os.environ.get("BRIEFING_CHAT_ENDPOINT", "")

# --- plugins: load only those present, so a part still being written never breaks the build.
PLUGIN_PATHS = ["plugins"]
PLUGINS = [
    p
    for p in ("briefing_articles", "briefing_site", "briefing_search", "briefing_chat")
    if (HERE / "plugins" / p).is_dir()
]

# --- clean URLs
ARTICLE_URL = "releases/{date:%Y}/{date:%m}/{slug}/"
ARTICLE_SAVE_AS = "releases/{date:%Y}/{date:%m}/{slug}/index.html"
INDEX_URL = ""  # the home page is the site root, its older pages page/N/
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
CATEGORY_URL = "category/{slug}/"
CATEGORY_SAVE_AS = "category/{slug}/index.html"
CATEGORIES_URL = "category/"
CATEGORIES_SAVE_AS = "category/index.html"
TAG_URL = "tag/{slug}/"
TAG_SAVE_AS = "tag/{slug}/index.html"
TAGS_URL = "tag/"
TAGS_SAVE_AS = "tag/index.html"
AUTHOR_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
ARCHIVES_URL = "archives/"
ARCHIVES_SAVE_AS = "archives/index.html"
YEAR_ARCHIVE_URL = ""
YEAR_ARCHIVE_SAVE_AS = ""  # months are listed by year on archives/
# Month pages are written by briefing_site (MONTH_URL below), not Pelican's MONTH_ARCHIVE_*: Pelican
# finds each period's releases by scanning every release once per period (~5 s a build at a year).
SEARCH_URL = "search/"
SEARCH_SAVE_AS = "search/index.html"
DIRECT_TEMPLATES = ["index", "categories", "tags", "archives", "search", "404"]
globals()["404_SAVE_AS"] = "404.html"  # a setting name Python cannot spell

# Category metadata is the taxonomy NAME (경제·산업); its URL uses the taxonomy slug (economy).
# Other slugs (tags) keep Korean letters: readable, stable, and served fine by GitHub Pages.
SLUGIFY_USE_UNICODE = True
_SLUG_DEFAULTS = [
    (r"[^\w\s-]", ""),
    (r"(?u)\A\s*", ""),
    (r"(?u)\s*\Z", ""),
    (r"[-\s]+", "-"),
]
CATEGORY_REGEX_SUBSTITUTIONS = [(rf"\A{re.escape(c.name)}\Z", c.slug) for c in CATEGORIES] + _SLUG_DEFAULTS
TAG_REGEX_SUBSTITUTIONS = _SLUG_DEFAULTS

# --- listings
DEFAULT_PAGINATION = 20  # front page of a listing: the newest releases as full cards
# older releases (the front page's overflow and every numbered page): compact rows, no summary, this
# many to a numbered page (None: full cards on every page, DEFAULT_PAGINATION to a page)
LISTING_COMPACT_PAGINATION = 50
PAGINATED_TEMPLATES = {
    "index": None,
    "category": None,
    "tag": None,
    "period_archives": None,
    "ministry": None,
}
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"),
)
NEWEST_FIRST_ARCHIVES = True

# --- feeds: briefing_site writes them (summary as content, category, portal link), not Pelican.
FEED_ALL_ATOM = None
FEED_ALL_RSS = None
CATEGORY_FEED_ATOM = None
CATEGORY_FEED_RSS = None
TAG_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
TRANSLATION_FEED_ATOM = None
FEED_MAX_ITEMS = 50
FEED_DOMAIN = SITEURL

# --- briefing_site: archives by ministry, daily digests, feeds, JSON, sitemap
MINISTRY_URL = "ministry/{slug}/"
MINISTRY_SAVE_AS = "ministry/{slug}/index.html"
MINISTRIES_URL = "ministry/"
MINISTRIES_SAVE_AS = "ministry/index.html"
MONTH_URL = "archives/{date:%Y}/{date:%m}/"
MONTH_SAVE_AS = "archives/{date:%Y}/{date:%m}/index.html"
DIGEST_URL = "digest/{date:%Y}/{date:%m}/{date:%d}/"
DIGEST_SAVE_AS = "digest/{date:%Y}/{date:%m}/{date:%d}/index.html"
DIGESTS_URL = "digest/"
DIGESTS_SAVE_AS = "digest/index.html"
RELATED_COUNT = 4
SITE_FEEDS = True  # Atom + RSS: all, per category, per ministry, digests
ARTICLE_JSON = True  # releases/YYYY/MM/<id>.json
SKIP_UNCHANGED_ARTICLES = True  # rebuilds re-render only article pages whose inputs changed
ORIGINAL_TEXT_FILES = True  # original text as releases/YYYY/MM/<id>.original.html.gz, loaded on demand
TAG_MIN_ARTICLES = 3  # tags used by fewer releases get no page (plain text on articles)
PORTAL_NAME = "대한민국 정책브리핑"
PORTAL_URL = "https://www.korea.kr/briefing/pressReleaseList.do"
# A line across the top of every page saying the releases are samples (make demo, screenshots).
SAMPLE_BANNER = os.environ.get("BRIEFING_SAMPLE_BANNER", "")
CARD_IMAGE_URL = "images/cards/{slug}.png"  # share cards: "site" and one per category slug
LICENSE_NOTE = "원문 보도자료는 공공누리 제1유형에 따라 출처를 밝혀 이용합니다."

# --- rendering
MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.extra": {},
        "markdown.extensions.meta": {},
    },
    "output_format": "html5",
}
# Autoescape on: titles and summaries come from feeds and LLMs. Templates mark article HTML |safe.
JINJA_ENVIRONMENT = {"trim_blocks": True, "lstrip_blocks": True, "autoescape": True, "extensions": []}
TYPOGRIFY = False
# One language, no translations: Pelican's translation grouping compares every release with every
# other (~4 s a build at a year) to find none.
ARTICLE_TRANSLATION_ID = None
PAGE_TRANSLATION_ID = None


def _newest_first(article: object) -> tuple:
    """Newest first; releases of the same minute by slug, so the order (and so each page's
    neighbours) never depends on the order the file system lists the articles in."""
    return (-article.date.timestamp(), article.slug)  # type: ignore[attr-defined]


ARTICLE_ORDER_BY = _newest_first

# --- rebuilds: Pelican's content cache (reading) plus briefing_site's skip of unchanged pages
CACHE_PATH = "cache"
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
# by content, not mtime: a fresh CI checkout touches every file, and the cache must survive that
CHECK_MODIFIED_METHOD = "md5"
# reader layer: only reader output is pickled (pages hold the linked context, which does not pickle)
CONTENT_CACHING_LAYER = "reader"
# an uncompressed cache: Pelican unpickles it through gzip.open in small reads, ~8x slower than from a
# plain file (0.24 s against 0.03 s per 1,000 releases, both ways, every build); the workflow's
# actions/cache compresses it for storage anyway
GZIP_CACHE = False
