"""``docs/screenshots/*.png``: the demo site's home page and one article, at 360 px (a touch phone) and
1280 px, light and dark — eight pictures of the fictional sample releases, each page labelled as a
sample by its banner (``BRIEFING_SAMPLE_BANNER``, set by ``make demo``).

Builds the demo exactly as ``make demo`` does (fake portal on 127.0.0.1, offline summaries, no key,
no network), serves it under the strict CSP of the browser tests and photographs it with Chromium.

    .venv/bin/python scripts/screenshots.py [--out demo/out/screens] [--article 청년]
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from sample_portal import load_samples, sample_dates, sample_feeds, sample_releases  # noqa: E402

from briefing.testing.browser import CHROMIUM_FLAGS, chromium_path  # noqa: E402
from briefing.testing.fakeportal import FakePortal  # noqa: E402
from briefing.testing.static_site import serve_with_csp  # noqa: E402
from demo import demo_env, prepare_site, run  # noqa: E402

SHOTS = ROOT / "docs" / "screenshots"


def build_demo(site: Path) -> Path:
    """The demo site built into ``<site>/output`` (as ``make demo`` builds it)."""
    prepare_site(site)
    first, last = sample_dates(load_samples())
    with FakePortal(sample_releases(), sample_feeds()) as portal:
        env = demo_env(site, portal)
        run(["briefing", "collect", "--since", first.isoformat(), "--until", last.isoformat()], site, env)
        run(["briefing", "summarize"], site, env)
        run(["briefing", "build"], site, env)
    return site / "output"


def article_path(output: Path, words: str) -> str:
    """The address of the first article page whose text contains ``words`` (else the newest)."""
    pages = sorted((output / "releases").glob("*/*/*/index.html"), reverse=True)
    if not pages:
        raise SystemExit("screenshots: the demo build has no article pages")
    chosen = next((p for p in pages if words in p.read_text(encoding="utf-8")), pages[0])
    return "/" + chosen.parent.relative_to(output).as_posix() + "/"


def photograph(base_url: str, pages: dict[str, str], folder: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    path = chromium_path()
    if path is None:
        raise SystemExit("screenshots: chromium is not installed")
    taken = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS)
        try:
            for width in (360, 1280):
                phone = width == 360
                for scheme in ("light", "dark"):
                    context = browser.new_context(
                        viewport={"width": width, "height": 780 if phone else 900},
                        device_scale_factor=2 if phone else 1,
                        is_mobile=phone,
                        has_touch=phone,
                        color_scheme=scheme,
                        locale="ko-KR",
                    )
                    page = context.new_page()
                    for name, address in pages.items():
                        page.goto(base_url + address, wait_until="networkidle")
                        target = folder / f"{name}-{width}-{scheme}.png"
                        page.screenshot(path=str(target), full_page=False)
                        taken.append(target)
                    context.close()
        finally:
            browser.close()
    return taken


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Screenshots of the demo site for the README.")
    parser.add_argument("--out", type=Path, default=ROOT / "demo" / "out" / "screens", help="work folder")
    parser.add_argument("--article", default="청년 첫 일자리", help="words of the article to show")
    args = parser.parse_args(argv)
    site = args.out.resolve() / "site"
    output = build_demo(site)
    server, base_url = serve_with_csp(output)
    try:
        pages = {"home": "/", "article": article_path(output, args.article)}
        SHOTS.mkdir(parents=True, exist_ok=True)
        for shot in photograph(base_url, pages, SHOTS):
            print(f"screenshots: {shot.relative_to(ROOT)}")
    finally:
        server.shutdown()
        server.server_close()
    shutil.rmtree(args.out.resolve(), ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
