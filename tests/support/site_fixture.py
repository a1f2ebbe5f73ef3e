"""One built site per test session, served over real HTTP with a strict CSP.

The site is built from synthetic releases (``briefing.testing.synthetic``), two hostile ones (script tags
and attribute breakers in titles and attachment names) and, when ``../shared/corpus`` is present,
releases collected by the real collector from the fake portal over the corpus documents.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest

from briefing.records import Attachment, ReleaseRecord
from briefing.testing.static_site import CSP, CSPHandler, serve_with_csp  # noqa: F401  (re-exported)
from briefing.testing.synthetic import generate_records, write_synthetic_articles
from tests.support.sitebuild import ROOT, build_site

CORPUS = ROOT.parent / "shared" / "corpus"

HOSTILE_TITLE = '<script>alert("t")</script> 예산 "><img src=x onerror=alert(1)> 발표'
HOSTILE_FILE = '"><img src=x onerror=alert(2)><script>alert(3)</script>.hwpx'
START = date(2026, 10, 1)
REPOSITORY = "https://github.com/example/briefing"  # where the site's corrections links point
SAMPLE_BANNER = "예시 화면 — 가상의 보도자료로 만든 사이트입니다"


@dataclass
class BuiltSite:
    output: Path
    base_url: str
    records: list[ReleaseRecord]
    hostile_ids: list[str]
    categories: dict[str, str]  # release id -> Category metadata the summariser chose

    def page(self, record: ReleaseRecord) -> Path:
        return self.output / "releases" / record.relpath.removesuffix(".json") / "index.html"


def hostile_records() -> list[ReleaseRecord]:
    """Releases whose title, ministry and attachment name try to inject markup."""
    day = START + timedelta(days=1)
    base = generate_records(1, seed=7, start=day)[0]
    first = ReleaseRecord(
        id="hostile-title",
        url="https://www.korea.kr/briefing/pressReleaseView.do?newsId=999000001",
        title=HOSTILE_TITLE,
        published=f"{day.isoformat()}T19:30:00+09:00",
        ministry="기획재정부",
        body_text=base.body_text + '\n\n본문에도 <script>alert("b")</script> 가 있다.',
        attachments=[
            Attachment(
                name=HOSTILE_FILE,
                url="https://www.korea.kr/common/download.do?fileId=9990000011&tblKey=GMN",
                type="hwpx",
                size=12345,
                sha256="0" * 64,
                text="첨부 본문 <img src=x onerror=alert(4)> 끝",
            )
        ],
    )
    second = ReleaseRecord(
        id="hostile-ministry",
        url="javascript:alert(5)",
        title="정상 제목 </script><script>alert(6)</script>",
        published=f"{day.isoformat()}T19:40:00+09:00",
        ministry='<b onmouseover="alert(7)">부처</b>',
        body_text=base.body_text,
    )
    return [first, second]


def collect_corpus_records(data_dir: Path, count: int = 3) -> list[ReleaseRecord]:
    """A few releases made of real corpus documents, collected by the real collector from the fake
    portal into ``data_dir`` (empty when ``../shared/corpus`` is absent)."""
    if not (CORPUS / "snippets.json").is_file():
        return []
    from briefing.collect import run_collect
    from briefing.store import Store
    from briefing.testing.fakeportal import FakePortal, corpus_releases

    day = START + timedelta(days=2)
    snippets = json.loads((CORPUS / "snippets.json").read_text(encoding="utf-8"))
    releases = [r for r in corpus_releases(CORPUS, snippets, day) if r.in_api][:count]
    with FakePortal(releases) as portal:
        report = run_collect(portal.settings(data_dir, feeds=[]), since=day, until=day)
    assert report.exit_code == 0, report.summary_line()
    return list(Store(data_dir).iter_records())


def store_flagged_summary(data_dir: Path, record: ReleaseRecord, sentence: str) -> None:
    """Store, as the summariser would after a model call, a summary of ``record`` whose key summary
    ends with ``sentence`` (a fabrication), checked by the real faithfulness check."""
    from briefing.faithfulness import check
    from briefing.summaries import read_summary, summary_path, write_summary
    from briefing.summarize.model import source_facts
    from briefing.summarize.prompt import PROMPT_VERSION

    stored = read_summary(summary_path(data_dir, record))
    assert stored is not None and stored.summary is not None
    stored.summary = stored.summary.model_copy(
        update={"key_summary": f"{stored.summary.key_summary} {sentence}"}
    )
    stored.kind, stored.model, stored.prompt_version = "llm", "openai/test-model", PROMPT_VERSION
    stored.faithfulness = check(stored.summary, source_facts(record)[1])
    assert not stored.faithfulness.ok
    write_summary(data_dir, record, stored)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BuiltSite]:
    root = tmp_path_factory.mktemp("site")
    content, output = root / "content", root / "output"
    # corpus releases take the whole road: fake portal -> collector -> records -> briefing_articles
    corpus_records = collect_corpus_records(root / "data")
    records = generate_records(90, start=START) + hostile_records()
    # the real offline summariser writes the articles; the records stay for the pages' original text
    write_synthetic_articles(records, content, root / "data")
    # a model summary stating a date its source never held: the build renders it flagged
    store_flagged_summary(root / "data", records[20], "2024년 5월 2일에 발표했다.")
    records += corpus_records
    shutil.copytree(ROOT / "content" / "pages", content / "pages")
    output.mkdir()
    server, base_url = serve_with_csp(output)  # the port must be known before the build (absolute URLs)
    try:
        build_site(
            content,
            output,
            data_dir=root / "data",
            SITEURL=base_url,
            RELATIVE_URLS=False,
            FEED_DOMAIN=base_url,
            REPOSITORY_URL=REPOSITORY,
            SAMPLE_BANNER=SAMPLE_BANNER,  # every release here is synthetic (and the screenshots say so)
        )
        categories = {}
        for path in (content / "releases").rglob("*.md"):
            head = path.read_text(encoding="utf-8").split("\n\n", 1)[0]
            meta = dict(line.split(": ", 1) for line in head.splitlines())
            categories[meta["Slug"]] = meta["Category"]
        assert sorted(categories) == sorted(r.id for r in records)
        yield BuiltSite(output, base_url, records, ["hostile-title", "hostile-ministry"], categories)
    finally:
        server.shutdown()
        server.server_close()
