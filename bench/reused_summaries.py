"""Articles for a large synthetic archive without summarising every release: reuse real summaries.

    python bench/reused_summaries.py --site /tmp/growth-year/site-25000 --source /tmp/growth-month/site-2100
    python bench/reused_summaries.py --site /tmp/growth-half/site-12500 --source /tmp/growth-year/site-25000 \
        --copy-last 12500

Offline ``briefing summarize`` costs ~0.16 s of CPU per release with real corpus text (more as the
archive's title list grows): over an hour for a simulated year on a shared 2-core machine, before the
build can even start. This gives every record of ``--site`` that has no stored summary the stored
summary of a release of ``--source`` (made by the real ``briefing summarize``), taken in turn
(release ``i`` gets source summary ``i mod M``), re-keyed to this record's id and source hash and
rendered by the product's own renderer into its article. So the archive has real records (real
text, real attachments' text), articles of real shape and size, and later ``briefing summarize``
runs see them as cached (as after a year of scheduled runs). What it does not have: summaries that
belong to their own release — tags repeat the source's vocabulary (a month's), so a year built this
way has fewer distinct tags, hence fewer tag pages, than a year summarised release by release.
Bench-only; the work folder is a temporary one.

``--copy-last N`` instead makes a smaller archive out of a larger one: the records, stored summaries
and articles of its last ``N`` releases (by id, so the newest; hard links), for
``growth.py --resume`` to build (its ``refresh_code`` adds the code). Six months or one month of
the same year then end on the same day and carry the same releases as the year does.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from briefing.article.markdown import render_article, write_article  # noqa: E402
from briefing.store import Store  # noqa: E402
from briefing.summaries import read_summary, summary_path, write_summary  # noqa: E402


def reuse(site: Path, source: Path) -> tuple[int, int]:
    """Fill in the missing summaries and articles of ``site``; (written, already there)."""
    pool = sorted((source / "data" / "summaries").rglob("*.json"))
    summaries = [s for s in (read_summary(p) for p in pool) if s is not None and s.kind == "extract"]
    if not summaries:
        raise SystemExit(f"no stored extract summaries under {source}/data/summaries")
    data, content = site / "data", site / "content"
    written = kept = 0
    for n, record in enumerate(sorted(Store(data).iter_records(), key=lambda r: r.id)):
        if summary_path(data, record).is_file():
            kept += 1
            continue
        stored = replace(summaries[n % len(summaries)], id=record.id, source_hash=record.source_hash())
        stored.read_from = ""  # else the source's own JSON (its id and hash) would be written
        write_summary(data, record, stored)
        write_article(content, record, render_article(record, stored))
        written += 1
    return written, kept


def copy_last(source: Path, site: Path, last: int) -> int:
    """Hard-link the newest ``last`` releases' files of ``source`` into ``site``; how many releases."""
    records = sorted((source / "data" / "releases").rglob("*.json"), key=lambda p: p.stem)[-last:]
    for path in records:
        month = path.relative_to(source / "data" / "releases").parent
        for folder, name in (
            ("data/releases", f"{path.stem}.json"),
            ("data/summaries", f"{path.stem}.json"),
            ("content/releases", f"{path.stem}.md"),
        ):
            target = site / folder / month / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.hardlink_to(source / folder / month / name)
    return len(records)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, required=True, help="a growth.py site copy holding data/")
    parser.add_argument("--source", type=Path, required=True, help="a site whose releases were summarised")
    parser.add_argument("--copy-last", type=int, help="copy the newest N releases of --source into --site")
    args = parser.parse_args(argv)
    began = time.monotonic()
    if args.copy_last:
        if args.site.exists():
            parser.error(f"{args.site} exists")
        copied = copy_last(args.source, args.site, args.copy_last)
        print(
            f"{copied:,} releases of {args.source} linked into {args.site} in {time.monotonic() - began:.0f} s"
        )
        return 0
    written, kept = reuse(args.site, args.source)
    print(
        f"{written:,} summaries and articles written from {args.source}, {kept:,} kept, in "
        f"{time.monotonic() - began:.0f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
