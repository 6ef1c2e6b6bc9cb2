"""Where the reader steps into Textual's own behaviour, a test that fails if Textual changes
under it: each override below is kept only because what it guards still happens without it."""

from __future__ import annotations

import pytest
from textual._compositor import Compositor
from textual.command import CommandPalette
from textual.widget import Widget

from guided_reader.tui.chat import Transcript
from guided_reader.tui.passage import Divider, PassagePane
from guided_reader.tui.scrollbar import StripBar
from tui_helpers import app_for, screen_text


async def test_popping_the_last_screen_is_refused_not_a_crash(tmp_path):
    """ReaderApp.pop_screen: the palette can dismiss itself twice (Enter, Enter); Textual raises
    on popping the reader's own screen."""
    app = app_for(tmp_path / "pack")
    async with app.run_test(size=(120, 40)) as pilot:
        await app.pop_screen()
        await pilot.pause()
        assert len(app.screen_stack) == 1 and app.is_running
        await pilot.press("ctrl+p", *"next", "enter", "enter")
        await pilot.pause(0.3)
        assert app.is_running and len(app.screen_stack) >= 1


async def test_the_palette_opens_once_over_a_dialog(tmp_path):
    """ReaderApp.action_command_palette and _close_overlays: a second palette under a dialog
    would crash with DuplicateIds."""
    app = app_for(tmp_path / "pack")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f1")
        await pilot.pause()
        await pilot.press("f4")
        await pilot.pause()
        await pilot.press("f4")
        await pilot.pause()
        assert sum(isinstance(s, CommandPalette) for s in app.screen_stack) == 1
        await pilot.press("ctrl+t")  # the theme picker is a palette too: nothing opens over it
        await pilot.pause()
        assert sum(isinstance(s, CommandPalette) for s in app.screen_stack) == 1
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is app.screen_stack[0]


async def test_a_layout_pass_does_not_repaint_the_line_views_scrollbars(tmp_path, monkeypatch):
    """LineView._size_updated: Textual reports a line view's virtual size as its own height on
    every layout pass (one per key typed), which repainted the scrollbars a frame later."""
    app = app_for(tmp_path / "pack")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        views = [app.query_one(PassagePane), app.query_one(Transcript)]
        bars = [view.vertical_scrollbar for view in views if view.show_vertical_scrollbar]
        assert bars  # the transcript of the first section is taller than its pane
        refreshed = []
        for bar in bars:
            monkeypatch.setattr(bar, "refresh", lambda *a, _bar=bar, **k: refreshed.append(_bar))
        await pilot.press(*"abc")
        await pilot.pause()
        assert app.query_one("#chat-input").value == "abc"
        assert refreshed == []


async def test_the_footer_gives_way_on_a_narrow_screen(tmp_path):
    """keys.ReaderFooter marks the footer's key widgets (Textual's FooterKey) by action, before
    they are mounted; the default screen starts in the wide class and gives it up when narrow."""
    app = app_for(tmp_path / "pack")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        bottom = screen_text(app).splitlines()[-1]
        assert "f10 View" in bottom and "f4 Find" not in bottom and "f11" not in bottom
        assert app.screen.has_class("-narrow") and not app.screen.has_class("-wide")  # (get_default_screen)
        await pilot.resize_terminal(130, 40)
        await pilot.pause()
        bottom = screen_text(app).splitlines()[-1]
        assert "f4 Find" in bottom and "f6 Terms" in bottom and "f11 Timeline" in bottom
        assert app.screen.has_class("-wide") and not app.screen.has_class("-narrow")


