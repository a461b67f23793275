"""GraphQL bases shared by the credential measures (e-driving licence, e-vehicle licence,
e-deregistration certificate): the scanned payload a verifier submits, the holder's log line of
a verification, the QR payloads the holder's app shows (their epoch seconds as China time)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Self, TypeVar

import strawberry
from sqlmodel import select

from core.clock import to_china
from core.graphql.pagination import Connection, paginate


def from_epoch(epoch: int) -> dt.datetime:
    """Epoch seconds (a payload's iat / exp) as an aware China-time datetime."""
    return to_china(dt.datetime.fromtimestamp(epoch, dt.UTC))


P = TypeVar("P")


def qr_payloads(payload_type: type[P], batch: list[tuple[str, int, int]]) -> list[P]:
    """A measure's QR payload objects (fields text, not_before, expires_at, length) from a batch
    of signed payloads (text, iat, exp)."""
    make: Any = payload_type  # a strawberry type: its fields are keyword arguments
    return [
        make(text=t, not_before=from_epoch(i), expires_at=from_epoch(e), length=len(t))
        for t, i, e in batch
    ]


@strawberry.input
class ScannedPayloadInput:
    """The QR text a verifier scanned and why it verifies."""

    payload: str
    purpose: str


@strawberry.type
class VerificationRecord:
    """One verification of a credential as its holder sees it: who, when, purpose, claims and
    result."""

    at: dt.datetime
    verifier_kind: str
    verifier_name: str
    purpose: str
    claims: list[str]
    result: str

    @classmethod
    def of(cls, row: Any) -> Self:
        """From a row of a measure's verification log (at, verifier_kind, verifier_name, purpose,
        claims, result)."""
        return cls(
            at=to_china(row.at),
            verifier_kind=row.verifier_kind,
            verifier_name=row.verifier_name,
            purpose=row.purpose,
            claims=list(row.claims or []),
            result=row.result,
        )

    @classmethod
    def page(
        cls, ctx: Any, log: Any, holder_column: Any, first: int, after: str | None
    ) -> Connection[Self]:
        """One page of the caller's lines of the verification log `log` (a table whose
        `holder_column` is the holder's person id), newest first. UNAUTHENTICATED without a
        personal account; INVALID_INPUT for a bad page size or cursor (`paginate`)."""
        person_id = ctx.require_person()
        statement = select(log).where(holder_column == person_id).order_by(log.at.desc(), log.id)
        return paginate(ctx, statement, first, after, cls.of)
