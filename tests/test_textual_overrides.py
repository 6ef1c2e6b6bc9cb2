"""Where the reader steps into Textual's own behaviour, a test that fails if Textual changes
under it: each override below is kept only because what it guards still happens without it."""

from __future__ import annotations

from textual._compositor import Compositor
from textual.command import CommandPalette

from guided_reader.tui.chat import Transcript
from guided_reader.tui.passage import PassagePane
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
    """keys.ReaderFooter marks the footer's key widgets (Textual's FooterKey) by action."""
    app = app_for(tmp_path / "pack")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        bottom = screen_text(app).splitlines()[-1]
        assert "f10 View" in bottom and "f4 Find" not in bottom and "f11" not in bottom
        await pilot.resize_terminal(130, 40)
        await pilot.pause()
        bottom = screen_text(app).splitlines()[-1]
        assert "f4 Find" in bottom and "f6 Terms" in bottom and "f11 Timeline" in bottom


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
