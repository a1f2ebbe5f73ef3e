"""Data growth: bytes per release in every place a release leaves a trace, projected to 1 and 5 years.

    python bench/growth.py [--sizes 200,800] [--per-year 25000] [--keep]

For each size N, N synthetic releases (``briefing.synthetic``) go through the real pipeline in a
copy of this repository: records saved by ``briefing.store`` → ``briefing summarize`` (offline) →
``briefing build --publish`` (what the workflow runs: theme + plugins, absolute URLs; pages,
compressed original texts, per-article JSON, search index; the chat index in ``build/``, not on
Pages). It measures

- bytes per release of records (``data/``), articles (``content/``), article pages, original
  texts (``<id>.original.html.gz``), per-article JSON, the search index, tag pages, the rest of
  ``output/`` (archives, digests, feeds) and the chat index, raw and zlib-compressed (git stores objects compressed; Pages counts raw bytes);
- summarize and build seconds, and a rebuild with nothing changed; a tar.gz of ``output/`` (what
  ``upload-pages-artifact`` makes) for the deploy side;

then fits bytes and seconds linearly between the two sizes and projects a year (25,000 releases:
~100 a weekday) and five. Synthetic releases carry less text than real ones: when
``../shared/corpus`` is present, the real text per release is measured (the attachments of one
release extracted, twins included, as records keep them) and each synthetic release's attachment
text is lengthened to that size with other synthetic paragraphs (``--text-scale``).
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import zlib
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from worktree import copy_tracked  # noqa: E402

from briefing.store import Store  # noqa: E402
from briefing.synthetic import generate_records  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
GB = 1024**3
PARTS = (
    "records",
    "articles",
    "pages",
    "original text",
    "article json",
    "search index",
    "tag pages",
    "other output",
    "chat index",
)
OFF_PAGES = ("records", "articles", "chat index")  # the repository, and build/chat-index/
SITE_URL = "https://someone.github.io/briefing"  # publish builds have absolute URLs


def part_of(rel: str) -> str:
    """Which part of the output a file belongs to."""
    if rel.startswith("search/") and not rel.endswith(".html"):
        return "search index"
    if rel.startswith("chat-index/"):
        return "chat index"
    if rel.startswith("tag/"):
        return "tag pages"
    if rel.startswith("releases/"):
        if rel.endswith(".original.html.gz"):
            return "original text"
        return "article json" if rel.endswith(".json") else "pages"
    return "other output"


def folder_sizes(root: Path, classify) -> tuple[dict[str, int], dict[str, int], dict[str, int]]:
    raw: dict[str, int] = defaultdict(int)
    packed: dict[str, int] = defaultdict(int)
    files: dict[str, int] = defaultdict(int)
    for path in root.rglob("*"):
        if path.is_file():
            part = classify(path.relative_to(root).as_posix())
            data = path.read_bytes()
            raw[part] += len(data)
            packed[part] += len(zlib.compress(data, 6))
            files[part] += 1
    return raw, packed, files


def run(command: list[str], cwd: Path, env: dict[str, str]) -> float:
    began = time.monotonic()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{(done.stdout + done.stderr)[-3000:]}")
    return time.monotonic() - began


def grown_records(n: int, text_scale: float) -> list:
    """``n`` synthetic records whose attachment text is about ``text_scale`` times longer.

    The extra text is the attachment text of *other* synthetic records (so it is varied Korean,
    compressing like real text rather than like a repetition), appended in whole paragraphs.
    """
    records = generate_records(n)
    if text_scale <= 1:
        return records
    pool = [a.text for r in generate_records(min(n, 500) + 7, seed=1) for a in r.attachments if a.text]
    for i, record in enumerate(records):
        if not record.attachments:
            continue
        own = len(record.body_text) + sum(len(a.text) for a in record.attachments)
        want = int(own * text_scale)
        extra: list[str] = []
        k = i
        while own + sum(len(t) for t in extra) < want:
            extra.append(pool[k % len(pool)])
            k += 7
        record.attachments[0].text += "\n" + "\n".join(extra)
    return records


def measure(n: int, work: Path, text_scale: float = 1.0) -> dict[str, float]:
    site = work / f"site-{n}"
    site.mkdir(parents=True)
    copy_tracked(site, skip=("data/", "content/releases/", "demo/"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BRIEFING_", "SITEURL"))}
    env |= {
        "PYTHONPATH": str(site),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
    }
    env |= {"LITELLM_LOCAL_MODEL_COST_MAP": "True", "SITEURL": SITE_URL}
    store = Store(site / "data")
    for record in grown_records(n, text_scale):
        store.save(record)
    figures: dict[str, float] = {"n": n}
    figures["summarize s"] = run(["briefing", "summarize"], site, env)
    # what the workflow runs: publishconf.py (absolute URLs, chat index in build/, not output/)
    figures["build s"] = run(["briefing", "build", "--publish"], site, env)
    figures["rebuild s"] = run(["briefing", "build", "--publish"], site, env)

    for folder, classify in (
        (site / "data", lambda rel: "records"),
        (site / "content" / "releases", lambda rel: "articles"),
        (site / "output", part_of),
        (site / "build" / "chat-index", lambda rel: "chat index"),
    ):
        if not folder.is_dir():
            continue
        raw, packed, files = folder_sizes(folder, classify)
        for part in raw:
            figures[f"{part} raw"] = raw[part]
            figures[f"{part} packed"] = packed[part]
            figures[f"{part} files"] = files[part]
    began = time.monotonic()
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        tar.add(site / "output", arcname=".")
    figures["artifact s"] = time.monotonic() - began
    figures["artifact bytes"] = len(buffer.getvalue())
    return figures


def real_text_ratio() -> float | None:
    """Extracted characters per real release (corpus twins grouped) over the synthetic ones."""
    if not CORPUS.is_dir():
        return None
    from briefing.extract import ExtractError, extract_document

    per_release: dict[str, int] = defaultdict(int)
    for folder in ("hwp", "hwpx", "pdf"):
        for path in sorted((CORPUS / folder).iterdir()):
            try:
                per_release[path.stem] += len(extract_document(path.read_bytes(), name=path.name).text)
            except ExtractError:
                continue
    synthetic = generate_records(200)
    synthetic_chars = sum(len(r.body_text) + sum(len(a.text) for a in r.attachments) for r in synthetic)
    real = sum(per_release.values()) / max(len(per_release), 1)
    print(f"real text per release (corpus, {len(per_release)} releases, twins included): {real:,.0f} chars")
    print(f"synthetic text per release: {synthetic_chars / len(synthetic):,.0f} chars")
    return real / (synthetic_chars / len(synthetic))


def linear(small: dict[str, float], large: dict[str, float], key: str, n: float) -> float:
    """Value of ``key`` at ``n`` on the line through the two measurements."""
    a, b = small.get(key, 0.0), large.get(key, 0.0)
    slope = max(0.0, (b - a) / (large["n"] - small["n"]))  # noise can make a flat cost look negative
    return b + slope * (n - large["n"])


def human(size: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if abs(size) < 1024 or unit == "GB":
            return f"{size:,.1f} {unit}" if unit != "B" else f"{size:,.0f} B"
        size /= 1024
    return f"{size:,.1f} GB"


def report(small: dict[str, float], large: dict[str, float], per_year: int) -> None:
    n = large["n"]
    print(f"\n## bytes per release (slope between {int(small['n'])} and {int(n)} releases)\n")
    print(
        f"| part | raw / release | zlib / release | files / release | 1 year ({per_year:,}) raw | 5 years raw |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    totals = defaultdict(float)
    for part in PARTS:
        per = (large.get(f"{part} raw", 0) - small.get(f"{part} raw", 0)) / (n - small["n"])
        packed = (large.get(f"{part} packed", 0) - small.get(f"{part} packed", 0)) / (n - small["n"])
        files = (large.get(f"{part} files", 0) - small.get(f"{part} files", 0)) / (n - small["n"])
        year, five = (
            linear(small, large, f"{part} raw", per_year),
            linear(small, large, f"{part} raw", 5 * per_year),
        )
        print(f"| {part} | {human(per)} | {human(packed)} | {files:.2f} | {human(year)} | {human(five)} |")
        repo = part in ("records", "articles")
        totals["repo raw 5y"] += five if repo else 0
        totals["repo packed 5y"] += linear(small, large, f"{part} packed", 5 * per_year) if repo else 0
        if part not in OFF_PAGES:
            totals["site per release"] += per
            totals["site raw 1y"] += year
            totals["site raw 5y"] += five
            totals["site files 5y"] += linear(small, large, f"{part} files", 5 * per_year)
    print("\n## five years\n")
    print(
        f"- repository (data/ + content/), git-compressed: {human(totals['repo packed 5y'])} "
        f"(raw {human(totals['repo raw 5y'])}); GitHub recommends < 1 GB"
    )
    print(
        f"- Pages site (output/): {human(totals['site per release'])} per release; 1 year "
        f"{human(totals['site raw 1y'])}, 5 years {human(totals['site raw 5y'])} "
        f"in {totals['site files 5y']:,.0f} files; Pages publishes at most 1 GB "
        f"(reached after ~{GB / max(totals['site per release'], 1):,.0f} releases)"
    )
    print("\n## time (2 cores here; linear fit, optimistic if a step grows faster than linearly)\n")
    for key in ("summarize s", "build s", "rebuild s", "artifact s"):
        one, five = linear(small, large, key, per_year), linear(small, large, key, 5 * per_year)
        print(
            f"- {key[:-2]}: {small[key]:.1f} s at {int(small['n'])}, {large[key]:.1f} s at {int(n)} → "
            f"~{one / 60:.1f} min at 1 year, ~{five / 60:.1f} min at 5 years"
        )
    art = linear(small, large, "artifact bytes", 5 * per_year)
    print(
        f"- Pages artifact (tar.gz of output/) at 5 years: {human(art)} — upload time depends on the runner's link"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="200,800", help="two sizes to measure (default 200,800)")
    parser.add_argument("--per-year", type=int, default=25_000, help="releases a year (default 25,000)")
    parser.add_argument(
        "--text-scale",
        default="auto",
        help="make synthetic text this many times longer; 'auto' = real text per release in ../shared/corpus "
        "over synthetic (1 when the corpus is absent)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args(argv)
    sizes = sorted(int(s) for s in args.sizes.split(","))
    if len(sizes) != 2 or sizes[0] >= sizes[1]:
        parser.error("--sizes takes two different sizes, e.g. 200,800")
    work = Path(tempfile.mkdtemp(prefix="briefing-growth-"))
    try:
        scale = (real_text_ratio() or 1.0) if args.text_scale == "auto" else float(args.text_scale)
        print(f"text scale: x {scale:.2f} (synthetic attachment text lengthened to real size)", flush=True)
        results = []
        for n in sizes:
            began = time.monotonic()
            results.append(measure(n, work, scale))
            print(f"measured {n} releases in {time.monotonic() - began:.0f} s", flush=True)
        report(results[0], results[1], args.per_year)
    finally:
        if args.keep:
            print(f"\nkept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
