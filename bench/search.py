"""Benchmark: our Korean search index against Pagefind on the same releases, in headless Chromium.

    python bench/search.py [--synthetic 10000] [--work /tmp/search-bench] [--limit-queries N]

The site: the real corpus documents (../shared/corpus, text extracted with briefing.extract, titles
in bench/queries/corpus_releases.json) plus N synthetic releases (briefing.testing.synthetic). Each release
gets one simple HTML page (title, ministry, date, summary, full text) — the same text our index
gets — and Pagefind (the PyPI package's binary) indexes those pages. A full Pelican build of 10,000
releases is not needed to compare the two indexes, so it is not done here.

Both engines run in the same Chromium over a local HTTP server; each query starts in a fresh
browser context (cold cache), and the bytes of every index file fetched (result metadata
included, code excluded) are counted. Queries: bench/queries/queries.json.
"""

from __future__ import annotations

import argparse
import functools
import json
import shutil
import statistics
import subprocess
import sys
import threading
import time
from html import escape
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from briefing.categories import guess_category  # noqa: E402
from briefing.search.client_index import SearchDocument, build_client_index  # noqa: E402
from briefing.testing.synthetic import generate_records  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
QUERIES = ROOT / "bench" / "queries"
NEW_RELEASES = 20


# --- documents ------------------------------------------------------------------------------------


def corpus_documents(work: Path) -> list[SearchDocument]:
    """The real corpus documents as releases (extracted once, cached in the work folder)."""
    cache = work / "corpus-text.json"
    if cache.exists():
        texts = json.loads(cache.read_text(encoding="utf-8"))
    else:
        from briefing.extract import extract_document

        snippets = json.loads((CORPUS / "snippets.json").read_text(encoding="utf-8"))
        by_stem = {}
        for path, info in sorted(snippets.items()):
            if info.get("expect") == "text" and not path.startswith("edge/"):
                by_stem.setdefault(Path(path).stem, path)
        texts = {}
        for stem, path in by_stem.items():
            texts[stem] = extract_document((CORPUS / path).read_bytes(), name=path).text
        cache.write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
    docs = []
    for item in json.loads((QUERIES / "corpus_releases.json").read_text(encoding="utf-8")):
        text = " ".join(texts[item["stem"]].split())
        docs.append(
            SearchDocument(
                id=f"c-{item['stem']}",
                title=item["title"],
                date=f"{item['date']}T09:00:00+09:00",
                url=f"r/c-{item['stem']}/",
                category=item["category"],
                ministry=item["ministry"],
                summary=text[:300],
                original=text,
            )
        )
    return docs


def synthetic_documents(n: int) -> list[SearchDocument]:
    docs = []
    for record in generate_records(n):
        original = "\n".join([record.body_text, *(a.text for a in record.attachments)])
        lead = " ".join(record.body_text.split())[:300]
        docs.append(
            SearchDocument(
                id=record.id,
                title=record.title,
                date=record.published,
                url=f"r/{record.id}/",
                category=guess_category(record.title + " " + record.body_text).name,
                ministry=record.ministry,
                summary=lead,
                original=original,
            )
        )
    return docs


def write_pages(site: Path, docs: list[SearchDocument]) -> None:
    """One plain HTML page per release: what Pagefind indexes (the same text as ours)."""
    for doc in docs:
        page = site / doc.url / "index.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(
            '<!doctype html><html lang="ko"><head><meta charset="utf-8">'
            f"<title>{escape(doc.title)}</title></head><body><main data-pagefind-body>"
            f"<h1>{escape(doc.title)}</h1><p>{escape(doc.ministry)} · {escape(doc.date[:10])} · "
            f"{escape(doc.category)}</p><p>{escape(doc.summary)}</p>"
            f"<div>{escape(doc.original[:20_000])}</div></main></body></html>",
            encoding="utf-8",
        )


def folder_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


# --- engines ----------------------------------------------------------------------------------------


def run_pagefind(site: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "pagefind", "--site", str(site), "--glob", "r/**/*.html", "--quiet"],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - started


OURS_JS = """async (q) => {
  const index = new BriefingSearch.SearchIndex(location.origin + "/search/");
  let t0 = performance.now();
  const found = await index.search(q, {limit: 10});
  const cold = performance.now() - t0;
  t0 = performance.now();
  await index.search(q, {limit: 10});
  return {ids: found.results.map(r => r.doc.id), cold, warm: performance.now() - t0};
}"""

