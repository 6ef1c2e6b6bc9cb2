"""Full-text search over the essay, its notes and its prompts, ranked by BM25.

Every text is indexed as its words folded the glossary's way (case, accents, spelling) and cut
to a rough stem ("condemned" -> condemn, "parties" -> party), and a query goes through the same
folding, so "Poznan", "Poznań's" and "poznań" are one word. With SQLite's FTS5 (stdlib sqlite3
usually has it) the index is an FTS5 table, cached as a file beside the compiled pack; without
it the same BM25 is computed in Python over the same words, so both give the same hits.

A query is never handed to FTS5 as syntax: it becomes quoted, folded words joined by OR, so
`"`, `*`, NEAR, OR and parentheses typed by a reader are only words (or nothing).
"""

from __future__ import annotations

import math
import os
import re
import sqlite3
import tempfile
import threading
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from guided_reader.core.ask import tidy
from guided_reader.core.glossary import tokens
from guided_reader.core.model import Pack

__all__ = ["Hit", "Offer", "SearchIndex", "offers", "query_words", "stem", "word_spans"]

SHAPE = 1  # bump when the cached table changes
MAX_WORDS = 32  # distinct query words used: a pasted page is searched by its first words
KINDS = ("essay", "note", "prompt")
WEIGHT = {"essay": 1.0, "note": 0.8, "prompt": 0.6}  # among the guide's texts, notes before prompts
_K1, _B = 1.2, 0.75  # FTS5's bm25() defaults
_STOP = frozenset(
    "a about after all also an and any are as at be because been before being but by can could did do does "
    "during each for from had has have he her here him his how i if in into is it its me more most my no not "
    "of on once only or other our out over own she should so some such than that the their them then there "
    "these they this those through to too under until up very was we were what when where which while who "
    "whom whose why will with would you your tell explain define mean meaning happen happened say said "
    "essay rossi".split())
_SUFFIXES = (("ational", "ate"), ("ations", ""), ("ation", ""), ("ments", ""), ("ment", ""), ("ness", ""),
             ("ings", ""), ("ing", ""), ("edly", ""), ("ies", "y"), ("ied", "y"), ("ed", ""), ("ly", ""),
             ("sses", "ss"), ("es", ""), ("s", ""))


def stem(word: str) -> str:
    """A rough English stem of a folded word, the same for index and query."""
    if len(word) <= 3 or not word.isalpha() or not word.isascii():
        return word
    for suffix, repl in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not (suffix == "s" and word.endswith("ss")):
            word = word[: -len(suffix)] + repl
            break
    return word[:-1] if len(word) > 4 and word.endswith("e") else word


def query_words(query: str) -> list[str]:
    """The stems a query searches for: folded, stop words dropped, each once, at most MAX_WORDS."""
    words = dict.fromkeys(stem(w) for w, _, _ in tokens(tidy(query)) if w not in _STOP)
    return [w for w in words if w][:MAX_WORDS]


def word_spans(text: str, words) -> list[tuple[int, int]]:
    """Where the query's stems occur in `text`, as (start, end) offsets: for snippets and highlights."""
    wanted = set(words)
    return [(start, end) for w, start, end in tokens(text) if stem(w) in wanted]


def snippet(text: str, words, size: int = 24) -> str:
    """About `size` words of `text` around its densest cluster of query words, with … where cut."""
    found = list(re.finditer(r"\S+", text))
    if len(found) <= size:
        return " ".join(m.group() for m in found)
    spans = word_spans(text, words)
    marked = sorted({i for i, m in enumerate(found) for s, _ in spans if m.start() <= s < m.end()})
    starts = [max(0, min(i - 3, len(found) - size)) for i in marked] or [0]
    best = max(starts, key=lambda start: (sum(start <= i < start + size for i in marked), -start))
    part = " ".join(m.group() for m in found[best: best + size])
    return ("…" if best else "") + part + ("…" if best + size < len(found) else "")


def opening(text: str, size: int = 9) -> str:
    """The first `size` words of a passage, with … if it goes on."""
    words = text.split()
    return " ".join(words[:size]) + ("…" if len(words) > size else "")


@dataclass(frozen=True)
class Hit:
    section: str
    section_title: str
    paragraph: int  # the essay's own number
    snippet: str
    kind: str = "essay"  # essay | note | prompt
    score: float = 0.0  # lower is better, as bm25()

    def as_json(self) -> dict:
        return {"section": self.section, "section_title": self.section_title,
                "paragraph": self.paragraph, "snippet": self.snippet}


@dataclass(frozen=True)
class Offer:
    """A passage offered as a quick reply: its label, the paragraph, the words to mark there."""

    label: str
    paragraph: int
    words: tuple[str, ...] = ()


def offers(pack: Pack, hits: list[Hit], query: str) -> tuple[Offer, ...]:
    """Quick replies for `hits`: section number and title, paragraph number, opening words."""
    words = tuple(query_words(query))
    out = []
    for hit in hits:
        number = pack.section_index(hit.section) + 1
        label = f"Section {number}, paragraph {hit.paragraph}: {opening(pack.paragraph(hit.paragraph))}"
        out.append(Offer(label, hit.paragraph, words))
    return tuple(out)


def _documents(pack: Pack):
    """(kind, section index, paragraph number, text) for everything searchable."""
    for i, section in enumerate(pack.sections):
        for n in section.paragraph_numbers:
            yield "essay", i, n, pack.paragraph(n)
        for note in section.notes:
            yield "note", i, section.first, note.text
        for p in section.prompts:
            yield "prompt", i, section.first, " ".join([p.ask, p.hint or "", p.reflection])


