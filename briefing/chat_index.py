"""The chat function's retrieval index: passages of every release, in a whoosh index on disk.

Written at site-build time (``plugins/briefing_chat``), read by the chat function. A release becomes
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
import html
import json
import math
import os
import re
import shutil
import threading
import time
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from briefing.records import ReleaseRecord, safe_id
from briefing.store import write_atomic

META_FILE = "chat-index.json"
INDEX_MONTHS = (
    6  # default window: half a year of releases, ~180 MB (see window_months; bench/RESULTS-growth.md)
)
MONTHS_ENV = "BRIEFING_CHAT_INDEX_MONTHS"
CHUNK_CHARS = 500  # long enough to hold a fact with its context, short enough to quote several
MAX_CHUNKS_PER_RELEASE = 40  # a 300-page annex must not drown the index
INDEX_NAME = "passages"


class ChatIndexError(Exception):
    """The chat index is missing or unreadable; rebuild the site to write it."""


@dataclass
class ChatDocument:
    """What the chat knows about one release: metadata, summary sections and original text."""

    id: str
    title: str
    date: str  # YYYY-MM-DD (Korea time)
    url: str  # our article URL, relative to the site root (releases/YYYY/MM/<id>/)
    ministry: str = ""
    source_url: str = ""  # the release on the portal
    summary: str = ""
    sections: list[tuple[str, str]] = field(default_factory=list)  # (heading, text)
    original: str = ""


@dataclass
class Passage:
    release_id: str
    kind: str  # title | section | original
    heading: str
    text: str


# --- documents from records and articles ---------------------------------------------------------


def article_url(release_id: str, date: str) -> str:
    """Our article URL for a release published on ``date`` (YYYY-MM-DD), relative to the site root."""
    return f"releases/{date[:4]}/{date[5:7]}/{safe_id(release_id)}/"


def document_from_record(record: ReleaseRecord) -> ChatDocument:
    """A chat document from a record alone (no summary yet): title, subtitles and original text."""
    date = record.published_at.date().isoformat()
    parts = [record.body_text] + [a.text for a in record.attachments if a.text]
    return ChatDocument(
        id=record.id,
        title=record.title,
        date=date,
        url=article_url(record.id, date),
        ministry=record.ministry,
        source_url=record.url,
        summary=" ".join(record.subtitles),
        original="\n\n".join(p for p in parts if p.strip()),
    )


_HEADING = re.compile(r"^(#{2,3})\s+(.+?)\s*(\{#[^}]*\})?\s*$", re.MULTILINE)


def document_from_markdown(
    body: str,
    *,
    id: str,
    title: str,
    date: str,
    url: str,
    ministry: str = "",
    source_url: str = "",
    summary: str = "",
) -> ChatDocument:
    """A chat document from an article's Markdown body (the article contract's ``##`` sections).

    Sections before ``## 원문`` are summary sections; everything under ``## 원문`` (its ``###``
    sub-parts: page text and each attachment) is original text.
    """
    sections: list[tuple[str, str]] = []
    original: list[str] = []
    in_original = False
    matches = list(_HEADING.finditer(body))
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(body)
        heading = _unescape_markdown(match.group(2))
        text = _unescape_markdown(body[match.end() : end]).strip()
        if match.group(1) == "##":
            in_original = heading.startswith("원문")
            if not in_original and text:
                sections.append((heading, text))
        elif in_original and text:
            original.append(text)
        elif text:
            sections.append((heading, text))
    return ChatDocument(
        id=id,
        title=title,
        date=date,
        url=url,
        ministry=ministry,
        source_url=source_url,
        summary=summary,
        sections=sections,
        original="\n\n".join(original),
    )


_OUR_MARKUP = re.compile(r"(?<!\\)<[^>]*>")
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!<>|~])")


def _unescape_markdown(text: str) -> str:
    """Plain text of an article body fragment: the inverse of ``briefing.articles.escape_block``.

    The writer turns every character of source text that Markdown or HTML would read into a
    character reference (``&#124;``, ``&lt;``…), so any bare ``<…>`` left is our own markup (the
    faithfulness ``<mark>``, the label paragraph): drop it, then undo Markdown backslash escapes
    (hand-written articles use them) and decode the references.
    """
    return html.unescape(_MD_ESCAPE.sub(r"\1", _OUR_MARKUP.sub("", text)))


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


# --- the analyzer: the search package's, with a plain fallback while it is absent -----------------

Analysis = list[dict[str, int]]  # per field of a document: term -> count


def _fallback_words(text: str) -> list[list[str]]:
    """Per word: the word and its Hangul bigrams (used only when ``briefing.search`` is absent)."""
    text = unicodedata.normalize("NFKC", text).lower().replace(",", "")
    groups = []
    for word in re.findall(r"[0-9a-z]+|[가-힣]+", text):
        grams = (
            [word[i : i + 2] for i in range(len(word) - 1)]
            if "가" <= word[0] <= "힣" and len(word) > 2
            else []
        )
        groups.append([word, *grams])
    return groups


def fallback_analyze(documents: list[list[str]]) -> list[Analysis]:
    """Term counts per field without the search package: words and Hangul bigrams."""
    out = []
    for fields in documents:
        analysis = []
        for text in fields:
            counts: dict[str, int] = {}
            for group in _fallback_words(text):
                for term in group:
                    counts[term] = counts.get(term, 0) + 1
            analysis.append(counts)
        out.append(analysis)
    return out


def search_analyzer(cache_path: Path | None = None) -> Callable[[list[list[str]]], list[Analysis]]:
    """The search package's build-time analysis (kiwipiepy + rules), cached per text when given a path.

    Falls back to :func:`fallback_analyze` when ``briefing.search`` is not installed.
    """
    try:
        from briefing.search.analyzer import AnalysisCache, analyze_fields
    except ImportError:
        return fallback_analyze
    cache = AnalysisCache(cache_path) if cache_path else None

    def analyze(documents: list[list[str]]) -> list[Analysis]:
        return analyze_fields(documents, cache)[0]

    return analyze


def question_words(text: str) -> list[list[str]]:
    """The question's words, each as ``[stem, *bigrams]``: the search package's query side.

    ``briefing.search.query`` loads no model, so this is cheap on a cold start.
    """
    try:
        from briefing.search.query import parse_query
    except ImportError:
        return _fallback_words(text)
    return [[w.stem, *w.bigrams] for w in parse_query(text).words]


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


def window_months(months: int | None = None) -> int:
    """Months of releases the chat index holds: ``months`` when given, else ``BRIEFING_CHAT_INDEX_MONTHS``,
    else :data:`INDEX_MONTHS`; 0 means every release.

    The index ships inside the chat function's bundle, which has a hard size limit (Vercel:
    500 MB unzipped for Python, of which litellm and its dependencies take ~260 MB), while real
    release text costs ~15 KB of index per release and the archive grows by ~25,000 releases a
    year (~360 MB). Six months (~180 MB) fit beside the libraries, and the bundle, and the time
    to rewrite the index on every run, stop growing with the archive.
    """
    if months is None:
        raw = os.environ.get(MONTHS_ENV, "").strip()
        try:
            months = int(raw) if raw else INDEX_MONTHS
        except ValueError:
            raise ChatIndexError(f"{MONTHS_ENV} must be a whole number of months, not {raw!r}") from None
    if months < 0:
        raise ChatIndexError(f"the chat index window must be 0 (everything) or more months, not {months}")
    return months


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def within_window(docs: list[ChatDocument], months: int) -> list[ChatDocument]:
    """The documents published in the ``months`` calendar months up to the newest one (all for 0).

    The window ends at the newest release, not at today's date, so the same archive always gives
    the same index. Documents without a (YYYY-MM-DD) date are kept.
    """
    dates = [doc.date for doc in docs if _ISO_DATE.match(doc.date)]
    if not months or not dates:
        return docs
    newest = max(dates)
    year, month = divmod(int(newest[:4]) * 12 + int(newest[5:7]) - 1 - months, 12)
    cutoff = f"{year:04d}-{month + 1:02d}-{newest[8:10]}"  # same day, ``months`` earlier
    return [doc for doc in docs if not _ISO_DATE.match(doc.date) or doc.date > cutoff]


def _digest(docs: list[ChatDocument], analyzer: str, months: int = 0) -> str:
    """Hash of everything the index is made from (documents, window, chunking, analyzer and its version)."""
    try:
        from briefing.search.analyzer import ANALYZER_VERSION  # no model is loaded by this import
    except ImportError:
        ANALYZER_VERSION = "none"
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
    previous = _previous_hashes(index_dir, setup)
    index_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = index_dir.with_name(f".{index_dir.name}.new-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    gone = [id_ for id_ in previous or {} if hashes.get(id_) != previous[id_]]  # type: ignore[index]
    appending = previous is not None and len(gone) <= DEAD_SHARE * max(1, len(previous))
    if appending:
        _link_copy(index_dir, staging)
        ix = whoosh_index.open_dir(str(staging), indexname=INDEX_NAME)
        if ix.doc_count_all() - ix.doc_count() + len(gone) > DEAD_SHARE * max(1, ix.doc_count_all()):
            appending = False  # too many deleted releases kept in old segments: start over
            ix.close()
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
    _swap_in(staging, index_dir)
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


def _previous_hashes(index_dir: Path, setup: str) -> dict[str, str] | None:
    """Per-release hashes of the index on disk, if it was built the same way and can be opened."""
    try:
        stamp = json.loads((index_dir / META_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    hashes = stamp.get("hashes")
    if stamp.get("setup") != setup or not isinstance(hashes, dict):
        return None
    return hashes


def _link_copy(source: Path, target: Path) -> None:
    """The index files of ``source`` in a new folder ``target``, hard-linked where the file system
    allows (whoosh never rewrites a file: new segments and deletions go to new files)."""
    target.mkdir()
    for path in source.iterdir():
        if not path.is_file() or path.name == META_FILE or path.name.endswith("_WRITELOCK"):
            continue
        try:
            os.link(path, target / path.name)
        except OSError:
            shutil.copy2(path, target / path.name)


def _swap_in(staging: Path, target: Path) -> None:
    old = target.with_name(f".{target.name}.old-{os.getpid()}")
    if target.exists():
        os.replace(target, old)
    os.replace(staging, target)
    shutil.rmtree(old, ignore_errors=True)


# --- reading -------------------------------------------------------------------------------------

COMMON_SHARE = 0.2  # a stem in more releases than this is left out of the query (it ranks little)
SPECIFIC_SHARE = 0.05  # a relevant release shares at least one word rarer than this with the question


@dataclass
class Hit:
    """One passage of a retrieved release, with the release's metadata and relevance."""

    release_id: str
    title: str
    date: str
    url: str
    ministry: str
    source_url: str
    kind: str
    heading: str
    text: str
    score: float  # the release's BM25F score
    coverage: float  # idf-weighted share of the question's words the release contains

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass
class _Word:
    stem: str
    grams: list[str]
    weight: float  # idf of the stem; unknown words count half of the rarest; one-letter words 0
    df: int


