"""scripts/screenshot.py keeps working: it writes the README's SVGs of the reader, glossary and timeline."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_screenshot_script_writes_reader_glossary_and_timeline(tmp_path, isolated_home):
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "screenshot.py"), str(tmp_path)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    reader = (tmp_path / "reader.svg").read_text(encoding="utf-8")
    glossary = (tmp_path / "glossary.svg").read_text(encoding="utf-8")
    assert reader.startswith("<svg") and "Section&#160;1&#160;of" in reader
    assert ">People" in glossary
    timeline = (tmp_path / "timeline.svg").read_text(encoding="utf-8")
    assert "The&#160;essay&#160;says" in timeline
    assert not isolated_home.exists()  # the reader's own data is never touched
