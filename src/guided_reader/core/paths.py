"""Every path guided-reader reads or writes is decided here, and only here.

`GUIDED_READER_HOME` overrides the user data folder; the tests always set it.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "guided-reader"
HOME_ENV = "GUIDED_READER_HOME"
DB_NAME = "state.sqlite3"
DEFAULT_PACK = "rossi-1957"


def data_dir() -> Path:
    """The folder holding the reader's state (not created here)."""
    override = os.environ.get(HOME_ENV)
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def cache_dir() -> Path:
    """Where compiled packs are cached: `cache/` in the data folder when GUIDED_READER_HOME
    is set (the tests), else the platform's user cache folder (XDG_CACHE_HOME on Linux)."""
    override = os.environ.get(HOME_ENV)
    if override:
        return Path(override).expanduser() / "cache"
    import platformdirs

    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def db_path() -> Path:
    return data_dir() / DB_NAME


def bundled_packs_dir() -> Path:
    return Path(__file__).resolve().parent.parent / "packs"


def default_pack_dir() -> Path:
    return bundled_packs_dir() / DEFAULT_PACK


def bundled_pack_dirs() -> list[Path]:
    root = bundled_packs_dir()
    return sorted(p for p in root.iterdir() if (p / "pack.yaml").is_file())


def journal_path(pack_id: str) -> Path:
    """Where `/journal` writes: the current folder, where the reader will look for it."""
    return Path.cwd() / f"{pack_id}-journal.md"


def write_text_atomic(target: Path, text: str) -> None:
    """Write via a temp file and rename, so a crash never leaves half a file behind."""
    tmp = target.with_name(f".{target.name}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(target)
    finally:
        tmp.unlink(missing_ok=True)
