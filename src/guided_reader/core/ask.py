"""The question engine: what a reader types, turned into a glossary lookup the same way everywhere.

The chat (core/guide.py), `guided-reader lookup`, the glossary browser's filter and the command
palette all go through `resolve` (the palette and the filter through `rank`, which orders a list
by it), so "who was Maurice Thorez?", "thorez", "Thorez's" and "¿quién fue Thorez?" find the same
entry in every door. Folding (case, accents, hyphens, British/American spelling, plurals) is the
glossary index's own (core/glossary.py); this module peels the question off the term.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from difflib import SequenceMatcher

from guided_reader.core.glossary import GlossaryIndex, LookupResult, normalise
from guided_reader.core.model import Entry

__all__ = ["MAX_QUERY", "near", "parse_question", "rank", "resolve", "short_term", "tidy"]

MAX_QUERY = 500  # characters looked at: no glossary term is longer, and a paste is not a question
_QUOTES = "\"“”«»‹›'‘’ʼ`´"
_OPEN = "¿¡([{ \t" + _QUOTES
_CLOSE = "?!.…;:,)]} \t¿¡" + _QUOTES
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]+")

# "what is X", "who's X", "tell me about X", "define X", and the same asked in the languages the
# essay quotes (¿quién fue Tito?, qui était Thorez, chi era Togliatti, wer war Stalin).
_ASK = re.compile(
    r"(?:(?:what|who)(?:\s+(?:is|was|were|are)|['’ʼ](?:s|re))(?:\s+meant\s+by)?"
    r"|define|explain|describe|identify|tell\s+me\s+(?:more\s+)?about|what\s+about|meaning\s+of"
    r"|(?:qui[eé]n|qu[eé])\s+(?:es|fue|era|son|fueron|eran)"
    r"|qui\s+(?:est|[eé]tait|sont|[eé]taient)|qu['’]est[\s-]ce\s+que(?:\s+c['’]est)?(?:\s+que)?"
    r"|chi\s+(?:[eè]|era|sono|erano|fu)|cos['’][eè]|cosa\s+(?:[eè]|era)"
    r"|(?:wer|was)\s+(?:ist|war|sind|waren))\s+(?P<x>.+)",
    re.IGNORECASE | re.DOTALL)
_MEAN = re.compile(r"what\s+(?:does|did|do)\s+(?P<x>.+?)\s+mean|(?P<y>.+?)\s+meaning", re.IGNORECASE | re.DOTALL)
_ARTICLE = re.compile(r"^(?:the|a|an)\s+(?=\S)", re.IGNORECASE)
_POSSESSIVE = re.compile(r"(?<=\w)['’ʼ]s\b|(?<=s)['’ʼ](?=\s|$)")
# A bare "X?" is a lookup only when it reads like a term, not like an answer or a question.
_NOT_TERMS = frozenset(
    "why how when where which what who whom whose do does did is are was were am can could "
    "should would will shall may might must i you we he she it they this that these those him "
    "her them me us yes no maybe because and but so or not if ok okay perhaps really".split())
_QUESTION_WORDS = frozenset("why how when where which what who whom whose".split())


def tidy(text: str) -> str:
    """`text` without control characters (terminal escapes, NUL), cut to MAX_QUERY."""
    return _CONTROL.sub(" ", text[: MAX_QUERY * 2])[:MAX_QUERY]


def _clean(term: str) -> str | None:
    term = term.strip(_OPEN + _CLOSE)
    while (shorter := _ARTICLE.sub("", term, count=1)) != term:
        term = shorter.strip(_OPEN + _CLOSE)
    return term or None


def parse_question(text: str) -> str | None:
    """The term asked about in "what was the Cominform?", "?zhdanovism", "Thorez?"; else None.

    A bare "X?" counts only for up to five words not starting with a question or function
    word, so a prompt answer like "Because he feared Moscow?" stays an answer.
    """
    stripped = tidy(text).strip()
    body = stripped.lstrip(_OPEN).rstrip(_CLOSE)
    if stripped.startswith("?"):
        return _clean(body)
    asked = stripped.lstrip(_OPEN).rstrip(" \t").endswith(("?", "?\"", "?”"))
    for _ in range(3):  # "tell me about the meaning of X": peel one form at a time
        m = _ASK.fullmatch(body) or _MEAN.fullmatch(body)
        if m is None:
            break
        body = _clean(m.group("x") or m.group("y") or "") or ""
        if body.casefold() in _NOT_TERMS:
            return None
        asked = False
        if not body:
            return None
        if body.casefold().startswith("meaning of "):
            continue
        return body
    if asked:
        words = body.split()
        if 0 < len(words) <= 5 and words[0].casefold().strip(_QUOTES) not in _NOT_TERMS:
            return _clean(body)
    return None


def is_question(text: str) -> bool:
    """A question to the guide rather than an answer: "why did ...?", "how ...?", "?x"."""
    stripped = tidy(text).strip().lstrip("¿¡")
    words = stripped.split(maxsplit=1)
    return stripped.startswith("?") or (
        stripped.endswith("?") and bool(words) and words[0].casefold().strip(_QUOTES) in _QUESTION_WORDS)


def resolve(index: GlossaryIndex, text: str) -> LookupResult:
    """The one lookup behind every door: the question's term, else the whole line, as the
    glossary index finds it (exact, alias, inflected, prefix, fuzzy). `query` is kept as typed."""
    line = tidy(text)
    asked = parse_question(line)
    tries = [asked] if asked else []
    bare = _clean(line)
    if bare and bare not in tries:
        tries.append(bare)
    suggestions: tuple[str, ...] = ()
    for term in tries:
        for form in dict.fromkeys((term, _POSSESSIVE.sub("", term))):
            found = index.lookup(form)
            if found.match is not None or found.candidates:
                return LookupResult(text, found.match, found.candidates)
            suggestions = suggestions or found.suggestions
    return LookupResult(text, None, (), suggestions)


def short_term(text: str) -> bool:
    """Could `text` be a term typed on its own ("cominfrom", "joliot curie", "PCF")? At most four
    words, no sentence punctuation: "Khrushchev." with a full stop is an answer."""
    line = tidy(text).strip()
    return bool(line) and not line.endswith((".", ",", ";", "!")) and "," not in line and 0 < len(normalise(line).split()) <= 4


def near(index: GlossaryIndex, result: LookupResult, closeness: float = 0.7) -> tuple[Entry, ...]:
    """The suggested entries of a missed lookup whose names are close to what was typed."""
    key = normalise(parse_question(result.query) or tidy(result.query))
    close = []
    for term in result.suggestions:
        entry = index.lookup(term).match
        if entry is not None and max(SequenceMatcher(None, key, normalise(n)).ratio()
                                     for n in (entry.term, *entry.aliases)) >= closeness:
            close.append(entry)
    return tuple(close)


def names(entries: Iterable[Entry]) -> dict[str, tuple[str, ...]]:
    """Entry id -> its term and aliases, normalised: computed once for `rank`."""
    return {e.id: tuple(normalise(n) for n in (e.term, *e.aliases)) for e in entries}


def rank(index: GlossaryIndex, entries: Sequence[Entry], text: str,
         keys: dict[str, tuple[str, ...]] | None = None) -> list[Entry]:
    """`entries` that fit `text`, best first: the entry the question resolves to (so an exact
    term or alias always leads), then names equal to, starting with, or containing the words,
    then close spellings. Empty text keeps every entry in its order."""
    key = normalise(parse_question(tidy(text)) or _clean(tidy(text)) or "")
    if not key:
        return list(entries)
    keys = keys if keys is not None else names(entries)
    result = resolve(index, text)
    graded = []
    for order, entry in enumerate(entries):
        own = keys.get(entry.id) or names([entry])[entry.id]
        if key == own[0]:
            grade = 0
        elif key in own:
            grade = 1
        elif any(n.startswith(key) for n in own):
            grade = 2
        elif any(f" {key}" in f" {n}" for n in own):
            grade = 3
        elif any(key in n for n in own):
            grade = 4
        else:
            continue
        graded.append((grade, entry.term.casefold(), order, entry))
    wanted = {e.id for e in entries}
    first = [result.match] if result.match is not None else list(result.candidates)
    close = [e for e in entries if e.term in result.suggestions]
    ordered = {e.id: e for e in first + [g[-1] for g in sorted(graded, key=lambda g: g[:3])] + close
               if e.id in wanted}
    return list(ordered.values())
