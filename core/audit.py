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

from core.db import json_field, stamp

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


def verify_chain(engine: Engine, progress: Any = None) -> ChainReport:
    """Walk the chain in order; report the first event whose link or hash does not hold."""
    prev = GENESIS
    count = 0
    for event in iter_events(engine):
        count += 1
        if event.prev_hash != prev:
            return ChainReport(False, count, event.seq, "link to the previous event is broken")
        if event_hash(prev, event) != event.hash:
            return ChainReport(False, count, event.seq, "event content does not match its hash")
        prev = event.hash
        if progress and count % 10000 == 0:
            progress(count)
    return ChainReport(True, count)


def install_postgres_guards(engine: Engine) -> None:
    """Make the audit table append-only on PostgreSQL (UPDATE / DELETE / TRUNCATE refused)."""
    ddl = """
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
    with engine.begin() as conn:
        conn.exec_driver_sql(ddl)
