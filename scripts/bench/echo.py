"""Typing: a keystroke to its echo in the reader's chat input, against an `Input` in an
empty Textual app, pressed the same way in the same run (bench/keys.py)."""

from __future__ import annotations

from pathlib import Path

from textual.app import App
from textual.widgets import Footer, Header, Input

from bench.keys import Script, press_times
from bench.nav import p95, spread
from bench.results import Measure, within

# A question, as a reader types one: the reader's suggester looks for a glossary term after "who was".
TYPED = "who was the man in paris and why did the party keep quiet"


class InputApp(App):
    """The floor: a header, one input line and a footer."""

    def compose(self):
        yield Header()
        yield Input(placeholder="Type here")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(Input).focus()


def typing(app, selector: str, text: str, cycles: int) -> Script:
    """Type `text` into the input `selector`, one key at a time; emptied after every cycle."""

    def focus(app) -> None:
        app.query_one(selector, Input).focus()

    def clear(app) -> None:
        app.query_one(selector, Input).value = ""

    keys = ["space" if c == " " else c for c in text]
    return press_times(app, Script(keys, cycles, warm=("x", "backspace"), prepare=focus, reset=clear))


def typing_measure(name: str, pack, store_dir: Path, length: int, cycles: int) -> Measure:
    from guided_reader.core.store import Store
    from guided_reader.tui.app import make_app

    text = TYPED[:length]
    store = Store.open(store_dir / f"typing-{pack.id}.sqlite3")
    reader = typing(make_app(pack, store=store), "#chat-input", text, cycles)
    floor = typing(InputApp(), "Input", text, cycles)
    return within("typing", "keystroke to echo in the chat input p95", name, p95(reader.times), p95(floor.times),
                  "an Input in an empty Textual app (p95)", "ms", 1.2,
                  {**spread(reader.times, floor.times), "first_paint_p95_ms": round(p95(reader.firsts), 2),
                   "baseline_first_paint_p95_ms": round(p95(floor.firsts), 2), "keys": len(reader.times)})
