"""Related releases: earlier releases sharing tags first, then the same ministry, then the closest
in time.

Only releases published before a release are candidates, so a new release never changes the pages
of older ones (rebuilds stay small); the new page links back to its background instead. Runs in
about linear time: candidates come only from each release's tags and ministry, and each posting
list is looked at only just before the release's own position in time.
"""

from __future__ import annotations

import bisect
import hashlib
import pickle
from collections import defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from briefing.store import write_atomic


@dataclass(frozen=True)
class Item:
    key: Hashable
    date: datetime
    tags: tuple[str, ...]
    ministry: str


WINDOW = 24  # earlier candidates taken from each posting list


def related(
    items: Sequence[Item], count: int = 4, known: dict[Hashable, tuple[str, list]] | None = None
) -> dict[Hashable, list[Hashable]]:
    """For each item, up to ``count`` keys of related earlier items, best first.

    Score: 2 per shared tag, 1 for the same ministry; ties go to the item closest in time.

    ``known`` (updated in place) carries results from one build to the next: an item's result
    depends only on itself and the items before it in time, so it is reused while the digest of
    that prefix is unchanged. New releases are the newest, so a rebuild scores only them.
    """
    ordered = sorted(items, key=lambda i: i.date)
    position = {item.key: n for n, item in enumerate(ordered)}
    postings: dict[str, list[int]] = defaultdict(list)
    for n, item in enumerate(ordered):
        for tag in sorted(set(item.tags)):
            postings["t:" + tag].append(n)
        if item.ministry:
            postings["m:" + item.ministry].append(n)

    running = hashlib.blake2b(f"{count}/{WINDOW}".encode(), digest_size=16)
    result: dict[Hashable, list[Hashable]] = {}
    for item in ordered:
        running.update(
            repr((item.key, item.date.isoformat(), sorted(set(item.tags)), item.ministry)).encode()
        )
        prefix = running.hexdigest()
        if known is not None and (kept := known.get(item.key)) and kept[0] == prefix:
            result[item.key] = list(kept[1])
            continue
        me = position[item.key]
        scores: dict[int, float] = defaultdict(float)
        keys = ["t:" + t for t in sorted(set(item.tags))] + (["m:" + item.ministry] if item.ministry else [])
        for key in keys:
            weight = 1.0 if key.startswith("m:") else 2.0
            plist = postings[key]
            at = bisect.bisect_left(plist, me)
            for other in plist[max(0, at - WINDOW) : at]:
                scores[other] += weight
        # fully ordered (score, then closeness) so every build picks the same releases
        best = sorted(scores, key=lambda o: (-scores[o], me - o))[:count]
        result[item.key] = [ordered[o].key for o in best]
        if known is not None:
            known[item.key] = (prefix, result[item.key])
    if known is not None:
        for key in known.keys() - result.keys():
            del known[key]  # releases gone from the site
    return result


def related_cached(items: Sequence[Item], count: int, cache: Path) -> dict[Hashable, list[Hashable]]:
    """:func:`related`, with ``known`` kept in ``cache`` (a pickle under the build's cache folder,
    rewritten only when a result changed) from one build to the next."""
    known = _load_known(cache)
    before = dict(known)
    result = related(items, count, known)
    if known != before:
        write_atomic(cache, pickle.dumps(known, protocol=pickle.HIGHEST_PROTOCOL))
    return result


def _load_known(cache: Path) -> dict:
    """The last build's results: our own file, so a damaged or foreign one only costs a full
    computation."""
    try:
        known = pickle.loads(cache.read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError, TypeError):
        return {}
    return known if isinstance(known, dict) else {}
