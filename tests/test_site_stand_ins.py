"""Unchanged content folders are not read again (``briefing_site``'s stand-ins), and the site they
build is byte for byte the site a cold build of the same content makes."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

from briefing.testing.synthetic import generate_records, write_synthetic_articles
from tests.support.sitebuild import ROOT, build_site

BASE = "https://example.org/site"
SETTINGS = {
    "PLUGINS": ["briefing_articles", "briefing_site", "briefing_search"],
    "DEFAULT_PAGINATION": 5,
    "LISTING_COMPACT_PAGINATION": 10,
    "TAG_MIN_ARTICLES": 2,
    "SITEURL": BASE,
    "FEED_DOMAIN": BASE,
    "RELATIVE_URLS": False,
    "SUMMARIZE_ON_BUILD": False,
}
LINE = re.compile(r"stand-ins: (\d+) unchanged releases taken from the last build, (\d+) read in full")


def _files(output: Path) -> dict[str, bytes]:
    return {p.relative_to(output).as_posix(): p.read_bytes() for p in output.rglob("*") if p.is_file()}


def _build(
    content: Path, output: Path, data: Path, log: list[str] | None = None, **extra: object
) -> tuple[int, int] | None:
    """Build; the stand-ins line of the log as (stand-ins, read in full), None when none were used."""
    log = [] if log is None else log
    build_site(content, output, data_dir=data, log=log, info=True, **{**SETTINGS, **extra})
    found = LINE.findall("".join(log))
    return (int(found[-1][0]), int(found[-1][1])) if found else None


def _site(tmp_path: Path):
    content, data = tmp_path / "content", tmp_path / "data"
    # one release a day from 3 August to 31 October (three month folders); four more in November
    records = generate_records(94, seed=11, start=date(2026, 8, 3), per_day=1)
    write_synthetic_articles(records[:90], content, data)
    shutil.copytree(ROOT / "content" / "pages", content / "pages")
    return content, data, records


def test_unchanged_folders_become_stand_ins_and_the_site_matches_a_full_read(tmp_path: Path) -> None:
    content, data, records = _site(tmp_path)
    output, full_read = tmp_path / "output", tmp_path / "full-read"
    assert _build(content, output, data) is None  # first build: every folder read
    _build(content, full_read, data, STAND_INS=False, SEARCH_INDEX_BESIDE=False)
    first = _files(output)

    assert _build(content, output, data) == (90, 0)  # nothing changed: nothing read, nothing written
    assert _files(output) == first

    # new releases in a new month, and a correction to a release two months back
    write_synthetic_articles(records[90:], content, data)
    old = content / f"releases/{records[15].published_at:%Y/%m}/{records[15].id}.md"
    old.write_text(old.read_text(encoding="utf-8").replace("Title: ", "Title: [정정] ", 1), encoding="utf-8")
    log: list[str] = []
    used = _build(content, output, data, log)
    assert "(built beside the pages)" in "".join(log)  # the index in a child, while pages were written
    months = {f"{r.published_at:%Y/%m}" for r in records[:90]}
    hot = {f"{records[15].published_at:%Y/%m}", f"{records[90].published_at:%Y/%m}"}
    in_cold = sum(1 for r in records[:90] if f"{r.published_at:%Y/%m}" not in hot)
    assert len(months - hot) == 2
    assert used is not None and used[0] == in_cold
    # read in full: what is rendered again (the new releases' older neighbour, 31 October), not more
    assert 1 <= used[1] <= 3

    # the same two builds reading every folder, the index built after the pages, write the same
    # bytes, search index included
    log = []
    assert _build(content, full_read, data, log, STAND_INS=False, SEARCH_INDEX_BESIDE=False) is None
    assert "search index (incremental)" in "".join(log) and "beside" not in "".join(log)
    incremental = _files(output)
    assert incremental == _files(full_read)
    # and a cold build too, but for the search index's segments (an incremental index appends)
    cold = {n: b for n, b in _files(_cold(content, data, tmp_path)).items() if not n.startswith("search/")}
    assert {n: b for n, b in incremental.items() if not n.startswith("search/")} == cold


def _cold(content: Path, data: Path, tmp_path: Path) -> Path:
    output = tmp_path / "cold"
    assert _build(content, output, data) is None
    return output


def test_a_folder_with_a_draft_is_read_every_build(tmp_path: Path) -> None:
    content, data, records = _site(tmp_path)
    draft = content / f"releases/{records[0].published_at:%Y/%m}/{records[0].id}.md"
    draft.write_text("Status: draft\n" + draft.read_text(encoding="utf-8"), encoding="utf-8")
    output = tmp_path / "output"
    _build(content, output, data)
    in_draft_month = sum(1 for r in records[:90] if r.published_at.month == records[0].published_at.month)
    used = _build(content, output, data)
    assert used is not None and used[0] == 90 - in_draft_month


def test_a_setting_change_reads_everything_again(tmp_path: Path) -> None:
    content, data, _ = _site(tmp_path)
    output = tmp_path / "output"
    _build(content, output, data)
    assert _build(content, output, data, DEFAULT_PAGINATION=6) is None
    assert _build(content, output, data, DEFAULT_PAGINATION=6) == (90, 0)
    assert _build(content, output, data, DEFAULT_PAGINATION=6, STAND_INS=False) is None


def test_files_of_a_disabled_reader_are_reported_in_skipped_folders_too(tmp_path: Path) -> None:
    content, data, records = _site(tmp_path)
    stray = content / f"releases/{records[0].published_at:%Y/%m}/notes.notinstalled"
    stray.write_text("notes", encoding="utf-8")
    output = tmp_path / "output"
    warning = f"{stray.relative_to(content).as_posix()}: the reader for this format is not installed"
    plugins = {
        "PLUGIN_PATHS": ["plugins", str(ROOT / "tests/support/plugins")],
        "PLUGINS": [*SETTINGS["PLUGINS"], "reader_not_installed"],
    }
    for used in (None, (90, 0)):  # every folder read; then every folder skipped
        log: list[str] = []
        assert _build(content, output, data, log, **plugins) == used
        assert "".join(log).count(warning) == 1, "".join(log)


def test_a_damaged_state_file_costs_a_read_of_its_folder(tmp_path: Path) -> None:
    content, data, _ = _site(tmp_path)
    output = tmp_path / "output"
    _build(content, output, data)
    first = _files(output)
    state = sorted((tmp_path / "output.cache" / "briefing_site" / "standins").glob("*.pickle"))
    assert len(state) == 3  # one per month folder
    state[0].write_bytes(b"not a pickle")
    used = _build(content, output, data)
    assert used is not None and 0 < used[0] < 90  # the other folders' releases are stand-ins
    assert _files(output) == first  # the damaged folder read again: the same site
    assert _build(content, output, data) == (90, 0)  # and kept again


def test_a_saved_folder_shares_repeated_values_and_loads_equal(tmp_path: Path) -> None:
    import pickle
    from datetime import datetime, timedelta, timezone

    from briefing.site.standins import Folder, State

    def record(n: int) -> dict:
        zone = timezone(timedelta(hours=9))  # a new tzinfo object per record, as a reader makes
        return {
            "values": {
                "date": datetime(2026, 11, n, 9, tzinfo=zone),
                "status": "published",
                "title": "제목" * 30,
            },
            "absent": [],
            "override": ["url", "save_as"],
            "category": "💰 경제·산업",
            "tags": [("반도체", "반도체"), ("수출", "수출")],
            "authors": ["briefing"],
            "metadata": {},
            "metadata_same": ["title"],
            "metadata_keys": tuple(f"key{i}" for i in range(20)),
            "digest": f"d{n}",
            "static_links": [],
        }

    originals = [record(n) for n in (1, 2, 3)]
    state = State(tmp_path, "k")
    state.save(Folder("releases/2026/11", {"a.md": "1"}, [record(n) for n in (1, 2, 3)]))
    [saved] = tmp_path.glob("*.pickle")
    loaded = State(tmp_path, "k").folders["releases/2026/11"].records
    for before, after in zip(originals, loaded, strict=True):
        assert (
            after["values"] == before["values"]
            and after["values"]["date"].isoformat() == before["values"]["date"].isoformat()
        )
        assert [tuple(t) for t in after["tags"]] == before["tags"] and list(after["override"]) == before[
            "override"
        ]
    first, second = loaded[0], loaded[1]
    assert first["metadata_keys"] is second["metadata_keys"] and first["tags"][0] is second["tags"][0]
    assert first["values"]["date"].tzinfo is second["values"]["date"].tzinfo
    assert len(saved.read_bytes()) < len(pickle.dumps(originals))  # the repeats are written once
