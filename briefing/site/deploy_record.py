"""The last S3 deploy's record of its bucket (``briefing deploy --state``): what each key holds.

For each key: the *stamp* of the file that went up (its size and modification time in ns, as
``"size mtime"``) and its MD5. A deploy with the record reads only the files whose stamp moved and
compares with the record instead of listing the bucket (docs/deploy.md).

Why not JSON: a year's site is ~85,000 keys, the record is read and written on every scheduled run,
and JSON with a list per key cost 0.36 s to load and check and 0.2 s to write there (85,000 lists of
three). Here the file is one JSON header line, then the N keys, the N stamps and the N MD5s, one a
line: loading is one ``split`` and two ``dict(zip(...))`` — strings only, no object per key — and
writing is three ``join``. The header carries a CRC-32 of the rest, so a damaged file (a truncated
cache, a flipped byte) reads as no record: the deploy then lists the bucket, as on a first run.
So does a record of another format (the JSON one before session 18) or of another target.
"""

from __future__ import annotations

import json
import logging
import zlib
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path

from briefing.store import write_atomic

log = logging.getLogger(__name__)

FORMAT = "briefing-deploy-record/2"
HEADER_MAX = 4096  # the header is one short line; an old JSON record has no newline in this reach


def stamp(size: int, mtime_ns: int) -> str:
    """A file's size and modification time as the record keeps them."""
    return f"{size} {mtime_ns}"


@dataclass
class Record:
    """What the bucket of ``target`` (endpoint/bucket/prefix) held after the last deploy."""

    target: str
    stamps: dict[str, str] = field(default_factory=dict)  # key -> "size mtime_ns" of the file sent
    md5s: dict[str, str] = field(default_factory=dict)  # key -> MD5 (hex) of the object

    def put(self, key: str, file_stamp: str, md5: str) -> None:
        self.stamps[key] = file_stamp
        self.md5s[key] = md5

    def drop(self, key: str) -> None:
        self.stamps.pop(key, None)
        self.md5s.pop(key, None)


def read_record(path: Path, target: str) -> Record | None:
    """The record at ``path`` if it is whole, of this format and for ``target``; else None."""
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    end = raw.find(b"\n", 0, HEADER_MAX)
    if end < 0:
        return None
    body = memoryview(raw)[end + 1 :]
    try:
        header = json.loads(raw[:end])
        if not isinstance(header, dict) or header.get("format") != FORMAT or header.get("target") != target:
            return None
        count = header.get("count")
        if not isinstance(count, int) or count < 0 or header.get("crc32") != zlib.crc32(body):
            return None
        lines = str(body, "utf-8").split("\n") if count else []
    except (ValueError, UnicodeDecodeError):
        return None
    if len(lines) != 3 * count:
        return None
    keys, stamps, md5s = lines[:count], lines[count : 2 * count], lines[2 * count :]
    record = Record(target, dict(zip(keys, stamps, strict=True)), dict(zip(keys, md5s, strict=True)))
    return record if len(record.md5s) == count else None  # a key twice: not a record this wrote


def write_record(path: Path, record: Record) -> None:
    """Write ``record`` atomically (not fsynced: a lost record only means the next deploy lists).
    A key the line format cannot hold (a newline, a name that is not UTF-8) removes the record
    instead — a stale one would hide what this deploy changed."""
    keys = list(record.md5s)
    try:
        key_lines = "\n".join(keys)
        if key_lines.count("\n") != max(len(keys) - 1, 0):
            raise ValueError("a key with a newline")
        stamps = map(record.stamps.__getitem__, keys)
        data = "\n".join(chain((key_lines,) if keys else (), stamps, record.md5s.values())).encode("utf-8")
    except (ValueError, UnicodeEncodeError) as exc:
        log.warning("deploy record not kept (%s): the next deploy lists the bucket", exc)
        path.unlink(missing_ok=True)
        return
    header = {"format": FORMAT, "target": record.target, "count": len(keys), "crc32": zlib.crc32(data)}
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, json.dumps(header).encode("ascii") + b"\n" + data, durable=False)
