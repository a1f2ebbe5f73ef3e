"""Measure the faithfulness check on ../shared/faithfulness/cases.json (see its README).

Prints claims checked, false flags on the faithful summaries (count, % of their claims, summaries
flagged), fabrications caught per kind and overall (value-introducing kinds and meaning kinds apart),
and the time per check (median, p95). ``--verbose`` lists every false flag and every miss.
``--hold-out KEY,KEY`` reports those documents separately (to see that tuning generalises).

    PYTHONPATH=$PWD .venv/bin/python bench/faithfulness.py
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from briefing.extract import extract_document  # noqa: E402
from briefing.faithfulness import SourceFacts, check  # noqa: E402
from briefing.summarize.schema import Summary  # noqa: E402

CASES = ROOT.parent / "shared" / "faithfulness"
CORPUS = ROOT.parent / "shared" / "corpus"
TEXT = ("headline", "key_summary", "background", "details", "effects", "next_steps")
VALUE_KINDS = (
    "wrong_amount",
    "wrong_unit",
    "wrong_date",
    "swapped_year",
    "fake_quote",
    "fake_org",
    "fake_person",
)
MEANING_KINDS = ("wrong_subject", "negation_flip", "wrong_rank")


def fabricated(summary: dict, old: str, new: str) -> dict:
    edited = dict(summary)
    for name in TEXT:
        edited[name] = summary[name].replace(old, new)
    for name in ("main_points", "ministries"):
        edited[name] = [item.replace(old, new) for item in summary[name]]
    return edited


def evaluate(cases_dir: Path = CASES, corpus: Path = CORPUS, only: set[str] | None = None) -> dict:
    """Run the evaluation; returns the figures (also used by the test that asserts the targets)."""
    cases = json.loads((cases_dir / "cases.json").read_text(encoding="utf-8"))
    figures: dict = {
        "claims": 0,
        "faithful_claims": 0,
        "false_flags": 0,
        "flagged_summaries": 0,
        "summaries": 0,
        "caught": Counter(),
        "total": Counter(),
        "times": [],
        "cpu": [],
        "false": [],
        "missed": [],
    }
    for doc in cases["documents"]:
        if only is not None and doc["key"] not in only:
            continue
        path = corpus / doc["file"]
        source = extract_document(path.read_bytes(), name=str(path)).text
        facts = SourceFacts(source)  # release date inferred from the text, as an outside caller would
        t, c = time.perf_counter(), time.process_time()
        base = check(Summary(**doc["summary"]), facts)
        figures["times"].append(time.perf_counter() - t)
        figures["cpu"].append(time.process_time() - c)
        figures["summaries"] += 1
        figures["claims"] += base.checked
        figures["faithful_claims"] += base.checked
        figures["false_flags"] += len(base.unsupported)
        figures["flagged_summaries"] += bool(base.unsupported)
        figures["undecided"] = figures.get("undecided", 0) + sum(
            c.verdict == "undecided" for c in base.claims
        )
        figures["false"] += [
            (doc["key"], c.text, c.reason) for c in base.claims if c.text in base.unsupported
        ]
        for fab in doc["fabrications"]:
            summary = Summary(**fabricated(doc["summary"], fab["old"], fab["new"]))
            t, c = time.perf_counter(), time.process_time()
            result = check(summary, facts)
            figures["times"].append(time.perf_counter() - t)
            figures["cpu"].append(time.process_time() - c)
            figures["claims"] += result.checked
            caught = any(claim not in base.unsupported for claim in result.unsupported)
            figures["total"][fab["kind"]] += 1
            figures["caught"][fab["kind"]] += caught
            if not caught:
                figures["missed"].append((doc["key"], fab["kind"], fab["old"], fab["new"]))
    return figures


def copied(corpus: Path = CORPUS, per_doc: int = 12) -> dict:
    """False flags on sentences copied word for word from every corpus document (most of them not in
    cases.json): a check that generalises flags none of them."""
    from briefing.faithfulness import split_passages

    out: dict = {"documents": 0, "claims": 0, "flags": [], "times": []}
    for path in sorted(corpus.rglob("*")):
        if path.suffix.lower() not in (".hwp", ".hwpx", ".pdf"):
            continue
        try:
            source = extract_document(path.read_bytes(), name=str(path)).text
        except Exception:  # a document the extractor refuses is no test of the check
            continue
        sentences = [p.text for p in split_passages(source) if p.kind == "sentence" and len(p.text) >= 25]
        if not sentences:
            continue
        step = max(1, len(sentences) // per_doc)
        summary = "\n".join(sentences[::step][:per_doc])
        facts = SourceFacts(source)
        t = time.perf_counter()
        result = check(summary, facts)
        out["times"].append(time.perf_counter() - t)
        out["documents"] += 1
        out["claims"] += result.checked
        reasons = {c.text: c.reason for c in result.claims if c.verdict in ("contradicted", "not_found")}
        out["flags"] += [(path.name, text, reasons.get(text, "")) for text in result.unsupported]
    return out


def synthetic(count: int = 300) -> dict:
    """False flags on the offline extract (copied sentences) of synthetic releases written in the
    forms of real ones (briefing/testing/synthetic.py)."""
    from briefing.summarize.offline import extract_summary
    from briefing.summarize.source import build_source
    from briefing.testing.synthetic import generate_records

    out: dict = {"summaries": 0, "claims": 0, "flags": []}
    for record in generate_records(count, seed=11):
        source = build_source(record, 6000)
        if not source.text:
            continue
        result = check(extract_summary(record, source), source.full_text)
        out["summaries"] += 1
        out["claims"] += result.checked
        out["flags"] += [(record.id, text) for text in result.unsupported]
    return out


HELD_OUT = Path(__file__).with_name("faithfulness_heldout.json")


def held_out(corpus: Path = CORPUS) -> dict:
    """The hand-written held-out set (bench/faithfulness_heldout.json): false flags and catches on
    releases the rules were not tuned on."""
    from briefing.categories import CATEGORIES

    data = json.loads(HELD_OUT.read_text(encoding="utf-8"))
    out: dict = {"claims": 0, "false": [], "caught": 0, "total": 0, "missed": []}
    for doc in data["documents"]:
        path = corpus / doc["file"]
        facts = SourceFacts(extract_document(path.read_bytes(), name=str(path)).text)
        summary = {**doc["summary"], "category": CATEGORIES[0].name}
        base = check(Summary(**summary), facts)
        out["claims"] += base.checked
        out["false"] += [(doc["file"], text) for text in base.unsupported]
        for fab in doc["fabrications"]:
            result = check(Summary(**fabricated(summary, fab["old"], fab["new"])), facts)
            caught = any(claim not in base.unsupported for claim in result.unsupported)
            out["total"] += 1
            out["caught"] += caught
            if not caught:
                out["missed"].append((doc["file"], fab["old"], fab["new"]))
    return out


def _pct(a: int, b: int) -> str:
    return f"{100 * a / b:.1f} %" if b else "-"


def report(f: dict, verbose: bool) -> None:
    times = sorted(f["times"])
    print(f"summaries checked:          {len(times)} ({f['summaries']} faithful)")
    print(f"claims checked:             {f['claims']} ({f['faithful_claims']} in faithful summaries)")
    print(
        f"false flags:                {f['false_flags']} = {_pct(f['false_flags'], f['faithful_claims'])} of faithful"
        f" claims; {f['flagged_summaries']} of {f['summaries']} faithful summaries flagged"
    )
    print(f"undecided (left to a model):  {f.get('undecided', 0)} claims of the faithful summaries")
    for group, kinds in (
        ("value-introducing", VALUE_KINDS),
        ("meaning (subject/negation/rank)", MEANING_KINDS),
    ):
        c = sum(f["caught"][k] for k in kinds)
        t = sum(f["total"][k] for k in kinds)
        print(f"caught, {group + ':':32} {c}/{t} = {_pct(c, t)}")
        for k in kinds:
            print(f"    {k:16} {f['caught'][k]:3}/{f['total'][k]:<3} {_pct(f['caught'][k], f['total'][k])}")
    c, t = sum(f["caught"].values()), sum(f["total"].values())
    print(f"caught, overall:                  {c}/{t} = {_pct(c, t)}")
    if times:
        p95 = times[min(len(times) - 1, int(0.95 * len(times)))]
        cpu = sorted(f["cpu"])
        cpu95 = cpu[min(len(cpu) - 1, int(0.95 * len(cpu)))]
        print(
            f"time per check (wall):      median {1000 * statistics.median(times):.1f} ms, p95 {1000 * p95:.1f} ms"
        )
        print(
            f"time per check (CPU):       median {1000 * statistics.median(cpu):.1f} ms, p95 {1000 * cpu95:.1f} ms"
        )
    if verbose:
        for key, text, reason in f["false"]:
            print(f"FALSE {key}: {text!r} ({reason})")
        for key, kind, old, new in f["missed"]:
            print(f"MISS  {key} {kind}: {old!r} → {new!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", "-v", action="store_true")
    parser.add_argument("--hold-out", default="", help="comma-separated document keys to report apart")
    args = parser.parse_args()
    if not (CASES / "cases.json").exists():
        sys.exit(f"{CASES / 'cases.json'} not found")
    held = {k for k in args.hold_out.split(",") if k}
    if held:
        keys = {d["key"] for d in json.loads((CASES / "cases.json").read_text(encoding="utf-8"))["documents"]}
        print("== tuned documents")
        report(evaluate(only=keys - held), args.verbose)
        print("== held-out documents")
        report(evaluate(only=held), args.verbose)
        return
    report(evaluate(), args.verbose)
    if CORPUS.exists():
        c = copied()
        _false_flags(f"copied sentences, {c['documents']} corpus documents", c, "COPY", args.verbose)
    if CORPUS.exists() and HELD_OUT.exists():
        h = held_out()
        print(
            f"held-out hand-written set:  {len(h['false'])} false flags on {h['claims']} claims,"
            f" {h['caught']}/{h['total']} = {_pct(h['caught'], h['total'])} fabrications caught"
        )
        if args.verbose:
            for name, text in h["false"]:
                print(f"HELD  false {name}: {text!r}")
            for name, old, new in h["missed"]:
                print(f"HELD  miss  {name}: {old!r} → {new!r}")
    y = synthetic()
    _false_flags(f"offline extracts of {y['summaries']} synthetic releases", y, "SYN", args.verbose)


def _false_flags(what: str, found: dict, tag: str, verbose: bool) -> None:
    """A set whose summaries only repeat their source, so every flag is false: how many, and with
    ``--verbose`` each one (``found["flags"]``: name, text[, reason])."""
    flags, claims = found["flags"], found["claims"]
    print(
        f"{what}: {len(flags)} flags on {claims} claims = {_pct(len(flags), claims)} (every flag here is false)"
    )
    if verbose:
        for name, text, *reason in flags:
            print(f"{tag:5} {name}: {text!r}" + "".join(f" ({r})" for r in reason))


if __name__ == "__main__":
    main()
