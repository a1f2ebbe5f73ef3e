"""One release summarised by the model: ask for the JSON, check it against the source, ask once more
naming the unsupported claims, give undecided claims a second look, apply the policy."""

from __future__ import annotations

import logging

from briefing import llm
from briefing.faithfulness import FaithfulnessResult, SourceFacts, check
from briefing.records import ReleaseRecord
from briefing.settings import Settings
from briefing.summaries import source_parts
from briefing.summarize.budget import Budget, BudgetReached
from briefing.summarize.parse import SummaryParseError, parse_summary
from briefing.summarize.prompt import build_messages, retry_invalid, retry_unsupported
from briefing.summarize.report import Outcome
from briefing.summarize.schema import Summary, json_schema
from briefing.summarize.source import Source
from briefing.summarize.verify import verify_undecided

log = logging.getLogger(__name__)


def source_facts(record: ReleaseRecord) -> tuple[list[tuple[str, str]], SourceFacts]:
    """The parts a summary is checked against (the same ones the original-text file shows) and
    their facts."""
    parts = [(part, text) for part, _, text in source_parts(record)]
    return parts, SourceFacts.from_parts(parts, published=record.published_at.date())


def _ask(messages: list[dict[str, str]], settings: Settings, budget: Budget, context: str, out: Outcome):
    """Call the model until it returns a valid summary (``llm_json_retries`` more tries, each
    naming the validation error). Returns the summary and the conversation so far."""
    error = ""
    for _ in range(settings.llm_json_retries + 1):
        with budget.call():
            result = llm.complete(messages, settings, schema=json_schema())
            budget.add(result)
        out.tokens += result.tokens
        out.cost += result.cost
        out.model = result.model
        messages = [*messages, {"role": "assistant", "content": result.text}]
        try:
            return parse_summary(result.text, context), messages
        except SummaryParseError as exc:
            error = str(exc)
            log.info("%s: answer rejected (%s), asking again", out.record.id, error)
            messages = [*messages, retry_invalid(error)]
    raise SummaryParseError(f"invalid JSON after {settings.llm_json_retries + 1} answers: {error}")


def summarize_with_model(
    record: ReleaseRecord, source: Source, settings: Settings, budget: Budget
) -> Outcome:
    """Summarise one release with the model, check it, retry once naming unsupported claims, then
    apply the unsupported-claims policy. Never raises: failures come back as an outcome."""
    out = Outcome(record, "failed")
    try:
        parts, facts = source_facts(record)
        summary, messages = _ask(build_messages(source.text), settings, budget, source.text, out)
        result = check(summary, facts)
        if not result.ok:
            log.info("%s: unsupported %s, asking once more", record.id, result.unsupported)
            try:
                wrong = [c for c in result.claims if c.verdict in ("contradicted", "not_found")]
                retried, _ = _ask([*messages, retry_unsupported(wrong)], settings, budget, source.text, out)
                summary, result = retried, check(retried, facts)
            except (llm.LLMError, SummaryParseError, BudgetReached) as exc:
                log.warning(
                    "%s: retry for unsupported claims failed (%s); keeping the first answer", record.id, exc
                )
        result = _second_look(result, parts, summary, settings, budget, out)
        out.summary, out.faithfulness = summary, result
        if result.ok:
            out.status = "made"
        elif settings.unsupported_policy == "hold":
            out.status = "held"
        else:
            out.status = "flagged"
    except BudgetReached as exc:
        out.status, out.reason = "deferred", str(exc)
    except (llm.LLMError, SummaryParseError) as exc:
        out.status, out.reason = "failed", str(exc)
    except Exception as exc:  # a bug or an unexpected provider answer must not stop the run
        log.exception("%s: summarising failed", record.id)
        out.status, out.reason = "failed", f"{type(exc).__name__}: {exc}"
    return out


def _second_look(
    result: FaithfulnessResult,
    parts: list[tuple[str, str]],
    summary: Summary,
    settings: Settings,
    budget: Budget,
    out: Outcome,
) -> FaithfulnessResult:
    """Claims the rules left undecided, asked of the model once (see :mod:`.verify`)."""
    out.claims_by = ["rules"] * len(result.claims)

    def ask(messages: list[dict[str, str]], schema: dict) -> str:
        with budget.call():
            answer = llm.complete(messages, settings, schema=schema)
            budget.add(answer)
        out.tokens += answer.tokens
        out.cost += answer.cost
        return answer.text

    try:
        checked, by, record = verify_undecided(result, parts, ask, summary.field_text)
    except (llm.LLMError, BudgetReached) as exc:
        log.info("%s: undecided claims not verified (%s); the rules' verdicts stand", out.record.id, exc)
        out.verification = {"error": str(exc)[:200]}
        return result
    out.claims_by, out.verification = by, record
    return checked
