"""Write SVG screenshots of the reader for the README: the reader, the glossary browser and the timeline.

    python scripts/screenshot.py [OUT_DIR] [--pack DIR]

Runs the app headless at 120x40 on a throwaway data folder (your own progress is never
touched), answers the first question and looks a term up, so the pictures show a real
conversation.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


async def shoot(out: Path, pack_dir: Path | None) -> list[Path]:
    from guided_reader.core import paths
    from guided_reader.core.loader import load_pack
    from guided_reader.core.timeline import in_section
    from guided_reader.tui.app import make_app

    pack = load_pack(pack_dir or paths.default_pack_dir())
    app = make_app(pack)
    written = []
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        box = app.query_one("#chat-input")
        box.value = "They had no way of judging Moscow for themselves."
        await pilot.press("enter")
        term = pack.glossary[0].term if pack.glossary else ""
        box.value = f"who was {term}?" if term else ""
        await pilot.press("enter")
        await pilot.pause(0.2)
        written.append(out / "reader.svg")
        written[-1].write_text(app.export_screenshot(title="guided-reader"), encoding="utf-8")
        await pilot.press("f3")
        await pilot.pause(0.2)
        written.append(out / "glossary.svg")
        written[-1].write_text(app.export_screenshot(title="guided-reader: glossary"), encoding="utf-8")
        if pack.timeline:  # on an event of this section whose essay date departs from the record
            await pilot.press("f11")
            await pilot.pause(0.2)
            section = pack.sections[app.session.state.section]
            here = [i for i, e in enumerate(pack.timeline) if e.essay_says and in_section(e, section)]
            listing = app.screen.query_one("#timeline-list")
            listing.highlighted = listing.get_option_index(str(here[0] if here else 0))
            await pilot.pause(0.2)
            written.append(out / "timeline.svg")
            written[-1].write_text(app.export_screenshot(title="guided-reader: timeline"), encoding="utf-8")
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", nargs="?", default=str(ROOT / "docs"))
    parser.add_argument("--pack", help="pack folder (default: the bundled essay)")
    args = parser.parse_args(argv)
    out = Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as home:
        os.environ["GUIDED_READER_HOME"] = home
        for path in asyncio.run(shoot(out, Path(args.pack) if args.pack else None)):
            print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
