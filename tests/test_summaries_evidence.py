"""Summaries a reader can verify: one stored summary per release (the cache and the single source
of truth), claims marked on the article page, each linked to a passage of the original-text file.

Model summaries come from the fake LLM over real HTTP; the site is built by Pelican with our plugins.
"""

from __future__ import annotations

import gzip
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from briefing.article.claims import ClaimMarks
from briefing.article.markdown import article_path, read_meta
from briefing.article.original import original_html
from briefing.article.view import view_of_record
from briefing.faithfulness import ClaimCheck, FaithfulnessResult
from briefing.settings import Settings
from briefing.store import Store
from briefing.summaries import read_summary, summary_path
from briefing.summarize import PROMPT_VERSION, run_summarize
from briefing.summarize.verify import verify_undecided
from briefing.testing.fakellm import FakeLLM
from tests.support.evidence_data import (
    FABRICATED_DATE,
    FABRICATED_TITLE,
    FAITHFUL,
    FAITHFUL_TITLE,
    FLIPPED,
    SWAPPED,
    UNDECIDED,
    answer,
    export_record,
)
from tests.support.evidence_site import EvidenceSite, evidence_settings


class _Claims(HTMLParser):
    """Every ``<span class="claim">`` of a page: its attributes and its text (nested marks too)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.claims: list[dict] = []
        self.stack: list[dict | None] = []
        self.reasons: dict[str, str] = {}
        self._reason: str | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag != "span":
            return
        found = dict(attrs)
        if found.get("class") == "claim":
            claim = {**found, "text": ""}
            self.claims.append(claim)
            self.stack.append(claim)
        else:
            self.stack.append(None)
            if found.get("class") == "claim-reason":
                self._reason = found.get("id", "")
                self.reasons[self._reason] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "span" and self.stack:
            self.stack.pop()
            self._reason = None

    def handle_data(self, data: str) -> None:
        if self._reason:  # a tooltip: not part of the claim's own text
            self.reasons[self._reason] += data
            return
        for claim in self.stack:
            if claim is not None:
                claim["text"] += data


def _claims(html: str) -> _Claims:
    parser = _Claims()
    parser.feed(html[html.index('<section class="summary"') : html.index('<section class="sources"')])
    return parser


def _original_ids(site: EvidenceSite, record) -> set[str]:
    text = gzip.decompress(site.original(record).read_bytes()).decode("utf-8")
    return set(re.findall(r'id="ev-([a-z0-9]+-\d+)"', text))


@pytest.fixture(autouse=True)
def _dummy_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-dummy")


# --------------------------------------------------------------------------- the stored summary


def _summarize_one(tmp_path: Path, fake_llm: FakeLLM, release_id: str, title: str):
    """One release in a new archive, summarised by the fake model (``evidence_data.answer``):
    the settings, the record and the run's report."""
    settings = evidence_settings(tmp_path, fake_llm.api_base)
    record = export_record(release_id, title)
    Store(settings.data_dir).save(record)
    fake_llm.default = answer
    return settings, record, run_summarize(settings)


