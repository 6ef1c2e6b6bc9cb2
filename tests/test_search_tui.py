"""The reader's search box and chat answers from the essay (issue 14), and a term typed with a
question open (issue 17, point 1), at 120x40 and 80x24."""

from __future__ import annotations

import pytest
from textual.widgets import Input, OptionList

from guided_reader.core.loader import load_pack
from guided_reader.core.paths import default_pack_dir
from guided_reader.core.store import Store
from guided_reader.tui.app import make_app
from guided_reader.tui.chat import Transcript
from guided_reader.tui.passage import PassagePane
from guided_reader.tui.search_screen import MARK, SearchScreen
from tui_helpers import until_shown, bubbles, screen_text, type_line

SIZES = [(120, 40), (80, 24)]


def bundled():
    return make_app(load_pack(default_pack_dir()), store=Store.open())


def on_screen(pane: PassagePane, paragraph: int) -> bool:
    """The paragraph's first line is inside the passage's view."""
    top = pane.block_top(pane.paragraph_block(paragraph)) + 1
    return int(pane.scroll_y) <= top < int(pane.scroll_y) + pane.scrollable_content_region.height


def marked_words(pane: PassagePane, paragraph: int) -> list[str]:
    block = pane.blocks[pane.paragraph_block(paragraph)]
    content = block.content
    return [content.plain[s.start:s.end] for s in content.spans if str(s.style) == MARK]


async def search_for(pilot, words: str, key: str | None = None) -> str:
    """Open the search box (with `key`, else the action), type `words`; what the screen shows."""
    app = pilot.app
    if key:
        app.query_one(PassagePane).focus()
        await pilot.press(key)
    else:
        app.action_search()
    await pilot.pause()
    assert isinstance(app.screen, SearchScreen)
    await pilot.press(*words)
    await pilot.pause()
    return screen_text(app)


async def choose(pilot) -> None:
    await pilot.press("enter")
    await pilot.pause()
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES)
async def test_slash_in_the_passage_searches_and_enter_jumps_with_the_words_marked(size):
    app = bundled()
    async with app.run_test(size=size) as pilot:
        shown = await search_for(pilot, "Battersea", key="slash")
        assert "¶27" in shown and "Nothing matches" not in shown
        await choose(pilot)
        assert not isinstance(app.screen, SearchScreen)
        assert app.session.state.section == 11
        pane = app.query_one(PassagePane)
        assert on_screen(pane, 27)
        assert marked_words(pane, 27) == ["Battersea"]
        assert "Battersea" in screen_text(app)


@pytest.mark.parametrize("size", SIZES)
async def test_down_moves_into_the_hits_and_escape_closes(size):
    app = bundled()
    async with app.run_test(size=size) as pilot:
        await search_for(pilot, "Italian party Hungary")
        await pilot.press("down")
        await pilot.pause()
        assert app.screen.query_one("#search-hits", OptionList).has_focus
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, SearchScreen) and app.session.state.section == 0


async def test_the_search_box_shows_escapes_and_fts_syntax_literally():
    app = bundled()
    async with app.run_test(size=(80, 24)) as pilot:
        app.action_search()
        await pilot.pause()
        app.screen.query_one("#search-input", Input).value = 'NOT("x" OR * [bold]\x1b[31m'
        await pilot.pause()
        assert "Nothing matches these words." in screen_text(app)
        app.screen.query_one("#search-input", Input).value = 'NEAR("warning" OR *'  # a hit, syntax and all
        await until_shown(pilot, "warning near its end")


async def test_the_palette_offers_search():
    app = bundled()
    async with app.run_test(size=(120, 40)) as pilot:
        commands = [c.title for c in app.get_system_commands(app.screen)]
        assert "Search the essay" in commands


@pytest.mark.parametrize("size", SIZES)
async def test_a_term_typed_with_a_question_open_is_looked_up(size):
    app = bundled()
    async with app.run_test(size=size) as pilot:
        assert app.session.state.prompt
        await type_line(pilot, "cominfrom")
        assert any(text.startswith("Cominform") for text in bubbles(app, "entry"))
        assert app.session.saved().answers == ()
        assert app.session.state.prompt  # still open


@pytest.mark.parametrize("size", SIZES)
async def test_a_question_no_note_fits_offers_passages_and_a_click_jumps(size):
    app = bundled()
    async with app.run_test(size=size) as pilot:
        await type_line(pilot, "why did the Italian party condemn the Budapest revolt?")
        assert bubbles(app, "passages")
        transcript = app.query_one(Transcript)
        label = next(m for m in transcript.messages if m.kind == "passages").items[0]
        transcript.post_message(Transcript.Chosen(label))  # what a click on the quick reply posts
        await pilot.pause()
        await pilot.pause()
        assert app.session.state.section == 10 and on_screen(app.query_one(PassagePane), 23)
        assert "condemning" in [w for w in marked_words(app.query_one(PassagePane), 23)] or \
            "Italian" in marked_words(app.query_one(PassagePane), 23)
        assert app.session.saved().answers == ()


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize(("typed", "first"), [("thorez", "Maurice Thorez"), ("cominfrom", "Cominform"),
                                              ("¿quién fue Tito?", "Tito")])
async def test_the_glossary_filter_puts_the_named_entry_first(size, typed, first):
    app = bundled()
    async with app.run_test(size=size) as pilot:
        app.go_section(len(app.pack.sections) - 1)  # past every spoiler line: all entries show
        await pilot.pause()
        await pilot.press("f3")
        await pilot.pause()
        app.screen.query_one("#glossary-filter", Input).value = typed
        await pilot.pause()
        listing = app.screen.query_one("#glossary-list", OptionList)
        option = listing.get_option_at_index(listing.highlighted)
        assert option.prompt.plain.split("  ")[1] == first
        assert "No term matches" not in screen_text(app)


async def test_a_misspelt_term_in_the_search_box_searches_its_right_spelling():
    app = bundled()
    async with app.run_test(size=(80, 24)) as pilot:
        shown = await search_for(pilot, "cominfrom")
        assert "showing Cominform" in shown and "Nothing matches" not in shown
        await choose(pilot)
        pane = app.query_one(PassagePane)
        assert "Cominform" in marked_words(pane, app.session.state.paragraph)


async def test_a_second_search_in_the_same_section_marks_only_its_own_words():
    app = bundled()
    async with app.run_test(size=(120, 40)) as pilot:
        for words in ("Battersea", "Norway"):
            await search_for(pilot, words)
            await choose(pilot)
        pane = app.query_one(PassagePane)
        assert marked_words(pane, 27) == [] and marked_words(pane, 29) == ["Norway"]
