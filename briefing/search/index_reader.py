"""A small reader of the browser's search index (``output/search/``), for tests, benchmarks and debugging.

It reads the files the way ``theme/static/js/search.js`` does: the manifest once, one shard per
term and segment (numbers listed as dead skipped), one metadata chunk per document.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from briefing.search.shards import fnv1a32


class ClientIndexReader:
    """Reads ``output/search/`` the way the browser does: one shard per term, chunks for metadata."""

    def __init__(self, out_dir: Path) -> None:
        self.root = Path(out_dir)
        self.manifest = json.loads((self.root / "manifest.json").read_text(encoding="utf-8"))

    def _load(self, relative: str) -> Any:
        return json.loads(gzip.decompress((self.root / relative).read_bytes()))

    def postings(self, term: str) -> list[tuple[int, int, int]]:
        """``(doc number, weighted tf, length bucket)`` of every document holding ``term``."""
        dead = self.dead()
        out: list[tuple[int, int, int]] = []
        for segment in self.manifest["segments"]:
            name = segment["t"][fnv1a32(term) % segment["shards"]]
            flat = self._load("t/" + name).get(term, [])
            doc = 0
            for i in range(0, len(flat), 3):
                doc += flat[i]
                if doc not in dead:
                    out.append((doc, flat[i + 1], flat[i + 2]))
        return out

    def dead(self) -> set[int]:
        """Numbers of changed or removed releases (their postings may linger in old segments)."""
        numbers, number = set(), 0
        for delta in self.manifest["x"]:
            number += delta
            numbers.add(number)
        return numbers

    def document(self, number: int) -> dict[str, Any]:
        """Metadata of document ``number`` (keys: id, t, d, u, c, m, h, s, g)."""
        chunk = self.manifest["chunk"]
        return self._load("d/" + self.manifest["d"][number // chunk])[number % chunk]

    def documents(self, terms: Sequence[str]) -> set[int]:
        """Numbers of the documents holding every one of ``terms``."""
        found: set[int] | None = None
        for term in terms:
            docs = {doc for doc, _, _ in self.postings(term)}
            found = docs if found is None else found & docs
        return found or set()
