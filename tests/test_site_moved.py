"""After a year moves to its archive site, old links into that year on the main site continue
there: the 404 page (what GitHub Pages serves for any missing path) sends them on."""

from __future__ import annotations

import functools
import shutil
import threading
from collections.abc import Iterator
from datetime import date
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest

from briefing.testing.synthetic import generate_records, write_synthetic_articles
from tests.support.site_fixture import CSPHandler
from tests.support.sitebuild import ROOT, build_site


def _serve(directory: Path) -> tuple[ThreadingHTTPServer, str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(CSPHandler, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture(scope="module")
def split_sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, list]]:
    """(main site URL, archive site URL, records): 2026 on the archive, 2027 on the main site,
    which lives under a sub-path as a GitHub project site does."""
    root = tmp_path_factory.mktemp("moved")
    content, data = root / "content", root / "data"
    records = generate_records(6, seed=9, start=date(2026, 12, 31), per_day=3)
    write_synthetic_articles(records, content, data)
    shutil.copytree(ROOT / "content" / "pages", content / "pages")
    (root / "main").mkdir()
    main_server, main_root = _serve(root / "main")
    archive_server, archive_url = _serve(root / "archive")  # served before it is built: its port is needed
    plugins = ["briefing_articles", "briefing_site"]
    published = {"PLUGINS": plugins, "RELATIVE_URLS": False}  # absolute URLs, as publishconf.py builds
    try:
        with pytest.MonkeyPatch.context() as env:
            env.setenv("BRIEFING_SITE_YEARS", "2026")
            env.setenv("BRIEFING_ARCHIVE_SITES", f"current={main_root}/briefing/")
            build_site(content, root / "archive", data_dir=data, SITEURL=archive_url, **published)
            env.setenv("BRIEFING_SITE_YEARS", "2027-")
            env.setenv("BRIEFING_ARCHIVE_SITES", f"2026={archive_url}/")
            build_site(
                content,
                root / "main" / "briefing",
                data_dir=data,
                SITEURL=f"{main_root}/briefing",
                **published,
            )
        # GitHub Pages serves a project site's 404.html for every missing path under it; this
        # server's root stands in for the user's domain, so the site's 404 page is served at its root
        shutil.copy(root / "main" / "briefing" / "404.html", root / "main" / "404.html")
        yield f"{main_root}/briefing", archive_url, records
    finally:
        for server in (main_server, archive_server):
            server.shutdown()
            server.server_close()


def test_old_links_into_a_moved_year_land_on_the_archive(split_sites, browser) -> None:
    main, archive, records = split_sites
    old = next(r for r in records if r.published.startswith("2026"))
    path = f"releases/{old.published_at:%Y/%m}/{old.id}/"
    page = browser.new_page()
    try:
        page.goto(f"{main}/{path}#original", wait_until="load")
        page.wait_for_url(f"{archive}/{path}#original", timeout=10_000)
        assert old.id in page.content()
        # a missing page of a year still on the main site stays on its 404 page
        page.goto(f"{main}/releases/2027/01/no-such-release/", wait_until="load")
        page.wait_for_timeout(300)
        assert page.url == f"{main}/releases/2027/01/no-such-release/"
        assert page.locator("h1").inner_text() == "페이지를 찾을 수 없습니다"
        # anything that is not a release path is not sent anywhere
        page.goto(f"{main}/releases/2026/..%2F..%2Fevil/", wait_until="load")
        page.wait_for_timeout(300)
        assert page.url.startswith(main)
    finally:
        page.close()


def test_the_404_page_lists_the_archive_years_without_javascript(split_sites) -> None:
    main, archive, _ = split_sites
    import urllib.error
    import urllib.request

    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(f"{main}/releases/2026/12/gone/", timeout=10)
    body = missing.value.read().decode("utf-8")
    assert missing.value.code == 404
    assert f'<a href="{archive}/" data-archive-year="2026">2026년 보도자료</a>' in body
