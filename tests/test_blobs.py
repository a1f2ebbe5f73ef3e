"""Blob ids from git's index for the files git sees unchanged, hashed for the others."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from briefing.blobs import blob_ids, file_blob_id

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def _git(root: Path, *args: str) -> str:
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid"}
    env |= {"GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid", "HOME": str(root)}
    done = subprocess.run(
        ["git", "-C", str(root), *args], capture_output=True, text=True, env=env, check=True
    )
    return done.stdout.strip()


def _repo(tmp_path: Path) -> tuple[Path, Path]:
    root = tmp_path / "repo"
    data = root / "data" / "releases"
    for n in range(5):
        (data / "2026" / f"0{n + 1}").mkdir(parents=True)
        (data / "2026" / f"0{n + 1}" / f"r{n}.json").write_text(f'{{"id": {n}}}\n', encoding="utf-8")
    (root / "other.txt").write_text("not asked for\n", encoding="utf-8")
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "files")
    return root, data


def test_ids_match_git_for_unchanged_changed_new_and_missing_files(tmp_path: Path) -> None:
    root, data = _repo(tmp_path)
    files = sorted(data.rglob("*.json"))
    files[0].write_text('{"id": "changed"}\n', encoding="utf-8")  # tracked, changed
    files[1].unlink()  # tracked, gone
    new = data / "2026" / "06" / "new.json"
    new.parent.mkdir()
    new.write_text('{"id": "new"}\n', encoding="utf-8")  # untracked
    asked = [*files, new]
    ids = blob_ids(asked, [data])
    assert ids[str(files[1])] is None
    for path in [files[0], *files[2:], new]:
        assert ids[str(path)] == file_blob_id(path) == _git(root, "hash-object", str(path))


def test_unchanged_files_are_taken_from_the_index(tmp_path: Path) -> None:
    root, data = _repo(tmp_path)
    files = sorted(data.rglob("*.json"))
    committed = file_blob_id(files[2])
    # git is told not to look at this file: a changed file then proves the id came from the index
    _git(root, "update-index", "--assume-unchanged", str(files[2].relative_to(root)))
    files[2].write_text('{"id": "edited behind git"}\n', encoding="utf-8")
    assert blob_ids(files, [data])[str(files[2])] == committed
    # outside a work tree every file is read
    shutil.rmtree(root / ".git")
    assert blob_ids(files, [data])[str(files[2])] == file_blob_id(files[2]) != committed


def test_a_fresh_clone_gives_the_ids_of_its_bytes(tmp_path: Path) -> None:
    root, _ = _repo(tmp_path)
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(root), str(clone)], check=True, capture_output=True)
    files = sorted((clone / "data" / "releases").rglob("*.json"))
    ids = blob_ids(files, [clone / "data" / "releases"])
    assert [ids[str(p)] for p in files] == [file_blob_id(p) for p in files]
