"""Deploy a built site to an S3-compatible bucket, uploading only what changed: ``briefing deploy``.

One run: list the objects under the target prefix, hash every local file, upload the files whose
MD5 differs from the object's ETag (a small thread pool), then delete the objects that have no
file any more — last, so a page being read never points at something already gone.

Why the ETag: for an object written by a single-part PUT without KMS encryption, S3, R2, MinIO and
rclone all return the body's MD5 as its ETag, and ListObjectsV2 returns the ETag of 1,000 objects
per request. A hash kept in object metadata would cost one HEAD request per file (85,000 at a
year) just to read it back. Files here are small and always sent in one PUT, so the ETag is the
MD5 for everything this deploy wrote; an ETag that is not a plain MD5 (a multipart upload by
another tool, SSE-KMS) merely counts as changed and is uploaded again. When only the header
policy changes (:mod:`briefing.site.object_headers`), ``--all`` uploads everything once.

With ``state`` (``briefing deploy --state``; the workflow keeps it in ``cache/``, which the Actions
cache carries with ``output/``), a deploy records what it left in the bucket: each key with the
file's size, modification time (ns) and MD5 (:mod:`briefing.site.deploy_record`). The next deploy
to the same bucket, prefix and endpoint then neither lists the bucket nor reads a file whose size
and time are unchanged to the nanosecond (a build rewrites only files whose bytes changed): it
costs a ``stat`` per file and the ~215 files a scheduled run changes, not the 85,000 of a year,
and only those files become objects. No record, another target, ``--all`` or ``--verify``: the
bucket is listed as above (so an object changed behind the deploy's back is put right on the next
``--verify``).

Uploads go in two waves: first everything a page refers to (hashed search shards, images, original
texts), then the entry points (HTML, feeds, sitemaps, JSON manifests), so a visitor never gets a
new page or search manifest whose files are not there yet.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import NamedTuple

from briefing.errors import DeployError
from briefing.site.deploy_record import Record, read_record, stamp, write_record
from briefing.site.object_headers import object_headers
from briefing.site.s3_store import S3Error, S3Store, StoreConfig
from briefing.site.size import human_bytes

log = logging.getLogger(__name__)

ENTRY_SUFFIXES = (".html", ".htm", ".xml", ".json", ".txt", ".webmanifest")
MD5_HEX = 32


class LocalFile(NamedTuple):  # a tuple, and made only for files read now (~215 of 85,000 at a year)
    key: str  # the object key: prefix + POSIX path inside the site
    path: str  # the file on disk
    size: int
    md5: str
    stamp: str  # size and modification time (ns), as the record keeps them


class SiteScan(NamedTuple):
    keys: list[str]  # every file's key
    bytes_total: int
    fresh: list[LocalFile]  # the files read now: all of them, or those whose stamp the record lacks


@dataclass
class DeployPlan:
    uploads: list[LocalFile]
    deletes: list[str]
    unchanged: int


@dataclass
class DeployResult:
    """What one deploy did: the figures of the job summary."""

    target: str
    files_total: int = 0
    bytes_total: int = 0
    files_uploaded: int = 0
    bytes_uploaded: int = 0
    files_deleted: int = 0
    files_unchanged: int = 0
    files_read: int = 0  # files hashed; the others' MD5 came from the last deploy's record
    listed: bool = True  # compared with the bucket's listing (False: with the last deploy's record)
    seconds: float = 0.0
    dry_run: bool = False
    uploaded: list[str] = field(default_factory=list)  # every key sent, in order

    def summary_line(self) -> str:
        verb = "would upload" if self.dry_run else "uploaded"
        return (
            f"deploy {self.target}: {verb} {self.files_uploaded:,} of {self.files_total:,} files "
            f"({human_bytes(self.bytes_uploaded)} of {human_bytes(self.bytes_total)}), "
            f"deleted {self.files_deleted:,}, unchanged {self.files_unchanged:,} in {self.seconds:.1f}s; "
            f"{self.files_read:,} files read, compared with "
            + ("the bucket's listing" if self.listed else "the last deploy's record")
        )

    def to_dict(self) -> dict:
        return asdict(self)


def parse_target(target: str) -> tuple[str, str]:
    """``s3://bucket/some/prefix`` → (``bucket``, ``some/prefix/``); no prefix → ``""``."""
    if not target.startswith("s3://"):
        raise DeployError(f"not an S3 target (want s3://bucket[/prefix]): {target!r}")
    bucket, _, prefix = target[5:].partition("/")
    if not bucket or "." in bucket[:1] or any(c in bucket for c in " \\?#"):
        raise DeployError(f"no usable bucket name in {target!r}")
    prefix = prefix.strip("/")
    return bucket, f"{prefix}/" if prefix else ""


