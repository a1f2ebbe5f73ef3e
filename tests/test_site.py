"""The built site: pages, archives, digests, feeds, discovery files, escaping, HTML validity."""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import subprocess
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import unquote

import feedparser
import pytest

from briefing.categories import BY_NAME, CATEGORIES
from briefing.site.listing import ministry_slug
from tests.support.site_fixture import HOSTILE_TITLE, BuiltSite
from tests.support.sitebuild import ROOT

# a release's link in a listing: a full card's title or a compact row's title
CARD_LINK = re.compile(
    r'(?:<h2 class="card-title"><a|<a class="row-title") href="[^"]*/releases/\d{4}/\d{2}/([^/"]+)/">'
)
NODE_TOOLS = Path(os.environ.get("BRIEFING_NODE_TOOLS", ROOT / ".npm-tools")) / "node_modules"


def _listed(output: Path, first_page: str) -> list[str]:
    """Release ids on a paginated listing, across all its pages, in order."""
    base = output / first_page
    pages = [base / "index.html"]
    pages += sorted((base / "page").glob("*/index.html"), key=lambda p: int(p.parent.name))
    ids = []
    for page in pages:
        ids += CARD_LINK.findall(page.read_text(encoding="utf-8"))
    return ids


def test_every_record_has_a_page_and_json(built_site: BuiltSite) -> None:
    for record in built_site.records:
        page = built_site.page(record)
        assert page.is_file(), f"no page for {record.id}"
        html = page.read_text(encoding="utf-8")
        assert '<details class="original" id="original">' in html
        assert 'rel="canonical" href="' + built_site.base_url in html
        data = json.loads(page.parent.with_suffix(".json").read_text(encoding="utf-8"))
        assert data["id"] == record.id
        assert data["url"].endswith(f"{record.id}/")
        assert data["category"] == built_site.categories[record.id]
        assert data["sections"]["핵심 요약"]


def test_article_page_parts(built_site: BuiltSite) -> None:
    # a release with an earlier one of its ministry, so it has related releases whatever its tags
    synthetic = built_site.records[:90]
    record = next(
        r
        for r in synthetic[10:]
        if any(o.ministry == r.ministry and o.published < r.published for o in synthetic)
    )
    html = built_site.page(record).read_text(encoding="utf-8")
    info = BY_NAME[built_site.categories[record.id]]
    assert f'href="{built_site.base_url}/category/{info.slug}/"' in html
    assert f"/ministry/{record.ministry}/" in html
    assert "원문 보기" in html and record.url.replace("&", "&amp;") in html
    for att in record.attachments:
        assert att.name in html and att.url.replace("&", "&amp;") in html
        assert att.type.upper() in html
    assert 'class="provenance"' in html and "자동 발췌" in html
    provenance = re.search(r'<p class="provenance">(.*?)</p>', html, re.DOTALL).group(1)
    # an extract is not "checked and passed" (it quotes the source), and its time reads as Korean
    assert "사실 확인" not in provenance
    assert re.search(
        r'발췌 시각 <time datetime="[^"]+">\d{4}년 \d{1,2}월 \d{1,2}일 \d{2}:\d{2}</time>', provenance
    )
    assert 'rel="prev"' in html and 'rel="next"' in html
    assert 'class="related"' in html
    summary_part, original_part = html.split('<details class="original" id="original">')
    assert "<h2>핵심 요약</h2>" in summary_part and "원문 전체 보기" in original_part
    assert "보도자료 본문" not in original_part  # fetched from the .original.html.gz when opened
    ld = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL)
    assert ld and json.loads(ld.group(1))["@type"] == "NewsArticle"
    for needle in (
        'property="og:title"',
        'name="twitter:card"',
        'rel="alternate" type="application/atom+xml"',
    ):
        assert needle in html


def _hangul_run(text: str) -> str:
    """A stretch of plain Korean words from ``text`` (nothing Markdown or HTML would escape)."""
    return max(re.findall(r"[가-힣 ]{4,}", text), key=len).strip()