def _contains(text: str, word: _Word) -> bool:
    if word.stem in text:
        return True
    # A compound written differently (문화패스 / 문화예술패스): half its bigrams, and at least two.
    hits = sum(g in text for g in word.grams)
    return hits >= 2 and hits * 2 >= len(word.grams)


def _normalized(text: str) -> str:
    try:
        from briefing.search.normalize import normalize
    except ImportError:
        return unicodedata.normalize("NFKC", text).lower().replace(",", "")
    return normalize(text)


class ChatIndex:
    """An opened chat index; searching is thread-safe. Open with :func:`open_chat_index`."""

    def __init__(self, index_dir: Path) -> None:
        from whoosh import index as whoosh_index

        self.index_dir = Path(index_dir)
        try:
            self.stamp = json.loads((self.index_dir / META_FILE).read_text(encoding="utf-8"))
            # read-only: a function bundle (Lambda, Vercel) is a read-only file system
            self._ix = whoosh_index.open_dir(str(self.index_dir), indexname=INDEX_NAME, readonly=True)
            self._searcher = self._ix.searcher()
        except Exception as exc:  # whoosh raises many kinds on a damaged index; all mean "rebuild"
            raise ChatIndexError(f"no usable chat index in {self.index_dir}: {exc}") from exc
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return self._searcher.doc_count()

    def _words(self, question: str) -> list[_Word]:
        total = max(1, self._searcher.doc_count())
        rarest = math.log(1 + total)
        words = []
        for stem, *grams in question_words(question):
            df = self._searcher.doc_frequency("body", stem)
            if len(stem) < 2:
                weight = 0.0  # 비, 몇, 주: too ambiguous to show relevance
            elif df:
                weight = math.log(1 + total / df)
            else:
                weight = rarest / 2  # phrasing or a word the archive writes differently
            words.append(_Word(stem, grams, weight, df))
        return words

    def search(self, question: str, limit: int = 8, candidates: int = 30) -> list[Hit]:
        """Passages of the ``limit`` releases best matching ``question``, best release first.

        BM25F over title and text picks ``candidates``; they are then ordered by coverage (how
        much of the question, by idf weight, a release contains) and BM25F, so a release holding
        the question's rare words beats one repeating a common word in its title. Coverage also
        lets the caller tell a real match from a release that merely shares a common word. Two
        passages per release: those sharing most of the question's words.
        """
        from whoosh import query as q

        with self._lock:  # whoosh searchers share file handles
            total = max(1, self._searcher.doc_count())
            words = self._words(question)
            terms: list[str] = []
            for word in words:
                if word.df and word.df <= COMMON_SHARE * total:
                    terms.append(word.stem)
                elif not word.df:
                    terms.extend(word.grams)  # a compound the archive holds in pieces
            if not terms:  # only common words: use the two rarest rather than nothing
                known = sorted((w for w in words if w.df and len(w.stem) > 1), key=lambda w: w.df)
                terms = [w.stem for w in known[:2]]
            if not terms:
                return []
            clauses = [q.Term(name, t) for t in dict.fromkeys(terms) for name in ("title", "body")]
            results = self._searcher.search(q.Or(clauses), limit=candidates)
            found = [(r.score or 0.0, r.fields()) for r in results]
        weight_total = sum(w.weight for w in words) or 1.0
        scored = []
        for score, stored in found:
            meta = stored.get("meta", {})
            passages = stored.get("passages", [])
            texts = [_normalized(f"{meta.get('title', '')} {p[2]}") for p in passages]
            present = [w for w in words if _contains(" ".join(texts), w)]
            # at least one release: in a small archive 5 % of it is less than one release
            specific = any(w.df <= max(1.0, SPECIFIC_SHARE * total) for w in present if w.weight)
            share = sum(w.weight for w in present) / weight_total if specific else 0.0
            scored.append((round(share, 2), score, stored, texts))
        scored.sort(key=lambda item: (item[0], item[1]), reverse=True)
        hits: list[Hit] = []
        for share, score, stored, texts in scored[:limit]:
            meta = stored.get("meta", {})
            passages = stored.get("passages", [])
            ranked = sorted(
                range(len(passages)),
                key=lambda i: (-sum(w.weight for w in words if _contains(texts[i], w)), i),
            )
            for i in ranked[:2]:
                kind, heading, text = passages[i]
                hits.append(
                    Hit(
                        release_id=stored["rid"],
                        title=meta.get("title", ""),
                        date=meta.get("date", ""),
                        url=meta.get("url", ""),
                        ministry=meta.get("ministry", ""),
                        source_url=meta.get("source_url", ""),
                        kind=kind,
                        heading=heading,
                        text=text,
                        score=float(score),
                        coverage=share,
                    )
                )
        return hits

    def close(self) -> None:
        self._searcher.close()


_OPEN: dict[tuple[str, float], ChatIndex] = {}
_OPEN_LOCK = threading.Lock()


def open_chat_index(index_dir: Path) -> ChatIndex:
    """The chat index in ``index_dir``, opened once per process and reopened when it is rebuilt."""
    index_dir = Path(index_dir).resolve()
    try:
        stamp = (index_dir / META_FILE).stat().st_mtime
    except OSError as exc:
        raise ChatIndexError(f"no chat index in {index_dir} (build the site first)") from exc
    key = (str(index_dir), stamp)
    with _OPEN_LOCK:
        found = _OPEN.get(key)
        if found is None:
            for old_key in [k for k in _OPEN if k[0] == key[0]]:
                _OPEN.pop(old_key).close()
            found = _OPEN[key] = ChatIndex(index_dir)
        return found


def iter_documents(records: Iterable[ReleaseRecord]) -> Iterator[ChatDocument]:
    """Chat documents for records (benchmarks and tests without a site build)."""
    for record in records:
        yield document_from_record(record)
