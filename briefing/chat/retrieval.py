"""The chat function's retrieval: reads the whoosh index that :mod:`briefing.chat.index_build` writes.

This is the runtime half of the chat index: it loads no model and no build-time code (the
question's terms come from the search package's model-free query side, :mod:`briefing.search.query`,
the same rules the browser uses). There is one whoosh document per release (metadata and passages
stored); a question ranks releases with BM25F, then the passages of the best releases that share
most of the question's words are chosen.
"""

from __future__ import annotations

import json
import math
import threading
from dataclasses import asdict, dataclass
from pathlib import Path

from briefing.errors import ChatError
from briefing.search.normalize import normalize
from briefing.search.query import parse_query

META_FILE = "chat-index.json"  # the stamp the build writes beside the index
INDEX_NAME = "passages"


class ChatIndexError(ChatError):
    """The chat index is missing or unreadable; rebuild the site to write it."""


def question_words(text: str) -> list[list[str]]:
    """The question's words, each as ``[stem, *bigrams]``: the search package's query side."""
    return [[w.stem, *w.bigrams] for w in parse_query(text).words]


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
