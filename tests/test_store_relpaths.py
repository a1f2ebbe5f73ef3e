"""``Store.relpaths``: the records ``Store.iter_paths`` yields, in its order, as relative strings;
and a compact state file reads back the same."""

from __future__ import annotations

import json
from pathlib import Path

from briefing.store import Store


def test_relpaths_are_iter_paths_in_order(tmp_path: Path) -> None:
    store = Store(tmp_path / "data")
    names = {
        "2025/12": ["b.json", "a.json", ".hidden.json", "a-1.json", "a.json.tmp", "notes.txt", "x.jsonl"],
        "2025/02": ["z.json"],
        "2026/01": ["m.json", "A.json"],
        "2025/2x": ["q.json"],  # any folder name, as glob's "*" takes it
    }
    for month, files in names.items():
        folder = store.releases_dir / month
        folder.mkdir(parents=True)
        for name in files:
            (folder / name).write_text("{}")
    (store.releases_dir / "2026" / "01" / "dir.json").mkdir()  # glob lists it too (read fails later)
    (store.releases_dir / "2026" / "stray.json").write_text("{}")  # not at a month's depth
    (store.releases_dir / "README").write_text("")
    expected = [str(p.relative_to(store.releases_dir)) for p in store.iter_paths()]
    assert len(expected) == 9
    assert store.relpaths() == expected


def test_relpaths_of_a_missing_folder(tmp_path: Path) -> None:
    assert Store(tmp_path / "none").relpaths() == []


def test_a_compact_state_file_reads_back(tmp_path: Path) -> None:
    store = Store(tmp_path)
    state = {"key": "k", "entries": {"2025/12/b.json": ["d2", '제목 "b"'], "2025/12/a.json": ["d1", "a"]}}
    assert store.write_state("big", state, compact=True)
    text = (store.state_dir / "big.json").read_text(encoding="utf-8")
    assert text.count("\n") == 1 and "제목" in text  # one line, Korean as it is
    assert store.read_state("big") == state
    assert list(json.loads(text)["entries"]) == ["2025/12/a.json", "2025/12/b.json"]  # sorted: stable
    assert not store.write_state("big", state, compact=True)  # same bytes: nothing written