def test_original_text_is_a_compressed_file_not_in_the_page(built_site: BuiltSite) -> None:
    for record in built_site.records:
        page = built_site.page(record)
        html = page.read_text(encoding="utf-8")
        name = page.parent.with_suffix(".original.html.gz")
        original = gzip.decompress(name.read_bytes()).decode("utf-8")
        words = _hangul_run(record.body_text)
        assert words in original, record.id
        assert original.startswith("<h3>보도자료 본문</h3>")
        assert "<h3>보도자료 본문</h3>" not in html and "<h3>첨부: " not in html, record.id
        assert (
            f'data-original-src="{built_site.base_url}/releases/{record.relpath}"'.replace(
                ".json", ".original.html.gz"
            )
            in html
        )
        assert 'src="' + built_site.base_url + '/theme/js/original.js"' in html
        for att in record.attachments:
            if att.text:
                assert _hangul_run(att.text) in original, (record.id, att.name)
    # deterministic: gzip header without a timestamp, so unchanged releases keep identical bytes
    sample = built_site.page(built_site.records[0]).parent.with_suffix(".original.html.gz").read_bytes()
    assert sample[4:8] == b"\0\0\0\0"
    hostile = built_site.page(next(r for r in built_site.records if r.id == "hostile-title"))
    text = gzip.decompress(hostile.parent.with_suffix(".original.html.gz").read_bytes()).decode("utf-8")
    assert "&lt;script&gt;alert(" in text and "&lt;img src=x onerror=alert(4)&gt;" in text
    assert "<script" not in text and "<img" not in text


def test_tag_pages_only_for_tags_with_enough_releases(built_site: BuiltSite) -> None:
    out = built_site.output
    uses: Counter[str] = Counter()
    for record in built_site.records:
        data = json.loads(built_site.page(record).parent.with_suffix(".json").read_text(encoding="utf-8"))
        uses.update(data["tags"])
    common = {name for name, n in uses.items() if n >= 3}  # TAG_MIN_ARTICLES
    assert common and set(uses) - common, "the sample needs both kinds of tags"
    listed = re.findall(
        r'<li><a href="([^"]+)">#([^<]+)</a> <span class="count">(\d+)</span>',
        (out / "tag" / "index.html").read_text(encoding="utf-8"),
    )
    assert sorted(name for _, name, _ in listed) == sorted(common)
    assert all(int(n) == uses[name] for _, name, n in listed)
    for href, _, _ in listed:
        assert (out / unquote(href.removeprefix(built_site.base_url + "/")) / "index.html").is_file(), href
    assert len(list((out / "tag").glob("*/index.html"))) == len(common)
    for record in built_site.records:
        html = built_site.page(record).read_text(encoding="utf-8")
        tags = html.split('<ul class="tags" aria-label="태그">', 1)[1].split("</ul>", 1)[0]
        linked = set(re.findall(r'<a href="[^"]+/tag/[^"]+/">#([^<]+)</a>', tags))
        plain_chips = set(re.findall(r"<span>#([^<]+)</span>", tags))
        names = set(json.loads(_page_json(built_site, record))["tags"])
        assert linked == names & common and plain_chips == names - common, record.id


def test_internal_links_point_to_files_that_exist(built_site: BuiltSite) -> None:
    out, base = built_site.output, built_site.base_url
    missing, checked = set(), 0
    pages = [*out.glob("*.html"), *out.glob("*/index.html"), *out.glob("releases/*/*/*/index.html")]
    pages += [*out.glob("tag/*/index.html"), *out.glob("feeds/*.xml"), out / "sitemap.xml"]
    pages += [*out.glob("sitemaps/*.xml")]
    for path in pages:
        for href in re.findall(
            r'(?:href|src|<loc)[=>]"?(' + re.escape(base) + r'/[^"<#?]*)', path.read_text(encoding="utf-8")
        ):
            checked += 1
            target = out / unquote(href.removeprefix(base + "/"))
            if not (target.is_file() or (target / "index.html").is_file()):
                missing.add((path.relative_to(out).as_posix(), href))
    assert not missing, sorted(missing)[:10]
    assert checked > 20 * len(built_site.records), checked  # the pattern really finds the links


