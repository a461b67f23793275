"""SQLite WAL checkpoints in a background thread, not in a request's commit.

In WAL mode SQLite appends every commit to the write-ahead log and copies the log back into the
database file (a checkpoint) when it has grown past `wal_autocheckpoint` pages (1,000 by default),
on the connection whose commit crossed the mark (https://sqlite.org/wal.html#automatic_checkpoint).
In the server that connection is a request's, and its commit runs on the event loop (the group
commit, core/group_commit.py): measured in `verify_online`, one commit in 33 took 12.5 ms instead
of 0.5 ms, and every other request on the loop waited meanwhile.

`WalCheckpointer` runs a PASSIVE checkpoint (it never waits for readers or writers) every
`interval` seconds on a connection of its own, in a daemon thread; the sqlite3 module releases the
GIL while SQLite copies and syncs, so the loop keeps serving. The engine's connections keep an
automatic checkpoint as a safety net at `SAFETY_NET_PAGES` (core/db.py), which a running
checkpointer keeps from being reached; without one (a CLI command, the tests) that is the mark.
"""

from __future__ import annotations

from sqlalchemy.engine import Engine

from core.periodic import PeriodicThread

SAFETY_NET_PAGES = 10_000  # wal_autocheckpoint of every connection (pages of 4 KiB: 40 MiB)


class WalCheckpointer(PeriodicThread):
    """Checkpoints `engine`'s SQLite database every `interval` seconds in a daemon thread (`start`
    is a no-op for other databases and in-memory SQLite)."""

    name = "wal-checkpoint"

    def __init__(self, engine: Engine, interval: float = 0.25) -> None:
        super().__init__(interval)
        self.engine = engine
        self.checkpoints = 0  # passes run (tests)

    @property
    def applies(self) -> bool:
        url = self.engine.url
        return url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:")

    def start(self) -> None:
        if self.applies:
            super().start()

    def checkpoint(self) -> tuple[int, int, int]:
        """One PASSIVE checkpoint: (busy, log frames, frames checkpointed), as SQLite reports
        them (https://sqlite.org/pragma.html#pragma_wal_checkpoint)."""
        with self.engine.connect() as conn:
            raw = conn.connection.driver_connection
            row = raw.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()  # type: ignore[union-attr]
        self.checkpoints += 1
        return int(row[0]), int(row[1]), int(row[2])

    run_once = checkpoint
