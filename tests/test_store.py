"""The state store: round trips, faults that must never raise, migrations, two writers, kill -9."""

from __future__ import annotations

import math
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guided_reader.core import paths, store
from guided_reader.core.store import Answer, Position, Store

WRITER = Path(__file__).with_name("store_writer.py")


def user_version(path: Path) -> int:
    db = sqlite3.connect(path)
    try:
        return db.execute("PRAGMA user_version").fetchone()[0]
    finally:
        db.close()


def count_answers(path: Path, prompt: str | None = None) -> int:
    db = sqlite3.connect(path)
    try:
        if prompt is None:
            return db.execute("SELECT count(*) FROM answer").fetchone()[0]
        return db.execute("SELECT count(*) FROM answer WHERE prompt = ?", (prompt,)).fetchone()[0]
    finally:
        db.close()


@pytest.fixture
def st_() -> Store:
    s = Store.open()
    yield s
    s.close()


# --- round trips ---------------------------------------------------------------------------


def test_fresh_store_is_persistent_in_the_data_dir(st_):
    assert st_.path == paths.db_path() and st_.persistent
    assert st_.take_notices() == []
    assert paths.db_path().is_file()
    assert user_version(st_.path) == len(store.MIGRATIONS) == 1
    assert st_.load("nothing") == store.Saved(None, (), (), (), (), {}, 0)


def test_every_record_type_round_trips_through_the_file(st_):
    st_.note_opened("p")
    st_.note_opened("p")
    st_.save_position("p", Position("s2", 7, "q3", ("q1", "q2"), "half an ans"))
    a1 = st_.add_answer("p", "s1", "q1", "first", choice="Yes")
    a2 = st_.add_answer("p", "s1", "q2", "second")
    st_.add_lookup("p", "cominform", "what was the Cominform?", "s1")
    st_.add_lookup("p", "thorez", "?thorez", None)
    b = st_.add_bookmark("p", "s2", 5, "the turn")
    st_.mark_completed("p", "s2")
    st_.mark_completed("p", "s1")
    st_.mark_completed("p", "s2")
    st_.add_time("p", "s1", 30.5)
    st_.add_time("p", "s1", 12)
    st_.add_time("p", "s1", -5)
    st_.add_time("p", "s1", math.nan)
    st_.close()

    saved = Store.open().load("p")
    assert saved.position == Position("s2", 7, "q3", ("q1", "q2"), "half an ans")
    assert saved.answers == (a1, a2)
    assert a1.choice == "Yes" and a2.choice is None
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", a1.at)
    assert [(l.entry, l.query, l.section) for l in saved.lookups] == [
        ("cominform", "what was the Cominform?", "s1"),
        ("thorez", "?thorez", None),
    ]
    assert saved.bookmarks == (b,) and b.label == "the turn" and b.paragraph == 5
    assert saved.completed == ("s2", "s1")
    assert saved.seconds == {"s1": 42.5}
    assert saved.visits == 2


def test_answering_again_adds_a_row(st_):
    for text in ("one", "two", "three"):
        st_.add_answer("p", "s1", "q1", text)
    assert [a.text for a in st_.load("p").answers] == ["one", "two", "three"]


def test_save_draft_changes_only_the_draft(st_):
    st_.save_draft("p", "typed before any position")
    assert st_.load("p").position == Position("", 1, None, (), "typed before any position")
    st_.save_position("p", Position("s3", 9, "q", ("a",), ""))
    st_.save_draft("p", "new draft")
    assert st_.load("p").position == Position("s3", 9, "q", ("a",), "new draft")