PAGEFIND_JS = """async (q) => {
  let t0 = performance.now();
  const pagefind = await import("/pagefind/pagefind.js");
  await pagefind.init();
  let found = await pagefind.search(q);
  let data = await Promise.all(found.results.slice(0, 10).map(r => r.data()));
  const cold = performance.now() - t0;
  t0 = performance.now();
  found = await pagefind.search(q);
  await Promise.all(found.results.slice(0, 10).map(r => r.data()));
  return {ids: data.map(d => d.url.split("/").filter(Boolean).pop()), cold, warm: performance.now() - t0};
}"""


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def run_queries(site: Path, queries: list[str]) -> dict[str, list[dict]]:
    """Each query on each engine in a fresh Chromium context; returns per-engine result rows."""
    from playwright.sync_api import sync_playwright

    from briefing.testing.browser import CHROMIUM_FLAGS, chromium_path

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    out: dict[str, list[dict]] = {"ours": [], "pagefind": []}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
            for engine, script in (("ours", OURS_JS), ("pagefind", PAGEFIND_JS)):
                for q in queries:
                    context = browser.new_context()
                    page = context.new_page()
                    page.goto(f"{base}/bench-{engine}.html")
                    responses: list = []
                    page.on("response", lambda r, keep=responses: keep.append(r))
                    row = page.evaluate(script, q)
                    fetched = [(r.url, len(r.body())) for r in responses]
                    code = sum(n for url, n in fetched if url.endswith(".js") or "/wasm." in url)
                    row["bytes"] = sum(n for _, n in fetched) - code
                    row["code_bytes"] = code
                    row["q"] = q
                    out[engine].append(row)
                    context.close()
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return out


def prepare_bench_pages(site: Path) -> None:
    js = site / "theme" / "js"
    js.mkdir(parents=True, exist_ok=True)
    for name in ("search.js", "search-terms.js"):
        shutil.copy(ROOT / "theme" / "static" / "js" / name, js / name)
    (site / "bench-ours.html").write_text(
        '<!doctype html><html lang="ko"><head><meta charset="utf-8">'
        '<script src="/theme/js/search-terms.js"></script><script src="/theme/js/search.js"></script>'
        "</head><body></body></html>",
        encoding="utf-8",
    )
    (site / "bench-pagefind.html").write_text(
        '<!doctype html><html lang="ko"><head><meta charset="utf-8"></head><body></body></html>',
        encoding="utf-8",
    )


# --- scoring ---------------------------------------------------------------------------------------


def relevant_ids(query: dict, docs: list[SearchDocument]) -> set[str]:
    if "relevant" in query:
        return set(query["relevant"])
    phrase = query["relevant_title"]
    return {doc.id for doc in docs if phrase in doc.title}


