"""One site built from two model summaries of the same export release (a faithful one and one with
three fabrications), made through the fake LLM and served over HTTP with the strict CSP."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from briefing.records import ReleaseRecord
from briefing.settings import Settings
from briefing.store import Store
from briefing.summarize import SummarizeReport, run_summarize
from briefing.testing.fakellm import FakeLLM
from tests.support.evidence_data import FABRICATED_TITLE, FAITHFUL_TITLE, answer, export_record
from tests.support.site_fixture import serve_with_csp
from tests.support.sitebuild import build_site


@dataclass
class EvidenceSite:
    root: Path
    settings: Settings
    output: Path
    base_url: str
    faithful: ReleaseRecord
    fabricated: ReleaseRecord
    report: SummarizeReport
    calls: int  # model calls the summarize run made

    def page(self, record: ReleaseRecord) -> Path:
        return self.output / "releases" / f"{record.published_at:%Y/%m}" / record.id / "index.html"

    def original(self, record: ReleaseRecord) -> Path:
        return self.page(record).parent.with_suffix(".original.html.gz")

    def url(self, record: ReleaseRecord) -> str:
        return f"{self.base_url}/releases/{record.published_at:%Y/%m}/{record.id}/"

    def build(self) -> None:
        build_site(
            self.settings.content_dir,
            self.output,
            data_dir=self.settings.data_dir,
            SITEURL=self.base_url,
            RELATIVE_URLS=False,
            FEED_DOMAIN=self.base_url,
        )


def evidence_settings(root: Path, api_base: str) -> Settings:
    return Settings().with_values(
        {
            "data_dir": root / "data",
            "content_dir": root / "content",
            "llm_model": "openai/gpt-4o-mini",
            "llm_api_base": api_base,
            "llm_timeout": 10.0,
            "llm_backoff": 0.01,
        }
    )


@pytest.fixture(scope="session")
def evidence_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EvidenceSite]:
    root = tmp_path_factory.mktemp("evidence")
    faithful = export_record("251101001", FAITHFUL_TITLE)
    fabricated = export_record("251101002", FABRICATED_TITLE)
    old_key = os.environ.get("OPENAI_API_KEY")
    os.environ["OPENAI_API_KEY"] = "sk-test-dummy"
    try:
        with FakeLLM() as fake:
            fake.default = answer
            settings = evidence_settings(root, fake.api_base)
            store = Store(settings.data_dir)
            store.save(faithful)
            store.save(fabricated)
            report = run_summarize(settings)
            calls = fake.calls
    finally:
        if old_key is None:
            os.environ.pop("OPENAI_API_KEY", None)
        else:
            os.environ["OPENAI_API_KEY"] = old_key
    output = root / "output"
    output.mkdir()
    server, base_url = serve_with_csp(output)
    try:
        site = EvidenceSite(root, settings, output, base_url, faithful, fabricated, report, calls)
        site.build()
        yield site
    finally:
        server.shutdown()
        server.server_close()
