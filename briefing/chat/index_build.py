"""The chat index, build side: passages of every release, in a whoosh index on disk.

Written at site-build time (``plugins/briefing_chat``), read by :mod:`briefing.chat.retrieval`. A release becomes
several passages: its title with the headline and key summary, one passage per summary section, and
its original text cut into chunks of a few hundred characters at paragraph or sentence boundaries.

Terms come from the search package's Korean analyzer (:mod:`briefing.search`): the build analyses
text with ``analyze_document`` and a question is turned into terms with ``query_terms``, the same
rule-based code the browser uses, so the chat function never loads a morphological model. The index
stores those terms pre-analysed (space separated), so whoosh only splits on spaces. There is one
whoosh document per release (metadata and passages stored); a question ranks releases with BM25F,
then the passages of the best releases that share most of the question's words are chosen.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from briefing.chat.documents import (  # noqa: F401  (re-exported: the plugin and tests import them here)
    ChatDocument,
    article_url,
    document_from_record,
    document_from_view,
)
from briefing.chat.index_files import link_copy, previous_hashes, swap_in
from briefing.chat.retrieval import INDEX_NAME, META_FILE
from briefing.chat.window import window_months, within_window
from briefing.records import ReleaseRecord
from briefing.search.analyzer import ANALYZER_VERSION, AnalysisCache, analyze_fields
from briefing.store import write_atomic

log = logging.getLogger(__name__)

CHUNK_CHARS = 500  # long enough to hold a fact with its context, short enough to quote several
MAX_CHUNKS_PER_RELEASE = 40  # a 300-page annex must not drown the index


@dataclass
class Passage:
    release_id: str
    kind: str  # title | section | original
    heading: str
    text: str


# --- passages --------------------------------------------------------------------------------------


def chunk_text(text: str, size: int = CHUNK_CHARS) -> list[str]:
    """Cut ``text`` into chunks of about ``size`` characters at paragraph, then sentence, boundaries."""
    pieces: list[str] = []
    for paragraph in re.split(r"\n\s*\n", text):
        paragraph = " ".join(paragraph.split())
        if not paragraph:
            continue
        if len(paragraph) <= size:
            pieces.append(paragraph)
            continue
        # Korean sentences end with 다. / 요. / ? / ! ; split after the mark and keep it.
        sentences = re.split(r"(?<=[.?!。])\s+", paragraph)
        for sentence in sentences:
            while len(sentence) > size:  # a table row dump with no full stop
                pieces.append(sentence[:size])
                sentence = sentence[size:]
            if sentence:
                pieces.append(sentence)
    chunks: list[str] = []
    current = ""
    for piece in pieces:
        if current and len(current) + 1 + len(piece) > size:
            chunks.append(current)
            current = piece
        else:
            current = f"{current}\n{piece}" if current else piece
    if current:
        chunks.append(current)
    return chunks


def passages_for(doc: ChatDocument) -> list[Passage]:
    """The passages of one release: title+summary, each summary section, original-text chunks."""
    head = "\n".join(p for p in (doc.title, doc.summary) if p)
    passages = [Passage(doc.id, "title", "제목·요약", head)]
    for heading, text in doc.sections:
        for chunk in chunk_text(text):
            passages.append(Passage(doc.id, "section", heading, chunk))
    for chunk in chunk_text(doc.original)[:MAX_CHUNKS_PER_RELEASE]:
        passages.append(Passage(doc.id, "original", "원문", chunk))
    return passages


# --- the analyzer: the search package's, shared with the site search -----------------------------

Analysis = list[dict[str, int]]  # per field of a document: term -> count


def search_analyzer(cache_path: Path | None = None) -> Callable[[list[list[str]]], list[Analysis]]:
    """The search package's build-time analysis (kiwipiepy + rules), cached per text when given a path."""
    cache = AnalysisCache(cache_path) if cache_path else None

    def analyze(documents: list[list[str]]) -> list[Analysis]:
        return analyze_fields(documents, cache)[0]

    return analyze


MAX_TF = 4  # BM25's term frequency saturates; capping repeats keeps the build fast


def _field(counts: dict[str, int]) -> str:
    # Whoosh splits this field on spaces only; repeats carry the (capped) term frequency.
    return " ".join(" ".join([t.replace(" ", "")] * min(n, MAX_TF)) for t, n in counts.items() if t.strip())


# --- writing -------------------------------------------------------------------------------------


INDEX_VERSION = 2  # bump when passages, fields or scoring inputs change (2: body analysed by line)


