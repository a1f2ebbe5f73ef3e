"""A first build analyses every release's words before Pelican reads the articles, so the search
phase (on top of every article object) never loads the Korean analyser; later builds skip it."""

from __future__ import annotations

import dataclasses
import re
from datetime import date
from pathlib import Path

from briefing.testing.synthetic import generate_records, write_synthetic_articles
from tests.support.sitebuild import build_site


def _new_words(log: str) -> int:
    found = re.search(r"search index \(.*?search analysis: .*?([\d,]+) words new to the analyser", log)
    assert found, log[-3000:]
    return int(found.group(1).replace(",", ""))


def test_a_first_build_warms_the_analysis_up_and_later_builds_do_not(tmp_path: Path) -> None:
    content, output, data = tmp_path / "content", tmp_path / "output", tmp_path / "data"
    records = generate_records(10, seed=21, start=date(2026, 11, 2))
    write_synthetic_articles(records, content, data)

    log: list[str] = []
    build_site(content, output, data_dir=data, log=log, info=True)
    assert re.search(r"search warm-up: [\d,]+ chars analysed", log[0]), log[0][-3000:]
    assert _new_words(log[0]) == 0  # every word of every search document was analysed before
    assert (output / "search" / "manifest.json").is_file()

    # the cache exists now: no warm-up; a release with words never seen is analysed in the index
    fresh = dataclasses.replace(
        generate_records(1, seed=22, start=date(2026, 11, 9))[0],
        id="291109001",
        title="뽀로롱나라 꾸르릉정책 시행",
    )
    write_synthetic_articles([fresh], content, data)
    log.clear()
    build_site(content, output, data_dir=data, log=log, info=True)
    assert "search warm-up" not in log[0]
    assert _new_words(log[0]) > 0


def test_a_warm_up_in_worker_processes_leaves_no_word_for_the_index(tmp_path: Path) -> None:
    from briefing.article.markdown import read_meta
    from briefing.article.view import view_for
    from briefing.search import kiwi_words
    from briefing.search.client_index import SearchDocument, build_client_index
    from briefing.search.warm_up import warm_up
    from briefing.site.text import plain

    content, data, cache = tmp_path / "content", tmp_path / "data", tmp_path / "cache"
    records = generate_records(12, seed=23, start=date(2026, 11, 2))
    write_synthetic_articles(records, content, data)
    line = warm_up(content, data, cache / "analysis.sqlite", workers=2)
    assert line and re.search(r"[1-9][\d,]* chars analysed", line), line
    assert not kiwi_words._WORD_CACHE  # the words are in the shared cache, not in this process

    documents = []
    for path in sorted((content / "releases").glob("*/*/*.md")):
        view = view_for(data, path.relative_to(content).as_posix())
        assert view is not None
        documents.append(
            SearchDocument(
                id=path.stem,
                title=plain(read_meta(path).get("title")),
                date="2026-11-02",
                url="",
                summary=view.key_summary,
                headline=view.headline,
                original_source=view.original_text,
            )
        )
    report = build_client_index(documents, tmp_path / "search", cache, workers=0)
    assert report.analysis.analysed == len(records)
    assert report.analysis.new_words == 0  # every word came from what the workers analysed
