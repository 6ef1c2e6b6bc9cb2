"""Issue 8, "Faults in the reader's data", as the reader meets them.

test_store.py proves the store's own promises (never raises, fails over to memory, one
notice per fault). These tests drive the layers a reader uses (Session, plain mode, the TUI
through pilot) into the same faults mid-session: a full disk, an I/O error, a database held
locked by another process for 10 s, permissions taken away, the data folder deleted. In
every case the reader keeps reading (answers, lookups and navigation still get the guide's
replies), hears about the fault once, and nothing committed before it is lost.

Tests run as root, so permissions are simulated: os.access is patched and the store's
connection is swapped for a read-only one, which is what SQLite reports on a read-only remount.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from guided_reader import plain
from guided_reader.core import paths, store
from guided_reader.core.loader import load_pack
from guided_reader.core.session import Session
from guided_reader.core.store import Store
from guided_reader.plain import run_plain
from guided_reader.tui.chat import Transcript
from text_helpers import flat, in_order
from minipack import write_pack
from tui_helpers import app_for, bubbles, screen_text, type_line, until

FAILED = "Progress will not be saved from now on"
NOT_SAVED = "Progress will not be saved"
# Long enough to need fresh pages, so it is the save that meets the full disk.
LONG = ("It all came apart that summer, and nobody in Paris would say so. " * 400).strip()
LOCK_SECONDS = 10
BUSY = 0.3  # BUSY_TIMEOUT during the lock test: each write gives up long before the lock ends

HOLD_LOCK = f"""
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
time.sleep({LOCK_SECONDS})
"""


# --- the faults ------------------------------------------------------------------------------


class Fault:
    """One way the reader's data can fail mid-session. `inject` strikes with the store open."""

    name = ""
    reason = ""  # what the note says went wrong
    keeps_data = True  # does the file on disk still hold what was saved before?

    def __init__(self) -> None:
        self.mp = pytest.MonkeyPatch()  # undone by release(), so a fresh Store sees the disk

    def before_open(self) -> None:
        pass

    def inject(self, st: Store) -> None:
        raise NotImplementedError

    def release(self) -> None:
        self.mp.undo()


class DiskFull(Fault):
    """The file may not grow by a page: SQLite's own SQLITE_FULL, "database or disk is full"."""

    name = "disk full"
    reason = "database or disk is full"

    def inject(self, st: Store) -> None:
        pages = st._db.execute("PRAGMA page_count").fetchone()[0]
        st._db.execute(f"PRAGMA max_page_count = {pages}")


class FailingCommit:
    """A connection whose commits fail as a dying disk's do; everything else still works."""

    def __init__(self, real: sqlite3.Connection) -> None:
        self._real = real

    def execute(self, sql: str, *args):
        if sql == "COMMIT":
            raise sqlite3.OperationalError("disk I/O error")
        return self._real.execute(sql, *args)

    def __getattr__(self, name):
        return getattr(self._real, name)


class IOFault(Fault):
    name = "I/O error"
    reason = "disk I/O error"

    def inject(self, st: Store) -> None:
        st._db = FailingCommit(st._db)


class PermissionsRemoved(Fault):
    name = "permissions removed"
    reason = "attempt to write a readonly database"

    def inject(self, st: Store) -> None:
        self.mp.setattr(store.os, "access", lambda *a, **k: False)
        uri = f"{st.path.resolve().as_uri()}?mode=ro"
        read_only = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
        st._db, old = read_only, st._db
        old.close()


class Locked(Fault):
    """Another process holds BEGIN EXCLUSIVE for 10 s; each write waits only BUSY seconds."""

    name = "locked by another process"
    reason = "database is locked"

    def before_open(self) -> None:
        self.mp.setattr(store, "BUSY_TIMEOUT", BUSY)
        self.proc = None

    def inject(self, st: Store) -> None:
        self.proc = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(st.path)],
                                     stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout.readline() == "locked\n"
        self.started = time.monotonic()

    def release(self) -> None:
        super().release()
        if self.proc is None:
            return
        held = self.proc.poll() is None
        self.proc.kill()
        self.proc.communicate()
        self.proc = None
        assert held, "the lock ended before the session was done with it"