def scan_site(site: Path, prefix: str = "", stamps: Mapping[str, str] | None = None) -> SiteScan:
    """Every regular file under ``site`` (symbolic links skipped, as Pages does); the MD5 of those
    whose stamp (size, modification time in ns) differs from ``stamps``, the last deploy's record —
    a file of the same stamp is not read again (the Actions cache restores times to the nanosecond).

    ``os.scandir`` rather than ``Path`` walks: a year's site is ~85,000 files, and the directory
    entry already says what is a file, so each costs one ``stat``, a key string and a comparison
    of two strings; only a file read now becomes an object."""
    keys: list[str] = []
    fresh: list[LocalFile] = []
    total = 0
    stamps = stamps or {}
    stack = [(str(site), prefix)]
    while stack:
        folder, key_prefix = stack.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    stack.append((entry.path, f"{key_prefix}{entry.name}/"))
                    continue
                if not entry.is_file(follow_symlinks=False):
                    continue  # symbolic links and special files
                key = key_prefix + entry.name
                info = entry.stat(follow_symlinks=False)
                keys.append(key)
                total += info.st_size
                file_stamp = stamp(info.st_size, info.st_mtime_ns)
                if stamps.get(key) == file_stamp:
                    continue
                digest = hashlib.md5(usedforsecurity=False)
                with open(entry.path, "rb") as handle:
                    while chunk := handle.read(1 << 20):
                        digest.update(chunk)
                fresh.append(LocalFile(key, entry.path, info.st_size, digest.hexdigest(), file_stamp))
    return SiteScan(keys, total, fresh)


def plan_deploy(scan: SiteScan, remote: Mapping[str, str], *, everything: bool = False) -> DeployPlan:
    """Which files to upload (new, or MD5 ≠ the object's, ``remote``: key -> MD5 or ETag, lower
    case) and which objects to delete (no file any more). A file the scan did not read matched the
    record, so the object is its bytes; ``everything`` needs a scan that read every file."""
    uploads = [f for f in scan.fresh if everything or remote.get(f.key) != f.md5]
    keys = set(scan.keys)
    deletes = sorted(key for key in remote if key not in keys)
    # entry points last: their references are then already in place
    uploads.sort(key=lambda f: (f.key.lower().endswith(ENTRY_SUFFIXES), f.key))
    return DeployPlan(uploads=uploads, deletes=deletes, unchanged=len(scan.keys) - len(uploads))


def deploy_site(
    site: Path,
    target: str,
    *,
    env: Mapping[str, str] | None = None,
    workers: int = 4,
    everything: bool = False,
    dry_run: bool = False,
    progress: Callable[[str], None] | None = None,
    state: Path | None = None,
    verify: bool = False,
) -> DeployResult:
    """Make ``target`` (``s3://bucket/prefix``) hold exactly the files of ``site``; see the module doc
    (``state``: the record of the last deploy; ``verify``: list the bucket even with one)."""
    began = time.monotonic()
    bucket, prefix = parse_target(target)
    site = Path(site)
    if not (site / "index.html").is_file():
        # an empty or failed build must never wipe the bucket through the deletes
        raise DeployError(f"{site}/index.html does not exist: build the site first (nothing was deployed)")
    try:
        config = StoreConfig.from_env(env)
    except S3Error as exc:
        raise DeployError(str(exc)) from exc
    identity = f"{config.endpoint}/{bucket}/{prefix}"
    record = None if everything or verify or state is None else read_record(state, identity)
    scan = scan_site(site, prefix, record.stamps if record else None)
    result = DeployResult(target=target, files_total=len(scan.keys), bytes_total=scan.bytes_total)
    result.dry_run = dry_run
    result.files_read = len(scan.fresh)
    result.listed = record is None
    say = progress or (lambda line: log.info("%s", line))
    with S3Store(config, bucket, pool=max(workers, 1) * 2) as store:
        try:
            if record is None:
                remote = {o.key: o.etag.lower() for o in store.list_objects(prefix)}
            else:
                remote = record.md5s
            plan = plan_deploy(scan, remote, everything=everything)
            say(
                f"{len(plan.uploads):,} to upload, {len(plan.deletes):,} to delete, {plan.unchanged:,} unchanged"
            )
            result.files_unchanged = plan.unchanged
            if not dry_run:
                _upload(store, plan.uploads, workers, say)
                if plan.deletes:
                    store.delete_objects(plan.deletes)
                if state is not None and (record is None or scan.fresh or plan.deletes):
                    _keep_record(state, record or Record(identity), scan, plan)
        except S3Error as exc:
            raise DeployError(_explain(exc, bucket)) from exc
    result.files_uploaded = len(plan.uploads)
    result.bytes_uploaded = sum(f.size for f in plan.uploads)
    result.files_deleted = len(plan.deletes)
    result.uploaded = [f.key for f in plan.uploads]
    result.seconds = round(time.monotonic() - began, 2)
    return result