def _page_json(site: BuiltSite, record) -> str:
    return site.page(record).parent.with_suffix(".json").read_text(encoding="utf-8")


def test_flagged_summary_shows_the_notice_and_badge(built_site: BuiltSite) -> None:
    record = built_site.records[20]
    html = built_site.page(record).read_text(encoding="utf-8")
    assert "원문에서 확인되지 않은 내용" in html and "<li>2024년 5월 2일" in html
    assert 'data-claim="unsupported"' in html  # marked where it stands in the summary too
    assert "사실 확인 확인 필요" in html
    listing = (built_site.output / "digest" / f"{record.published_at:%Y/%m/%d}" / "index.html").read_text(
        encoding="utf-8"
    )
    home_pages = [built_site.output / "index.html", *built_site.output.glob("page/*/index.html")]
    cards = "".join(p.read_text(encoding="utf-8") for p in home_pages)
    card = re.split("</article>|</li>", cards[cards.index(f"/{record.id}/") :], maxsplit=1)[0]
    assert "badge-flag" in card and record.id in listing


def test_category_ministry_month_archives_list_the_right_items(built_site: BuiltSite) -> None:
    out, records = built_site.output, built_site.records
    by_cat: dict[str, set[str]] = defaultdict(set)
    by_ministry: dict[str, set[str]] = defaultdict(set)
    for r in records:
        by_cat[BY_NAME[built_site.categories[r.id]].slug].add(r.id)
        if r.id != "hostile-ministry":
            by_ministry[r.ministry].add(r.id)
    for slug, ids in by_cat.items():
        listed = _listed(out, f"category/{slug}")
        assert sorted(listed) == sorted(ids), slug
    for name, ids in by_ministry.items():
        assert sorted(_listed(out, f"ministry/{ministry_slug(name)}")) == sorted(ids), name
    assert sorted(_listed(out, "archives/2026/10")) == sorted(r.id for r in records)
    home = _listed(out, "")
    assert len(home) == len(records) and home[0] == max(records, key=lambda r: r.published).id
    index = (out / "ministry/index.html").read_text(encoding="utf-8")
    for name, ids in by_ministry.items():
        assert re.search(rf">{re.escape(name)}</a> <span class=\"count\">{len(ids)}건</span>", index), name
    categories = (out / "category/index.html").read_text(encoding="utf-8")
    assert all(f"/category/{slug}/" in categories for slug in by_cat)


def test_older_listing_pages_show_compact_rows_and_the_newest_full_cards(built_site: BuiltSite) -> None:
    out, records = built_site.output, built_site.records
    summaries = {r.id: _page_json(built_site, r) for r in records}
    summaries = {key: json.loads(data)["summary"][:30] for key, data in summaries.items()}
    dates = {r.id: r.published for r in records}
    for listing in ("", "archives/2026/10/"):  # the home page and a month, both long enough to page
        front = (out / listing / "index.html").read_text(encoding="utf-8")
        older = (out / listing / "page/1/index.html").read_text(encoding="utf-8")
        # the newest page: the newest releases as full cards with their key summary, then rows
        cards = CARD_LINK.findall(front.split('<ul class="rows">')[0])
        assert len(cards) == 20 and front.count('<p class="card-summary">') == 20
        assert all(summaries[key] in front for key in cards)
        # the older page: a list of compact rows (date, category, ministry, title, badge), no summaries
        assert '<article class="card"' not in older and "card-summary" not in older
        rows = re.findall(r'<li class="row">.*?</li>', older, flags=re.S)
        ids = CARD_LINK.findall(older)
        assert len(rows) == len(ids) == 50 and older.count('<ul class="rows">') == 1
        for row, key in zip(rows, ids, strict=True):
            assert f"/{key}/" in row and summaries[key] not in older
            assert re.search(r'<time datetime="2026-\d\d-\d\d">', row) and 'role="img" aria-label="' in row
            assert 'class="row-ministry"' in row and 'class="badge ' in row
        # every release is linked exactly once, the older page holding the oldest
        everything = CARD_LINK.findall(front) + ids
        assert sorted(everything) == sorted(r.id for r in records)
        assert max(dates[key] for key in ids) <= min(dates[key] for key in cards)


