"""Write SVG screenshots of the reader for the README: the reader, the glossary browser and the timeline.

    python scripts/screenshot.py [OUT_DIR] [--pack DIR]

Runs the app headless on a throwaway data folder (your own progress is never touched) and
writes one picture per scene below. The same scenes are the snapshot tests
(tests/test_snapshots.py), so the README shows what the suite checks. A scene waits for what
it shows to be on screen, never for a fixed time, and fixes the theme and the cursor, so the
same code draws the same picture on any machine.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Awaitable, Callable

ROOT = Path(__file__).resolve().parent.parent
THEME = "textual-dark"
README_SCENES = ("reader", "glossary", "timeline")  # the pictures docs/ holds


@dataclass(frozen=True)
class Scene:
    name: str
    size: tuple[int, int]
    steps: Callable[..., Awaitable[None]]  # async (pilot) -> None: bring the app to the picture


async def wait_for(pilot, condition: Callable[[], object], what: str, limit: float = 30.0) -> None:
    """Run the app until `condition()` holds; `limit` seconds only stops a scene that never gets there."""
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"screenshot: {what} did not happen in {limit:g} s")
        await pilot.pause()


async def steady(pilot) -> None:
    """The same look on every run: a fixed theme and a cursor that does not blink."""
    app = pilot.app
    app.theme = THEME
    app.query_one("#chat-input").cursor_blink = False
    await wait_for(pilot, lambda: app.query_one("#chat-input").has_focus, "the first screen")


async def send(pilot, text: str) -> None:
    box = pilot.app.query_one("#chat-input")
    box.value = text
    await pilot.press("enter")
    await wait_for(pilot, lambda: box.value == "", f"the reply to {text!r}")


async def open_screen(pilot, key: str) -> None:
    await pilot.press(key)
    await wait_for(pilot, lambda: len(pilot.app.screen_stack) == 2, f"the screen under {key}")


async def reader(pilot) -> None:
    """The first question answered and a term looked up: a real conversation."""
    await steady(pilot)
    await send(pilot, "They had no way of judging Moscow for themselves.")
    pack = pilot.app.pack
    if pack.glossary:
        await send(pilot, f"who was {pack.glossary[0].term}?")


async def glossary(pilot) -> None:
    await reader(pilot)
    await open_screen(pilot, "f3")


async def help_screen(pilot) -> None:
    await steady(pilot)
    await open_screen(pilot, "f1")


async def contents(pilot) -> None:
    await steady(pilot)
    await open_screen(pilot, "f2")


async def timeline(pilot) -> None:
    """On an event of the first section whose essay date departs from the record, if there is one."""
    from guided_reader.core.timeline import in_section

    await reader(pilot)
    app = pilot.app
    if not app.pack.timeline:
        return
    await open_screen(pilot, "f11")
    section = app.pack.sections[app.session.state.section]
    here = [i for i, e in enumerate(app.pack.timeline) if e.essay_says and in_section(e, section)]
    listing = app.screen.query_one("#timeline-list")
    index = here[0] if here else 0
    chosen = app.pack.timeline[index]
    listing.highlighted = listing.get_option_index(str(index))
    shown = app.screen.query_one("#timeline-event" if not chosen.essay_says else "#timeline-essay")
    await wait_for(pilot, lambda: (chosen.essay_says or chosen.title) in str(shown.content), "the event's details")
    listing.scroll_to_highlight()  # again, now that the list is laid out at its width


SCENES = (
    Scene("reader", (120, 40), reader),
    Scene("reader-80x24", (80, 24), reader),
    Scene("glossary", (120, 40), glossary),
    Scene("help", (120, 40), help_screen),
    Scene("contents", (120, 40), contents),
    Scene("timeline", (120, 40), timeline),
)


async def shoot(scene: Scene, pack) -> str:
    """The scene's SVG: the app at the scene's size, after its steps, as Textual exports it."""
    from guided_reader.tui.app import make_app

    app = make_app(pack)
    async with app.run_test(size=scene.size) as pilot:
        await scene.steps(pilot)
        await pilot.wait_for_scheduled_animations()
        return app.export_screenshot(title="guided-reader")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", nargs="?", default=str(ROOT / "docs"))
    parser.add_argument("--pack", help="pack folder (default: the bundled essay)")
    args = parser.parse_args(argv)
    out = Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    from guided_reader.core import paths
    from guided_reader.core.loader import load_pack

    pack = load_pack(Path(args.pack) if args.pack else paths.default_pack_dir())
    for scene in SCENES:
        if scene.name in README_SCENES and (scene.name != "timeline" or pack.timeline):
            with tempfile.TemporaryDirectory() as home:  # each scene starts as a first reading
                os.environ["GUIDED_READER_HOME"] = home
                target = out / f"{scene.name}.svg"
                target.write_text(asyncio.run(shoot(scene, pack)), encoding="utf-8")
            print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
