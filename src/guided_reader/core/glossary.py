"""Glossary index: one normalisation shared by spotting terms in passages and looking them up.

Readers type "joliot curie", "Kruschev" or "the Cominform?"; passages say "Joliot-Curie",
"Khrushchev's" and "fellow-travellers". Both sides go through `tokens()`, so a term spotted in
the text is always a term the lookup can find, and the other way round.
"""

from __future__ import annotations

import heapq
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import partial
from itertools import compress, count

from guided_reader.core.gcpause import collector_paused
from guided_reader.core.model import Entry, Section

__all__ = ["GlossaryIndex", "LookupResult", "Span", "normalise", "tokens"]

_APOSTROPHES = "'’ʼ‘`´"
_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_LETTER = rf"[\w{_MARKS}]"  # "_" is dropped later by the isalnum() filter
# Dotted acronyms ("U.S.S.R.", "U.S.S.R") are one word, so they match "USSR"; otherwise a word
# is letters and digits with apostrophes inside ("Khrushchev's", "l'Humanité"). That is
# "acronym|word", written to open with one character class (the regex engine then skips the text
# between words in C) and to try the acronym only when a dot follows the first character: a
# quarter faster, same matches (tests/test_glossary.py checks it against the plain form).
_ACRONYM_TAIL = r"\.(?<=[^\W\d_]\.)[^\W\d_](?:\.[^\W\d_])*(?!\w)\.?"  # ".S.S.R." after a letter "U"
_WORD = re.compile(rf"{_LETTER}(?:{_ACRONYM_TAIL}|{_LETTER}*(?:[{_APOSTROPHES}]{_LETTER}+)*)")
_SPLIT = re.compile(f"({_WORD.pattern})")  # split(): text between words at even indices, words at odd
# Not decomposed by NFKD, and readers type them without the stroke or ligature.
_FOLD = str.maketrans({"œ": "oe", "æ": "ae", "ø": "o", "ł": "l", "đ": "d", "ð": "d",
                       "þ": "th", "ħ": "h", "ı": "i"})
_ARTICLES = frozenset({"the", "a", "an"})
_END = ""  # trie key marking "a glossary key ends here"; no token is empty

_FUZZY_MATCH, _FUZZY_MARGIN, _FUZZY_SUGGEST = 0.8, 0.08, 0.6
_FUZZY_POOL, _SUGGESTIONS = 30, 5
_CACHE_WORDS = 65536  # distinct words a word cache holds before it starts over


class _WordCache(dict):
    """Raw word -> compute(word), each computed once. spot() consults it for every word of a
    passage through `map(cache.__getitem__, words)`: a dict lookup in C, where an lru_cache
    would be a Python-level call per word."""

    def __init__(self, compute: Callable[[str], object]) -> None:
        super().__init__()
        self._compute = compute

    def __missing__(self, word: str):
        if len(self) >= _CACHE_WORDS:
            self.clear()
        value = self[word] = self._compute(word)
        return value


def _fold(word: str) -> str:
    """Casefold, strip accents, fold ligatures and spellings, drop apostrophes/dots from one raw word."""
    folded = word.lower() if word.isascii() else "".join(
        c for c in unicodedata.normalize("NFKD", word.casefold()) if not unicodedata.combining(c)).translate(_FOLD)
    if not folded.isalnum():
        folded = "".join(c for c in folded if c.isalnum())
    return _SPELLING.sub(_american, folded) if len(folded) > 4 and folded.isascii() else folded


_NORMS = _WordCache(_fold)  # raw word -> _fold(word), for tokens() and spot()


# British and American spellings meet on one form ("labour"/"labor", "travellers"/"travelers",
# "organisation"/"organization", "centre"/"center"): both sides of every comparison are folded.
_OUR = "lab col hon fav rum vig arm val hum sav behavi neighb harb endeav splend cand ferv flav".split()
_SPELLING = re.compile("|".join(
    [r"(?<=[a-z]{2})ll(?=(?:ers?|ing|ed)$)", r"(?<=[a-z]{3})is(?=(?:e|es|ed|ing|ation|ations|er|ers)$)",
     r"(?<=[a-z]{2})yse$", r"(?<=[a-z]{2}[tbv])re(?=s?$)", r"(?<=man)oeuv", r"(?<=[a-z]{3})ogue$",
     r"(?<=program)me$"] + [rf"(?<={s})ence" for s in ("def", "off", "lic")] + [rf"(?<={s})our" for s in _OUR]))
