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
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

from briefing.store import write_atomic


class Item(NamedTuple):  # a tuple: 25,000 are made per build
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
    tag_sets = [sorted(set(item.tags)) for item in ordered]
    postings: dict[str, list[int]] = defaultdict(list)
    for n, item in enumerate(ordered):
        for tag in tag_sets[n]:
            postings["t:" + tag].append(n)
        if item.ministry:
            postings["m:" + item.ministry].append(n)

    # A result depends on the items' order, tags and ministries (closeness is counted in
    # positions), so the running digest needs no dates: formatting 25,000 aware datetimes per
    # build cost more than the rest of this loop.
    running = hashlib.blake2b(f"{count}/{WINDOW}/order".encode(), digest_size=16)
    result: dict[Hashable, list[Hashable]] = {}
    for n, item in enumerate(ordered):
        tags = tag_sets[n]
        running.update(repr((item.key, tags, item.ministry)).encode())
        prefix = running.hexdigest()
        if known is not None and (kept := known.get(item.key)) and kept[0] == prefix:
            result[item.key] = list(kept[1])
            continue
        me = position[item.key]
        scores: dict[int, float] = defaultdict(float)
        keys = ["t:" + t for t in tags] + (["m:" + item.ministry] if item.ministry else [])
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
        write_atomic(cache, pickle.dumps(known, protocol=pickle.HIGHEST_PROTOCOL), durable=False)  # a cache
    return result


def _load_known(cache: Path) -> dict:
    """The last build's results: our own file, so a damaged or foreign one only costs a full
    computation."""
    try:
        known = pickle.loads(cache.read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError, TypeError):
        return {}
    return known if isinstance(known, dict) else {}
