"""Full-text search (issue 14): paraphrases find the paragraph, FTS5 and the Python fallback agree,
hostile queries get a clear answer, `search --json` keeps its shape, `lookup --json` adds passages,
and the chat and plain mode answer a question no note fits with passages to jump to."""

from __future__ import annotations

import io
import json

import pytest

from guided_reader.cli import main
from guided_reader.core.guide import Guide, GuideState
from guided_reader.core.loader import load_pack
from guided_reader.core.messages import Jump
from guided_reader.core.paths import cache_dir, default_pack_dir
from guided_reader.core.search import SearchIndex, query_words, stem
from guided_reader.plain import run_plain

PACK = load_pack(default_pack_dir())
FTS = SearchIndex(PACK)
PLAIN = SearchIndex(PACK, fts=False)

# A reader's paraphrase, and the paragraph of the essay that answers it (checked by reading it).
PARAPHRASES = [
    ("why did the Italian party condemn the Budapest revolt?", 23),
    ("what happened at Battersea?", 27),
    ("when did the New York Times print the secret report?", 5),
    ("riots of workers in Poznan", 14),
    ("Togliatti and polycentrism", 22),
    ("Sartre breaks with the communists over Hungary", 19),
    ("how did the British party lose members?", 27),
    ("Aimé Césaire's letter to Thorez", 19),
]


@pytest.mark.parametrize("index", [FTS, PLAIN], ids=["fts5", "python"])
@pytest.mark.parametrize(("query", "paragraph"), PARAPHRASES)
def test_a_paraphrase_finds_its_paragraph_among_the_first_three(index, query, paragraph):
    hits = index.search(query, 3, kinds=("essay",))
    assert paragraph in [h.paragraph for h in hits], [(h.paragraph, h.snippet[:60]) for h in hits]


def test_fts5_and_the_fallback_rank_alike():
    assert FTS.fts and not PLAIN.fts
    for query, _ in PARAPHRASES:
        assert [h.paragraph for h in FTS.search(query, 5)] == [h.paragraph for h in PLAIN.search(query, 5)]


def test_folding_accents_case_plurals_and_spelling():
    assert query_words("Poznań RIOTS") == query_words("poznan riot")
    assert query_words("the Labour parties") == query_words("labor party")
    assert stem("condemned") == stem("condemning") == stem("condemn")
    assert [h.paragraph for h in FTS.search("Poznań", 3)] == [h.paragraph for h in FTS.search("POZNAN", 3)]


@pytest.mark.parametrize("query", ["", "   ", "\x00", "the of and", '"', "*", "NEAR", "OR", "((", ")",
                                   'NEAR("x" OR *', "\x1b]0;pwned\x07", "x" * 100_000, "\x00Battersea\x00"])
@pytest.mark.parametrize("index", [FTS, PLAIN], ids=["fts5", "python"])
def test_hostile_queries_are_only_words(index, query):
    hits = index.search(query, 5)
    if "Battersea" in query:
        assert hits and hits[0].paragraph == 27
    for hit in hits:
        assert 1 <= hit.paragraph <= len(PACK.paragraphs)


def test_a_long_paste_is_searched_by_its_first_words():
    assert FTS.search("Battersea " + "word " * 50_000, 3)[0].paragraph == 27


def test_the_index_is_cached_beside_the_compiled_pack_and_a_broken_cache_is_rebuilt():
    first = SearchIndex.for_pack(PACK)
    files = list(cache_dir().glob("search-*.sqlite"))
    assert len(files) == 1 and first.fts
    again = SearchIndex.for_pack(PACK)
    assert [h.paragraph for h in again.search("Battersea")] == [27]
    files[0].write_bytes(b"not a database")
    rebuilt = SearchIndex.for_pack(PACK)
    assert [h.paragraph for h in rebuilt.search("Battersea")] == [27]


# -- the command line ---------------------------------------------------------------------------

