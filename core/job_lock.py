"""One instance of a scheduled job at a time, whatever runs it (cron on one host or several).

`python -m core.cli job NAME` holds the job's lock while it runs: on PostgreSQL a session-level
advisory lock (`pg_try_advisory_lock`, keyed by the job's name: every host shares it); on SQLite
an exclusive `flock` on a file beside the database (`<database>.job-<name>.lock`: SQLite lives on
one host). A second copy started while the first runs finds the lock taken and does nothing, so
two cron entries, or a run that outlasts its interval, never send a notice twice.
"""

from __future__ import annotations

import contextlib
import os
import zlib
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Engine


def _key(name: str) -> int:
    return zlib.crc32(f"job:{name}".encode())


@contextlib.contextmanager
def single_instance(engine: Engine, name: str) -> Iterator[bool]:
    """Yields True while this process holds the job's lock, False when another copy holds it."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            got = bool(
                conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": _key(name)}).scalar()
            )
            conn.commit()
            try:
                yield got
            finally:
                if got:
                    conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _key(name)})
                    conn.commit()
        return
    database = engine.url.database
    if not database or database == ":memory:":
        yield True  # an in-memory database belongs to this process alone
        return
    import fcntl

    path = Path(f"{database}.job-{name}.lock")
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
