"""``make demo``: the whole site — articles, search and chat — from sample releases, offline.

1. Copies the repository's tracked files into ``demo/out/site`` (without its data/ and articles).
2. Serves the sample releases of ``demo/releases.json`` — with PDF and HWPX attachments generated
   on the spot — from the project's fake portal (``briefing/testing/fakeportal.py``) on 127.0.0.1.
3. Runs ``briefing collect`` (Open API and a ministry feed), ``briefing summarize`` (no model: the
   offline extractive summaries, labelled as such) and ``briefing build``.
4. Serves the site with ``briefing serve`` (search works in the browser; the chat answers with the
   matching releases, since no model is configured). Ctrl+C stops it.

No network, no key. ``--check`` builds, then asks the running server for a page, the search page
and a chat question, prints what came back and exits (used by the tests).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from sample_portal import load_samples, sample_dates, sample_feeds, sample_releases  # noqa: E402
from worktree import copy_tracked  # noqa: E402

from briefing.testing.fakeportal import FakePortal  # noqa: E402

DEFAULT_OUT = ROOT / "demo" / "out"
CHAT_QUESTION = "청년 첫 일자리 적응 지원금은 얼마인가요?"


def prepare_site(site: Path) -> None:
    """A fresh copy of the repository without its archive (data/) or articles."""
    shutil.rmtree(site, ignore_errors=True)
    site.mkdir(parents=True)
    copy_tracked(site, skip=("data/", "content/releases/", "demo/"))


def demo_env(site: Path, portal: FakePortal) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BRIEFING_", "SITEURL", "SITE_URL"))}
    for name in ("OPENAI_API_KEY", "GEMINI_API_KEY", "ANTHROPIC_API_KEY", "DATA_GO_KR_SERVICE_KEY"):
        env.pop(name, None)  # the demo never reaches a real service, even when keys are set
    env |= portal.env()
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONPATH"] = str(site)
    env["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"
    env["BRIEFING_SAMPLE_BANNER"] = "예시 화면 — 실제 발표가 아닌 예시 보도자료입니다"
    return env


def run(command: list[str], site: Path, env: dict[str, str]) -> None:
    print(f"demo: $ {' '.join(command)}", flush=True)
    began = time.monotonic()
    done = subprocess.run(command, cwd=site, env=env, capture_output=True, text=True)
    lines = [line for line in (done.stdout + done.stderr).splitlines() if not line.startswith("INFO")]
    for line in lines[-6:]:
        print(f"      {line}", flush=True)
    if done.returncode != 0:
        raise SystemExit(f"demo: `{' '.join(command)}` failed (exit {done.returncode})")
    print(f"      ({time.monotonic() - began:.1f}s)", flush=True)


def start_server(site: Path, env: dict[str, str], port: int) -> tuple[subprocess.Popen[str], str]:
    """``briefing serve`` in the background; returns it and its address."""
    server = subprocess.Popen(
        ["briefing", "serve", "--port", str(port), "--output", "output"],
        cwd=site,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert server.stdout is not None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = server.stdout.readline()
        if not line and server.poll() is not None:
            break
        match = re.search(r"http://[\d.]+:\d+/", line)
        if match:
            return server, match.group(0)
    server.kill()
    raise SystemExit("demo: briefing serve did not start")


def check(address: str) -> list[str]:
    """Ask the server for the home page, an article, the search page and one chat question."""
    problems: list[str] = []
    samples = load_samples()
    home = urllib.request.urlopen(address, timeout=30).read().decode("utf-8")
    found = [s["title"] for s in samples if s["title"] in home]
    print(f"demo: home page lists {len(found)} of {len(samples)} sample releases")
    if not found:
        problems.append("home page lists no sample release")
    search = urllib.request.urlopen(address + "search/", timeout=30)
    print(f"demo: search page HTTP {search.status}")
    request = urllib.request.Request(
        address + "api/chat",
        data=json.dumps({"question": CHAT_QUESTION}).encode("utf-8"),
        headers={"Content-Type": "application/json", "Accept": "application/json"},
    )
    answer = json.loads(urllib.request.urlopen(request, timeout=60).read().decode("utf-8"))
    sources = answer.get("sources", [])
    titles = [s.get("title", "") for s in sources]
    print(f"demo: chat «{CHAT_QUESTION}» → {len(sources)} source(s): {titles[:3]}")
    if not any("청년 첫 일자리" in t for t in titles):
        problems.append(f"chat did not cite the youth-job sample (mode {answer.get('mode')!r})")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build and serve the sample site (no network, no key).")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="work folder (default demo/out)")
    parser.add_argument("--port", type=int, default=8000, help="port for briefing serve (0: any free port)")
    parser.add_argument("--check", action="store_true", help="build, query the server once, then exit")
    args = parser.parse_args(argv)

    site = args.out.resolve() / "site"
    prepare_site(site)
    first, last = sample_dates(load_samples())
    with FakePortal(sample_releases(), sample_feeds()) as portal:
        env = demo_env(site, portal)
        print(f"demo: fake portal {portal.base_url} serving {len(portal.releases)} sample releases")
        run(["briefing", "collect", "--since", first.isoformat(), "--until", last.isoformat()], site, env)
        run(["briefing", "summarize"], site, env)
        run(["briefing", "build"], site, env)
        server, address = start_server(site, env, 0 if args.check else args.port)
        try:
            if args.check:
                problems = check(address)
                for problem in problems:
                    print(f"demo: FAIL {problem}")
                print("demo: PASS" if not problems else "demo: FAIL")
                return 1 if problems else 0
            print(f"\ndemo: open {address} — search with ⌘K / Ctrl+K, chat with the button; Ctrl+C stops.")
            print(
                "demo: summaries are offline extracts (자동 발췌); set BRIEFING_LLM_MODEL for AI summaries."
            )
            server.wait()
        except KeyboardInterrupt:
            print("\ndemo: stopped")
        finally:
            server.terminate()
            server.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
