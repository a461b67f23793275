"""Audit entries: what one event says, its canonical bytes (the Merkle leaf), and its insert.

The request path builds an `EventDraft` (its id and time fixed up front, so a receipt can name its
audit entry before it is written) and inserts it with one prebuilt Core statement in the caller's
transaction: no read of earlier events, no lock shared with other requests. On PostgreSQL the row
also records the writer's transaction id (`pg_current_xact_id()`), which lets the sequencer take
only events whose transactions have all finished, so a slow transaction's event is never skipped.

The entry (the bytes under the leaf hash) is the canonical JSON of the event's fields, keys sorted,
no whitespace (RFC 8785 in effect for these string and integer values), with `v` the format
version. Anyone holding the entry text checks leaf = SHA-256(0x00 ‖ entry) (RFC 9162 §2.1.1).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

import orjson
from sqlalchemy import BigInteger, Text, cast, insert, literal_column

from core.audit import merkle
from core.audit.models import NATIONAL_LOG, AuditEvent
from core.db import stamp
from core.ids import new_id

ENTRY_VERSION = 1
_EVENTS = AuditEvent.__table__  # type: ignore[attr-defined]


@dataclass
class EventDraft:
    """An audit event before it is inserted. `uid` and `at` are fixed when it is drafted."""

    log_id: str
    at: dt.datetime
    actor_account_id: str | None
    actor_kind: str
    actor_role: str | None
    jurisdiction: str | None
    action: str
    measure: str | None
    subject_person_id: str | None
    subject_ref: str | None
    outcome: str
    detail: dict[str, Any] = field(default_factory=dict)
    uid: str = field(default_factory=new_id)
    _leaf_hash: bytes | None = field(default=None, init=False, repr=False, compare=False)

    def row(self) -> dict[str, Any]:
        """The audit_events row: the entry's fields and its leaf hash."""
        return {**self._fields(), "leaf_hash": self.leaf_hash()}

    def _fields(self) -> dict[str, Any]:
        return {
            "uid": self.uid,
            "log_id": self.log_id,
            "at": stamp(self.at),
            "actor_account_id": self.actor_account_id,
            "actor_kind": self.actor_kind,
            "actor_role": self.actor_role,
            "jurisdiction": self.jurisdiction,
            "action": self.action[:80],
            "measure": self.measure,
            "subject_person_id": self.subject_person_id,
            "subject_ref": self.subject_ref[:80] if self.subject_ref else None,
            "outcome": self.outcome[:60],
            "detail": self.detail,
        }

    def entry(self) -> bytes:
        return entry_bytes(self._fields())

    def leaf_hash(self) -> bytes:
        """SHA-256(0x00 ‖ entry) (RFC 9162 §2.1.1), computed once: a draft is fixed once drafted
        (a receipt names it, and the answer shows it again)."""
        if self._leaf_hash is None:
            self._leaf_hash = merkle.leaf_hash(self.entry())
        return self._leaf_hash


# the entry's fields besides `at` and `v`, `detail` last (the sequencer selects them in this order)
ENTRY_FIELDS = (
    "uid",
    "log_id",
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


def entry_bytes(row: Any) -> bytes:
    """The canonical entry of an event (a mapping or a row with the event's columns)."""
    get = row.get if isinstance(row, dict) else lambda name: getattr(row, name)
    return entry_bytes_of([get(name) for name in ENTRY_FIELDS], get("at"))


def entry_bytes_of(values: Any, at: dt.datetime | str) -> bytes:
    """The canonical entry of an event from its `ENTRY_FIELDS` values, in that order (`detail`
    decoded), and its time: what `entry_bytes` gives for the same event (the sequencer reads the
    columns in this order, without building a mapping per row). `at` may be the datetime or the
    text SQLite stores (see `iso_time`)."""
    body = dict(zip(ENTRY_FIELDS, values, strict=True))
    body["at"] = iso_time(at)
    body["v"] = ENTRY_VERSION
    try:
        return orjson.dumps(body, option=orjson.OPT_SORT_KEYS)
    except TypeError:
        return _entry_as_stored(body)


def _entry_as_stored(body: dict[str, Any]) -> bytes:
    """The entry of a detail orjson cannot write as drafted: its keys are not all strings, or an
    integer exceeds 64 bits. The detail is taken as it reads back from its JSON column
    (`detail_from_text`, as the sequencer and audit-verify read it), so that the writer's leaf
    hash equals the one recomputed from the stored row; what orjson still refuses is written by
    the standard encoder in the same form (sorted keys, no whitespace)."""
    body["detail"] = detail_from_text(json.dumps(body["detail"]))
    try:
        return orjson.dumps(body, option=orjson.OPT_SORT_KEYS)
    except TypeError:
        return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def iso_time(at: dt.datetime | str) -> str:
    """An event time as the entry writes it: ISO 8601 in UTC with microseconds
    (`2026-11-30T08:00:00.000000+00:00`). `at` is a datetime, or the column's raw text as SQLite
    stores it (SQLAlchemy's `YYYY-MM-DD HH:MM:SS.ffffff`, UTC), turned without parsing."""
    if isinstance(at, str):
        if len(at) == 26 and at[10] == " " and at[19] == ".":
            return f"{at[:10]}T{at[11:]}+00:00"
        parsed = dt.datetime.fromisoformat(at)
        at = parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
    return stamp(at).isoformat(timespec="microseconds")


def detail_from_text(text: str | None) -> Any:
    """An event's detail from its JSON text: orjson, or the standard parser for what orjson
    refuses and SQLAlchemy's JSON type may have stored (NaN, infinity), read as before. Raises
    ValueError for text that is not JSON (a damaged row)."""
    if text is None:
        return None
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def log_for(actor_kind: str, province_code: str | None, home_province: str | None = None) -> str:
    """The log an actor's events go to: the province of a staff member's jurisdiction or of a
    partner's registration, a citizen's home province; national actors (national staff, partners
    registered nationally, anonymous callers) write to the national log."""
    code = province_code if actor_kind in ("STAFF", "PARTNER") else home_province
    if code and len(code) == 6 and code.isascii() and code.isdigit():
        return code[:2] + "0000"
    return NATIONAL_LOG


def insert_statement(dialect: str) -> Any:
    """The prebuilt INSERT for one event; on PostgreSQL it records the writer's transaction id."""
    if dialect == "postgresql":
        xid = cast(cast(literal_column("pg_current_xact_id()"), Text), BigInteger)
        return insert(_EVENTS).values(txn=xid)
    return insert(_EVENTS).values(txn=0)


_STATEMENTS = {name: insert_statement(name) for name in ("sqlite", "postgresql")}


def insert_event(connection: Any, draft: EventDraft) -> None:
    """Insert one drafted event in the caller's transaction (a Session or a Connection)."""
    bind = connection.get_bind() if hasattr(connection, "get_bind") else connection
    dialect = bind.dialect.name
    statement = _STATEMENTS.get(dialect)
    if statement is None:
        statement = _STATEMENTS[dialect] = insert_statement(dialect)
    connection.execute(statement, draft.row())


def insert_events(connection: Any, rows: list[dict[str, Any]]) -> None:
    """Insert many drafted events (`EventDraft.row()`) in the caller's transaction, one
    executemany (a job's fan-out)."""
    if not rows:
        return
    bind = connection.get_bind() if hasattr(connection, "get_bind") else connection
    dialect = bind.dialect.name
    statement = _STATEMENTS.get(dialect)
    if statement is None:
        statement = _STATEMENTS[dialect] = insert_statement(dialect)
    connection.execute(statement, rows)
