"""How big a built site is, against GitHub Pages' 1 GB limit per published site.

A year of releases is about 1 GB on Pages (docs/growth.md), so the publish run and
``briefing doctor`` measure ``output/`` and warn from 80 % of the limit, with the fix: move closed
years to a site of their own (docs/publishing.md "A site per year").
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

PAGES_LIMIT_BYTES = 1_000_000_000  # "no larger than 1 GB" (GitHub Pages limits); decimal, to be safe
WARN_SHARE = 0.8
SPLIT_FIX = (
    "move closed years to an archive site: set BRIEFING_SITE_YEARS on this repository "
    '(docs/publishing.md section "A site per year (BRIEFING_SITE_YEARS)")'
)


@dataclass(frozen=True)
class SiteSize:
    """Bytes and files under a folder, against a limit."""

    bytes: int
    files: int
    limit: int = PAGES_LIMIT_BYTES

    @property
    def share(self) -> float:
        return self.bytes / self.limit if self.limit > 0 else 0.0

    @property
    def level(self) -> str:
        """``ok`` below 80 % of the limit, ``warn`` from 80 %, ``over`` above the limit."""
        if self.bytes > self.limit:
            return "over"
        return "warn" if self.share >= WARN_SHARE else "ok"

    def summary(self) -> str:
        """One line: ``412.3 MB in 12,345 files: 41 % of the 1 GB GitHub Pages limit``."""
        exact = f" ({self.bytes:,} bytes)" if self.bytes >= 1000 else ""
        return (
            f"{human_bytes(self.bytes)}{exact} in {self.files:,} files: "
            f"{self.share:.0%} of the {human_bytes(self.limit)} GitHub Pages limit"
        )

    def warning(self) -> str:
        """What is wrong, or '' below 80 % (the fix is :data:`SPLIT_FIX`)."""
        if self.level == "over":
            return "over the GitHub Pages limit: Pages may refuse the deployment"
        if self.level == "warn":
            return f"{self.share:.0%} of the GitHub Pages limit (warning from {WARN_SHARE:.0%})"
        return ""


def measure(folder: Path, limit: int = PAGES_LIMIT_BYTES) -> SiteSize:
    """Total size and count of the regular files under ``folder`` (symbolic links not followed,
    as the Pages artifact does not follow them); a missing folder measures 0."""
    total = files = 0
    stack = [Path(folder)]
    while stack:
        try:
            entries = os.scandir(stack.pop())
        except (FileNotFoundError, NotADirectoryError):
            continue
        with entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(Path(entry.path))
                elif entry.is_file(follow_symlinks=False):
                    total += entry.stat(follow_symlinks=False).st_size
                    files += 1
    return SiteSize(total, files, limit)


def human_bytes(count: int) -> str:
    """``1_000_000_000`` → ``1 GB`` (decimal units, as GitHub states its limits)."""
    value, unit = float(count), "B"
    for bigger in ("KB", "MB", "GB"):
        if value < 1000:
            break
        value, unit = value / 1000, bigger
    return f"{count:,} B" if unit == "B" else f"{value:,.1f} {unit}".replace(".0 ", " ")


def render_markdown(size: SiteSize, folder: str = "output/") -> str:
    """The job-summary section for a site deployed to Pages, with what its deploy costs: Pages
    takes the whole folder as one artifact every time."""
    mark = {"ok": "✓", "warn": "⚠️", "over": "⛔"}[size.level]
    lines = ["## 사이트 크기 (GitHub Pages)", "", f"{mark} `{folder}`: {size.summary()}"]
    if size.warning():
        lines += ["", f"> **경고 (warning)**: {size.warning()}; {SPLIT_FIX}"]
    cost = f"GitHub Pages: the whole site, {human_bytes(size.bytes)} in {size.files:,} files (one artifact)"
    lines += ["", f"배포 비용 (deploy cost): {cost}"]
    return "\n".join(lines) + "\n"


def report_site_size(folder: Path, limit: int = PAGES_LIMIT_BYTES, env: dict[str, str] | None = None) -> int:
    """``briefing report --site output``: print the Markdown section (for ``$GITHUB_STEP_SUMMARY``);
    in GitHub Actions a warning also becomes an annotation on the run (stderr, not the summary)."""
    if not Path(folder).is_dir():
        print(f"## 사이트 크기 (GitHub Pages)\n\n`{folder}` does not exist: nothing was built")
        return 1
    env = os.environ if env is None else env
    target = env.get("BRIEFING_DEPLOY_TARGET") or "pages"
    if target.startswith("s3://"):
        # Pages' limit does not apply, and the deploy counts the site's files and bytes as it
        # compares them: walking a year's ~85,000 files here too would cost a second pass.
        print(
            f"## 사이트 크기 (site size)\n\n배포 비용 (deploy cost): `{target}`: only the changed files; "
            "the site's files and bytes are in the S3 deploy section"
        )
        return 0
    size = measure(folder, limit)
    print(render_markdown(size, f"{Path(folder).as_posix().rstrip('/')}/").rstrip("\n"))
    if size.warning() and env.get("GITHUB_ACTIONS") == "true":
        print(f"::warning title=site size::{size.summary()}; {size.warning()}; {SPLIT_FIX}", file=sys.stderr)
    return 0