@dataclass
class IndexReport:
    releases: int
    passages: int
    bytes: int
    seconds: float
    unchanged: bool = False  # same documents as the index on disk: nothing written
    added: int = 0  # releases analysed and written this time
    removed: int = 0  # releases deleted from the index on disk (changed or gone)
    appended: bool = False  # the index on disk was appended to, not rebuilt
    older: int = 0  # releases before the window, left to the site search
    months: int = 0  # the window (0: every release)

    def line(self) -> str:
        state = "unchanged, " if self.unchanged else ""
        if self.appended:
            state = f"appended {self.added}, deleted {self.removed}, "
        window = (
            f" (newest {self.months} months; {self.older} older left to the site search)"
            if self.months
            else ""
        )
        return (
            f"chat index: {state}{self.releases} releases{window}, {self.passages} passages, "
            f"{self.bytes / 1_048_576:.1f} MB in {self.seconds:.1f} s"
        )


def _digest(docs: list[ChatDocument], analyzer: str, months: int = 0) -> str:
    """Hash of everything the index is made from (documents, window, chunking, analyzer and its version)."""
    digest = hashlib.sha256(
        f"{INDEX_VERSION} {CHUNK_CHARS} {MAX_TF} {months} {analyzer} {ANALYZER_VERSION}".encode()
    )
    for doc in docs:
        digest.update(json.dumps(asdict(doc), ensure_ascii=False, sort_keys=True).encode("utf-8"))
        digest.update(b"\x00")
    return digest.hexdigest()


