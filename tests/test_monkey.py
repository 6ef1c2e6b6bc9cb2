"""The TUI under stress: a seeded monkey of keys, clicks, pastes and resizes.

Thousands of random actions on the bundled pack and on a generated large pack (60 sections,
3,000 glossary entries, prompts with choices, hints and spoilers; guided_reader.devtools.packgen). Whatever screen is open, the monkey keeps going. An exception inside
the app surfaces when the `run_test` block exits; afterwards the reader's place must be saved.

Quitting is the one thing the monkey may not do: it never sends ctrl+q, never clicks the
footer row (which holds the quit key), and the app's quit action is swapped for a counter, so
a "/quit" or the palette's "Quit the application" is recorded instead of ending the run.
"""

from __future__ import annotations

import random
import string
import pytest
from textual import events
from textual.command import CommandPalette
from textual.widgets import Input

from guided_reader.core.loader import load_pack
from guided_reader.core.paths import default_pack_dir
from guided_reader.core.store import Store
from guided_reader.devtools.packgen import generate_pack
from guided_reader.tui.app import make_app

KEYS = (list(string.ascii_lowercase) + [f"f{n}" for n in range(1, 13)]
        + ["enter"] * 6 + ["escape"] * 4 + ["tab", "shift+tab", "up", "down", "left", "right", "pageup",
                                            "pagedown", "home", "end", "space", "backspace", "ctrl+p",
                                            "ctrl+t", "question_mark", "1", "2", "3"])
PASTES = ["", "", "1", "2", "?Thorez", "who was Togliatti?", "/next", "/back", "/go 3", "/go 999", "/hint", "/skip",
          "/contents", "/glossary", "/help", "/bookmark monkey", "/journal", "/nope", "x[/]y [@click=app.quit]",
          "\x1b[31m", "Cominform?", "W" * 3000]


def random_text(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return rng.choice(PASTES)
    alphabet = string.printable + "éñ共产党🚩\u200d\u0301[]/"
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 80)))


LARGE = {"sections": 60, "words": 15_000, "entries": 3000, "aliases": 2, "prompts": 120}


PALETTE_KEYS = ("ctrl+p", "f4", "ctrl+t")
CHARS = {"space": " ", "enter": "\r", "tab": "\t", "escape": "\x1b", "backspace": "\x7f",
         "question_mark": "?"}


def send_key(app, key: str) -> None:
    """Queue a key press the way the terminal driver would, without waiting for the app:
    keys arrive in bursts, as from a fast typist, and thousands fit in the time budget."""
    event = events.Key(key, CHARS.get(key, key if len(key) == 1 else None))
    event.set_sender(app)
    app._driver.send_message(event)


async def monkey(app, rng: random.Random, steps: int) -> int:
    """Drive `app` with `steps` random actions; return how many quits were swallowed."""
    quits = []

    async def no_quit() -> None:
        quits.append(1)

    real_quit = app.action_quit
    app.action_quit = no_quit
    width, height = 120, 40
    async with app.run_test(size=(width, height), notifications=True, tooltips=True) as pilot:
        await pilot.pause()
        for step in range(steps):
            roll = rng.random()
            if roll < 0.75:
                key = rng.choice(KEYS)
                if key in PALETTE_KEYS or isinstance(app.screen, CommandPalette):
                    # Textual's palette races its own search worker when keys arrive in a burst
                    # (NoMatches 'CommandList'): around it, keys go one at a time.
                    await pilot.pause()
                    await pilot.press(key)
                else:
                    send_key(app, key)
            elif roll < 0.83:
                x, y = rng.randrange(width), rng.randrange(max(1, height - 1))  # never the footer row
                await pilot.click(offset=(x, y))
            elif roll < 0.94:
                boxes = app.screen.query(Input)
                if boxes:
                    box = rng.choice(list(boxes))
                    box.focus()
                    box.value = random_text(rng)
                    await pilot.press("enter")
            else:
                width, height = rng.randint(20, 240), rng.randint(8, 70)
                await pilot.resize_terminal(width, height)
            if step % 20 == 0:
                await pilot.pause()
            assert app.is_running, f"the app stopped at step {step}"
        while len(app.screen_stack) > 1:  # back to the reader, then quit the real way
            app.pop_screen()
        await pilot.pause()
        await real_quit()
    return len(quits)


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1])
async def test_monkey_on_the_bundled_pack(tmp_path, monkeypatch, seed):
    monkeypatch.chdir(tmp_path)  # /journal writes here
    pack = load_pack(default_pack_dir())
    app = make_app(pack, store=Store.open())
    await monkey(app, random.Random(seed), 600)
    saved = Store.open().load(pack.id)
    assert saved.position is not None and pack.section_index(saved.position.section) is not None


@pytest.mark.slow
async def test_monkey_on_a_large_pack(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    generate_pack(tmp_path / "large", sizes=LARGE, seed=7)
    pack = load_pack(tmp_path / "large")
    assert len(pack.sections) == 60 and len(pack.glossary) == 3000
    app = make_app(pack, store=Store.open())
    await monkey(app, random.Random(3), 400)
    saved = Store.open().load(pack.id)
    assert saved.position is not None and pack.section_index(saved.position.section) is not None
