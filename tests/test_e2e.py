"""`make e2e` in the test suite: the publish targets three times — the second run finds nothing new
and skips build and deploy, the third (rebuild asked) builds the same site and uploads nothing new
to the S3 target (a local ``rclone serve s3``; Pages when rclone is not installed).

Runs over the sample releases in demo/ (fast, and present wherever the repository is); ``make e2e``
itself uses ../shared/corpus when it is there.
"""

from __future__ import annotations

from briefing.testing.s3server import rclone_binary
from tests.support.scripts import run_script


def test_publish_runs_and_the_second_with_nothing_new_skips_build_and_deploy() -> None:
    code, output = run_script("e2e.py", "--source", "samples")
    assert code == 0, output[-6000:]
    assert "e2e: PASS" in output
    for check in (
        "PASS run 1 committed and pushed data/ and content/",
        "PASS run 2 downloaded 0 attachments (want 0)",
        "PASS run 2 made 0 LLM calls (want 0)",
        "PASS run 2 made no commit",
        "PASS run 2 skipped build and deploy, and the job summary says so",
        "PASS run 3 output/ identical to run 1 apart from timestamps",
    ):
        assert check in output, output[-6000:]
    if rclone_binary() is not None:
        assert "PASS run 3 uploaded to S3 only the files whose bytes changed" in output, output[-6000:]
