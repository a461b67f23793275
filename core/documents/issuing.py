"""Issuing and presenting an electronic credential (e-driving licence, e-vehicle licence,
e-deregistration certificate): the steps the credential measures share.

- `Issuer`: a measure's way of issuing: `submit` (refused while the subject holds a live
  credential or has an open application), `review` (on approval: check, approve, issue,
  complete).
- `submit_once`: an application refused while another one for the same subject is open.
- `windows` / `sign_presentation`: the short-window signed QR payloads the holder's app shows.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, select

from core.context import Context, WriteScope
from core.documents import credentials as cred
from core.documents.keys import KeyRing
from core.documents.signing import sign_document
from core.errors import Code, NotFound, RuleError
from core.registries import applications as apps
from core.registries.moves import move_by_caller

OPEN_STATUSES = (apps.AppStatus.SUBMITTED.value, apps.AppStatus.UNDER_REVIEW.value)


def submit_once(
    ctx: Context,
    scope: WriteScope,
    *,
    measure: str,
    business: str,
    link: str,
    subject_id: str,
    holder_person_id: str | None,
    city_code: str,
    field: str,
    pending: tuple[str, str],
    data: dict[str, Any],
    pending_rule: str | None = None,
    **links: Any,
) -> apps.Application:
    """Submit the holder's application of `measure` / `business` in `city_code` for one subject:
    `link` is the Application column naming it ("licence_id", "vehicle_id"), set to `subject_id`
    (`links`: further columns, e.g. office_id). Refused with `pending` = (code, message) on
    `field`, naming `pending_rule` (the seed clause), while an application of the measure for the
    subject is submitted or under review. Audited as `Application:<id>` of the holder."""
    session = scope.session
    open_one = session.exec(
        select(apps.Application).where(
            apps.Application.measure == measure,
            getattr(apps.Application, link) == subject_id,
            apps.Application.status.in_(OPEN_STATUSES),  # type: ignore[attr-defined]
        )
    ).first()
    if open_one is not None:
        raise RuleError(pending[0], pending[1], field=field, rule=pending_rule)
    app = apps.submit(
        session,
        now=ctx.now(),
        measure=measure,
        business=business,
        city_code=city_code,
        actor_account_id=ctx.actor.account_id,
        applicant_person_id=holder_person_id,
        subject_person_id=holder_person_id,
        data=data,
        **{link: subject_id},
        **links,
    )
    scope.subject(holder_person_id, f"Application:{app.id}")
    return app


@dataclass(frozen=True)
class Issuer:
    """How a measure issues its credential on an application.

    `subject` is the registry table the credential stands for (a licence, a vehicle), `link` the
    Application column naming it ("licence_id", "vehicle_id"), `holder` the subject's column of
    the holder's person id and `what` its name in NOT_FOUND; `kind` the credential kind ("DL",
    "VL"), `business` the application's; the measure's error codes: `note_required` (a
    rejection without a note), `already_issued`, `pending` (an application is open); and the
    clause a review names (`review_rule`), if any."""

    measure: str
    kind: str
    business: str
    subject: type[Any]
    link: str
    holder: str
    what: str
    note_required: str
    already_issued: str
    pending: str
    review_rule: str | None = None

    def refuse_if_issued(self, session: Session, subject_id: str, message: str, field: str) -> None:
        """Raises RuleError(already_issued, `message`) when the subject already holds a live
        (unrevoked) credential of this kind."""
        if cred.active_for_subject(session, self.kind, subject_id) is not None:
            raise RuleError(self.already_issued, message, field=field)

    def submit(
        self,
        ctx: Context,
        scope: WriteScope,
        subject: Any,
        city_code: str,
        *,
        field: str,
        messages: tuple[str, str],
        data: dict[str, Any],
        **links: Any,
    ) -> apps.Application:
        """The holder of `subject` (a row of the subject table) applies for its credential:
        refused on `field`, with `messages` = (already issued, application open), while the
        subject holds a live one or an application is open; see `submit_once`."""
        self.refuse_if_issued(scope.session, subject.id, messages[0], field)
        return submit_once(
            ctx, scope, measure=self.measure, business=self.business, link=self.link,
            subject_id=subject.id, holder_person_id=getattr(subject, self.holder),
            city_code=city_code, field=field, pending=(self.pending, messages[1]), data=data,
            **links,
        )  # fmt: skip

    def review(
        self,
        ctx: Context,
        scope: WriteScope,
        application_id: str,
        approve: bool,
        note: str | None,
        *,
        check: Callable[[Any], None],
        issued_message: str,
    ) -> tuple[apps.Application, Any, cred.IssuedCredential | None]:
        """A reviewer's decision (`apps.start_review`: load, gate, note, reject). On approval:
        the subject is loaded (NotFound(`what`, "applicationId")), `check(subject)` applies the
        measure's rules, the issue is refused with `issued_message` while the subject holds a
        live credential; else the application moves to APPROVED (with the note), the credential
        is issued to the holder, the application moves to COMPLETED. Returns the application,
        the subject and the credential (None for a rejection)."""
        session = scope.session
        app, text = apps.start_review(
            ctx, scope, application_id, self.measure, approve, note, self.note_required,
            self.review_rule,
        )  # fmt: skip
        if not approve:  # rejected by the review step: the workflow's `rejected` notice is sent
            return app, None, None
        subject = session.get(self.subject, getattr(app, self.link))
        if subject is None:
            raise NotFound(self.what, "applicationId")
        check(subject)
        self.refuse_if_issued(session, subject.id, issued_message, "applicationId")
        move_by_caller(ctx, session, app, apps.AppStatus.APPROVED, note=text)
        holder = getattr(subject, self.holder)
        credential = cred.issue(session, ctx.now(), self.kind, subject.id, holder)
        move_by_caller(ctx, session, app, apps.AppStatus.COMPLETED)
        return app, subject, credential


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
