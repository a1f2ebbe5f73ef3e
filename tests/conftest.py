"""Shared test fixtures: the real-document corpus beside the repository, and quiet litellm."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"


@pytest.fixture(scope="session")
def corpus() -> Path:
    """``../shared/corpus``; tests that need it skip only when it is absent."""
    if not (CORPUS / "snippets.json").is_file():
        pytest.skip("../shared/corpus is absent")
    return CORPUS


@pytest.fixture(scope="session")
def snippets(corpus: Path) -> dict[str, dict]:
    return json.loads((corpus / "snippets.json").read_text(encoding="utf-8"))


from briefing.testing.fakellm import FakeLLM  # noqa: E402
from tests.support.browser import browser  # noqa: E402,F401  (shared fixture)
from tests.support.evidence_site import evidence_site  # noqa: E402,F401  (model summaries, built once)
from tests.support.site_fixture import built_site  # noqa: E402,F401  (one built site per session)


@pytest.fixture
def fake_llm() -> Iterator[FakeLLM]:
    """A running fake OpenAI-compatible server; ``fake_llm.api_base`` is litellm's ``api_base``."""
    with FakeLLM() as fake:
        yield fake
