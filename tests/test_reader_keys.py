"""The reader as a reader expects it (issue 17): typing goes where it is meant, the keys of good
terminal readers work, the palette and help know every action, and stepping past a section is
not reading it. Pilot tests at 120x40 and 80x24 on the mini pack (and the bundled essay where
a long passage is needed)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual.widgets import Input

from guided_reader.core.compiled import load_compiled
from guided_reader.core.paths import default_pack_dir
from guided_reader.core.store import Store
from guided_reader.tui import keys
from guided_reader.tui.app import make_app
from guided_reader.tui.chat import Transcript
from guided_reader.tui.passage import PassagePane
from tui_helpers import app_for, bubbles, offset_of, screen_text, type_line

SIZES = [(120, 40), (80, 24)]
README = Path(__file__).resolve().parents[1] / "README.md"


def chat_input(app) -> Input:
    return app.query_one("#chat-input", Input)


@pytest.mark.parametrize("size", SIZES)
async def test_typing_after_a_term_click_goes_to_the_chat_input(tmp_path, size):
    app = app_for(tmp_path / "pack")
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        passage = app.query_one(PassagePane)
        await pilot.click(passage, offset=offset_of(passage, "Cominform", 2))
        await pilot.pause()
        assert "Founded in 1947" in bubbles(app, "entry")[-1]  # the click asked about the term
        assert chat_input(app).has_focus  # and left the focus where it was
        await pilot.press(*"what is PCF")  # `t` and `i` are passage keys: here they are letters
        await pilot.pause()
        assert chat_input(app).value == "what is PCF"
        assert app.screen is app.screen_stack[0]  # no picker, no glossary opened


@pytest.mark.parametrize("size", SIZES)
async def test_typing_with_the_passage_focused_goes_to_the_chat_input(tmp_path, size):
    app = app_for(tmp_path / "pack")
    async with app.run_test(size=size) as pilot:
        await pilot.press("f9")
        await pilot.pause()
        assert app.query_one(PassagePane).has_focus
        await pilot.press(*"why not")  # letters queued behind the first one follow it
        await pilot.pause()
        assert chat_input(app).has_focus and chat_input(app).value == "why not"
        assert app.session.state.section == 0 and app.screen is app.screen_stack[0]


async def test_passage_letter_keys_page_scroll_and_act():
    app = make_app(load_compiled(default_pack_dir()), store=Store.open())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f9")
        passage = app.query_one(PassagePane)
        for key, check in [("space", lambda y: y > 5), ("b", lambda y: y == 0), ("j", lambda y: y == 1),
                           ("k", lambda y: y == 0), ("G", lambda y: y == passage.max_scroll_y), ("g", lambda y: y == 0)]:
            await pilot.press(key)
            await pilot.pause()
            assert check(passage.scroll_y), (key, passage.scroll_y)
        await pilot.press("n")
        await pilot.pause()
        assert app.session.state.section == 1
        await pilot.press("p")
        await pilot.pause()
        assert app.session.state.section == 0
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0
    assert not app.is_running


async def test_page_keys_over_a_dialog_stay_in_the_dialog(tmp_path):
    app = app_for(tmp_path / "pack")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f1")
        await pilot.pause()
        body = app.screen.query_one(".help-body")
        await pilot.press("pagedown")
        await pilot.pause()
        assert body.scroll_y > 0
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is app.screen_stack[0]


@pytest.mark.parametrize("query,title", [("bookmark", "Bookmark this paragraph"), ("journal", "Journal"),
                                         ("next", "Next section"), ("zoom", "Zoom: passage only, guide only, or both")])
async def test_the_palette_finds_the_readers_own_commands(tmp_path, query, title):
    app = app_for(tmp_path / "pack")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*query)
        for _ in range(20):  # the palette searches in a worker
            await pilot.pause(0.05)
            if title in screen_text(app):
                break
        assert title in screen_text(app)


def test_every_reader_action_is_a_palette_command():
    commands = {k.action for k in keys.commands()}
    for action in ("help", "contents", "glossary", "bookmark", "terms", "back", "next", "zoom", "timeline",
                   "journal", "quit"):
        assert action in commands


def test_readme_key_table_is_the_key_list():
    text = README.read_text(encoding="utf-8")
    table = text[text.index("| keys | what they do |"):].split("\n\n")[0].splitlines()[2:]
    rows = [tuple(cell.strip().strip("`") for cell in line.strip("|").split("|")) for line in table]
    assert rows == keys.help_rows()


async def test_help_and_footer_come_from_the_key_list(tmp_path):
    app = app_for(tmp_path / "pack")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        for key in keys.KEYS:
            if key.footer:
                assert f"{key.keys[0]} {key.title}" in text.replace("^q", "ctrl+q")
        await pilot.press("f1")
        await pilot.pause()
        body = app.screen.query_one(".help-body")
        shown = str(body.query_one("Static").render())
        for names, what in keys.help_rows():
            assert names in shown and what in shown


@pytest.mark.parametrize("size", SIZES)
async def test_a_section_stepped_past_is_skipped_and_a_read_one_counts(tmp_path, size):
    app = app_for(tmp_path / "pack")
    async with app.run_test(size=size) as pilot:
        await pilot.press("f8")  # straight past section 1: not read
        await pilot.pause()
        assert app.session.state.section == 1 and app.session.state.completed == ()
        clock = [app.session.clock()]
        app.session.clock = lambda: clock[0]
        clock[0] += 600  # ten minutes in section 2
        await pilot.press("f8")
        await pilot.pause()
        assert app.session.state.completed == ("ending",)
        await pilot.press("f2")
        await pilot.pause()
        text = screen_text(app)
        assert "–  1. The opening" in text and "▶  2. The ending" in text
    journal = app.session.saved()
    assert journal.completed == ("ending",)


def test_the_journal_lists_skipped_sections(tmp_path):
    from guided_reader.core.journal import render_journal
    from guided_reader.core.loader import load_pack
    from guided_reader.core.session import Session
    from minipack import write_pack

    write_pack(tmp_path / "pack")
    pack = load_pack(tmp_path / "pack")
    now = [0.0]
    session = Session(pack, Store.open(), clock=lambda: now[0])
    now[0] += 2
    session.action("next")  # after two seconds: skipped
    now[0] += 1000
    session.action("next")  # after a while: read
    text = render_journal(pack, session.saved())
    assert "## Sections read\n\n- The ending" in text
    assert "## Sections skipped" in text and "- The opening" in text.split("## Sections skipped")[1]


async def test_next_from_the_glossary_closes_it_and_moves_where_the_reader_sees(tmp_path):
    app = app_for(tmp_path / "pack")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f3")
        await pilot.pause()
        assert app.screen is not app.screen_stack[0]
        await pilot.press("f8")
        await pilot.pause()
        assert app.screen is app.screen_stack[0] and app.session.state.section == 1
        assert "Section 2 of 2" in screen_text(app)


async def test_the_draft_is_saved_as_it_is_typed(tmp_path):
    app = app_for(tmp_path / "pack")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"half an answ")
        await pilot.pause()
        assert Store.open().load("mini").position.draft == "half an answ"  # no quiet period needed


@pytest.mark.parametrize("size", SIZES)
async def test_a_lookup_recalls_the_open_question_in_one_line_and_keeps_its_choices(tmp_path, size):
    app = app_for(tmp_path / "pack")
    async with app.run_test(size=size) as pilot:
        await type_line(pilot, "")  # skip to the question with choices
        await type_line(pilot, "who was Thorez?")
        transcript = app.query_one(Transcript)
        assert transcript.messages[-1].kind == "recall"
        assert re.fullmatch(r"Still open: Which matters more here\?", transcript.messages[-1].text)
        assert "General Secretary" in screen_text(app)  # the answer is on screen, from its start
        if size == (120, 40):  # the choices asked before the lookup still answer it
            await pilot.click(transcript, offset=offset_of(transcript, "2. Paris", 3))
            await pilot.pause()
        else:  # scrolled out of sight on a small screen: their number still does
            await type_line(pilot, "2")
        assert "Paris had its own reasons." in bubbles(app, "guide")[-1]


@pytest.mark.parametrize("size", [(80, 24), (60, 20)])
async def test_the_essay_gets_room_when_the_panes_stack(size):
    app = make_app(load_compiled(default_pack_dir()), store=Store.open())
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        passage = app.query_one(PassagePane)
        text_lines = passage.scrollable_content_region.height - 2  # the title and the blank under it
        assert text_lines >= (12 if size == (80, 24) else 8)
        transcript = app.query_one(Transcript)
        assert transcript.scrollable_content_region.height >= 4  # the newest reply's first lines
        assert chat_input(app).region.bottom <= size[1] - 1  # the input, above the footer


async def test_the_view_is_remembered(tmp_path):
    app = app_for(tmp_path / "pack")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f10")
        await pilot.pause()
        assert app.screen.has_class("passage-only")
    again = app_for(tmp_path / "pack")
    async with again.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert again.screen.has_class("passage-only") and not again.query_one("#guide").display


@pytest.mark.parametrize("size", SIZES)
async def test_lists_take_j_k_g_and_down_leaves_the_glossary_filter(tmp_path, size):
    from textual.widgets import OptionList

    app = app_for(tmp_path / "pack")
    async with app.run_test(size=size) as pilot:
        await pilot.press("f2")  # contents: on the current section
        await pilot.pause()
        picker = app.screen.query_one(OptionList)
        await pilot.press("j")
        assert picker.highlighted == 1
        await pilot.press("k")
        assert picker.highlighted == 0
        await pilot.press("G")
        assert picker.highlighted == picker.option_count - 1
        await pilot.press("escape", "f3")
        await pilot.pause()
        listing = app.screen.query_one("#glossary-list", OptionList)
        assert app.screen.query_one("#glossary-filter").has_focus
        await pilot.press("down")
        assert listing.has_focus
        first = listing.highlighted
        await pilot.press("j")
        assert listing.highlighted > first
        await pilot.press("g")
        assert listing.highlighted == first


@pytest.mark.parametrize("size", SIZES)
async def test_coming_back_opens_on_the_open_question_and_the_welcome(tmp_path, size):
    app = app_for(tmp_path / "pack")
    async with app.run_test(size=size) as pilot:
        await type_line(pilot, "He feared Moscow")
        await type_line(pilot, "who was Thorez?")
        await pilot.press("ctrl+q")
    again = app_for(tmp_path / "pack")
    async with again.run_test(size=size) as pilot:
        await pilot.pause()
        text = screen_text(again)
        assert "Which matters more here?" in text  # the open question, at the top of the view
        assert "Welcome back" in text or size == (80, 24)  # below it, a line or two on a small screen
        kinds = [m.kind for m in again.query_one(Transcript).messages]
        assert "entry" in kinds  # the lookup is part of the restored talk, above


async def test_two_lines_in_one_burst_stay_two_answers(tmp_path):
    """Keys of a second line queued behind the first Enter (a fast paste, a browser) start a
    line of their own."""
    app = app_for(tmp_path / "pack")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press(*"first", "enter", *"2", "enter")
        await pilot.pause()
        assert chat_input(app).value == ""
    answers = Store.open().load("mini").answers
    assert [(a.prompt, a.text) for a in answers] == [("why-silent", "first"), ("pick-one", "Paris")]
