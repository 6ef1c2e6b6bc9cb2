"""Hostile text in a valid pack, and from the reader: shown literally, never acted on.

Markup (`[bold]`, `[/]`, `x[/]y`, `[@click=app.quit]`, `[link=...]`), zero-width joiners,
combining marks, wide CJK, emoji and 5,000-character words go into titles, terms, notes,
prompts, choices and answers. The TUI (80x24 and 120x40, notifications and tooltips on) shows
them as written, runs no action and stays laid out; `lookup`, `--plain` and `journal` never
write an escape byte, even when the reader typed escape sequences. (ANSI, OSC and bidi
controls in a pack are refused by `check`: see test_hostile_packs.)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from textual.widgets import Input

from guided_reader.core.loader import load_pack
from guided_reader.core.store import Store
from guided_reader.tui.app import make_app
from guided_reader.tui.chat import Transcript
from guided_reader.tui.passage import PassagePane
from minipack import write_pack
from tui_helpers import bubbles, offset_of, type_line as send, until, until_shown

MARKUP = "[bold]B[/bold] x[/]y [/] [@click=app.quit]Q[/] [link=https://evil.example]L[/link] [b $x"
ZWJ = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # family emoji, joined
COMBINING = "Z\u0335\u0321\u0358a\u0301\u0301\u0301l\u0336go"
CJK = "共产党和工人党情报局"
EMOJI = "\U0001f6a9\U0001f1eb\U0001f1f7"
LONG = "W" * 5000
HOSTILE = [MARKUP, ZWJ, COMBINING, CJK, EMOJI, LONG]
ALL = f"{MARKUP} {ZWJ} {COMBINING} {CJK} {EMOJI}"


def q(text: str) -> str:
    """A YAML double-quoted scalar (JSON is YAML)."""
    return json.dumps(text, ensure_ascii=False)


def hostile_pack(folder: Path) -> Path:
    pack = f"""\
format: 1
id: hostile
title: {q("Title " + ALL)}
author: {q(MARKUP)}
published: {q(CJK)}
source: {q("[link=file:///etc/passwd]src[/link]")}
about: {q(ALL + " " + LONG)}
text: essay.txt
"""
    essay = "\n\n".join([
        f"The x[/]y Bureau met while {CJK} watched. {MARKUP}",
        f"{LONG} and the Bold Party {EMOJI} {ZWJ}.",
        f"{COMBINING} spoke of the x[/]y Bureau again, and of {CJK}.",
        "[@click=app.quit]Click me[/] said nobody.",
    ]) + "\n"
    sections = f"""\
- id: one
  title: {q("One " + MARKUP)}
  paragraphs: 1-2
  intro: {q(ALL)}
  recap: {q(LONG)}
  notes:
    - term: bureau
      text: {q(MARKUP + " " + LONG)}
  prompts:
    - id: ask-markup
      ask: {q("Ask " + ALL)}
      hint: {q(MARKUP)}
      reflection: {q("Reflect " + MARKUP)}
    - id: choose
      ask: {q(CJK + "?")}
      reflection: {q(EMOJI)}
      choices:
        - label: {q("x[/]y")}
          reply: {q("Reply " + MARKUP)}
        - label: {q("[@click=app.quit]quit")}
          reply: {q(LONG)}
- id: two
  title: {q(LONG)}
  paragraphs: 3-4
  intro: {q(COMBINING)}
  recap: {q(ZWJ)}
"""
    glossary = f"""\
- id: bureau
  term: {q("x[/]y Bureau")}
  aliases: [{q("[bold]bureau[/bold]")}]
  kind: organisation
  short: {q("[@click=app.quit]short[/] x[/]y")}
  note: {q(ALL + " " + LONG)}
  see_also: [cjk, bold]
- id: cjk
  term: {q(CJK)}
  kind: organisation
  short: {q(CJK + EMOJI)}
  note: {q(COMBINING)}
- id: bold
  term: Bold Party
  aliases: [{q("[/]")}]
  kind: concept
  short: {q("[link=https://evil.example]x[/link]")}
  note: {q(MARKUP)}
  dates: {q("[/]")}