class FolderDeleted(Fault):
    name = "data folder deleted"
    reason = "the file was deleted"
    keeps_data = False

    def inject(self, st: Store) -> None:
        shutil.rmtree(st.path.parent)


FAULTS = [DiskFull, IOFault, PermissionsRemoved, Locked, FolderDeleted]


@pytest.fixture(params=FAULTS, ids=lambda f: f.name)
def fault(request):
    f = request.param()
    f.before_open()
    yield f
    f.release()


@pytest.fixture
def mini(tmp_path) -> Path:
    return write_pack(tmp_path / "mini")


def on_disk(path: Path) -> list[tuple[str, str]]:
    """The answers a fresh instance finds in the file: what the reader would get back."""
    with Store.open(path) as fresh:
        assert fresh.persistent and fresh.take_notices() == []
        return [(a.prompt, a.text) for a in fresh.load("mini").answers]


def assert_honest(note: str, fault: Fault) -> None:
    """The note names the fault, and claims earlier progress is kept only when it is."""
    assert note.startswith(FAILED) and fault.reason in note
    if fault.keeps_data:
        assert note.endswith("what was saved before is kept.")
    else:
        assert note.endswith("the file holding it is gone.") and "is kept" not in note


def texts(reply) -> str:
    return "\n".join(f"{m.title} {m.text}" for m in reply.messages)


def notes(messages) -> list[str]:
    return [m.text for m in messages if m.title == "Note"]


BEFORE = [("why-silent", "He feared Moscow"), ("pick-one", "Paris")]
AFTER = [("crisis", LONG), ("why-silent", "after the fault"), ("crisis", "again")]


# --- Session ---------------------------------------------------------------------------------


def session_steps(s: Session):
    """Every kind of thing a reader does, with a piece of the guide's reply to each."""
    return [
        (lambda: s.send("what was the Cominform?"), "Founded in 1947 and dissolved in 1956."),
        (lambda: s.action("explain", "thorez"), "General Secretary of the PCF"),
        (lambda: s.action("bookmark"), 'Bookmarked paragraph 1 in "The opening".'),
        (lambda: (s.set_draft("half a thought"), s.set_paragraph(2), s.action("next"))[-1],
         "Now the crisis arrives."),
        (lambda: s.send(LONG), "Events outran the line."),
        (lambda: s.send("?poznan"), "Workers struck and marched"),
        (lambda: s.action("back"), "Watch who speaks and who stays silent."),
        (lambda: s.action("hint"), "Think about Moscow."),
        (lambda: s.send("after the fault"), "Silence kept his options open."),
        (lambda: s.action("go", 1), "Now the crisis arrives."),
        (lambda: s.send("again"), "Events outran the line."),
        (lambda: s.send(""), "You have reached the end of the essay"),
        (lambda: s.send("/back"), "Watch who speaks and who stays silent."),
        (lambda: s.send("/go 2"), "Now the crisis arrives."),
        (lambda: s.action("skip"), "Press Enter to finish the essay"),
        (lambda: s.send("/bookmark the end"), 'as "the end"'),
        (lambda: s.send(""), "You have reached the end of the essay"),
    ]


def test_session_keeps_reading_through_a_fault_and_says_so_once(mini, fault):
    pack = load_pack(mini)
    s = Session(pack, Store.open())
    path = s.store.path
    assert notes(s.opening()) == []
    for line in ("He feared Moscow", "2"):
        assert notes(s.send(line).messages) == []
    assert on_disk(path) == BEFORE  # committed before the fault

    fault.inject(s.store)
    heard = []
    for step, expected in session_steps(s):
        reply = step()
        assert expected in texts(reply)
        heard += notes(reply.messages)

    assert len(heard) == 1, heard
    assert_honest(heard[0], fault)
    assert not s.store.persistent
    saved = s.saved()  # the session itself lost nothing, old or new
    assert [(a.prompt, a.text) for a in saved.answers] == BEFORE + AFTER
    assert [l.entry for l in saved.lookups] == ["cominform", "thorez", "poznan"]
    assert [b.label for b in saved.bookmarks] == ["", "the end"]
    s.close()
    fault.release()

    if fault.keeps_data:
        assert on_disk(path)[: len(BEFORE)] == BEFORE
    else:
        again = Session(pack, Store.open())  # a new run starts cleanly, and saves again
        assert again.store.persistent
        opening = again.opening()
        assert notes(opening) == [] and "Welcome back" not in texts(again.opening_reply)
        assert "Why might Thorez say little?" in texts(again.opening_reply)
        again.send("a fresh start")
        again.close()
        assert on_disk(path) == [("why-silent", "a fresh start")]


