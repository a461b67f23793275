"""The sequencer: integrates committed audit events into each log's Merkle tree and signs tree heads.

Requests only insert events (core/audit/entries.py), each with its leaf hash. For each log, the
sequencer reads where it stopped (the latest tree head), selects the next events' leaf hashes in
commit order (an event written without one is read whole and hashed), appends them, stores every
complete subtree they fill, signs the new tree head and commits. However many workers or hosts run
one, one log grows by one sequencer at a time:
- PostgreSQL: all of it in one transaction under the log's lock, taken without waiting
  (`pg_try_advisory_xact_lock`); a second sequencer finds the lock taken and skips that log.
- SQLite, where the database has a single write lock: the reading and computing happen in a read
  transaction, and the write lock is taken only for the inserts, after checking that the log did
  not grow meanwhile. Several sequencers may compute the same batch; the first to write wins, the
  others find the head grown and drop their work (no event is written twice: the leaf index and
  the event are unique).

Never skipping a late event: on PostgreSQL each event carries its writer's transaction id, and the
sequencer takes only events whose id is below the oldest transaction of this database still in
progress (`_HORIZON`), in (transaction id, seq) order: an event of a slow transaction, whatever
its seq, is integrated after that transaction commits. A long transaction in the database holds
integration back (the lag shows in `audit-verify` and the metrics); transactions of other databases
on the same cluster do not. On SQLite writers are serialised, so commit order is seq order.

Run it in the server process (`AuditSequencer`, a daemon thread: the embedded default) or as the
CLI job `python -m core.cli audit-sequence` for deployments (docs/deployment.md).
"""

from __future__ import annotations

import datetime as dt
import logging
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, insert, literal_column, select, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from core.audit import merkle
from core.audit.entries import ENTRY_FIELDS, detail_from_text, entry_bytes_of, iso_time
from core.audit.models import NATIONAL_LOG, AuditEvent, AuditLeaf, AuditNode, AuditTreeHead
from core.audit.tree_head import TreeHead, sign_tree_head
from core.db import stamp
from core.divisions import PROVINCES
from core.periodic import PeriodicThread

log = logging.getLogger("traffic.audit")
E = AuditEvent.__table__  # type: ignore[attr-defined]
L = AuditLeaf.__table__  # type: ignore[attr-defined]
N = AuditNode.__table__  # type: ignore[attr-defined]
H = AuditTreeHead.__table__  # type: ignore[attr-defined]
BATCH = 5000
# text() statements, so rows come as the driver gives them, without SQLAlchemy's type processing
# per value (on SQLite `at` stays the stored text, which entries.iso_time turns without parsing).
# A pending event is read as (seq, txn, at, leaf_hash): the writer stored its leaf hash.
_PENDING_COLUMNS = "seq, txn, at, leaf_hash"
# An event written without one (before migration core_0010) is read whole: seq, at, then the
# entry's fields in ENTRY_FIELDS order, `detail` (last) as its JSON text.
_ENTRY_COLUMNS = ", ".join(["seq", "at", *ENTRY_FIELDS[:-1], "CAST(detail AS TEXT)"])
_EVENTS_BY_SEQ = text(f"SELECT {_ENTRY_COLUMNS} FROM {E.name} WHERE seq IN :seqs").bindparams(
    bindparam("seqs", expanding=True)
)
_PENDING = {
    (same_txn, horizon): text(
        f"SELECT {_PENDING_COLUMNS} FROM {E.name} WHERE log_id = :log_id AND "
        + ("txn = :txn AND seq > :seq" if same_txn else "txn > :txn")
        # SQLite needs no horizon, and given `txn < :horizon` it plans the range by it instead
        + (" AND txn < :horizon" if horizon else "")
        + " ORDER BY "
        + ("seq" if same_txn else "txn, seq")
        + " LIMIT :limit"
    )
    for same_txn in (True, False)
    for horizon in (True, False)
}
_INSERTS: dict[tuple[str, str], tuple[str, tuple[str, ...] | None]] = {}


