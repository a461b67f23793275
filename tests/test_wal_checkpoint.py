"""WAL checkpoints run in a background thread, not in a request's commit (core/wal_checkpoint.py)."""

from __future__ import annotations

import time

from sqlalchemy import text

from core.db import make_engine
from core.wal_checkpoint import SAFETY_NET_PAGES, WalCheckpointer


def test_connections_checkpoint_themselves_only_at_the_safety_net(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA wal_autocheckpoint")).scalar_one() == SAFETY_NET_PAGES
    engine.dispose()


def test_the_checkpointer_copies_the_log_back_while_requests_write(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)"))
    checkpointer = WalCheckpointer(engine, interval=0.02)
    assert checkpointer.applies
    checkpointer.start()
    try:
        for _ in range(200):  # 200 commits: 200+ log frames, far below the safety net
            with engine.begin() as conn:
                conn.execute(text("INSERT INTO t (body) VALUES (:b)"), {"b": "x" * 2000})
        deadline = time.monotonic() + 5
        while checkpointer.checkpoints < 3 and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        checkpointer.stop()
    assert checkpointer.checkpoints >= 3
    busy, frames, copied = checkpointer.checkpoint()
    assert busy == 0 and frames == copied  # everything committed is in the database file
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM t")).scalar_one() == 200
    engine.dispose()


def test_no_thread_for_an_in_memory_database_or_postgresql():
    checkpointer = WalCheckpointer(make_engine("sqlite://"))
    checkpointer.start()
    assert not checkpointer.applies and checkpointer._thread is None
    checkpointer.stop()
