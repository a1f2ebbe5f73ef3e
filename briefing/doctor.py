"""``briefing doctor``: check a copy's set-up and say, line by line, what to fix.

Each check returns findings (ok / warn / fail, with a fix). ``run_doctor`` prints them and exits
non-zero when any check failed, so a forker — or the workflow — sees at once what is missing:
the Python version, dependencies, the Open API key, the feeds, the model, SITEURL and GitHub Pages,
and the health of the data folder (unreadable records, orphans, releases stuck in a failed state).

It is one piece on purpose: a checklist of independent checks reads best top to bottom.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Literal, TextIO
from urllib.parse import urlsplit

from briefing.article.markdown import article_paths, read_meta
from briefing.records import KST
from briefing.settings import Settings
from briefing.site.github_pages import github_pages_url
from briefing.site.size import PAGES_LIMIT_BYTES, SPLIT_FIX, human_bytes, measure
from briefing.site.years import ARCHIVES_ENV, YEARS_ENV, SiteYearsError, parse_archive_sites, parse_site_years
from briefing.store import Store, StoreError

Level = Literal["ok", "warn", "fail"]
MARKS: dict[Level, str] = {"ok": "✓", "warn": "!", "fail": "✗"}
MIN_PYTHON = (3, 11)
# import name -> distribution, for the fix line; found with find_spec (nothing is imported)
REQUIRED_MODULES: dict[str, str] = {
    "httpx": "httpx",
    "feedparser": "feedparser",
    "trafilatura": "trafilatura",
    "lxml_html_clean": "lxml_html_clean",
    "pypdf": "pypdf",
    "hwp5": "pyhwp",
    "six": "six",
    "defusedxml": "defusedxml",
    "pydantic": "pydantic",
    "litellm": "litellm",
    "pelican": "pelican[markdown]",
    "markdown": "pelican[markdown]",
    "whoosh": "whoosh-reloaded",
    "kiwipiepy": "kiwipiepy",
    "rich": "rich",
}
STALE_FEED_DAYS = 30
KEY_URL = "https://www.data.go.kr/data/15095295/openapi.do"


@dataclass
class Finding:
    level: Level
    check: str
    message: str
    fix: str = ""

    def line(self) -> str:
        text = f"{MARKS[self.level]} {self.check}: {self.message}"
        return text + (f"\n    → {self.fix}" if self.fix and self.level != "ok" else "")


def check_python(version: tuple[int, ...] = tuple(sys.version_info[:3])) -> list[Finding]:
    shown = ".".join(map(str, version))
    if tuple(version[:2]) >= MIN_PYTHON:
        return [Finding("ok", "python", f"Python {shown}")]
    need = ".".join(map(str, MIN_PYTHON))
    return [Finding("fail", "python", f"Python {shown} is too old", f"install Python {need} or newer")]


def check_dependencies(modules: Mapping[str, str] = REQUIRED_MODULES) -> list[Finding]:
    missing = sorted({dist for name, dist in modules.items() if importlib.util.find_spec(name) is None})
    if not missing:
        return [Finding("ok", "dependencies", f"{len(modules)} modules importable")]
    return [
        Finding(
            "fail",
            "dependencies",
            "missing: " + ", ".join(missing),
            "pip install -e .  (or make site, which installs into .venv)",
        )
    ]


def _client(settings: Settings):  # -> HttpClient (imported lazily: httpx is a heavy import)
    from briefing.http import HttpClient

    # One quick try per check: the doctor reports, it does not wait out an outage.
    return HttpClient(
        settings.with_values({"http_retries": 0, "http_timeout": min(settings.http_timeout, 15)})
    )


def check_press_api(settings: Settings) -> list[Finding]:
    """One call to the Open API for today's releases: is the key there and accepted?"""
    from briefing.http import FetchError
    from briefing.sources import SourceError
    from briefing.sources.press_api import fetch_day

    if not settings.service_key:
        return [
            Finding(
                "warn",
                "open api key",
                "DATA_GO_KR_SERVICE_KEY is not set: only the RSS feeds are collected",
                f"get the free key for dataset 15095295 at {KEY_URL} and add it as the repository "
                "secret DATA_GO_KR_SERVICE_KEY (locally: export DATA_GO_KR_SERVICE_KEY=...)",
            )
        ]
    today = datetime.now(KST).date()
    try:
        with _client(settings) as client:
            listings = fetch_day(client, settings.press_api, settings.service_key, today)
    except SourceError as exc:
        return [
            Finding(
                "fail",
                "open api key",
                str(exc),
                "use the key exactly as issued (the 'Decoding' one), approved for 정책브리핑 보도자료 "
                "(15095295); a new key can take up to an hour to work",
            )
        ]
    except FetchError as exc:
        return [
            Finding("fail", "open api", f"not reachable: {exc}", "check the network or BRIEFING_PRESS_API")
        ]
    return [Finding("ok", "open api key", f"accepted ({len(listings)} releases listed for {today:%Y-%m-%d})")]