def all_logs() -> list[str]:
    """Every log: one per province, and the national log."""
    return [*sorted(PROVINCES), NATIONAL_LOG]


@dataclass(frozen=True)
class Integrated:
    """What one sequencer pass did for one log. `refused`: why a damaged log was not extended
    (then `added` is 0 and `tree_size` -1)."""

    log_id: str
    added: int
    tree_size: int
    max_lag_seconds: float = 0.0
    refused: str | None = None


class DamagedLog(LookupError):
    """A log the sequencer will not extend, because what is stored contradicts itself: a subtree
    missing, an event it cannot read, an event already integrated (moved from another log, or
    beyond a deleted tree head). `audit-verify` names what is broken."""


# What reading or combining a stored value of the wrong kind raises (SQLite keeps any value in any
# column, e.g. a tree size '14x' or a hash 'abc'; PostgreSQL refuses them): one damaged log, to be
# refused by name while the other logs go on, never a failed pass or request for every log.
DATA_ERRORS = (LookupError, ValueError, TypeError, AttributeError, ArithmeticError)


def damage_reason(log_id: str, error: Exception) -> str:
    """One line saying why `log_id` cannot be read or extended (`error` one of DATA_ERRORS)."""
    if isinstance(error, DamagedLog):
        return str(error)
    return f"log {log_id}: a stored value no longer reads ({type(error).__name__}: {error})"


# A tree head row with `at` as the driver gives it (text on SQLite, as for events): a stored time
# that no longer reads is damage for audit-verify to name (the signed statement keeps its own
# timestamp), not a failure of every read of the log. Read it with `head_time`.
HEAD_COLUMNS = [*(c for c in H.c if c.name != "at"), literal_column(f"{H.name}.at").label("at")]


def latest_head(conn: Connection, log_id: str) -> Any:
    """The newest tree head row of `log_id` (HEAD_COLUMNS), or None."""
    return conn.execute(
        select(*HEAD_COLUMNS).where(H.c.log_id == log_id).order_by(H.c.tree_size.desc()).limit(1)
    ).first()


def head_time(row: Any) -> dt.datetime | None:
    """The stored time of a tree head row (aware UTC), or None when it no longer reads."""
    try:
        return _utc(row.at)
    except DATA_ERRORS:  # e.g. 'garbage', or a number where SQLite keeps any value
        return None


def fetch_nodes(
    conn: Connection, log_id: str, keys: Iterable[merkle.Node]
) -> dict[merkle.Node, bytes]:
    """The stored hashes of complete subtrees `keys` (level 0: leaf hashes). Raises LookupError
    when one is missing, DamagedLog when one is not 32 bytes.

    One statement per 200 keys: a UNION ALL of single-row primary-key reads, as plain SQL (an
    OR of (level, idx) pairs is planned by SQLite as a scan of the whole log's nodes, 25 ms at
    100,000 nodes, and building the equivalent SQLAlchemy constructs cost more than the reads)."""
    wanted = sorted(set(keys))
    place = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    one_leaf = (
        f"SELECT 0, leaf_index, leaf_hash FROM {L.name} WHERE log_id = {place} "
        f"AND leaf_index = {place}"
    )
    one_node = (
        f"SELECT level, idx, hash FROM {N.name} WHERE log_id = {place} AND level = {place} "
        f"AND idx = {place}"
    )
    found: dict[merkle.Node, bytes] = {}
    for chunk in _chunks(wanted, 200):
        sql = " UNION ALL ".join(one_leaf if level == 0 else one_node for level, _ in chunk)
        params: list[Any] = []
        for level, index in chunk:
            params += (log_id, index) if level == 0 else (log_id, level, index)
        for level, index, digest in conn.exec_driver_sql(sql, tuple(params)):
            found[(level, index)] = bytes(digest)
    missing = set(wanted) - found.keys()
    if missing:
        raise LookupError(f"log {log_id}: stored subtrees missing: {sorted(missing)[:3]}")
    wrong = sorted(key for key, digest in found.items() if len(digest) != 32)
    if wrong:  # combined, it would give (and the sequencer sign) a root the leaves do not give
        raise DamagedLog(f"log {log_id}: stored subtrees that are not SHA-256 hashes: {wrong[:3]}")
    return found


