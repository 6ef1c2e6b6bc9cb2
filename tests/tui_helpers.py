"""Helpers for pilot tests: build the app on a pack folder and read what the screen shows."""

from __future__ import annotations

import html
import re
import time
from pathlib import Path
from typing import Callable

from rich.cells import cell_len

from textual.widgets import Input

from guided_reader.core.loader import load_pack
from guided_reader.core.store import Store
from guided_reader.tui.app import make_app
from guided_reader.tui.chat import Transcript, bubble_content
from minipack import write_pack


SVG_TEXT = re.compile(r'<text class="[^"]*" x="([\d.]+)" y="[\d.]+" textLength="([\d.]+)" '
                      r'clip-path="url\(#[\w-]+-line-(\d+)\)">([^<]*)</text>')


def screen_text(app) -> str:
    """Every line the active screen shows, as plain text, read from Textual's SVG screenshot
    (the public export that the snapshot tests and README pictures also use)."""
    runs = [(float(x), float(length), int(line), html.unescape(escaped).replace("\xa0", " ").replace("\n", ""))
            for x, length, line, escaped in SVG_TEXT.findall(app.export_screenshot())]
    cell = next((length / cell_len(text) for _, length, _, text in runs if cell_len(text)), 1.0)
    lines: dict[int, str] = {}
    for x, _, line, text in runs:
        column = round(x / cell)
        before = lines.get(line, "")
        lines[line] = before + " " * (column - cell_len(before)) + text
    return "\n".join(lines.get(n, "") for n in range(app.size.height))


async def until(pilot, condition: Callable[[], object], what: str = "", limit: float = 30.0):
    """Let the app run until `condition()` holds, and return its value.

    A fixed number of pauses is not enough on a loaded machine: the reply, the notice or the
    frame may come a few turns of the event loop later. `limit` only keeps a broken test from
    hanging; it is not a speed requirement."""
    deadline = time.monotonic() + limit
    while not (result := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(f"still waiting after {limit:g} s for {what or 'the condition'}")
        await pilot.pause()
    return result


async def until_shown(pilot, *texts: str) -> str:
    """Wait until the screen shows every one of `texts`, and return the screen's text."""
    def shown() -> str:
        text = screen_text(pilot.app)
        return text if all(t in text for t in texts) else ""

    try:
        return await until(pilot, shown, f"the screen to show {texts!r}")
    except AssertionError as exc:
        raise AssertionError(f"{exc}; it shows:\n{screen_text(pilot.app)}") from None


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
    if text:  # the input empties when the app takes the line (an empty line: wait at the caller)
        await until(pilot, lambda: box.value == "", f"the input to take {text!r}")


async def until_bubble(pilot, kind: str, text: str) -> None:
    """Wait until the newest chat bubble of `kind` holds `text`."""
    def said() -> bool:
        found = bubbles(pilot.app, kind)
        return bool(found) and text in found[-1]

    await until(pilot, said, f"a {kind} bubble saying {text!r}")
