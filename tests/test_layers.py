"""The layer rule: the core never imports Textual or Rich, and never reads ../shared."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "guided_reader"


def test_core_imports_no_textual_or_rich():
    modules = sorted(p.stem for p in (SRC / "core").glob("*.py") if p.stem != "__init__")
    code = (
        "import sys\n"
        + "".join(f"import guided_reader.core.{m}\n" for m in modules)
        + "import guided_reader.plain\n"
        + "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        + "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "", f"core/plain pulled in: {result.stdout}"


ROOT = SRC.parent.parent
# A folder of one machine: a home, a work or temp folder, a checkout of the project's references.
MACHINE_PATH = re.compile(r"\.\./shared|(?<![\w.~])/(?:work|home|Users|root|tmp|mnt|srv)/|[A-Z]:\\Users\\")


def shipped_files() -> list[Path]:
    """Every file the wheel ships (the package and its data) and the metadata it carries."""
    package = [p for p in SRC.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    return package + [ROOT / "README.md", ROOT / "LICENSE", ROOT / "pyproject.toml"]


def test_no_shipped_file_names_a_machine_path_or_the_shared_folder():
    files = shipped_files()
    assert {p.suffix for p in files} >= {".py", ".yaml", ".txt", ".tcss"}
    offenders = [f"{p.relative_to(ROOT)}:{n}: {line.strip()}" for p in files
                 for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if MACHINE_PATH.search(line)]
    assert offenders == []


def test_the_reader_never_imports_the_developer_tools():
    """guided_reader.devtools (the pack generator of the bench and the tests) ships in the
    package but is no part of the reader: importing every other module leaves it unloaded."""
    modules = sorted(".".join(p.relative_to(SRC.parent).with_suffix("").parts).removesuffix(".__init__")
                     for p in SRC.rglob("*.py") if "devtools" not in p.parts and p.name != "__main__.py")
    code = ("import sys\n" + "".join(f"import {m}\n" for m in modules)
            + "print(','.join(m for m in sys.modules if m.startswith('guided_reader.devtools')))\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "", f"the reader pulled in: {result.stdout}"


def test_the_pattern_catches_machine_paths():
    for line in ("# see /work/shared/essay/facts.yaml", "from ../shared/notes", "C:\\Users\\me\\x",
                 "/home/alice/pack", "/tmp/x/glossary.yaml"):
        assert MACHINE_PATH.search(line), line
    for line in ("~/.local/share/guided-reader", "and/or", "https://www.foreignaffairs.com/articles/x"):
        assert not MACHINE_PATH.search(line), line
