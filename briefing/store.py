"""Records and state on disk: the one place that writes under ``DATA_DIR``.

Every write is atomic (temporary file in the same folder, fsync, rename), so a run killed at any
point leaves either the old file or the new one, never half of one. A lock file keeps runs from
overlapping.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from briefing.errors import BriefingError
from briefing.records import ReleaseRecord, safe_id

log = logging.getLogger(__name__)


def scan_months(root: Path, suffix: str, since: float) -> tuple[list[str], list[Path]]:
    """The stems of every ``root/*/*/*<suffix>`` entry (as ``Path.glob`` finds them), and, sorted,
    the paths of those modified at or after ``since``.

    One ``scandir`` per folder and no ``Path`` for an old file: a run's report looks at a year's
    25,000 files to find the few it touched. A month folder modified before ``since`` is not
    looked into file by file: every file written there since was renamed into it
    (:func:`write_atomic`, as git's checkout creates its files anew), which sets the folder's time;
    only a file rewritten in place, which no step does, would go unseen."""
    stems: list[str] = []
    recent: list[Path] = []
    for level in _subfolders(str(root)):
        for month in _subfolders(level):
            try:
                fresh = os.stat(month).st_mtime >= since
                entries = os.scandir(month)
            except OSError:
                continue
            with entries:
                for entry in entries:
                    name = entry.name
                    if not name.endswith(suffix) or len(name) == len(suffix):
                        continue
                    stems.append(name[: -len(suffix)])
                    if not fresh:
                        continue
                    try:
                        if entry.stat().st_mtime >= since:
                            recent.append(Path(entry.path))
                    except OSError:
                        continue
    return stems, sorted(recent)


def _subfolders(folder: str) -> list[str]:
    try:
        with os.scandir(folder) as entries:
            return sorted(e.path for e in entries if e.is_dir())
    except OSError:
        return []


class StoreError(BriefingError):
    """A record or state file could not be read or written."""

    kind = "store"


class LockedError(StoreError):
    """Another run holds the data folder's lock."""


# mkstemp creates files readable by their owner only; published files must be world-readable
_UMASK = os.umask(0o022)
os.umask(_UMASK)
_FILE_MODE = 0o666 & ~_UMASK


def write_atomic(path: Path, data: str | bytes, *, durable: bool = True) -> bool:
    """Write ``data`` to ``path`` atomically. Returns False (and writes nothing) when unchanged.

    ``durable`` also fsyncs before the rename; generated files that can be rebuilt skip it
    (thousands of fsyncs would dominate a site build).
    """
    raw = data.encode("utf-8") if isinstance(data, str) else data
    try:
        if path.stat().st_size == len(raw) and path.read_bytes() == raw:
            return False
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, _FILE_MODE)
        with os.fdopen(fd, "wb") as handle:
            handle.write(raw)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return True


class Store:
    """Records under ``data_dir/releases`` and small JSON state files under ``data_dir/state``."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        self.releases_dir = self.data_dir / "releases"
        self.state_dir = self.data_dir / "state"

    # --- records
    def path_for(self, record: ReleaseRecord) -> Path:
        return self.releases_dir / record.relpath

    def find(self, release_id: str) -> Path | None:
        """The record file of ``release_id``, wherever its month is."""
        name = f"{safe_id(release_id)}.json"
        for path in self.releases_dir.glob(f"*/*/{name}"):
            return path
        return None

    def load(self, release_id: str) -> ReleaseRecord | None:
        path = self.find(release_id)
        return self.read(path) if path else None

    @staticmethod
    def read(path: Path) -> ReleaseRecord:
        try:
            return ReleaseRecord.from_json(path.read_text(encoding="utf-8"))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise StoreError(f"unreadable record {path}: {exc}") from exc

    def save(self, record: ReleaseRecord) -> bool:
        """Write the record; moves it when its publication month changed. True when bytes changed."""
        path = self.path_for(record)
        old = self.find(record.id)
        changed = write_atomic(path, record.to_json())
        if old is not None and old != path:
            old.unlink(missing_ok=True)
            changed = True
        return changed

    def delete(self, release_id: str) -> bool:
        """Remove the record of ``release_id`` (e.g. after it was saved under the portal's id)."""
        path = self.find(release_id)
        if path is None:
            return False
        path.unlink(missing_ok=True)
        return True

    def remove_stale_temp_files(self) -> int:
        """Delete temporary files a killed run left behind. Call only while holding the lock."""
        count = 0
        for folder in (self.releases_dir, self.state_dir):
            if folder.is_dir():
                for tmp in folder.rglob(".*.tmp"):
                    tmp.unlink(missing_ok=True)
                    count += 1
        return count

    def iter_paths(self) -> Iterator[Path]:
        yield from sorted(self.releases_dir.glob("*/*/*.json"))

    def relpaths(self) -> list[str]:
        """Every record's path under ``releases_dir`` (``YYYY/MM/<name>.json``): the files
        :meth:`iter_paths` yields, in its order, as strings. One ``scandir`` per folder and no
        ``Path`` per record: a run lists a year's 25,000 records to find the few it works on."""
        out: list[str] = []
        for level in _subfolders(str(self.releases_dir)):
            for month in _subfolders(level):
                try:
                    with os.scandir(month) as entries:
                        names = sorted(e.name for e in entries if e.name.endswith(".json"))
                except OSError:
                    continue
                prefix = f"{os.path.basename(level)}/{os.path.basename(month)}/"
                out.extend(prefix + name for name in names)
        return out

    def iter_records(self) -> Iterator[ReleaseRecord]:
        """Every readable record, oldest month first; unreadable ones are logged and skipped."""
        for path in self.iter_paths():
            try:
                yield self.read(path)
            except StoreError as exc:
                log.error("%s", exc)

    # --- state
    def read_state(self, name: str) -> dict[str, Any]:
        path = self.state_dir / f"{name}.json"
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            log.error("state file %s unreadable (%s); starting from empty state", path, exc)
            return {}

    def write_state(self, name: str, state: dict[str, Any], *, compact: bool = False) -> bool:
        """``compact``: one line without indentation, for a large state file (JSON's C encoder,
        several times faster than the indenting one; half the time to read back)."""
        if compact:
            text = json.dumps(state, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n"
        else:
            text = json.dumps(state, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
        return write_atomic(self.state_dir / f"{name}.json", text)

    # --- one run at a time
    @contextlib.contextmanager
    def lock(self, name: str = "run") -> Iterator[None]:
        """Hold an exclusive lock on ``data_dir/.<name>.lock``; raises LockedError when taken.

        An OS lock (flock) rather than a PID file: it is released by the kernel when the process
        dies, even by SIGKILL, so a killed run never blocks the next one.
        """
        self.data_dir.mkdir(parents=True, exist_ok=True)
        path = self.data_dir / f".{name}.lock"
        handle = open(path, "a+")  # noqa: SIM115 - held for the duration of the context
        try:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as exc:
                raise LockedError(
                    f"another briefing run holds {path}; wait for it to finish (runs never overlap)"
                ) from exc
            handle.seek(0)
            handle.truncate()
            handle.write(f"{os.getpid()}\n")
            handle.flush()
            yield
        finally:
            handle.close()