async def test_typing_in_the_chat_input_lays_nothing_out_and_long_lines_still_scroll(tmp_path, monkeypatch):
    """ChatInput.virtual_size: Textual's Input sets its virtual size (the text's width) on every
    key, and its reactive lays out the whole screen for it. Without the override a key costs a
    layout pass of both panes; with it the line still scrolls to keep the cursor in view."""
    from textual.app import App
    from textual.widgets import Input

    layouts = []
    compositor_reflow = Compositor.reflow
    monkeypatch.setattr(Compositor, "reflow", lambda self, *a: layouts.append(1) or compositor_reflow(self, *a))

    class Plain(App):
        def compose(self):
            yield Input()

    async with Plain().run_test(size=(60, 10)) as pilot:
        await pilot.pause()
        layouts.clear()
        await pilot.press(*"abc")
        await pilot.pause()
        assert layouts  # what the override is for: Textual still lays out per key

    app = app_for(tmp_path / "pack")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        box = app.query_one("#chat-input")
        box.focus()
        await pilot.pause()
        layouts.clear()
        await pilot.press(*"abc")
        await pilot.pause()
        assert box.value == "abc" and layouts == []
        long = "what was said in the speech " * 4 + "END"
        box.value = ""
        await pilot.press(*long)
        await pilot.pause()
        assert box.value == long and box.scroll_x > 0
        assert "speech END " in screen_text(app).splitlines()[box.region.y + 1]  # the end, in view


async def test_the_strip_drawn_scrollbar_still_scrolls_by_click_and_drag(tmp_path):
    """tui/scrollbar.StripBar: the bar drawn without Rich keeps Textual's click and drag
    metadata: a click on the track below the thumb pages down, and dragging the thumb scrolls."""
    app = app_for(tmp_path / "pack")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        view = app.query_one(Transcript)
        view.scroll_home(animate=False, immediate=True)
        await pilot.pause()
        bar = view.vertical_scrollbar
        assert view.max_scroll_y > 0 and view.scroll_y == 0
        await pilot.click(bar, offset=(0, bar.size.height - 1))
        await pilot.pause()
        paged = view.scroll_y
        assert paged > 0
        view.scroll_home(animate=False, immediate=True)
        await pilot.pause()
        await pilot.mouse_down(bar, offset=(0, 0))
        await pilot.hover(bar, offset=(0, bar.size.height - 1))
        await pilot.mouse_up(bar, offset=(0, bar.size.height - 1))
        await pilot.pause()
        assert view.scroll_y == view.max_scroll_y


def cells(strips) -> list[list[tuple]]:
    """Each line as (character, style) per cell, however its segments happen to be split."""
    return [[(character, segment.style) for segment in strip for character in segment.text] for strip in strips]


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["wide", "narrow"])
async def test_the_line_views_draw_their_lines_as_textuals_styles_cache_would(tmp_path, size):
    """LineView.render_lines: the passage and the transcript hand the compositor their lines
    themselves, padding and the focus tint included, cell for cell what Textual's styles cache
    gives (with the transcript's "more below" marker), and the same strips on a repaint."""
    app = app_for(tmp_path / "pack")
    async with app.run_test(size=size) as pilot:
        await pilot.press("f8")
        await pilot.pause()
        transcript = app.query_one(Transcript)
        transcript.scroll_home(animate=False, immediate=True)
        await pilot.pause()
        assert transcript.more_below or size[1] > 30  # narrow, the marker shows
        for focused in (False, True):
            if focused:
                app.query_one(PassagePane).focus()
                await pilot.pause()
            for view in (app.query_one(PassagePane), transcript):
                assert view.styles.padding.left and view._draws_its_box()
                crop = view.region.reset_offset  # as the compositor asks: the whole region
                ours = view.render_lines(crop)
                assert cells(ours) == cells(view._styles_cache.render_widget(view, crop))
                assert all(again is strip for again, strip in zip(view.render_lines(crop), ours))
        assert cells(view.render_lines(crop.shrink((0, 3, 0, 2)))) == cells(
            view._styles_cache.render_widget(view, crop.shrink((0, 3, 0, 2))))  # a part of the width
        kept = transcript.render_lines(crop)
        await pilot.press(*"abc")  # typing repaints the input line: the transcript's lines are kept
        await pilot.pause()
        assert transcript.render_lines(crop) is kept
        transcript.scroll_end(animate=False, immediate=True)
        await pilot.pause()
        assert not transcript.more_below
        assert cells(transcript.render_lines(crop)) == cells(transcript._styles_cache.render_widget(transcript, crop))


