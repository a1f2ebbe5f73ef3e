"""A site per year: BRIEFING_SITE_YEARS limits a real build to its years, BRIEFING_ARCHIVE_SITES
links the other years' sites, and bad values stop the build with the variable's name.

Real Pelican builds over the real plugins, from synthetic releases that straddle a new year.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pytest

from briefing.doctor import check_site_years, run_doctor
from briefing.records import KST, ReleaseRecord
from briefing.settings import Settings
from briefing.site.years import (
    ArchiveSite,
    SiteYearsError,
    YearWindow,
    parse_archive_sites,
    parse_site_years,
)
from briefing.testing.synthetic import generate_records, write_synthetic_articles
from tests.support.sitebuild import ROOT, build_site

# search is part of the window; the chat index (development builds only) is not needed here
PLUGINS = ["briefing_articles", "briefing_site", "briefing_search"]
ARCHIVES = (
    "2025=https://u.github.io/briefing-2025/?from=a&to=b "
    "current=https://u.github.io/briefing/ 2026=https://u.github.io/briefing-2026/"
)
NODE_TOOLS = Path(os.environ.get("BRIEFING_NODE_TOOLS", ROOT / ".npm-tools")) / "node_modules"


@dataclass
class Sites:
    records: list[ReleaseRecord]
    everything: Path  # every year
    window: Path  # BRIEFING_SITE_YEARS=2027- (2027 on), built fresh, with archive links
    switched: (
        Path  # built with every year, then again with BRIEFING_SITE_YEARS=2027 (the main site at New Year)
    )

    def ids(self, year: int) -> set[str]:
        return {r.id for r in self.records if r.published.startswith(str(year))}


def _build(content: Path, output: Path, data: Path, years: str, archives: str = "") -> Path:
    with pytest.MonkeyPatch.context() as env:
        env.setenv("BRIEFING_SITE_YEARS", years)
        env.setenv("BRIEFING_ARCHIVE_SITES", archives)
        return build_site(content, output, data_dir=data, PLUGINS=PLUGINS)


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sites]:
    root = tmp_path_factory.mktemp("years")
    content, data = root / "content", root / "data"
    # three a day from 30 December: six releases in 2026, six in 2027
    records = generate_records(12, seed=5, start=date(2026, 12, 30), per_day=3)
    write_synthetic_articles(records, content, data)
    shutil.copytree(ROOT / "content" / "pages", content / "pages")
    window = _build(content, root / "window", data, "2027-", ARCHIVES)
    # the main site at New Year: built with every year, then (same output/ and cache/, as the
    # workflow restores them) with the window; a copy of the first build is kept for its tests
    switched = _build(content, root / "switched", data, "")
    everything = shutil.copytree(switched, root / "everything")
    _build(content, switched, data, "2027", ARCHIVES)
    yield Sites(records, everything, window, switched)


def _files(output: Path) -> set[str]:
    return {p.relative_to(output).as_posix() for p in output.rglob("*") if p.is_file()}


def _search_ids(output: Path) -> set[str]:
    manifest = json.loads((output / "search" / "manifest.json").read_text(encoding="utf-8"))
    ids = set()
    for shard in manifest["d"]:
        docs = json.loads(gzip.decompress((output / "search" / "d" / shard).read_bytes()))
        ids |= {doc["id"] for doc in docs}
    assert manifest["docs"] == len(ids)
    return ids


def _feed_ids(output: Path, name: str) -> set[str]:
    return set(re.findall(r"/releases/\d{4}/\d\d/([\w-]+)/", (output / "feeds" / name).read_text("utf-8")))


def test_records_straddle_the_new_year(sites: Sites) -> None:
    assert len(sites.ids(2026)) == 6 and len(sites.ids(2027)) == 6


def test_every_year_by_default(sites: Sites) -> None:
    out = sites.everything
    assert _search_ids(out) == sites.ids(2026) | sites.ids(2027)
    assert {p.stem for p in out.glob("releases/*/*/*.json")} == sites.ids(2026) | sites.ids(2027)
    assert "archive-sites" not in (out / "index.html").read_text(encoding="utf-8")  # no links unless set


def test_year_window_builds_only_that_year(sites: Sites) -> None:
    out, kept, left = sites.window, sites.ids(2027), sites.ids(2026)
    files = _files(out)
    assert not [f for f in files if "2026" in f], "nothing of 2026 may be built"
    assert {p.parent.name for p in out.glob("releases/*/*/*/index.html")} == kept  # article pages
    assert {p.stem for p in out.glob("releases/*/*/*.json")} == kept  # per-article JSON
    assert {p.name.split(".")[0] for p in out.glob("releases/*/*/*.original.html.gz")} == kept
    assert _search_ids(out) == kept  # the search index holds this site's years only
    home = (out / "index.html").read_text(encoding="utf-8")
    assert all(i in home for i in kept) and not any(i in home for i in left)
    for feed in ("all.rss.xml", "all.atom.xml"):
        assert _feed_ids(out, feed) == kept
    sitemap = "".join(
        p.read_text(encoding="utf-8") for p in [out / "sitemap.xml", *out.glob("sitemaps/*.xml")]
    )
    assert "releases/2027/01/" in sitemap and "2026" not in sitemap
    assert sorted(p.name for p in out.glob("sitemaps/*.xml")) == ["pages.xml", "releases-2027-01.xml"]
    assert sorted(p.parent.relative_to(out).as_posix() for p in out.glob("archives/*/*/index.html")) == [
        "archives/2027/01"
    ]
    archives = (out / "archives" / "index.html").read_text(encoding="utf-8")
    assert "이 사이트는 2027년 이후 보도자료를 담고 있습니다." in archives
    assert "6건" in archives


def test_switching_the_window_removes_the_closed_year(sites: Sites) -> None:
    # The main site at New Year: the restored output/ and cache/ hold 2026; after the build with
    # BRIEFING_SITE_YEARS=2027 the upload must be exactly what a fresh build of 2027 (on) makes.
    chat = ("chat-index/",)
    switched = {f for f in _files(sites.switched) if not f.startswith(chat)}
    fresh = {f for f in _files(sites.window) if not f.startswith(chat)}
    assert switched == fresh
    assert _search_ids(sites.switched) == sites.ids(2027)
    page = sites.switched / "releases/2027/01" / min(sites.ids(2027)) / "index.html"
    assert "https://u.github.io/briefing-2026/" in page.read_text(encoding="utf-8")  # re-rendered


def _archive_links(html: str) -> list[tuple[str, str]]:
    block = re.search(r'<nav class="archive-sites".*?</nav>', html, re.S)
    assert block, "no archive links"
    return re.findall(r'<a href="([^"]+)">([^<]+)</a>', block.group(0))


def test_archive_links_render_newest_first_and_escaped(sites: Sites) -> None:
    out = sites.window
    expected = [
        ("https://u.github.io/briefing/", "최신 보도자료 보기"),
        ("https://u.github.io/briefing-2026/", "2026년"),
        ("https://u.github.io/briefing-2025/?from=a&amp;to=b", "2025년"),
    ]
    article = next(out.glob("releases/*/*/*/index.html"))
    for page in (out / "index.html", article, out / "search" / "index.html", out / "404.html"):
        html = page.read_text(encoding="utf-8")
        assert _archive_links(html) == expected, page
        assert "지난 해 보도자료: " in html
    archives = (out / "archives" / "index.html").read_text(encoding="utf-8")
    section = archives.split('<h2 id="archive-sites">지난 해 보도자료</h2>', 1)[1].split("</section>", 1)[0]
    assert re.findall(r'<a href="([^"]+)">([^<]+)</a>', section) == [
        ("https://u.github.io/briefing-2026/", "2026년 보도자료"),
        ("https://u.github.io/briefing-2025/?from=a&amp;to=b", "2025년 보도자료"),
    ]
    assert '<a href="https://u.github.io/briefing/">최신 보도자료는 현재 사이트에서 보기</a>' in archives


def test_archive_pages_pass_the_html_validator(sites: Sites) -> None:
    cli = NODE_TOOLS / "html-validate" / "bin" / "html-validate.mjs"
    node = shutil.which("node")
    if not (node and cli.is_file()):
        if os.environ.get("BRIEFING_REQUIRE_BROWSER") == "1":
            pytest.fail("html-validate missing: .ci/run installs it with npm into .npm-tools")
        pytest.skip("html-validate not installed (npm install --prefix .npm-tools html-validate)")
    pages = [sites.window / "index.html", sites.window / "archives" / "index.html"]
    done = subprocess.run(
        [node, str(cli), "--config", str(ROOT / ".htmlvalidate.json"), *map(str, pages)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]


@pytest.mark.parametrize(
    ("years", "archives", "message"),
    [
        ("27", "", "BRIEFING_SITE_YEARS='27': '27' is not a year"),
        ("2026;2027", "", "BRIEFING_SITE_YEARS='2026;2027'"),
        ("", "2025=javascript:alert(1)", "BRIEFING_ARCHIVE_SITES: '2025=javascript:alert(1)': the address"),
        ("", "2025=ftp://files.example/x", "must be an absolute http(s) URL"),
        ("", "https://u.github.io/briefing-2025/", "is not YEAR=URL"),
    ],
)
def test_bad_values_stop_the_build_with_the_variable_name(
    tmp_path: Path, years: str, archives: str, message: str
) -> None:
    content = tmp_path / "content"
    (content / "releases").mkdir(parents=True)
    with pytest.raises(RuntimeError) as failed:
        _build(content, tmp_path / "output", tmp_path / "data", years, archives)
    assert message in str(failed.value)
    assert "SiteYearsError" in str(failed.value)
    assert not (tmp_path / "output" / "index.html").exists()  # no silent full build


def test_parsing_rules() -> None:
    assert not parse_site_years(None) and not parse_site_years("  ")
    assert parse_site_years("2027, 2026 2027") == YearWindow((2026, 2027))
    assert parse_site_years("2024-2026").article_paths() == [
        "releases/2024",
        "releases/2025",
        "releases/2026",
    ]
    assert parse_site_years("2024-2026").article_excludes() == []
    open_end = parse_site_years("2024,2027-,2028")
    assert open_end == YearWindow((2024,), since=2027) and open_end.label == "2024년, 2027년 이후"
    assert open_end.article_paths() == ["releases"]
    assert (
        "releases/2026" in open_end.article_excludes() and "releases/2024" not in open_end.article_excludes()
    )
    assert [y for y in (2023, 2024, 2026, 2027, 2031) if open_end.covers(y)] == [2024, 2027, 2031]
    for bad in ("3027", "2027-2026", "2027--", "2027-3000", "27-"):
        with pytest.raises(SiteYearsError, match="BRIEFING_SITE_YEARS"):
            parse_site_years(bad)
    assert parse_archive_sites(
        "2024=http://a.example/ 2025=https://b.example/x?y=1,current=https://c.example/"
    ) == (
        ArchiveSite(None, "https://c.example/"),
        ArchiveSite(2025, "https://b.example/x?y=1"),
        ArchiveSite(2024, "http://a.example/"),
    )
    for bad in (
        "2025=https://a.example/ 2025=https://b.example/",
        '2025=https://a.example/"onclick=x',
        "2025=",
    ):
        with pytest.raises(SiteYearsError, match="BRIEFING_ARCHIVE_SITES"):
            parse_archive_sites(bad)


def test_doctor_checks_the_year_variables(tmp_path: Path) -> None:
    march = datetime(2027, 3, 1, tzinfo=KST)
    [ok] = check_site_years({"BRIEFING_SITE_YEARS": "2027-", "BRIEFING_ARCHIVE_SITES": ARCHIVES}, march)
    assert ok.level == "ok"
    assert (
        ok.message == "this site shows 2027 and later only; links to other years' sites: current, 2026, 2025"
    )
    # a main site left at last year's window: this year's releases would never be shown
    [stale] = check_site_years({"BRIEFING_SITE_YEARS": "2026"}, march)
    assert stale.level == "warn" and "2027 is not included" in stale.message
    assert "set BRIEFING_SITE_YEARS to e.g. 2027-" in stale.line() and "A site per year" in stale.line()
    # ... which is exactly what a frozen archive is meant to be
    [frozen] = check_site_years({"BRIEFING_SITE_YEARS": "2026", "BRIEFING_FROZEN": "true"}, march)
    assert frozen.level == "ok"
    [bad] = check_site_years({"BRIEFING_ARCHIVE_SITES": "2026=file:///etc/passwd"}, march)
    assert bad.level == "fail" and "BRIEFING_ARCHIVE_SITES" in bad.message

    # the whole doctor, offline (no key, no feeds): the year and size lines are part of it
    folders = {
        "data_dir": tmp_path / "data",
        "content_dir": tmp_path / "content",
        "output_dir": tmp_path / "out",
    }
    settings = Settings().with_values({**folders, "feeds": ()})
    out = io.StringIO()
    run_doctor(settings, env={"BRIEFING_SITE_YEARS": "20x7"}, out=out)
    text = out.getvalue()
    assert "✗ site years: BRIEFING_SITE_YEARS='20x7'" in text
    assert "✓ site size: " in text and "not built yet" in text
