"""Whether a publish run builds and deploys at all: ``briefing should-build``.

Most scheduled runs find nothing new (ministries publish on working days, the workflow runs every
one or two hours). Then collect and summarise change nothing, the commit step makes no commit, and
building a year of pages again only to upload the same site is minutes of work for nothing.

The rule: build and deploy unless this very input was already deployed. The input is the commit
to build plus the repository variables that change the built pages (``SITEURL``, chat endpoint,
years shown, archive links) and the deploy target — their hash is the *deploy key*. After a
successful deploy the workflow stores the key in a small state file (kept between runs by the
Actions cache, ``deploy-state/last-deploy.json``); the next run compares. This is stricter than
"the commit step committed nothing": a code or theme change pushed to the branch, a changed
variable, or a deploy that failed last time all still build; a cache that expired just builds.
A run by hand can force it (``--rebuild``).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from briefing.errors import DeployError

DEFAULT_STATE = Path("deploy-state") / "last-deploy.json"
# Repository variables the build reads (publish.yml's build step): a change means new pages.
BUILD_VARIABLES = ("SITEURL", "BRIEFING_CHAT_ENDPOINT", "BRIEFING_SITE_YEARS", "BRIEFING_ARCHIVE_SITES")


class TargetError(DeployError):
    """``BRIEFING_DEPLOY_TARGET`` is neither ``pages`` nor ``s3://bucket[/prefix]``."""

    kind = "target"
    fatal = True


@dataclass(frozen=True)
class Decision:
    build: bool
    key: str
    commit: str
    target: str
    reason: str

    def state(self) -> str:
        """The state-file line to keep once this run's deploy succeeded."""
        record = {
            "key": self.key,
            "commit": self.commit,
            "target": self.target,
            "decided_at": int(time.time()),
        }
        return json.dumps(record, sort_keys=True)

    def outputs(self) -> str:
        """``name=value`` lines for ``$GITHUB_OUTPUT``."""
        return (
            f"build={str(self.build).lower()}\nkey={self.key}\ntarget={self.target}\nstate={self.state()}\n"
        )


def deploy_target(value: str | None) -> str:
    """``pages`` (the default, also for an empty value) or a checked ``s3://bucket[/prefix]``."""
    value = (value or "").strip()
    if value in ("", "pages"):
        return "pages"
    if value.startswith("s3://") and len(value) > 5 and value[5] not in "/.":
        return value
    raise TargetError(f"BRIEFING_DEPLOY_TARGET must be 'pages' or 's3://bucket[/prefix]', not {value!r}")


def deploy_key(commit: str, target: str, env: Mapping[str, str]) -> str:
    """A short hash of everything that decides the deployed bytes."""
    parts = [commit, target, *(f"{name}={env.get(name, '')}" for name in BUILD_VARIABLES)]
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:16]


def last_deploy(state_file: Path) -> dict:
    """What the last successful deploy noted; ``{}`` when absent or unreadable (then: build)."""
    try:
        value = json.loads(Path(state_file).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def decide(
    commit: str,
    target: str,
    env: Mapping[str, str],
    state_file: Path = DEFAULT_STATE,
    *,
    rebuild: bool = False,
) -> Decision:
    """Build unless the last successful deploy had this very key (see the module docstring)."""
    key = deploy_key(commit, target, env)
    last = last_deploy(state_file)
    short = commit[:12]
    if rebuild:
        return Decision(True, key, commit, target, "a rebuild was asked for")
    if not last:
        return Decision(True, key, commit, target, "no earlier deploy is recorded")
    if last.get("key") == key:
        return Decision(False, key, commit, target, f"commit {short} is already deployed to {target}")
    if last.get("commit") != commit:
        return Decision(
            True, key, commit, target, f"new commit {short} (last deployed {str(last.get('commit'))[:12]})"
        )
    return Decision(True, key, commit, target, "the target or a build variable changed since the last deploy")


def render_markdown(decision: Decision) -> str:
    """The job-summary section saying what this run will do and why."""
    if decision.build:
        line = f"빌드·배포 진행 (build and deploy to `{decision.target}`): {decision.reason}"
    else:
        line = (
            f"새 내용 없음 — 빌드·배포 생략 (nothing new — build and deploy skipped): {decision.reason}; "
            "collect and summarise changed nothing"
        )
    return f"## 빌드 결정 (build decision)\n\n{line}\n"
