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
