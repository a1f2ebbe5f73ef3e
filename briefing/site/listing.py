"""Groupings behind the archive pages: by ministry, by day (digests), counts per category, tags
that get a page."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from typing import Any, TypeVar

from briefing.categories import CATEGORIES, Category, find_category

T = TypeVar("T")

_UNSAFE_SEGMENT = re.compile(r"[\s/\\?#%<>\"'`|:*]+")


def ministry_slug(name: str) -> str:
    """URL segment for a ministry: its Korean name with spaces and URL-special characters turned
    into ``-`` (``기획재정부`` stays ``기획재정부``). Stable as long as the name is."""
    slug = _UNSAFE_SEGMENT.sub("-", name.strip()).strip("-.")
    return slug[:80] or "기타"


def group_by(items: Iterable[T], key: Callable[[T], str]) -> dict[str, list[T]]:
    """Items grouped by ``key``, keeping their order within each group."""
    groups: dict[str, list[T]] = defaultdict(list)
    for item in items:
        groups[key(item)].append(item)
    return dict(groups)


def group_by_day(items: Iterable[T], day: Callable[[T], date]) -> list[tuple[date, list[T]]]:
    """(day, items) pairs, newest day first; items keep their order."""
    groups: dict[date, list[T]] = defaultdict(list)
    for item in items:
        groups[day(item)].append(item)
    return sorted(groups.items(), key=lambda pair: pair[0], reverse=True)


def by_category(items: Sequence[T], category_name: Callable[[T], str]) -> list[tuple[Category, list[T]]]:
    """Items grouped under the taxonomy's categories, in taxonomy order, empty ones left out.
    Names outside the taxonomy are grouped under their closest match or left as-is at the end."""
    groups: dict[str, list[T]] = defaultdict(list)
    for item in items:
        found = find_category(category_name(item))
        groups[found.name if found else category_name(item)].append(item)
    known = [(c, groups.pop(c.name)) for c in CATEGORIES if c.name in groups]
    stray = [(Category(name, "📄", "other", ()), rows) for name, rows in sorted(groups.items())]
    return known + stray


def category_counts(names: Iterable[str]) -> list[tuple[Category, int]]:
    """Count per taxonomy category (all ten, in order, zeros included)."""
    counted = Counter(found.name for name in names if (found := find_category(name)))
    return [(c, counted.get(c.name, 0)) for c in CATEGORIES]


class Members(list):
    """A list with O(1) membership, for ``item in listing`` scans over big listings (the site
    builder scans tags and categories that way: quadratic with plain lists, minutes at 10,000
    releases). Membership is by identity."""

    def __init__(self, items: Iterable[Any] = ()) -> None:
        super().__init__(items)
        self._ids = {id(i) for i in self}

    def __contains__(self, item: object) -> bool:
        return id(item) in self._ids


def with_page(groups: Mapping[T, Sequence[Any]], minimum: int) -> dict[T, Members]:
    """The groups (tags) with at least ``minimum`` members: only they get a page of their own."""
    return {key: Members(rows) for key, rows in groups.items() if len(rows) >= minimum}
