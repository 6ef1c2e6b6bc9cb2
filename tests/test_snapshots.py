"""Snapshot tests: each screen of the bundled essay, drawn by Textual as SVG and compared with the
accepted picture in tests/__snapshots__/test_snapshots/.

The scenes are those of scripts/screenshot.py, which draws the README's pictures: the main
screen at 120x40 and 80x24, the glossary browser, help, contents and the timeline. Each scene
waits for what it shows and fixes the theme and the cursor, and every test has its own empty
data folder, so a picture changes only when the screen does. After a deliberate change of
layout, look at the report pytest writes (snapshot_report.html), then accept the new pictures:

    .venv/bin/python -m pytest tests/test_snapshots.py --snapshot-update
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from guided_reader.core import paths
from guided_reader.core.loader import load_pack
from guided_reader.core.store import Store
from guided_reader.tui.app import make_app

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "screenshot.py"
spec = importlib.util.spec_from_file_location("screenshot", SCRIPT)
screenshot = sys.modules.setdefault("screenshot", importlib.util.module_from_spec(spec))
spec.loader.exec_module(screenshot)


@pytest.mark.parametrize("scene", screenshot.SCENES, ids=[s.name for s in screenshot.SCENES])
def test_screen_looks_as_accepted(snap_compare, scene):
    app = make_app(load_pack(paths.default_pack_dir()), store=Store.open())
    assert snap_compare(app, terminal_size=scene.size, run_before=scene.steps)