def test_daily_digests_group_each_day_by_category(built_site: BuiltSite) -> None:
    per_day: dict[str, set[str]] = defaultdict(set)
    for r in built_site.records:
        per_day[r.published_at.strftime("%Y/%m/%d")].add(r.id)
    assert len(per_day) >= 3
    for day, ids in per_day.items():
        html = (built_site.output / "digest" / day / "index.html").read_text(encoding="utf-8")
        listed = re.findall(r'<li>\s*<a href="[^"]*/releases/\d{4}/\d{2}/([^/"]+)/">', html)
        assert sorted(listed) == sorted(ids), day
        sections = re.findall(r'<section class="digest-group" id="([^"]+)"', html)
        order = [c.slug for c in CATEGORIES]
        assert sections == sorted(sections, key=order.index)
    index = (built_site.output / "digest/index.html").read_text(encoding="utf-8")
    assert index.count('class="count"') == len(per_day)


def _feed(output: Path, name: str) -> feedparser.FeedParserDict:
    parsed = feedparser.parse((output / "feeds" / name).read_bytes())
    assert not parsed.bozo, f"{name}: {parsed.get('bozo_exception')}"
    return parsed


def test_feeds_are_valid_with_right_counts_and_links(built_site: BuiltSite) -> None:
    out, records, base = built_site.output, built_site.records, built_site.base_url
    for kind in ("atom", "rss"):
        all_feed = _feed(out, f"all.{kind}.xml")
        assert len(all_feed.entries) == min(50, len(records))
        entry = all_feed.entries[0]
        assert entry.link.startswith(base + "/releases/")
        assert entry.tags and entry.tags[0].term in BY_NAME
        body = entry.content[0].value if kind == "atom" else entry.description
        assert "요약 전체 보기" in body and "원문 보기" in body and "https://www.korea.kr/" in body
        counts = Counter(BY_NAME[built_site.categories[r.id]].slug for r in records)
        for slug, count in counts.items():
            assert len(_feed(out, f"{slug}.{kind}.xml").entries) == min(50, count)
        ministries = Counter(r.ministry for r in records if r.id != "hostile-ministry")
        for name, count in ministries.items():
            assert len(_feed(out, f"ministry/{ministry_slug(name)}.{kind}.xml").entries) == count
        days = {r.published_at.date() for r in records}
        digest = _feed(out, f"digest.{kind}.xml")
        assert len(digest.entries) == len(days)
        assert digest.entries[0].link.startswith(base + "/digest/")
    atom = (out / "feeds/all.atom.xml").read_text(encoding="utf-8")
    assert f'<link href="{base}/feeds/all.atom.xml" rel="self"' in atom


