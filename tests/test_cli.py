"""The command line explains itself: bare ``briefing`` prints help, every option has help text and
every command's ``--help`` ends with an example."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from briefing.cli import build_parser

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "briefing.cli", *args], cwd=ROOT, capture_output=True, text=True, timeout=60
    )


def test_bare_briefing_prints_help_and_exits_0() -> None:
    done = run()
    assert done.returncode == 0
    assert "usage: briefing" in done.stdout and "collect" in done.stdout and "make demo" in done.stdout


def test_version() -> None:
    done = run("--version")
    assert done.returncode == 0 and done.stdout.startswith("briefing ")


def _commands() -> dict[str, argparse.ArgumentParser]:
    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return dict(sub.choices)


def test_every_option_has_help_and_every_command_an_example() -> None:
    commands = _commands()
    assert {"collect", "summarize", "build", "serve", "chat", "doctor", "report"} <= set(commands)
    for name, parser in commands.items():
        for action in parser._actions:
            assert action.help, f"briefing {name}: {action.option_strings or action.dest} has no help text"
        assert "example:" in parser.format_help() and f"briefing {name}" in parser.epilog, name


def test_an_unknown_command_is_a_clear_error() -> None:
    done = run("publish-everything")
    assert done.returncode == 2 and "invalid choice" in done.stderr
