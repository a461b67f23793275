"""Issuing and presenting an electronic credential (e-driving licence, e-vehicle licence,
e-deregistration certificate): the steps the credential measures share.

- `refuse_if_issued` / `refuse_if_pending`: the two refusals before an application is submitted
  or approved (one live credential per subject, one open application per subject).
- `issue_on_approval`: approve the application, issue the credential, complete the application.
- `windows` / `sign_presentation`: the short-window signed QR payloads the holder's app shows.
- `register_local_version`: a city's own electronic version of the document, accepted only where
  the unified credential is not in force (M01 2021-一-五-3, M13 2024-一-五-2).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from sqlalchemy import ColumnElement
from sqlmodel import Session, select

from core.context import Context, WriteScope
from core.db import stamp
from core.documents import credentials as cred
from core.documents.keys import KeyRing
from core.documents.signing import sign_document
from core.errors import Code, RuleError
from core.registries import applications as apps
from core.validation import require_text

OPEN_STATUSES = (apps.AppStatus.SUBMITTED.value, apps.AppStatus.UNDER_REVIEW.value)


def refuse_if_issued(
    session: Session, kind: str, subject_id: str, code: str, message: str, field: str
) -> None:
    """Raises RuleError(`code`, `message`, field=`field`) when the subject (a licence, a vehicle)
    already holds a live (unrevoked) credential of `kind`."""
    if cred.active_for_subject(session, kind, subject_id) is not None:
        raise RuleError(code, message, field=field)


def refuse_if_pending(
    session: Session,
    measure: str,
    subject: ColumnElement[bool],
    code: str,
    message: str,
    field: str,
) -> None:
    """Raises RuleError(`code`, `message`, field=`field`) when an application of `measure` for
    the subject (`subject`: e.g. `Application.vehicle_id == vehicle.id`) is still submitted or
    under review."""
    pending = session.exec(
        select(apps.Application).where(
            apps.Application.measure == measure,
            subject,
            apps.Application.status.in_(OPEN_STATUSES),  # type: ignore[attr-defined]
        )
    ).first()
    if pending is not None:
        raise RuleError(code, message, field=field)


def issue_on_approval(
    session: Session,
    app: apps.Application,
    kind: str,
    subject_id: str,
    holder_person_id: str | None,
    *,
    now: dt.datetime,
    actor_account_id: str | None,
    note: str | None,
) -> cred.IssuedCredential:
    """Move the application to APPROVED (with the reviewer's note), issue the credential of
    `kind` for the subject and its holder, and move the application to COMPLETED."""
    apps.transition(
        session, app, apps.AppStatus.APPROVED, now=now, actor_account_id=actor_account_id, note=note
    )
    credential = cred.issue(session, now, kind, subject_id, holder_person_id)
    apps.transition(
        session, app, apps.AppStatus.COMPLETED, now=now, actor_account_id=actor_account_id
    )
    return credential


def windows(now: dt.datetime, count: int, seconds: int, max_batch: int) -> list[tuple[int, int]]:
    """`count` consecutive (iat, exp) epoch-second windows of `seconds` from `now`, for a batch
    of rotating payloads. Raises INVALID_INPUT (field `count`) outside 1..`max_batch`."""
    if not 1 <= count <= max_batch:
        raise RuleError(
            Code.INVALID_INPUT, f"`count` must be between 1 and {max_batch}.", field="count"
        )
    start = int(now.timestamp())
    return [(start + i * seconds, start + (i + 1) * seconds) for i in range(count)]


def sign_presentation(
    keys: KeyRing,
    prefix: str,
    credential: Any,
    *,
    iat: int,
    exp: int,
    classes: int | str,
    status: int,
    valid_until: dt.date | None,
) -> str:
    """One signed QR payload of an issued credential (a row with `kind`, `handle`, `list_id`,
    `list_index`): the claims of `cred.credential_shape` (handle, status-list slot, window,
    a fresh nonce, the classes or vehicle type, the status at signing, the document's validity as
    YYYYMMDD, 0 without one), signed with the active document key behind `prefix`."""
    claims = {
        cred.C_KIND: credential.kind,
        cred.C_HANDLE: cred.handle_to_bytes(credential.handle),
        cred.C_STATUS_REF: cred.status_ref(credential),
        cred.C_EXP: exp,
        cred.C_IAT: iat,
        cred.C_NONCE: secrets.token_bytes(4),
        cred.C_CLASSES: classes,
        cred.C_STATUS: status,
        cred.C_VALID_UNTIL: int(valid_until.strftime("%Y%m%d")) if valid_until else 0,
    }
    return sign_document(keys, prefix, claims)


class LocalVersion(Protocol):
    """A measure's local-version table: `city_code`, `name`, `registered_by`, `registered_at`."""

    id: str

    def __init__(self, **values: Any) -> None: ...


V = TypeVar("V", bound=LocalVersion)


def register_local_version(
    ctx: Context,
    scope: WriteScope,
    measure: str,
    city: str,
    name: str,
    table: type[V],
    refuse: Callable[[bool, str, dt.date], None],
) -> V:
    """Register / accept a local electronic version of the document in `city` (clerks: their
    own city), unless the unified credential of `measure` is in force there: `refuse(in_force,
    city_code, day)` raises the measure's refusal (its rule). Audited as `<Table>:<id>`.
    Raises INVALID_INPUT / TOO_LONG (name), UNKNOWN_CITY, OUT_OF_JURISDICTION."""
    from core.divisions import city as lookup_city

    label = require_text("name", name, 100)
    place = lookup_city(city, "city").code
    if ctx.actor.is_staff:
        ctx.require_jurisdiction(place, field="city")
    decision = ctx.decision(measure, place)
    refuse(decision.in_force, place, decision.day)
    row = table(
        city_code=place,
        name=label,
        registered_by=ctx.actor.account_id,
        registered_at=stamp(ctx.now()),
    )
    scope.session.add(row)
    scope.subject(None, f"{table.__name__}:{row.id}")
    return row