_AMERICAN = {"ll": "l", "our": "or", "is": "iz", "yse": "yze", "re": "er", "ence": "ense", "oeuv": "euv",
             "ogue": "og", "me": ""}


def _american(m: re.Match) -> str:
    return _AMERICAN[m.group()]


def tokens(text: str) -> list[tuple[str, int, int]]:
    """Normalised words with their (start, end) offsets into the original `text`."""
    out = []
    for m in _WORD.finditer(text):
        norm = _NORMS[m.group()]
        if norm:
            out.append((norm, m.start(), m.end()))
    return out


def normalise(text: str) -> str:
    """The comparison key for a term, alias or query: its normalised words joined by spaces."""
    return " ".join(t for t, _, _ in tokens(text))


def _depluralise(word: str) -> list[str]:
    """Candidate singulars for a final word: 'parties' -> party, 'Cominforms' -> Cominform."""
    if len(word) < 4 or not word.endswith("s") or word.endswith("ss"):
        return []
    forms = [word[:-3] + "y"] if word.endswith("ies") else []
    forms.append(word[:-1])
    if word.endswith("es"):
        forms.append(word[:-2])
    return forms


def _stem(key: str) -> str:
    """Key with its last word singularised, so 'fellow travellers' meets 'fellow traveller'."""
    head, _, last = key.rpartition(" ")
    forms = _depluralise(last)
    return f"{head} {forms[0]}".lstrip() if forms else key


def _trigrams(key: str) -> set[str]:
    padded = f" {key} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    entry_id: str


@dataclass(frozen=True)
class LookupResult:
    query: str
    match: Entry | None
    candidates: tuple[Entry, ...] = ()
    suggestions: tuple[str, ...] = ()