def test_discovery_files(built_site: BuiltSite) -> None:
    out, base = built_site.output, built_site.base_url
    index = (out / "sitemap.xml").read_text(encoding="utf-8")
    assert "<sitemapindex" in index
    shards = re.findall(r"<sitemap><loc>([^<]+)</loc>", index)
    assert shards and all(s.startswith(f"{base}/sitemaps/") for s in shards)
    locs = []  # the index lists one sitemap per month of releases and one of the other pages
    for shard in shards:
        locs += re.findall(r"<loc>([^<]+)</loc>", (out / shard[len(base) + 1 :]).read_text(encoding="utf-8"))
    assert all(loc.startswith(base + "/") for loc in locs)
    assert f"{base}/" in locs
    for record in built_site.records:
        assert f"{base}/releases/{record.published_at:%Y/%m}/{record.id}/" in locs
    assert f"Sitemap: {base}/sitemap.xml" in (out / "robots.txt").read_text(encoding="utf-8")
    assert "페이지를 찾을 수 없습니다" in (out / "404.html").read_text(encoding="utf-8")
    assert (out / "about/index.html").is_file() and (out / "search/index.html").is_file()
    for loc in locs:  # every URL in the sitemap exists
        path = unquote(loc[len(base) + 1 :])
        assert (out / path / "index.html").is_file() or (out / path).is_file(), loc


def _all_text_files(output: Path) -> list[Path]:
    """Pages, feeds and JSON this theme and plugin write (search/ is the search plugin's data)."""
    return [
        p
        for p in output.rglob("*")
        if p.suffix in {".html", ".xml", ".json"} and p.parts[len(output.parts)] != "search"
    ] + [output / "search" / "index.html"]


def test_hostile_titles_and_file_names_are_escaped_everywhere(built_site: BuiltSite) -> None:
    out = built_site.output
    seen = Counter()
    for path in _all_text_files(out):
        text = path.read_text(encoding="utf-8")
        if "alert(" not in text and "예산" not in text:
            continue
        seen[path.suffix] += "alert(" in text
        # no live markup from the hostile strings, in any file
        for bad in ("<script>alert", "<img src=x", "onerror=alert(1)>", "<b onmouseover", "javascript:alert"):
            assert bad not in text, f"{bad!r} live in {path.relative_to(out)}"
    assert seen[".html"] and seen[".xml"] and seen[".json"]
    hostile = next(r for r in built_site.records if r.id == "hostile-title")
    html = built_site.page(hostile).read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(" in html  # shown as text
    ld = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL).group(1)
    assert "<" not in ld and json.loads(ld)["headline"].startswith('<script>alert("t")')
    data = json.loads(built_site.page(hostile).parent.with_suffix(".json").read_text(encoding="utf-8"))
    assert data["title"] == " ".join(HOSTILE_TITLE.split())
    feed = _feed(out, "all.atom.xml")
    titles = [e.title for e in feed.entries]
    assert " ".join(HOSTILE_TITLE.split()) in titles
    assert "&lt;img src=x onerror=alert(2)&gt;" in html  # the attachment name, as text


def _validator() -> list[str] | None:
    node = shutil.which("node")
    cli = NODE_TOOLS / "html-validate" / "bin" / "html-validate.mjs"
    if node and cli.is_file():
        return [node, str(cli)]
    return None


def test_pages_pass_the_html_validator(built_site: BuiltSite) -> None:
    command = _validator()
    if command is None:
        if os.environ.get("BRIEFING_REQUIRE_BROWSER") == "1":
            pytest.fail("html-validate missing: .ci/run installs it with npm into .npm-tools")
        pytest.skip("html-validate not installed (npm install --prefix .npm-tools html-validate)")
    out = built_site.output
    hostile = next(r for r in built_site.records if r.id == "hostile-title")
    pages = [
        out / "index.html",
        out / "page/1/index.html",  # an older listing page: compact rows
        built_site.page(built_site.records[10]),
        built_site.page(hostile),
        built_site.page(built_site.records[-1]),  # a corpus release when ../shared/corpus is there
        out / "digest/index.html",
        next((out / "digest").glob("*/*/*/index.html")),
        next((out / "category").glob("*/index.html")),
        out / "ministry/index.html",
        out / "archives/index.html",
        out / "about/index.html",
        out / "404.html",
    ]
    done = subprocess.run(
        [*command, "--config", str(ROOT / ".htmlvalidate.json"), *map(str, pages)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