"""
    return write_pack(folder, pack_yaml=pack, essay_txt=essay, sections_yaml=sections, glossary_yaml=glossary)


def run(args: list[str], home: Path, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "GUIDED_READER_HOME": str(home), "TERM": "xterm-256color", "COLUMNS": "80"}
    return subprocess.run([sys.executable, "-m", "guided_reader", *args], input=stdin, capture_output=True,
                          env=env, timeout=60, encoding="utf-8", errors="surrogateescape",
                          stdin=None if stdin is not None else subprocess.DEVNULL)


def test_the_hostile_pack_is_valid(tmp_path, isolated_home):
    folder = hostile_pack(tmp_path / "pack")
    pack = load_pack(folder)
    assert pack.title == "Title " + ALL and pack.entry("bureau").term == "x[/]y Bureau"
    result = run(["check", str(folder)], isolated_home)
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stdout + result.stderr


# --- the TUI ---------------------------------------------------------------------------------

async def click(pilot, widget, offset=(0, 0)) -> None:
    """Scroll `widget` into view, then click it as a mouse would (the caller waits for the effect)."""
    widget.scroll_visible(animate=False, immediate=True)
    await pilot.click(widget, offset=offset)


def assert_laid_out(app, size: tuple[int, int]) -> None:
    """The input line is on screen and nothing scrolls sideways (long words wrap)."""
    box = app.query_one("#chat-input", Input)
    assert box.region.width > 0 and box.region.bottom <= size[1] and box.region.right <= size[0]
    transcript = app.query_one(Transcript)
    assert transcript.max_scroll_x == 0
    width = transcript.scrollable_content_region.width
    for row in transcript._rows:  # every drawn line fits the pane
        assert row.left.cell_length + row.text.cell_length + row.right.cell_length <= width
    assert app.screen.max_scroll_x == 0


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_hostile_text_is_shown_literally_and_triggers_nothing(tmp_path, monkeypatch, size):
    monkeypatch.chdir(tmp_path)  # /journal writes here
    pack = load_pack(hostile_pack(tmp_path / "pack"))
    app = make_app(pack, store=Store.open())
    async with app.run_test(size=size, notifications=True, tooltips=True) as pilot:
        await until(pilot, lambda: bubbles(app, "prompt"), "the first question")
        assert app.is_running
        assert MARKUP in bubbles(app, "guide")[0]  # the intro, markup and all
        assert any(MARKUP in b and LONG in b for b in bubbles(app, "note"))
        assert "Ask " + ALL in bubbles(app, "prompt")[-1]
        if size[0] >= 100:  # the title bar has room for it
            await until_shown(pilot, "Title [bold]B[/bold] x[/]y")
        assert_laid_out(app, size)
        for answer in (MARKUP, ZWJ + COMBINING, LONG, "\x1b[31mred\x1b]0;title\x07", "/hint"):
            await send(pilot, answer)
            assert app.is_running
        assert MARKUP in bubbles(app, "reader")[0]
        assert any(LONG in b for b in bubbles(app, "reader"))
        # the choices, one of them labelled [@click=app.quit]
        transcript = app.query_one(Transcript)
        bar = max(i for i, b in enumerate(transcript.blocks) if b.kind in ("choices", "answered"))
        assert transcript.text_of(bar) == "1. x[/]y\n2. [@click=app.quit]quit"
        transcript.scroll_to(y=transcript.block_top(bar), animate=False, immediate=True, force=True)
        await click(pilot, transcript, offset=offset_of(transcript, "2. [@click=app.quit]quit", 4))
        assert app.is_running  # and still after the lines sent next, which the app takes after the click
        for query in ("?x[/]y Bureau", f"?{CJK}", "who is [/]?", "?[bold]bureau[/bold]", f"?{LONG}", "?[/]"):
            await send(pilot, query)
            assert app.is_running
        assert any(ALL in b for b in bubbles(app, "entry"))
        # hover a term with a markup short note; click it
        pane = app.query_one(PassagePane)
        pane.scroll_to_paragraph(1)
        await until(pilot, lambda: pane.find("The x[/]y Bureau"), "the first paragraph")
        first_line = offset_of(pane, "x[/]y Bureau", 1)
        await pilot.hover(pane, offset=first_line)
        await until(pilot, lambda: str(pane.tooltip) == "[@click=app.quit]short[/] x[/]y", "the short note, as written")
        looked_up = len(app.session.saved().lookups)
        await click(pilot, pane, offset=first_line)
        await until(pilot, lambda: len(app.session.saved().lookups) > looked_up, "the click to look the term up")
        # every screen that lists pack text, and the palette
        for key in ("f2", "f3", "f6", "f1", "f4"):
            await pilot.press(key)
            await until(pilot, lambda: len(app.screen_stack) == 2, f"the screen {key} opens")
            if key == "f4":
                await pilot.press(*"x[/]y")
                await until_shown(pilot, "x[/]y Bureau")  # the palette's hit, as written
            assert app.is_running
            await pilot.press("escape")
            await until(pilot, lambda: len(app.screen_stack) == 1, f"the screen {key} opened to close")
        await send(pilot, "/journal")  # notifies with the path
        await until(pilot, lambda: (tmp_path / "hostile-journal.md").exists(), "the journal")
        await send(pilot, "/bookmark " + MARKUP)
        await pilot.press("f8")
        await until_shown(pilot, "Section 2 of 2")
        assert_laid_out(app, size)
        assert app.is_running
    saved = Store.open().load("hostile")
    assert saved.answers[0].text == MARKUP
    assert saved.bookmarks[-1].label == MARKUP
    journal = (tmp_path / "hostile-journal.md").read_text(encoding="utf-8")
    assert "\x1b" not in journal and "\x07" not in journal


# --- plain mode, lookup and journal never print an escape byte ------------------------------

ESCAPES = ["\x1b[2J\x1b[31mred", "\x1b]0;owned\x07", "\x1b]8;;https://evil\x1b\\link\x1b]8;;\x1b\\", "\x9b31m",
           "\x1bP+q\x1b\\", "\x07\x08\x7f", "\u202eevil"]


def test_escape_sequences_typed_by_the_reader_never_reach_stdout(tmp_path, isolated_home):
    folder = hostile_pack(tmp_path / "pack")
    answers = [ESCAPES[0], "", ESCAPES[1] + "\n" + MARKUP, "?" + ESCAPES[2], "/bookmark " + ESCAPES[3],
               ESCAPES[4] + "Bureau?", "/go " + ESCAPES[5], ESCAPES[6], "1", "", "", ""]
    outputs = []
    plain = run(["--plain", str(folder)], isolated_home, stdin="\n".join(answers) + "\n")
    assert plain.returncode == 0, plain.stderr
    outputs.append(plain.stdout + plain.stderr)
    assert MARKUP in " ".join(plain.stdout.split()) and "red" in plain.stdout  # wrapped, but literal
    saved = Store.open().load("hostile")
    assert any("\x1b" in a.text for a in saved.answers)  # kept as typed; only output is cleaned
    for args in (["journal", "--pack", "hostile"], ["journal", "--pack", "hostile", "-o", str(tmp_path / "j.md")],
                 ["lookup", ESCAPES[0] + "Bureau", "--pack", str(folder)],
                 ["lookup", "x[/]y Bureau", "--pack", str(folder)],
                 ["lookup", "x[/]y Bureau", "--json", "--pack", str(folder)],
                 ["lookup", ESCAPES[1], "--json", "--pack", str(folder)],
                 ["lookup", "Cominform" + ESCAPES[2]],
                 ["reset", "--pack", ESCAPES[0]],
                 ["journal", "--pack", ESCAPES[1]],
                 ["check", str(tmp_path / ESCAPES[1].replace("\x07", "x"))]):
        result = run(args, isolated_home)
        assert "Traceback" not in result.stderr, (args, result.stderr)
        outputs.append(result.stdout + result.stderr)
    journal = outputs[1]
    assert "red" in journal and "x\\[/\\]y" in journal
    outputs.append((tmp_path / "j.md").read_text(encoding="utf-8"))
    for text in outputs:
        assert "\x1b" not in text and "\x9b" not in text and "\x07" not in text and "\u202e" not in text, text[:3000]