def check_feeds(settings: Settings) -> list[Finding]:
    """Every feed reachable, a feed (not an HTML page), with items, and not stale."""
    from briefing.http import FetchError
    from briefing.sources import SourceError
    from briefing.sources.feeds import read_feed

    if not settings.feeds:
        level: Level = "ok" if settings.service_key else "fail"
        return [Finding(level, "feeds", "no feeds configured", "set BRIEFING_FEEDS or the Open API key")]
    findings: list[Finding] = []
    now = datetime.now(KST)
    with _client(settings) as client:
        for url in settings.feeds:
            try:
                result = read_feed(client, url)
            except (SourceError, FetchError) as exc:
                findings.append(
                    Finding(
                        "fail",
                        "feed",
                        f"{url}: {exc}",
                        "fix or remove it in BRIEFING_FEEDS (space-separated)",
                    )
                )
                continue
            if not result.listings:
                findings.append(
                    Finding(
                        "fail",
                        "feed",
                        f"{url}: answers a feed with no items (silently empty)",
                        "check the address in a browser; a moved feed often answers an empty list",
                    )
                )
                continue
            newest = max(item.published for item in result.listings)
            age = now - newest
            if age > timedelta(days=STALE_FEED_DAYS):
                findings.append(
                    Finding(
                        "warn",
                        "feed",
                        f"{url}: newest of {len(result.listings)} items is from {newest:%Y-%m-%d} "
                        f"({age.days} days ago)",
                        "the feed may be abandoned; look for the ministry's current feed",
                    )
                )
            else:
                findings.append(
                    Finding("ok", "feed", f"{url}: {len(result.listings)} items, newest {newest:%Y-%m-%d}")
                )
    return findings


def check_model(settings: Settings, test: bool = False) -> list[Finding]:
    """Is a model configured, and (when ``test``) does it answer a tiny request?"""
    if not settings.llm_model:
        return [
            Finding(
                "warn",
                "model",
                "BRIEFING_LLM_MODEL is not set: summaries are offline extracts (자동 발췌), not AI summaries",
                "set the repository variable BRIEFING_LLM_MODEL (e.g. gemini/gemini-2.5-flash) and the "
                "provider's key secret (GEMINI_API_KEY, OPENAI_API_KEY or ANTHROPIC_API_KEY)",
            )
        ]
    if not test:
        return [
            Finding("ok", "model", f"{settings.llm_model} configured (not called; --check-model to test it)")
        ]
    from briefing.llm import LLMError, complete

    messages = [{"role": "user", "content": "Reply with the single word OK."}]
    try:
        result = complete(messages, settings, max_tokens=1)
    except LLMError as exc:
        return [
            Finding(
                "fail",
                "model",
                f"{settings.llm_model} did not answer: {exc}",
                "check the provider's API key variable, the model name (litellm spelling, e.g. "
                "openai/gpt-4o-mini) and BRIEFING_LLM_API_BASE",
            )
        ]
    cost = f", ${result.cost:.6f}" if result.cost_known else ", cost unknown to litellm's map"
    return [Finding("ok", "model", f"{result.model} answered ({result.tokens} tokens{cost})")]


