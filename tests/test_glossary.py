"""Glossary normalisation, question parsing, lookup stages, spotting and occurrences."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guided_reader.core.ask import parse_question
from guided_reader.core.glossary import (
    _APOSTROPHES,
    _LETTER,
    _WORD,
    GlossaryIndex,
    LookupResult,
    Span,
    _depluralise,
    normalise,
    tokens,
)
from guided_reader.core.model import Entry, Section


def entry(id: str, term: str, *aliases: str, kind: str = "person") -> Entry:
    return Entry(id=id, term=term, kind=kind, short="s", note="n", aliases=aliases)


GLOSSARY = (
    entry("khrushchev", "Khrushchev", "Nikita Khrushchev", "N. S. Khrushchev"),
    entry("cominform", "Cominform", "Communist Information Bureau", kind="organisation"),
    entry("comintern", "Communist International", "Comintern", kind="organisation"),
    entry("international", "International", kind="concept"),
    entry("fellow-traveller", "fellow traveller", kind="concept"),
    entry("joliot-curie", "Joliot-Curie", "Frédéric Joliot-Curie"),
    entry("manifesto", "Manifesto of the 101", kind="publication"),
    entry("tito", "Tito", "Josip Broz Tito"),
    entry("poznan", "Poznań", "Poznan riots", kind="event"),
    entry("unita", "l'Unità", "Unità", kind="publication"),
    entry("ussr", "Soviet Union", "USSR", kind="place"),
    entry("thorez", "Thorez", "Maurice Thorez"),
    entry("stalinism", "Stalinism", kind="concept"),
    entry("stalinist", "Stalinist", kind="concept"),
    entry("pcf", "French Communist Party", "PCF", "Party", kind="organisation"),
    entry("pci", "Italian Communist Party", "PCI", "Party", kind="organisation"),
    entry("party-line", "party line", kind="concept"),
)


@pytest.fixture(scope="module")
def index() -> GlossaryIndex:
    return GlossaryIndex(GLOSSARY)


# -- normalise and tokens ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Cominform", "cominform"),
        ("  COMINFORM \t\n", "cominform"),
        ("Poznań", "poznan"),
        ("Unità", "unita"),
        ("Soviétique", "sovietique"),
        ("Poznan\u0301", "poznan"),  # decomposed accent, as pasted from some PDFs
        ("manœuvre", "maneuver"),  # ligature folded, then the American spelling
        ("fellow-travellers", "fellow travelers"),
        ("Labour Party", "labor party"),
        ("de-Stalinisation", "de stalinization"),
        ("centre", "center"),
        ("Æsop", "aesop"),
        ("Straße", "strasse"),
        ("Gomułka", "gomulka"),
        ("Joliot-Curie", "joliot curie"),
        ("Joliot Curie", "joliot curie"),
        ("joliot   —  curie", "joliot curie"),
        ("Khrushchev's", "khrushchevs"),
        ("Khrushchev’s", "khrushchevs"),
        ("l'Unità", "lunita"),
        ('"fellow-travellers"', "fellow travelers"),
        ("«Cominform»", "cominform"),
        ("U.S.S.R.", "ussr"),
        ("U.S.S.R", "ussr"),
        ("the U.S.Steel", "the us steel"),
        ("A. Rossi", "a rossi"),
        ("Manifesto of the 101", "manifesto of the 101"),
        ("", ""),
        ("   ", ""),
        ("?!.,;", ""),
        ("\x1b[31mTito\x1b[0m", "31mtito 0m"),
        ("🙂 Tito 🙂", "tito"),
    ],
)
def test_normalise(text, expected):
    assert normalise(text) == expected


def test_tokens_carry_offsets_into_the_original_text():
    text = "Frédéric Joliot-Curie’s «manœuvre»"
    found = tokens(text)
    assert [t for t, _, _ in found] == ["frederic", "joliot", "curies", "maneuver"]
    assert [text[s:e] for _, s, e in found] == ["Frédéric", "Joliot", "Curie’s", "manœuvre"]


# -- parse_question ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("what is zhdanovism", "zhdanovism"),
        ("What was the Cominform?", "Cominform"),
        ("what were the fellow travellers?", "fellow travellers"),
        ("what's a Popular Front", "Popular Front"),
        ("What’s Titoism?", "Titoism"),
        ("who is Thorez", "Thorez"),
        ("Who was Tito!", "Tito"),
        ("WHO WERE the Bolsheviks.", "Bolsheviks"),
        ("define an apparatchik", "apparatchik"),
        ("Explain  the Cominform", "Cominform"),
        ("tell me about Joliot-Curie?", "Joliot-Curie"),
        ("Thorez?", "Thorez"),
        ("the Cominform?", "Cominform"),
        ("?zhdanovism", "zhdanovism"),
        ("  ?  Thorez ? ", "Thorez"),
        ("?Manifesto of the 101", "Manifesto of the 101"),
        ("what does Titoism mean?", "Titoism"),
        ("What is the U.S.S.R.?", "U.S.S.R"),
        ('what is "democratic centralism"?', "democratic centralism"),
        ("I think he was wrong", None),
        ("yes", None),
        ("", None),
        ("   ", None),
        ("?", None),
        ("???", None),
        ("what?", None),
        ("what is it?", None),
        ("Because he feared Moscow?", None),
        ("Is this about Hungary?", None),
        ("He wanted to know what was going on in Moscow and why it mattered to Paris?", None),
    ],
)
def test_parse_question(text, expected):
    assert parse_question(text) == expected


# -- lookup -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected_id"),
    [
        # exact term, any case or spacing
        ("Cominform", "cominform"),
        ("  cominform  ", "cominform"),
        ("the Cominform", "cominform"),
        ("?Cominform", "cominform"),
        # alias
        ("Comintern", "comintern"),
        ("communist information bureau", "cominform"),
        ("USSR", "ussr"),
        # accent-, punctuation- and apostrophe-insensitive
        ("poznan", "poznan"),
        ("Joliot Curie", "joliot-curie"),
        ("joliot-curie", "joliot-curie"),
        ("Frederic Joliot Curie", "joliot-curie"),
        ("L’Unita", "unita"),
        ("unita", "unita"),
        ("u.s.s.r.", "ussr"),
        ("U.S.S.R", "ussr"),
        # possessive and plural
        ("Khrushchev's", "khrushchev"),
        ("Khrushchev’s", "khrushchev"),
        ("Cominforms", "cominform"),
        ("fellow travellers", "fellow-traveller"),
        ("fellow-travellers", "fellow-traveller"),
        # prefix on word boundaries
        ("Joliot", "joliot-curie"),
        ("Manifesto", "manifesto"),
        ("the manifesto of the", "manifesto"),
        ("Nikita", "khrushchev"),
        # fuzzy, one clear winner
        ("Kruschev", "khrushchev"),
        ("Khrushchov", "khrushchev"),
        ("Cominfrom", "cominform"),
        ("Thores", "thorez"),
    ],
)
def test_lookup_finds_the_entry(index, query, expected_id):
    result = index.lookup(query)
    assert result.match is not None, result
    assert result.match.id == expected_id
    assert result.candidates == ()
    assert result.query == query


def test_exact_match_wins_over_prefixes():
    idx = GlossaryIndex([entry("affair", "Tito Affair"), entry("tito", "Tito"),
                         entry("line", "Tito line")])
    assert idx.lookup("tito").match.id == "tito"
    assert idx.lookup("the Tito").candidates == ()
    without_tito = GlossaryIndex([entry("affair", "Tito Affair"), entry("line", "Tito line")])
    assert [e.id for e in without_tito.lookup("tito").candidates] == ["affair", "line"]


def test_term_beats_another_entrys_alias():
    idx = GlossaryIndex([entry("a", "Tito", "Marshal"), entry("b", "Broz", "Tito")])
    assert idx.lookup("tito").match.id == "a"


def test_shared_alias_is_ambiguous_with_candidates_in_glossary_order(index):
    result = index.lookup("the Party")
    assert result.match is None
    assert [e.id for e in result.candidates] == ["pcf", "pci"]
    assert result.suggestions == ()


def test_prefix_of_several_entries_offers_them_all(index):
    result = index.lookup("Communist")
    assert result.match is None
    assert [e.id for e in result.candidates] == ["cominform", "comintern"]


@pytest.mark.parametrize(
    ("query", "suggested"),
    [("Stalinisn", ("Stalinism", "Stalinist")),  # equally close to both
     ("Leninm", ("Lenin", "Leninism"))],  # closer to Lenin, but not clearly
)
def test_fuzzy_near_tie_is_a_suggestion_not_a_guess(query, suggested):
    idx = GlossaryIndex([*GLOSSARY, entry("lenin", "Lenin"), entry("leninism", "Leninism")])
    result = idx.lookup(query)
    assert result.match is None
    assert result.candidates == ()
    assert result.suggestions[:2] == suggested


def test_weak_fuzzy_hit_is_suggested_by_display_term(index):
    result = index.lookup("Khrush")
    assert result.match is None
    assert result.suggestions[0] == "Khrushchev"
    assert len(result.suggestions) <= 5


@pytest.mark.parametrize("query", ["xyzzy", "Hungary", "qwertyuiop asdfghjkl"])
def test_nothing_close_is_a_clean_miss(index, query):
    result = index.lookup(query)
    assert result == LookupResult(query, None, (), ())


@pytest.mark.parametrize(
    "query",
    ["", "   ", "🙂🙂", "\x00\x07\x1b[2J", "[bold]x[/]", "?" * 50, "x" * 100_000,
     "Cominform " * 10_000, "\ud800", "a"],
)
def test_lookup_accepts_any_string(index, query):
    result = index.lookup(query)
    assert result.query == query
    assert result.match is None or result.match in GLOSSARY


def test_lookup_on_empty_glossary():
    assert GlossaryIndex([]).lookup("Tito") == LookupResult("Tito", None, (), ())


def test_results_are_deterministic():
    a, b = GlossaryIndex(GLOSSARY), GlossaryIndex(GLOSSARY)
    for query in ["Party", "Stalinisn", "Khrush", "Communist", "Kruschev"]:
        assert a.lookup(query) == b.lookup(query)


# -- spotting ---------------------------------------------------------------------------------


def spotted(index: GlossaryIndex, text: str) -> list[tuple[str, str]]:
    return [(text[s.start : s.end], s.entry_id) for s in index.spot(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # longest first: not "International" alone
        ("the Communist International met", [("Communist International", "comintern")]),
        ("an International", [("International", "international")]),
        # possessive: the span stops before the 's, straight or curly
        ("Khrushchev's speech", [("Khrushchev", "khrushchev")]),
        ("KHRUSHCHEV’S speech", [("KHRUSHCHEV", "khrushchev")]),
        # plurals, including a hyphenated one against a spaced alias
        ("two Cominforms", [("Cominforms", "cominform")]),
        ("the fellow-travellers of Paris", [("fellow-travellers", "fellow-traveller")]),
        # word boundaries: Titoism is a doctrine, not the man; Titograd is a city
        ("Titoism and Titograd", []),
        ("Tito, Titoism", [("Tito", "tito")]),
        ("Stalinists", [("Stalinists", "stalinist")]),
        # accent-, case- and punctuation-insensitive
        ("riots in Poznan and poznań", [("Poznan", "poznan"), ("poznań", "poznan")]),
        ("Joliot Curie", [("Joliot Curie", "joliot-curie")]),
        ("read l’Unità daily", [("l’Unità", "unita")]),
        ("the U.S.S.R. and the USSR", [("U.S.S.R.", "ussr"), ("USSR", "ussr")]),
        # a multi-word key needs all its words
        ("the Manifesto of the party", [("party", "pcf")]),
        ("Manifesto of the 101.", [("Manifesto of the 101", "manifesto")]),
        ("", []),
        ("🙂 \x1b[0m", []),
    ],
)
def test_spot(index, text, expected):
    assert spotted(index, text) == expected


def test_spot_offsets_and_order_in_a_real_sentence(index):
    text = (
        "When Khrushchev’s report reached the French Communist Party, Maurice Thorez "
        "and the fellow-travellers around Frédéric Joliot-Curie fell silent."
    )
    spans = index.spot(text)
    assert spans == sorted(spans, key=lambda s: s.start)
    assert all(a.end <= b.start for a, b in zip(spans, spans[1:]))
    assert [(text[s.start : s.end], s.entry_id) for s in spans] == [
        ("Khrushchev", "khrushchev"),
        ("French Communist Party", "pcf"),
        ("Maurice Thorez", "thorez"),
        ("fellow-travellers", "fellow-traveller"),
        ("Frédéric Joliot-Curie", "joliot-curie"),
    ]
    assert spans[0] == Span(5, 15, "khrushchev")


def test_spot_shared_key_prefers_the_term_owner():
    idx = GlossaryIndex([entry("a", "Broz", "Tito"), entry("b", "Tito")])
    assert [s.entry_id for s in idx.spot("Tito")] == ["b"]


# -- spotting against plain reference implementations (hypothesis) --------------------------

PROPERTY = settings(max_examples=400, deadline=None)
# Words that make mentions, inflections, possessives, acronyms, accents and things folding to nothing.
VOCABULARY = ["Tito", "tito", "TITO", "Party", "party", "parties", "partys", "the", "The", "a", "an", "as",
              "Communist", "communists", "U.S.S.R.", "U.S.S.R", "USSR", "U.S", "Poznań", "poznan",
              "Poznan\u0301", "fellow", "traveller", "travellers", "Khrushchev", "l'Unità", "unita", "boxes",
              "box", "cities", "city", "ss", "s", "_", "x_y", "101", "œuvre"]
GLUE = [" ", " ", " ", "-", "'s", "’s", "s", "es", "'", ".", ". ", ", ", "_", " _ ", "—", "\u0301", "é"]
phrase = st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=3).map(" ".join)
key_text = st.one_of(phrase, phrase, st.text(max_size=6))
glossaries = st.lists(st.tuples(key_text, st.lists(key_text, max_size=3)), min_size=1, max_size=8).map(
    lambda specs: [entry(f"e{n}", term, *aliases) for n, (term, aliases) in enumerate(specs)])


def passages(names: list[str]) -> st.SearchStrategy[str]:
    """Text glued from the glossary's own names (so multi-word mentions are common), loose
    words, the glue between and around them, and anything at all."""
    respaced = st.tuples(st.sampled_from(names), st.sampled_from(GLUE)).map(lambda ng: ng[0].replace(" ", ng[1]))
    piece = st.one_of(st.sampled_from(names), respaced, st.sampled_from(VOCABULARY), st.sampled_from(GLUE),
                      st.sampled_from(GLUE), st.text(max_size=3))
    return st.lists(piece, max_size=40).map("".join)


def names(entries) -> list[str]:
    return [e.term for e in entries] + [a for e in entries for a in e.aliases]


# The word pattern as first written: an acronym, else letters with apostrophes inside.
PLAIN_WORD = re.compile(rf"[^\W\d_](?:\.[^\W\d_])+(?!\w)\.?|{_LETTER}+(?:[{_APOSTROPHES}]{_LETTER}+)*")


def reference_spot(entries: list[Entry], text: str) -> list[Span]:
    """Spotting in its plainest form: from each word, every length of mention tried against
    every key; the longest wins, then the next word after it."""
    keys: dict[tuple[str, ...], str] = {}
    for written, owner in [(e.term, e) for e in entries] + [(a, e) for e in entries for a in e.aliases]:
        keys.setdefault(tuple(normalise(written).split()), owner.id)  # a term beats an alias
    words, spans, i = tokens(text), [], 0
    while i < len(words):
        found = None
        for j in range(i, len(words)):
            norm, _, end = words[j]
            raw = text[words[j][1] : end]
            if len(raw) > 2 and raw[-2] in _APOSTROPHES and raw[-1] in "sS" and len(norm) > 1:
                lasts = [(norm, end), (norm[:-1], end - 2)]  # possessive: the name without its 's
            else:
                lasts = [(norm, end)] + [(form, end) for form in _depluralise(norm)]
            head = tuple(w for w, _, _ in words[i:j])
            hits = [(stop, keys[(*head, last)]) for last, stop in lasts if (*head, last) in keys]
            if hits:
                found = (j, Span(words[i][1], *hits[0]))
        if found:
            spans.append(found[1])
            i = found[0] + 1
        else:
            i += 1
    return spans


@PROPERTY
@given(text=st.one_of(passages(names(GLOSSARY)), st.text()))
def test_the_word_pattern_finds_what_the_plain_one_does(text):
    assert [m.span() for m in _WORD.finditer(text)] == [m.span() for m in PLAIN_WORD.finditer(text)]


@PROPERTY
@given(entries=glossaries, data=st.data())
def test_spot_finds_what_the_reference_spotter_does(entries, data):
    text = data.draw(passages(names(entries)), label="text")
    assert GlossaryIndex(entries).spot(text) == reference_spot(entries, text)


@PROPERTY
@given(text=passages(names(GLOSSARY)))
def test_spot_on_the_test_glossary_finds_what_the_reference_spotter_does(index, text):
    assert index.spot(text) == reference_spot(list(GLOSSARY), text)


# -- occurrences ------------------------------------------------------------------------------


def section(id: str, first: int, last: int) -> Section:
    return Section(id=id, title=id, first=first, last=last, intro="i", recap="r")


def test_occurrences_lists_sections_in_reading_order_once_each(index):
    paragraphs = [
        "Thorez and the Cominform.",
        "The Cominform again, and Thorez's silence.",
        "Nothing here.",
        "Khrushchev's speech; the Cominform dissolved.",
    ]
    found = index.occurrences([section("one", 1, 2), section("two", 3, 3), section("three", 4, 4)],
                              paragraphs)
    assert found["cominform"] == ("one", "three")
    assert found["thorez"] == ("one",)
    assert found["khrushchev"] == ("three",)
    assert found["tito"] == ()
    assert set(found) == {e.id for e in GLOSSARY}


def test_occurrences_ignores_paragraph_numbers_past_the_text(index):
    assert index.occurrences([section("s", 1, 5)], ["Tito"])["tito"] == ("s",)


# -- scale ------------------------------------------------------------------------------------


def _name(i: int) -> str:
    letters = "abcdefghijklmnopqrstuvwxyz"
    return "".join(letters[(i // 26**k) % 26] for k in range(3)).capitalize()


@pytest.fixture(scope="module")
def big() -> tuple[GlossaryIndex, list[Entry]]:
    entries = [
        entry(f"e{i}", f"Zed{_name(i)}", f"Vex {_name(i)} Qua", f"Vex {_name(i)} Qua Rho",
              f"Yon{_name(i)}-{_name(i)}", f"Wim {_name(i)}")
        for i in range(10_000)
    ]
    return GlossaryIndex([*entries, *GLOSSARY]), entries


def test_spot_on_a_large_glossary_returns_every_mention(big):
    idx, entries = big
    parts, expected, pos = [], [], 0
    for n, e in enumerate(entries[::7]):
        mention = (e.term, e.aliases[1], f"{e.term}’s", e.aliases[2], e.aliases[3])[n % 5]
        shown = mention[:-2] if mention.endswith("’s") else mention
        filler = ("and the", "said", "Vex", "Qua Rho")[n % 4] + " "
        parts.append(filler)
        pos += len(filler)
        expected.append((shown, e.id, pos))
        parts.append(mention + ". ")
        pos += len(mention) + 2
    text = "".join(parts)
    assert len(text.split()) > 2_000
    spans = idx.spot(text)
    assert [(text[s.start : s.end], s.entry_id, s.start) for s in spans] == expected


def test_fuzzy_lookup_finds_the_meant_entry_among_thousands(big):
    idx, _ = big
    assert idx.lookup("Kruschev").match.id == "khrushchev"
    assert idx.lookup("Cominfrom").match.id == "cominform"
