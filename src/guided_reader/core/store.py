"""The reader's durable state: where they are, and everything they wrote, in one SQLite file.

The promise is "resume where you left off, lose nothing", so the rules are:

* Every change is its own short transaction, committed before the call returns. The file
  is in WAL mode with ``synchronous=FULL``: a commit is in the kernel before the call
  returns, so a kill -9 loses at most the write in flight, and FULL adds an fsync of the WAL
  so a power cut cannot take back an answer either. Writes come at human pace, and the
  fsync costs well under a millisecond on an SSD, so there is no reason to trade it away.
* Two instances on the same file are safe: writes take the lock up front (BEGIN IMMEDIATE)
  and wait up to ``BUSY_TIMEOUT`` seconds for each other; answers are only ever appended.
* Nothing here raises to the caller. A corrupt file is moved aside and a fresh one started;
  an unwritable place, or a write that fails mid-session, switches the session to an
  in-memory copy (``persistent`` becomes False). Each fault queues one human notice.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import threading
from collections.abc import Callable
from contextlib import contextmanager, suppress
from dataclasses import astuple, dataclass
from datetime import datetime, timezone
from pathlib import Path

from guided_reader import __version__

from . import paths

BUSY_TIMEOUT = 4.0  # seconds a write waits for another instance before giving up
_CORRUPT_CODES = (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)
_FAULTS = (sqlite3.Error, OSError)
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class Position:
    """Where the reader is. ``section == ""`` means only a draft was saved: start at the top."""

    section: str
    paragraph: int
    prompt: str | None
    done: tuple[str, ...]  # prompt ids finished in the current visit of the section
    draft: str


@dataclass(frozen=True)
class Answer:
    section: str
    prompt: str
    text: str
    choice: str | None  # the chosen label, or None
    at: str  # ISO-8601 UTC


@dataclass(frozen=True)
class Lookup:
    entry: str
    query: str
    section: str | None
    at: str


@dataclass(frozen=True)
class Bookmark:
    section: str
    paragraph: int
    label: str
    at: str


@dataclass(frozen=True)
class Saved:
    position: Position | None
    answers: tuple[Answer, ...]  # oldest first; answering again adds a row
    lookups: tuple[Lookup, ...]
    bookmarks: tuple[Bookmark, ...]
    completed: tuple[str, ...]  # section ids in the order first completed
    seconds: dict[str, float]  # time spent per section id
    visits: int  # how many times the pack has been opened


# --- schema ------------------------------------------------------------------------------
# MIGRATIONS[n] upgrades a database from version n to n + 1. To change the schema, append
# one function; never edit a shipped one. A file's version lives in PRAGMA user_version.

PACK_TABLES = ("position", "answer", "lookup", "bookmark", "completed", "time_spent", "visit")


def _to_v1(db: sqlite3.Connection) -> None:
    for statement in (
        "CREATE TABLE position (pack TEXT PRIMARY KEY, section TEXT NOT NULL,"
        " paragraph INTEGER NOT NULL, prompt TEXT, done TEXT NOT NULL, draft TEXT NOT NULL)",
        "CREATE TABLE answer (id INTEGER PRIMARY KEY, pack TEXT NOT NULL, section TEXT NOT NULL,"
        " prompt TEXT NOT NULL, text TEXT NOT NULL, choice TEXT, at TEXT NOT NULL)",
        "CREATE TABLE lookup (id INTEGER PRIMARY KEY, pack TEXT NOT NULL, entry TEXT NOT NULL,"
        " query TEXT NOT NULL, section TEXT, at TEXT NOT NULL)",
        "CREATE TABLE bookmark (id INTEGER PRIMARY KEY, pack TEXT NOT NULL,"
        " section TEXT NOT NULL, paragraph INTEGER NOT NULL, label TEXT NOT NULL,"
        " at TEXT NOT NULL)",
        "CREATE TABLE completed (id INTEGER PRIMARY KEY, pack TEXT NOT NULL,"
        " section TEXT NOT NULL, at TEXT NOT NULL, UNIQUE (pack, section))",
        "CREATE TABLE time_spent (pack TEXT NOT NULL, section TEXT NOT NULL,"
        " seconds REAL NOT NULL, PRIMARY KEY (pack, section))",
        "CREATE TABLE visit (pack TEXT PRIMARY KEY, count INTEGER NOT NULL, last TEXT NOT NULL)",
        "CREATE TABLE setting (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        "CREATE INDEX answer_pack ON answer (pack, id)",
        "CREATE INDEX lookup_pack ON lookup (pack, id)",
        "CREATE INDEX bookmark_pack ON bookmark (pack, id)",
    ):
        db.execute(statement)


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_to_v1]


WRITTEN_BY = "schema-written-by"  # setting: the guided-reader version that last migrated the file


class SchemaTooNew(Exception):
    """The file was written by a newer guided-reader: leave it alone rather than guess."""

    def __init__(self, version: int, by: str | None) -> None:
        needs = f"guided-reader {by} or later" if by else "the newer guided-reader that wrote it"
        super().__init__(f"its schema version is {version}, but this guided-reader ({__version__}) "
                         f"reads schema versions up to {len(MIGRATIONS)}; open it with {needs}")


def _transaction(db: sqlite3.Connection, work: Callable[[sqlite3.Connection], object]):
    """Run `work` in one transaction that takes the write lock up front, so two instances
    queue on the busy timeout instead of failing on a lock upgrade."""
    db.execute("BEGIN IMMEDIATE")
    try:
        result = work(db)
        db.execute("COMMIT")
        return result
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise


def migrate(db: sqlite3.Connection) -> None:
    """Bring `db` to the latest version, atomically (safe against a racing instance)."""

    def upgrade(db: sqlite3.Connection) -> None:
        version, target = db.execute("PRAGMA user_version").fetchone()[0], len(MIGRATIONS)
        if version > target:
            by = None
            with suppress(sqlite3.Error):  # the newer layout may differ: the name is a courtesy
                row = db.execute("SELECT value FROM setting WHERE key = ?", (WRITTEN_BY,)).fetchone()
                by = row[0] if row else None
            raise SchemaTooNew(version, by)
        if version == target:
            return
        for step in MIGRATIONS[version:]:
            step(db)
        db.execute(f"PRAGMA user_version = {target}")
        db.execute("INSERT OR REPLACE INTO setting VALUES (?, ?)", (WRITTEN_BY, __version__))

    _transaction(db, upgrade)


# --- opening -----------------------------------------------------------------------------


def _connect(target: str, uri: bool = False) -> sqlite3.Connection:
    # isolation_level=None: we issue BEGIN/COMMIT ourselves, so nothing is left uncommitted.
    return sqlite3.connect(
        target, timeout=BUSY_TIMEOUT, isolation_level=None, check_same_thread=False, uri=uri
    )


def _open_disk(path: Path) -> sqlite3.Connection:
    # Check the header before SQLite opens a foreign file: on close it would delete a -wal
    # sidecar that we want moved aside with it.
    if path.is_file():
        with path.open("rb") as f:
            head = f.read(16)
        if head and head != b"SQLite format 3\x00":
            raise sqlite3.DatabaseError("file is not a database")
    db = _connect(str(path))
    try:
        db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT * 1000)}")
        db.execute("PRAGMA journal_mode = WAL")  # stays "delete" where WAL is unsupported: fine
        db.execute("PRAGMA synchronous = FULL")
        check = db.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            raise sqlite3.DatabaseError(f"integrity check failed: {check}")
        migrate(db)
    except BaseException:
        db.close()
        raise
    return db


def _is_corrupt(exc: BaseException) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    if code is None:
        return type(exc) is sqlite3.DatabaseError
    return code & 0xFF in _CORRUPT_CODES


def _in_memory(*sources: Callable[[], sqlite3.Connection]) -> sqlite3.Connection:
    """A migrated in-memory database holding a copy of the first source that can be read
    (empty if none can). Each source is closed once copied."""
    return _copy(sources)[0]


def _copy(sources) -> tuple[sqlite3.Connection, bool]:
    """`_in_memory`, and whether one of the sources was copied."""
    for source in sources:
        mem = _connect(":memory:")
        try:
            src = source()
            try:
                src.backup(mem)
            finally:
                with suppress(*_FAULTS):
                    src.close()
            migrate(mem)
            return mem, True
        except (*_FAULTS, SchemaTooNew):
            mem.close()
    mem = _connect(":memory:")
    migrate(mem)
    return mem, False


def _read_only_sources(path: Path) -> list[Callable[[], sqlite3.Connection]]:
    if not path.is_file():
        return []
    uri = path.resolve().as_uri()
    # immutable=1 reads a file whose folder will not let SQLite create its -shm.
    return [lambda mode=mode: _connect(f"{uri}?{mode}", uri=True)
            for mode in ("mode=ro", "immutable=1")]


def _unwritable(path: Path) -> str | None:
    """Why `path` cannot hold a database, or None. Honours os.access (it fails even for root
    on read-only mounts, and tests monkeypatch it)."""
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return f"cannot create the folder {folder} ({exc.strerror or exc})"
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"the folder {folder} is read-only"
    if path.exists() and not os.access(path, os.R_OK | os.W_OK):
        return f"the file {path} is read-only"
    return None


def _move_aside(path: Path) -> Path:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    aside = path.with_name(f"{path.name}.corrupt-{stamp}")
    n = 1
    while aside.exists():
        aside, n = path.with_name(f"{path.name}.corrupt-{stamp}-{n}"), n + 1
    path.rename(aside)
    for sidecar in ("-wal", "-shm"):  # a stale WAL must never be replayed into the fresh file
        old = path.with_name(path.name + sidecar)
        if old.exists():
            old.rename(aside.with_name(aside.name + sidecar))
    return aside


def _identity(path: Path | None) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except (OSError, TypeError):
        return None
    return st.st_dev, st.st_ino


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _text(value: str) -> str:
    """SQLite stores any str (NULs too) except lone surrogates, which UTF-8 cannot encode:
    those become U+FFFD rather than an error that would look like a disk fault."""
    return _SURROGATE.sub("\ufffd", value)


# --- the store ---------------------------------------------------------------------------


class Store:
    """One open state database. Build it with `Store.open()`; every method is fault-proof."""

    def __init__(self, db: sqlite3.Connection, path: Path | None, persistent: bool,
                 why_not: str | None = None) -> None:
        self._db = db
        self._lock = threading.Lock()
        self._batched: list[tuple[str, tuple]] | None = None  # writes held for one transaction (batch)
        self.path = path
        self.persistent = persistent
        self._notices = [] if why_not is None else [f"Progress will not be saved: {why_not}."]
        self.why_not = why_not  # why the file is not used, for commands that must not pretend
        self.complete = persistent  # does this store hold everything the file holds?
        self._identity = _identity(path) if persistent else None

    @classmethod
    def open(cls, path: Path | None = None) -> Store:
        """Open (creating if needed) the database at `path`, default `paths.db_path()`."""
        try:
            path = Path(path) if path is not None else paths.db_path()
        except Exception as exc:  # noqa: BLE001 - a broken environment must not stop reading
            return cls(_in_memory(), None, False, f"no data folder ({exc})")
        try:
            return cls._open_at(path)
        except Exception as exc:  # noqa: BLE001 - e.g. a stat refused on the way: still read
            return cls(_in_memory(), path, False, f"cannot use {path} ({exc})")

    @classmethod
    def _open_at(cls, path: Path) -> Store:
        reason = _unwritable(path)
        if reason is None:
            try:
                return cls(_open_disk(path), path, True)
            except SchemaTooNew as exc:
                reason = f"the database at {path} is from a newer guided-reader: {exc}"
            except _FAULTS as exc:
                reason = f"cannot open the database at {path} ({exc})"
                if _is_corrupt(exc):
                    try:
                        aside = _move_aside(path)
                        store = cls(_open_disk(path), path, True)
                    except (*_FAULTS, SchemaTooNew) as again:
                        reason = f"the database at {path} is unreadable ({again})"
                    else:
                        store._notices.append(
                            f"The database at {path} was unreadable; moved it aside to "
                            f"{aside} and started afresh."
                        )
                        return store
        sources = _read_only_sources(path)
        db, copied = _copy(sources)
        store = cls(db, path, False, reason)
        store.complete = copied or not sources
        return store

    def take_notices(self) -> list[str]:
        """Messages about faults since the last call, each given once."""
        notices, self._notices = self._notices, []
        return notices

    def _fail_over(self, exc: BaseException) -> None:
        """Continue the session in memory, starting from whatever the disk copy still holds."""
        gone = _identity(self.path) != self._identity  # deleted or replaced: nothing is kept
        self._db, self.persistent = _in_memory(lambda: self._db), False
        kept = ("this session carries on with what it had, but the file holding it is gone"
                if gone else "what was saved before is kept")
        self._notices.append(
            f"Progress will not be saved from now on: the database at {self.path} failed "
            f"({exc}); {kept}."
        )

    def _run(self, work: Callable[[sqlite3.Connection], object], write: bool, default=None):
        """Run `work` (in its own transaction if `write`); on a fault, fail over and retry."""
        with self._lock:
            for _attempt in (1, 2):
                try:
                    if not write:
                        return work(self._db)
                    if self.persistent and _identity(self.path) != self._identity:
                        # SQLite keeps writing to an unlinked file without complaint.
                        raise OSError("the file was deleted or replaced")
                    return _transaction(self._db, work)
                except _FAULTS as exc:
                    if not self.persistent:
                        return default
                    self._fail_over(exc)
            return default

    def _write(self, sql: str, *params: object) -> None:
        params = tuple(_text(p) if isinstance(p, str) else p for p in params)
        if self._batched is not None:
            self._batched.append((sql, params))
            return
        self._run(lambda db: db.execute(sql, params), write=True)

    @contextmanager
    def batch(self):
        """Writes made inside go to disk together, in one transaction: one sync instead of one
        each (a section step saves the position, the time spent and the section read)."""
        if self._batched is not None:  # already inside a batch, or held
            yield
            return
        self.hold()
        try:
            yield
        finally:
            self.flush()

    def hold(self) -> None:
        """Keep writes back until `flush` (a front end saves just after it has painted)."""
        if self._batched is None:
            self._batched = []

    def flush(self) -> None:
        """Write what `hold` or `batch` kept back, in one transaction."""
        writes, self._batched = self._batched, None
        if writes:
            self._run(lambda db: [db.execute(sql, params) for sql, params in writes], write=True)

    # --- reading ---

    def load(self, pack_id: str) -> Saved:
        saved = self._run(lambda db: _load(db, _text(pack_id)), write=False)
        return saved or Saved(None, (), (), (), (), {}, 0)

    def get_setting(self, key: str, default: str | None = None) -> str | None:
        sql = "SELECT value FROM setting WHERE key = ?"
        row = self._run(lambda db: db.execute(sql, (_text(key),)).fetchone(), write=False)
        return default if row is None else row[0]

    def pack_ids(self) -> list[str]:
        union = " UNION ".join(f"SELECT pack FROM {t}" for t in PACK_TABLES)
        rows = self._run(lambda db: db.execute(union).fetchall(), write=False, default=[])
        return sorted(r[0] for r in rows)

    # --- writing ---

    def note_opened(self, pack_id: str) -> None:
        self._write(
            "INSERT INTO visit VALUES (?, 1, ?)"
            " ON CONFLICT (pack) DO UPDATE SET count = count + 1, last = excluded.last",
            pack_id, _now(),
        )

    def save_position(self, pack_id: str, position: Position) -> None:
        p = position
        done = json.dumps(list(p.done), ensure_ascii=False)
        self._write(
            "INSERT OR REPLACE INTO position VALUES (?, ?, ?, ?, ?, ?)",
            pack_id, p.section, p.paragraph, p.prompt, done, p.draft,
        )

    def save_draft(self, pack_id: str, draft: str) -> None:
        """Change only the draft; with no position yet, record one at the top (section "")."""
        self._write(
            "INSERT INTO position VALUES (?, '', 1, NULL, '[]', ?)"
            " ON CONFLICT (pack) DO UPDATE SET draft = excluded.draft",
            pack_id, draft,
        )

    def add_answer(self, pack_id, section, prompt, text, choice=None) -> Answer:
        answer = Answer(_text(section), _text(prompt), _text(text),
                        None if choice is None else _text(choice), _now())
        self._write("INSERT INTO answer VALUES (NULL, ?, ?, ?, ?, ?, ?)", pack_id, *astuple(answer))
        return answer

    def add_lookup(self, pack_id, entry, query, section) -> None:
        self._write("INSERT INTO lookup VALUES (NULL, ?, ?, ?, ?, ?)",
                    pack_id, entry, query, section, _now())

    def add_bookmark(self, pack_id, section, paragraph, label="") -> Bookmark:
        mark = Bookmark(_text(section), paragraph, _text(label), _now())
        self._write("INSERT INTO bookmark VALUES (NULL, ?, ?, ?, ?, ?)", pack_id, *astuple(mark))
        return mark

    def mark_completed(self, pack_id, section) -> None:
        self._write("INSERT OR IGNORE INTO completed VALUES (NULL, ?, ?, ?)",
                    pack_id, section, _now())

    def add_time(self, pack_id, section, seconds: float) -> None:
        if not seconds > 0:  # also rejects NaN
            return
        self._write(
            "INSERT INTO time_spent VALUES (?, ?, ?)"
            " ON CONFLICT (pack, section) DO UPDATE SET seconds = seconds + excluded.seconds",
            pack_id, section, float(seconds),
        )

    def set_setting(self, key: str, value: str) -> None:
        self._write("INSERT OR REPLACE INTO setting VALUES (?, ?)", key, value)

    def reset(self, pack_id: str) -> None:
        """Delete every row of one pack, in one transaction; other packs and settings stay."""

        def delete(db: sqlite3.Connection) -> None:
            for table in PACK_TABLES:
                db.execute(f"DELETE FROM {table} WHERE pack = ?", (pack_id,))

        self._run(delete, write=True)

    def close(self) -> None:
        self.flush()  # nothing held back is lost
        with self._lock, suppress(*_FAULTS):
            self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _load(db: sqlite3.Connection, pack: str) -> Saved:
    def rows(columns: str, table: str, order: str = " ORDER BY rowid") -> list[tuple]:
        sql = f"SELECT {columns} FROM {table} WHERE pack = ?{order}"
        return db.execute(sql, (pack,)).fetchall()

    pos = rows("section, paragraph, prompt, done, draft", "position", "")
    visits = rows("count", "visit", "")
    return Saved(
        position=Position(*pos[0][:3], tuple(json.loads(pos[0][3])), pos[0][4]) if pos else None,
        answers=tuple(Answer(*r) for r in rows("section, prompt, text, choice, at", "answer")),
        lookups=tuple(Lookup(*r) for r in rows("entry, query, section, at", "lookup")),
        bookmarks=tuple(Bookmark(*r) for r in rows("section, paragraph, label, at", "bookmark")),
        completed=tuple(r[0] for r in rows("section", "completed")),
        seconds=dict(rows("section, seconds", "time_spent", "")),
        visits=visits[0][0] if visits else 0,
    )
