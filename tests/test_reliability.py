"""Issue 19, "Reliability, second round", as a user meets it.

The journal is written where and how the user asked (a symlink's target, a FIFO in place,
never a planted temp link); SIGTERM and SIGHUP quit the reader cleanly on a real terminal;
a second reader of the same pack is refused; `reset` and `journal` never answer from a
database they cannot use; no command shows a traceback for closed or full streams or odd
arguments; a pack cannot reach outside its folder; bidi controls never reach the output.

The reader runs on a pseudo-terminal (as in scripts/bench.py) where a terminal matters.
Tests run as root, so a read-only folder is simulated by patching os.access, as in
test_faults.py.
"""

from __future__ import annotations

import os
import pty
import signal
import sqlite3
import stat
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from guided_reader import __version__, cli
from guided_reader.core import paths, store
from guided_reader.core.loader import load_pack
from guided_reader.core.session import Session
from guided_reader.core.store import Store
from minipack import ESSAY, write_pack

DEADLINE = 60  # seconds: only a guard against a hung child, never an assertion
RESTORE = {"leave the alternate screen": b"\x1b[?1049l", "mouse off": b"\x1b[?1000l",
           "cursor shown": b"\x1b[?25h"}


@pytest.fixture
def mini(tmp_path) -> Path:
    return write_pack(tmp_path / "pack")