def test_search_json_shape_and_rank(capsys):
    assert main(["search", "Battersea", "congress", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert list(data) == ["query", "hits"] and data["query"] == "Battersea congress"
    assert data["hits"][0] == {"section": "the-smaller-parties", "section_title": PACK.sections[11].title,
                               "paragraph": 27, "snippet": data["hits"][0]["snippet"]}
    assert "Battersea" in data["hits"][0]["snippet"]
    assert all(set(h) == {"section", "section_title", "paragraph", "snippet"} for h in data["hits"])


@pytest.mark.parametrize("words", [["zzqqxx"], ['"', "*"], ["OR", "AND", "("], ["NOT(", "^"], ["\x1b[31m"]])
def test_search_that_matches_nothing_exits_1(words, capsys):
    assert main(["search", *words]) == 1
    out = capsys.readouterr().out
    assert "Nothing in the essay" in out and "\x1b" not in out


def test_search_without_words_is_bad_input(capsys):
    assert main(["search", "   "]) == 2
    assert "needs some words" in capsys.readouterr().err


def test_search_text_names_section_and_paragraph(capsys):
    assert main(["search", "Poznan riots"]) == 0
    assert capsys.readouterr().out.startswith("6. Poznan, Poland and Hungary: the catalyst, paragraph 14:")


def test_lookup_json_adds_passages_for_a_question_no_entry_fits(capsys):
    assert main(["lookup", "why did the Italian party condemn the Budapest revolt?", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["match"] is None and 23 in [p["paragraph"] for p in data["passages"]]
    assert main(["lookup", "Cominform", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["passages"] == []


def test_a_misspelt_subcommand_is_named(capsys):
    assert main(["jornal"]) == 2
    err = capsys.readouterr().err
    assert "is not a pack folder" in err and "Did you mean `guided-reader journal`?" in err


# -- the chat and plain mode --------------------------------------------------------------------

def test_the_guide_offers_passages_and_a_number_jumps_there():
    guide = Guide(PACK)
    state = guide.enter(GuideState(), 0).state
    reply = guide.handle(state, "why did the Italian party condemn the Budapest revolt?")
    offer = next(m for m in reply.messages if m.kind == "passages")
    assert 1 <= len(offer.items) <= 3 and offer.items[0].startswith("Section 11, paragraph 23: ")
    assert reply.state.prompt == state.prompt and not reply.events  # nothing stored as an answer
    jumped = guide.handle(reply.state, "1")
    assert jumped.state.section == 10 and jumped.state.paragraph == 23
    assert isinstance(jumped.events[0], Jump) and "budapest" in jumped.events[0].words
    # the offer lasts one line: a later "1" is no longer a jump
    assert not any(isinstance(e, Jump) for e in guide.handle(jumped.state, "1").events)


def test_the_guide_says_it_has_nothing_only_when_nothing_fits():
    guide = Guide(PACK)
    reply = guide.handle(GuideState(), "what is a zzqqxx?")
    assert [m.kind for m in reply.messages] == ["reader", "info"]
    assert "no passage of the essay matches" in reply.messages[1].text


def test_plain_mode_numbers_the_passages_and_prints_the_chosen_one():
    stdin = io.StringIO("what happened at Battersea?\n1\n")
    stdout = io.StringIO()
    run_plain(PACK, stdin=stdin, stdout=stdout)
    out = stdout.getvalue()
    assert "From the essay: No glossary note answers" in out
    assert "  1. Section 12, paragraph 27: " in out
    assert "[27] Lenin's dream" in out  # the section it jumped to, with the paragraph


@pytest.mark.parametrize("text", ["\x00", "x" * 100_000, 'NEAR("x" OR *', "((", "\x1b[31mred\x1b[0m?",
                                  "why " + "Battersea " * 20_000 + "?", "what is \x00Battersea?"])
def test_hostile_lines_in_the_chat_get_a_short_clear_answer(text):
    guide = Guide(PACK)
    for state in (GuideState(), guide.enter(GuideState(), 0).state):
        reply = guide.handle(state, text)
        said = [m for m in reply.messages if m.kind != "reader"]
        assert said and all(len(m.text) < 2_000 for m in said if m.kind in ("info", "passages"))
        assert not any(type(e).__name__ == "Answered" for e in reply.events) or state.prompt


def test_a_limit_below_one_is_bad_input(capsys):
    assert main(["search", "Battersea", "--limit", "0"]) == 2
    assert "--limit must be 1 or more" in capsys.readouterr().err
    assert main(["search", "Poznan", "--limit", "1", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["hits"]) == 1


def test_without_fts5_the_python_ranking_serves_and_nothing_is_cached(monkeypatch):
    import guided_reader.core.search as search

    monkeypatch.setattr(search, "_fts5", lambda conn: False)
    index = SearchIndex.for_pack(PACK)
    assert not index.fts and index.search("Battersea")[0].paragraph == 27
    assert not list(cache_dir().glob("search-*.sqlite"))


def test_a_cache_folder_that_cannot_be_written_only_costs_time(monkeypatch, tmp_path):
    import guided_reader.core.paths as paths

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    monkeypatch.setattr(paths, "cache_dir", lambda: blocker / "cache")
    assert SearchIndex.for_pack(PACK).search("Battersea")[0].paragraph == 27


def test_the_essays_own_paragraphs_come_before_the_guides_notes_and_prompts():
    kinds = [h.kind for h in FTS.search("Sartre Budapest Hungary", 10)]
    assert kinds[0] == "essay" and "note" in kinds
    assert kinds == sorted(kinds, key=lambda k: k != "essay")


@pytest.mark.parametrize("line", ["²", "١", "½", "1²"])
def test_digits_that_are_not_ascii_pick_nothing(line):
    guide = Guide(PACK)
    offered = guide.handle(guide.enter(GuideState(), 0).state, "what happened at Battersea?").state
    reply = guide.handle(offered, line)
    assert not any(isinstance(e, Jump) for e in reply.events)
