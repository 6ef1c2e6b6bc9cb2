"""Plain line mode: the whole conversation over stdin/stdout, as a pipe would drive it.

Runs `python -m guided_reader --plain PACK` as a subprocess (the real entry point) and
`plain.run_plain` in-process with StringIO (for the terminal-only paths: colour, width).
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from guided_reader.core import paths
from guided_reader.core.glossary import GlossaryIndex
from guided_reader.core.guide import Guide, GuideState
from guided_reader.core.loader import load_pack
from guided_reader.core.problems import PackError
from guided_reader.core.store import Store
from guided_reader.plain import run_plain

from text_helpers import flat, in_order
from minipack import GLOSSARY, PACK, SECTIONS, write_pack

STYLE = re.compile(r"\x1b\[[0-9;]*m")


def run_cli(args: list[str], text: str, cwd: Path, **env: str) -> subprocess.CompletedProcess:
    environ = {**os.environ, "PYTHONIOENCODING": "utf-8", **env}
    return subprocess.run([sys.executable, "-m", "guided_reader", "--plain", *args], input=text,
                          capture_output=True, text=True, encoding="utf-8", cwd=cwd, env=environ,
                          timeout=120)


@pytest.fixture
def mini(tmp_path) -> Path:
    return write_pack(tmp_path / "mini")


def saved_answers(pack_id: str = "mini"):
    store = Store.open()
    try:
        return [(a.prompt, a.text, a.choice) for a in store.load(pack_id).answers]
    finally:
        store.close()


# -- a reader's walk ----------------------------------------------------------------------------


def test_full_walk_through_the_mini_pack_over_a_pipe(mini, tmp_path):
    steps = ["what was the Cominform?",  # a lookup while the first question is open
             "He feared Moscow",  # an answer
             "2",  # a choice by number
             "",  # on to section 2
             "/skip",
             ""]  # finish
    result = run_cli([str(mini)], "\n".join(steps) + "\n", tmp_path, COLUMNS="200")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    out = flat(result.stdout)
    in_order(out,
             "A Small Essay, by A. Writer (Somewhere, 1957)",
             "Section 1 of 2: The opening",
             "[1] The Cominform met in Bucharest", "[2] Khrushchev's speech",
             "Guide: Watch who speaks and who stays silent.",
             "Note on Cominform The bureau matters here",
             "Terms in this passage: Cominform, Thorez, Khrushchev.",
             "Question: Why might Thorez say little?",
             "> what was the Cominform?",
             "Cominform (organisation, 1947-1956) Founded in 1947 and dissolved in 1956.",
             "See also: Thorez.",
             "Still open: Why might Thorez say little?",  # recalled in one line after the lookup
             "> He feared Moscow", "Guide: Silence kept his options open.",
             "Question: Which matters more here? 1. Moscow 2. Paris",
             "> 2", "Guide: Paris had its own reasons.",
             "Recap: The opening Silence was a policy.",
             "Section 2 of 2: The ending", "[3] The Poznań riots", "[4] Nobody at Unità",
             "Question: What changed?",
             "> /skip", "Press Enter to finish the essay",
             "Recap: The ending The crisis could not be hidden.",
             "You have reached the end of the essay (2 of 2 sections completed).",
             "Your place is saved.")
    assert out.count("Why might Thorez say little?") == 2
    assert saved_answers() == [("why-silent", "He feared Moscow", None), ("pick-one", "Paris", "Paris")]


def test_walk_in_process_with_a_skip_a_label_and_a_lookup_mid_choice(mini):
    pack = load_pack(mini)
    out = io.StringIO()
    steps = ["", "Thorez?", "moscow", "", "It all fell apart", ""]
    assert run_plain(pack, stdin=io.StringIO("\n".join(steps) + "\n"), stdout=out) == 0
    text = flat(out.getvalue())
    in_order(text,
             "Question: Why might Thorez say little?",
             "Question: Which matters more here?",  # Enter skipped the first question
             "> Thorez?", "Thorez (person) General Secretary of the PCF from 1930 to 1964.",
             "Still open: Which matters more here? (1. Moscow, 2. Paris)",  # the choices recalled
             "> moscow", "Guide: Moscow set the line.",
             "Section 2 of 2: The ending",
             "> It all fell apart", "Guide: Events outran the line.",
             "You have reached the end of the essay")
    assert saved_answers() == [("pick-one", "Moscow", "Moscow"), ("crisis", "It all fell apart", None)]


def test_unknown_and_ambiguous_input_gets_a_reply_not_a_traceback(mini, tmp_path):
    steps = ["/frobnicate", "/nxt", "Duclos?", "?zhdanovism", "/go 9", "/help", "/contents", "/glossary"]
    result = run_cli([str(mini)], "\n".join(steps) + "\n", tmp_path)
    assert result.returncode == 0 and "Traceback" not in result.stderr
    out = flat(result.stdout)
    in_order(out,
             "There is no command /frobnicate.",
             "There is no command /nxt. Did you mean /next?",
             '"Duclos" could mean more than one thing', "Still open: Why might Thorez say little?",
             'There is no note for "zhdanovism"', "Still open: Why might Thorez say little?",
             "There is no section 9",
             "/bookmark", "/journal", "/quit",
             "[*] 1. The opening (paragraphs 1-2)",
             "person: Jacques Duclos, Khrushchev, Thorez")
    assert saved_answers() == []  # none of that was taken as an answer


def test_quit_stops_reading_and_keeps_the_place(mini, tmp_path):
    result = run_cli([str(mini)], "He feared Moscow\n/quit\nthis is never read\n", tmp_path)
    assert result.returncode == 0
    assert "this is never read" not in result.stdout
    assert result.stdout.rstrip().endswith("Your place is saved. Run the same command to pick up where you left off.")
    assert saved_answers() == [("why-silent", "He feared Moscow", None)]


def test_journal_command_writes_the_answers_to_the_current_folder(mini, tmp_path):
    result = run_cli([str(mini)], "He feared Moscow\n/journal\n", tmp_path)
    assert result.returncode == 0, result.stderr
    journal = tmp_path / "mini-journal.md"
    assert f"* Journal written to:\n  {journal}\n" in result.stdout
    assert "He feared Moscow" in journal.read_text(encoding="utf-8")


def test_running_again_resumes_and_restart_starts_over(mini, tmp_path):
    first = run_cli([str(mini)], "He feared Moscow\n", tmp_path)
    assert first.returncode == 0
    again = run_cli([str(mini)], "", tmp_path)
    assert again.returncode == 0
    out = flat(again.stdout)
    in_order(out, "Section 1 of 2: The opening",
             "Question: Why might Thorez say little?", "> He feared Moscow",
             "Guide: Silence kept his options open.",
             "Question: Which matters more here?",
             "Welcome back. You are in section 1 of 2, \"The opening\", at paragraph 1.")
    restart = run_cli([str(mini), "--restart"], "", tmp_path)
    out = flat(restart.stdout)
    assert "Welcome back" not in out and "> He feared Moscow" not in out
    assert "Starting again from the beginning. Your 1 earlier answer" in out
    assert saved_answers() == [("why-silent", "He feared Moscow", None)]


def test_end_of_input_exits_cleanly_even_with_no_input(mini, tmp_path):
    result = run_cli([str(mini)], "", tmp_path)
    assert result.returncode == 0 and result.stderr == ""
    in_order(flat(result.stdout), "Question: Why might Thorez say little?", "Your place is saved.")


def test_missing_pack_folder_is_exit_2_without_traceback(tmp_path):
    result = run_cli([str(tmp_path / "nowhere")], "", tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "not a pack folder" in result.stderr


# -- the bundled essay --------------------------------------------------------------------------


@pytest.fixture
def walk_pack(mini):
    """The bundled pack (run with no PACK_DIR) when it loads, else the mini pack."""
    try:
        return [], load_pack(paths.default_pack_dir())
    except PackError:
        return [str(mini)], load_pack(mini)


def test_pressing_enter_reads_the_whole_essay_to_the_end(walk_pack, tmp_path):
    args, pack = walk_pack
    n = len(pack.sections)
    presses = n + sum(len(s.prompts) for s in pack.sections)
    result = run_cli(args, "\n" * presses, tmp_path, COLUMNS="200")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    out = flat(result.stdout)
    in_order(out, *[f"Section {i + 1} of {n}: {' '.join(s.title.split())}" for i, s in enumerate(pack.sections)])
    starts = [int(m.group(1)) for line in lines if (m := re.match(r"\[(\d+)\] ", line))]
    assert starts == list(range(1, len(pack.paragraphs) + 1))  # every paragraph, once, in order
    assert f"You have reached the end of the essay ({n} of {n} sections completed)." in out
    assert max(map(len, lines)) <= 80
    store = Store.open()
    try:
        assert store.load(pack.id).completed == tuple(s.id for s in pack.sections)
    finally:
        store.close()


def test_the_printf_example_looks_the_term_up_and_keeps_the_question(walk_pack, tmp_path):
    args, pack = walk_pack
    guide = Guide(pack)
    state = guide.handle(guide.enter(GuideState(), 0).state, "").state
    entry = GlossaryIndex(pack.glossary).lookup("Cominform").match
    assert entry is not None
    result = run_cli(args, "\nwhat was the Cominform?\n", tmp_path)
    assert result.returncode == 0, result.stderr
    expected = ["> what was the Cominform?", f"{entry.term} ({entry.kind}", flat(entry.note)[:60]]
    if state.prompt:
        expected.append(flat(guide.recall(guide.prompt(state.prompt)).text))
    in_order(flat(result.stdout), *expected, "Your place is saved.")


# -- width and safety -----------------------------------------------------------------------------

LONG = ("The Cominform met again while Thorez waited in Paris and Khrushchev spoke in Moscow, "
        "and nobody in the parties of the West could say what the new line would be. ")


@pytest.fixture
def wide(tmp_path) -> Path:
    """The mini pack with long titles, prompts, choices, twelve long paragraphs and a huge word."""
    paragraphs = [f"Paragraph {i}. " + LONG * 3 for i in range(1, 13)]
    paragraphs[10] += "x" * 150
    sections = (SECTIONS.replace("paragraphs: 3-4", "paragraphs: 3-12")
                .replace("title: The opening", "title: The opening, " + "in which very little is said " * 4)
                .replace("ask: Why might Thorez say little?", "ask: Why might Thorez say little? " + LONG)
                .replace("label: Paris", "label: Paris, " + LONG.strip())
                .replace("intro: Watch who speaks", "intro: " + LONG + "Watch who speaks"))
    pack = PACK.replace("title: A Small Essay", "title: A Small Essay " + "with a very long title " * 4)
    glossary = GLOSSARY.replace("note: Founded in 1947 and dissolved in 1956.", "note: " + LONG * 2)
    return write_pack(tmp_path / "wide", essay_txt="\n\n".join(paragraphs) + "\n",
                      sections_yaml=sections, pack_yaml=pack, glossary_yaml=glossary)


def test_piped_output_wraps_at_80_columns_whatever_COLUMNS_says(wide, tmp_path):
    steps = ["?cominform", "He feared Moscow " + LONG * 2, "", "", "", ""]
    result = run_cli([str(wide)], "\n".join(steps) + "\n", tmp_path, COLUMNS="200")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert max(map(len, lines)) <= 80, max(lines, key=len)
    assert max(map(len, lines)) >= 70  # wrapped to the width, not far short of it
    out = flat(result.stdout)
    in_order(out, "[10] Paragraph 10. " + flat(LONG * 3), "[12] Paragraph 12.",
             "You have reached the end of the essay")
    assert "x" * 150 in "".join(result.stdout.split())  # a word too long is broken, not lost


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_terminal_gets_colour_and_its_own_width(wide, monkeypatch):
    monkeypatch.setenv("COLUMNS", "60")
    monkeypatch.setenv("LINES", "24")
    out = Terminal()
    assert run_plain(load_pack(wide), stdin=io.StringIO("?cominform\n\n"), stdout=out) == 0
    text = out.getvalue()
    assert "\x1b[1m" in text  # bold headings on a terminal
    visible = STYLE.sub("", text).splitlines()
    assert max(map(len, visible)) <= 60, max(visible, key=len)
    assert max(map(len, visible)) >= 50


def test_no_color_turns_colour_off_on_a_terminal(mini, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    out = Terminal()
    assert run_plain(load_pack(mini), stdin=io.StringIO("?cominform\n"), stdout=out) == 0
    assert "\x1b" not in out.getvalue()
    assert "Cominform (organisation, 1947-1956)" in out.getvalue()


def test_piped_output_has_no_escape_even_when_input_has_them(mini, tmp_path):
    steps = ["\x1b[31mHe feared\x1b[0m Moscow\x07", "?\x1b]0;pwned\x07thorez", "\x1b[2J", "/bookmark \x1b]8;;x\x1b\\a"]
    result = run_cli([str(mini)], "\n".join(steps) + "\n", tmp_path, TERM="xterm-256color")
    assert result.returncode == 0, result.stderr
    for control in ("\x1b", "\x07", "\x9b", "\x9d"):
        assert control not in result.stdout
    assert "He feared Moscow" in result.stdout  # whole escape sequences dropped, the words kept


def test_pack_text_with_escapes_is_printed_without_them(mini):
    """The loader refuses control characters, but the writer must not rely on that."""
    pack = load_pack(mini)
    first = pack.sections[0]
    pack = replace(
        pack,
        title="A Small \x1b[5mEssay",
        paragraphs=("The Cominform \x1b]8;;http://evil\x07met\x1b]8;;\x07 here.",) + pack.paragraphs[1:],
        sections=(replace(first, title="The \x9b2J opening", intro="Watch \x1b[31mred\x1b[0m.",
                          prompts=(replace(first.prompts[0], ask="Why \x1b[2Jsilent?"),) + first.prompts[1:]),)
        + pack.sections[1:],
        glossary=tuple(replace(e, note=e.note + " \x1b[8mhidden") for e in pack.glossary),
    )
    out = io.StringIO()
    assert run_plain(pack, stdin=io.StringIO("?cominform\n"), stdout=out) == 0
    text = out.getvalue()
    for control in ("\x1b", "\x07", "\x9b"):
        assert control not in text
    assert "Watch red." in text and " hidden" in text and "Why silent?" in text
