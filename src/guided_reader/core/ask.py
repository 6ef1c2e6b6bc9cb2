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

from guided_reader.core.glossary import GlossaryIndex, LookupResult, normalise, tokens
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
    r"(?:(?:what|who|wat)(?:\s+exactly)?(?:\s+(?:is|was|were|are)|['’ʼ](?:s|re))(?:\s+exactly)?(?:\s+meant\s+by)?"
    r"|whats|whos|what\s+do\s+you\s+mean\s+by|(?:info(?:rmation)?|more)\s+on"
    r"|(?:define|explain|describe|identify):?|tell\s+me\s+(?:more\s+)?about|what\s+about|meaning\s+of"
    r"|c['’]est\s+quoi|was\s+bedeutet|che\s+cos(?:['’]|a\s+)(?:[eè]|era)"
    r"|(?:qui[eé]n|qu[eé])\s+(?:es|fue|era|son|fueron|eran)"
    r"|qui\s+(?:est|[eé]tait|sont|[eé]taient)|qu['’]est[\s-]ce\s+que(?:\s+c['’]est)?(?:\s+que)?"
    r"|chi\s+(?:[eè]|era|sono|erano|fu)|cos['’][eè]|cosa\s+(?:[eè]|era)"
    r"|(?:wer|was)\s+(?:ist|war|sind|waren))\s+(?P<x>.+)",
    re.IGNORECASE | re.DOTALL)
# Words around a question that ask nothing themselves: "so", "can you", "again", "in this essay".
_LEAD = re.compile(r"^(?:(?:so|and|ok|okay|well|but|hey|hi|please|sorry|also|then|now|quick\s+question)\b[,:]?\s+"
                   r"|(?:can|could|would|will)\s+you\s+(?:please\s+)?|i\s+(?:would|'d)\s+like\s+to\s+know\s+)+",
                   re.IGNORECASE)
_TAIL = re.compile(r"(?:[\s,]+(?:again|exactly|anyway|please|then|here|for\s+me|to\s+me|briefly|in\s+(?:this|the)\s+"
                   r"(?:context|essay|text|passage|article)|stand\s+for))+$", re.IGNORECASE)
_FILLER = frozenset(
    "what whats wat who whos whom which is was were are s the a an so and ok okay well but hey please sorry also "
    "then can could would will you me us tell more about explain define describe identify exactly again anyway "
    "thing things stand stands for mean means meaning meant by of do does did i dont know remind info information "
    "on in this that context here essay text passage article it its he she they him her his them be briefly "
    "mentioned called term word name refer refers to le la les l un une quoi c cest est ce que qui bedeutet ist war der die das "
    "che cosa cose e era chi es fue quien el los".split())
_ASKING = frozenset("what whats wat who whos whom explain define describe remind tell mean meaning meant info "
                    "information quoi bedeutet cosa cose quien qui chi".split())
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
    body = _TAIL.sub("", _LEAD.sub("", body)).rstrip(_CLOSE)
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
    named = _named(index, line)
    return LookupResult(text, named, (), () if named else suggestions)


def _named(index: GlossaryIndex, line: str) -> Entry | None:
    """The one entry a question names when every other word only asks ("remind me who Kadar
    was", "Thorez, who is he?"); None if it names several, or says more ("what happened at X?")."""
    spans = index.spot(line)
    if len({s.entry_id for s in spans}) != 1:
        return None
    covered = [(s.start, s.end) for s in spans]
    rest = [word for word, start, _ in tokens(line) if not any(a <= start < b for a, b in covered)]
    if not (line.rstrip().endswith("?") or _ASKING & set(rest)):  # "it was Stalin" is an answer
        return None
    return index.entry(spans[0].entry_id) if all(word in _FILLER for word in rest) else None


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
