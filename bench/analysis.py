"""Benchmark: kiwipiepy per written word (the analyser) against per line (analyser version 2).

    python bench/analysis.py [--releases 1000] [--before /path/to/a/checkout/of/main]

Quality, on the real corpus (``../shared/corpus``, one document per release, lines as extracted):
per document, the distinct kiwipiepy terms of the line-level analysis (every distinct line given
to kiwipiepy, as analyser version 2 did) against those of the word-level one (each distinct word
analysed once, without its neighbours: the analyser). Recall = share of the line-level terms the word-level
analysis still gives, precision = share of its terms the line-level analysis also gave; micro
(all documents' terms pooled) and the worst document, with and without one-syllable terms, and on
the whole index terms (rule terms included, what a query meets).

Speed, cold (empty caches), CPU seconds of this process and kiwipiepy's threads (steadier than wall
on a shared machine): the full analysis of the corpus documents and of ``--releases`` synthetic
releases with real text (``real_text_pool``, as bench/index_build.py makes them), line-level
against word-level. The synthetic releases repeat corpus lines, which flatters the line cache:
the corpus figures are the fairer comparison, the synthetic ones what bench/index_build.py sees.
The line-level timing shares this tree's rule terms; ``--before DIR`` also times the whole
``analyze_texts`` of another checkout (each in a fresh process) against this one's.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from briefing.search import kiwi_words  # noqa: E402
from briefing.search.analyzer import analyze_texts, hangul_lines, rule_terms  # noqa: E402
from briefing.search.kiwi_words import get_kiwi, kiwi_terms  # noqa: E402
from briefing.search.normalize import normalize  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"


def line_level(texts: Sequence[str]) -> tuple[list[list[str]], list[list[str]]]:
    """Analyser version 2: rule terms plus kiwipiepy's terms of each distinct line (cached in the
    call, as the per-process line cache did). Returns (kiwi terms, all terms) per text."""
    normalized = [normalize(text) for text in texts]
    per_text = [hangul_lines(text) for text in normalized]
    lines = list(dict.fromkeys(line for lines in per_text for line in lines))
    known = dict(zip(lines, (kiwi_terms(t) for t in get_kiwi().tokenize(lines)), strict=True))
    kiwi = [[term for line in lines for term in known[line]] for lines in per_text]
    return kiwi, [rule_terms(text) + k for text, k in zip(normalized, kiwi, strict=True)]


def word_level(texts: Sequence[str]) -> list[list[str]]:
    """kiwipiepy terms per text, per written word (each distinct word analysed once)."""
    kiwi_words._WORD_CACHE.clear()
    per_text = [hangul_lines(normalize(text)) for text in texts]
    known = kiwi_words.word_terms([line for lines in per_text for line in lines])
    return [[term for line in lines for word in line.split() for term in known[word]] for lines in per_text]


def overlap(old: list[list[str]], new: list[list[str]], keep: Callable[[str], bool]) -> str:
    """Recall and precision of the distinct terms per document: pooled, and the worst document."""
    common = total_old = total_new = 0
    recalls, precisions = [], []
    for a, b in zip(old, new, strict=True):
        a_set, b_set = {t for t in a if keep(t)}, {t for t in b if keep(t)}
        both = len(a_set & b_set)
        common, total_old, total_new = common + both, total_old + len(a_set), total_new + len(b_set)
        recalls.append(both / len(a_set) if a_set else 1.0)
        precisions.append(both / len(b_set) if b_set else 1.0)
    return (
        f"recall {common / total_old:6.2%} (worst {min(recalls):6.2%})  "
        f"precision {common / total_new:6.2%} (worst {min(precisions):6.2%})"
    )


def cpu_timed(step: Callable[[], Any]) -> tuple[Any, float, float]:
    kiwi_words._WORD_CACHE.clear()
    cpu, wall = time.process_time(), time.perf_counter()
    result = step()
    return result, time.process_time() - cpu, time.perf_counter() - wall


def corpus_texts() -> list[str]:
    from briefing.testing.synthetic import real_text_pool

    pool = real_text_pool(CORPUS)
    if pool is None:
        raise SystemExit(f"no readable documents in {CORPUS}")
    return ["\n".join(lines) for lines in pool.documents]


def synthetic_texts(n: int) -> list[str]:
    from bench.index_build import search_document
    from briefing.testing.synthetic import generate_records, real_text_pool

    records = generate_records(n, real_text=real_text_pool(CORPUS))
    return [text for record in records for text in search_document(record).fields()]


def speed(name: str, texts: list[str]) -> None:
    chars = sum(len(t) for t in texts)
    print(f"\nspeed, cold, {name}: {chars:,} characters (load average {os.getloadavg()[0]:.1f})")
    for label, step in (
        ("line-level (version 2)", lambda: line_level(texts)),
        ("word-level", lambda: analyze_texts(texts)),
    ):
        _, cpu, wall = cpu_timed(step)
        print(f"  {label:<26} CPU {cpu:7.1f} s  wall {wall:7.1f} s  {chars / cpu:>12,.0f} chars/CPU-s")


# Times analyze_texts of whichever ``briefing`` is first on the path, on texts pickled by the parent.
_TIMER = """
import os, pickle, sys, time
from briefing.search import analyzer
texts = pickle.load(sys.stdin.buffer)
analyzer.analyze_texts(["모델을 불러온다"])
cpu, wall = time.process_time(), time.perf_counter()
analyzer.analyze_texts(texts)
print(time.process_time() - cpu, time.perf_counter() - wall)
"""


def compare_trees(name: str, texts: list[str], before: Path) -> None:
    """The full analysis (``analyze_texts``) of another checkout (``before``) and of this one, each
    in a fresh process: the before/after figure of a change to the analyser."""
    import pickle
    import subprocess

    chars = sum(len(t) for t in texts)
    print(f"\nanalyze_texts, cold, {name}: {chars:,} characters (load average {os.getloadavg()[0]:.1f})")
    for tree in (before, ROOT):
        done = subprocess.run(
            [sys.executable, "-c", _TIMER],
            input=pickle.dumps(texts),
            capture_output=True,
            check=True,
            env={**os.environ, "PYTHONPATH": str(tree), "PYTHONDONTWRITEBYTECODE": "1"},
            cwd=tree,  # `python -c` puts the working directory first on the path
        )
        cpu, wall = map(float, done.stdout.split())
        print(f"  {tree!s:<26} CPU {cpu:7.1f} s  wall {wall:7.1f} s  {chars / cpu:>12,.0f} chars/CPU-s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--releases", type=int, default=1000, help="synthetic releases for speed (0: none)")
    parser.add_argument(
        "--before", type=Path, help="another checkout (e.g. a worktree of main): its analyze_texts timed too"
    )
    args = parser.parse_args()
    texts = corpus_texts()
    get_kiwi().tokenize("모델을 불러온다")  # load the model outside the timings
    old_kiwi, old_all = line_level(texts)
    rules = [rule_terms(normalize(text)) for text in texts]
    print(
        f"quality: {len(texts)} corpus documents, {sum(len(t) for t in texts):,} characters; "
        "distinct terms per document, word-level against line-level"
    )
    new_kiwi = word_level(texts)
    new_all = [r + k for r, k in zip(rules, new_kiwi, strict=True)]
    print(f"  kiwi terms         {overlap(old_kiwi, new_kiwi, lambda t: True)}")
    print(f"  kiwi, 2+ syllables {overlap(old_kiwi, new_kiwi, lambda t: len(t) > 1)}")
    print(f"  all index terms    {overlap(old_all, new_all, lambda t: True)}")
    speed("corpus documents", texts)
    synthetic = synthetic_texts(args.releases) if args.releases else []
    if synthetic:
        speed(f"{args.releases:,} synthetic releases (real text)", synthetic)
    if args.before:
        compare_trees("corpus documents", texts, args.before)
        if synthetic:
            compare_trees(f"{args.releases:,} synthetic releases", synthetic, args.before)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
