"""A site per year: which years a build covers, and the links to the other years' sites.

One GitHub Pages site holds about a year of releases (1 GB limit, ~38–41 KB per release), so a
closed year moves to an archive site of its own. Two environment variables, read by
``pelicanconf.py``, drive it:

- ``BRIEFING_SITE_YEARS``: the years this site shows, e.g. ``2027``, ``2026,2027`` or ``2027-``
  (2027 and every later year: the main site keeps showing new releases if nobody splits it at
  New Year); empty = every year.
- ``BRIEFING_ARCHIVE_SITES``: the other sites, ``2025=https://u.github.io/briefing-2025/ …``;
  the key ``current`` names the site that holds the newest releases (for an archive to link back).

Bad values raise :class:`SiteYearsError` naming the variable: a typo must never turn into a silent
full build (too big for Pages) or a link to somewhere unexpected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from briefing.errors import SiteError

YEARS_ENV = "BRIEFING_SITE_YEARS"
ARCHIVES_ENV = "BRIEFING_ARCHIVE_SITES"
CURRENT = "current"
FIRST_YEAR, LAST_YEAR = 1990, 2999  # korea.kr's archive starts in the 1990s; anything else is a typo


class SiteYearsError(SiteError, ValueError):
    """A year window or archive link that cannot be used; the message names the variable."""


@dataclass(frozen=True)
class ArchiveSite:
    """A link to another year's site: ``year`` (None for the site with the newest releases) and URL."""

    year: int | None
    url: str


@dataclass(frozen=True)
class YearWindow:
    """The years a site shows: the ``years`` listed, plus every year from ``since`` on (if set).
    Empty (false) means every year."""

    years: tuple[int, ...] = ()
    since: int | None = None

    def __bool__(self) -> bool:
        return bool(self.years) or self.since is not None

    def covers(self, year: int) -> bool:
        return not self or year in self.years or (self.since is not None and year >= self.since)

    @property
    def label(self) -> str:
        """For readers: ``2027년``, ``2026년, 2027년``, ``2027년 이후``."""
        parts = [f"{year}년" for year in self.years if self.since is None or year < self.since]
        return ", ".join(parts + ([f"{self.since}년 이후"] if self.since is not None else []))

    def article_paths(self, root: str = "releases") -> list[str]:
        """Pelican's ``ARTICLE_PATHS``: one folder per listed year, or all of ``root`` with an open end."""
        return [f"{root}/{year}" for year in self.years] if self.years and self.since is None else [root]

    def article_excludes(self, root: str = "releases") -> list[str]:
        """Pelican's ``ARTICLE_EXCLUDES``: with an open end, the year folders before it not listed."""
        if self.since is None:
            return []
        return [f"{root}/{year}" for year in range(FIRST_YEAR, self.since) if year not in self.years]


def parse_site_years(value: str | None, name: str = YEARS_ENV) -> YearWindow:
    """``"2026, 2027"``, ``"2025-2027"`` or ``"2027-"`` (2027 and every later year) → a window;
    empty or None → every year."""
    years: set[int] = set()
    since: int | None = None
    for part in re.split(r"[,\s]+", (value or "").strip()):
        if not part:
            continue
        match = re.fullmatch(r"(\d{4})(?:(-)(\d{4})?)?", part)  # 2027, 2025-2027 or 2027-
        first, dash, end = match.groups() if match else ("0", None, None)
        last = int(end) if end else None if dash else int(first)  # None: no last year
        if not match or not FIRST_YEAR <= int(first) <= (last or LAST_YEAR) <= LAST_YEAR:
            raise SiteYearsError(
                f"{name}={value!r}: {part!r} is not a year; use four-digit years separated by commas, "
                "e.g. 2027, 2026,2027, 2025-2027 or 2027- (2027 and later); empty = every year"
            )
        if last is None:
            since = int(first) if since is None else min(since, int(first))
        else:
            years.update(range(int(first), last + 1))
    if since is not None:
        years = {year for year in years if year < since}
    return YearWindow(tuple(sorted(years)), since)


def parse_archive_sites(value: str | None, name: str = ARCHIVES_ENV) -> tuple[ArchiveSite, ...]:
    """``"2025=https://… 2024=https://…"`` → links, ``current`` first, then years newest first.

    Entries are separated by spaces, commas or new lines; each is ``YEAR=URL`` or ``current=URL``
    with an absolute http(s) URL.
    """
    sites: dict[int | None, ArchiveSite] = {}
    for entry in re.split(r"[,\s]+", (value or "").strip()):
        if not entry:
            continue
        key, sep, url = entry.partition("=")
        key = key.strip().lower()
        if not sep or not (key == CURRENT or re.fullmatch(r"\d{4}", key)):
            raise SiteYearsError(
                f"{name}: {entry!r} is not YEAR=URL; e.g. "
                f"2025=https://you.github.io/briefing-2025/ (or {CURRENT}=URL for the newest site)"
            )
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc or any(c in url for c in "\"'<>`"):
            raise SiteYearsError(f"{name}: {entry!r}: the address must be an absolute http(s) URL")
        year = None if key == CURRENT else int(key)
        if year in sites:
            raise SiteYearsError(f"{name}: {key} is given twice")
        sites[year] = ArchiveSite(year, url)
    return tuple(sorted(sites.values(), key=lambda s: (s.year is not None, -(s.year or 0))))
