"""The guide as tables of (state, input) -> (messages, new state), and the session over a real store.

Everything runs on the mini pack from `tests/minipack.py`:
section 1 "The opening" (paragraphs 1-2): note on the Cominform; prompts `why-silent` (with a
hint) and `pick-one` (choices Moscow / Paris, `once`); section 2 "The ending" (paragraphs 3-4):
prompt `crisis`. "Duclos" is an alias of two entries; "Poznan riots" is hidden until section 2.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from guided_reader.core.guide import COMMANDS, Guide, GuideState
from guided_reader.core.loader import load_pack
from guided_reader.core.messages import Answered, Bookmarked, Completed, LookedUp, Request
from guided_reader.core.session import Session
from guided_reader.core.store import Store

from minipack import ESSAY, GLOSSARY, SECTIONS, write_pack

OPENING_ASK = "Why might Thorez say little?"
CHOICE_ASK = "Which matters more here?"
CRISIS_ASK = "What changed?"


@pytest.fixture(scope="module")
def pack(tmp_path_factory):
    return load_pack(write_pack(tmp_path_factory.mktemp("mini")))


@pytest.fixture(scope="module")
def guide(pack):
    return Guide(pack)


def named_state(name: str) -> GuideState:
    """The states the tables start from, spelled out so each row says where the reader is."""
    return {
        # section 1 just entered: the first question is open
        "start": GuideState(section=0, prompt="why-silent", paragraph=1),
        # first question answered, the choice question open
        "choice": GuideState(section=0, prompt="pick-one", done=("why-silent",),
                             answered=frozenset({"why-silent"}), paragraph=1),
        # both questions of section 1 finished, nothing open
        "s1-free": GuideState(section=0, prompt=None, done=("why-silent", "pick-one"),
                              answered=frozenset({"why-silent", "pick-one"}), paragraph=1),
        # section 2 just entered, both section-1 questions answered earlier
        "s2": GuideState(section=1, prompt="crisis", answered=frozenset({"why-silent", "pick-one"}),
                         completed=("opening",), paragraph=3),
        # section 2 with its question finished
        "s2-free": GuideState(section=1, prompt=None, done=("crisis",), completed=("opening",), paragraph=3),
        # past the end of the essay
        "finished": GuideState(section=1, prompt=None, done=("crisis",), completed=("opening", "ending"),
                               paragraph=3, finished=True),
    }[name]


def kinds(reply) -> list[str]:
    return [m.kind for m in reply.messages]


# -- entering a section ------------------------------------------------------------------------


def test_entering_section_one_shows_heading_intro_notes_terms_then_first_prompt(guide):
    reply = guide.enter(GuideState(), 0)
    assert kinds(reply) == ["heading", "guide", "note", "terms", "prompt"]
    heading, intro, note, terms, prompt = reply.messages
    assert (heading.title, heading.text) == ("Section 1 of 2", "The opening")
    assert intro.text == "Watch who speaks and who stays silent."
    assert (note.title, note.entry) == ("Cominform", "cominform")
    assert note.text == "The bureau matters here because both parties belonged to it."
    assert terms.items == ("cominform", "thorez", "khrushchev")
    assert terms.text == "Terms in this passage: Cominform, Thorez, Khrushchev."
    assert (prompt.text, prompt.prompt, prompt.items) == (OPENING_ASK, "why-silent", ())
    assert reply.state == GuideState(section=0, prompt="why-silent", paragraph=1)


def test_entering_section_two_lists_its_own_terms_and_prompt(guide):
    reply = guide.enter(GuideState(), 1)
    assert kinds(reply) == ["heading", "guide", "terms", "prompt"]  # no notes in section 2
    assert reply.messages[0].title == "Section 2 of 2"
    # "Duclos letter" is spotted as the longer term, not as the ambiguous "Duclos".
    assert reply.messages[2].items == ("poznan", "cominform", "unita", "duclos-letter")
    assert reply.messages[3].prompt == "crisis"
    assert (reply.state.section, reply.state.paragraph, reply.state.prompt) == (1, 3, "crisis")


def test_choice_prompt_carries_its_labels(guide):
    reply = guide.handle(named_state("start"), "")
    assert reply.messages[-1].items == ("Moscow", "Paris")


# -- the table ---------------------------------------------------------------------------------
# (start state, reader input, message kinds, (kind, text fragment) pairs in order, state fields, events)

ANSWER = Answered("opening", "why-silent", "He feared Moscow")

ROWS = [
    # answering: recorded, reflected, next prompt
    ("start", "He feared Moscow", ["reader", "guide", "prompt"],
     [("reader", "He feared Moscow"), ("guide", "Silence kept his options open."), ("prompt", CHOICE_ASK)],
     {"prompt": "pick-one", "done": ("why-silent",), "answered": frozenset({"why-silent"})}, [ANSWER]),
    # a question mark at the end of a real answer does not make it a lookup
    ("start", "Because he feared Moscow?", ["reader", "guide", "prompt"],
     [("guide", "Silence kept his options open.")],
     {"prompt": "pick-one"}, [Answered("opening", "why-silent", "Because he feared Moscow?")]),
    # empty input and /skip move past the open prompt without recording anything
    ("start", "", ["prompt"], [("prompt", CHOICE_ASK)],
     {"prompt": "pick-one", "done": ("why-silent",), "answered": frozenset()}, []),
    ("start", "/skip", ["reader", "prompt"], [("prompt", CHOICE_ASK)],
     {"prompt": "pick-one", "done": ("why-silent",), "answered": frozenset()}, []),
    ("s1-free", "/skip", ["reader", "info"], [("info", "No question is open")], {"prompt": None}, []),
    # hints
    ("start", "/hint", ["reader", "guide"], [("guide", "Think about Moscow.")], {"prompt": "why-silent"}, []),
    ("choice", "/hint", ["reader", "guide"], [("guide", "No hint for this one")], {"prompt": "pick-one"}, []),
    ("s1-free", "/hint", ["reader", "info"], [("info", "No question is open")], {"prompt": None}, []),
    # choices by number or label, each with its own reply; anything else is a free answer
    ("choice", "1", ["reader", "guide", "info"],
     [("guide", "Moscow set the line."), ("info", "Press Enter to go on to the next section")],
     {"prompt": None, "done": ("why-silent", "pick-one")}, [Answered("opening", "pick-one", "Moscow", "Moscow")]),
    ("choice", "2.", ["reader", "guide", "info"], [("guide", "Paris had its own reasons.")],
     {"prompt": None}, [Answered("opening", "pick-one", "Paris", "Paris")]),
    ("choice", "paris", ["reader", "guide", "info"], [("guide", "Paris had its own reasons.")],
     {"prompt": None}, [Answered("opening", "pick-one", "Paris", "Paris")]),
    ("choice", "MOSCOW", ["reader", "guide", "info"], [("guide", "Moscow set the line.")],
     {"prompt": None}, [Answered("opening", "pick-one", "Moscow", "Moscow")]),
    ("choice", "3", ["reader", "guide", "info"], [("guide", "Both, in the end.")],
     {"prompt": None}, [Answered("opening", "pick-one", "3")]),
    ("choice", "A bit of both", ["reader", "guide", "info"], [("guide", "Both, in the end.")],
     {"prompt": None, "answered": frozenset({"why-silent", "pick-one"})},
     [Answered("opening", "pick-one", "A bit of both")]),
    # empty input with nothing open: recap, then the next section
    ("s1-free", "", ["recap", "heading", "guide", "terms", "prompt"],
     [("recap", "Silence was a policy."), ("heading", "The ending"), ("guide", "Now the crisis arrives."),
      ("prompt", CRISIS_ASK)],
     {"section": 1, "prompt": "crisis", "done": (), "completed": ("opening",), "paragraph": 3},
     [Completed("opening")]),
    ("s2", "", ["info"], [("info", "Press Enter to finish the essay")], {"prompt": None, "done": ("crisis",)}, []),
    ("s2-free", "", ["recap", "info"],
     [("recap", "The crisis could not be hidden."), ("info", "end of the essay (2 of 2 sections completed)")],
     {"finished": True, "completed": ("opening", "ending")}, [Completed("ending")]),
    # past the end, Enter says where the reader is without repeating the recap
    ("finished", "", ["info"], [("info", "end of the essay")], {"finished": True, "section": 1}, []),
    # navigation
    ("start", "/next", ["reader", "recap", "heading", "guide", "terms", "prompt"],
     [("recap", "Silence was a policy."), ("prompt", CRISIS_ASK)],
     {"section": 1, "prompt": "crisis", "completed": ("opening",)}, [Completed("opening")]),
    ("start", "/back", ["reader", "info"], [("info", "This is the first section.")], {"section": 0}, []),
    # going back: a plain prompt is asked again, a `once` prompt already answered is not
    ("s2", "/back", ["reader", "heading", "guide", "note", "terms", "prompt"],
     [("heading", "The opening"), ("prompt", OPENING_ASK)],
     {"section": 0, "prompt": "why-silent", "done": (), "paragraph": 1, "completed": ("opening",)}, []),
    ("start", "/go 2", ["reader", "heading", "guide", "terms", "prompt"], [("heading", "The ending")],
     {"section": 1, "prompt": "crisis"}, []),
    ("s2", "/go the open", ["reader", "heading", "guide", "note", "terms", "prompt"], [("heading", "The opening")],
     {"section": 0}, []),
    ("s2", "/GO ending", ["reader", "heading", "guide", "terms", "prompt"], [("heading", "The ending")],
     {"section": 1, "prompt": "crisis", "done": ()}, []),
    ("start", "/go 0", ["reader", "info"], [("info", "There is no section 0: sections run from 1 to 2.")],
     {"section": 0, "prompt": "why-silent"}, []),
    ("start", "/go 3", ["reader", "info"], [("info", "There is no section 3")], {"section": 0}, []),
    ("start", "/go nowhere", ["reader", "info"], [("info", "Say which section: /go 1 to /go 2")], {"section": 0}, []),
    ("start", "/go", ["reader", "info"], [("info", "Say which section")], {"section": 0}, []),
    # listings and requests for the front end
    ("s2", "/contents", ["reader", "listing", "recall"],
     [("listing", "[x]  1. The opening (paragraphs 1-2)\n[*]  2. The ending (paragraphs 3-4)")],
     {"section": 1, "prompt": "crisis"}, [Request("contents")]),
    ("start", "/glossary", ["reader", "listing", "recall"], [("listing", "organisation: Cominform")],
     {"prompt": "why-silent"}, [Request("glossary")]),
    ("start", "/help", ["reader", "listing", "recall"], [("listing", "/hint")], {"prompt": "why-silent"}, [Request("help")]),
    ("start", "/HELP", ["reader", "listing", "recall"], [("listing", "/quit")], {}, [Request("help")]),
    ("start", "/quit", ["reader"], [("reader", "/quit")], {"prompt": "why-silent"}, [Request("quit")]),
    ("start", "/journal", ["reader"], [], {"prompt": "why-silent"}, [Request("journal")]),
    ("start", "/bookmark the key line", ["reader", "info"],
     [("info", 'Bookmarked paragraph 1 in "The opening" as "the key line".')],
     {"prompt": "why-silent"}, [Bookmarked("opening", 1, "the key line")]),
    ("s2", "/bookmark", ["reader", "info"], [("info", 'Bookmarked paragraph 3 in "The ending".')],
     {}, [Bookmarked("ending", 3, "")]),
    # unknown commands: a helpful reply, the state untouched
    ("start", "/nxt", ["reader", "info"], [("info", "There is no command /nxt. Did you mean /next?")],
     {"prompt": "why-silent", "section": 0}, []),
    ("start", "/frobnicate now", ["reader", "info"], [("info", "Type /help to see them all.")],
     {"prompt": "why-silent"}, []),
    ("start", "/", ["reader", "info"], [("info", "Type /help")], {"prompt": "why-silent"}, []),
    # lookups in the middle of a prompt: the note, then the same question again, nothing answered
    ("start", "what was the Cominform?", ["reader", "entry", "recall"],
     [("entry", "Founded in 1947 and dissolved in 1956.\n\nSee also: Thorez."), ("recall", OPENING_ASK)],
     {"prompt": "why-silent", "done": (), "answered": frozenset()}, [LookedUp("cominform", "Cominform", "opening")]),
    ("choice", "Thorez?", ["reader", "entry", "recall"],
     [("entry", "General Secretary of the PCF"), ("recall", CHOICE_ASK)],
     {"prompt": "pick-one", "done": ("why-silent",)}, [LookedUp("thorez", "Thorez", "opening")]),
    # an ambiguous or unknown term still leaves the question on screen
    ("start", "Duclos?", ["reader", "info", "recall"],
     [("info", '"Duclos" could mean more than one thing: Jacques Duclos'), ("recall", OPENING_ASK)],
     {"prompt": "why-silent", "done": ()}, []),
    ("start", "?zhdanovism", ["reader", "info", "recall"],
     [("info", 'There is no note for "zhdanovism"'), ("recall", OPENING_ASK)], {"prompt": "why-silent"}, []),
    # lookups with nothing open
    ("s1-free", "Thorez", ["reader", "entry"], [("entry", "General Secretary")], {"prompt": None},
     [LookedUp("thorez", "Thorez", "opening")]),
    ("s1-free", "what is zzqqx", ["reader", "info"], [("info", 'There is no note for "zzqqx"')], {}, []),
    ("s1-free", "?Kruschev", ["reader", "entry"], [("entry", "He denounced Stalin")], {},
     [LookedUp("khrushchev", "Kruschev", "opening")]),
    ("s1-free", "hello there", ["reader", "info"], [("info", "No question is open just now")],
     {"prompt": None, "section": 0}, []),
]


@pytest.mark.parametrize("start,text,want_kinds,fragments,fields,events", ROWS,
                         ids=[f"{r[0]}|{r[1] or '<enter>'}" for r in ROWS])
def test_table(guide, start, text, want_kinds, fragments, fields, events):
    state = named_state(start)
    reply = guide.handle(state, text)
    assert kinds(reply) == want_kinds
    at = 0
    for kind, fragment in fragments:  # in this order
        found = [i for i, m in enumerate(reply.messages) if i >= at and m.kind == kind and fragment in m.text]
        assert found, f"no {kind} message containing {fragment!r} in {reply.messages[at:]}"
        at = found[0]
    for name, value in fields.items():
        assert getattr(reply.state, name) == value, name
    assert list(reply.events) == events
    assert guide.handle(state, text) == reply  # deterministic


def test_reader_input_is_echoed_stripped(guide):
    reply = guide.handle(named_state("start"), "   He feared Moscow  \n")
    assert reply.messages[0].text == "He feared Moscow"
    assert reply.events == (Answered("opening", "why-silent", "He feared Moscow"),)


def test_once_prompt_is_not_asked_again_after_an_answer(guide):
    state = named_state("s2")  # both section-1 prompts answered on an earlier visit
    state = guide.handle(state, "/back").state
    assert state.prompt == "why-silent"  # not `once`: asked again
    reply = guide.handle(state, "Still fear")
    assert reply.state.prompt is None  # `pick-one` is once and answered: skipped
    assert kinds(reply) == ["reader", "guide", "info"]


def test_skipped_once_prompt_is_asked_again_on_return(guide):
    state = replace(named_state("s2"), answered=frozenset({"why-silent"}))  # pick-one only skipped
    state = guide.handle(guide.handle(state, "/back").state, "").state
    assert state.prompt == "pick-one"


QUESTIONS = [
    ("what is the Cominform", "cominform"),
    ("What was the Cominform?", "cominform"),
    ("what were the Cominform", "cominform"),
    ("what's Khrushchev?", "khrushchev"),
    ("who is Thorez", "thorez"),
    ("who was Maurice Thorez?", "thorez"),
    ("define Cominform", "cominform"),
    ("explain the Communist Information Bureau", "cominform"),
    ("tell me about Thorez", "thorez"),
    ("Khrushchev?", "khrushchev"),
    ("?thorez", "thorez"),
    ("? Unita", "unita"),
    ("what was L'Unità?", "unita"),
    ("what is the Duclos letter", "duclos-letter"),
    ("who was Jacques Duclos?", "duclos"),
]


@pytest.mark.parametrize("start", ["start", "choice", "s1-free", "s2"])
@pytest.mark.parametrize("text,entry", QUESTIONS, ids=[q for q, _ in QUESTIONS])
def test_natural_questions_look_terms_up_and_keep_the_open_prompt(guide, start, text, entry):
    state = named_state(start)
    reply = guide.handle(state, text)
    assert reply.state == state
    assert [e.entry for e in reply.events if isinstance(e, LookedUp)] == [entry]
    assert not any(isinstance(e, Answered) for e in reply.events)
    shown = [m for m in reply.messages if m.kind == "entry"]
    assert [m.entry for m in shown] == [entry]
    if state.prompt:
        assert reply.messages[-1].kind == "recall" and reply.messages[-1].prompt == state.prompt
    else:
        assert reply.messages[-1].kind == "entry"


def test_entry_title_names_kind_and_dates(guide):
    reply = guide.handle(named_state("s1-free"), "?cominform")
    assert reply.messages[1].title == "Cominform (organisation, 1947-1956)"
    assert guide.handle(named_state("s1-free"), "?thorez").messages[1].title == "Thorez (person)"


def test_glossary_hides_spoilers_until_their_section(guide):
    before = guide.handle(named_state("start"), "/glossary").messages[1].text
    after = guide.handle(named_state("s2"), "/glossary").messages[1].text
    assert "Poznan riots" not in before
    assert "event: Poznan riots" in after
    assert "person: Jacques Duclos, Khrushchev, Thorez" in before


def test_the_passage_hides_the_same_entries_as_the_glossary_in_every_section(guide, pack):
    """Guide.hidden_at (what the passage leaves un-underlined) agrees with `visible` everywhere."""
    for index in range(len(pack.sections)):
        state = replace(GuideState(), section=index)
        assert guide.hidden_at(index) == {e.id for e in pack.glossary if not guide.visible(e, state)}
    assert guide.hidden_at(0) and not guide.hidden_at(len(pack.sections) - 1)


def test_help_lists_every_command(guide):
    text = guide.handle(named_state("start"), "/help").messages[1].text
    for name in COMMANDS:
        assert f"/{name}" in text
    assert "/next" in text and "/go" in text and "/bookmark" in text


def test_whole_walk_through_the_mini_pack_by_the_table_rules(guide):
    """A reader answering, choosing, skipping and asking, start to end, without a front end."""
    state = guide.enter(GuideState(), 0).state
    steps = ["who was Thorez?", "He waited for Moscow", "2", "", "/skip", ""]
    events = []
    for text in steps:
        reply = guide.handle(state, text)
        events += reply.events
        state = reply.state
    assert state.finished and state.completed == ("opening", "ending")
    assert [e for e in events if isinstance(e, Answered)] == [
        Answered("opening", "why-silent", "He waited for Moscow"), Answered("opening", "pick-one", "Paris", "Paris")]


# -- the session: guide + store ------------------------------------------------------------------


@pytest.fixture
def pack_dir(tmp_path) -> Path:
    return write_pack(tmp_path / "pack")


def open_session(folder: Path, restart: bool = False) -> Session:
    return Session(load_pack(folder), Store.open(), restart=restart, clock=lambda: 0.0)


def saved(pack_id: str = "mini"):
    store = Store.open()
    try:
        return store.load(pack_id)
    finally:
        store.close()


def test_first_session_starts_at_section_one_without_welcome(pack_dir):
    s = open_session(pack_dir)
    texts = [m.text for m in s.opening()]
    assert not any("Welcome back" in t for t in texts)
    assert s.state.section == 0 and s.state.prompt == "why-silent"
    s.close()


def test_answers_lookups_bookmarks_and_completion_are_saved_as_they_happen(pack_dir):
    s = open_session(pack_dir)
    s.send("He feared Moscow")
    # saved before the session closes: another connection sees it
    assert [(a.prompt, a.text, a.choice) for a in saved().answers] == [("why-silent", "He feared Moscow", None)]
    s.send("who was Thorez?")
    s.send("2")
    s.send("/bookmark here")
    s.send("")
    s.close()
    data = saved()
    assert [(a.section, a.prompt, a.text, a.choice) for a in data.answers] == [
        ("opening", "why-silent", "He feared Moscow", None), ("opening", "pick-one", "Paris", "Paris")]
    assert [(x.entry, x.query, x.section) for x in data.lookups] == [("thorez", "Thorez", "opening")]
    assert [(b.section, b.paragraph, b.label) for b in data.bookmarks] == [("opening", 1, "here")]
    assert data.completed == ("opening",)
    assert data.position.section == "ending" and data.position.prompt == "crisis"


def test_resume_rebuilds_the_conversation_and_welcomes_back(pack_dir):
    s = open_session(pack_dir)
    s.send("He feared Moscow")
    s.send("?thorez")
    s.close()

    s = open_session(pack_dir)
    messages = s.opening()
    assert [m.kind for m in messages] == ["heading", "guide", "note", "terms",
                                          "prompt", "reader", "guide", "reader", "entry", "prompt", "info"]
    assert messages[4].text == OPENING_ASK
    assert messages[5].text == "He feared Moscow"
    assert messages[6].text == "Silence kept his options open."
    assert (messages[7].text, messages[8].entry) == ("thorez", "thorez")  # the lookup, in its place
    assert messages[9].prompt == "pick-one"  # the open question, ready to answer
    welcome = messages[-1].text
    assert welcome.startswith("Welcome back. You are in section 1 of 2, \"The opening\", at paragraph 1.")
    assert "1 answer," in welcome and "1 term looked up" in welcome
    assert s.state.prompt == "pick-one" and s.state.done == ("why-silent",)
    # and the open question really is open: a number picks a choice
    reply = s.send("1")
    assert reply.messages[1].text == "Moscow set the line."
    s.close()


def test_resume_shows_choices_and_skips(pack_dir):
    s = open_session(pack_dir)
    s.send("/skip")
    s.send("paris")
    s.close()
    messages = open_session(pack_dir).opening()
    texts = [(m.kind, m.text) for m in messages]
    assert ("info", "(skipped)") in texts
    assert ("reader", "Paris") in texts and ("guide", "Paris had its own reasons.") in texts
    assert texts.index(("info", "(skipped)")) < texts.index(("reader", "Paris"))
    assert texts[-2][1].startswith("Press Enter to go on to the next section")


def test_resume_reopens_the_later_section_and_paragraph(pack_dir):
    s = open_session(pack_dir)
    s.send("/next")
    s.set_paragraph(4)
    s.close()
    s = open_session(pack_dir)
    assert (s.state.section, s.state.paragraph, s.state.prompt) == (1, 4, "crisis")
    assert s.opening()[0].text == "The ending"
    assert "section 2 of 2, \"The ending\", at paragraph 4" in s.opening()[-1].text
    s.close()


def test_draft_is_restored_and_spent_when_sent(pack_dir):
    s = open_session(pack_dir)
    s.set_draft("Because he was wait")
    s.close()
    s = open_session(pack_dir)
    assert s.draft == "Because he was wait"
    assert "Your unfinished answer is still in the box." in s.opening()[-1].text
    s.send("Because he was waiting")
    s.close()
    assert saved().position.draft == ""
    assert open_session(pack_dir).draft == ""


def test_restart_starts_at_the_beginning_and_keeps_answers(pack_dir):
    s = open_session(pack_dir)
    s.send("He feared Moscow")
    s.send("2")
    s.send("")
    assert s.state.section == 1
    s.close()

    s = open_session(pack_dir, restart=True)
    texts = [m.text for m in s.opening()]
    assert not any("Welcome back" in t for t in texts)
    assert any("Starting again from the beginning. Your 2 earlier answers are kept" in t for t in texts)
    assert s.state.section == 0 and s.state.prompt == "why-silent"
    s.send("Something new")
    assert s.state.prompt is None  # pick-one is `once` and was answered before the restart
    s.close()
    assert [a.text for a in saved().answers] == ["He feared Moscow", "Paris", "Something new"]
    assert saved().completed == ("opening",)


def test_pack_edited_between_runs_resumes_by_paragraph(pack_dir):
    s = open_session(pack_dir)
    s.send("/next")
    s.set_paragraph(4)
    s.close()
    # the author splits the ending into two sections with new ids
    sections = SECTIONS.replace("- id: ending\n  title: The ending\n  paragraphs: 3-4",
                                "- id: turn\n  title: The turn\n  paragraphs: 3-3\n"
                                "  intro: A turn.\n  recap: Turned.\n"
                                "- id: close\n  title: The close\n  paragraphs: 4-4")
    assert sections != SECTIONS
    write_pack(pack_dir, sections_yaml=sections, glossary_yaml=GLOSSARY.replace("from: ending", "from: turn"))
    s = open_session(pack_dir)
    assert (s.state.section, s.state.paragraph, s.state.prompt) == (2, 4, "crisis")
    assert s.opening()[0].text == "The close"
    assert "section 3 of 3" in s.opening()[-1].text
    s.close()


def test_pack_shrunk_between_runs_falls_back_without_crashing(pack_dir):
    s = open_session(pack_dir)
    s.send("/next")
    s.set_paragraph(4)
    s.close()
    essay = ESSAY.split("\n\n")
    sections = (SECTIONS.split("- id: ending")[0].replace("paragraphs: 1-2", "paragraphs: 1-1")
                + "- id: rest\n  title: The rest\n  paragraphs: 2-3\n  intro: More.\n  recap: Done.\n")
    write_pack(pack_dir, essay_txt="\n\n".join(essay[:3]) + "\n", sections_yaml=sections,
               glossary_yaml=GLOSSARY.replace("from: ending", "from: rest"))
    s = open_session(pack_dir)
    assert (s.state.section, s.state.paragraph) == (1, 3)  # last section, paragraph clamped
    assert s.state.prompt is None  # "crisis" is gone with its section
    assert "Welcome back" in s.opening()[-1].text
    s.close()


def test_resume_drops_prompts_the_pack_no_longer_has(pack_dir):
    s = open_session(pack_dir)
    s.send("He feared Moscow")  # done: why-silent; open: pick-one
    s.close()
    sections = SECTIONS.replace("    - id: why-silent\n      ask: Why might Thorez say little?\n"
                                "      hint: Think about Moscow.\n      reflection: Silence kept his options open.\n", "")
    assert sections != SECTIONS
    write_pack(pack_dir, sections_yaml=sections)
    s = open_session(pack_dir)
    assert s.state.done == () and s.state.prompt == "pick-one"
    assert OPENING_ASK not in [m.text for m in s.opening()]
    s.close()


def test_preview_shows_what_a_step_would_say_and_changes_nothing(pack_dir):
    """Session.preview: the reader lays out the next and previous sections ahead from it, so it
    must be the step's very reply, with nothing moved, saved or marked read."""
    s = open_session(pack_dir)
    before, saved_before = s.state, saved().position
    ahead = s.preview("next")
    assert ahead.state.section == 1 and ahead.messages[0].kind == "recap"
    assert s.state == before and saved().position == saved_before
    assert s.preview("back").state.section == 0  # nowhere to go back to from the first section
    assert s.action("next") == ahead
    assert s.preview("back").messages == s.action("back").messages
    s.close()