def test_reset_deletes_only_that_pack_and_keeps_settings(st_):
    for pack in ("a", "b"):
        st_.note_opened(pack)
        st_.save_position(pack, Position("s", 1, None, (), "d"))
        st_.add_answer(pack, "s", "q", "x")
        st_.add_lookup(pack, "e", "q", None)
        st_.add_bookmark(pack, "s", 1)
        st_.mark_completed(pack, "s")
        st_.add_time(pack, "s", 3)
    st_.set_setting("theme", "dark")
    assert st_.pack_ids() == ["a", "b"]
    st_.reset("a")
    assert st_.load("a") == store.Saved(None, (), (), (), (), {}, 0)
    assert len(st_.load("b").answers) == 1 and st_.load("b").visits == 1
    assert st_.pack_ids() == ["b"]
    assert st_.get_setting("theme") == "dark"


def test_settings_are_global(st_):
    assert st_.get_setting("theme") is None
    assert st_.get_setting("theme", "textual-dark") == "textual-dark"
    st_.set_setting("theme", "nord")
    st_.set_setting("theme", "gruvbox")
    st_.close()
    again = Store.open()
    assert again.get_setting("theme") == "gruvbox"
    assert again.pack_ids() == []
    again.close()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(), draft=st.text())
def test_any_text_round_trips_including_nul(text, draft):
    """Bound parameters carry NULs and every non-surrogate code point unchanged."""
    pack = uuid.uuid4().hex
    with Store.open() as s:
        s.add_answer(pack, "s", "q", text, choice=text)
        s.save_draft(pack, draft)
    with Store.open() as s:
        saved = s.load(pack)
        assert s.persistent
    assert saved.answers[0].text == text and saved.answers[0].choice == text
    assert saved.position.draft == draft


def test_nul_and_lone_surrogates_are_not_faults(st_):
    st_.add_answer("p", "s", "q", "a\x00b")
    answer = st_.add_answer("p", "s", "q", "bad \udc80 half")
    st_.save_draft("p", "\ud800")
    assert answer.text == "bad \ufffd half"
    assert [a.text for a in st_.load("p").answers] == ["a\x00b", "bad \ufffd half"]
    assert st_.load("p").position.draft == "\ufffd"
    assert st_.persistent and st_.take_notices() == []


# --- corrupt files and migrations ------------------------------------------------------------


GARBAGE = [b"not a database at all\x00\xff" * 200, b"SQLite format 3\x00" + b"\xff" * 4000]


@pytest.mark.parametrize("garbage", GARBAGE)
def test_corrupt_file_is_moved_aside_and_a_fresh_one_used(garbage):
    path = paths.db_path()
    path.parent.mkdir(parents=True)
    path.write_bytes(garbage)
    path.with_name(path.name + "-wal").write_bytes(b"stale wal")
    s = Store.open()
    notices = s.take_notices()
    assert s.persistent and len(notices) == 1
    aside = [p for p in path.parent.iterdir() if re.search(r"\.corrupt-[^-]*$", p.name)]
    assert len(aside) == 1
    assert re.fullmatch(r"state\.sqlite3\.corrupt-\d{8}T\d{6}Z", aside[0].name)
    assert aside[0].read_bytes() == garbage
    if not garbage.startswith(b"SQLite"):  # SQLite never opened it: its sidecar went along
        assert aside[0].with_name(aside[0].name + "-wal").read_bytes() == b"stale wal"
    assert notices[0] == (
        f"The database at {path} was unreadable; moved it aside to {aside[0]} and started afresh."
    )
    s.add_answer("p", "s", "q", "kept")
    assert s.take_notices() == []
    s.close()
    assert count_answers(path) == 1


def test_empty_file_is_version_0_and_migrates():
    path = paths.db_path()
    path.parent.mkdir(parents=True)
    path.write_bytes(b"")
    with Store.open() as s:
        assert s.persistent and s.take_notices() == []
        s.add_answer("p", "s", "q", "x")
    assert user_version(path) == 1


