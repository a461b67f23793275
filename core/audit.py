"""The audit log: append-only and hash-chained.

Every mutation (accepted or refused) and every read of another person's data appends one event:
who (account, kind, role, jurisdiction), what (action), whose data (subject person), when, and the
outcome. Each event's `hash` is SHA-256 over the previous event's hash and this event's canonical
JSON, so editing, deleting or reordering any event breaks the chain from there on; `verify_chain`
names the first broken event. On PostgreSQL a trigger refuses UPDATE and DELETE on the table, and an
advisory lock serialises appends so the chain never forks. ID numbers never enter an event: callers
pass person ids and masked numbers only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Field, Session, SQLModel, select

from core.db import json_field, stamp, write_session

GENESIS = "0" * 64
_AUDIT_LOCK_KEY = 0x7A0D17  # PostgreSQL advisory lock id for appends


class AuditEvent(SQLModel, table=True):
    """One audit event. Never updated, never deleted."""

    __tablename__ = "audit_events"

    seq: int | None = Field(default=None, primary_key=True)
    at: dt.datetime
    actor_account_id: str | None = Field(default=None, max_length=40)
    actor_kind: str = Field(max_length=16)
    actor_role: str | None = Field(default=None, max_length=32)
    jurisdiction: str | None = Field(default=None, max_length=40)
    action: str = Field(max_length=80, index=True)
    measure: str | None = Field(default=None, max_length=40)
    subject_person_id: str | None = Field(default=None, max_length=16, index=True)
    subject_ref: str | None = Field(default=None, max_length=80)
    outcome: str = Field(max_length=60)
    detail: dict = json_field({})
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


_HASHED_FIELDS = (
    "at",
    "actor_account_id",
    "actor_kind",
    "actor_role",
    "jurisdiction",
    "action",
    "measure",
    "subject_person_id",
    "subject_ref",
    "outcome",
    "detail",
)


def event_hash(prev_hash: str, event: AuditEvent) -> str:
    body = {name: getattr(event, name) for name in _HASHED_FIELDS}
    body["at"] = event.at.isoformat(timespec="microseconds")
    canonical = orjson.dumps(body, option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(prev_hash.encode() + canonical).hexdigest()


def append(session: Session, now: dt.datetime, **fields: Any) -> AuditEvent:
    """Append one event in the caller's transaction (rolled back with it)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _AUDIT_LOCK_KEY})
    last = session.exec(select(AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)).first()  # type: ignore[union-attr]
    prev = last or GENESIS
    event = AuditEvent(at=stamp(now), prev_hash=prev, hash="", **fields)
    event.hash = event_hash(prev, event)
    session.add(event)
    return event


class AuditCheckpoint(SQLModel, table=True):
    """A signed statement "the chain had `seq` events ending in `hash`" (detects a cut-off tail)."""

    __tablename__ = "audit_checkpoints"

    id: int | None = Field(default=None, primary_key=True)
    seq: int
    hash: str = Field(max_length=64)
    at: dt.datetime
    kid: str = Field(max_length=16)
    signature: str = Field(max_length=128)


def _checkpoint_bytes(seq: int, chain_hash: str) -> bytes:
    return f"audit-checkpoint:{seq}:{chain_hash}".encode()


def write_checkpoint(engine: Engine, keys: Any, now: dt.datetime) -> AuditCheckpoint | None:
    """Sign the current head of the chain with the ACTIVE audit key (a scheduled job)."""
    with write_session(engine) as session:
        head = session.exec(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1)).first()  # type: ignore[union-attr]
        if head is None or head.seq is None:
            return None
        key = keys.active("audit")
        checkpoint = AuditCheckpoint(
            seq=head.seq,
            hash=head.hash,
            at=stamp(now),
            kid=key.kid,
            signature=key.sign(_checkpoint_bytes(head.seq, head.hash)).hex(),
        )
        session.add(checkpoint)
        session.commit()
        session.refresh(checkpoint)
        return checkpoint


@dataclass
class ChainReport:
    ok: bool
    events: int
    first_broken_seq: int | None = None
    reason: str | None = None


def iter_events(engine: Engine, batch: int = 5000) -> Iterator[AuditEvent]:
    last = 0
    with Session(engine) as session:
        while True:
            rows = session.exec(
                select(AuditEvent)
                .where(AuditEvent.seq > last)
                .order_by(AuditEvent.seq)
                .limit(batch)  # type: ignore[operator]
            ).all()
            if not rows:
                return
            yield from rows
            last = rows[-1].seq or last


def verify_chain(engine: Engine, progress: Any = None, keys: Any = None) -> ChainReport:
    """Walk the chain in order; report the first event whose link or hash does not hold. With
    `keys`, also check every signed checkpoint: its event must still exist with the same hash
    (so deleting the newest events is detected too) and its signature must verify."""
    with Session(engine) as session:
        checkpoints = {c.seq: c for c in session.exec(select(AuditCheckpoint)).all()}
    prev = GENESIS
    count = 0
    last_seq = 0
    for event in iter_events(engine):
        count += 1
        if event.prev_hash != prev:
            return ChainReport(False, count, event.seq, "link to the previous event is broken")
        if event_hash(prev, event) != event.hash:
            return ChainReport(False, count, event.seq, "event content does not match its hash")
        checkpoint = checkpoints.get(event.seq or 0)
        if checkpoint is not None and checkpoint.hash != event.hash:
            return ChainReport(False, count, event.seq, "event differs from its signed checkpoint")
        prev = event.hash
        last_seq = event.seq or last_seq
        if progress and count % 10000 == 0:
            progress(count)
    beyond = [seq for seq in checkpoints if seq > last_seq]
    if beyond:
        return ChainReport(
            False, count, min(beyond), "events up to a signed checkpoint are missing (tail cut off)"
        )
    if keys is not None:
        for checkpoint in checkpoints.values():
            key = keys.verifying_key(checkpoint.kid, "audit")
            if key is None or not key.verify(
                bytes.fromhex(checkpoint.signature),
                _checkpoint_bytes(checkpoint.seq, checkpoint.hash),
            ):
                return ChainReport(
                    False, count, checkpoint.seq, "checkpoint signature does not verify"
                )
    return ChainReport(True, count)


POSTGRES_GUARDS_DDL = """
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS audit_events_no_change ON audit_events;
CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events;
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
"""


def install_postgres_guards(engine: Engine) -> None:
    """Make the audit table append-only on PostgreSQL (UPDATE / DELETE / TRUNCATE refused)."""
    with engine.begin() as conn:
        conn.exec_driver_sql(POSTGRES_GUARDS_DDL)