def test_summary_is_stored_as_json_and_a_second_run_calls_and_writes_nothing(
    tmp_path: Path, fake_llm: FakeLLM
) -> None:
    settings, record, report = _summarize_one(tmp_path, fake_llm, "251101001", FAITHFUL_TITLE)

    assert report.made == [record.id], report.summary_line()
    assert fake_llm.calls == 2  # the summary, then one look at the claims the rules left undecided
    path = summary_path(settings.data_dir, record)
    assert path == settings.data_dir / "summaries" / "2025" / "11" / f"{record.id}.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["kind"] == "llm" and data["extract"] is False and data["model"] == "openai/gpt-4o-mini"
    assert data["prompt_version"] == PROMPT_VERSION and data["source_hash"] == record.source_hash()
    assert data["tokens"] == 2400 and data["cost"] > 0 and data["summary"]["category"] == "경제·산업"
    claims = data["faithfulness"]["claims"]
    assert claims and data["faithfulness"]["unsupported"] == []
    for claim in claims:
        assert set(claim) >= {
            "kind",
            "field",
            "start",
            "end",
            "verdict",
            "reason",
            "evidence",
            "computed",
            "by",
        }
        field = claim["field"]
        text = data["summary"][field.split("[")[0]]
        if "[" in field:
            text = text[int(field.split("[")[1].rstrip("]"))]
        assert text[claim["start"] : claim["end"]] == claim["text"]  # spans point into the summary
    # the claim the rules could not decide was decided by the model, with a passage as evidence
    counted = [c for c in claims if c["by"] == "model"]
    assert counted and all(c["verdict"] == "supported" and c["evidence"] for c in counted)
    assert "main_points[3]" in {c["field"] for c in counted}
    assert data["verification"]["asked"] == len(counted)

    article = article_path(settings.content_dir, record)
    before = {p: (p.stat().st_mtime_ns, p.stat().st_ino) for p in (path, article)}
    again = run_summarize(settings)
    assert fake_llm.calls == 2 and again.calls == 0
    assert again.cached == 1 and again.written == 0
    assert {p: (p.stat().st_mtime_ns, p.stat().st_ino) for p in (path, article)} == before

    # the article is rendered from the JSON: removed, it comes back without a model call
    article.unlink()
    assert run_summarize(settings).written == 1 and fake_llm.calls == 2
    assert read_meta(article)["summary_kind"] == "llm"


def test_retry_names_only_the_unsupported_claims_and_what_the_source_says(
    tmp_path: Path, fake_llm: FakeLLM
) -> None:
    settings, record, report = _summarize_one(tmp_path, fake_llm, "251101002", FABRICATED_TITLE)

    assert report.flagged == [record.id]
    retry = fake_llm.requests[1]["messages"][-1]["content"]
    assert FABRICATED_DATE in retry and "원문은 증가" in retry
    assert "증가한 580억 달러" in retry  # what the source says instead
    listed = re.findall(r'^- "([^"]+)"', retry, re.MULTILINE)
    assert FABRICATED_DATE in listed and "산업통상자원부" not in listed and "65억 달러" not in listed
    # the second look asks only about undecided claims: never about a rule's "contradicted"
    check = fake_llm.requests[-1]["messages"]
    assert "사실 확인 담당자" in check[0]["content"]
    assert UNDECIDED in check[-1]["content"] and FLIPPED not in check[-1]["content"]
    stored = read_summary(summary_path(settings.data_dir, record))
    assert stored is not None and stored.faithfulness is not None
    assert any(c.verdict == "contradicted" for c in stored.faithfulness.claims)


def test_model_verdicts_never_override_a_rule_and_fail_safe() -> None:
    claims = [
        ClaimCheck("number", "3개", "details", 0, 2, "undecided", "원문에서 세어야 하는 수", []),
        ClaimCheck("number", "9%", "details", 6, 8, "contradicted", "원문 수치와 다름", []),
    ]
    result = FaithfulnessResult(checked=2, unsupported=["9%"], claims=claims)
    parts = [("page", "지원 품목은 반도체, 자동차, 선박 3개다.\n증가율은 5%다.")]
    asked: list[str] = []

    def supported(messages, schema) -> str:
        asked.append(messages[-1]["content"])
        return json.dumps({"verdicts": [{"n": 1, "verdict": "supported", "evidence": "page-1"}]})

    fields = {"details": "3개 품목 9% 증가"}
    checked, by, record = verify_undecided(result, parts, supported, fields.get)
    assert [c.verdict for c in checked.claims] == ["supported", "contradicted"]
    assert checked.claims[0].evidence == ["page-1"] and by == ["model", "rules"]
    assert "[주장 2]" not in asked[0] and record["asked"] == 1  # the contradicted claim is not asked about
    # an answer naming claim 2 anyway, or nonsense, changes nothing the rules decided
    checked, by, _ = verify_undecided(
        result, parts, lambda m, s: '{"verdicts": [{"n": 2, "verdict": "supported"}]}'
    )
    assert [c.verdict for c in checked.claims] == ["undecided", "contradicted"] and by == ["rules", "rules"]
    checked, _, _ = verify_undecided(result, parts, lambda m, s: "모르겠습니다")
    assert checked.claims == result.claims


