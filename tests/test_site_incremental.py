"""Incremental builds: one new release rewrites exactly the pages that list or show it, and a
rebuild does not read the records of releases whose pages it does not write."""

from __future__ import annotations

import gzip
import re
import shutil
from datetime import date
from pathlib import Path

from briefing.testing.synthetic import generate_records, write_synthetic_articles
from tests.support.sitebuild import ROOT, build_site

BASE = "https://example.org/site"
SETTINGS = {
    "PLUGINS": ["briefing_articles", "briefing_site"],
    "DEFAULT_PAGINATION": 10,
    "LISTING_COMPACT_PAGINATION": 20,
    "SITEURL": BASE,
    "FEED_DOMAIN": BASE,
    "RELATIVE_URLS": False,
    "SUMMARIZE_ON_BUILD": False,  # as the publishing workflow builds: articles are written beforehand
}


def _files(output: Path) -> dict[str, bytes]:
    """Every generated file's bytes (theme/ holds the static files Pelican copies)."""
    return {
        p.relative_to(output).as_posix(): p.read_bytes()
        for p in output.rglob("*")
        if p.is_file() and p.relative_to(output).parts[0] != "theme"
    }


def _links(page: str, folder: str) -> set[str]:
    """Output folders of ``folder/…/`` links on a page (``tag/세금/``)."""
    return set(re.findall(rf'href="{re.escape(BASE)}/({folder}/[^"#?]+/)"', page))


def _site(tmp_path: Path, count: int):
    content, output, data = tmp_path / "content", tmp_path / "output", tmp_path / "data"
    # two releases a day from 30 October: the site spans two months (two sitemap shards)
    records = generate_records(count + 1, seed=5, start=date(2026, 10, 30), per_day=2)
    write_synthetic_articles(records[:count], content, data)
    shutil.copytree(ROOT / "content" / "pages", content / "pages")
    return content, output, data, records


def test_one_new_release_rewrites_only_the_pages_that_show_or_list_it(tmp_path: Path) -> None:
    content, output, data, records = _site(tmp_path, 60)
    build_site(content, output, data_dir=data, **SETTINGS)
    before = _files(output)

    write_synthetic_articles(records[60:], content, data)
    build_site(content, output, data_dir=data, **SETTINGS)
    after = _files(output)
    changed = {name for name in after.keys() | before.keys() if after.get(name) != before.get(name)}

    new, neighbour = records[60], records[59]
    stem = f"releases/{new.published_at:%Y/%m}/{new.id}"
    page = after[f"{stem}/index.html"].decode()
    month = f"{new.published_at:%Y-%m}"
    day = f"digest/{new.published_at:%Y/%m/%d}/"
    listings = {"", f"archives/{new.published_at:%Y/%m}/"}
    listings |= _links(page, "category") | _links(page, "ministry") | _links(page, "tag")
    new_tag_pages = {n.rsplit("/", 1)[0] + "/" for n in after.keys() - before.keys() if n.startswith("tag/")}
    feeds = {"feeds/all", "feeds/digest"}
    feeds |= {f"feeds/{n.split('/')[1]}" for n in _links(page, "category")}
    feeds |= {f"feeds/ministry/{n.split('/')[1]}" for n in _links(page, "ministry")}

    required = {
        f"{stem}/index.html",
        f"{stem}.json",
        f"{stem}.original.html.gz",
        f"releases/{neighbour.published_at:%Y/%m}/{neighbour.id}/index.html",  # its "newer" link
        f"{day}index.html",
        "sitemap.xml",
        f"sitemaps/releases-{month}.xml",
        "feeds/all.atom.xml",
        *(f"{listing}index.html" for listing in listings),
    }
    assert required <= changed, required - changed
    allowed = required | {
        "category/index.html",
        "ministry/index.html",
        "tag/index.html",
        "archives/index.html",
        "digest/index.html",
        *(f"{feed}.{kind}.xml" for feed in feeds for kind in ("atom", "rss")),
    }
    numbered: dict[str, int] = {}
    for name in changed - allowed:
        listing = next((lst for lst in listings if re.fullmatch(rf"{lst}page/\d+/index.html", name)), None)
        if listing is not None:  # stable pagination: at most one numbered page per listing
            numbered[listing] = numbered.get(listing, 0) + 1
            continue
        if any(name.startswith(tag) for tag in new_tag_pages):
            continue  # a tag that just reached TAG_MIN_ARTICLES gets its page ...
        if name.endswith("/index.html") and name.startswith("releases/") and new_tag_pages:
            linked = _links(after[name].decode(), "tag")
            if linked & new_tag_pages:  # ... and the releases sharing it now link there
                continue
        raise AssertionError(f"{name} was rewritten, but it neither shows nor lists the new release")
    assert all(count <= 1 for count in numbered.values()), numbered
    # the untouched month's sitemap and an old release's page, JSON and original text stay as they were
    old = next(
        r
        for r in records[:30]
        if not _links(after[f"releases/{r.published_at:%Y/%m}/{r.id}/index.html"].decode(), "tag")
        & new_tag_pages
    )
    for name in (
        f"sitemaps/releases-{old.published_at:%Y-%m}.xml",
        f"releases/{old.published_at:%Y/%m}/{old.id}/index.html",
        f"releases/{old.published_at:%Y/%m}/{old.id}.json",
        f"releases/{old.published_at:%Y/%m}/{old.id}.original.html.gz",
    ):
        assert old.published_at.month != new.published_at.month and name in before
        assert after[name] == before[name], name
    assert len(changed) < 0.1 * len(after)


def test_a_rebuild_does_not_read_the_records_of_unchanged_releases(tmp_path: Path) -> None:
    content, output, data, records = _site(tmp_path, 30)
    build_site(content, output, data_dir=data, **SETTINGS)
    write_synthetic_articles(records[30:], content, data)
    before = _files(output)
    # every record but the new release's is gone: a build that read them would say so and write
    # "no record" notices into the original texts it rewrote
    for record in records[:30]:
        next(data.rglob(f"{record.id}.json")).unlink()
    log: list[str] = []
    build_site(content, output, data_dir=data, log=log, **SETTINGS)
    assert "no record" not in log[0], log[0][-2000:]
    after = _files(output)
    new = records[30]
    stem = f"releases/{new.published_at:%Y/%m}/{new.id}"
    assert new.attachments[0].name in after[f"{stem}/index.html"].decode()
    original = gzip.decompress(after[f"{stem}.original.html.gz"]).decode()
    assert "원문 텍스트 기록을 찾지 못했습니다" not in original and len(original) > 200
    for name, body in before.items():
        if name.endswith(".original.html.gz"):
            assert after[name] == body, name  # no original text was rewritten from a missing record