async def test_a_line_view_given_a_border_is_boxed_by_textual(tmp_path):
    """LineView._draws_its_box: a stylesheet that gives a view a border (which the view does
    not draw) gets Textual's own drawing of it, the text still inside."""
    app = app_for(tmp_path / "pack")
    async with app.run_test(size=(120, 40)) as pilot:
        view = app.query_one(PassagePane)
        view.styles.border_left = ("solid", "red")
        await pilot.pause()
        assert not view._draws_its_box()
        rows = screen_text(app).splitlines()[view.region.y:view.region.bottom]
        assert all(row[view.region.x] == "│" for row in rows)
        words = next(row.plain for row in view._rows if row.plain)[:20]
        assert any(words in row for row in rows)


async def test_the_strip_drawn_scrollbar_is_textuals_bar_cell_for_cell(tmp_path):
    """tui/scrollbar.StripBar: the bar is what Textual's ScrollBar draws through Rich, in each
    of its states (at rest, hovered, dragged), and a line that repeats is one shared strip."""
    app = app_for(tmp_path / "pack")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        bar = app.query_one(Transcript).vertical_scrollbar
        assert isinstance(bar, StripBar) and bar.display
        crop = bar.size.region
        for state in ("mouse_over", "grabbed", None):
            ours = bar.render_lines(crop)
            assert cells(ours) == cells(Widget.render_lines(bar, crop))
            if state:
                setattr(bar, state, True)
                await pilot.pause()
        assert len({id(strip) for strip in ours}) < len(ours)


async def test_the_rule_between_the_panes_lights_while_the_passage_has_focus(tmp_path):
    """tui/passage.Divider: the rule took over from the passage's border the sign of where the
    keys go; it lights with the passage's focus, wide and narrow."""
    app = app_for(tmp_path / "pack")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        divider = app.query_one(Divider)
        dim = divider.rich_style.color
        assert "▕" in screen_text(app).splitlines()[divider.region.y]
        await pilot.press("f9")
        await pilot.pause()
        assert app.query_one(PassagePane).has_focus and divider.rich_style.color != dim
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert divider.region.height == 1 and set(screen_text(app).splitlines()[divider.region.y]) == {"▁"}
        await pilot.press("f9")
        await pilot.pause()
        assert not app.query_one(PassagePane).has_focus and divider.rich_style.color == dim


async def test_the_footer_is_made_again_only_when_its_keys_change():
    """keys.ReaderFooter.bindings_changed: Textual's footer removes and mounts every key on each
    signal that the bindings may have changed (three at start-up, two per focus change). Ours
    does so only when the keys to show change: focus moving between widgets with the same keys
    keeps the key widgets, and a widget with a key of its own still shows it."""
    from textual.app import App
    from textual.binding import Binding
    from textual.widgets import Input
    from textual.widgets._footer import FooterKey

    from guided_reader.tui.keys import ReaderFooter

    class Keyed(Input):
        BINDINGS = [Binding("f12", "own", "Own key")]

    class Small(App):
        BINDINGS = [Binding("f2", "noop", "Shared")]

        def compose(self):
            yield Input(id="a")
            yield Input(id="b")
            yield Keyed(id="c")
            yield ReaderFooter(show_command_palette=False)

    app = Small()
    async with app.run_test(size=(80, 10)) as pilot:
        await pilot.pause()
        keys = list(app.query(FooterKey))
        assert [k.description for k in keys] == ["Shared"]
        app.query_one("#b").focus()
        await pilot.pause()
        assert list(app.query(FooterKey)) == keys  # the same widgets: nothing was made again
        app.query_one("#c").focus()
        await pilot.pause()
        assert sorted(k.description for k in app.query(FooterKey)) == ["Own key", "Shared"]
        app.query_one("#a").focus()
        await pilot.pause()
        assert [k.description for k in app.query(FooterKey)] == ["Shared"]
