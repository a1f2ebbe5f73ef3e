"""Benchmark: building the search and chat indexes cold, warm and after +20 releases, beside Pagefind.

    python bench/index_build.py [--releases 10000] [--new 20] [--work /tmp/index-build-bench]

Releases: briefing.testing.synthetic with real corpus text in the attachments (``real_text_pool``, as
bench/growth.py draws it; needs ../shared/corpus, falls back to synthetic filler). Each release
becomes the search document and the chat document the site build would make, and one plain HTML
page (title, ministry, date, summary, text) that Pagefind indexes: the same text for both engines.

Steps, each timed in wall and CPU seconds (CPU: this process, its threads and its worker
processes, or Pagefind's process; steadier than wall on a shared machine):

1. Pagefind over the N pages, then over N + new pages (it has no incremental mode).
2. Our search index, cold: empty analysis cache (kiwipiepy analyses every distinct word).
3. The chat index after it, sharing the analysis cache (``cache/analysis``), against the chat
   index on an empty cache of its own (what it cost when each build analysed its own text); on
   the first ``--chat-releases`` only (whoosh's writing, not the analysis, is most of its time).
4. Our search index from a warm cache, written whole (the index build proper, analysis cached).
5. +new releases: the incremental search build (segments) and the chat index append; shard
   files rewritten of all, against a whole rewrite of the same index (the layout before segments).

``--cold-only`` runs Pagefind's full build, step 2 and step 4 only (the cold comparison, without
the chat and +new steps). ``--warm`` runs steps 3 (shared cache only), 4 and 5 again on the analysis cache an earlier run
left in ``--work``. Nothing outside ``--work`` is written. The in-process word cache is emptied between steps so
each step pays what a separate build process would.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.search import run_pagefind, write_pages  # noqa: E402
from briefing.categories import guess_category  # noqa: E402
from briefing.chat.index_build import build_chat_index, document_from_record, search_analyzer  # noqa: E402
from briefing.search import kiwi_words  # noqa: E402
from briefing.search.client_index import SearchDocument, build_client_index  # noqa: E402
from briefing.testing.synthetic import generate_records, real_text_pool  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"


def timed(step: Callable[[], Any]) -> tuple[Any, float, float]:
    """``step()``, its wall seconds and its CPU seconds (this process and its children)."""
    kiwi_words._WORD_CACHE.clear()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu, wall = time.process_time(), time.perf_counter()
    result = step()
    wall = time.perf_counter() - wall
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    child = (after.ru_utime - children.ru_utime) + (after.ru_stime - children.ru_stime)
    return result, wall, time.process_time() - cpu + child


def search_document(record) -> SearchDocument:
    original = "\n".join([record.body_text, *(a.text for a in record.attachments if a.text)])
    return SearchDocument(
        id=record.id,
        title=record.title,
        date=record.published,
        url=f"r/{record.id}/",
        category=guess_category(record.title + " " + record.body_text).name,
        ministry=record.ministry,
        headline=" ".join(record.subtitles),
        summary=" ".join(record.body_text.split())[:300],
        original=original,
    )


def shard_files(index: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in (index / "t").iterdir()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--releases", type=int, default=10_000)
    parser.add_argument("--new", type=int, default=20)
    parser.add_argument("--work", type=Path, default=Path("/tmp/index-build-bench"))
    parser.add_argument("--skip-pagefind", action="store_true")
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="analysis processes of a whole build (default: one per core)",
    )
    parser.add_argument(
        "--warm",
        action="store_true",
        help="reuse the analysis cache of an earlier run in --work: no Pagefind, no cold steps",
    )
    parser.add_argument(
        "--cold-only",
        action="store_true",
        help="only Pagefind's full build, our cold search build and the warm one (no chat, no +new)",
    )
    parser.add_argument(
        "--chat-releases", type=int, default=1000, help="the chat steps use the first N (whoosh is slow)"
    )
    args = parser.parse_args()
    work: Path = args.work
    if not args.warm:
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
    elif not (work / "cache" / "analysis" / "analysis.sqlite").is_file():
        parser.error(f"--warm needs the analysis cache of an earlier run in {work}")

    real = real_text_pool(CORPUS) if CORPUS.is_dir() else None
    records = generate_records(args.releases + args.new, real_text=real)
    search_docs = [search_document(r) for r in records]
    chat_docs = [document_from_record(r) for r in records]
    n = args.releases
    chars = sum(len(" ".join(d.fields())) for d in search_docs[:n])
    print(
        f"{n:,} releases (+{args.new}), {'real corpus text' if real else 'synthetic filler'}, "
        f"{chars:,} characters indexed by the search"
    )
    rows: list[tuple[str, float, float, str]] = []

    if not args.skip_pagefind and not args.warm:
        site = work / "site"
        write_pages(site, search_docs[:n])
        _, wall, cpu = timed(lambda: run_pagefind(site))
        files = sum(1 for p in (site / "pagefind").rglob("*") if p.is_file())
        rows.append(("pagefind, full", wall, cpu, f"{files:,} files"))
    if not args.skip_pagefind and not args.warm and not args.cold_only:
        before = {p: p.read_bytes() for p in (site / "pagefind").rglob("*") if p.is_file()}
        write_pages(site, search_docs[n:])
        _, wall, cpu = timed(lambda: run_pagefind(site))
        after = {p: p.read_bytes() for p in (site / "pagefind").rglob("*") if p.is_file()}
        changed = sum(1 for p, data in after.items() if before.get(p) != data)
        rows.append(
            (f"pagefind, +{args.new} (full again)", wall, cpu, f"{changed:,} of {len(after):,} files new")
        )

    cache, index = work / "cache" / "analysis", work / "output" / "search"
    m = min(n, args.chat_releases)
    shared = search_analyzer(cache / "analysis.sqlite")
    if not args.warm:
        report, wall, cpu = timed(lambda: build_client_index(search_docs[:n], index, cache, args.workers))
        rows.append(("search index, cold (empty cache)", wall, cpu, report.analysis.line()))
    if args.cold_only:
        for state in cache.glob("index-state-*.json"):
            state.unlink()
        shutil.rmtree(index, ignore_errors=True)
        report, wall, cpu = timed(lambda: build_client_index(search_docs[:n], index, cache, args.workers))
        rows.append(("search index, warm cache, written whole", wall, cpu, f"{report.files_written:,} files"))
        return report_rows(work, rows)
    if not args.warm:
        chat, wall, cpu = timed(lambda: build_chat_index(chat_docs[:m], work / "chat-own", analyze=own(work)))
        rows.append(("chat index, own empty cache", wall, cpu, chat.line()))
        own_cpu = cpu
    shutil.rmtree(work / "chat", ignore_errors=True)
    chat, wall, cpu = timed(lambda: build_chat_index(chat_docs[:m], work / "chat", analyze=shared))
    saving = "" if args.warm else f"saves {own_cpu - cpu:.0f} s CPU"
    rows.append(("chat index, cache shared with search", wall, cpu, saving))

    for state in cache.glob("index-state-*.json"):
        state.unlink()  # forget the layout: the next build writes the index whole, from the cache
    shutil.rmtree(index, ignore_errors=True)
    report, wall, cpu = timed(lambda: build_client_index(search_docs[:n], index, cache))
    rows.append(("search index, warm cache, written whole", wall, cpu, f"{report.files_written:,} files"))
    whole_shards = shard_files(index)

    report, wall, cpu = timed(lambda: build_client_index(search_docs, index, cache))
    shards = shard_files(index)
    kept = sum(1 for name in shards if whole_shards.get(name) == shards[name])
    rows.append(
        (
            f"search index, +{args.new} (incremental)",
            wall,
            cpu,
            f"{len(shards) - kept:,} of {len(shards):,} shard files new, {kept:,} byte-identical; "
            f"{report.files_written} files written in all",
        )
    )
    # the releases right after the first m: inside the chat window, as a scheduled run's would be
    chat, wall, cpu = timed(
        lambda: build_chat_index(chat_docs[: m + args.new], work / "chat", analyze=shared)
    )
    rows.append((f"chat index, +{args.new} (append)", wall, cpu, chat.line()))

    # The same +new as a whole rewrite (the layout before segments): how many shards that changes.
    for state in cache.glob("index-state-*.json"):
        state.unlink()
    whole = work / "whole" / "search"
    shutil.rmtree(whole.parent, ignore_errors=True)
    shutil.copytree(index.parent, whole.parent)
    for path in (whole / "t").iterdir():
        path.unlink()
    build_client_index(search_docs[:n], whole, cache)
    first = shard_files(whole)
    for state in cache.glob("index-state-*.json"):
        state.unlink()
    report, wall, cpu = timed(lambda: build_client_index(search_docs, whole, cache))
    second = shard_files(whole)
    same = sum(1 for name in second if first.get(name) == second[name])
    rows.append(
        (
            f"search index, +{args.new} written whole",
            wall,
            cpu,
            f"{len(second) - same:,} of {len(second):,} shard files new (one segment)",
        )
    )

    return report_rows(work, rows)


def report_rows(work: Path, rows: list[tuple[str, float, float, str]]) -> int:
    print(f"{'step':<44} {'wall s':>8} {'CPU s':>8}  notes")
    for name, wall, cpu, note in rows:
        print(f"{name:<44} {wall:>8.1f} {cpu:>8.1f}  {note}")
    print(f"load average (1, 5, 15 min) at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux
    print(f"peak memory of this process (all steps, Pagefind apart): {peak:,.0f} MB")
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak memory of the largest child (Pagefind or one analysis worker): {child:,.0f} MB")
    (work / "results.json").write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


def own(work: Path):
    """The chat analyser on an empty cache of its own (each build analysing its own text)."""
    return search_analyzer(work / "cache" / "chat-own" / "analysis.sqlite")


if __name__ == "__main__":
    raise SystemExit(main())