def test_lock_that_outlasts_the_busy_timeout_costs_one_wait_not_one_per_action(mini):
    """After the first write gives up, the session is in memory: no further waits."""
    fault = Locked()
    fault.before_open()
    try:
        s = Session(load_pack(mini), Store.open())
        s.send("He feared Moscow")
        fault.inject(s.store)
        started = time.monotonic()
        for _ in range(3):
            for step, _expected in session_steps(s):
                step()
        elapsed = time.monotonic() - started
        assert elapsed < BUSY * 2 + 1.5, elapsed  # 51 actions, one wait
        s.close()
    finally:
        fault.release()
    assert on_disk(paths.db_path()) == [("why-silent", "He feared Moscow")]


# --- plain mode ------------------------------------------------------------------------------


class Script:
    """stdin for run_plain: lines, with callables run when reached (to strike mid-session)."""

    def __init__(self, *steps) -> None:
        self.steps = list(steps)

    def readline(self) -> str:
        while self.steps and callable(self.steps[0]):
            self.steps.pop(0)()
        return self.steps.pop(0) + "\n" if self.steps else ""

    def isatty(self) -> bool:
        return False


PLAIN_AFTER = ["what was the Cominform?", "?thorez", "/bookmark", "", LONG, "?poznan", "/back",
               "/hint", "after the fault", "/go 2", "again", "", "/back", "/go 2", "/skip", ""]


def test_plain_mode_keeps_reading_through_a_fault_and_says_so_once(mini, fault, monkeypatch):
    opened: list[Store] = []

    class Recording:
        @staticmethod
        def open(*args):
            opened.append(Store.open(*args))
            return opened[-1]

    monkeypatch.setattr(plain, "Store", Recording)
    path = paths.db_path()
    seen_before = []

    def strike():
        seen_before.extend(on_disk(path))
        fault.inject(opened[0])

    def look():  # what the session holds at the end, before it closes the store
        in_session.extend((a.prompt, a.text) for a in opened[0].load("mini").answers)

    in_session: list[tuple[str, str]] = []
    out = io.StringIO()
    code = run_plain(load_pack(mini),
                     stdin=Script("He feared Moscow", "2", strike, *PLAIN_AFTER, look), stdout=out)
    fault.release()
    assert code == 0
    text = flat(out.getvalue())
    assert seen_before == BEFORE
    assert text.count(NOT_SAVED) == 1
    [note] = re.findall(rf"Note ({FAILED}: .*?(?:kept|gone)\.)", text)
    assert_honest(note, fault)
    in_order(text, "Guide: Paris had its own reasons.",
             "Founded in 1947", "General Secretary of the PCF", "Bookmarked paragraph 1",
             "Section 2 of 2: The ending", "Guide: Events outran the line.",
             "Workers struck and marched", "Section 1 of 2: The opening", "Think about Moscow.",
             "> after the fault", "Guide: Silence kept his options open.",
             "Section 2 of 2: The ending", "> again", "Guide: Events outran the line.",
             "You have reached the end of the essay", "Section 1 of 2", "Section 2 of 2",
             "You have reached the end of the essay")
    assert f"Note {FAILED}" in text  # a titled note, then the text
    assert "Your place is saved" not in text  # it is not: say so rather than promise
    assert "could not be saved this time" in text
    assert in_session == BEFORE + AFTER
    if fault.keeps_data:
        assert on_disk(path)[: len(BEFORE)] == BEFORE
    else:
        out = io.StringIO()
        assert run_plain(load_pack(mini), stdin=Script("a fresh start"), stdout=out) == 0
        text = flat(out.getvalue())
        assert NOT_SAVED not in text and "Welcome back" not in text
        in_order(text, "Question: Why might Thorez say little?", "> a fresh start",
                 "Your place is saved.")
        assert on_disk(path) == [("why-silent", "a fresh start")]


