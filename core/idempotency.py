"""Idempotency keys for side-effecting requests (`Idempotency-Key` header on a mutation POST).

The first request with a key claims it by inserting a PENDING row (a unique constraint decides
between concurrent requests; the row's id is the claim, see below) and runs. Every transaction the
request commits (a mutation's write with its audit event, `Context.mutate`; a grouped insert-only
write, core/group_commit.py; an audited read) also marks the row COMMITTED, in that same
transaction, listing the audit entries committed so far (`mark_committed`): the key's row and the
request's changes are durable together or not at all. Once the request is answered its response is
stored (DONE, `complete`). A retry with the same key and the same request then gets:

- DONE: the stored response (`Idempotency-Replayed: true`), no second side effect;
- COMMITTED, the first request's lease over (`LEASE`: it died between its commit and `complete`,
  e.g. SIGKILL): `ALREADY_APPLIED`, a typed answer saying the change was applied and naming its
  audit entries; it is never run again;
- PENDING, the lease over (its owner died before committing anything): the key is reclaimed and
  the request runs (the row is replaced by one with a new id, so the dead owner's claim is void:
  were it still alive, its commit would find no row of its id and roll back, `ClaimLost`);
- PENDING or COMMITTED within the lease: 409, still running (with Retry-After).

The same key with a different request is refused (422). A request that committed nothing (a
refusal, RATE_LIMITED, an INTERNAL_ERROR rolled back, a 4xx) releases its key, so a retry runs
again: a transient failure is never replayed for 24 hours. Keys are scoped to the caller (account
or partner client) and kept for 24 hours. Secrets in a response (a client secret, a webhook
signing secret, a token: shown once) are not stored: a replay answers them as null and names them
in `extensions.redacted`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any

import orjson
from sqlalchemy import UniqueConstraint, bindparam, delete, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, SQLModel, select

from core.db import begin_write, stamp, write_session
from core.errors import RuleError
from core.ids import new_id

KEEP_HOURS = 24
# how long a claim is its owner's alone: past it, a PENDING claim (nothing committed) is taken over
# by a retry and a COMMITTED one is answered ALREADY_APPLIED. Longer than a request runs (the
# database's own waits, 30 s, included); a claim taken over from an owner still alive costs only
# that owner's commit (`ClaimLost`), never a second application.
LEASE = dt.timedelta(seconds=60)
ALREADY_APPLIED = "ALREADY_APPLIED"
CLAIM_LOST = "IDEMPOTENCY_CLAIM_LOST"


class IdempotencyRecord(SQLModel, table=True):
    __tablename__ = "idempotency_records"
    __table_args__ = (UniqueConstraint("caller", "key"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    caller: str = Field(max_length=60)
    key: str = Field(max_length=100)
    request_hash: str = Field(max_length=64)
    status: str = Field(default="PENDING", max_length=10)  # PENDING | COMMITTED | DONE
    # DONE: the stored response (secrets redacted); COMMITTED: JSON, the audit entries committed
    # so far ({"applied": [{"auditEntry", "action", "ref"}]}); PENDING: None
    response: bytes | None = None
    created_at: dt.datetime  # when the claim was made (its lease runs from here)


def request_fingerprint(operations: list[object]) -> str:
    return hashlib.sha256(orjson.dumps(operations, option=orjson.OPT_SORT_KEYS)).hexdigest()


@dataclass(frozen=True)
class Claim:
    outcome: str  # NEW | REPLAY | APPLIED | MISMATCH | IN_PROGRESS
    record_id: str | None = None
    response: bytes | None = None
    applied: tuple[dict[str, Any], ...] = ()  # APPLIED: the audit entries the first request wrote
    retry_after: int = 1  # IN_PROGRESS: seconds until the first request's lease is over


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
        begin_write(session)  # a writer again: a PENDING claim past its lease is taken over
        existing = session.exec(
            select(IdempotencyRecord).where(
                IdempotencyRecord.caller == caller, IdempotencyRecord.key == key
            )
        ).first()
        if existing is None:  # expired between the two statements: new on the next try
            return Claim("IN_PROGRESS")
        if existing.request_hash != fingerprint:
            return Claim("MISMATCH")
        if existing.status == "DONE":
            return Claim("REPLAY", existing.id, existing.response)
        lease_end = stamp(existing.created_at) + LEASE
        if stamp(now) < lease_end:  # its owner may still be running
            seconds = int((lease_end - stamp(now)).total_seconds()) + 1
            return Claim("IN_PROGRESS", retry_after=seconds)
        if existing.status == "COMMITTED":  # its owner died after committing
            applied = orjson.loads(existing.response or b"{}").get("applied", [])
            return Claim("APPLIED", existing.id, applied=tuple(applied))
        # PENDING past its lease: its owner died before committing anything; take it over
        # under a new id, so that the old claim can no longer commit (`mark_committed`)
        taken = session.execute(
            delete(IdempotencyRecord).where(
                IdempotencyRecord.id == existing.id,  # type: ignore[arg-type]
                IdempotencyRecord.status == "PENDING",  # type: ignore[arg-type]
            )
        )
        if taken.rowcount != 1:  # its owner committed meanwhile, or another retry took it
            session.rollback()
            return Claim("IN_PROGRESS")
        record = IdempotencyRecord(
            caller=caller, key=key, request_hash=fingerprint, created_at=stamp(now)
        )
        session.add(record)
        session.commit()
        return Claim("NEW", record.id)


class ClaimLost(RuleError):
    """The request's claim on its key was taken over (its lease ran out): what it was about to
    commit is rolled back, since the retry that took the key over runs it instead."""

    def __init__(self) -> None:
        super().__init__(
            CLAIM_LOST,
            "This request ran past its Idempotency-Key's lease and a retry with the same key "
            "took the key over; this request's change was not applied (the retry's was).",
            rule="core: idempotency",
        )


_MARK = (
    update(IdempotencyRecord)
    .where(
        IdempotencyRecord.id == bindparam("record_id"),  # type: ignore[arg-type]
        IdempotencyRecord.status.in_(("PENDING", "COMMITTED")),  # type: ignore[attr-defined]
    )
    .values(status="COMMITTED", response=bindparam("applied"))
)


def mark_committed(connection: Any, record_id: str, applied: list[dict[str, Any]]) -> None:
    """In the caller's transaction (a Session or a Connection): the key's work committed, with
    `applied` (every audit entry the request has committed, this transaction's included). Raises
    `ClaimLost` when the claim is no longer this request's, which rolls the transaction back."""
    result = connection.execute(
        _MARK, {"record_id": record_id, "applied": orjson.dumps({"applied": applied})}
    )
    if result.rowcount != 1:
        raise ClaimLost()


@dataclass
class KeyedWrites:
    """The writes of one request under an Idempotency-Key (shared by its operations): each
    transaction it commits marks the key with `pending(draft)` (`mark_committed`), and the entry
    is kept once that transaction committed (`committed`)."""

    record_id: str
    applied: list[dict[str, Any]] = field(default_factory=list)

    @staticmethod
    def entry(draft: Any) -> dict[str, Any]:
        """What a retry is told about one committed transaction: its audit entry."""
        return {"auditEntry": draft.uid, "action": draft.action, "ref": draft.subject_ref}

    def pending(self, draft: Any) -> list[dict[str, Any]]:
        """The applied list to store with the transaction that commits `draft`."""
        return [*self.applied, self.entry(draft)]

    def mark(self, connection: Any, draft: Any) -> None:
        mark_committed(connection, self.record_id, self.pending(draft))

    def committed(self, draft: Any) -> None:
        self.applied.append(self.entry(draft))


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
    """Forget a claim whose request committed nothing, so the client may retry. A claim marked
    COMMITTED is kept whatever the request's own count says (a retry must not apply it again)."""
    with write_session(engine) as session:
        session.exec(
            delete(IdempotencyRecord).where(
                IdempotencyRecord.id == record_id,  # type: ignore[arg-type]
                IdempotencyRecord.status == "PENDING",  # type: ignore[arg-type]
            )
        )  # type: ignore[call-overload]
        session.commit()
