"""Stable pagination: numbered pages never change once full, so rebuilds rewrite few pages.

Listings are newest first. The front page holds the newest items (between ``per_page`` and
``2 * per_page - 1`` of them once there are that many); numbered pages hold exactly ``per_page``
items each and are numbered from the OLDEST (``page/1/`` is the oldest). When new releases come in,
they land on the front page; a new numbered page appears only when the front page overflows, and
the pages below it keep their URL and content (only the newest numbered page's "newer" link moves).

The front page may hold a different number than the numbered pages (``front``): with full cards
on the front page and compact rows on older pages, older pages can hold more items each.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Span:
    number: int  # 0 = front page, 1.. = numbered from the oldest
    start: int  # index range into the newest-first list
    end: int
    newer: int | None  # page number holding newer items (0 = front), None on the front page
    older: int | None  # page number holding older items, None on page 1

    @property
    def is_front(self) -> bool:
        return self.number == 0


def stable_spans(count: int, per_page: int, front: int | None = None) -> list[Span]:
    """The pages of a newest-first list of ``count`` items: front page first, then newest
    numbered page down to page 1. Numbered pages hold ``per_page`` items; the front page holds
    the rest, at least ``front`` (default ``per_page``) once there are that many."""
    front = per_page if front is None else front
    if per_page <= 0 or front <= 0:
        raise ValueError("page sizes must be positive")
    numbered = max(0, (count - front) // per_page)
    spans = [Span(0, 0, count - numbered * per_page, None, numbered or None)]
    for number in range(numbered, 0, -1):
        start = count - number * per_page
        newer = number + 1 if number < numbered else 0
        spans.append(Span(number, start, start + per_page, newer, number - 1 or None))
    return spans