def _keep_record(state: Path, record: Record, scan: SiteScan, plan: DeployPlan) -> None:
    """What the bucket now holds: the record updated with the files read now (sent or not: their
    bytes are the object's) and without the deleted keys. An unchanged record is not rewritten."""
    for item in scan.fresh:
        record.put(item.key, item.stamp, item.md5)
    for key in plan.deletes:
        record.drop(key)
    write_record(state, record)


def _upload(store: S3Store, uploads: list[LocalFile], workers: int, say: Callable[[str], None]) -> None:
    """Two waves (assets, then entry points), each over a small thread pool; the first error stops."""
    waves = [
        [f for f in uploads if not f.key.lower().endswith(ENTRY_SUFFIXES)],
        [f for f in uploads if f.key.lower().endswith(ENTRY_SUFFIXES)],
    ]
    done = 0

    def put(item: LocalFile) -> None:
        with open(item.path, "rb") as handle:
            body = handle.read()
        etag = store.put_object(item.key, body, object_headers(item.key))
        if etag and len(etag) == MD5_HEX and etag.lower() != item.md5:
            raise S3Error(f"PUT {item.key}: the store kept different bytes (ETag {etag}, MD5 {item.md5})")

    with ThreadPoolExecutor(max_workers=max(workers, 1)) as pool:
        for wave in waves:
            for _ in pool.map(put, wave):  # map re-raises a worker's error here
                done += 1
                if done % 1000 == 0:
                    say(f"uploaded {done:,} of {len(uploads):,}")


def _explain(exc: S3Error, bucket: str) -> str:
    if exc.is_auth:
        return (
            f"the store refused the credentials for bucket {bucket!r} ({exc.code or f'HTTP {exc.status}'}): "
            "check AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (and AWS_REGION, AWS_ENDPOINT_URL)"
        )
    if exc.code == "NoSuchBucket":
        return f"bucket {bucket!r} does not exist at the endpoint (AWS_ENDPOINT_URL): create it first"
    return str(exc)


def render_markdown(result: DeployResult) -> str:
    """The job-summary section: what this deploy uploaded, against the whole site."""
    rows = [
        ("대상 (target)", f"`{result.target}`"),
        ("올린 파일 (files uploaded)", f"{result.files_uploaded:,} / {result.files_total:,}"),
        (
            "올린 용량 (bytes uploaded)",
            f"{human_bytes(result.bytes_uploaded)} / {human_bytes(result.bytes_total)}",
        ),
        ("지운 파일 (files deleted)", f"{result.files_deleted:,}"),
        ("그대로 (unchanged)", f"{result.files_unchanged:,}"),
        ("소요 시간 (seconds)", f"{result.seconds:,.1f}"),
    ]
    title = "## 배포 (S3 deploy)" + (" — dry run, nothing sent" if result.dry_run else "")
    lines = [title, "", "| 항목 | 값 |", "| --- | ---: |", *(f"| {n} | {v} |" for n, v in rows)]
    return "\n".join(lines) + "\n"