class GlossaryIndex:
    """Every term and alias of a glossary, indexed once so spotting and lookup never scan it.

    Spotting walks a trie of token sequences (cost grows with the passage, not the glossary);
    lookup tries ever looser stages and stops at the first that finds anything.
    """

    @collector_paused
    def __init__(self, entries: Sequence[Entry]) -> None:
        self._entries = tuple(entries)
        self._order = {e.id: i for i, e in reversed(list(enumerate(self._entries)))}
        self._terms: dict[str, list[Entry]] = {}
        self._aliases: dict[str, list[Entry]] = {}
        self._stems: dict[str, list[Entry]] = {}
        self._prefixes: dict[str, list[Entry]] = {}
        self._trie: dict = {}
        for entry in self._entries:
            self._add(self._terms, entry.term, entry)
        for entry in self._entries:
            for alias in entry.aliases:
                self._add(self._aliases, alias, entry)
        # Raw word -> _head(trie, word), filled as passages are read (a partial, not a bound
        # method: no reference cycle, so a dropped index is freed at once).
        self._heads = _WordCache(partial(self._head, self._trie))
        self._keys = sorted({*self._terms, *self._aliases})
        self._max_key = max(map(len, self._keys), default=0)
        self._sizes = [len(k) + 2 for k in self._keys]  # trigrams in a padded key
        self._grams: defaultdict[str, list[int]] = defaultdict(list)
        for i, key in enumerate(self._keys):
            for gram in _trigrams(key):
                self._grams[gram].append(i)

    def _add(self, table: dict[str, list[Entry]], text: str, entry: Entry) -> None:
        words = normalise(text).split()
        if not words:
            return
        key = " ".join(words)
        table.setdefault(key, []).append(entry)
        self._stems.setdefault(_stem(key), []).append(entry)
        if len(words) > 1 and words[0] in _ARTICLES:  # "the dictator": "dictators" finds it too
            self._stems.setdefault(_stem(" ".join(words[1:])), []).append(entry)
        for n in range(1, len(words)):
            self._prefixes.setdefault(" ".join(words[:n]), []).append(entry)
        node = self._trie
        for word in words:
            node = node.setdefault(word, {})
        node.setdefault(_END, entry.id)  # terms were added first, so a term beats an alias

    def entry(self, entry_id: str) -> Entry | None:
        return self._entries[self._order[entry_id]] if entry_id in self._order else None

    def _unique(self, found: list[Entry]) -> tuple[Entry, ...]:
        by_id = {e.id: e for e in found}
        return tuple(sorted(by_id.values(), key=lambda e: self._order[e.id]))

    # -- spotting ---------------------------------------------------------------------------

    def spot(self, text: str) -> list[Span]:
        """Leftmost-longest, non-overlapping glossary mentions in `text`, on word boundaries.

        A possessive ("Khrushchev's") spots the name without its "'s"; a plural spots the
        whole word. Only the last word of a mention may be inflected.
        """
        # Words and the text between them from one split() in C; the few words a mention can
        # start with picked out in C too (the heads cache). Python only walks the trie from
        # those, and adds up text lengths only to place a mention found.
        parts = _SPLIT.split(text)
        words = parts[1::2]  # the same words as tokens(), but "" (e.g. "_") are kept: skipped below
        heads, spans, n = self._heads, [], len(words)
        after = 0  # words before this are inside a mention already found
        done = at = 0  # parts[:done] are `at` characters long
        for i in compress(count(), map(heads.__getitem__, words)):
            if i < after:
                continue
            node, alone = heads[words[i]]
            best = (i, alone) if alone else None
            j = i
            while node is not None:  # the words so far begin a longer key: try the next
                j += 1
                if j == n:
                    break
                norm = _NORMS[words[j]]
                if not norm:  # a word that folds to nothing: skipped, as tokens() drops it
                    continue
                child = node.get(norm)
                if child is not None and _END in child:  # _final()'s first case, inlined: the hot one
                    best = (j, (len(words[j]), child[_END]))
                elif norm[-1] == "s":  # a possessive or plural ending
                    hit = self._final(node, norm, len(words[j]), words[j])
                    if hit:
                        best = (j, hit)
                node = child
            if best is not None:
                j, (kept, entry_id) = best  # `kept`: how much of words[j] the mention covers
                at += len("".join(parts[done : 2 * i + 1]))  # join+len: 3x faster than sum(map(len))
                done = 2 * i + 1  # so `at` is where words[i] starts
                spans.append(Span(at, at + len("".join(parts[done : 2 * j + 1])) + kept, entry_id))
                after = j + 1
        return spans

    @staticmethod
    def _head(trie: dict, raw: str) -> tuple:
        """What a mention that starts with this word finds in it: the trie node to walk on from
        (None if no key goes on), and `_final()` of the word alone (None if no key is just it).
        () when neither, so a word no mention starts with is falsy."""
        norm = _NORMS[raw]
        if not norm:
            return ()
        node = trie.get(norm)
        if node is not None and len(node) == (_END in node):  # a key ends here and none goes on
            node = None
        alone = GlossaryIndex._final(trie, norm, len(raw), raw)
        return (node, alone) if node is not None or alone else ()

    @staticmethod
    def _final(node: dict, norm: str, end: int, raw: str) -> tuple[int, str] | None:
        """If a key ends at this word (as written, possessive or plural): where the mention ends,
        given where the word does (`end`), and the entry id."""
        child = node.get(norm)
        if child and _END in child:
            return end, child[_END]
        if len(raw) > 2 and len(norm) > 1 and raw[-2] in _APOSTROPHES and raw[-1] in "sS":  # not "_'s"
            child = node.get(norm[:-1])
            return (end - 2, child[_END]) if child and _END in child else None
        for form in _depluralise(norm):
            child = node.get(form)
            if child and _END in child:
                return end, child[_END]
        return None

    def occurrences(self, sections: Sequence[Section],
                    paragraphs: Sequence[str]) -> dict[str, tuple[str, ...]]:
        """Entry id -> ids of the sections that mention it, in reading order.

        Every entry has a key, so an entry the essay never mentions maps to ().
        """
        def mentions(number: int):
            return [s.entry_id for s in self.spot(paragraphs[number - 1])] if 1 <= number <= len(paragraphs) else []

        return occurrences(self._entries, sections, mentions)

    # -- lookup -----------------------------------------------------------------------------

    def lookup(self, query: str) -> LookupResult:
        """Exact term, exact alias, inflected form, word prefix, then fuzzy; first stage wins.

        One entry at the winning stage is a match; several are candidates for the reader to
        choose from. A fuzzy hit counts only when clearly ahead; otherwise it is a suggestion.
        """
        words = normalise(query).split()
        keys = [" ".join(words)]
        if len(words) > 1 and words[0] in _ARTICLES:  # "the dictator" is an alias; "the Cominform" is not
            keys.insert(0, " ".join(words[1:]))
        if not keys[0]:
            return LookupResult(query, None)
        for stage in range(5):
            for key in keys:
                stem = _stem(key)
                found = (self._terms.get(key), self._aliases.get(key), self._stems.get(stem),
                         self._prefixes.get(key), self._prefixes.get(stem))[stage]
                if found:
                    hits = self._unique(found)
                    if len(hits) == 1:
                        return LookupResult(query, hits[0])
                    return LookupResult(query, None, hits)
        fuzzy = self._fuzzy(query, keys[0])
        return fuzzy if fuzzy.match or len(keys) == 1 else self._fuzzy(query, keys[1])

    def _fuzzy(self, query: str, key: str) -> LookupResult:
        """Score the keys sharing most trigrams with the query; never compares against all."""
        if len(key) < 3 or len(key) > 2 * self._max_key + 4:
            return LookupResult(query, None)
        shared: Counter[int] = Counter()
        for gram in sorted(_trigrams(key)):  # sorted: ties in most_common() stay deterministic
            shared.update(self._grams.get(gram, ()))
        # Rank by shared trigrams relative to length (Dice), so long keys do not crowd out the
        # short one that was meant; only the best few pay for a full SequenceMatcher.
        size, sizes = len(key) + 2, self._sizes
        pool = heapq.nlargest(_FUZZY_POOL, shared.items(),
                              key=lambda kv: kv[1] / (sizes[kv[0]] + size))
        best: dict[str, float] = {}
        matcher = SequenceMatcher(autojunk=False)
        matcher.set_seq2(key)
        for i, _ in pool:
            candidate = self._keys[i]
            if 2 * min(len(key), len(candidate)) / (len(key) + len(candidate)) < _FUZZY_SUGGEST:
                continue
            matcher.set_seq1(candidate)
            score = matcher.ratio()
            for entry in self._terms.get(candidate, []) + self._aliases.get(candidate, []):
                if score > best.get(entry.id, 0.0):
                    best[entry.id] = score
        ranked = sorted(best.items(), key=lambda kv: (-kv[1], self._order[kv[0]]))
        ranked = [(eid, s) for eid, s in ranked if s >= _FUZZY_SUGGEST]
        if ranked and ranked[0][1] >= _FUZZY_MATCH and (
                len(ranked) == 1 or ranked[1][1] < ranked[0][1] - _FUZZY_MARGIN):
            return LookupResult(query, self._entries[self._order[ranked[0][0]]])
        terms = dict.fromkeys(self._entries[self._order[eid]].term for eid, _ in ranked)
        return LookupResult(query, None, (), tuple(terms)[:_SUGGESTIONS])


def occurrences(entries, sections, mentions) -> dict[str, tuple[str, ...]]:
    """Entry id -> ids of the sections whose paragraphs mention it (`mentions(number)` gives
    a paragraph's entry ids), in reading order; every entry has a key."""
    found: dict[str, dict[str, None]] = {e.id: {} for e in entries}
    for section in sections:
        for number in section.paragraph_numbers:
            for entry_id in mentions(number):
                found[entry_id][section.id] = None
    return {entry_id: tuple(ids) for entry_id, ids in found.items()}