def _fts5(conn: sqlite3.Connection) -> bool:
    try:
        conn.execute("CREATE VIRTUAL TABLE temp.probe USING fts5(x)")
        conn.execute("DROP TABLE temp.probe")
        return True
    except sqlite3.Error:
        return False


class SearchIndex:
    """One pack's searchable texts. `for_pack` builds it (or opens the cached copy) once."""

    def __init__(self, pack: Pack, conn: sqlite3.Connection | None = None, fts: bool | None = None) -> None:
        self.pack = pack
        self._docs = list(_documents(pack))
        self._lock = threading.Lock()
        self._conn = conn
        if conn is None and fts is not False:
            memory = sqlite3.connect(":memory:", check_same_thread=False)
            if fts is True or _fts5(memory):
                self._conn = memory
                self._fill(memory)
            else:
                memory.close()
        self.fts = self._conn is not None
        if not self.fts:  # Python BM25 over the same stems
            self._bags = [Counter(self._stems(text)) for _, _, _, text in self._docs]
            self._lengths = [sum(b.values()) for b in self._bags]
            self._average = sum(self._lengths) / max(1, len(self._lengths))
            self._df = Counter(w for b in self._bags for w in b)

    @staticmethod
    def _stems(text: str) -> list[str]:
        return [stem(w) for w, _, _ in tokens(text)]

    def _fill(self, conn: sqlite3.Connection) -> None:
        conn.execute("CREATE VIRTUAL TABLE docs USING fts5(body, tokenize='unicode61 remove_diacritics 0')")
        conn.execute("CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT)")
        conn.executemany("INSERT INTO docs(rowid, body) VALUES (?, ?)",
                         ((i, " ".join(self._stems(text))) for i, (_, _, _, text) in enumerate(self._docs)))
        conn.execute("INSERT INTO meta VALUES ('shape', ?), ('docs', ?)", (str(SHAPE), str(len(self._docs))))
        conn.commit()

    @classmethod
    def for_pack(cls, pack: Pack, cache: bool = True) -> SearchIndex:
        """The pack's index: from the cache file beside the compiled pack when it is current,
        else built now (and cached). A cache that cannot be read or written is only slower."""
        file = _cache_file(pack) if cache else None
        if file is not None and file.is_file():
            try:
                conn = sqlite3.connect(f"{file.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False)
                meta = dict(conn.execute("SELECT key, value FROM meta"))
                if meta == {"shape": str(SHAPE), "docs": str(len(list(_documents(pack))))}:
                    conn.execute("SELECT rowid FROM docs WHERE docs MATCH '\"x\"' LIMIT 1").fetchall()
                    return cls(pack, conn)
                conn.close()
            except sqlite3.Error:
                pass
        index = cls(pack)
        if file is not None and index.fts:
            index._save(file)
        return index

    def _save(self, file: Path) -> None:
        try:
            file.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=file.parent, prefix=".search-", suffix=".tmp")
            os.close(fd)
            try:
                disk = sqlite3.connect(tmp)
                with self._lock:
                    self._conn.backup(disk)
                disk.close()
                os.replace(tmp, file)
            except BaseException:
                os.unlink(tmp)
                raise
        except (OSError, sqlite3.Error):
            pass

    def search(self, query: str, limit: int = 10, kinds=KINDS) -> list[Hit]:
        """Hits for `query` in rank order, one per paragraph (its best text), at most `limit`."""
        words = query_words(query)
        if not words or limit <= 0:
            return []
        scored = self._fts(words) if self.fts else self._python(words)
        best: dict[int, tuple[bool, float, int]] = {}  # paragraph -> (not the essay's text, score, doc)
        for doc, score in scored:
            kind, _, number, _ = self._docs[doc]
            if kind in kinds:
                key = (kind != "essay", score * WEIGHT[kind], doc)
                if number not in best or key < best[number]:
                    best[number] = key
        ranked = sorted(best.values())[:limit]  # the essay's own paragraphs first, then the guide's texts
        hits = []
        for _, score, doc in ranked:
            kind, i, number, text = self._docs[doc]
            section = self.pack.sections[i]
            hits.append(Hit(section.id, section.title, number, snippet(text, words), kind, score))
        return hits

    def _fts(self, words: list[str]) -> list[tuple[int, float]]:
        expression = " OR ".join(f'"{w}"' for w in words)  # words are letters and digits only
        with self._lock:
            return self._conn.execute("SELECT rowid, bm25(docs) FROM docs WHERE docs MATCH ?", (expression,)).fetchall()

    def _python(self, words: list[str]) -> list[tuple[int, float]]:
        total = len(self._bags)
        out = []
        for doc, bag in enumerate(self._bags):
            score = 0.0
            for w in words:
                tf = bag.get(w, 0)
                if tf:
                    n = self._df[w]
                    idf = max(math.log((total - n + 0.5) / (n + 0.5)), 1e-6)
                    score -= idf * tf * (_K1 + 1) / (tf + _K1 * (1 - _B + _B * self._lengths[doc] / self._average))
            if score:
                out.append((doc, score))
        return out


def _cache_file(pack: Pack) -> Path | None:
    from guided_reader.core import paths
    from guided_reader.core.compiled import pack_key

    try:
        key = pack_key(pack.root) if Path(pack.root).is_dir() and str(pack.root) not in ("", ".") else None
    except OSError:
        return None
    return paths.cache_dir() / f"search-{SHAPE}-{key}.sqlite" if key else None
