"""A Pelican Writer that renders only what changed.

- Paginated listings use stable pagination (``briefing.site.paging``): numbered pages count from
  the oldest, so new releases touch the front page and at most one numbered page per listing.
- The front page shows its newest ``DEFAULT_PAGINATION`` releases as full cards; with
  ``LISTING_COMPACT_PAGINATION`` set, the rest of the front page and every numbered page show
  compact rows (no summary), ``LISTING_COMPACT_PAGINATION`` to a numbered page: older pages cost
  a fraction of the bytes and repeat the page chrome less often.
- Each listing page has a fingerprint (template, items, links); an unchanged page whose file is
  still in the output is neither rendered nor written.
- An article page whose inputs (its source, tags with pages, neighbours, related releases) did not
  change and whose file is still in the output is not rendered again.
- Every page is written only when its bytes changed (no truncate-and-rewrite of identical files,
  which dominated rebuilds on slow file systems).

The fingerprints themselves are :mod:`briefing.site.fingerprints`; the plugin's own files (feeds,
digests, JSON, sitemaps) are checked through :func:`unchanged`. They persist in
``CACHE_PATH/briefing_site/listings.json``.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from pelican import signals
from pelican.utils import get_relative_path, path_to_url, sanitised_join
from pelican.writers import FileOverwriteFailedError, Writer

from briefing.site.fingerprints import page_mark, theme_digest
from briefing.site.output import write_output
from briefing.site.paging import Span, stable_spans
from briefing.store import write_atomic


def unchanged(writer, name: str, mark: str) -> bool:
    """True when ``writer`` is ours and ``name`` need not be written again (:meth:`SiteWriter.unchanged`,
    which records ``mark`` either way); any other writer writes everything."""
    check = getattr(writer, "unchanged", None)
    return bool(check and check(name, mark))


def base_of(writer) -> str:
    """The fingerprint every mark starts from (the theme and settings; "" for another writer)."""
    return getattr(writer, "base", "")


class ListingPage:
    """What listing templates see as ``articles_page`` (a subset of Pelican's Page, plus links).
    ``cards`` are the items shown as full cards, ``rows`` the (older) items shown as compact rows."""

    def __init__(
        self,
        span: Span,
        items: list,
        url: str,
        save_as: str,
        urls: dict[int, str],
        total: int,
        cards: int | None = None,
    ):
        self.number = span.number
        self.is_front = span.is_front
        self.object_list = items
        split = len(items) if cards is None else cards
        self.cards, self.rows = items[:split], items[split:]
        self.url = url
        self.save_as = save_as
        self.total = total
        self.newer_url = urls.get(span.newer) if span.newer is not None else None
        self.older_url = urls.get(span.older) if span.older is not None else None

    @property
    def label(self) -> str:
        """The page's days, for its heading: made only for a page that is rendered."""
        items = self.object_list
        if not items:
            return ""
        newest, oldest = items[0].date, items[-1].date
        if oldest.date() == newest.date():
            return f"{oldest:%Y년 %-m월 %-d일}"
        return f"{oldest:%Y년 %-m월 %-d일} – {newest:%Y년 %-m월 %-d일}"

    def has_previous(self) -> bool:
        return self.newer_url is not None

    def has_next(self) -> bool:
        return self.older_url is not None


class SiteWriter(Writer):
    last: SiteWriter | None = None  # the writer of the current run, for saving fingerprints

    def __init__(self, output_path: str, settings: dict) -> None:
        super().__init__(output_path, settings=settings)
        SiteWriter.last = self
        self._manifest = Path(settings["CACHE_PATH"]) / "briefing_site" / "listings.json"
        try:
            saved = json.loads(self._manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            saved = {}
        here = str(Path(output_path).resolve())
        self._old: dict[str, str] = saved.get("pages", {}) if saved.get("output") == here else {}
        self._new: dict[str, str] = {}
        self.base = theme_digest(settings)
        self.stats = {"rendered": 0, "skipped": 0}
        self._written: set[str] = set()  # pages of this build (Pelican's duplicate-output check)
        self._overridden: set[str] = set()

    def unchanged(self, save_as: str, mark: str) -> bool:
        """Record ``mark`` for ``save_as``; True when the last build had the same mark and the
        file is still there (then it need not be rendered again)."""
        self._new[save_as] = mark
        if self._old.get(save_as) == mark and os.path.isfile(os.path.join(self.output_path, save_as)):
            self.stats["skipped"] += 1
            return True
        self.stats["rendered"] += 1
        return False

    def write_file(
        self,
        name,
        template,
        context,
        relative_urls=False,
        paginated=None,
        template_name=None,
        override_output=False,
        url=None,
        **kwargs,
    ):
        if not name:
            return None
        listing = template_name in self.settings["PAGINATED_TEMPLATES"]
        if listing and paginated is None:
            paginated = {key: val for key, val in kwargs.items() if key in {"articles", "dates"}}
        if not listing or not paginated:
            article = kwargs.get("article")
            # drafts and hidden articles get no links or digest from the plugin: always rendered
            linked = article is not None and "briefing_digest" in vars(article)
            skip = linked and self.settings.get("SKIP_UNCHANGED_ARTICLES")
            if skip and self.unchanged(name, page_mark(article)):
                return None
            self._render(name, template, context, relative_urls, override_output, kwargs)
            return None
        items = paginated.get("articles") or paginated.get("dates") or []
        per_page = self.settings["PAGINATED_TEMPLATES"][template_name] or self.settings["DEFAULT_PAGINATION"]
        compact = self.settings.get("LISTING_COMPACT_PAGINATION")
        spans = stable_spans(len(items), compact or per_page, front=per_page)
        url = url or ""
        base_save = (
            name[: -len("index.html")] if name.endswith("index.html") else name.rsplit(".", 1)[0] + "/"
        )
        urls = {s.number: (url if s.is_front else f"{url}page/{s.number}/") for s in spans}
        saves = {s.number: (name if s.is_front else f"{base_save}page/{s.number}/index.html") for s in spans}
        for span in spans:
            cards = None if not compact else per_page if span.is_front else 0
            page = ListingPage(
                span,
                items[span.start : span.end],
                urls[span.number],
                saves[span.number],
                urls,
                len(items),
                cards,
            )
            if self.unchanged(page.save_as, self._listing_mark(template_name, page, context)):
                continue
            extra = dict(kwargs, page_name=page.url)
            for key in ("articles", "dates"):
                extra[f"{key}_page"] = page
                extra[f"{key}_paginator"] = page
                extra[f"{key}_previous_page"] = None
                extra[f"{key}_next_page"] = None
            self._render(page.save_as, template, context, relative_urls, False, extra)
        return None

    def _render(
        self, name: str, template, context: dict, relative_urls: bool, override: bool, extra: dict
    ) -> None:
        """Render one page as Pelican's ``write_file`` does, and write it only if its bytes changed.

        Pelican writes through a private ``Writer._open_w`` that always truncates and rewrites;
        there is no public hook for "skip identical output", so pages are rendered here, with the
        same context rules and the same ``content_written`` signal, and written by
        :func:`briefing.site.output.write_output`. Pelican's duplicate-output check is kept: a
        second page for one file is an error unless the first one asked to be overridden.
        Upstream: "skip rewriting output files if the content was not changed" was asked in
        getpelican/pelican#1043 (closed without a hook); rebuilding only what a source change
        touches in #1288, #2975 and #3599 (open).
        """
        if name in self._overridden:
            if override:
                raise FileOverwriteFailedError(f'Failed to overwrite "{name}" a second time')
            return
        if name in self._written and not override:
            raise FileOverwriteFailedError(f'Failed to overwrite "{name}": already written in this build')
        if override:
            self._overridden.add(name)
        self._written.add(name)
        local = context.copy()
        local["localsiteurl"] = local.get("localsiteurl", None)
        if relative_urls:
            relative = path_to_url(get_relative_path(name))
            local["SITEURL"] = relative
            local["localsiteurl"] = relative
            context["localsiteurl"] = relative
        local["output_file"] = name
        local.update(extra)
        path = sanitised_join(self.output_path, name)
        write_output(Path(path), template.render(local))
        signals.content_written.send(path, context=local)

    def _listing_mark(self, template_name: str, page: ListingPage, context: dict[str, Any]) -> str:
        digest = hashlib.sha256(f"{self.base}\x00{template_name}\x00{page.save_as}".encode())
        digest.update(f"\x00{page.newer_url}\x00{page.older_url}".encode())
        if page.is_front:
            digest.update(f"\x00{page.total}".encode())
            if template_name == "index":
                digest.update(repr((context.get("latest_counts"), context.get("today"))).encode())
                latest = context.get("latest_digest")
                digest.update(repr(getattr(latest, "url", None)).encode())
        # one update of the joined digests: the same hash as one update each, at a fraction of the calls
        digest.update(
            "".join([getattr(a, "briefing_digest", a.source_path) for a in page.object_list]).encode()
        )
        return digest.hexdigest()

    def save_fingerprints(self) -> None:
        """Persist this run's fingerprints (called when the build finishes) and remove the pages
        an earlier build recorded that this one no longer makes (a withdrawn release, a listing
        that got shorter), so the output never serves stale pages."""
        output = Path(self.output_path).resolve()
        for name in set(self._old) - set(self._new):
            stale = (output / name).resolve()
            if stale.is_relative_to(output) and stale.is_file():
                stale.unlink()
        if self._new == self._old and self._manifest.is_file():
            return  # nothing new: no need to serialise every page's fingerprint again
        payload = {"output": str(Path(self.output_path).resolve()), "pages": self._new}
        # a cache: not fsynced (a lost or damaged one only means every page is rendered again)
        write_atomic(self._manifest, json.dumps(payload, sort_keys=True), durable=False)
