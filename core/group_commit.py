"""Group commit: the insert-only writes of concurrent requests share one transaction.

A verification, a status look-up or any mutation whose work only staged inserts
(`WriteScope.insert`: a receipt, a holder-log row, its audit event) does its reads and CPU work
(signature check, rules, receipt signing) first; what is left is a few INSERTs and a COMMIT. On one
event loop those requests run one after another, and each paid for its own BEGIN IMMEDIATE and
COMMIT (and, on PostgreSQL, its own WAL flush). Here each request hands its rows to the loop's
`GroupCommitter` and waits; the committer writes every request that joined in the same turn of the
loop in one transaction, with one executemany per statement, and only then wakes them: nothing is
answered before it is durable (issue 13, item 7), and a request's rows and its audit event still
commit together (item 1). The technique is the classic group commit of database logs (Gray &
Reuter, *Transaction Processing*, §9.4.7; PostgreSQL's `commit_delay`).

If a batch fails as a whole (a constraint one request broke), each request of it is written again
alone, so one bad request fails only itself. The flush runs on the connection of the batch's first
request (checked out and idle while it waits), so group commit needs no connection beyond the
request slots (core/http.py `db_slots`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Connection

from core.audit.entries import EventDraft, insert_events

MAX_BATCH = 128  # requests per transaction at the most (a larger turn is flushed in several)


@dataclass
class PendingWrite:
    """One request's staged inserts and its audit event, waiting for the group's commit."""

    conn: Connection
    staged: Sequence[tuple[Any, Any]]
    draft: EventDraft
    # run in the transaction after the inserts (an Idempotency-Key's mark, core/idempotency.py);
    # what it raises fails this request only, as a constraint it broke would
    mark: Callable[[Connection], None] | None = None
    done: asyncio.Future[None] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )


def write(conn: Connection, batch: Sequence[PendingWrite]) -> None:
    """Write `batch` in one transaction on `conn` (SQLite: BEGIN IMMEDIATE, so the write lock is
    held only for these inserts). When every request staged the same statements in the same order
    (the common case: many calls of one operation), each statement runs once as an executemany;
    otherwise the statements run in request order. Raises what the database raised."""
    previous = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
    conn.execution_options(sqlite_begin="IMMEDIATE")
    try:
        with conn.begin():
            shapes = {tuple(statement for statement, _ in p.staged) for p in batch}
            if len(shapes) == 1 and len(batch) > 1:
                for position, statement in enumerate(next(iter(shapes))):
                    conn.execute(statement, [p.staged[position][1] for p in batch])
            else:
                for pending in batch:
                    for statement, params in pending.staged:
                        conn.execute(statement, params)
            insert_events(conn, [p.draft.row() for p in batch])
            for pending in batch:
                if pending.mark is not None:
                    pending.mark(conn)
    finally:
        conn.execution_options(sqlite_begin=previous)


class GroupCommitter:
    """Per event loop: collects `PendingWrite`s and flushes them once the loop's current turn is
    over (`loop.call_soon`), so every request that reached its commit in that turn joins."""

    def __init__(self) -> None:
        self._pending: list[PendingWrite] = []
        self._scheduled = False
        self.batches = 0  # transactions written (for tests and the bench)
        self.writes = 0  # requests written

    async def commit(
        self,
        conn: Connection,
        staged: Sequence[tuple[Any, Any]],
        draft: EventDraft,
        mark: Callable[[Connection], None] | None = None,
    ) -> None:
        """Wait until `staged` and `draft` (and what `mark` writes) are committed, with other
        requests' writes. Raises what the database (or `mark`) raised for this request's own."""
        pending = PendingWrite(conn, staged, draft, mark)
        self._pending.append(pending)
        if not self._scheduled:
            self._scheduled = True
            asyncio.get_running_loop().call_soon(self._flush)
        await pending.done

    def _flush(self) -> None:
        self._scheduled = False
        # a request cancelled meanwhile (its client went away) has given its connection back:
        # its rows are not written, as its answer was never sent
        pending = [p for p in self._pending if not p.done.done()]
        self._pending = []
        for start in range(0, len(pending), MAX_BATCH):
            self._write(pending[start : start + MAX_BATCH])

    def _write(self, batch: list[PendingWrite]) -> None:
        try:
            write(batch[0].conn, batch)
        except Exception as error:
            if len(batch) == 1:
                _settle(batch[0], error)
                return
            for pending in batch:  # alone, so that one bad request fails only itself
                try:
                    write(pending.conn, [pending])
                except Exception as alone:
                    _settle(pending, alone)
                else:
                    self._count(1)
                    _settle(pending, None)
            return
        self._count(len(batch))
        for pending in batch:
            _settle(pending, None)

    def _count(self, writes: int) -> None:
        self.batches += 1
        self.writes += writes


def _settle(pending: PendingWrite, error: BaseException | None) -> None:
    if error is None:
        pending.done.set_result(None)
    else:
        pending.done.set_exception(error)
