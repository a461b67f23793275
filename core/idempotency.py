"""Idempotency keys for side-effecting requests (`Idempotency-Key` header on a mutation POST).

The first request with a key claims it by inserting a PENDING row (a unique constraint decides
between concurrent requests), runs, and stores its response if it committed something. A retry with
the same key and the same request gets the stored response (`Idempotency-Replayed: true`) and causes
no second side effect; the same key with a different request is refused (422); a retry while the
first is still running gets 409. A request that committed nothing (a refusal, RATE_LIMITED, an
INTERNAL_ERROR rolled back, a 4xx) releases its key, so a retry runs again: a transient failure is
never replayed for 24 hours. Keys are scoped to the caller (account or partner client) and kept for
24 hours. Secrets in a response (a client secret, a webhook signing secret, a token: shown once)
are not stored: a replay answers them as null and names them in `extensions.redacted`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

import orjson
from sqlalchemy import UniqueConstraint, delete
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, SQLModel, select

from core.db import stamp, write_session
from core.ids import new_id

KEEP_HOURS = 24


class IdempotencyRecord(SQLModel, table=True):
    __tablename__ = "idempotency_records"
    __table_args__ = (UniqueConstraint("caller", "key"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    caller: str = Field(max_length=60)
    key: str = Field(max_length=100)
    request_hash: str = Field(max_length=64)
    status: str = Field(default="PENDING", max_length=10)  # PENDING | DONE
    response: bytes | None = None
    created_at: dt.datetime


def request_fingerprint(operations: list[object]) -> str:
    return hashlib.sha256(orjson.dumps(operations, option=orjson.OPT_SORT_KEYS)).hexdigest()


@dataclass(frozen=True)
class Claim:
    outcome: str  # NEW | REPLAY | MISMATCH | IN_PROGRESS
    record_id: str | None = None
    response: bytes | None = None


def claim(engine: Engine, caller: str, key: str, fingerprint: str, now: dt.datetime) -> Claim:
    with write_session(engine) as session:
        session.exec(
            delete(IdempotencyRecord).where(
                IdempotencyRecord.created_at < stamp(now - dt.timedelta(hours=KEEP_HOURS))
            )
        )  # type: ignore[call-overload]
        record = IdempotencyRecord(
            caller=caller, key=key, request_hash=fingerprint, created_at=stamp(now)
        )
        session.add(record)
        try:
            session.commit()
            return Claim("NEW", record.id)
        except IntegrityError:
            session.rollback()
        existing = session.exec(
            select(IdempotencyRecord).where(
                IdempotencyRecord.caller == caller, IdempotencyRecord.key == key
            )
        ).first()
    if existing is None:  # expired between the two statements: treat as new on the next try
        return Claim("IN_PROGRESS")
    if existing.request_hash != fingerprint:
        return Claim("MISMATCH")
    if existing.status != "DONE":
        return Claim("IN_PROGRESS")
    return Claim("REPLAY", existing.id, existing.response)


# fields whose values are shown once and never kept: a client secret, a webhook signing secret,
# an access token. A replay answers them as null, with `extensions.redacted` naming them.
SECRET_FIELDS = frozenset({"secret", "clientSecret", "token"})


def redact_secrets(response: bytes) -> bytes:
    """The response as it may be stored: every string value of a `SECRET_FIELDS` key replaced by
    null, and `extensions.redacted` listing the fields (a body that is not JSON is kept as is)."""
    try:
        body = orjson.loads(response)
    except orjson.JSONDecodeError:
        return response
    found: set[str] = set()

    def walk(value: object) -> object:
        if isinstance(value, dict):
            out = {}
            for key, item in value.items():
                if key in SECRET_FIELDS and isinstance(item, str):
                    found.add(key)
                    out[key] = None
                else:
                    out[key] = walk(item)
            return out
        if isinstance(value, list):
            return [walk(item) for item in value]
        return value

    cleaned = walk(body)
    if not found:
        return response
    if isinstance(cleaned, dict):
        extensions = cleaned.setdefault("extensions", {})
        if isinstance(extensions, dict):
            extensions["redacted"] = sorted(found)
    return orjson.dumps(cleaned)


def complete(engine: Engine, record_id: str, response: bytes) -> None:
    """Store the response of a request that committed something, its secrets left out."""
    with write_session(engine) as session:
        record = session.get(IdempotencyRecord, record_id)
        if record is not None:
            record.status = "DONE"
            record.response = redact_secrets(response)
            session.add(record)
            session.commit()


def release(engine: Engine, record_id: str) -> None:
    """Forget a claim whose request failed unexpectedly, so the client may retry."""
    with write_session(engine) as session:
        record = session.get(IdempotencyRecord, record_id)
        if record is not None:
            session.delete(record)
            session.commit()
