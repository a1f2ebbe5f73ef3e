"""Figures of one publish run (new releases, summaries, flagged, failures, tokens, cost).

``briefing report --begin`` notes what is on disk when a run starts (release ids and the time) in a
file outside the committed folders; ``briefing report`` afterwards compares the records and
articles with that note and prints the figures — as Markdown for ``$GITHUB_STEP_SUMMARY``. The
figures come from the files themselves, so they hold whichever steps ran or failed.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from briefing.article.markdown import read_meta
from briefing.settings import Settings
from briefing.store import Store, StoreError, scan_months, write_atomic

DEFAULT_NOTE = Path("cache") / "run-start.json"


@dataclass
class RunFigures:
    started_at: float
    seconds: float
    records_total: int = 0
    articles_total: int = 0
    new_releases: int = 0
    updated_releases: int = 0
    failed_steps: int = 0  # records touched this run that still have a failed step
    failures: list[str] = field(default_factory=list)  # "<id>: <step> <reason>", first few
    summaries: int = 0
    summaries_llm: int = 0
    summaries_extract: int = 0
    flagged: int = 0
    not_published: int = 0  # touched records without an article (held, failed or waiting)
    left_for_next_run: int = 0  # releases, steps and summaries a time budget or a cap left for later
    tokens: int = 0
    cost: float = 0.0

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=1, sort_keys=True)


def begin_run(settings: Settings, note: Path = DEFAULT_NOTE) -> None:
    """Note the release ids on disk and the time, before a run collects anything."""
    stems, _ = scan_months(Store(settings.data_dir).releases_dir, ".json", float("inf"))
    ids = sorted(stems)
    write_atomic(note, json.dumps({"started_at": time.time(), "ids": ids}) + "\n")


def run_figures(settings: Settings, note: Path = DEFAULT_NOTE) -> RunFigures:
    """Compare the records and articles on disk with the note :func:`begin_run` wrote."""
    try:
        start = json.loads(note.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        start = {"started_at": 0.0, "ids": []}  # no note: everything counts as this run's
    started = float(start.get("started_at", 0.0))
    before = set(start.get("ids", []))
    figures = RunFigures(started_at=started, seconds=round(time.time() - started, 1) if started else 0.0)

    store = Store(settings.data_dir)
    touched: set[str] = set()
    stems, recent = scan_months(store.releases_dir, ".json", started)
    figures.records_total = len(stems)
    for path in recent:
        try:
            record = store.read(path)
        except StoreError as exc:
            figures.failures.append(str(exc))
            continue
        touched.add(record.id)
        if path.stem in before:
            figures.updated_releases += 1
        else:
            figures.new_releases += 1
        figures.left_for_next_run += any(s.state == "pending" for s in record.status.values())
        failed = [(name, s.reason or "") for name, s in sorted(record.status.items()) if s.state == "failed"]
        if failed:
            figures.failed_steps += 1
            figures.failures.append(f"{record.id}: " + "; ".join(f"{n} {r}".strip() for n, r in failed))

    names, recent = scan_months(Path(settings.content_dir) / "releases", ".md", started)
    figures.articles_total = len(names)
    with_article = set(names)
    for path in recent:
        meta = read_meta(path)
        figures.summaries += 1
        kind = meta.get("summary_kind", "")
        figures.summaries_llm += kind == "llm"
        figures.summaries_extract += kind == "extract"
        figures.flagged += meta.get("faithfulness", "ok").startswith("flagged")
        figures.tokens += _number(meta.get("tokens"), int)
        figures.cost += _number(meta.get("cost"), float)
    figures.not_published = len(touched - with_article)
    figures.left_for_next_run += _left_by_runs(store, started)
    figures.cost = round(figures.cost, 6)
    return figures


def _left_by_runs(store: Store, started: float) -> int:
    """Listings the collect run and summaries the summarize run left for later, when they ran after
    ``started`` (their state files say how many: the time budget, the per-run caps)."""
    left = 0
    collect = store.read_state("collect")
    if _after(collect.get("last_run"), started):
        left += int(collect.get("left_for_next_run") or 0)
    summarize = store.read_state("summarize").get("last_run") or {}
    if isinstance(summarize, dict) and _after(summarize.get("at"), started):
        left += int(summarize.get("deferred") or 0)
    return left


def _after(stamp: object, started: float) -> bool:
    try:
        return datetime.fromisoformat(str(stamp)).timestamp() >= started - 1  # stamps are whole seconds
    except ValueError:
        return False


def _number(text: str | None, kind: type) -> int | float:
    try:
        return kind(str(text).replace(",", "").lstrip("$")) if text else kind(0)
    except ValueError:
        return kind(0)


def render_markdown(figures: RunFigures, max_failures: int = 20) -> str:
    """A short Markdown report for the Actions job summary."""
    rows = [
        ("새 보도자료 (new releases)", f"{figures.new_releases:,}"),
        ("갱신된 보도자료 (updated)", f"{figures.updated_releases:,}"),
        ("요약 작성 (summaries written)", f"{figures.summaries:,}"),
        ("— LLM 요약", f"{figures.summaries_llm:,}"),
        ("— 자동 발췌 (offline extract)", f"{figures.summaries_extract:,}"),
        ("원문 확인 필요 표시 (flagged)", f"{figures.flagged:,}"),
        ("게시 보류·대기 (held or waiting)", f"{figures.not_published:,}"),
        ("다음 실행으로 미룸 (left for the next run: time budget, caps)", f"{figures.left_for_next_run:,}"),
        ("실패한 단계가 있는 보도자료 (failures)", f"{figures.failed_steps:,}"),
        ("토큰 (tokens)", f"{figures.tokens:,}"),
        ("비용 (cost, USD)", f"${figures.cost:.4f}"),
        ("전체 기록 / 기사 (records / articles)", f"{figures.records_total:,} / {figures.articles_total:,}"),
        ("소요 시간 (seconds)", f"{figures.seconds:,.0f}"),
    ]
    lines = ["## briefing 게시 실행 결과", "", "| 항목 | 값 |", "| --- | ---: |"]
    lines += [f"| {name} | {value} |" for name, value in rows]
    if figures.failures:
        lines += ["", "### 실패 (다음 실행에서 다시 시도)", ""]
        for item in figures.failures[:max_failures]:
            lines.append("- " + item.replace("|", "\\|").replace("<", "&lt;").replace("\n", " ")[:300])
        if len(figures.failures) > max_failures:
            lines.append(f"- … 외 {len(figures.failures) - max_failures}건")
    return "\n".join(lines) + "\n"