def test_older_version_upgrades_keeping_data(monkeypatch):
    """Shipping version 2 is one appended function: a v1 file upgrades and keeps its rows."""
    with Store.open() as s:
        s.add_answer("p", "s", "q", "written under v1")

    def to_v2(db):
        db.execute("ALTER TABLE answer ADD COLUMN mood TEXT")

    monkeypatch.setattr(store, "MIGRATIONS", [*store.MIGRATIONS, to_v2])
    with Store.open() as s:
        assert s.persistent and s.take_notices() == []
        assert [a.text for a in s.load("p").answers] == ["written under v1"]
        s.add_answer("p", "s", "q", "written under v2")
    assert user_version(paths.db_path()) == 2
    db = sqlite3.connect(paths.db_path())
    assert "mood" in [row[1] for row in db.execute("PRAGMA table_info(answer)")]
    db.close()


def test_newer_version_is_left_untouched(monkeypatch):
    path = paths.db_path()
    with Store.open() as s:
        s.add_answer("p", "s", "q", "from the future")
    db = sqlite3.connect(path)
    db.execute("PRAGMA user_version = 99")
    db.close()
    s = Store.open()
    assert not s.persistent
    [notice] = s.take_notices()
    assert notice.startswith("Progress will not be saved: ") and "newer" in notice
    assert s.load("p").answers == ()  # unknown layout: not guessed at
    s.add_answer("p", "s", "q", "in memory")
    assert len(s.load("p").answers) == 1
    s.close()
    assert user_version(path) == 99 and count_answers(path) == 1


# --- places that cannot be written ------------------------------------------------------------


def test_parent_is_a_file_falls_back_to_memory(tmp_path):
    blocker = tmp_path / "blocker"
    blocker.write_text("a file, not a folder")
    s = Store.open(blocker / "state.sqlite3")
    assert not s.persistent
    [notice] = s.take_notices()
    assert notice.startswith("Progress will not be saved: cannot create the folder")
    s.add_answer("p", "s", "q", "still works")
    s.set_setting("theme", "nord")
    assert [a.text for a in s.load("p").answers] == ["still works"]
    assert s.get_setting("theme") == "nord"
    assert s.take_notices() == []
    s.close()


def test_read_only_folder_reads_what_is_there(monkeypatch):
    path = paths.db_path()
    with Store.open() as s:
        s.add_answer("p", "s", "q", "saved earlier")
    monkeypatch.setattr(store.os, "access", lambda *a, **k: False)
    s = Store.open()
    assert not s.persistent
    expected = f"Progress will not be saved: the folder {path.parent} is read-only."
    assert s.take_notices() == [expected]
    s.add_answer("p", "s", "q", "this session only")
    assert [a.text for a in s.load("p").answers] == ["saved earlier", "this session only"]
    s.close()
    assert count_answers(path) == 1


def test_a_folder_where_the_file_should_be(tmp_path):
    (tmp_path / "state.sqlite3").mkdir()
    s = Store.open(tmp_path / "state.sqlite3")
    assert not s.persistent
    [notice] = s.take_notices()
    assert notice.startswith("Progress will not be saved: cannot open the database at")
    s.add_bookmark("p", "s", 2)
    assert len(s.load("p").bookmarks) == 1


def test_unexpected_os_errors_never_raise(monkeypatch):
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(store, "_unwritable", refuse)
    s = Store.open()
    assert not s.persistent
    assert s.take_notices()[0].startswith("Progress will not be saved: cannot use ")


def test_unusable_data_dir_never_raises(monkeypatch):
    def broken():
        raise RuntimeError("no home")

    monkeypatch.setattr(paths, "db_path", broken)
    s = Store.open()
    assert not s.persistent and s.path is None
    assert s.take_notices() == ["Progress will not be saved: no data folder (no home)."]
    s.add_answer("p", "s", "q", "x")
    assert len(s.load("p").answers) == 1


# --- faults in the middle of a session ----------------------------------------------------------


