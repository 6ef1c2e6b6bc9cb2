"""Pilot tests of the Textual reader at 120x40 and 80x24, asserting on what the screen shows."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from guided_reader.core.store import Store
from guided_reader.tui.chat import Transcript
from guided_reader.tui.passage import PassagePane
from minipack import GLOSSARY
from tui_helpers import offset_of, app_for, bubbles, screen_text, type_line

SIZES = [(120, 40), (80, 24)]


@pytest.mark.parametrize("size", SIZES)
async def test_opens_on_the_first_section_with_passage_and_guide(tmp_path, size):
    app = app_for(tmp_path / "pack")
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "A Small Essay" in text and "Section 1 of 2" in text
        assert "The Cominform met in Bucharest" in text
        assert "Watch who speaks" in text  # the section's intro, shown from its start
        assert "Why might Thorez say little?" in bubbles(app, "prompt")[-1]
        assert "f8 Next" in text  # the footer shows the keys
        box = app.query_one("#chat-input", Input)
        assert box.has_focus and box.region.bottom <= size[1]


@pytest.mark.parametrize("size", SIZES)
async def test_answer_then_reflection_then_next_prompt(tmp_path, size):
    app = app_for(tmp_path / "pack")
    async with app.run_test(size=size) as pilot:
        await type_line(pilot, "He waited for Moscow")
        assert "He waited for Moscow" in bubbles(app, "reader")[-1]
        assert "Silence kept his options open." in bubbles(app, "guide")[-1]
        assert "Which matters more here?" in bubbles(app, "prompt")[-1]
        assert "Which matters more here?" in screen_text(app)  # kept scrolled to the newest turn
    answers = Store.open().load("mini").answers
    assert [(a.prompt, a.text) for a in answers] == [("why-silent", "He waited for Moscow")]


async def test_choice_buttons_answer_the_prompt(tmp_path):
    app = app_for(tmp_path / "pack")
    async with app.run_test(size=(120, 40)) as pilot:
        await type_line(pilot, "")  # skip the first prompt
        transcript = app.query_one(Transcript)
        assert "1. Moscow\n2. Paris" in transcript.text_of(len(transcript.blocks) - 1)
        await pilot.click(transcript, offset=offset_of(transcript, "2. Paris", 3))
        await pilot.pause()
        assert "Paris had its own reasons." in bubbles(app, "guide")[-1]
    assert Store.open().load("mini").answers[-1].choice == "Paris"


@pytest.mark.parametrize("size", SIZES)
async def test_next_and_back_keys_change_the_passage(tmp_path, size):
    app = app_for(tmp_path / "pack")
    async with app.run_test(size=size) as pilot:
        await pilot.press("f8")
        await pilot.pause()
        text = screen_text(app)
        assert "Section 2 of 2" in text and "Poznań riots shook" in text
        assert "Bucharest" not in text
        assert "Silence was a policy." in " ".join(bubbles(app, "recap"))
        await pilot.press("f7")
        await pilot.pause()
        assert "Bucharest" in screen_text(app)


async def test_single_letter_keys_work_when_the_passage_has_focus(tmp_path):
    app = app_for(tmp_path / "pack")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f9")  # focus the passage
        await pilot.press("n")
        await pilot.pause()
        assert "Section 2 of 2" in screen_text(app)
        assert app.query_one("#chat-input", Input).value == ""


async def test_clicking_a_term_explains_it(tmp_path):
    app = app_for(tmp_path / "pack")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        pane = app.query_one(PassagePane)
        await pilot.click(pane, offset=offset_of(pane, "Cominform", 2))
        await pilot.pause()
        assert "Founded in 1947 and dissolved in 1956." in bubbles(app, "entry")[-1]
        assert "Why might Thorez say little?" in bubbles(app, "prompt")[-1]  # the open question is re-offered
    assert Store.open().load("mini").lookups[-1].entry == "cominform"


@pytest.mark.parametrize("size", SIZES)
async def test_lookup_by_question(tmp_path, size):
    app = app_for(tmp_path / "pack")
    async with app.run_test(size=size) as pilot:
        await type_line(pilot, "what was the Cominform?")
        assert "Founded in 1947" in bubbles(app, "entry")[-1]
        assert "Founded in 1947" in screen_text(app)


@pytest.mark.parametrize("size", SIZES)
async def test_contents_jumps_to_a_section(tmp_path, size):
    app = app_for(tmp_path / "pack")
    async with app.run_test(size=size) as pilot:
        await pilot.press("f2")
        await pilot.pause()
        assert "The ending" in screen_text(app)
        await pilot.press("down", "enter")
        await pilot.pause()
        assert "Section 2 of 2" in screen_text(app)


@pytest.mark.parametrize("size", SIZES)
async def test_glossary_browser_filters_and_jumps(tmp_path, size):
    app = app_for(tmp_path / "pack")
    async with app.run_test(size=size) as pilot:
        await pilot.press("f3")
        await pilot.pause()
        text = screen_text(app)
        assert "People" in text and "Organisations" in text
        assert "Poznan riots" not in text  # spoiler-free until its section
        await pilot.press(*"thor")
        await pilot.pause()
        text = screen_text(app)
        assert "Thorez" in text and "Khrushchev" not in text
        assert "General Secretary of the PCF" in text
        await pilot.press("enter")  # into the links: the section where Thorez occurs
        await pilot.press("enter")
        await pilot.pause()
        assert "Section 1 of 2" in screen_text(app)
        await pilot.press("f8", "f3")
        await pilot.pause()
        assert "Poznan riots" in screen_text(app)


async def test_help_lists_keys_and_commands(tmp_path):
    app = app_for(tmp_path / "pack")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f1")
        await pilot.pause()
        assert "ctrl+q" in screen_text(app) and "/journal" not in screen_text(app)
        top = app.query_one(PassagePane).scroll_y
        await pilot.press("pagedown", "pagedown")  # the help scrolls, not the passage behind it
        await pilot.pause()
        assert "/journal" in screen_text(app)
        assert app.query_one(PassagePane).scroll_y == top
        await pilot.press("escape")
        await pilot.pause()
        assert "/journal" not in screen_text(app)


async def test_quit_saves_the_draft_and_resume_restores_it(tmp_path):
    folder = tmp_path / "pack"
    app = app_for(folder)
    async with app.run_test(size=(120, 40)) as pilot:
        await type_line(pilot, "first answer")
        await pilot.press("f8")
        app.query_one("#chat-input", Input).value = "half a thought"
        await pilot.press("ctrl+q")
    again = app_for(folder)
    async with again.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert again.query_one("#chat-input", Input).value == "half a thought"
        assert "Section 2 of 2" in screen_text(again)
        assert "Welcome back" in " ".join(bubbles(again, "info"))


async def test_hostile_pack_text_is_shown_literally(tmp_path):
    hostile = "[bold]x[/]y [@click=app.quit]boom[/] [link=http://x]l[/link]"
    glossary = GLOSSARY.replace("note: Founded in 1947 and dissolved in 1956.", f"note: '{hostile}'")
    glossary = glossary.replace("short: The bureau linking nine Communist parties, 1947-1956.", "short: '[/]'")
    app = app_for(tmp_path / "pack", glossary_yaml=glossary)
    async with app.run_test(size=(120, 40), notifications=True, tooltips=True) as pilot:
        await type_line(pilot, "?cominform")
        assert hostile in bubbles(app, "entry")[-1]
        await type_line(pilot, "x[/]y [@click=app.quit]")
        assert "x[/]y [@click=app.quit]" in bubbles(app, "reader")[-1]
        pane = app.query_one(PassagePane)
        await pilot.hover(pane, offset=offset_of(pane, "Cominform", 1))
        await pilot.pause()
        await pilot.press("f4")
        await pilot.press(*"comin")
        await pilot.pause(0.3)
        await pilot.press("escape")
        assert app.is_running


async def test_resizing_never_breaks_the_layout(tmp_path):
    app = app_for(tmp_path / "pack")
    async with app.run_test(size=(120, 40)) as pilot:
        for size in [(80, 24), (40, 12), (200, 60), (20, 8), (99, 30), (100, 30)]:
            await pilot.resize_terminal(*size)
            await pilot.pause()
            assert app.screen.has_class("-narrow") == (size[0] < 100)
        await type_line(pilot, "still works")
        assert "still works" in bubbles(app, "reader")[-1]


@pytest.mark.parametrize("typed,completed", [
    ("/jou", "/journal"),
    ("?Thor", "?Thorez"),
    ("who was maur", "who was Maurice Thorez"),
    ("what was the Comin", "what was the Cominform"),
])
async def test_tab_completes_commands_and_terms(tmp_path, typed, completed):
    app = app_for(tmp_path / "pack")
    async with app.run_test(size=(120, 40)) as pilot:
        box = app.query_one("#chat-input", Input)
        box.focus()
        await pilot.press(*typed)
        await pilot.pause(0.2)
        await pilot.press("tab")
        assert box.value == completed


async def test_theme_choice_is_remembered(tmp_path):
    folder = tmp_path / "pack"
    app = app_for(folder)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+t")  # Textual's theme picker opens in the palette
        await pilot.pause()
        assert app.screen.__class__.__name__ == "CommandPalette"
        await pilot.press("escape")
        app.theme = "nord"
        await pilot.pause()
    again = app_for(folder)
    async with again.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert again.theme == "nord"


async def test_palette_finds_terms_and_sections(tmp_path):
    app = app_for(tmp_path / "pack")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.press(*"Communist Inf")
        await pilot.pause(0.5)
        assert "Communist Information Bureau" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert "Founded in 1947" in bubbles(app, "entry")[-1]
        await pilot.press("f4")
        await pilot.press(*"ending")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert "Section 2 of 2" in screen_text(app)


async def test_terms_picker_explains_a_term_without_the_mouse(tmp_path):
    app = app_for(tmp_path / "pack")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f6")
        await pilot.pause()
        assert "Terms in this passage" in screen_text(app)
        await pilot.press("down", "enter")
        await pilot.pause()
        assert "General Secretary of the PCF" in bubbles(app, "entry")[-1]


async def test_hovering_a_term_shows_its_short_note(tmp_path):
    app = app_for(tmp_path / "pack")
    async with app.run_test(size=(120, 40), tooltips=True) as pilot:
        await pilot.pause()
        pane = app.query_one(PassagePane)
        await pilot.hover(pane, offset=offset_of(pane, "Thorez", 1))
        await pilot.pause()
        assert str(pane.tooltip) == "Leader of the French Communist Party."
        await pilot.hover(pane, offset=offset_of(pane, "met in", 1))
        await pilot.pause()
        assert pane.tooltip is None


async def test_transcript_text_can_be_selected_and_copied(tmp_path):
    """The transcript is drawn as lines, not widgets: selecting across them copies their text."""
    from textual.geometry import Offset
    from textual.selection import Selection

    app = app_for(tmp_path / "pack")
    async with app.run_test(size=(120, 40)) as pilot:
        await type_line(pilot, "He waited for Moscow")
        transcript = app.query_one(Transcript)
        rows = [r.plain for r in transcript._rows]
        first = next(i for i, r in enumerate(rows) if "Silence kept" in r)
        text, _ = transcript.get_selection(Selection(Offset(0, first), Offset(len(rows[first + 1]), first + 1)))
        assert text.startswith("Silence kept his options open.")
        assert text.count("\n") == 1
        pane = app.query_one(PassagePane)
        text, _ = pane.get_selection(Selection(Offset(0, 2), None))
        assert "The Cominform met in Bucharest" in text


async def test_a_flood_of_keys_and_a_dirty_paste_stay_within_the_input(tmp_path):
    """A bracketed paste holding ESC bytes reaches the app as thousands of key events: they
    are taken in bulk, capped at the input's limit, and the reader stays usable."""
    from textual import events

    from guided_reader.tui.chat import MAX_INPUT

    app = app_for(tmp_path / "pack")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        box = app.query_one("#chat-input", Input)
        for ch in "abc " * 3000:
            app.post_message(events.Key(ch if ch != " " else "space", ch))
        await pilot.pause(0.5)
        assert len(box.value) == MAX_INPUT and box.value.startswith("abc abc")
        box.value = ""
        box.post_message(events.Paste("one\x1b[31m red\x07 line\nand a second\x00"))
        await pilot.pause()
        assert box.value == "one red line and a second"
        await type_line(pilot, box.value)
        assert "one red line and a second" in bubbles(app, "reader")[-1]
