"""The summarize manifest: a rerun parses only the records whose files changed, and decides the rest
exactly as the full check would."""

from __future__ import annotations

import json
from pathlib import Path

from briefing.article.markdown import article_path, read_meta
from briefing.store import Store
from briefing.summarize import run_summarize
from briefing.summarize.checked import NAME, Checked
from briefing.testing.summaries import offline_settings, save
from briefing.testing.synthetic import generate_records


def _manifest(data_dir: Path) -> dict:
    return json.loads((data_dir / "state" / f"{NAME}.json").read_text(encoding="utf-8"))


def test_a_rerun_parses_only_what_changed(tmp_path: Path) -> None:
    settings = offline_settings(tmp_path)
    records = generate_records(12, seed=5)
    save(settings.data_dir, *records)
    first = run_summarize(settings)
    assert first.extracted + first.no_text == 12

    manifest = settings.data_dir / "state" / f"{NAME}.json"
    entries = _manifest(settings.data_dir)["entries"]
    assert set(entries) == {r.relpath for r in records}
    assert {title for _, title in entries.values()} == {r.title for r in records}

    # nothing changed: every release is up to date without being parsed; the manifest is not rewritten
    before = manifest.stat().st_mtime_ns
    again = run_summarize(settings)
    assert (again.cached, again.written, again.extracted) == (12, 0, 0)
    assert manifest.stat().st_mtime_ns == before

    # the manifest answers for files as they are, and for nothing else
    store = Store(settings.data_dir)
    run_files = (
        store.releases_dir / records[0].relpath,
        settings.data_dir / "summaries" / records[0].relpath,
        article_path(settings.content_dir, records[0]),
    )
    assert Checked(store, "1\x00other versions").title_if_current(records[0].relpath, run_files) is None

    # a record changed by collect: its article is rendered again, the others stay as they are
    changed = records[3]
    changed.title = "제목이 바뀐 보도자료"
    store.save(changed)
    lost = records[7]
    article_path(settings.content_dir, lost).unlink()  # and an article lost by hand
    third = run_summarize(settings)
    assert third.cached + third.extracted + third.no_text == 12 and third.written == 2
    assert read_meta(article_path(settings.content_dir, changed))["title"] == "제목이 바뀐 보도자료"
    assert article_path(settings.content_dir, lost).is_file()
    updated = _manifest(settings.data_dir)["entries"]
    assert updated[changed.relpath][1] == "제목이 바뀐 보도자료"
    assert updated[changed.relpath][0] != entries[changed.relpath][0]
    # the lost article came back byte for byte, so its entry is the one it had
    assert {k: v for k, v in updated.items() if k != changed.relpath} == {
        k: v for k, v in entries.items() if k != changed.relpath
    }

    # --force trusts nothing: every release is decided again
    forced = run_summarize(settings, force=True)
    assert forced.cached == 0 and forced.extracted + forced.no_text == 12


def test_a_removed_record_leaves_the_manifest(tmp_path: Path) -> None:
    settings = offline_settings(tmp_path)
    records = generate_records(4, seed=9)
    save(settings.data_dir, *records)
    run_summarize(settings)
    Store(settings.data_dir).delete(records[0].id)
    run_summarize(settings)
    assert set(_manifest(settings.data_dir)["entries"]) == {r.relpath for r in records[1:]}
