"""Synthetic releases: deterministic, and with the corpus, as long as real releases."""

from __future__ import annotations

import zlib
from datetime import date
from pathlib import Path

import pytest

from briefing.testing.synthetic import generate_records, iter_records, real_text_pool


@pytest.fixture(scope="module")
def pool(corpus: Path):
    found = real_text_pool(corpus)
    assert found is not None
    return found


def test_records_do_not_depend_on_how_many_and_stream_the_same() -> None:
    whole = [r.to_json() for r in generate_records(30, seed=2)]
    assert [r.to_json() for r in generate_records(20, seed=2)] == whole[:20]
    assert [r.to_json() for r in iter_records(30, seed=2, first=20)] == whole[20:]
    with pytest.raises(ValueError):
        generate_records(-1)


def test_per_day_spreads_a_year_over_twelve_months() -> None:
    records = generate_records(25_000, per_day=69, start=date(2026, 10, 1))
    assert records[0].published_at.date() == date(2026, 10, 1)
    assert records[-1].published_at.date() == date(2027, 9, 28)  # day 24,999 // 69 = 362
    assert len({r.published_at.month for r in records}) == 12
    with pytest.raises(ValueError):
        generate_records(1, per_day=0)


def test_real_text_is_real_sized_deterministic_and_keeps_the_rest(pool) -> None:
    plain = generate_records(300)
    real = generate_records(300, real_text=pool)
    assert [r.to_json() for r in generate_records(300, real_text=pool)] == [r.to_json() for r in real]
    for a, b in zip(plain, real, strict=True):
        assert (a.id, a.title, a.body_text, a.published) == (b.id, b.title, b.body_text, b.published)
        assert [x.name for x in a.attachments] == [y.name for y in b.attachments]
        assert all(y.text.startswith(x.text) for x, y in zip(a.attachments, b.attachments, strict=True))

    def text(record) -> str:
        return "\n".join(a.text for a in record.attachments)

    chars = [len(text(r)) for r in real]
    real_mean = sum(pool.release_chars) / len(pool.release_chars)
    assert 0.8 * real_mean < sum(chars) / len(chars) < 1.2 * real_mean
    assert max(chars) > 3 * min(chars)  # sizes vary as real releases do
    # Korean release text compresses ~3x with zlib; the old synthetic filler compressed 6x.
    raw = sum(len(text(r).encode()) for r in real)
    packed = sum(len(zlib.compress(text(r).encode(), 6)) for r in real)
    assert 2.5 < raw / packed < 4.0
    # whole lines of the corpus documents, not synthetic sentences
    lines = {line for doc in pool.documents for line in doc}
    assert sum(line in lines for line in text(real[0]).splitlines()) > 5


def test_no_corpus_no_pool(tmp_path: Path) -> None:
    assert real_text_pool(tmp_path) is None
    (tmp_path / "hwp").mkdir()
    (tmp_path / "hwp" / "broken.hwp").write_bytes(b"not a document")
    assert real_text_pool(tmp_path) is None
