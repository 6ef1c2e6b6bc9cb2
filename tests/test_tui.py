"""Pilot tests of the Textual reader at 120x40 and 80x24, asserting on what the screen shows."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from guided_reader.core.store import Store
from guided_reader.tui.chat import Transcript
from guided_reader.tui.passage import PassagePane
from minipack import GLOSSARY
from tui_helpers import app_for, bubbles, offset_of, screen_text, type_line, until, until_bubble, until_shown

SIZES = [(120, 40), (80, 24)]


@pytest.mark.parametrize("size", SIZES)
async def test_opens_on_the_first_section_with_passage_and_guide(tmp_path, size):
    app = app_for(tmp_path / "pack")
    async with app.run_test(size=size) as pilot:
        text = await until_shown(pilot, "A Small Essay", "Section 1 of 2", "f8 Next")
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
        await until_shown(pilot, "Which matters more here?")  # kept scrolled to the newest turn
    answers = Store.open().load("mini").answers
    assert [(a.prompt, a.text) for a in answers] == [("why-silent", "He waited for Moscow")]


async def test_choice_buttons_answer_the_prompt(tmp_path):
    app = app_for(tmp_path / "pack")
    async with app.run_test(size=(120, 40)) as pilot:
        await type_line(pilot, "")  # skip the first prompt
        transcript = app.query_one(Transcript)
        await until(pilot, lambda: "1. Moscow\n2. Paris" in transcript.text_of(len(transcript.blocks) - 1),
                    "the choices of the second prompt")
        await until(pilot, lambda: transcript.find("2. Paris"), "the choices on screen")
        await pilot.click(transcript, offset=offset_of(transcript, "2. Paris", 3))
        await until_bubble(pilot, "guide", "Paris had its own reasons.")
    assert Store.open().load("mini").answers[-1].choice == "Paris"


@pytest.mark.parametrize("size", SIZES)
async def test_next_and_back_keys_change_the_passage(tmp_path, size):
    app = app_for(tmp_path / "pack")
    async with app.run_test(size=size) as pilot:
        await pilot.press("f8")
        text = await until_shown(pilot, "Section 2 of 2", "Poznań riots shook")
        assert "Bucharest" not in text
        assert "Silence was a policy." in " ".join(bubbles(app, "recap"))
        await pilot.press("f7")
        await until_shown(pilot, "Bucharest")


async def test_single_letter_keys_work_when_the_passage_has_focus(tmp_path):
    app = app_for(tmp_path / "pack")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f9")  # focus the passage
        await pilot.press("n")
        await until_shown(pilot, "Section 2 of 2")
        assert app.query_one("#chat-input", Input).value == ""


async def test_clicking_a_term_explains_it(tmp_path):
    app = app_for(tmp_path / "pack")
    async with app.run_test(size=(120, 40)) as pilot:
        pane = app.query_one(PassagePane)
        await until(pilot, lambda: pane.find("Cominform"), "the passage on screen")
        await pilot.click(pane, offset=offset_of(pane, "Cominform", 2))
        await until_bubble(pilot, "entry", "Founded in 1947 and dissolved in 1956.")
        assert "Why might Thorez say little?" in bubbles(app, "prompt")[-1]  # the open question is re-offered
    assert Store.open().load("mini").lookups[-1].entry == "cominform"


@pytest.mark.parametrize("size", SIZES)
async def test_lookup_by_question(tmp_path, size):
    app = app_for(tmp_path / "pack")
    async with app.run_test(size=size) as pilot:
        await type_line(pilot, "what was the Cominform?")
        assert "Founded in 1947" in bubbles(app, "entry")[-1]
        await until_shown(pilot, "Founded in 1947")


@pytest.mark.parametrize("size", SIZES)
async def test_contents_jumps_to_a_section(tmp_path, size):
    app = app_for(tmp_path / "pack")
    async with app.run_test(size=size) as pilot:
        await pilot.press("f2")
        await until_shown(pilot, "The ending")
        await pilot.press("down", "enter")
        await until_shown(pilot, "Section 2 of 2")


@pytest.mark.parametrize("size", SIZES)
async def test_glossary_browser_filters_and_jumps(tmp_path, size):
    app = app_for(tmp_path / "pack")
    async with app.run_test(size=size) as pilot:
        await pilot.press("f3")
        text = await until_shown(pilot, "People", "Organisations")
        assert "Poznan riots" not in text  # spoiler-free until its section
        await pilot.press(*"thor")
        text = await until_shown(pilot, "Thorez", "General Secretary of the PCF")
        await until(pilot, lambda: "Khrushchev" not in screen_text(app), "the filter to hide Khrushchev")
        await pilot.press("enter")  # into the links: the section where Thorez occurs
        await pilot.press("enter")
        await until(pilot, lambda: len(app.screen_stack) == 1, "the browser to close")
        await until_shown(pilot, "Section 1 of 2")
        await pilot.press("f8", "f3")
        await until_shown(pilot, "Poznan riots")


async def test_help_lists_keys_and_commands(tmp_path):
    app = app_for(tmp_path / "pack")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f1")
        await until_shown(pilot, "ctrl+q")
        assert "/journal" not in screen_text(app)
        top = app.query_one(PassagePane).scroll_y
        await pilot.press("pagedown", "pagedown")  # the help scrolls, not the passage behind it
        await until_shown(pilot, "/journal")
        assert app.query_one(PassagePane).scroll_y == top
        await pilot.press("escape")
        await until(pilot, lambda: "/journal" not in screen_text(app), "the help to close")


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
        await until_shown(pilot, "Section 2 of 2")
        assert again.query_one("#chat-input", Input).value == "half a thought"
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
        await until(pilot, lambda: str(pane.tooltip) == "[/]", "the short note, literally")
        await pilot.press("f4")
        await pilot.press(*"comin")
        await until_shown(pilot, "Cominform  [/]")  # the hit, with its short note as written
        await pilot.press("escape")
        assert app.is_running


async def test_resizing_never_breaks_the_layout(tmp_path):
    app = app_for(tmp_path / "pack")
    async with app.run_test(size=(120, 40)) as pilot:
        for size in [(80, 24), (40, 12), (200, 60), (20, 8), (99, 30), (100, 30)]:
            await pilot.resize_terminal(*size)
            await until(pilot, lambda: app.screen.has_class("-narrow") == (size[0] < 100), f"the layout for {size}")
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
        await until(pilot, lambda: completed.lower() in screen_text(app).lower(), "the suggestion, shown in the input")
        await pilot.press("tab")
        assert box.value == completed


async def test_theme_choice_is_remembered(tmp_path):
    folder = tmp_path / "pack"
    app = app_for(folder)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+t")  # Textual's theme picker opens in the palette
        await until(pilot, lambda: app.screen.__class__.__name__ == "CommandPalette", "the theme picker")
        await pilot.press("escape")
        app.theme = "nord"
    again = app_for(folder)
    async with again.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: again.theme == "nord", "the saved theme")


async def test_palette_finds_terms_and_sections(tmp_path):
    app = app_for(tmp_path / "pack")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.press(*"Communist Inf")
        await until_shown(pilot, "Communist Information Bureau")
        await pilot.press("enter")
        await until_bubble(pilot, "entry", "Founded in 1947")
        await pilot.press("f4")
        await pilot.press(*"ending")
        await until_shown(pilot, "The ending")
        await pilot.press("enter")
        await until_shown(pilot, "Section 2 of 2")


async def test_terms_picker_explains_a_term_without_the_mouse(tmp_path):
    app = app_for(tmp_path / "pack")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f6")
        await until_shown(pilot, "Terms in this passage")
        await pilot.press("down", "enter")
        await until_bubble(pilot, "entry", "General Secretary of the PCF")


async def test_hovering_a_term_shows_its_short_note(tmp_path):
    app = app_for(tmp_path / "pack")
    async with app.run_test(size=(120, 40), tooltips=True) as pilot:
        pane = app.query_one(PassagePane)
        await until(pilot, lambda: pane.find("Thorez"), "the passage on screen")
        await pilot.hover(pane, offset=offset_of(pane, "Thorez", 1))
        await until(pilot, lambda: str(pane.tooltip) == "Leader of the French Communist Party.", "the short note")
        await pilot.hover(pane, offset=offset_of(pane, "met in", 1))
        await until(pilot, lambda: pane.tooltip is None, "the note to go")


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
        await until(pilot, lambda: len(box.value) == MAX_INPUT, "the input to fill")
        assert box.value.startswith("abc abc")
        box.value = ""
        box.post_message(events.Paste("one\x1b[31m red\x07 line\nand a second\x00"))
        await until(pilot, lambda: box.value == "one red line and a second", "the cleaned paste")
        await type_line(pilot, box.value)
        assert "one red line and a second" in bubbles(app, "reader")[-1]


async def test_a_page_drawn_ahead_or_kept_shows_exactly_what_a_fresh_one_does():
    """LineView.draw_ahead and the kept pages of set_blocks: what a step finds ready must be
    what it would have drawn, and adding to or changing a page afterwards must not alter the
    copy kept for the next visit."""
    from textual.app import App
    from textual.content import Content

    from guided_reader.tui.lines import Block

    def lines(view) -> list[str]:
        return [view.render_line(y).text for y in range(view.scrollable_content_region.height)]

    class One(App):
        CSS = "PassagePane { overflow-y: scroll; }"  # as in the reader: the bar is always there

        def compose(self):
            yield PassagePane()

    def para(text: str, label: str = "") -> Block:
        return Block(Content(text), kind="paragraph", label=label, gutter=4)

    app = One()
    async with app.run_test(size=(40, 12)) as pilot:
        view = app.query_one(PassagePane)
        await pilot.pause()
        blocks = [para(f"Paragraph {n}: " + "words " * 12, str(n)) for n in range(1, 6)]
        view.set_blocks(blocks)
        await pilot.pause()
        fresh, rows, second = lines(view), view.row_count, view.text_of(1)
        view.set_blocks([para("elsewhere")])
        view.draw_ahead(blocks, key="ahead")
        view.set_blocks(blocks, key="ahead")
        await pilot.pause()
        assert lines(view) == fresh and "Paragraph 1:" in fresh[0]
        for change in (lambda: view.replace_block(1, para("Paragraph X: " + "words " * 12, "2")),
                       lambda: view.extend([para("added later")])):
            change()
            await pilot.pause()
            view.set_blocks([para("elsewhere")])
            view.set_blocks(blocks, key="ahead")
            await pilot.pause()
            assert lines(view) == fresh and view.row_count == rows and view.text_of(1) == second
