"""Summarizer benchmark: source size, cost estimates, check speed and the cost of a no-op rerun.

    python bench/summarize.py [corpus_dir] [--records N]

1. Source tokens per release over the real corpus (twins in several formats grouped into one
   release, as the collector records them; de-duplicated and cut to the default budget), counted
   with litellm's tokenizer for gpt-4o-mini.
2. Estimated cost per 100 releases for three common models from litellm's local cost map: prompt =
   system prompt + source; completion = the tokens of the release's summary JSON (the offline
   extract's JSON, a fair stand-in for the size of a model's answer).
3. Faithfulness-check time per summary (source facts extracted once, then the summary checked).
4. No-op rerun over N synthetic records (default 1,000): first run writes LLM articles through the
   fake OpenAI-compatible server of briefing/testing/fakellm.py, the rerun must make zero calls (target < 2 s);
   the same for offline extracts. Works in a temporary folder; writes nothing else.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

from briefing.extract import ExtractError, extract_document  # noqa: E402
from briefing.faithfulness import SourceFacts, check  # noqa: E402
from briefing.records import Attachment, ReleaseRecord  # noqa: E402
from briefing.settings import Settings  # noqa: E402
from briefing.store import Store  # noqa: E402
from briefing.summarize import run_summarize  # noqa: E402
from briefing.summarize.offline import extract_summary  # noqa: E402
from briefing.summarize.prompt import SYSTEM  # noqa: E402
from briefing.summarize.source import build_source  # noqa: E402
from briefing.testing.synthetic import generate_records  # noqa: E402

MODELS = ("gpt-4o-mini", "gemini/gemini-2.5-flash", "claude-haiku-4-5")
TOKENIZER_MODEL = "gpt-4o-mini"


def corpus_releases(corpus: Path) -> list[ReleaseRecord]:
    """One record per document of the corpus that must yield text; formats of a twin grouped."""
    snippets = json.loads((corpus / "snippets.json").read_text(encoding="utf-8"))
    groups: dict[str, list[str]] = {}
    for path, info in sorted(snippets.items()):
        if info.get("expect") != "text" or path.startswith("edge/"):
            continue
        groups.setdefault(Path(path).stem, []).append(path)
    records = []
    for stem, paths in groups.items():
        attachments = []
        for path in paths:
            try:
                text = extract_document((corpus / path).read_bytes(), name=path).text
                error = None
            except ExtractError as exc:
                text, error = "", str(exc)
            attachments.append(
                Attachment(
                    name=Path(path).name, url=f"https://example.invalid/{path}", text=text, error=error
                )
            )
        records.append(
            ReleaseRecord(
                id=stem,
                url=f"https://example.invalid/{stem}",
                title=stem,
                published="2025-01-01T09:00:00+09:00",
                attachments=attachments,
            )
        )
    return records


def table(rows: list[tuple[str, str]]) -> str:
    width = max(len(k) for k, _ in rows)
    return "\n".join(f"  {k.ljust(width)}  {v}" for k, v in rows)


def bench_corpus(corpus: Path) -> list[tuple[str, str]]:
    import litellm

    records = corpus_releases(corpus)
    settings = Settings()
    system_tokens = litellm.token_counter(model=TOKENIZER_MODEL, text=SYSTEM)
    source_tokens, answer_tokens, check_ms, facts_ms, raw_chars, kept_chars = [], [], [], [], [], []
    for record in records:
        source = build_source(record, settings.source_budget_chars)
        raw_chars.append(sum(len(a.text) for a in record.attachments))
        kept_chars.append(len(source.text))
        source_tokens.append(litellm.token_counter(model=TOKENIZER_MODEL, text=source.text))
        summary = extract_summary(record, source)
        answer = json.dumps(summary.model_dump(), ensure_ascii=False)
        answer_tokens.append(litellm.token_counter(model=TOKENIZER_MODEL, text=answer))
        t = time.perf_counter()
        facts = SourceFacts.of(source.full_text)
        facts_ms.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        for _ in range(20):
            check(summary, facts)
        check_ms.append((time.perf_counter() - t) * 1000 / 20)
    prompt = statistics.mean(source_tokens) + system_tokens + 60  # + the user message's wrapper
    completion = statistics.mean(answer_tokens)
    rows = [
        (
            "corpus releases (twins grouped)",
            f"{len(records)} from {sum(len(r.attachments) for r in records)} files",
        ),
        ("attachment chars per release", f"mean {statistics.mean(raw_chars):,.0f}, max {max(raw_chars):,}"),
        (
            "source chars sent (deduped, cut)",
            f"mean {statistics.mean(kept_chars):,.0f}, max {max(kept_chars):,}",
        ),
        (
            "source tokens per release",
            f"mean {statistics.mean(source_tokens):,.0f}, median {statistics.median(source_tokens):,.0f}, "
            f"max {max(source_tokens):,}  ({TOKENIZER_MODEL} tokenizer)",
        ),
        ("prompt tokens (system + source)", f"mean {prompt:,.0f}; answer tokens mean {completion:,.0f}"),
    ]
    for model in MODELS:
        p, c = litellm.cost_per_token(
            model=model, prompt_tokens=int(prompt), completion_tokens=int(completion)
        )
        rows.append((f"cost per 100 releases: {model}", f"${(p + c) * 100:.3f}"))
    rows.append(
        ("source facts extraction", f"mean {statistics.mean(facts_ms):.2f} ms, max {max(facts_ms):.2f} ms")
    )
    rows.append(
        (
            "faithfulness check per summary",
            f"mean {statistics.mean(check_ms):.3f} ms, max {max(check_ms):.3f} ms",
        )
    )
    return rows


def bench_rerun(n: int) -> list[tuple[str, str]]:
    from briefing.testing.fakellm import FakeLLM, json_reply
    from briefing.testing.summaries import valid_summary

    rows = []
    records = generate_records(n)
    os.environ.setdefault("OPENAI_API_KEY", "sk-bench-dummy")
    with tempfile.TemporaryDirectory() as tmp, FakeLLM() as fake:
        base = Path(tmp)
        store = Store(base / "data")
        for record in records:
            store.save(record)
        fake.default = json_reply(valid_summary(), prompt_tokens=10, completion_tokens=10)
        online = Settings().with_values(
            {
                "data_dir": base / "data",
                "content_dir": base / "content",
                "llm_model": "openai/gpt-4o-mini",
                "llm_api_base": fake.api_base,
                "llm_max_releases": n,
                "llm_max_parallel": 8,
                "unsupported_policy": "flag",
            }
        )
        t = time.perf_counter()
        first = run_summarize(online)
        rows.append(
            (
                f"first run, {n} LLM summaries (fake server)",
                f"{time.perf_counter() - t:.1f} s, {fake.calls} calls ({len(first.flagged)} flagged: "
                "the canned answer is about another release, so each is retried once; "
                "the rest are the one second look at claims the rules left undecided)",
            )
        )
        calls = fake.calls
        best = min(_timed(run_summarize, online) for _ in range(3))
        again = run_summarize(online)
        rows.append(
            (
                f"no-op rerun over {n} records (LLM articles)",
                f"{best:.2f} s, {fake.calls - calls} calls, {again.written} files written (target < 2 s, 0 calls)",
            )
        )
        assert len(first.made) + len(first.flagged) == n

        offline = online.with_values({"llm_model": "", "content_dir": base / "content-offline"})
        t = time.perf_counter()
        run_summarize(offline)
        rows.append((f"first run, {n} offline extracts", f"{time.perf_counter() - t:.1f} s"))
        best = min(_timed(run_summarize, offline) for _ in range(3))
        rows.append((f"no-op rerun over {n} records (extracts)", f"{best:.2f} s"))
    return rows


def _timed(fn, *args) -> float:
    t = time.perf_counter()
    fn(*args)
    return time.perf_counter() - t


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--records", type=int, default=1000)
    args = parser.parse_args()
    import logging

    logging.basicConfig(level=logging.ERROR)
    rows = []
    if (args.corpus / "snippets.json").is_file():
        rows += bench_corpus(args.corpus)
    else:
        print(f"(corpus not found at {args.corpus}: source and cost figures skipped)")
    rows += bench_rerun(args.records)
    print("bench/summarize.py")
    print(table(rows))


if __name__ == "__main__":
    main()