def check_site_url(settings: Settings, env: Mapping[str, str]) -> list[Finding]:
    """SITEURL for absolute links and feeds, and hints for GitHub Pages."""
    findings: list[Finding] = []
    repository = env.get("GITHUB_REPOSITORY", "")
    guess = github_pages_url(repository) if "/" in repository else "https://<owner>.github.io/<repo>"
    url = settings.site_url
    if not url:
        findings.append(
            Finding(
                "warn",
                "siteurl",
                "SITEURL is not set: the workflow uses the GitHub Pages address of the repository",
                f"set the repository variable SITEURL (e.g. {guess}) when you use a custom domain",
            )
        )
    else:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            findings.append(
                Finding("fail", "siteurl", f"{url!r} is not an absolute http(s) URL", f"e.g. {guess}")
            )
        elif url.endswith("/"):
            findings.append(Finding("warn", "siteurl", f"{url} ends with '/'", "drop the trailing slash"))
        else:
            findings.append(Finding("ok", "siteurl", url))
    if env.get("GITHUB_ACTIONS") != "true":
        findings.append(
            Finding(
                "ok",
                "pages",
                "hint: Settings → Pages → Source: GitHub Actions; if main is protected, allow "
                "GitHub Actions to push to it (the publish workflow commits data/ and content/)",
            )
        )
    return findings


def check_data(settings: Settings) -> list[Finding]:
    """Unreadable records, articles without records and records without articles, stuck failures."""
    store = Store(settings.data_dir)
    if not store.releases_dir.is_dir():
        return [Finding("ok", "data", f"{store.releases_dir} does not exist yet (first run will create it)")]
    findings: list[Finding] = []
    record_ids: set[str] = set()
    unreadable: list[str] = []
    stuck: list[str] = []
    for path in store.iter_paths():
        try:
            record = store.read(path)
        except StoreError as exc:
            unreadable.append(str(exc))
            continue
        record_ids.add(record.id)
        for step, status in sorted(record.status.items()):
            if status.state == "failed" and status.attempts >= settings.max_attempts:
                stuck.append(
                    f"{record.id} ({step}: {status.reason or 'no reason'}, {status.attempts} attempts)"
                )
    articles: dict[str, Path] = {}
    for path in article_paths(settings.content_dir):
        try:
            slug = read_meta(path).get("slug") or path.stem
        except (OSError, UnicodeDecodeError) as exc:
            unreadable.append(f"unreadable article {path}: {exc}")
            continue
        articles[slug] = path
    findings.append(Finding("ok", "data", f"{len(record_ids)} records, {len(articles)} articles"))
    if unreadable:
        findings.append(
            Finding(
                "fail",
                "data",
                f"{len(unreadable)} unreadable file(s): " + _first(unreadable),
                "restore them from git history (git log -- <file>) or delete them; the next run fetches again",
            )
        )
    orphans = sorted(set(articles) - record_ids)
    if orphans:
        findings.append(
            Finding(
                "fail",
                "data",
                f"{len(orphans)} article(s) without a record: " + _first(orphans),
                "delete those articles, or restore their records from git history",
            )
        )
    missing = sorted(record_ids - set(articles))
    if missing:
        findings.append(
            Finding(
                "warn",
                "data",
                f"{len(missing)} record(s) without an article yet (held, failed or not summarised): "
                + _first(missing),
                "run: briefing summarize",
            )
        )
    if stuck:
        findings.append(
            Finding(
                "fail",
                "data",
                f"{len(stuck)} release(s) stuck after {settings.max_attempts} failed attempts: "
                + _first(stuck),
                "look at the reason; fix the source or extraction, then delete the record to fetch it afresh",
            )
        )
    return findings


def check_site_size(settings: Settings, limit: int = PAGES_LIMIT_BYTES) -> list[Finding]:
    """The built site (``output/``) against GitHub Pages' 1 GB limit: a warning from 80 %."""
    folder = settings.output_dir
    if not folder.is_dir():
        return [Finding("ok", "site size", f"{folder} not built yet")]
    size = measure(folder, limit)
    if size.warning():
        # the fix names the README section: closed years move to an archive site of their own
        level: Level = "fail" if size.level == "over" else "warn"
        return [Finding(level, "site size", f"{folder}: {size.summary()}; {size.warning()}", SPLIT_FIX)]
    return [Finding("ok", "site size", f"{folder}: {size.summary()}")]


REPOSITORY_LIMIT_BYTES = 1_000_000_000  # GitHub: repositories "ideally less than 1 GB"