def _unchanged(index_dir: Path, digest: str) -> IndexReport | None:
    try:
        stamp = json.loads((index_dir / META_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if stamp.get("digest") != digest:
        return None
    size = sum(p.stat().st_size for p in index_dir.iterdir() if p.is_file())
    return IndexReport(
        stamp.get("releases", 0),
        stamp.get("passages", 0),
        size,
        0.0,
        unchanged=True,
        older=stamp.get("older", 0),
        months=stamp.get("months", 0),
    )


def _schema():
    from whoosh.analysis import SpaceSeparatedTokenizer
    from whoosh.fields import ID, STORED, TEXT, Schema

    terms = SpaceSeparatedTokenizer()
    # One document per release (not per passage): five times fewer postings to score, so a
    # question is answered in milliseconds at 10,000 releases; passages are picked afterwards.
    return Schema(
        rid=ID(stored=True, unique=True),
        meta=STORED,  # {title, date, url, ministry, source_url}
        passages=STORED,  # [[kind, heading, text], ...]
        title=TEXT(analyzer=terms, phrase=False, field_boost=2.0),
        body=TEXT(analyzer=terms, phrase=False),
    )


def analysed_body(doc: ChatDocument, passages: list[Passage]) -> str:
    """The text a release's ``body`` field is analysed from: what its passages hold, but in the
    lines it was written in. Passages re-flow paragraphs into chunks; the analysis is cached line
    by line and shared with the search index, which sees the lines as written."""
    original = doc.original
    chunks = chunk_text(original)
    if len(chunks) > MAX_CHUNKS_PER_RELEASE:  # the passages stop here: so does the analysis
        kept = sum(len(c) for c in chunks[:MAX_CHUNKS_PER_RELEASE]) / sum(len(c) for c in chunks)
        cut = original.rfind("\n", 0, int(len(original) * kept))
        original = original[: max(cut, 0)]
    parts = [p.text for p in passages if p.kind != "original"]
    return "\n".join([*parts, original])


DEAD_SHARE = 0.2  # above this share of deleted releases the index is rebuilt whole, not appended to


def _release_hash(doc: ChatDocument) -> str:
    return hashlib.sha256(json.dumps(asdict(doc), ensure_ascii=False, sort_keys=True).encode()).hexdigest()[
        :16
    ]


def build_chat_index(
    docs: Iterable[ChatDocument],
    index_dir: Path,
    *,
    analyze: Callable[[list[list[str]]], list[Analysis]] | None = None,
    batch: int = 200,
    months: int | None = None,
) -> IndexReport:
    """Write the chat index for ``docs`` into ``index_dir``, replacing any previous one atomically.

    Only releases of the newest ``months`` months are indexed (default: see :func:`window_months`;
    0 = all); older ones stay in the site search. The new index is written beside the old one and
    swapped in by renames, so a function reading the folder sees the old index or the new one.
    ``analyze`` maps ``[[title, text], ...]`` to term counts per field (default: the search
    package's analyzer, see :func:`search_analyzer`). When the documents are the same as those of
    the index on disk, nothing is written; when some are new, changed or gone, the index on disk is
    appended to (its files hard-linked into the new folder, whoosh adds a segment and marks
    deletions), so a run costs what changed, not the archive.
    """
    from whoosh import index as whoosh_index

    started = time.perf_counter()
    index_dir = Path(index_dir)
    months = window_months(months)
    everything = list(docs)
    docs = within_window(everything, months)
    older = len({doc.id for doc in everything}) - len({doc.id for doc in docs})
    analyze = analyze or search_analyzer()
    analyzer_name = getattr(analyze, "__qualname__", type(analyze).__name__)
    digest = _digest(docs, analyzer_name, months)
    same = _unchanged(index_dir, digest)
    if same is not None:
        same.seconds = time.perf_counter() - started
        same.older = older  # the window may have dropped releases that were never indexed
        return same
    unique: dict[str, ChatDocument] = {}
    for doc in docs:
        unique.setdefault(doc.id, doc)
    hashes = {id_: _release_hash(doc) for id_, doc in unique.items()}
    setup = _digest([], analyzer_name)  # everything but the documents and the window
    previous = previous_hashes(index_dir, setup)
    index_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = index_dir.with_name(f".{index_dir.name}.new-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    gone = [id_ for id_ in previous or {} if hashes.get(id_) != previous[id_]]  # type: ignore[index]
    appending = previous is not None and len(gone) <= DEAD_SHARE * max(1, len(previous))
    if appending:
        try:
            link_copy(index_dir, staging)
            ix = whoosh_index.open_dir(str(staging), indexname=INDEX_NAME)
            deleted = ix.doc_count_all() - ix.doc_count() + len(gone)
            if deleted > DEAD_SHARE * max(1, ix.doc_count_all()):
                appending = False  # too many deleted releases kept in old segments: start over
                ix.close()
        except Exception as exc:  # whoosh raises assorted errors on a damaged folder: rebuild it
            log.warning("chat index in %s not appendable (%s); rebuilding it", index_dir, exc)
            appending = False
        if not appending:
            shutil.rmtree(staging, ignore_errors=True)
    if not appending:
        previous, gone = {}, []
        staging.mkdir()
        ix = whoosh_index.create_in(str(staging), _schema(), indexname=INDEX_NAME)
    # Separate files: opening reads only what a query needs.
    writer = ix.writer(limitmb=256, compound=False)
    passages_total = 0

    def flush(pending: list[tuple[ChatDocument, list[Passage]]]) -> None:
        texts = [[doc.title, analysed_body(doc, passages)] for doc, passages in pending]
        for (doc, passages), analysis in zip(pending, analyze(texts), strict=True):
            writer.add_document(
                rid=doc.id,
                meta={
                    "title": doc.title,
                    "date": doc.date,
                    "url": doc.url,
                    "ministry": doc.ministry,
                    "source_url": doc.source_url,
                },
                passages=[[p.kind, p.heading, p.text] for p in passages],
                title=_field(analysis[0]),
                body=_field(analysis[1]),
            )

    added = 0
    try:
        for id_ in gone:
            writer.delete_by_term("rid", id_)
        pending: list[tuple[ChatDocument, list[Passage]]] = []
        for id_, doc in unique.items():
            passages = passages_for(doc)
            passages_total += len(passages)
            if previous and previous.get(id_) == hashes[id_]:
                continue  # in the index already
            pending.append((doc, passages))
            added += 1
            if len(pending) >= batch:
                flush(pending)
                pending = []
        if pending:
            flush(pending)
        if appending:
            writer.commit(merge=True)  # whoosh merges the small segments; the big one stays as it is
        else:
            writer.commit(optimize=True)  # one segment: the function opens a single file set
    except BaseException:
        writer.cancel()
        shutil.rmtree(staging, ignore_errors=True)
        raise
    stamp = {
        "releases": len(unique),
        "passages": passages_total,
        "digest": digest,
        "setup": setup,
        "months": months,
        "older": older,
        "hashes": hashes,
    }
    (staging / f"{INDEX_NAME}_WRITELOCK").unlink(missing_ok=True)  # whoosh's lock file, not needed to read
    write_atomic(staging / META_FILE, json.dumps(stamp))
    # Readable by all: function platforms (Lambda) run the bundle as another user than the builder.
    os.chmod(staging / META_FILE, 0o644)
    swap_in(staging, index_dir)
    size = sum(p.stat().st_size for p in index_dir.iterdir() if p.is_file())
    return IndexReport(
        len(unique),
        passages_total,
        size,
        time.perf_counter() - started,
        older=older,
        months=months,
        added=added,
        removed=len(gone),
        appended=appending,
    )


def iter_documents(records: Iterable[ReleaseRecord]) -> Iterator[ChatDocument]:
    """Chat documents for records (benchmarks and tests without a site build)."""
    for record in records:
        yield document_from_record(record)
