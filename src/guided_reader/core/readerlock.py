"""One reader per pack and data folder: a second one is refused rather than left to overwrite
the first one's place and draft when it quits.

The lock is an flock(2) on a small file in the data folder, so the kernel drops it when the
process ends, however it ends: a crash or kill -9 never leaves a stale lock behind. The file
holds the pid of the holder, only to name it in the message.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from . import paths


class Busy(Exception):
    """Another process holds the pack open."""

    def __init__(self, pack_id: str, pid: str) -> None:
        held = f" (process {pid})" if pid.isdigit() else ""
        super().__init__(f"'{pack_id}' is already open in another guided-reader{held} on this data "
                         f"folder; quit that one first, so that neither overwrites the other's place")


class ReaderLock:
    """Held while a pack is open for reading (or being reset). Without a usable data folder
    there is nothing to protect (the session runs in memory), so it holds nothing."""

    def __init__(self, pack_id: str) -> None:
        self.pack_id = pack_id
        self.path: Path = paths.lock_path(pack_id)
        self._fd: int | None = None

    def acquire(self) -> ReaderLock:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
        except OSError:
            return self  # read-only or missing data folder: the store says so in its own note
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            try:
                pid = os.read(fd, 32).decode("ascii", "replace").strip()
            finally:
                os.close(fd)
            raise Busy(self.pack_id, pid) from None
        except OSError:  # a file system without flock: read on, unprotected
            os.close(fd)
            return self
        try:
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode())
        except OSError:
            pass
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing drops the flock; the file stays, harmless and unlocked
            self._fd = None