def test_existing_articles_without_a_stored_summary_migrate_without_model_calls(tmp_path: Path) -> None:
    settings = Settings().with_values(
        {"data_dir": tmp_path / "data", "content_dir": tmp_path / "content", "llm_model": ""}
    )
    extract, llm_made = export_record("m1", FAITHFUL_TITLE), export_record("m2", FAITHFUL_TITLE)
    Store(settings.data_dir).save(extract)
    Store(settings.data_dir).save(llm_made)
    for record, kind in ((extract, "extract"), (llm_made, "llm")):
        path = article_path(settings.content_dir, record)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            f"Title: 예전 글\nSummary_kind: {kind}\nSource_hash: {record.source_hash()}\n\n## 핵심 요약\n\n예전 요약\n",
            encoding="utf-8",
        )
    report = run_summarize(settings)
    assert report.calls == 0 and report.extracted == 1 and report.cached == 1
    # the extract is made again (it costs nothing) and stored; the LLM article stays as it was
    assert read_summary(summary_path(settings.data_dir, extract)) is not None
    assert "예전 요약" not in article_path(settings.content_dir, extract).read_text(encoding="utf-8")
    assert read_summary(summary_path(settings.data_dir, llm_made)) is None
    assert "예전 요약" in article_path(settings.content_dir, llm_made).read_text(encoding="utf-8")


# --------------------------------------------------------------------------- marks on the page


def test_claims_are_marked_in_escaped_text() -> None:
    text = '<b>"x"</b> 2024년 5월 2일에 *3.5%* 늘었다'
    start = text.index("2024")
    claims = [
        ClaimCheck(
            "date", "2024년 5월 2일", "details", start, start + 11, "not_found", "원문에서 찾을 수 없음", []
        ),
        ClaimCheck(
            "number", "3.5%", "details", text.index("3.5"), text.index("3.5") + 4, "supported", "", ["a1-3"]
        ),
        ClaimCheck("meaning", "clause", "details", start, len(text), "supported", "", ["page-2", "a1-1"]),
        ClaimCheck("number", "bad", "details", 40, 99, "supported", "", ["page-1"]),  # out of range: ignored
    ]
    out = ClaimMarks(claims).render("details", text)
    assert "<b>" not in out and "&lt;b&gt;&quot;x&quot;&lt;/b&gt;" in out and "&#42;" in out
    assert out.count('class="claim"') == 3
    # nested: the clause holds the date and the number; the page text comes first among its evidence
    assert 'data-evidence="page-2 a1-1"' in out and 'data-evidence="a1-3"' in out
    assert 'data-claim="unsupported"' in out and 'aria-describedby="claim-reason-1"' in out
    assert '<span class="claim-reason" id="claim-reason-1" role="tooltip">원문에서 찾을 수 없음</span>' in out
    parser = _Claims()
    parser.feed(f'<section class="summary">{out}</section><section class="sources">')
    assert [c["text"] for c in parser.claims][1:] == ["2024년 5월 2일", "3.5%"]


def test_fabrications_are_flagged_and_marked_where_they_stand(evidence_site: EvidenceSite) -> None:
    site = evidence_site
    assert site.report.flagged == [site.fabricated.id], site.report.summary_line()
    html = site.page(site.fabricated).read_text(encoding="utf-8")
    parsed = _claims(html)
    unsupported = [c for c in parsed.claims if c["data-claim"] == "unsupported"]
    texts = " | ".join(c["text"] for c in unsupported)
    # the date, the flipped figure (with its clause) and the figure given to another item
    for fabricated in (FABRICATED_DATE, FLIPPED.split()[0], SWAPPED.split("은 ")[1]):
        assert any(fabricated in c["text"] for c in unsupported), (fabricated, texts)
    reasons = {c["text"]: c["title"] for c in unsupported}
    assert reasons[SWAPPED.split("은 ")[1]] == "원문과 다른 항목의 수치"  # 120억 달러 is 반도체's
    for claim in unsupported:
        assert claim["tabindex"] == "0" and claim["title"]
        reason = parsed.reasons[claim["aria-describedby"]]
        assert reason == claim["title"]
    assert any(c["title"] == "원문은 증가" for c in unsupported)
    # the page-level notice lists the unsupported claims only
    notice = html[html.index('<aside class="faithfulness-notice"') : html.index("</aside>")]
    assert FABRICATED_DATE in notice and "65억 달러" not in notice and "11월 15일" not in notice