def check_repository_size(folder: Path, limit: int = REPOSITORY_LIMIT_BYTES) -> list[Finding]:
    """The git repository holding ``folder`` (its objects, as ``git count-objects`` counts them)
    against GitHub's recommended 1 GB: a warning from 80 %. A shallow clone counts what it fetched."""
    try:
        done = subprocess.run(
            ["git", "count-objects", "-v"], cwd=folder, capture_output=True, text=True, timeout=60
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return [Finding("warn", "repository size", f"git count-objects failed: {exc}")]
    if done.returncode != 0:
        return [Finding("ok", "repository size", f"{folder} is not in a git repository")]
    counts = dict(line.split(": ", 1) for line in done.stdout.splitlines() if ": " in line)
    size = (int(counts.get("size", 0)) + int(counts.get("size-pack", 0))) * 1024  # KiB
    share = size / limit
    message = f"{human_bytes(size)}: {share:.0%} of GitHub's recommended {human_bytes(limit)}"
    if share >= 0.8:
        fix = (
            "run `git gc`; then see docs/growth.md (the repository grows ~200 MB a year; "
            "closed years can move to their archive repository)"
        )
        return [Finding("warn", "repository size", message, fix)]
    return [Finding("ok", "repository size", message)]


def check_site_years(env: Mapping[str, str], today: datetime | None = None) -> list[Finding]:
    """BRIEFING_SITE_YEARS / BRIEFING_ARCHIVE_SITES as the build reads them, and a main site whose
    window has not opened this year (new releases collected but never shown)."""
    section = 'docs/publishing.md section "A site per year (BRIEFING_SITE_YEARS)"'
    try:
        window = parse_site_years(env.get(YEARS_ENV))
        links = parse_archive_sites(env.get(ARCHIVES_ENV))
    except SiteYearsError as exc:
        return [Finding("fail", "site years", str(exc), f"fix the repository variable ({section})")]
    year = (today or datetime.now(KST)).year
    since = [f"{window.since} and later"] if window.since is not None else []
    shown = ", ".join([str(y) for y in window.years] + since) + " only" if window else "every year"
    linked = ", ".join("current" if s.year is None else str(s.year) for s in links) or "none"
    message = f"this site shows {shown}; links to other years' sites: {linked}"
    if window and not window.covers(year) and env.get("BRIEFING_FROZEN", "").strip().lower() != "true":
        return [
            Finding(
                "warn",
                "site years",
                f"{message}; {year} is not included: this year's releases are collected but not shown",
                f"set {YEARS_ENV} to e.g. {year}- after moving the closed year to its archive ({section})",
            )
        ]
    return [Finding("ok", "site years", message)]


def _first(items: Iterable[str], count: int = 3) -> str:
    items = list(items)
    shown = ", ".join(items[:count])
    return shown + (f" … (+{len(items) - count})" if len(items) > count else "")


def run_doctor(
    settings: Settings,
    check_model: bool = False,
    *,
    env: Mapping[str, str] | None = None,
    out: TextIO | None = None,
) -> int:
    """Run every check, print what to fix; 0 when nothing failed, 1 otherwise."""
    env = os.environ if env is None else env
    out = out or sys.stdout
    checks: list[tuple[str, Callable[[], list[Finding]]]] = [
        ("python", check_python),
        ("dependencies", check_dependencies),
        ("open api", lambda: check_press_api(settings)),
        ("feeds", lambda: check_feeds(settings)),
        ("model", lambda: _check_model(settings, check_model)),
        ("siteurl", lambda: check_site_url(settings, env)),
        ("data", lambda: check_data(settings)),
        ("site years", lambda: check_site_years(env)),
        ("site size", lambda: check_site_size(settings)),
        ("repository size", lambda: check_repository_size(settings.data_dir.resolve().parent)),
    ]
    findings: list[Finding] = []
    for name, check in checks:
        try:
            results = check()
        except Exception as exc:  # a broken check is itself a finding, never a traceback
            results = [Finding("fail", name, f"check crashed: {type(exc).__name__}: {exc}")]
        for finding in results:
            print(finding.line(), file=out, flush=True)
        findings.extend(results)
    failed = sum(f.level == "fail" for f in findings)
    warned = sum(f.level == "warn" for f in findings)
    verdict = "all good" if not failed else f"{failed} problem(s) to fix"
    print(f"\ndoctor: {verdict}, {warned} warning(s)", file=out)
    return 1 if failed else 0


def _check_model(settings: Settings, test: bool) -> list[Finding]:
    return check_model(settings, test)