def _chunks(items: list[Any], size: int) -> Iterable[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def lock_key(log_id: str) -> int:
    """The PostgreSQL advisory-lock key of `log_id`'s sequencer (32 bits: in pg_locks, classid 0
    and objid the key)."""
    return zlib.crc32(f"audit-log:{log_id}".encode())


def _lock(conn: Connection, log_id: str) -> bool:
    """PostgreSQL: take `log_id`'s sequencer lock for this transaction, without waiting."""
    key = lock_key(log_id)
    return bool(conn.execute(text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": key}).scalar())


# The oldest transaction id that may still commit events into this database: the smallest id in
# progress in the current snapshot, leaving out the ids we can see belong to transactions of other
# databases of the cluster (they never write our events, and must not hold our log back); ids we
# cannot attribute count as ours. With nothing in progress, the snapshot's xmax.
_HORIZON = text(
    """
    WITH s AS (SELECT pg_current_snapshot() AS snap),
    elsewhere AS (
        SELECT backend_xid FROM pg_stat_activity
        WHERE backend_xid IS NOT NULL AND datname IS DISTINCT FROM current_database()
    )
    SELECT coalesce(
        (SELECT min(x) FROM s, pg_snapshot_xip(s.snap) AS x
         WHERE xid(x) NOT IN (SELECT backend_xid FROM elsewhere)),
        (SELECT pg_snapshot_xmax(snap) FROM s)
    )::text::bigint
    """
)


def _pending(conn: Connection, log_id: str, after: tuple[int, int], limit: int) -> list[Any]:
    """The next `limit` committed events of `log_id` after `after` (txn, seq), in that order.

    Two index ranges, not the row comparison `(txn, seq) > (t, s)`: SQLite plans that as the range
    `txn >= t` and filters it, reading every event the log already integrated on each pass (on
    SQLite every txn is 0), so a pass cost grew with the log. The rest of the writer's own
    transaction first (txn = t, seq > s), then the later transactions (txn > t)."""
    txn, seq = after
    params: dict[str, Any] = {"log_id": log_id, "txn": txn, "seq": seq}
    if conn.dialect.name == "postgresql":
        # a separate, earlier statement: an event whose transaction was in progress then stays
        # out; one that committed before the next statement starts is visible to it (on SQLite
        # writers are serialised: every committed event is final)
        params["horizon"] = conn.execute(_HORIZON).scalar_one()
    found: list[Any] = []
    for same_txn in (True, False):
        statement = _PENDING[(same_txn, "horizon" in params)]
        found += conn.execute(statement, {**params, "limit": limit - len(found)}).all()
        if len(found) >= limit:
            break
    return found


@dataclass(frozen=True)
class _Append:
    """What one pass adds to a log, computed before anything is written."""

    size: int  # the tree size it extends
    leaves: list[tuple]  # audit_leaves rows
    nodes: list[tuple]  # audit_nodes rows: the complete subtrees the new leaves fill
    head: dict[str, Any]  # the audit_tree_heads row, signed
    oldest: dt.datetime  # the commit time of its oldest event


def integrate(
    engine: Engine, keys: Any, now: dt.datetime, log_id: str, batch: int = BATCH
) -> Integrated:
    """Integrate up to `batch` committed events of one log and sign the new tree head.

    PostgreSQL: one transaction under the log's advisory lock (row inserts block no one else).
    SQLite, where one writer at a time holds the whole database: the events are read and the
    leaves, subtrees and tree head computed and signed in a read transaction, and the write lock
    is then taken only for the inserts, after checking that no other sequencer extended the log
    meanwhile; the requests' own commits wait for it that much less."""
    try:
        return _integrate(engine, keys, now, log_id, batch)
    except IntegrityError:  # a leaf or a head that exists already: say which, in a new transaction
        raise DamagedLog(_already_integrated(engine, log_id)) from None


def _integrate(engine: Engine, keys: Any, now: dt.datetime, log_id: str, batch: int) -> Integrated:
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            with conn.begin():
                if not _lock(conn, log_id):
                    return Integrated(log_id, 0, -1)
                size, append = _compute(conn, keys, now, log_id, batch)
                if append is not None:
                    _store(conn, log_id, append)
        else:
            with conn.begin():
                size, append = _compute(conn, keys, now, log_id, batch)
            if append is not None:
                conn.execution_options(sqlite_begin="IMMEDIATE")
                try:
                    with conn.begin():
                        head = latest_head(conn, log_id)
                        if (head.tree_size if head else 0) != size:
                            return Integrated(log_id, 0, -1)  # another sequencer was first
                        _store(conn, log_id, append)
                finally:
                    conn.execution_options(sqlite_begin="DEFERRED")
    if append is None:
        return Integrated(log_id, 0, size)
    added = len(append.leaves)
    lag = max(0.0, (stamp(now) - append.oldest).total_seconds())
    return Integrated(log_id, added, size + added, lag)


def _compute(
    conn: Connection, keys: Any, now: dt.datetime, log_id: str, batch: int
) -> tuple[int, _Append | None]:
    """The log's current size and what integrating its next `batch` events adds (None: none)."""
    head = latest_head(conn, log_id)
    size = head.tree_size if head else 0
    after = (head.last_txn, head.last_seq) if head else (-1, 0)
    events = _pending(conn, log_id, after, batch)
    if not events:
        return size, None
    oldest = _oldest(log_id, events)
    leaves = _leaf_hashes(conn, log_id, events)
    try:
        frontier = fetch_nodes(conn, log_id, merkle.frontier_needs(size))
    except LookupError as missing:
        raise DamagedLog(str(missing)) from None
    new_frontier, created = merkle.append_leaves(size, frontier, leaves)
    new_size = size + len(events)
    root = merkle.root_hash(new_size, new_frontier)
    tree_head = TreeHead(log_id, new_size, root, int(now.timestamp() * 1000))
    key = keys.active("audit")
    return size, _Append(
        size=size,
        leaves=[
            (log_id, size + i, e.seq, h)
            for i, (e, h) in enumerate(zip(events, leaves, strict=True))
        ],
        nodes=[(log_id, lv, ix, h) for (lv, ix), h in created],
        head={
            "log_id": log_id,
            "tree_size": new_size,
            "root_hash": root,
            "at": stamp(now),
            "kid": key.kid,
            "signed": sign_tree_head(tree_head, key),
            "last_txn": events[-1].txn,
            "last_seq": events[-1].seq,
            "previous_size": size,
        },
        oldest=oldest,
    )


def _store(conn: Connection, log_id: str, append: _Append) -> None:
    """Write what `_compute` prepared, in the caller's transaction."""
    _insert_many(conn, L, ("log_id", "leaf_index", "event_seq", "leaf_hash"), append.leaves)
    if append.nodes:
        _insert_many(conn, N, ("log_id", "level", "idx", "hash"), append.nodes)
    conn.execute(insert(H), append.head)


def stored_leaf_hash(value: Any) -> bytes | None:
    """A stored leaf hash, if it is one: 32 bytes (anything else is recomputed)."""
    if isinstance(value, (bytes, memoryview)) and len(value) == 32:
        return bytes(value)
    return None


def _leaf_hashes(conn: Connection, log_id: str, events: list[Any]) -> list[bytes]:
    """The leaf hashes of `_PENDING` rows: as their writers stored them, or, for events written
    without one (or with a value that is not 32 bytes), computed from the events' entries (read
    in chunks of 500). The stored hash is not trusted beyond that: audit-verify recomputes every
    entry. Raises DamagedLog for an event whose time or detail no longer reads."""
    stored = [stored_leaf_hash(e.leaf_hash) for e in events]
    missing = [e.seq for e, h in zip(events, stored, strict=True) if h is None]
    computed: dict[int, bytes] = {}
    for seqs in _chunks(missing, 500):
        for row in conn.execute(_EVENTS_BY_SEQ, {"seqs": seqs}):
            try:
                computed[row[0]] = merkle.leaf_hash(_entry(row))
            except DATA_ERRORS:
                raise DamagedLog(
                    f"log {log_id}: event seq {row[0]} no longer reads (its time or detail)"
                ) from None
    return [h if h is not None else computed[e.seq] for e, h in zip(events, stored, strict=True)]


def _already_integrated(engine: Engine, log_id: str) -> str:
    """Why storing the next leaves of `log_id` hit an existing row: an event it took is a leaf
    already (moved here from another log, or integrated beyond the newest tree head, which was
    deleted), or a leaf index is taken."""
    with engine.connect() as conn:
        found = next_events_integrated(conn, log_id)
        head = latest_head(conn, log_id)
    if found is not None:
        return f"log {log_id}: {found}"
    size = head.tree_size if head else 0
    return f"log {log_id}: leaves beyond the newest signed tree head (size {size}) exist already"


def next_events_integrated(conn: Connection, log_id: str) -> str | None:
    """Why the next events to integrate into `log_id` cannot be: one of the first `BATCH` is a
    leaf already (moved here from another log, or integrated beyond the newest tree head, which
    was deleted); None when none is. The sequencer refuses such a log; audit-verify names it."""
    head = latest_head(conn, log_id)
    size = head.tree_size if head else 0
    after = (head.last_txn, head.last_seq) if head else (-1, 0)
    seqs = [e.seq for e in _pending(conn, log_id, after, BATCH)]
    for chunk in _chunks(seqs, 500):
        found = conn.execute(
            select(L.c.log_id, L.c.leaf_index, L.c.event_seq)
            .where(L.c.event_seq.in_(chunk))
            .order_by(L.c.event_seq)
            .limit(1)
        ).first()
        if found is None:
            continue
        if found.log_id != log_id:
            return (
                f"event seq {found.event_seq} is leaf {found.leaf_index} of log {found.log_id}: "
                "it was moved"
            )
        return (
            f"event seq {found.event_seq} is leaf {found.leaf_index} already, beyond the newest "
            f"signed tree head (size {size}): a tree head was deleted"
        )
    return None


def _entry(event: Any) -> bytes:
    """The entry bytes of an `_EVENTS_BY_SEQ` row."""
    return entry_bytes_of((*event[2:-1], detail_from_text(event[-1])), event[1])


def _utc(at: dt.datetime | str) -> dt.datetime:
    """A `_PENDING` row's time as an aware UTC datetime."""
    return dt.datetime.fromisoformat(iso_time(at))


def _oldest(log_id: str, events: list[Any]) -> dt.datetime:
    """The earliest time of `_PENDING` rows (for the lag). Every time is part of its entry, so
    one that no longer reads refuses the log (DamagedLog), as an unreadable detail does."""
    times = []
    for e in events:
        try:
            times.append(_utc(e.at))
        except DATA_ERRORS:
            raise DamagedLog(
                f"log {log_id}: event seq {e.seq} no longer reads (its time)"
            ) from None
    return min(times)


def _insert_many(conn: Connection, table: Any, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """One executemany of plain values straight to the driver: a pass writes thousands of leaf
    and node rows, and SQLAlchemy's per-row parameter processing cost more than the insert.
    The statement is compiled once per table and dialect."""
    key = (table.name, conn.dialect.name)
    if key not in _INSERTS:
        compiled = insert(table).compile(dialect=conn.dialect, column_keys=list(columns))
        _INSERTS[key] = (str(compiled), compiled.positiontup)
    sql, positions = _INSERTS[key]
    if positions is None:  # a named parameter style (psycopg: %(name)s)
        conn.exec_driver_sql(sql, [dict(zip(columns, row, strict=True)) for row in rows])
    elif tuple(positions) == columns:
        conn.exec_driver_sql(sql, rows)
    else:
        order = [columns.index(name) for name in positions]
        conn.exec_driver_sql(sql, [tuple(row[i] for i in order) for row in rows])


_PROBES: dict[int, Any] = {}


def _logs_with_pending(conn: Connection, marks: dict[str, tuple[int, int]]) -> set[str]:
    """Which of `marks`' logs have events after their mark: one statement for every log (two
    index seeks each on `ix_audit_events_log_order`, see `_pending`), so an idle pass costs one
    round trip, not one per log."""
    logs = list(marks)
    if not logs:
        return set()
    statement = _PROBES.get(len(logs))
    if statement is None:
        statement = _PROBES[len(logs)] = text(
            " UNION ALL ".join(
                f"SELECT :l{i} AS log_id WHERE EXISTS (SELECT 1 FROM {E.name} "
                f"WHERE log_id = :l{i} AND txn = :t{i} AND seq > :s{i}) "
                f"OR EXISTS (SELECT 1 FROM {E.name} WHERE log_id = :l{i} AND txn > :t{i})"
                for i in range(len(logs))
            )
        )
    params: dict[str, Any] = {}
    for i, log_id in enumerate(logs):
        params[f"l{i}"], (params[f"t{i}"], params[f"s{i}"]) = log_id, marks[log_id]
    return {row[0] for row in conn.execute(statement, params)}


def sequence_all(
    engine: Engine,
    keys: Any,
    now: dt.datetime,
    logs: Iterable[str] | None = None,
    watermarks: dict[str, tuple[int, int]] | None = None,
) -> list[Integrated]:
    """One pass over every log that has events to integrate (a log is repeated while full batches
    keep coming). `watermarks` (log → last integrated (txn, seq)) may be kept between passes to
    skip idle logs without a write transaction; it is only a hint, the head is re-read. A damaged
    log is not extended: its result says why (`refused`), and the other logs are integrated."""
    marks = watermarks if watermarks is not None else {}
    done: list[Integrated] = []
    wanted = list(logs or all_logs())
    with engine.connect() as conn:
        for log_id in wanted:
            if log_id not in marks:
                head = latest_head(conn, log_id)
                marks[log_id] = (head.last_txn, head.last_seq) if head else (-1, 0)
        busy = _logs_with_pending(conn, {log_id: marks[log_id] for log_id in wanted})
    for log_id in wanted:
        if log_id not in busy:
            continue
        while True:
            try:
                result = integrate(engine, keys, now, log_id)
            except DATA_ERRORS as damage:  # this log stays as it is; the others go on
                if not isinstance(damage, DamagedLog):
                    log.debug("audit log %s: damaged value", log_id, exc_info=True)
                done.append(Integrated(log_id, 0, -1, refused=damage_reason(log_id, damage)))
                break
            if result.added:
                done.append(result)
            if result.tree_size >= 0:
                marks.pop(log_id, None)  # re-read next time (cheap, and exact)
            if result.added < BATCH:
                break
    return done


class AuditSequencer(PeriodicThread):
    """Runs `sequence_all` every `interval` seconds in a daemon thread (the embedded default).

    Several workers may each run one: one log grows by one of them at a time (see the module's
    docstring).
    The clock is the platform's, so tree heads carry the same time as the events."""

    name = "audit-sequencer"

    def __init__(self, platform: Any, interval: float = 0.5) -> None:
        super().__init__(interval)
        self.platform = platform
        self._marks: dict[str, tuple[int, int]] = {}  # watermarks kept between passes
        self._refused: dict[str, str] = {}  # log -> the refusal last logged (logged once)

    def run_once(self) -> None:
        platform = self.platform
        done = sequence_all(
            platform.engine, platform.keys, platform.clock.now(), watermarks=self._marks
        )
        for result in done:
            if result.refused is None:
                self._refused.pop(result.log_id, None)
            elif self._refused.get(result.log_id) != result.refused:
                self._refused[result.log_id] = result.refused
                log.error("audit log not extended: %s; run audit-verify", result.refused)
