"""Offline extract benchmark: how well the no-model summary reads, against a hand-made reference.

    python bench/offline.py [--verbose]

Extracts the releases of ``briefing/testing/offline_reference.json`` (the eight ``make demo`` samples and the
press releases of ``../shared/corpus`` it names, when present), tags weighed by the titles of all of
them as in one run, and prints per release and in total:

- title in 핵심 요약: the key summary starts with (or holds) the release's title;
- repeated sentences: a sentence shown twice anywhere in the summary;
- sections filled where the source has cue sentences: hand-placed sentences (a plan under 향후 계획,
  an expected effect under 기대 효과, …) found in their section;
- "원문에 제시되지 않았습니다" in a rendered extract (claims the source lacks what the extractor missed);
- tag precision: share of tags in the hand-picked good tags; bad tags: not in the source, not a
  noun, or a bare verbal noun;
- reference misses: text that must appear (or must not: contacts, disclaimers) per release;
- time per extract (the analyser's model loaded once before).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from briefing.article.markdown import render_article  # noqa: E402
from briefing.summaries import StoredSummary  # noqa: E402
from briefing.summarize.offline import extract_summary  # noqa: E402
from briefing.summarize.sentences import kiwi  # noqa: E402
from briefing.summarize.source import build_source  # noqa: E402
from briefing.summarize.tags import TitleFrequencies  # noqa: E402
from briefing.testing.offline_reference import Review, corpus_cases, demo_cases, review  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--verbose", action="store_true", help="print each extract's tags and misses")
    args = parser.parse_args()

    cases = demo_cases() + corpus_cases()
    titles = TitleFrequencies.of(c.record.title for c in cases)
    kiwi().tokenize("분석기 준비")  # the model's load is not an extract's time
    reviews: list[Review] = []
    times: list[float] = []
    print(f"{'release':24} {'title':>5} {'rep':>3} {'cues':>5} {'tags':>5} {'bad':>3} {'miss':>4} {'ms':>6}")
    for case in cases:
        source = build_source(case.record, 24_000)
        began = time.perf_counter()
        summary = extract_summary(case.record, source, titles)
        times.append(time.perf_counter() - began)
        stored = StoredSummary(id=case.record.id, kind="extract", source_hash="bench", summary=summary)
        found = review(case, summary, source.full_text, render_article(case.record, stored))
        reviews.append(found)
        misses = len(found.missing) + len(found.present) + len(found.too_short) + len(found.unfaithful)
        print(
            f"{case.name:24} {'yes' if found.title_in_key else 'no':>5} {len(found.repeated):>3} "
            f"{found.sections_found:>2}/{found.sections_expected:<2} {found.good_tags:>2}/{len(found.tags):<2} "
            f"{len(found.bad_tags):>3} {misses:>4} {times[-1] * 1000:>6.0f}"
        )
        if args.verbose:
            print(f"    tags: {', '.join(found.tags)}")
            for line in found.misplaced + found.missing + found.bad_tags + found.unfaithful:
                print(f"    miss: {line}")
            for line in found.present:
                print(f"    present but should not be: {line}")
            for line in found.repeated:
                print(f"    repeated: {line}")

    n = len(reviews)
    expected = sum(r.sections_expected for r in reviews)
    placed = sum(r.sections_found for r in reviews)
    tags = sum(len(r.tags) for r in reviews)
    good = sum(r.good_tags for r in reviews)
    corpus = n - len(demo_cases()) if n else 0
    print()
    print(f"releases: {n} ({n - corpus} demo, {corpus} corpus)")
    print(f"title in 핵심 요약: {sum(r.title_in_key for r in reviews)} of {n}")
    print(
        f"repeated sentences: {sum(len(r.repeated) for r in reviews)} (in {sum(bool(r.repeated) for r in reviews)} releases)"
    )
    print(f"cue sentences in their section: {placed} of {expected}")
    print(f"'원문에 제시되지 않았습니다' in an extract: {sum(r.says_source_lacks for r in reviews)} of {n}")
    print(
        f"tag precision: {good} of {tags} ({good / max(tags, 1):.0%}); bad tags: {sum(len(r.bad_tags) for r in reviews)}"
    )
    print(
        f"reference misses: {sum(len(r.missing) for r in reviews)} missing, "
        f"{sum(len(r.present) for r in reviews)} present that should not be, "
        f"{sum(len(r.unfaithful) for r in reviews)} unsupported claims"
    )
    ordered = sorted(times)
    print(f"time per extract: median {ordered[n // 2] * 1000:.0f} ms, max {ordered[-1] * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
