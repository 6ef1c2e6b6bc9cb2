"""Every path guided-reader reads or writes is decided here, and only here.

`GUIDED_READER_HOME` overrides the user data folder; the tests always set it.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
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


def lock_path(pack_id: str) -> Path:
    """The lock file a reader holds while a pack is open (see core/readerlock.py)."""
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in pack_id)
    return data_dir() / f"{safe}.lock"


def write_text_atomic(target: Path | str, text: str) -> None:
    """Write `text` (UTF-8) to `target` the way a reader expects, never leaving half a file.

    A regular file or a new name is replaced atomically: a temp file with a random name is
    created beside it (O_CREAT|O_EXCL, so a planted link is never followed), fsynced and
    renamed over it. A symlink is followed and its target replaced; a FIFO or a device is
    written in place; a folder, a socket or a read-only file is refused with an OSError.
    """
    real = Path(os.path.realpath(target))
    try:
        st = os.stat(real)
    except FileNotFoundError:
        st = None
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise IsADirectoryError(errno.EISDIR, "it is a folder, not a file", str(target))
    if st is not None and stat.S_ISSOCK(st.st_mode):
        raise OSError(errno.ENXIO, "it is a socket, not a file", str(target))
    if st is not None and not os.access(real, os.W_OK):  # as `>` would: a read-only file stays
        raise PermissionError(errno.EACCES, "the file is read-only", str(target))
    data = text.encode("utf-8")
    if st is not None and not stat.S_ISREG(st.st_mode):  # FIFO, character or block device
        with open(real, "wb") as f:
            f.write(data)
        return
    fd, tmp = tempfile.mkstemp(dir=real.parent, prefix=f".{real.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, stat.S_IMODE(st.st_mode) if st is not None else 0o666 & ~_umask())
        os.replace(tmp, real)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):  # make the rename itself durable
        folder = os.open(real.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
