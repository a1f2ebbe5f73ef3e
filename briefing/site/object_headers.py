"""The HTTP headers a built site's file should be served with from an object store.

GitHub Pages decides these itself; an S3-compatible bucket serves whatever was stored with each
object, so the deploy sets them:

- ``Content-Type`` from the name, with ``charset=utf-8`` on text (the site is Korean);
- ``Content-Encoding: gzip`` for the files the build stores gzip-compressed (the search index's
  ``*.json.gz`` shards and each release's ``*.original.html.gz``), typed by the name inside
  (``application/json``, ``text/html``): browsers then decompress them on the fly. The site's
  JavaScript accepts either form (it checks for the gzip header before decompressing itself);
- ``Cache-Control``: a year and ``immutable`` for files named by their content hash (a new
  content is a new name, so the old one never goes stale); five minutes for what a run may rewrite
  under the same name (HTML — original texts included —, feeds, sitemaps, the search manifest,
  scripts and styles); a day for the rest (images, fonts), which change rarely and harmlessly.
"""

from __future__ import annotations

import mimetypes
import re
from pathlib import PurePosixPath

IMMUTABLE = "public, max-age=31536000, immutable"
SHORT = "public, max-age=300"
DAY = "public, max-age=86400"

# The search index names its shards <stem>-<first 8 hex of sha256>.json.gz (briefing/search/shards.py).
HASHED_NAME = re.compile(r"-[0-9a-f]{8,64}\.[A-Za-z0-9.]+$")
TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".webmanifest": "application/manifest+json",
    ".xml": "application/xml",
    ".xsl": "application/xslt+xml",
    ".txt": "text/plain; charset=utf-8",
    ".md": "text/markdown; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".ico": "image/x-icon",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".pdf": "application/pdf",
    ".wasm": "application/wasm",
}
# Rewritten under the same name by a run: must not be cached for long.
SHORT_SUFFIXES = {".html", ".htm", ".xml", ".json", ".txt", ".webmanifest", ".css", ".js", ".mjs", ".xsl"}


def content_type(suffix: str) -> str:
    suffix = suffix.lower()
    return TYPES.get(suffix) or mimetypes.types_map.get(suffix) or "application/octet-stream"


def object_headers(relative: str) -> dict[str, str]:
    """Headers to store with the file at ``relative`` (a POSIX path inside the built site)."""
    path = PurePosixPath(relative)
    name = path.name
    suffixes = [s.lower() for s in path.suffixes]
    headers: dict[str, str] = {}
    inner = suffixes[-1] if suffixes else ""
    if inner == ".gz" and len(suffixes) >= 2:
        # a gzip original: served as what it contains, decoded by the browser
        inner = suffixes[-2]
        headers["content-encoding"] = "gzip"
        headers["content-type"] = content_type(inner)
    else:
        headers["content-type"] = content_type(inner)
    if HASHED_NAME.search(name) and inner not in (".html", ".htm", ".xml"):
        headers["cache-control"] = IMMUTABLE
    elif inner in SHORT_SUFFIXES:
        headers["cache-control"] = SHORT
    else:
        headers["cache-control"] = DAY
    return headers
