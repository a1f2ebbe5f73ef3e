"""The shipped search index: built by the Pelican plugin, read by search.js (node and Chromium)."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from briefing.search.client_index import SearchDocument, build_client_index
from briefing.search.index_reader import ClientIndexReader
from briefing.search.query import parse_query
from tests.conftest import CORPUS
from tests.support.search_site import Article, build_search_site, sample_articles
from tests.support.site_fixture import serve_with_csp

ROOT = Path(__file__).resolve().parent.parent
NODE = ["node", str(ROOT / "tests" / "support" / "search_node.mjs")]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> tuple[Path, list[Article]]:
    tmp = tmp_path_factory.mktemp("search-site")
    corpus = CORPUS / "snippets.json"  # real sentences as extra releases, when the corpus is there
    snippets = json.loads(corpus.read_text(encoding="utf-8")) if corpus.is_file() else None
    articles = sample_articles(snippets)
    return build_search_site(tmp, articles), articles


def node_search(index_dir: Path, queries: list[dict]) -> list[dict]:
    done = subprocess.run(
        [*NODE, "search", str(index_dir)],
        input=json.dumps(queries),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(done.stdout)


def ids(index_dir: Path, q: str, **options: object) -> list[str]:
    return node_search(index_dir, [{"q": q, "options": {"limit": 1000, **options}}])[0]["ids"]


def test_plugin_writes_manifest_shards_and_metadata(site) -> None:
    output, articles = site
    reader = ClientIndexReader(output / "search")
    manifest = reader.manifest
    assert manifest["docs"] == len(articles)
    assert (output / "search" / "index.html").is_file()  # the search page lives beside the index
    for segment in manifest["segments"]:
        for name in segment["t"]:
            assert (output / "search" / "t" / name).is_file()
    first = reader.document(0)
    assert set(first) >= {"id", "t", "d", "u", "c", "m"}
    assert first["u"].startswith("releases/")


def test_every_document_is_found_by_a_word_of_its_title(site) -> None:
    output, articles = site
    queries = []
    for article in articles:
        words = [w.stem for w in parse_query(article.title).words]
        queries.append({"q": max(words, key=len), "options": {"limit": 1000}})
    results = node_search(output / "search", queries)
    for article, query, found in zip(articles, queries, results, strict=True):
        assert article.id in found["ids"], (article.title, query["q"])


def test_particles_endings_and_compounds_find_the_same_releases(site) -> None:
    index = site[0] / "search"
    assert set(ids(index, "정책을")) == set(ids(index, "정책에서")) == set(ids(index, "정책은"))
    assert {"1002", "1003"} <= set(ids(index, "정책을"))
    assert {"1002", "1003", "1005"} <= set(ids(index, "지원했다"))
    assert set(ids(index, "지원했다")) == set(ids(index, "지원하는"))
    spaced, unspaced = ids(index, "디지털 플랫폼 정부"), ids(index, "디지털플랫폼정부")
    assert {"1001", "1003"} <= set(spaced)
    assert {"1001", "1003"} <= set(unspaced)


def test_title_matches_rank_first(site) -> None:
    index = site[0] / "search"
    assert ids(index, "청년 일자리")[0] == "1002"
    assert ids(index, "디지털플랫폼정부 실현계획")[0] == "1001"


def test_phrases_and_exclusion(site) -> None:
    index = site[0] / "search"
    assert ids(index, '"청년 일자리"') == ["1002"]
    assert ids(index, '"일자리 청년"') == []
    with_loans = set(ids(index, "반도체"))
    assert {"1004", "1005"} <= with_loans
    assert "1004" not in ids(index, "반도체 -대출") and "1005" not in ids(index, "반도체 -대출")
    assert "1005" in ids(index, "소상공인 -반도체수출")


def test_filters_by_category_ministry_and_date(site) -> None:
    index = site[0] / "search"
    assert set(ids(index, "지원")) >= {"1002", "1003", "1005"}
    assert ids(index, "지원", category="경제·산업") == ["1005"]
    assert ids(index, "지원", ministry="고용노동부") == ["1002"]
    assert set(ids(index, "지원", **{"from": "2026-10-02", "to": "2026-10-04"})) == {"1002", "1003"}
    assert ids(index, "지원", **{"from": "2026-10-03", "to": "2026-10-03"}) == ["1003"]
    assert "1005" not in ids(index, "지원", to="2026-10-04")
    assert ids(index, "지원", category="없는 분야") == []


def test_titles_with_markup_are_stored_as_text(site) -> None:
    reader = ClientIndexReader(site[0] / "search")
    number = reader.postings("반도체")
    titles = [reader.document(n)["t"] for n, _, _ in number]
    assert "<script>alert(1)</script> 반도체 수출 동향 & 전망" in titles


def synthetic_documents(count: int) -> list[SearchDocument]:
    from briefing.testing.synthetic import generate_records

    return [
        SearchDocument(
            id=r.id,
            title=r.title,
            date=r.published,
            url=f"releases/{r.id}/",
            category="경제·산업",
            ministry=r.ministry,
            tags=[],
            headline=r.title,
            summary=" ".join(r.subtitles),
            original=r.body_text,
        )
        for r in generate_records(count, seed=11)
    ]


def assert_same_files(one: Path, other: Path) -> None:
    files = sorted(p.relative_to(one) for p in one.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(other) for p in other.rglob("*") if p.is_file())
    for name in files:
        assert (one / name).read_bytes() == (other / name).read_bytes(), name


def test_analysing_in_slices_gives_the_same_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from briefing.search import shards

    docs = synthetic_documents(40)
    whole = build_client_index(docs, tmp_path / "whole", tmp_path / "cache")
    monkeypatch.setattr(shards, "ANALYSIS_SLICE", 7)  # 40 documents in six slices
    sliced = build_client_index(docs, tmp_path / "sliced", tmp_path / "cache")
    assert (whole.terms, whole.postings) == (sliced.terms, sliced.postings)
    assert_same_files(tmp_path / "whole", tmp_path / "sliced")


def test_worker_processes_write_the_same_index_and_fill_the_shared_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from briefing.search import shards

    docs = synthetic_documents(40)
    monkeypatch.setattr(shards, "ANALYSIS_SLICE", 7)  # six slices for two workers
    monkeypatch.setattr(shards, "SHARD_BATCH", 4)  # and the 16 shards in four batches
    here = build_client_index(docs, tmp_path / "here", tmp_path / "cache-here", workers=0)
    pooled = build_client_index(docs, tmp_path / "pooled", tmp_path / "cache-pooled", workers=2)
    assert pooled.analysis.analysed == here.analysis.analysed == len(docs)
    assert (pooled.terms, pooled.postings) == (here.terms, here.postings)
    assert_same_files(tmp_path / "here", tmp_path / "pooled")
    # what the workers analysed is in the shared cache: another whole build analyses nothing
    again = build_client_index(docs, tmp_path / "again", tmp_path / "cache-pooled", workers=0)
    assert (again.analysis.cached, again.analysis.new_words) == (len(docs), 0)
    assert_same_files(tmp_path / "here", tmp_path / "again")


def dies_in_a_worker(_cache: object, payload: int) -> int:
    """A task whose worker process dies (killed for memory, say); done here it works."""
    import multiprocessing
    import os

    if multiprocessing.parent_process() is not None:
        os._exit(3)
    return payload * 2


def test_a_broken_worker_pool_costs_time_not_the_build(caplog: pytest.LogCaptureFixture) -> None:
    from briefing.search.analysis_pool import AnalysisPool

    with AnalysisPool(2, None) as pool:
        assert list(pool.run(range(5), dies_in_a_worker)) == [0, 2, 4, 6, 8]
        assert pool.workers == 0  # the rest of the build runs here
    assert "search index workers failed" in caplog.text


def test_rebuild_keeps_unchanged_files_and_analyses_only_new_releases(tmp_path: Path) -> None:
    docs = [
        SearchDocument(
            f"r{i}", f"제목 {i} 정책", f"2026-10-{1 + i:02d}T09:00:00+09:00", f"r/{i}/", original=f"본문 {i}"
        )
        for i in range(20)
    ]
    out, cache = tmp_path / "search", tmp_path / "cache"
    first = build_client_index(docs, out, cache)
    assert first.analysis.analysed == 20 and first.files_written > 0
    again = build_client_index(docs, out, cache)
    # Nothing changed: not even the analysis cache is read.
    assert again.files_written == 0 and again.analysis.cached == 0 and again.files_removed == 0
    shards_before = {p.name: p.read_bytes() for p in (out / "t").iterdir()}
    newer = [
        *docs,
        SearchDocument("r99", "새 보도자료", "2026-11-30T09:00:00+09:00", "r/99/", original="새 본문"),
    ]
    third = build_client_index(newer, out, cache)
    # Only the new release is analysed, into a new segment: the old shards stay as they were.
    assert third.analysis.analysed == 1 and third.analysis.cached == 0 and not third.full
    assert third.files_kept > 0 and third.files_written > 0
    assert all((out / "t" / name).read_bytes() == data for name, data in shards_before.items())
    files = {p.name for p in out.rglob("*.json.gz")}
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    shards = {name for segment in manifest["segments"] for name in segment["t"]}
    assert files == {*shards, *manifest["d"], manifest["f"]}  # stale files are gone
    assert ids(out, "새 보도자료") == ["r99"]


def test_a_rebuild_reads_the_original_text_of_new_and_changed_releases_only(tmp_path: Path) -> None:
    """With a source key (the article's source hash) a document's original text is read only when
    it is analysed: a +20 run of a year's archive reads 20 records, not 25,000."""
    texts = {f"r{i}": f"본문 {i} 수자원 정책" for i in range(21)}
    read: list[str] = []

    def doc(i: int, key: str = "v1") -> SearchDocument:
        rid = f"r{i}"
        return SearchDocument(
            rid,
            f"제목 {i}",
            f"2026-10-{1 + i:02d}T09:00:00+09:00",
            f"r/{i}/",
            original_source=lambda: read.append(rid) or texts[rid],
            source_key=f"{rid}-{key}",
        )

    out, cache = tmp_path / "search", tmp_path / "cache"
    build_client_index([doc(i) for i in range(20)], out, cache)
    assert sorted(read) == sorted(f"r{i}" for i in range(20))
    assert sorted(ids(out, "수자원")) == sorted(f"r{i}" for i in range(20))
    read.clear()
    build_client_index([doc(i) for i in range(21)], out, cache)
    assert read == ["r20"]  # the new release only
    read.clear()
    texts["r3"] = "본문 3 해양 정책"
    build_client_index([*(doc(i) for i in range(21) if i != 3), doc(3, "v2")], out, cache)
    # a changed source is read again, beside the newest segment it joins (r20's); no other record
    assert "r3" in read and set(read) <= {"r3", "r20"}
    assert ids(out, "해양") == ["r3"]


def test_changed_and_removed_releases_leave_dead_numbers_then_segments_merge(tmp_path: Path) -> None:
    from briefing.search import index_state

    def doc(i: int, text: str) -> SearchDocument:
        return SearchDocument(
            f"r{i}", f"보도자료 {i}", f"2026-10-01T09:{i % 60:02d}:00+09:00", f"r/{i}/", original=text
        )

    out, cache = tmp_path / "search", tmp_path / "cache"
    docs = [doc(i, f"본문 {i} 항만") for i in range(40)]
    build_client_index(docs, out, cache)
    assert sorted(ids(out, "항만")) == sorted(d.id for d in docs)
    docs[3] = doc(3, "본문 3 철도")  # changed text: a new number, the old one dead
    report = build_client_index(docs[1:], out, cache)  # r0 removed
    assert not report.full and report.dead == 2 and report.documents == 39
    assert "r0" not in ids(out, "항만") and "r3" not in ids(out, "항만")
    assert ids(out, "철도") == ["r3"]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert len(manifest["segments"]) == 2 and manifest["docs"] == 39
    # Growing the newest segment past 1/RATIO of the older one merges them (dead numbers stay).
    more = [doc(i, f"본문 {i} 항만 공항") for i in range(100, 100 + 40 // index_state.RATIO + 1)]
    report = build_client_index([*docs[1:], *more], out, cache)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert len(manifest["segments"]) == 1 and report.dead == 2
    assert sorted(ids(out, "공항")) == sorted(d.id for d in more)
    # Too many dead numbers: the next build starts over and renumbers.
    report = build_client_index(more, out, cache)
    assert report.full and report.dead == 0 and sorted(ids(out, "본문")) == sorted(d.id for d in more)


def test_a_site_without_releases_gets_an_empty_working_index(tmp_path: Path) -> None:
    report = build_client_index([], tmp_path / "search", tmp_path / "cache")
    assert report.documents == 0 and (tmp_path / "search" / "manifest.json").is_file()
    assert node_search(tmp_path / "search", [{"q": "정책"}])[0]["total"] == 0


def test_a_damaged_analysis_cache_costs_time_not_the_build(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "analysis.sqlite").write_bytes(b"not a database at all" * 100)
    docs = [SearchDocument("a1", "정책 보도자료", "2026-10-01T09:00:00+09:00", "r/a1/", original="본문")]
    report = build_client_index(docs, tmp_path / "search", cache)
    assert report.analysis.analysed == 1
    assert ids(tmp_path / "search", "정책을") == ["a1"]


# --- in Chromium, over real HTTP ---------------------------------------------------------------


@pytest.fixture(scope="module")
def served(site) -> Iterator[str]:
    server, base_url = serve_with_csp(site[0])  # the site's strict CSP
    try:
        yield base_url
    finally:
        server.shutdown()
        server.server_close()


def _collect_errors(page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


@pytest.mark.browser
def test_palette_finds_releases_with_keyboard(browser, served) -> None:
    page = browser.new_page()
    errors = _collect_errors(page)
    page.goto(served + "/")
    page.keyboard.press("Control+k")
    box = page.locator("#search-palette-input")
    box.wait_for(state="visible")
    assert box.get_attribute("role") == "combobox"
    box.type("디지털 플랫폼 정부를")
    options = page.locator('#search-palette-list [role="option"]')
    options.first.wait_for()
    titles = options.locator(".search-result-title").all_text_contents()
    assert any("디지털" in t for t in titles)
    assert page.locator("#search-palette-list mark").count() > 0
    assert box.get_attribute("aria-expanded") == "true"
    assert box.get_attribute("aria-activedescendant") == "search-palette-option-0"
    box.press("ArrowDown")
    assert box.get_attribute("aria-activedescendant") == "search-palette-option-1"
    target = options.nth(1).locator("a").get_attribute("href")
    box.press("Enter")
    page.wait_for_url(target)
    assert page.url.startswith(served + "/releases/")
    # On an article page (relative URLs four folders deep) the palette finds the index too.
    page.keyboard.press("Control+k")
    page.locator("#search-palette-input").fill("청년 일자리를")
    page.locator('#search-palette-list [role="option"]').first.wait_for()
    first = page.locator('#search-palette-list [role="option"] a').first.get_attribute("href")
    assert first.endswith("/releases/2026/10/1002/")
    assert errors == []
    page.close()


@pytest.mark.browser
def test_search_page_shows_hostile_title_as_text_and_filters(browser, served) -> None:
    page = browser.new_page()
    errors = _collect_errors(page)
    page.goto(served + "/search/?q=" + "반도체")
    results = page.locator("#search-page-results .search-result")
    results.first.wait_for()
    texts = results.locator(".search-result-title").all_text_contents()
    assert "<script>alert(1)</script> 반도체 수출 동향 & 전망" in texts
    assert page.locator("#search-page-results script").count() == 0
    page.select_option("select[name=category]", "경제·산업")
    page.fill("#search-page-q", "대출 지원")
    page.click("#search-page-form button[type=submit]")
    from playwright.sync_api import expect

    # Releases with every word come first; those with some of them follow.
    expect(page.locator("#search-page-status")).to_have_text("‘대출 지원’ 검색 결과 2건")
    assert "category=" in page.url and "q=" in page.url
    titles = results.locator(".search-result-title").all_text_contents()
    assert titles[0] == "소상공인 대출 지원 확대" and len(titles) == 2
    assert errors == []
    page.close()


def test_search_page_degrades_without_javascript(site) -> None:
    html = (site[0] / "search" / "index.html").read_text(encoding="utf-8")
    assert "<noscript>" in html and "https://www.korea.kr/" in html
    assert 'id="search-palette"' in html and "search.js" in html


@pytest.fixture(autouse=True, scope="module")
def _node_available() -> None:
    if shutil.which("node") is None:
        pytest.skip("node is not installed")
