"""Where a GitHub Pages copy of the site lives, worked out from the environment Actions provides."""

from __future__ import annotations

from collections.abc import Mapping


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
