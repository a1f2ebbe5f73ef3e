"""Fingerprints that let a rebuild skip what did not change.

Every output file the site plugin makes gets a fingerprint: a hash of everything the file shows.
The writer (``plugins/briefing_site/writer.py``) keeps them from one build to the next and does
not render or write a file whose fingerprint is the same and whose file is still there. Each one
starts from the writer's ``base`` (:func:`theme_digest`), so a template or setting change redoes
every file.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

FINGERPRINT_VERSION = "2"

# settings that change what pages show: a change to any of them re-renders every page
_PAGE_SETTINGS = (
    "SITEURL",
    "RELATIVE_URLS",
    "SITENAME",
    "SITESUBTITLE",
    "CHAT_ENDPOINT",
    "FEED_DOMAIN",
    "DEFAULT_PAGINATION",
    "PAGINATED_TEMPLATES",
    "LICENSE_NOTE",
    "PORTAL_URL",
    "PORTAL_NAME",
    "ORIGINAL_TEXT_FILES",
    "TAG_MIN_ARTICLES",
    "LISTING_COMPACT_PAGINATION",
    "SITE_YEARS",
    "ARCHIVE_SITES",
)


def theme_digest(settings: dict) -> str:
    """Hash of every template and of the settings pages depend on: any change re-renders all."""
    digest = hashlib.sha256(FINGERPRINT_VERSION.encode())
    templates = Path(settings["THEME"]) / "templates"
    for path in sorted(templates.rglob("*")):
        if path.is_file():
            digest.update(path.as_posix().encode())
            digest.update(path.read_bytes())
    for name in _PAGE_SETTINGS:
        digest.update(repr(settings.get(name)).encode())
    return digest.hexdigest()


def source_digest(source_path: str) -> str:
    """Identity of an article's source file: its path and a hash of its bytes.

    Not the modification time: a CI checkout gives every file a new one, which would make every
    scheduled build a full rebuild."""
    with open(source_path, "rb") as handle:
        content = hashlib.blake2b(handle.read(), digest_size=16).hexdigest()
    return f"{source_path}\x00{content}"


def page_mark(article) -> str:
    """Everything an article page shows: its own source, linked tags, neighbours and related
    releases (``briefing_digest`` and the links are set by the plugin on ``article_generator_finalized``)."""
    digest = hashlib.sha256(article.briefing_digest.encode())
    digest.update(repr(sorted(article.linked_tags)).encode())  # a tag that gained or lost its page
    for other in (article.newer, article.older, *getattr(article, "related", [])):
        if other is not None:
            digest.update(f"\x00{other.briefing_digest}".encode())
    return digest.hexdigest()


def listed_mark(base: str, name: str, digests: Iterable[str]) -> str:
    """A file that lists releases (a daily digest page, a feed): ``name`` says which file and with
    which settings, ``digests`` are its releases' source digests, in order."""
    mark = hashlib.sha256(f"{base}\x00{name}".encode())
    mark.update("".join(digests).encode())  # the same hash as one update per digest
    return mark.hexdigest()


def release_file_mark(base: str, digest: str) -> str:
    """A file made from one release alone (its JSON, its original text)."""
    return f"{base}\x00{digest}"


def text_mark(base: str, body: str) -> str:
    """A file whose whole input fits in one string (a sitemap shard's entries)."""
    return hashlib.sha256(f"{base}\x00{body}".encode()).hexdigest()
