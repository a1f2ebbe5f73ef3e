"""`make e2e` in the test suite: the publish targets twice, the second run a no-op.

Runs over the sample releases in demo/ (fast, and present wherever the repository is); ``make e2e``
itself uses ../shared/corpus when it is there.
"""

from __future__ import annotations

from tests.support.scripts import run_script


def test_publish_runs_twice_and_the_second_is_a_no_op() -> None:
    code, output = run_script("e2e.py", "--source", "samples")
    assert code == 0, output[-6000:]
    assert "e2e: PASS" in output
    for check in (
        "PASS run 1 committed and pushed data/ and content/",
        "PASS run 2 downloaded 0 attachments (want 0)",
        "PASS run 2 made 0 LLM calls (want 0)",
        "PASS run 2 made no commit",
        "PASS run 2 output/ identical to run 1 apart from timestamps",
    ):
        assert check in output, output[-6000:]
