"""Where a GitHub Pages copy of the site lives, worked out from the environment Actions provides."""

from __future__ import annotations

import subprocess
from collections.abc import Mapping
from pathlib import Path


def github_pages_url(repository: str) -> str:
    """The Pages address of ``owner/name``: a user/organisation site or a project site.

    ``owner.github.io`` repositories publish at the root; every other repository under
    ``/<name>``. Custom domains cannot be guessed: set the ``SITEURL`` variable for those.
    """
    owner, _, name = repository.strip().partition("/")
    if not owner or not name:
        raise ValueError(f"not an owner/name repository: {repository!r}")
    host = f"{owner.lower()}.github.io"
    return f"https://{host}" if name.lower() == host else f"https://{host}/{name}"


def publish_site_url(env: Mapping[str, str]) -> str:
    """``SITEURL`` when set (custom domain, other host), else the Pages address of this repository."""
    explicit = env.get("SITEURL", "").strip() or env.get("SITE_URL", "").strip()
    if explicit:
        return explicit.rstrip("/")
    repository = env.get("GITHUB_REPOSITORY", "").strip()
    return github_pages_url(repository) if repository else ""


def repository_url(env: Mapping[str, str], git_remote: str = "") -> str:
    """The public address of this site's source repository, where readers ask for corrections.

    ``BRIEFING_REPOSITORY_URL`` when set; else ``GITHUB_REPOSITORY`` on ``GITHUB_SERVER_URL`` (what
    Actions provides); else ``git_remote`` (the checkout's ``origin``) when it is a GitHub URL.
    Empty when unknown: the site then shows no repository link at all.
    """
    explicit = env.get("BRIEFING_REPOSITORY_URL", "").strip()
    if explicit:
        return explicit.rstrip("/")
    repository = env.get("GITHUB_REPOSITORY", "").strip().strip("/")
    if repository.count("/") == 1:
        server = env.get("GITHUB_SERVER_URL", "").strip().rstrip("/") or "https://github.com"
        return f"{server}/{repository}"
    return _github_remote(git_remote.strip())


def _github_remote(remote: str) -> str:
    """``https://github.com/owner/name`` for an https or ssh GitHub remote; "" for anything else."""
    for prefix in ("https://github.com/", "git@github.com:", "ssh://git@github.com/"):
        if remote.startswith(prefix):
            path = remote[len(prefix) :].removesuffix("/").removesuffix(".git")
            if path.count("/") == 1 and all(path.split("/")):
                return f"https://github.com/{path}"
    return ""


def git_origin(folder: Path) -> str:
    """The ``origin`` remote URL of the git checkout at ``folder``; "" when there is none."""
    try:
        done = subprocess.run(
            ["git", "-C", str(folder), "config", "--get", "remote.origin.url"],
            capture_output=True,
            text=True,
            timeout=5,
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""
