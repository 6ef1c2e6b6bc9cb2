"""Line mode: the same guided reading as plain lines on stdout, input from stdin.

For screen readers, pipes and scripts: `printf '\\nwhat was the Cominform?\\n' | guided-reader --plain`.
Wrapped to the terminal width (80 when not a terminal); colour only on a terminal without
NO_COLOR. Every text is cleaned of control characters before it is written.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import textwrap
from typing import TextIO

from guided_reader.core.messages import Jump, Message, Request
from guided_reader.core.model import Pack
from guided_reader.core.safe import clean
from guided_reader.core.session import Session
from guided_reader.core.store import Store

BOLD, DIM, RESET = "\x1b[1m", "\x1b[2m", "\x1b[0m"
_CODES = re.compile("\x1b\\[[0-9;]*m")  # our own styles, to measure a styled lead


class PlainWriter:
    def __init__(self, out: TextIO, width: int, colour: bool) -> None:
        self.out, self.width, self.colour = out, width, colour

    def style(self, text: str, code: str) -> str:
        return f"{code}{text}{RESET}" if self.colour else text

    def para(self, text: str, lead: str = "", indent: str = "", code: str = "") -> None:
        """Write `text` wrapped, keeping its own blank lines and line breaks.

        The lead's visible width (not its colour codes) counts against the first line, so no
        line is wider than `self.width`; `code` styles the text of every line.
        """
        for block in clean(text).split("\n"):
            if not block.strip():
                self.out.write("\n")
                continue
            room = len(_CODES.sub("", lead))
            lines = textwrap.wrap(block, self.width, initial_indent=" " * room, subsequent_indent=indent,
                                  break_long_words=True, break_on_hyphens=False) or [" " * room]
            for i, line in enumerate(lines):
                head, body = (lead, line[room:]) if i == 0 else (indent, line[len(indent):])
                self.out.write(head + (self.style(body, code) if code else body) + "\n")
            lead = indent

    def message(self, m: Message, pack: Pack, echo: bool) -> None:
        if m.kind == "heading":
            self.out.write("\n")
            self.para(f"{m.title}: {m.text}", "", "", BOLD)
            self.out.write("\n")
            return
        if m.kind == "reader":
            if echo:
                self.para(m.text, "> ", "  ")
            return
        if m.kind in ("prompt", "passages"):
            lead = "Question: " if m.kind == "prompt" else f"{m.title}: "
            self.para(m.text, self.style(lead, BOLD), "  ")
            for i, label in enumerate(m.items, 1):
                self.para(label, f"  {i}. ", "     ")
        elif m.kind in ("note", "entry", "recap") or m.title:
            label = {"note": f"Note on {m.title}", "recap": m.title}.get(m.kind, m.title)
            self.para(label, "", "", BOLD)
            self.para(m.text, "  ", "  ")
        elif m.kind == "terms":
            self.para(m.text, "", "  ")
        elif m.kind == "recall":  # the open question in one line, its choices still numbered
            choices = ", ".join(f"{i}. {label}" for i, label in enumerate(m.items, 1))
            self.para(m.text + (f" ({choices})" if choices else ""), self.style("* ", DIM), "  ")
        elif m.kind == "info":
            self.para(m.text, self.style("* ", DIM), "  ")
        else:
            self.para(m.text, "Guide: ", "  ")
        self.out.write("\n")

    def passage(self, pack: Pack, session: Session) -> None:
        section = session.guide.section(session.state)
        for n in section.paragraph_numbers:
            self.paragraph(pack, n)
        session.set_seen(section.last)

    def paragraph(self, pack: Pack, n: int) -> None:
        lead = f"[{n}] "
        self.para(pack.paragraph(n), lead, " " * len(lead))
        self.out.write("\n")


def run_plain(pack: Pack, restart: bool = False, stdin: TextIO | None = None, stdout: TextIO | None = None) -> int:
    stdin, stdout = stdin or sys.stdin, stdout or sys.stdout
    tty = stdout.isatty()
    width = shutil.get_terminal_size((80, 24)).columns if tty else 80
    writer = PlainWriter(stdout, max(30, width), tty and not os.environ.get("NO_COLOR"))
    interactive = stdin.isatty()
    session = Session(pack, Store.open(), restart=restart, judge_reading=interactive)
    writer.para(f"{pack.title}, by {pack.author} ({pack.published})", "", "", BOLD)
    show(writer, session, session.opening(), echo=not interactive)
    if session.draft and interactive:
        writer.para(f"(Your unfinished answer was: {session.draft})")
    try:
        while True:
            if interactive:
                stdout.write("> ")
            stdout.flush()
            line = stdin.readline()
            if not line:
                break
            reply = session.send(line.rstrip("\n"))
            show(writer, session, reply.messages, echo=not interactive, events=reply.events)
            requests = {e.what for e in reply.events if isinstance(e, Request)}
            if "journal" in requests:
                try:
                    path = session.write_journal()  # on a line of its own, unbroken, to copy
                    stdout.write(f"* Journal written to:\n  {clean(str(path))}\n\n")
                except OSError as exc:
                    writer.para(f"Could not write the journal: {exc.strerror or exc}.", "* ")
            if "quit" in requests:
                break
    except KeyboardInterrupt:
        stdout.write("\n")
    finally:
        session.close()
    if session.store.persistent:
        writer.para("Your place is saved. Run the same command to pick up where you left off.")
    else:  # the note above said why; do not promise a resume that cannot happen
        writer.para("Your place could not be saved this time; see the note above.")
    return 0


def show(writer: PlainWriter, session: Session, messages, echo: bool, events=()) -> None:
    for m in messages:
        writer.message(m, session.pack, echo)
        if m.kind == "heading":
            writer.passage(session.pack, session)
    for event in events:  # a passage chosen in this section: print it again, on its own
        if isinstance(event, Jump) and not any(m.kind == "heading" for m in messages):
            writer.paragraph(session.pack, event.paragraph)
