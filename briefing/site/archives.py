"""The archive pages' objects: a ministry's releases and a day's digest, as the templates see them.

Releases are whatever the build hands in (Pelican articles in the plugin); only their
``ministry_name``, ``category`` and ``date`` are read here.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from briefing.site.listing import by_category, group_by, group_by_day, ministry_slug


class Ministry:
    """A ministry's archive: name, URL and its releases, newest first."""

    def __init__(self, name: str, articles: list, settings: dict) -> None:
        self.name = name
        self.slug = ministry_slug(name)
        self.articles = articles
        self.url = settings["MINISTRY_URL"].format(slug=self.slug)
        self.save_as = settings["MINISTRY_SAVE_AS"].format(slug=self.slug)
        self.feed_atom = f"feeds/ministry/{self.slug}.atom.xml"
        self.feed_rss = f"feeds/ministry/{self.slug}.rss.xml"


class Digest:
    """One day's releases, grouped by category."""

    def __init__(self, day: date, articles: list, settings: dict) -> None:
        self.date = day
        self.articles = articles
        self.groups = by_category(articles, lambda a: str(getattr(a, "category", "")))
        self.url = settings["DIGEST_URL"].format(date=day)
        self.save_as = settings["DIGEST_SAVE_AS"].format(date=day)
        self.title = f"{day.year}년 {day.month}월 {day.day}일 보도자료 요약"


def ministries(articles: Sequence[Any], settings: dict) -> list[Ministry]:
    """Every ministry with releases, the busiest first (then by name)."""
    named = group_by([a for a in articles if a.ministry_name], lambda a: a.ministry_name)
    return sorted(
        (Ministry(name, rows, settings) for name, rows in named.items()),
        key=lambda m: (-len(m.articles), m.name),
    )


def digests(articles: Sequence[Any], settings: dict) -> list[Digest]:
    """One digest per day with releases, newest first. Release dates carry +09:00 (KST), so the
    day is the Korean one."""
    return [Digest(day, rows, settings) for day, rows in group_by_day(articles, lambda a: a.date.date())]
