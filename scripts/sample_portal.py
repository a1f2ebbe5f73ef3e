"""The sample releases of ``demo/releases.json`` as releases of the project's fake portal.

Their PDF and HWPX attachments are generated here (:mod:`briefing.testing.sample_documents`), so the
repository holds no binary documents. Used by ``make demo`` and, when ``../shared/corpus`` is
absent, by ``make e2e``.
"""

from __future__ import annotations

import html
import json
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # briefing.testing.fakeportal lives beside the package, not in it

from briefing.records import KST  # noqa: E402
from briefing.testing.fakeportal import FakeFeed, FakeFile, FakeRelease  # noqa: E402
from briefing.testing.sample_documents import hwpx_bytes, pdf_bytes  # noqa: E402

RELEASES_FILE = ROOT / "demo" / "releases.json"
FEED = "sample-ministry"


def load_samples(path: Path = RELEASES_FILE) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["releases"]


def sample_dates(samples: list[dict]) -> tuple[date, date]:
    """First and last publication day of the samples (Korea time)."""
    days = [_approved(s).date() for s in samples]
    return min(days), max(days)


def _approved(sample: dict) -> datetime:
    return datetime.strptime(sample["approved"], "%m/%d/%Y %H:%M:%S").replace(tzinfo=KST)


def _files(sample: dict) -> list[FakeFile]:
    files: list[FakeFile] = []
    specs = sample["attachments"]
    for spec in specs:
        source = specs[spec["same_as"]] if "same_as" in spec else spec  # a PDF/HWPX twin
        write = pdf_bytes if spec["format"] == "pdf" else hwpx_bytes
        data = write(sample["title"], source["paragraphs"], source.get("table"))
        files.append(FakeFile(name=spec["name"], data=data))
    return files


def sample_releases(shift_to: date | None = None) -> list[FakeRelease]:
    """Fake-portal releases; with ``shift_to`` the last sample is moved to that day (others keep
    their spacing) so a default collection window finds them. Every third one comes only
    through the ministry feed, the rest through the Open API."""
    samples = load_samples()
    offset = timedelta(0)
    if shift_to is not None:
        offset = shift_to - sample_dates(samples)[1]
    releases = []
    for n, sample in enumerate(samples):
        via_feed = n % 3 == 2
        body = "".join(f"<p>{html.escape(p)}</p>" for p in sample["body"])
        releases.append(
            FakeRelease(
                news_id=sample["id"],
                title=sample["title"],
                ministry=sample["ministry"],
                approved=_approved(sample) + offset,
                body_html=body,
                subtitles=list(sample.get("subtitles", [])),
                files=_files(sample),
                in_api=not via_feed,
                feeds=(FEED,) if via_feed else (),
            )
        )
    return releases


def sample_feeds() -> list[FakeFeed]:
    return [FakeFeed(FEED, title="샘플부처 보도자료")]
