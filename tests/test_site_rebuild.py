"""Rebuilds: new releases appear everywhere, untouched pages are left alone (stable pagination)."""

from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path

from briefing.store import Store
from briefing.testing.synthetic import generate_records, write_synthetic_articles
from tests.support.sitebuild import ROOT, build_site

# small pages so that 60 releases make a front page and two numbered (compact) pages
SETTINGS = {
    "PLUGINS": ["briefing_articles", "briefing_site"],
    "DEFAULT_PAGINATION": 10,
    "LISTING_COMPACT_PAGINATION": 20,
}


def _mtimes(output: Path) -> dict[str, int]:
    """Modification times of generated files (theme/ holds static files Pelican copies each build)."""
    files = (p for p in output.rglob("*") if p.is_file() and p.relative_to(output).parts[0] != "theme")
    return {str(p.relative_to(output)): p.stat().st_mtime_ns for p in files}


def test_rebuild_after_a_new_release_rewrites_only_what_changed(tmp_path: Path) -> None:
    content, output = tmp_path / "content", tmp_path / "output"
    records = generate_records(61, seed=3, start=date(2026, 11, 2))
    data = tmp_path / "output.data"  # build_site's records folder: pages take the original text from it
    write_synthetic_articles(records[:60], content, data)
    shutil.copytree(ROOT / "content" / "pages", content / "pages")
    build_site(content, output, **SETTINGS)
    before = _mtimes(output)
    page = {r.id: f"releases/{r.published_at:%Y/%m}/{r.id}/index.html" for r in records}
    assert (output / "page/2/index.html").is_file() and (output / "page/1/index.html").is_file()

    write_synthetic_articles(records[60:], content, data)  # one new release
    build_site(content, output, **SETTINGS)
    after = _mtimes(output)
    new, previous_newest, old = records[60], records[59], records[5]

    assert page[new.id] in after
    assert new.id in (output / "index.html").read_text(encoding="utf-8")
    assert new.id in (output / "feeds/all.atom.xml").read_text(encoding="utf-8")
    # the neighbour's "next release" link now points at the new one: rewritten
    assert after[page[previous_newest.id]] != before[page[previous_newest.id]]
    assert new.id in (output / page[previous_newest.id]).read_text(encoding="utf-8")
    # an old release's page and the numbered index pages are untouched
    assert after[page[old.id]] == before[page[old.id]]
    original = page[old.id].removesuffix("/index.html") + ".original.html.gz"
    assert after[original] == before[original]  # written once per release
    assert after["page/1/index.html"] == before["page/1/index.html"]
    assert after["page/2/index.html"] == before["page/2/index.html"]
    untouched = sum(after[name] == stamp for name, stamp in before.items())
    assert untouched > 0.8 * len(before)

    # nothing changed: nothing is written at all
    build_site(content, output, **SETTINGS)
    assert _mtimes(output) == after

    # a fresh checkout (as on every CI run) gives every source a new mtime: still nothing written
    for source in content.rglob("*.md"):
        os.utime(source, ns=(source.stat().st_atime_ns, source.stat().st_mtime_ns + 10**9))
    build_site(content, output, **SETTINGS)
    assert _mtimes(output) == after

    # a withdrawn release (record and article gone) disappears with its page and JSON
    Store(data).delete(old.id)
    next(content.rglob(f"{old.id}.md")).unlink()
    build_site(content, output, **SETTINGS)
    assert not (output / page[old.id]).exists()
    assert not (output / page[old.id]).parent.with_suffix(".json").exists()
    assert not (output / original).exists()
    assert old.id not in (output / "page/1/index.html").read_text(encoding="utf-8")


def test_a_site_with_no_releases_yet_builds_and_says_so(tmp_path: Path) -> None:
    # a fresh fork before its first collection: every plugin runs over zero articles
    content, output = tmp_path / "content", tmp_path / "output"
    shutil.copytree(ROOT / "content" / "pages", content / "pages")
    build_site(content, output)
    home = (output / "index.html").read_text(encoding="utf-8")
    assert "아직 수집된 보도자료가 없습니다" in home
    assert (output / "search" / "manifest.json").is_file()
    assert (output / "feeds" / "all.atom.xml").is_file()