def test_plain_mode_on_a_read_only_data_folder_reads_on_and_says_so_once(mini, monkeypatch):
    path = paths.db_path()
    assert run_plain(load_pack(mini), stdin=Script("He feared Moscow"), stdout=io.StringIO()) == 0
    monkeypatch.setattr(store.os, "access", lambda *a, **k: False)
    out = io.StringIO()
    steps = ["2", "what was the Cominform?", "", "It all fell apart", "/back", "/go 2", "", ""]
    assert run_plain(load_pack(mini), stdin=Script(*steps), stdout=out) == 0
    text = flat(out.getvalue())
    assert text.count(NOT_SAVED) == 1
    in_order(text, "Welcome back.", f"Note {NOT_SAVED}: the folder {path.parent} is read-only.",
             "> 2", "Guide: Paris had its own reasons.", "Founded in 1947",
             "> It all fell apart", "Guide: Events outran the line.",
             "Section 1 of 2", "Section 2 of 2",
             "You have reached the end of the essay (2 of 2 sections completed).")
    assert "Your place is saved" not in text and "could not be saved this time" in text
    monkeypatch.undo()
    assert on_disk(path) == [("why-silent", "He feared Moscow")]  # read, never written


def test_plain_cli_with_no_usable_data_folder_completes_with_exit_0(mini, tmp_path):
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the data folder's parent should be")
    env = {**os.environ, "GUIDED_READER_HOME": str(blocker / "data"),
           "PYTHONIOENCODING": "utf-8"}
    steps = ["He feared Moscow", "2", "?thorez", "", "It all fell apart", ""]
    result = subprocess.run([sys.executable, "-m", "guided_reader", "--plain", str(mini)],
                            input="\n".join(steps) + "\n", capture_output=True, text=True,
                            encoding="utf-8", cwd=tmp_path, env=env, timeout=60)
    assert result.returncode == 0 and result.stderr == ""
    text = flat(result.stdout)
    assert text.count(NOT_SAVED) == 1
    in_order(text, f"{NOT_SAVED}: cannot create the folder",
             "Guide: Silence kept his options open.", "Guide: Paris had its own reasons.",
             "General Secretary of the PCF", "Guide: Events outran the line.",
             "You have reached the end of the essay (2 of 2 sections completed).",
             "Your place could not be saved this time; see the note above.")


# --- the TUI ---------------------------------------------------------------------------------


def guide_text(app) -> str:
    return "\n".join(bubbles(app))


def shown_notices(app) -> list:
    """The notices in the transcript (the guide's messages titled "Note")."""
    return [m for m in app.query_one(Transcript).messages if m.title == "Note"]


async def test_tui_keeps_reading_through_a_fault_and_shows_one_bubble(tmp_path, fault):
    app = app_for(tmp_path / "pack")
    path = paths.db_path()
    note_bubbles: list = []

    def collect() -> int:  # a new section clears the transcript: gather notes as they come
        new = [m for m in shown_notices(app) if all(m is not seen for seen in note_bubbles)]
        note_bubbles.extend(new)
        return len(new)

    steps = [
        (lambda p: type_line(p, "what was the Cominform?"), "Founded in 1947"),
        (lambda p: type_line(p, "?thorez"), "General Secretary of the PCF"),
        (lambda p: p.press("f5"), "Bookmarked paragraph 1"),
        (lambda p: p.press("f8"), "Now the crisis arrives."),
        (lambda p: type_line(p, LONG), "Events outran the line."),
        (lambda p: type_line(p, "?poznan"), "Workers struck and marched"),
        (lambda p: p.press("f7"), "Watch who speaks"),
        (lambda p: type_line(p, "/hint"), "Think about Moscow."),
        (lambda p: type_line(p, "after the fault"), "Silence kept his options open."),
        (lambda p: type_line(p, "/go 2"), "Now the crisis arrives."),
        (lambda p: type_line(p, "again"), "Events outran the line."),
        (lambda p: type_line(p, ""), "You have reached the end of the essay"),
        (lambda p: p.press("f7"), "Watch who speaks"),
        (lambda p: p.press("f8"), "Now the crisis arrives."),
    ]
    async with app.run_test(size=(120, 40)) as pilot:
        await type_line(pilot, "He feared Moscow")
        await type_line(pilot, "2")
        collect()
        assert note_bubbles == []
        assert on_disk(path) == BEFORE
        fault.inject(app.session.store)
        for step, expected in steps:
            await step(pilot)
            await until(pilot, lambda: expected in guide_text(app), f"the guide to say {expected!r}")
            if collect():  # shown as it happens, in view at the foot of the transcript
                await until(pilot, lambda: FAILED in flat(screen_text(app)), "the notice on screen")
        assert len(note_bubbles) == 1
        assert_honest(note_bubbles[0].text, fault)
        saved = app.session.saved()
        assert [(a.prompt, a.text) for a in saved.answers] == BEFORE + AFTER
        await pilot.press("ctrl+q")
    fault.release()
    if fault.keeps_data:
        assert on_disk(path)[: len(BEFORE)] == BEFORE
    else:
        again = app_for(tmp_path / "pack")
        async with again.run_test(size=(120, 40)) as pilot:
            await until(pilot, lambda: bubbles(again, "prompt"), "the first question")
            assert again.session.store.persistent
            assert shown_notices(again) == []
            assert "Welcome back" not in guide_text(again)
            await type_line(pilot, "a fresh start")
            await pilot.press("ctrl+q")
        assert on_disk(path) == [("why-silent", "a fresh start")]


