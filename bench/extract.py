"""Extraction benchmark: our readers against the `pdftotext` and `hwp5txt` CLIs on the corpus.

    python bench/extract.py [corpus_dir] [--repeat N]

For each format (sniffed from the bytes) over the corpus files that must yield text, prints files/s,
MB/s, peak memory and the fraction of reference snippets (tables included) found, for:
  ours        extract_document in one process (best of --repeat passes)
  isolated    extract_isolated, one forked child per file (what the collector runs)
  pdftotext / hwp5txt   the CLIs, one process per file, timed with their process start
"peak MB" is the peak resident size of the process doing the work, interpreter included (for the
CLIs, the largest of their processes). The last lines give how many hostile edge files ended with
the expected error and each tool's time relative to its CLI, wall and CPU (the CLI's CPU is its
processes' user + system time, start-up included). Nothing is written anywhere.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import re
import resource
import shutil
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from briefing.extract import ExtractError, extract_document, extract_isolated, sniff_type  # noqa: E402

CLI_FOR = {"pdf": "pdftotext", "hwp": "hwp5txt"}


def match_form(text: str) -> str:
    """The corpus matching rule: NFC, whitespace runs collapsed to one space."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text))


def snippet_hits(text: str, entry: dict) -> tuple[int, int]:
    wanted = entry["snippets"] + entry["table_snippets"]
    form = match_form(text)
    return sum(match_form(snippet) in form for snippet in wanted), len(wanted)


def run_ours(paths: list[Path], repeat: int, queue) -> None:
    """Child process: extract every file ``repeat`` times, report best time, texts and peak RSS."""
    blobs = [path.read_bytes() for path in paths]
    extract_document(blobs[0])  # imports and caches are not what we measure
    best = best_cpu = float("inf")
    texts: list[str] = []
    for _ in range(repeat):
        texts = []
        started, cpu = time.perf_counter(), time.process_time()
        for data in blobs:
            try:
                texts.append(extract_document(data).text)
            except ExtractError:
                texts.append("")
        best = min(best, time.perf_counter() - started)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put((best, texts, peak_mb, best_cpu))


def measure_ours(paths: list[Path], repeat: int) -> tuple[float, list[str], float, float]:
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=run_ours, args=(paths, repeat, queue))
    child.start()
    outcome = queue.get()
    child.join()
    return outcome


def measure_isolated(paths: list[Path]) -> tuple[float, list[str]]:
    texts = []
    started = time.perf_counter()
    for path in paths:
        try:
            texts.append(extract_isolated(path.read_bytes(), timeout=60).text)
        except ExtractError:
            texts.append("")
    return time.perf_counter() - started, texts


def measure_cli(command: str, paths: list[Path], repeat: int) -> tuple[float, list[str], float, float]:
    """Best total wall time over ``repeat`` passes, outputs, the largest child's peak RSS, and the
    best total CPU time (user + system of the children)."""
    best = best_cpu = float("inf")
    texts: list[str] = []
    peak_kb = 0
    for _ in range(repeat):
        texts = []
        cpu = 0.0
        started = time.perf_counter()
        for path in paths:
            argv = [command, str(path), "-"] if command == "pdftotext" else [command, str(path)]
            process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
            out = process.stdout.read() if process.stdout else b""
            _pid, _status, usage = os.wait4(process.pid, 0)
            process.returncode = 0  # reaped by wait4
            peak_kb = max(peak_kb, usage.ru_maxrss)
            cpu += usage.ru_utime + usage.ru_stime
            texts.append(out.decode("utf-8", "replace"))
        best = min(best, time.perf_counter() - started)
        best_cpu = min(best_cpu, cpu)
    return best, texts, peak_kb / 1024, best_cpu


def row(
    label: str, tool: str, count: int, size: int, seconds: float, peak_mb: float | None, hits: tuple[int, int]
) -> str:
    rate = count / seconds if seconds else float("inf")
    mbs = size / 1e6 / seconds if seconds else float("inf")
    peak = f"{peak_mb:8.0f}" if peak_mb is not None else "       -"
    return (
        f"{label:<6} {tool:<10} {count:>5} {size / 1e6:>7.2f} {seconds:>9.3f} {rate:>8.1f} {mbs:>8.2f} {peak}"
        f" {hits[0]:>4}/{hits[1]:<4} {hits[0] / max(hits[1], 1):>6.1%}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", default=str(ROOT.parent / "shared" / "corpus"))
    parser.add_argument("--repeat", type=int, default=3, help="passes per tool; the best is reported")
    args = parser.parse_args()
    corpus = Path(args.corpus)
    entries = json.loads((corpus / "snippets.json").read_text(encoding="utf-8"))

    groups: dict[str, list[str]] = {"pdf": [], "hwp": [], "hwpx": []}
    for rel, entry in sorted(entries.items()):
        if entry["expect"] == "text":
            groups[sniff_type((corpus / rel).read_bytes())].append(rel)

    print(f"corpus: {corpus}  (files that must yield text, grouped by sniffed format; best of {args.repeat})")
    print(
        f"{'format':<6} {'tool':<10} {'files':>5} {'MB':>7} {'seconds':>9} {'files/s':>8} {'MB/s':>8} {'peak MB':>8} {'snippets':>9} {'hit':>6}"
    )
    summary = []
    for fmt, rels in groups.items():
        paths = [corpus / rel for rel in rels]
        size = sum(path.stat().st_size for path in paths)
        total = (0, 0)

        def hits_of(texts: list[str], rels=rels) -> tuple[int, int]:
            pairs = [snippet_hits(text, entries[rel]) for text, rel in zip(texts, rels, strict=True)]
            return sum(a for a, _ in pairs), sum(b for _, b in pairs)

        seconds, texts, peak, cpu = measure_ours(paths, args.repeat)
        total = hits_of(texts)
        print(row(fmt, "ours", len(paths), size, seconds, peak, total))
        iso_seconds, iso_texts = measure_isolated(paths)
        print(row(fmt, "isolated", len(paths), size, iso_seconds, None, hits_of(iso_texts)))
        cli = CLI_FOR.get(fmt)
        if cli and shutil.which(cli):
            cli_seconds, cli_texts, cli_peak, cli_cpu = measure_cli(cli, paths, args.repeat)
            print(row(fmt, cli, len(paths), size, cli_seconds, cli_peak, hits_of(cli_texts)))
            summary.append(
                f"{fmt}: ours {seconds / cli_seconds:.2f}x, isolated {iso_seconds / cli_seconds:.2f}x the time of {cli}"
                f"; CPU time (steadier on a busy machine): ours {cpu:.3f} s, {cli} {cli_cpu:.3f} s,"
                f" {cpu / cli_cpu:.2f}x"
            )
        else:
            print(f"{fmt:<6} {'(no CLI)':<10}")

    edge = {rel: entry for rel, entry in entries.items() if entry["expect"] != "text"}
    right = 0
    for rel, entry in edge.items():
        try:
            text = extract_isolated((corpus / rel).read_bytes(), timeout=60).text
            right += entry["expect"] == "empty" and not text.strip()
        except ExtractError as error:
            right += entry["expect"] == "error" and error.kind == entry.get("error_type")
    print(f"edge files with the expected error/empty outcome (isolated): {right}/{len(edge)}")
    for line in summary:
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