def test_a_faithful_summary_in_other_forms_is_not_flagged(evidence_site: EvidenceSite) -> None:
    site = evidence_site
    assert site.faithful.id in site.report.made
    html = site.page(site.faithful).read_text(encoding="utf-8")
    parsed = _claims(html)
    assert 'data-claim="unsupported"' not in html and "faithfulness-notice" not in html
    supported = [c for c in parsed.claims if c["data-claim"] == "supported"]
    marked = {c["text"] for c in supported}
    assert {"580억불", "2025. 11. 1.", "4.2%", "120억 달러"} <= marked, marked


def test_every_evidence_id_exists_in_the_original_text_file(evidence_site: EvidenceSite) -> None:
    site = evidence_site
    for record in (site.faithful, site.fabricated):
        html = site.page(record).read_text(encoding="utf-8")
        ids = _original_ids(site, record)
        cited = {e for c in _claims(html).claims for e in c.get("data-evidence", "").split() if e}
        assert cited and cited <= ids, sorted(cited - ids)
        # the same passages the check used: the stored evidence names them too
        stored = read_summary(summary_path(site.settings.data_dir, record))
        assert stored is not None and stored.faithfulness is not None
        assert {e for c in stored.faithfulness.claims for e in c.evidence} <= ids
        # and the file on disk is exactly what the view renders
        rendered = original_html(view_of_record(site.settings.data_dir, record), record.url)
        assert gzip.decompress(site.original(record).read_bytes()).decode("utf-8") == rendered
    # table rows are rows
    text = gzip.decompress(site.original(site.faithful).read_bytes()).decode("utf-8")
    assert re.search(r'<tr class="ev" id="ev-a1-\d+"><td>수출</td><td>515\.6</td><td>580</td></tr>', text)


def test_the_headline_marks_its_claims_too(evidence_site: EvidenceSite) -> None:
    """The <h1> is the summary's headline: its checked claims link to their evidence like the body's."""
    site = evidence_site
    html = site.page(site.faithful).read_text(encoding="utf-8")
    heading = html[html.index('<h1 id="release-title">') : html.index("</h1>")]
    parser = _Claims()
    parser.feed(heading)
    marked = {c["text"]: c for c in parser.claims}
    assert {"580억불", "12.5%"} <= set(marked), marked
    ids = _original_ids(site, site.faithful)
    for claim in marked.values():
        assert claim["data-claim"] == "supported" and set(claim["data-evidence"].split()) <= ids
    # the heading reads as the headline: markup, not escaped markup
    assert "&lt;" not in heading and re.sub(r"<[^>]+>", "", heading.split(">", 1)[1]) == FAITHFUL["headline"]


def test_search_chat_and_article_json_read_the_stored_summary(evidence_site: EvidenceSite) -> None:
    site = evidence_site
    page_json = json.loads(site.page(site.faithful).parent.with_suffix(".json").read_text(encoding="utf-8"))
    assert page_json["sections"]["주요 내용"][3] == UNDECIDED  # plain text, no claim markup
    assert page_json["sections"]["핵심 요약"].startswith("산업부는 2025. 11. 1.")


def test_a_second_build_makes_no_model_call_and_rewrites_nothing(evidence_site: EvidenceSite) -> None:
    site = evidence_site
    assert site.calls == 2 + 3  # faithful: summary + second look; fabricated: summary, retry, look
    files = []
    for record in (site.faithful, site.fabricated):
        files += [
            summary_path(site.settings.data_dir, record),
            article_path(site.settings.content_dir, record),
            site.original(record),
            site.page(record),
        ]
    before = {f: (f.stat().st_mtime_ns, f.stat().st_ino) for f in files}
    with FakeLLM() as fake:  # the summarize step of a publish run, with the model configured
        again = run_summarize(site.settings.with_values({"llm_api_base": fake.api_base}))
        assert fake.calls == 0 and again.calls == 0 and again.written == 0 and again.cached == 2
    site.build()  # and the build (its own summarize pass has no model: it keeps the LLM summaries)
    assert {f: (f.stat().st_mtime_ns, f.stat().st_ino) for f in files} == before
