"""Which releases the chat index holds: a window of the newest months, so the function bundle stops
growing with the archive (older releases stay in the site search)."""

from __future__ import annotations

import os
import re
from typing import Protocol, TypeVar

from briefing.chat.retrieval import ChatIndexError


class Dated(Protocol):
    date: str  # YYYY-MM-DD


D = TypeVar("D", bound=Dated)

INDEX_MONTHS = 6  # default window: half a year of releases, ~180 MB (see window_months; docs/growth.md)
MONTHS_ENV = "BRIEFING_CHAT_INDEX_MONTHS"


def window_months(months: int | None = None) -> int:
    """Months of releases the chat index holds: ``months`` when given, else ``BRIEFING_CHAT_INDEX_MONTHS``,
    else :data:`INDEX_MONTHS`; 0 means every release.

    The index ships inside the chat function's bundle, which has a hard size limit (Vercel:
    500 MB unzipped for Python, of which litellm and its dependencies take ~260 MB), while real
    release text costs ~15 KB of index per release and the archive grows by ~25,000 releases a
    year (~360 MB). Six months (~180 MB) fit beside the libraries, and the bundle, and the time
    to rewrite the index on every run, stop growing with the archive.
    """
    if months is None:
        raw = os.environ.get(MONTHS_ENV, "").strip()
        try:
            months = int(raw) if raw else INDEX_MONTHS
        except ValueError:
            raise ChatIndexError(f"{MONTHS_ENV} must be a whole number of months, not {raw!r}") from None
    if months < 0:
        raise ChatIndexError(f"the chat index window must be 0 (everything) or more months, not {months}")
    return months


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def within_window(docs: list[D], months: int) -> list[D]:
    """The documents published in the ``months`` calendar months up to the newest one (all for 0).

    The window ends at the newest release, not at today's date, so the same archive always gives
    the same index. Documents without a (YYYY-MM-DD) date are kept.
    """
    dates = [doc.date for doc in docs if _ISO_DATE.match(doc.date)]
    if not months or not dates:
        return docs
    newest = max(dates)
    year, month = divmod(int(newest[:4]) * 12 + int(newest[5:7]) - 1 - months, 12)
    cutoff = f"{year:04d}-{month + 1:02d}-{newest[8:10]}"  # same day, ``months`` earlier
    return [doc for doc in docs if not _ISO_DATE.match(doc.date) or doc.date > cutoff]