def guided(*args: str, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, shell_prefix: str = "",
           env: dict | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run `python -m guided_reader ARGS`; `shell_prefix` redirects streams the way a shell does
    (`<&-` closes stdin, `>&-` stdout)."""
    cmd = [sys.executable, "-m", "guided_reader", *args]
    if shell_prefix:
        cmd = ["sh", "-c", f'exec "$@" {shell_prefix}', "sh", *cmd]
    return subprocess.run(cmd, stdin=stdin, stdout=stdout, stderr=subprocess.PIPE, env=env, cwd=cwd,
                          timeout=DEADLINE)


def answered(pack_dir: Path, *answers: str) -> None:
    """Record answers for the mini pack, as a reading session would."""
    session = Session(load_pack(pack_dir), Store.open())
    for text in answers:
        session.send(text)
    session.close()


def saved_answers() -> list[str]:
    with Store.open() as st:
        return [a.text for a in st.load("mini").answers]


def one_clean_line(err: bytes | str) -> str:
    text = err.decode() if isinstance(err, bytes) else err
    assert "Traceback" not in text
    assert len(text.strip().splitlines()) == 1, text
    return text.strip()


# --- 1 and 2: the journal is written where the user asked, and only there ----------------------


def journal_to(target: Path | str, cwd: Path | None = None) -> tuple[int, str, str]:
    result = guided("journal", "--pack", "mini", "-o", str(target), cwd=cwd)
    return result.returncode, result.stdout.decode(), result.stderr.decode()


def test_journal_replaces_a_regular_file_keeping_its_mode_and_leaving_no_temp(mini, tmp_path):
    answered(mini, "He feared Moscow")
    out = tmp_path / "out" / "journal.md"
    out.parent.mkdir()
    out.write_text("an older journal")
    out.chmod(0o640)
    code, stdout, _ = journal_to(out)
    assert code == 0 and "journal written to" in stdout
    assert "He feared Moscow" in out.read_text()
    assert stat.S_IMODE(out.stat().st_mode) == 0o640
    assert os.listdir(out.parent) == ["journal.md"]


def test_journal_to_a_symlink_writes_its_target_and_keeps_the_link(mini, tmp_path):
    answered(mini, "He feared Moscow")
    target = tmp_path / "notes" / "real.md"
    target.parent.mkdir()
    target.write_text("old")
    link = tmp_path / "journal.md"
    link.symlink_to(target)
    assert journal_to(link)[0] == 0
    assert link.is_symlink() and "He feared Moscow" in target.read_text()


def test_journal_to_a_fifo_writes_into_it_and_leaves_the_fifo(mini, tmp_path):
    answered(mini, "He feared Moscow")
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[str] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text()))
    reader.start()
    code = journal_to(fifo)[0]
    reader.join(DEADLINE)
    assert code == 0 and "He feared Moscow" in received[0]
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_journal_to_a_device_writes_into_it_and_leaves_the_device(mini, tmp_path):
    answered(mini, "He feared Moscow")
    device = tmp_path / "null"
    try:  # a null device of our own; without the right to make one, the real one cannot be replaced
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except PermissionError:
        device = Path(os.devnull)
    assert journal_to(device)[0] == 0
    assert stat.S_ISCHR(os.stat(device).st_mode)


def test_journal_ignores_a_link_planted_at_the_old_temp_name(mini, tmp_path):
    answered(mini, "He feared Moscow")
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    (tmp_path / ".journal.md.tmp").symlink_to(victim)
    assert journal_to(tmp_path / "journal.md")[0] == 0
    assert victim.read_text() == "precious"
    assert "He feared Moscow" in (tmp_path / "journal.md").read_text()


def test_journal_command_in_the_reader_ignores_a_planted_link_in_the_current_folder(mini, tmp_path, monkeypatch):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".mini-journal.md.tmp").symlink_to(victim)
    session = Session(load_pack(mini), Store.open())
    session.send("He feared Moscow")
    path = session.write_journal()
    session.close()
    assert victim.read_text() == "precious" and "He feared Moscow" in path.read_text()


def test_journal_leaves_a_read_only_file_alone(mini, tmp_path, monkeypatch):
    answered(mini, "He feared Moscow")
    out = tmp_path / "journal.md"
    out.write_text("kept")
    out.chmod(0o444)
    real_access = os.access  # root may write anything: ask as a user would be answered
    monkeypatch.setattr(paths.os, "access", lambda p, mode, **k: False if mode & os.W_OK else real_access(p, mode))
    assert cli.main(["journal", "--pack", "mini", "-o", str(out)]) == 2
    assert out.read_text() == "kept"


def test_journal_dash_is_stdout(mini, tmp_path):
    answered(mini, "He feared Moscow")
    code, stdout, _ = journal_to("-", cwd=tmp_path)
    assert code == 0 and "He feared Moscow" in stdout and not (tmp_path / "-").exists()


@pytest.mark.parametrize("where", ["/", "folder"])
def test_journal_to_a_folder_is_a_clear_error(mini, tmp_path, where):
    answered(mini, "He feared Moscow")
    target = tmp_path if where == "folder" else Path("/")
    before = sorted(os.listdir(target))
    code, _, err = journal_to(target)
    assert code == 2 and "it is a folder, not a file" in one_clean_line(err)
    assert sorted(os.listdir(target)) == before


# --- 4: SIGTERM and SIGHUP on a real terminal --------------------------------------------------


class Terminal:
    """The reader on a 120x40 pseudo-terminal, with everything it writes collected."""

    def __init__(self, args: list[str], cwd: Path) -> None:
        import fcntl
        import struct
        import termios

        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        self.received = bytearray()
        self.proc = subprocess.Popen([sys.executable, "-m", "guided_reader", *args], stdin=slave,
                                     stdout=slave, stderr=slave, cwd=cwd, start_new_session=True,
                                     env={**os.environ, "TERM": "xterm-256color"})
        os.close(slave)
        self.reader = threading.Thread(target=self._drain, daemon=True)
        self.reader.start()

    def _drain(self) -> None:
        while True:
            try:
                data = os.read(self.master, 65536)
            except OSError:
                return
            if not data:
                return
            self.received.extend(data)

    def wait_for(self, text: bytes) -> None:
        end = time.monotonic() + DEADLINE
        while text not in self.received:
            assert self.proc.poll() is None, self.received[-2000:].decode("utf-8", "replace")
            assert time.monotonic() < end, f"{text!r} never shown"
            time.sleep(0.02)

    def type(self, text: str) -> None:
        os.write(self.master, text.encode())

    def hang_up(self) -> None:
        """The terminal goes away: what the reader writes from here on fails."""
        os.close(self.master)
        self.master = -1

    def finish(self) -> int:
        try:
            return self.proc.wait(DEADLINE)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
            self.reader.join(5)
            if self.master >= 0:
                os.close(self.master)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_signal_quits_cleanly_saving_the_draft_and_restoring_the_terminal(mini, tmp_path, signum):
    term = Terminal([str(mini)], tmp_path)
    term.wait_for(b"Why might Thorez say little?")
    term.type("half an answer")
    term.wait_for(b"half an answer")  # on screen: typed a moment ago, well inside the 0.4 s debounce
    mark = len(term.received)
    term.proc.send_signal(signum)
    assert term.finish() == 0
    after = bytes(term.received[mark:])
    assert b"Traceback" not in after
    missing = [what for what, seq in RESTORE.items() if seq not in after]
    assert not missing, f"terminal not restored: {missing}"
    with Store.open() as st:
        saved = st.load("mini")
    assert saved.position.draft == "half an answer"
    assert saved.seconds.get("opening", 0) > 0  # the time in the section is kept too


def test_hang_up_after_the_terminal_is_gone_still_saves_the_draft(mini, tmp_path):
    term = Terminal([str(mini)], tmp_path)
    term.wait_for(b"Why might Thorez say little?")
    term.type("typed before the line dropped")
    term.wait_for(b"typed before the line dropped")
    term.hang_up()
    term.proc.send_signal(signal.SIGHUP)
    assert term.finish() == 0
    with Store.open() as st:
        assert st.load("mini").position.draft == "typed before the line dropped"


# --- 5: two readers on one data folder ---------------------------------------------------------


def start_plain(mini: Path, cwd: Path) -> subprocess.Popen:
    """A plain-mode reader, running and holding the pack once its first question is shown."""
    proc = subprocess.Popen([sys.executable, "-m", "guided_reader", "--plain", str(mini)], cwd=cwd,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, encoding="utf-8")
    for line in proc.stdout:
        if "Why might Thorez say little?" in line:
            return proc
    raise AssertionError(proc.stderr.read())


def test_a_second_reader_of_the_same_pack_is_refused_and_the_first_loses_nothing(mini, tmp_path):
    first = start_plain(mini, tmp_path)
    try:
        second = guided("--plain", str(mini), stdin=subprocess.PIPE, cwd=tmp_path)
        assert second.returncode == 2 and second.stdout == b""
        message = one_clean_line(second.stderr)
        assert "'mini' is already open in another guided-reader" in message
        assert f"process {first.pid}" in message and "quit that one first" in message
        out, err = first.communicate("the first reader's answer\n", timeout=DEADLINE)
    finally:
        if first.poll() is None:
            first.kill()
    assert first.returncode == 0 and err == ""
    assert saved_answers() == ["the first reader's answer"]
    again = guided("--plain", str(mini), stdin=subprocess.DEVNULL, cwd=tmp_path)  # free once it quit
    assert again.returncode == 0 and b"Welcome back" in again.stdout


def test_a_reader_killed_outright_leaves_no_lock_behind(mini, tmp_path):
    first = start_plain(mini, tmp_path)
    first.kill()
    first.communicate(timeout=DEADLINE)
    again = guided("--plain", str(mini), stdin=subprocess.DEVNULL, cwd=tmp_path)
    assert again.returncode == 0 and again.stderr == b""


def test_reset_while_the_pack_is_open_is_refused(mini, tmp_path):
    answered(mini, "keep me")
    first = start_plain(mini, tmp_path)
    try:
        result = guided("reset", "--pack", "mini", "--yes", cwd=tmp_path)
        first.communicate("", timeout=DEADLINE)
    finally:
        if first.poll() is None:
            first.kill()
    assert result.returncode == 2 and "already open" in one_clean_line(result.stderr)
    assert saved_answers() == ["keep me"]


# --- 6: reset and journal on a database they cannot use -----------------------------------------


def test_reset_on_a_read_only_data_folder_says_so_and_deletes_nothing(mini, monkeypatch, capsys):
    answered(mini, "keep me")
    with monkeypatch.context() as patch:  # only this: the fixture's own patches keep the temp home
        patch.setattr(store.os, "access", lambda *a, **k: False)
        assert cli.main(["reset", "--pack", "mini", "--yes"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert f"the folder {paths.data_dir()} is read-only; nothing was changed" in one_clean_line(captured.err)
    assert saved_answers() == ["keep me"]


def test_reset_that_fails_on_the_disk_says_so_and_keeps_everything(mini, monkeypatch, capsys):
    answered(mini, "keep me")
    real_reset, real_transaction = Store.reset, store._transaction

    def reset_on_a_failing_disk(self, pack_id):
        def fail_on_disk(db, work):  # the in-memory copy it falls over to still works
            if db is self._db and self.persistent:
                raise sqlite3.OperationalError("disk I/O error")
            return real_transaction(db, work)

        with monkeypatch.context() as patch:
            patch.setattr(store, "_transaction", fail_on_disk)
            real_reset(self, pack_id)

    monkeypatch.setattr(Store, "reset", reset_on_a_failing_disk)
    assert cli.main(["reset", "--pack", "mini", "--yes"]) == 2
    captured = capsys.readouterr()
    assert "deleted" not in captured.out
    message = one_clean_line(captured.err)
    assert message.startswith("could not delete the saved progress; nothing was changed.")
    assert "disk I/O error" in message
    assert saved_answers() == ["keep me"]


def test_journal_on_a_read_only_data_folder_still_shows_what_is_saved(mini, monkeypatch, capsys):
    answered(mini, "keep me")
    monkeypatch.setattr(store.os, "access", lambda *a, **k: False)
    assert cli.main(["journal", "--pack", "mini"]) == 0
    assert "keep me" in capsys.readouterr().out


def make_newer(version: int, by: str | None) -> None:
    db = sqlite3.connect(paths.db_path())
    db.execute(f"PRAGMA user_version = {version}")
    if by is None:
        db.execute("DELETE FROM setting WHERE key = ?", (store.WRITTEN_BY,))
    else:
        db.execute("INSERT OR REPLACE INTO setting VALUES (?, ?)", (store.WRITTEN_BY, by))
    db.commit()
    db.close()


@pytest.mark.parametrize("command", [["journal"], ["reset", "--yes"]])
@pytest.mark.parametrize("by", ["7.3.0", None])
def test_a_database_from_a_newer_version_is_named_and_left_alone(mini, command, by):
    answered(mini, "from the future")
    make_newer(42, by)
    before = paths.db_path().read_bytes()
    result = guided(*command, "--pack", "mini")
    assert result.returncode == 2 and result.stdout == b""
    message = one_clean_line(result.stderr)
    assert "is from a newer guided-reader: its schema version is 42" in message
    assert f"this guided-reader ({__version__}) reads schema versions up to {len(store.MIGRATIONS)}" in message
    assert ("open it with guided-reader 7.3.0 or later" if by else "the newer guided-reader that wrote it") in message
    assert paths.db_path().read_bytes() == before


def test_a_fresh_database_records_which_version_made_it():
    Store.open().close()
    with Store.open() as st:
        assert st.get_setting(store.WRITTEN_BY) == __version__


# --- 7: no tracebacks ---------------------------------------------------------------------------


def test_check_with_a_path_too_long_for_the_system(tmp_path):
    result = guided("check", str(tmp_path / ("a" * 5000)))
    assert result.returncode == 2 and "File name too long" in one_clean_line(result.stderr)


@pytest.mark.parametrize("args, prefix, says", [
    (["--plain"], "<&-", "standard input is closed"),
    (["reset"], "<&-", "pass --yes to confirm"),
    (["where"], ">&-", "standard output is closed"),
    (["lookup", "Thorez"], ">&-", "standard output is closed"),
])
def test_closed_streams_give_one_line_and_exit_2(mini, args, prefix, says):
    answered(mini, "keep me")
    if args == ["reset"]:
        args = ["reset", "--pack", "mini"]
    result = guided(*args, shell_prefix=prefix)
    assert result.returncode == 2 and says in one_clean_line(result.stderr)
    assert saved_answers() == ["keep me"]


@pytest.mark.parametrize("args", [["where"], ["journal"], ["lookup", "Thorez", "--json"], ["packs"]])
def test_stdout_on_a_full_device(args):
    with open("/dev/full", "wb") as full:
        result = guided(*args, stdout=full)
    assert result.returncode == 2
    assert one_clean_line(result.stderr) == "guided-reader: cannot write to standard output: No space left on device"


def test_reset_prompt_answered_with_ctrl_d_deletes_nothing(mini, tmp_path):
    answered(mini, "keep me")
    term = Terminal(["reset", "--pack", "mini"], tmp_path)
    term.wait_for(b"Type yes to confirm: ")
    term.type("\x04")
    assert term.finish() == 1
    assert b"nothing deleted" in term.received and b"Traceback" not in term.received
    assert saved_answers() == ["keep me"]


# --- 8: a pack stays in its folder; empty ids; bidi controls -----------------------------------


def test_a_symlink_out_of_the_pack_is_refused_without_showing_its_target(mini, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text(ESSAY.replace("Thorez", "PASSWORD-123"))
    (mini / "essay.txt").unlink()
    (mini / "essay.txt").symlink_to(secret)
    result = guided("check", str(mini))
    text = (result.stdout + result.stderr).decode()
    assert result.returncode == 2 and "Traceback" not in text
    assert "essay.txt" in text and "outside the pack folder" in text
    assert "PASSWORD-123" not in text
    plain = guided("--plain", str(mini))
    assert plain.returncode == 2 and b"PASSWORD-123" not in plain.stdout + plain.stderr


def test_a_symlink_within_the_pack_is_fine(mini):
    (mini / "texts").mkdir()
    (mini / "essay.txt").rename(mini / "texts" / "essay.txt")
    (mini / "essay.txt").symlink_to(Path("texts") / "essay.txt")
    assert guided("check", str(mini)).returncode == 0


@pytest.mark.parametrize("command", ["reset", "journal"])
def test_an_empty_pack_id_is_an_error(mini, command):
    answered(mini, "keep me")
    with Store.open() as st:
        st.add_answer(paths.DEFAULT_PACK, "s", "q", "bundled answer")
    result = guided(command, "--pack", "", "--yes" if command == "reset" else "-o-")
    assert result.returncode == 2 and "it is empty" in one_clean_line(result.stderr)
    with Store.open() as st:
        assert len(st.load(paths.DEFAULT_PACK).answers) == 1


@pytest.mark.parametrize("args", [["check", ""], ["lookup", "Thorez", "--pack", ""], ["--plain", ""]])
def test_an_empty_pack_folder_name_is_an_error(args, tmp_path):
    write_pack(tmp_path)  # the current folder is a pack: "" must not quietly mean it
    result = guided(*args, cwd=tmp_path)
    assert result.returncode == 2 and one_clean_line(result.stderr) == "the pack folder name is empty"


BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def test_bidi_controls_never_reach_plain_mode_or_the_journal(mini, tmp_path):
    answer = "".join(f"{c}word{i}" for i, c in enumerate(BIDI))
    result = subprocess.run([sys.executable, "-m", "guided_reader", "--plain", str(mini)],
                            input=(answer + "\n/journal\n").encode(), capture_output=True,
                            cwd=tmp_path, timeout=DEADLINE)
    assert result.returncode == 0
    journal_file = (tmp_path / "mini-journal.md").read_text(encoding="utf-8")
    shown = guided("journal", "--pack", "mini").stdout.decode()
    for where, text in (("plain mode", result.stdout.decode()), ("journal file", journal_file),
                        ("journal on stdout", shown)):
        assert "word11" in text, where
        assert not any(c in text for c in BIDI), where
    assert saved_answers() == [answer]  # the reader's own text is kept as typed


def test_a_pack_with_a_bidi_mark_is_refused_naming_line_and_column(tmp_path):
    folder = write_pack(tmp_path / "p", essay_txt=ESSAY.replace("Thorez", "Tho\u200frez", 1))
    result = guided("check", str(folder))
    text = result.stderr.decode()
    assert result.returncode == 2 and "the bidi control U+200F is not allowed in a pack" in text
    assert "essay.txt:" in text


# --- the fuzz: every subcommand, every stream fault, odd arguments -----------------------------

STREAMS = {"stdin closed": "<&-", "stdout closed": ">&-", "stderr closed": "2>&-",
           "stdout full": ">/dev/full", "all closed": "<&- >&- 2>&-"}
ODD = [[], ["--help"], ["x" * 5000], ["--pack", ""], ["/"], ["-"], ["--", "-x"],
       [os.fsdecode(b"\xff\xfe")], ["--pack", "x" * 5000], ["-o", "/"]]


# The command as `python -m guided_reader` runs it, but an exception that escapes main() exits
# 99: seen even when stderr is closed and its traceback would go nowhere.
UNCAUGHT = ("import os, sys; sys.excepthook = lambda *e: os._exit(99); "
            "from guided_reader.cli import main; sys.exit(main())")


def fuzz_cases(mini: Path) -> list[tuple[str, list[str], str]]:
    cases = []
    for name in cli.SUBCOMMANDS:
        # serve runs until stopped: given a host it cannot listen on, it goes as far as it can
        # (pack, server, banner on the odd streams) and then has to exit
        tail = ["--host", "256.0.0.1"] if name == "serve" else []
        for odd in ODD:
            cases.append((f"{name} {odd!r:.40}", [name, *odd, *tail], ""))
        for label, redirect in STREAMS.items():
            cases.append((f"{name} with {label}", [name, *tail], redirect))
            cases.append((f"{name} on the pack with {label}", [name, str(mini), *tail], redirect))
    for label, redirect in STREAMS.items():  # the reader itself, in both modes
        cases.append((f"plain reader with {label}", ["--plain", str(mini)], redirect))
        if label != "stdout full":  # each of these is refused before the screen is drawn
            cases.append((f"reader with {label}", [str(mini)], redirect))
    return cases


def test_fuzz_no_subcommand_shows_a_traceback(mini, tmp_path):
    cases = fuzz_cases(mini)
    answered(mini, "something to show")

    def attempt(n: int, case) -> tuple[str, int, str]:
        label, args, redirect = case
        env = {**os.environ, "GUIDED_READER_HOME": str(tmp_path / f"data-{n}")}
        cmd = ["sh", "-c", f'exec "$@" {redirect}', "sh", sys.executable, "-c", UNCAUGHT, *args]
        result = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, env=env,
                                cwd=tmp_path, timeout=DEADLINE)
        return label, result.returncode, (result.stdout + result.stderr).decode("utf-8", "replace")

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(attempt, range(len(cases)), cases))
    bad = [(label, code, text[-600:]) for label, code, text in results
           if code not in (0, 1, 2) or "Traceback" in text or "Exception ignored" in text]
    assert not bad, bad
    assert len(results) >= 6 * (len(ODD) + 2 * len(STREAMS))
