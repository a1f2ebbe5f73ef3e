"""``briefing`` command line: one verb per task, each a thin wrapper over a library function.

Modules are imported inside each command so that ``briefing --help`` and light commands start fast
(litellm, kiwipiepy and Pelican take seconds to import).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from datetime import date
from pathlib import Path

from briefing.settings import Settings


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from exc


def _settings(args: argparse.Namespace) -> Settings:
    values = {}
    for name in ("data_dir", "content_dir", "output_dir"):
        value = getattr(args, name, None)
        if value is not None:
            values[name] = value
    return Settings.load().with_values(values)


def cmd_collect(args: argparse.Namespace) -> int:
    from briefing.collect import run_collect

    report = run_collect(_settings(args), since=args.since, until=args.until, limit=args.limit)
    print(report.summary_line())
    if report.next_step:
        print(report.next_step)
    return report.exit_code


def cmd_summarize(args: argparse.Namespace) -> int:
    from briefing.summarize import run_summarize

    report = run_summarize(_settings(args), force=args.force, limit=args.limit)
    print(report.summary_line())
    return report.exit_code


def cmd_build(args: argparse.Namespace) -> int:
    import subprocess

    conf = "publishconf.py" if args.publish else "pelicanconf.py"
    command = [sys.executable, "-m", "pelican", "content", "-s", conf, "-o", str(args.output_dir or "output")]
    return subprocess.call(command)


def cmd_serve(args: argparse.Namespace) -> int:
    from briefing.chat.serve import serve

    serve(_settings(args), host=args.host, port=args.port, output=Path(args.output), index_dir=args.index)
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    from briefing.chat.answer import run_chat_cli

    return run_chat_cli(_settings(args), " ".join(args.question), index_dir=args.index)


def cmd_doctor(args: argparse.Namespace) -> int:
    from briefing.doctor import run_doctor

    return run_doctor(_settings(args), check_model=args.check_model)


def cmd_report(args: argparse.Namespace) -> int:
    from briefing.run_report import begin_run, render_markdown, run_figures

    settings = _settings(args)
    if args.site:
        from briefing.site.size import report_site_size

        return report_site_size(args.site, args.pages_limit)
    if args.begin:
        begin_run(settings, args.note)
        return 0
    figures = run_figures(settings, args.note)
    print(figures.to_json() if args.json else render_markdown(figures).rstrip("\n"))
    return 0


def cmd_deploy(args: argparse.Namespace) -> int:
    from briefing.site.deploy_s3 import DeployError, deploy_site, render_markdown

    if not args.verbose:
        logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request: 85,000 at a year
    try:
        result = deploy_site(
            args.site,
            args.target,
            workers=args.workers,
            everything=args.all,
            dry_run=args.dry_run,
            state=args.state,
            verify=args.verify,
        )
    except DeployError as exc:
        print(f"briefing deploy: {exc}", file=sys.stderr)
        return 1
    print(result.summary_line(), file=sys.stderr)
    print(render_markdown(result).rstrip("\n"))
    return 0


def cmd_should_build(args: argparse.Namespace) -> int:
    import subprocess

    from briefing.site.deploy_decision import TargetError, decide, deploy_target, render_markdown

    try:
        target = deploy_target(os.environ.get("BRIEFING_DEPLOY_TARGET"))
    except TargetError as exc:
        print(f"briefing should-build: {exc}", file=sys.stderr)
        return 2
    commit = (
        args.commit
        or subprocess.run(
            ["git", "rev-parse", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
    )
    rebuild = args.rebuild or os.environ.get("BRIEFING_REBUILD", "").lower() == "true"
    decision = decide(commit, target, os.environ, args.state, rebuild=rebuild)
    if os.environ.get("GITHUB_OUTPUT"):
        with open(os.environ["GITHUB_OUTPUT"], "a", encoding="utf-8") as handle:
            handle.write(decision.outputs())
    print(render_markdown(decision).rstrip("\n"))
    return 0


EXAMPLES = {
    "collect": "briefing collect --since 2026-11-01 --until 2026-11-03 --limit 20",
    "summarize": "BRIEFING_LLM_MODEL=gemini/gemini-2.5-flash briefing summarize --limit 10",
    "build": "briefing build --publish --output-dir output",
    "serve": "briefing serve --port 8000   # then open http://127.0.0.1:8000/",
    "chat": "briefing chat 청년 월세 지원 대상은 누구인가요?",
    "doctor": "briefing doctor --check-model",
    "report": "briefing report --site output",
    "deploy": "AWS_ENDPOINT_URL=https://<account>.r2.cloudflarestorage.com AWS_REGION=auto "
    "briefing deploy --target s3://briefing-site --site output",
    "should-build": "BRIEFING_DEPLOY_TARGET=pages briefing should-build --state deploy-state/last-deploy.json",
}


def _command(sub, name: str, help: str) -> argparse.ArgumentParser:
    """A sub-command whose --help ends with an example."""
    return sub.add_parser(
        name,
        help=help,
        description=help[:1].upper() + help[1:] + ".",
        epilog=f"example:\n  {EXAMPLES[name]}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("briefing")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="briefing",
        description="Collect, summarise and publish Korean government press releases (korea.kr 정책브리핑).",
        epilog="the main job: briefing collect && briefing summarize && briefing build\n"
        "set-up check:  briefing doctor        a full sample site:  make demo",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def data_args(p: argparse.ArgumentParser) -> None:
        p.add_argument("--data-dir", type=Path, help="records folder (env BRIEFING_DATA_DIR, default data/)")

    p = _command(sub, "collect", "fetch new releases, their pages and attachments into records")
    data_args(p)
    p.add_argument("--since", type=_date, help="first day to collect (YYYY-MM-DD, Korea time)")
    p.add_argument("--until", type=_date, help="last day to collect (default today)")
    p.add_argument("--limit", type=int, help="at most N new releases this run")
    p.set_defaults(func=cmd_collect)

    p = _command(sub, "summarize", "write a summarised Markdown article for each new or changed record")
    data_args(p)
    p.add_argument("--content-dir", type=Path, help="articles folder (default content/)")
    p.add_argument("--force", action="store_true", help="summarise again even when the cache matches")
    p.add_argument("--limit", type=int, help="at most N summaries this run")
    p.set_defaults(func=cmd_summarize)

    p = _command(sub, "build", "build the site with Pelican")
    p.add_argument("--publish", action="store_true", help="use publishconf.py (absolute URLs from SITEURL)")
    p.add_argument("--output-dir", type=Path, help="where the site is written (default output/)")
    p.set_defaults(func=cmd_build)

    p = _command(
        sub,
        "deploy",
        "upload the built site to an S3-compatible bucket: changed files only, removed ones deleted last",
    )
    p.add_argument("--target", required=True, help="s3://bucket[/prefix]")
    p.add_argument("--site", type=Path, default=Path("output"), help="built site folder (default output/)")
    p.add_argument("--workers", type=int, default=4, help="parallel uploads (default 4)")
    p.add_argument("--all", action="store_true", help="upload every file (after a change of header policy)")
    p.add_argument("--dry-run", action="store_true", help="list and compare only; upload and delete nothing")
    p.add_argument(
        "--state",
        type=Path,
        help="the last deploy's record of the bucket: with it, unchanged files are neither read nor listed",
    )
    p.add_argument("--verify", action="store_true", help="list the bucket even with a --state record")
    p.epilog = (
        "credentials and endpoint: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION,\n"
        "AWS_ENDPOINT_URL (docs/deploy.md); prints the job-summary Markdown on stdout\n\n" + (p.epilog or "")
    )
    p.set_defaults(func=cmd_deploy)

    p = _command(sub, "should-build", "whether this publish run builds and deploys, or nothing is new")
    p.add_argument("--commit", help="the commit to build (default: git rev-parse HEAD)")
    p.add_argument(
        "--state",
        type=Path,
        default=Path("deploy-state/last-deploy.json"),
        help="the last deploy's state file",
    )
    p.add_argument(
        "--rebuild", action="store_true", help="build even when nothing changed (env BRIEFING_REBUILD)"
    )
    p.epilog = (
        "target from BRIEFING_DEPLOY_TARGET (pages | s3://bucket/prefix); writes build=, key=, target=, state=\n"
        "to $GITHUB_OUTPUT and the job-summary Markdown to stdout\n\n" + (p.epilog or "")
    )
    p.set_defaults(func=cmd_should_build)

    p = _command(sub, "serve", "serve the built site and /api/chat locally")
    p.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)"
    )
    p.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    p.add_argument("--output", default="output", help="built site folder")
    p.add_argument(
        "--index", type=Path, help="chat index (default OUTPUT/chat-index; build/chat-index after --publish)"
    )
    p.set_defaults(func=cmd_serve)

    p = _command(sub, "chat", "ask the policy assistant a question from the terminal")
    p.add_argument("question", nargs="+", help="the question, in Korean or English (quotes optional)")
    p.add_argument("--index", type=Path, help="chat index folder (default output/chat-index)")
    p.set_defaults(func=cmd_chat)

    p = _command(sub, "doctor", "check the set-up of this copy and say what to fix")
    data_args(p)
    p.add_argument("--check-model", action="store_true", help="also send a one-token test to the model")
    p.set_defaults(func=cmd_doctor)

    p = _command(sub, "report", "figures of this publish run (Markdown for the Actions job summary)")
    data_args(p)
    p.add_argument("--content-dir", type=Path, help="articles folder (default content/)")
    p.add_argument("--begin", action="store_true", help="note the start of a run (before collecting)")
    p.add_argument("--json", action="store_true", help="print the figures as JSON")
    p.add_argument("--note", type=Path, default=Path("cache/run-start.json"), help="where the start is noted")
    p.add_argument(
        "--site", type=Path, help="instead: the size of a built site (e.g. output) against Pages' limit"
    )
    p.add_argument("--pages-limit", type=int, default=1_000_000_000, help="bytes (default 1 GB)")
    p.set_defaults(func=cmd_report)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:  # bare `briefing`: say what it can do
        parser.print_help()
        return 0
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("briefing: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