def assert_failed_over(s: Store, path: Path) -> None:
    [notice] = s.take_notices()
    assert notice.startswith("Progress will not be saved from now on: ")
    assert not s.persistent
    s.add_answer("p", "s", "q", "after")
    s.save_draft("p", "draft")
    assert [a.text for a in s.load("p").answers] == ["before", "during", "after"]
    assert s.load("p").position.draft == "draft"
    assert s.take_notices() == []


def test_data_folder_deleted_mid_session():
    path = paths.db_path()
    s = Store.open()
    s.add_answer("p", "s", "q", "before")
    shutil.rmtree(path.parent)
    s.add_answer("p", "s", "q", "during")
    assert_failed_over(s, path)
    s.close()


def test_locked_longer_than_busy_timeout(monkeypatch):
    monkeypatch.setattr(store, "BUSY_TIMEOUT", 0.2)
    path = paths.db_path()
    s = Store.open()
    s.add_answer("p", "s", "q", "before")
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    started = time.monotonic()
    s.add_answer("p", "s", "q", "during")
    assert time.monotonic() - started < 2
    other.execute("ROLLBACK")
    other.close()
    assert_failed_over(s, path)
    s.close()
    assert count_answers(path) == 1  # what was on disk stays


class FullDisk:
    """A connection whose writes fail as on a full disk; reads still work."""

    def __init__(self, real: sqlite3.Connection) -> None:
        self._real = real

    def execute(self, sql: str, *args):
        if sql.startswith("INSERT"):
            raise sqlite3.OperationalError("database or disk is full")
        return self._real.execute(sql, *args)

    def __getattr__(self, name):
        return getattr(self._real, name)


def test_disk_full_mid_session():
    path = paths.db_path()
    s = Store.open()
    s.add_answer("p", "s", "q", "before")
    s._db = FullDisk(s._db)
    s.add_answer("p", "s", "q", "during")
    assert_failed_over(s, path)
    assert count_answers(path) == 1


# --- other processes ---------------------------------------------------------------------------


def writer(path: Path, count: int, tag: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(WRITER), str(path), "p", str(count), tag],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def test_two_processes_lose_no_answers():
    path = paths.db_path()
    procs = [writer(path, 400, tag) for tag in ("left", "right")]
    with Store.open() as s:  # a third, in-process instance writing at the same time
        for n in range(50):
            s.add_answer("p", "s", "middle", f"middle-{n}")
        assert s.persistent
    for proc in procs:
        out, err = proc.communicate(timeout=30)
        assert proc.returncode == 0, err
    with Store.open() as s:
        texts = [a.text for a in s.load("p").answers]
    assert len(texts) == 850
    for tag, n in (("left", 400), ("right", 400), ("middle", 50)):
        assert [t for t in texts if t.startswith(tag)] == [f"{tag}-{i}" for i in range(n)]


def test_sigkill_mid_burst_loses_nothing_committed():
    path = paths.db_path()
    proc = writer(path, 0, "k")
    reported, deadline = 0, time.monotonic() + 2.0
    for line in proc.stdout:
        reported = int(line)
        if reported >= 300 or time.monotonic() > deadline:
            break
    os.kill(proc.pid, signal.SIGKILL)
    rest = proc.stdout.read()
    proc.wait()
    proc.stderr.close()
    proc.stdout.close()
    lines = rest.split("\n")[:-1]  # only whole lines were fully reported
    reported = max([reported, *map(int, lines)])
    assert proc.returncode == -signal.SIGKILL
    assert reported > 0
    with Store.open(path) as s:
        assert s.persistent and s.take_notices() == []
        answers = s.load("p").answers
    assert len(answers) >= reported
    assert [a.text for a in answers] == [f"k-{i}" for i in range(len(answers))]
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    db.close()


def test_answer_returned_matches_loaded(st_):
    returned = st_.add_answer("p", "s", "q", "t", "c")
    assert isinstance(returned, Answer)
    assert st_.load("p").answers == (returned,)
