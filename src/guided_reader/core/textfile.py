"""Reading a pack file as strict UTF-8 text, and finding characters that have no place in it.

Every text a pack holds is shown to a reader, so control characters (which could drive the
terminal) and bidi overrides (which could make text read differently from how it is stored)
are refused here, with their line and column.
"""

from __future__ import annotations

import re
from pathlib import Path

from guided_reader.core.problems import Problem
from guided_reader.core.safe import BIDI, UNSAFE

MAX_FILE_BYTES = 24 * 1024 * 1024  # a million-word essay is about 7 MB

# C0 controls but tab and newline, DEL, C1 controls, and the bidi embedding/override/isolate marks.
FORBIDDEN = UNSAFE


def describe(char: str) -> str:
    names = {"\x00": "a NUL byte", "\x1b": "an escape character (ESC)", "\r": "a carriage return"}
    kind = "bidi control" if re.match(f"[{BIDI}]", char) else "control character"
    return names.get(char, f"the {kind} U+{ord(char):04X}")


def position(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of `offset` in `text`."""
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, col


def forbidden_chars(text: str, file: str, limit: int = 20) -> list[Problem]:
    problems: list[Problem] = []
    for match in FORBIDDEN.finditer(text):
        line, col = position(text, match.start())
        problems.append(Problem(file, line, col, "", f"{describe(match.group())} is not allowed in a pack"))
        if len(problems) >= limit:
            break
    return problems


def read_text(root: Path, file: str) -> tuple[str | None, list[Problem]]:
    """Return the text of `file` in the pack folder `root`, or None and the reasons it cannot
    be used. A symlink is followed only if where it leads is inside the pack folder too."""
    def fail(message: str, line: int = 0, col: int = 0) -> tuple[None, list[Problem]]:
        return None, [Problem(file, line, col, "", message)]

    path = root / file
    if not path.exists():
        return fail("file is missing" if not path.is_symlink() else "is a symlink to a missing file")
    real, home = path.resolve(), root.resolve()
    if not real.is_relative_to(home):
        return fail(f"is a symlink to {real}, outside the pack folder; a pack must hold its own files")
    if not path.is_file():
        return fail("expected a file, found a directory" if path.is_dir() else "is not a regular file")
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return fail(f"file is {size / 1048576:.0f} MB; the limit is {MAX_FILE_BYTES // 1048576} MB")
        data = path.read_bytes()
    except OSError as exc:
        return fail(f"cannot be read: {exc.strerror or exc}")
    if data.startswith(b"\xef\xbb\xbf"):
        return fail("starts with a byte-order mark (BOM); save it as UTF-8 without BOM", 1, 1)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        prefix = data[: exc.start].decode("utf-8", "replace")
        line, col = position(prefix, len(prefix))
        return fail(f"is not valid UTF-8 (byte 0x{data[exc.start]:02x})", line, col)
    if "\r" in text:
        line, col = position(text, text.index("\r"))
        return fail("has Windows (CRLF) or old Mac line ends; save it with LF line ends", line, col)
    problems = forbidden_chars(text, file)
    return (None, problems) if problems else (text, [])
