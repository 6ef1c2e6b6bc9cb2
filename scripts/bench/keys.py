"""Time from a key press to the screen updated, in a headless pilot at 120x40.

Each press is timed from the key event to the last screen paint it causes (the app's
`_display` is wrapped to note when each compositor update is done; a press is done when no
new paint came for 50 ms of idleness), and to the first paint (when its effect is first on
screen). Between presses the app is left to go quiet, untimed. Only watching, never
prodding: Pilot.press/pause would queue work on every widget while the app is still busy,
charging the app with the harness's cost. This reaches into Textual's private `_display`,
`_driver` and `_wait`: the one place the bench does.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from textual import events
from textual._wait import wait_for_idle

from bench.startup import SIZE

CHARACTERS = {"space": " "}


@dataclass
class Script:
    """What to press: `keys` once per cycle after `warm` (untimed), with `prepare` run once
    before everything and `reset` after every cycle (both untimed)."""

    keys: list[str]
    cycles: int
    warm: tuple[str, ...] = ()
    prepare: Callable[[object], None] | None = None
    reset: Callable[[object], None] | None = None
    times: list[float] = field(default_factory=list)  # to the last paint, per press
    firsts: list[float] = field(default_factory=list)  # to the first paint, per press


def key_event(key: str) -> events.Key:
    character = CHARACTERS.get(key, key if len(key) == 1 else None)
    return events.Key(key, character)


async def _settled(paints: list[float]) -> None:
    seen = -1
    while not paints or len(paints) != seen:  # until no new paint for 50 ms of idleness
        seen = len(paints)
        await wait_for_idle(0)
        await asyncio.sleep(0.05)


async def _run(app, script: Script) -> Script:
    paints: list[float] = []
    async with app.run_test(size=SIZE) as pilot:
        show = app._display

        def display(screen, renderable) -> None:
            show(screen, renderable)
            if renderable is not None:
                paints.append(time.perf_counter())

        app._display = display
        for box in app.query("Input"):
            box.cursor_blink = False  # a blinking cursor paints on its own
        await pilot.pause()
        if script.prepare:
            script.prepare(app)
            await pilot.pause()
        for key in script.warm:  # the first presses pay one-off costs
            await pilot.press(key)
        for _ in range(script.cycles):
            for key in script.keys:
                await pilot.pause()
                paints.clear()
                start = time.perf_counter()
                app._driver.send_message(key_event(key))
                await _settled(paints)
                script.times.append(paints[-1] - start)
                script.firsts.append(paints[0] - start)
            if script.reset:
                script.reset(app)
                await pilot.pause()
    return script


def press_times(app, script: Script) -> Script:
    """Run `script` on `app` (a fresh event loop); its `times` and `firsts` filled in."""
    return asyncio.run(_run(app, script))


