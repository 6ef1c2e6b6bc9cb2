"""Helpers for pilot tests: build the app on a pack folder and read what the screen shows."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from guided_reader.core.loader import load_pack
from guided_reader.core.store import Store
from guided_reader.tui.app import make_app
from guided_reader.tui.chat import Transcript, bubble_content
from minipack import write_pack


def screen_text(app) -> str:
    """Every line the active screen shows, as plain text."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def app_for(folder: Path, restart: bool = False, **replace: str):
    if not (folder / "pack.yaml").exists():
        write_pack(folder, **replace)
    return make_app(load_pack(folder), restart=restart, store=Store.open())


def bubbles(app, kind: str | None = None) -> list[str]:
    """The text of every chat bubble (of one kind, if given), oldest first."""
    messages = app.query_one(Transcript).messages
    return [bubble_content(m).plain for m in messages if kind is None or m.kind == kind]


def offset_of(view, text: str, dx: int = 0):
    """Where `text` shows in a line view (the passage or the transcript), for pilot.click/hover."""
    offset = view.find(text)
    assert offset is not None, f"{text!r} is not in the view"
    return (offset.x + dx, offset.y)


async def type_line(pilot, text: str) -> None:
    """Type `text` into the chat input and press Enter, as a reader would."""
    box = pilot.app.query_one("#chat-input", Input)
    box.focus()
    box.value = text
    await pilot.press("enter")
    await pilot.pause()