def score(rows: list[dict], truth: list[set[str]]) -> dict[str, float]:
    recalls, rrs = [], []
    for row, relevant in zip(rows, truth, strict=True):
        top = row["ids"][:10]
        recalls.append(len(relevant & set(top)) / min(10, len(relevant)))
        rank = next((i + 1 for i, doc in enumerate(top) if doc in relevant), None)
        rrs.append(1 / rank if rank else 0.0)
    return {"recall": statistics.mean(recalls), "mrr": statistics.mean(rrs), "per_query": recalls}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--synthetic", type=int, default=10_000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/briefing-search-bench"))
    parser.add_argument("--limit-queries", type=int, default=0)
    args = parser.parse_args()

    work: Path = args.work
    site = work / "site"
    if site.exists():
        shutil.rmtree(site)
    (work / "cache").mkdir(parents=True, exist_ok=True)
    shutil.rmtree(work / "cache", ignore_errors=True)
    site.mkdir(parents=True)

    spec = json.loads((QUERIES / "queries.json").read_text(encoding="utf-8"))["queries"]
    if args.limit_queries:
        spec = spec[: args.limit_queries]
    corpus = corpus_documents(work) if (CORPUS / "snippets.json").is_file() else []
    everything = synthetic_documents(args.synthetic + NEW_RELEASES)
    base_docs = corpus + everything[: args.synthetic]
    all_docs = corpus + everything
    print(f"site: {len(corpus)} corpus releases + {args.synthetic:,} synthetic (+{NEW_RELEASES} new)")
    chars = sum(len(" ".join(d.fields())) for d in base_docs)
    print(f"text: {chars:,} characters")

    # ours: full build (cold analysis cache), then the same site plus 20 new releases
    full = build_client_index(base_docs, site / "search", work / "cache")
    print(full.line())
    incremental = build_client_index(all_docs, site / "search", work / "cache")
    print(incremental.line())
    ours_size = folder_bytes(site / "search")

    # pagefind: full build over the pages, then again with the 20 new pages (it has no incremental mode)
    write_pages(site, base_docs)
    pf_full = run_pagefind(site)
    write_pages(site, all_docs[len(base_docs) :])
    pf_incremental = run_pagefind(site)
    pf_size = folder_bytes(site / "pagefind")
    print(f"pagefind: {pf_full:.1f} s full, {pf_incremental:.1f} s with {NEW_RELEASES} new pages")

    prepare_bench_pages(site)
    rows = run_queries(site, [q["q"] for q in spec])
    truth = [relevant_ids(q, all_docs) for q in spec]
    results = {engine: score(rows[engine], truth) for engine in rows}

    # Our scripts load with the page (before the first query); Pagefind fetches its code on first use.
    ours_code = sum(
        (site / "theme" / "js" / name).stat().st_size for name in ("search.js", "search-terms.js")
    )

    def med(engine: str, key: str) -> float:
        return statistics.median(r[key] for r in rows[engine])

    table = [
        ("index size on disk", f"{ours_size / 1e6:.1f} MB", f"{pf_size / 1e6:.1f} MB"),
        (
            "first query, cold: bytes",
            f"{rows['ours'][0]['bytes'] / 1e3:.0f} KB",
            f"{rows['pagefind'][0]['bytes'] / 1e3:.0f} KB",
        ),
        (
            "median bytes per query (cold)",
            f"{med('ours', 'bytes') / 1e3:.0f} KB",
            f"{med('pagefind', 'bytes') / 1e3:.0f} KB",
        ),
        (
            "max bytes per query (cold)",
            f"{max(r['bytes'] for r in rows['ours']) / 1e3:.0f} KB",
            f"{max(r['bytes'] for r in rows['pagefind']) / 1e3:.0f} KB",
        ),
        (
            "code (JS + wasm, once)",
            f"{ours_code / 1e3:.0f} KB",
            f"{rows['pagefind'][0]['code_bytes'] / 1e3:.0f} KB",
        ),
        ("recall@10", f"{results['ours']['recall']:.3f}", f"{results['pagefind']['recall']:.3f}"),
        ("MRR@10", f"{results['ours']['mrr']:.3f}", f"{results['pagefind']['mrr']:.3f}"),
        ("median query time, cold", f"{med('ours', 'cold'):.0f} ms", f"{med('pagefind', 'cold'):.0f} ms"),
        ("median query time, warm", f"{med('ours', 'warm'):.1f} ms", f"{med('pagefind', 'warm'):.1f} ms"),
        ("build, whole site", f"{full.seconds:.1f} s", f"{pf_full:.1f} s"),
        (f"build, +{NEW_RELEASES} releases", f"{incremental.seconds:.1f} s", f"{pf_incremental:.1f} s"),
    ]
    print()
    print(f"{len(spec)} queries, {len(all_docs):,} releases, Chromium (headless), cold cache per query")
    print(f"{'':34} {'ours':>14} {'pagefind':>14}")
    for name, a, b in table:
        print(f"{name:34} {a:>14} {b:>14}")
    print(
        f"analysis: {full.analysis.chars_per_second:,.0f} chars/s (kiwipiepy + rules, "
        f"{full.analysis.chars:,} chars); files rewritten by +{NEW_RELEASES}: "
        f"{incremental.files_written} of {incremental.files_written + incremental.files_kept}"
    )
    print()
    print("queries below recall 1.0 (ours / pagefind):")
    for q, a, b in zip(spec, results["ours"]["per_query"], results["pagefind"]["per_query"], strict=True):
        if a < 1 or b < 1:
            print(f"  {q['q']:28} {a:.2f} / {b:.2f}")
    (work / "results.json").write_text(
        json.dumps({"rows": rows, "table": table}, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
