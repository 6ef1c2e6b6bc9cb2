"""The standard streams, as they really are: closed, full, or gone. Used by cli.main so that
no command ever ends in a traceback because of where its input or output points.
"""

from __future__ import annotations

import errno
import os
import sys
from contextlib import suppress

from guided_reader.core.safe import clean, one_line

# What a write to stdout fails with when it cannot go anywhere (a file opened by name names itself).
OUTPUT_ERRORS = {errno.ENOSPC, errno.EIO, errno.EFBIG, errno.EDQUOT, errno.EBADF, errno.EINVAL}


def err(text: str) -> None:
    """One message on stderr (nowhere if stderr is closed)."""
    if sys.stderr is not None:
        sys.stderr.write(clean(text) + "\n")


def closed_streams() -> list[str]:
    """The standard streams that are closed. Each closed descriptor is filled with /dev/null,
    so that no file opened later (the database) lands on it and gets written as stdout."""
    closed = []
    for fd, name in ((0, "input"), (1, "output"), (2, "error")):
        try:
            os.fstat(fd)
        except OSError:
            os.open(os.devnull, os.O_RDWR)  # the lowest free descriptor: this one
            closed.append(name)
    for stream in (sys.stdout, sys.stderr):  # an unencodable name prints as "?", not a traceback
        if stream is not None and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    return closed



def drop_stdout() -> None:
    """Point stdout at /dev/null, so that exiting does not fail again on what is left in it."""
    with suppress(OSError, ValueError, AttributeError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def reason(exc: BaseException) -> str:
    """What went wrong, in words: "File name too long" rather than "[Errno 36] ..."."""
    return (exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)) or type(exc).__name__


def describe(exc: OSError | EOFError | ValueError) -> str:
    """`exc` as one line for the user; a failed write to stdout says so."""
    why = reason(exc)
    where = f"{exc.filename}: " if isinstance(exc, OSError) and exc.filename else ""
    if isinstance(exc, OSError) and not exc.filename and exc.errno in OUTPUT_ERRORS:
        where = "cannot write to standard output: "
        drop_stdout()
    return f"guided-reader: {one_line(where + why)}"
