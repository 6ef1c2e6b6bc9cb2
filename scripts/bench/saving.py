"""Saving an answer: Store.add_answer against a bare INSERT + commit with the same settings.

The one module of the bench that uses the store's private API (its connection `_db`, to read
the journal mode and synchronous setting it chose, and `_to_v1`, to give the bare database
the same table): when the store changes inside, this is the one place to follow it.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from guided_reader.core.store import Store, _to_v1

from bench.results import clock, median, pct, within


def bare_twin(store: Store, path: Path) -> tuple[sqlite3.Connection, str, int]:
    """A plain SQLite database with the store's answer table, journal mode and synchronous."""
    sync = store._db.execute("PRAGMA synchronous").fetchone()[0]
    mode = store._db.execute("PRAGMA journal_mode").fetchone()[0]
    bare = sqlite3.connect(path)
    bare.execute(f"PRAGMA journal_mode = {mode}")
    bare.execute(f"PRAGMA synchronous = {sync}")
    _to_v1(bare)
    bare.commit()
    return bare, mode, sync


def save_measure(work: Path, n: int):
    store = Store.open(work / "save-store.sqlite3")
    assert store.persistent
    bare, mode, sync = bare_twin(store, work / "save-bare.sqlite3")
    sql = "INSERT INTO answer VALUES (NULL, ?, ?, ?, ?, ?, ?)"
    text = "They had no way of judging Moscow for themselves, and did not want one. " * 3

    def insert(i: int) -> None:
        bare.execute(sql, ("bench", "s1", f"p{i}", text, None, "2024-01-01T00:00:00Z"))
        bare.commit()

    ours, floor = [], []
    for i in range(n):  # alternated, so disk hiccups hit both
        ours.append(clock(store.add_answer, "bench", "s1", f"p{i}", text))
        floor.append(clock(insert, i))
    store.close()
    bare.close()
    return within("save", "save an answer (Store.add_answer, p50)", "-", median(ours) * 1000, median(floor) * 1000,
                  f"bare INSERT + commit (journal {mode}, synchronous {sync}) (p50)", "ms", 2,
                  {"p95_ms": round(pct(ours, 95) * 1000, 3), "baseline_p95_ms": round(pct(floor, 95) * 1000, 3),
                   "saves": n})