async def test_tui_moves_a_corrupt_database_aside_and_says_so(tmp_path):
    path = paths.db_path()
    path.parent.mkdir(parents=True)
    garbage = b"not a database at all\x00\xff" * 200
    path.write_bytes(garbage)
    app = app_for(tmp_path / "pack")
    async with app.run_test(size=(120, 40)) as pilot:
        [note] = await until(pilot, lambda: shown_notices(app), "the notice")
        assert "moved it aside" in note.text
        await until(pilot, lambda: "moved it aside" in (screen := flat(screen_text(app))) and "started afresh." in screen,
                    "the notice on screen")
        await type_line(pilot, "He feared Moscow")
        assert "Silence kept his options open." in guide_text(app)
        await pilot.press("f8")
        await until(pilot, lambda: "Now the crisis arrives." in guide_text(app), "the next section")
        assert shown_notices(app) == []
        await pilot.press("ctrl+q")
    [aside] = [p for p in path.parent.iterdir() if ".corrupt-" in p.name and p.suffix != "-wal"]
    assert aside.read_bytes() == garbage
    assert on_disk(path) == [("why-silent", "He feared Moscow")]


# --- two instances at once -------------------------------------------------------------------

MANY = 12
MANY_SECTIONS = ("- id: opening\n  title: The opening\n  paragraphs: 1-2\n  intro: Many questions.\n"
                 "  recap: Done.\n  prompts:\n") + "".join(
    f"    - id: q{i}\n      ask: Question number {i}?\n      reflection: Noted {i}.\n"
    for i in range(MANY)
) + "- id: ending\n  title: The ending\n  paragraphs: 3-4\n  intro: The end.\n  recap: Over.\n"


def test_a_session_and_a_plain_subprocess_on_one_pack_lose_no_answers(tmp_path):
    folder = write_pack(tmp_path / "many", sections_yaml=MANY_SECTIONS)
    pack = load_pack(folder)
    other = subprocess.Popen(
        [sys.executable, "-m", "guided_reader", "--plain", str(folder)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        encoding="utf-8", cwd=tmp_path,
    )
    try:
        for line in other.stdout:  # both instances have the file open from here on
            if "Question number 0?" in line:
                break
        here = Session(pack, Store.open())
        for i in range(MANY):  # the other's lines are all in flight while this one writes
            other.stdin.write(f"there {i}\n")
            other.stdin.flush()
        replies = [here.send(f"here {i}") for i in range(MANY)]
        out, err = other.communicate(timeout=60)
    finally:
        if other.poll() is None:
            other.kill()
    assert other.returncode == 0 and err == ""
    assert NOT_SAVED not in out and out.count("Guide: Noted") == MANY
    assert all(notes(r.messages) == [] for r in replies)
    assert all(f"Noted {i}." in texts(r) for i, r in enumerate(replies))
    assert here.store.persistent
    here.close()
    with Store.open() as fresh:
        answers = [a.text for a in fresh.load("mini").answers]
    assert len(answers) == 2 * MANY
    for who in ("here", "there"):
        assert [t for t in answers if t.startswith(who)] == [f"{who} {i}" for i in range(MANY)]
