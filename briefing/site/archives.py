"""The archive pages' objects: a ministry's releases and a day's digest, as the templates see them.

Releases are whatever the build hands in (Pelican articles in the plugin); only their
``ministry_name``, ``category`` and ``date`` are read here.
"""

from __future__ import annotations

import calendar
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


class Month:
    """A month's archive page, with the fields Pelican's period archives give the
    ``period_archives`` template (``period``, ``period_num``, ``dates``, ``articles``, ``url``)."""

    def __init__(self, year: int, month: int, dates: list, articles: list, settings: dict) -> None:
        first = dates[0].date
        self.period = (year, calendar.month_name[month])
        self.period_num = (year, month)
        self.dates = dates
        self.articles = articles
        self.url = settings["MONTH_URL"].format(date=first)
        self.save_as = settings["MONTH_SAVE_AS"].format(date=first)


def months(dates: Sequence[Any], articles: Sequence[Any], settings: dict) -> list[Month]:
    """One archive per month with releases, in the order of ``dates`` (newest first); each lists
    its releases in the order of ``articles``. One pass over each: Pelican's own period archives
    scan every release once per month."""
    by_dates: dict[tuple[int, int], list] = {}
    for a in dates:
        by_dates.setdefault((a.date.year, a.date.month), []).append(a)
    by_articles: dict[tuple[int, int], list] = {}
    for a in articles:
        by_articles.setdefault((a.date.year, a.date.month), []).append(a)
    return [Month(*key, rows, by_articles.get(key, []), settings) for key, rows in by_dates.items()]


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
