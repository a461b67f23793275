"""Operations of M06 proxy handling: apply, review, handle once, cancel. Called by schema.py."""

from __future__ import annotations

from sqlmodel import Session, select

from core.accounts import Person
from core.concurrency import consume_once
from core.context import Context, WriteScope
from core.db import stamp
from core.errors import Code, NotFound, RuleError
from core.identity import parse_identity
from core.ids import lookup_id
from core.registries import applications
from core.registries.applications import Application, AppStatus
from core.registries.licences import DrivingLicence
from core.registries.persons import person_by_identity
from core.registries.vehicles import Vehicle
from core.validation import name_key, require_person_name, require_text

from . import rules
from .errors import ElderProxyErrorCode
from .models import ElderProxyAuthorisation
from .rules import MEASURE


def _same_name(a: str, b: str) -> bool:
    return name_key(a) == name_key(b)


def _target_city(
    session: Session,
    biz: rules.Business,
    elder_id: str,
    vehicle_id: str | None,
    licence_id: str | None,
) -> str:
    """The city of the elder's vehicle or licence (NOT_FOUND when it is not the elder's)."""
    if biz.subject is rules.Subject.VEHICLE:
        vehicle = session.get(Vehicle, str(vehicle_id))
        if vehicle is None or vehicle.owner_person_id != elder_id:
            raise NotFound("Vehicle", "vehicleId")
        return vehicle.registration_city
    licence = session.get(DrivingLicence, str(licence_id))
    if licence is None or licence.person_id != elder_id:
        raise NotFound("Licence", "licenceId")
    return licence.issuing_city


def _refuse_duplicate(
    session: Session,
    relative_id: str,
    elder_id: str,
    code: str,
    vehicle_id: str | None,
    licence_id: str | None,
) -> None:
    """One open application per relative, elder, business and file (no double handling)."""
    open_states = (
        AppStatus.SUBMITTED.value,
        AppStatus.UNDER_REVIEW.value,
        AppStatus.APPROVED.value,
    )
    found = session.exec(
        select(ElderProxyAuthorisation.id)
        .join(Application, Application.id == ElderProxyAuthorisation.id)
        .where(
            ElderProxyAuthorisation.relative_person_id == relative_id,
            ElderProxyAuthorisation.elder_person_id == elder_id,
            ElderProxyAuthorisation.business == code,
            ElderProxyAuthorisation.vehicle_id == vehicle_id,
            ElderProxyAuthorisation.licence_id == licence_id,
            ElderProxyAuthorisation.used_at.is_(None),  # type: ignore[union-attr]
            ElderProxyAuthorisation.cancelled_at.is_(None),  # type: ignore[union-attr]
            Application.status.in_(open_states),  # type: ignore[attr-defined]
        )
    ).first()
    if found is not None:
        raise RuleError(
            Code.ALREADY_EXISTS,
            f"An open application {found} already covers this business.",
            field="business",
            rule=rules.RULE_SINGLE,
        )


def apply(
    ctx: Context,
    scope: WriteScope,
    *,
    elder: tuple[str, str, str],
    liveness_check_ref: str,
    id_document_sha256: str,
    business_code: str,
    vehicle_id: str | None,
    licence_id: str | None,
) -> ElderProxyAuthorisation:
    """A relative applies, from their own account, to handle one business for an elder (六-一)."""
    relative_id = ctx.require_person()
    session = scope.session
    id_type, id_number, name = elder
    doc = parse_identity(id_type, id_number, field="elderIdNumber")
    rules.require_accepted_document(doc.doc_type)
    elder_name = require_person_name("elderName", name, 64)
    ref = rules.liveness_ref(liveness_check_ref)
    digest = rules.document_hash(id_document_sha256)
    biz = rules.business(business_code)
    rules.require_one_target(biz, vehicle_id, licence_id)
    person = person_by_identity(session, doc)
    if person is None or not _same_name(person.name, elder_name):
        raise NotFound("Elder", "elderIdNumber")
    if person.id == relative_id:
        raise RuleError(
            ElderProxyErrorCode.SELF,
            "You are the elder: handle the business yourself, no proxy is needed.",
            field="elderIdNumber",
        )
    city = _target_city(session, biz, person.id, vehicle_id, licence_id)
    ctx.require_in_force(MEASURE, city)
    _refuse_duplicate(session, relative_id, person.id, biz.code, vehicle_id, licence_id)
    today = ctx.today()
    birth = doc.birth_date or person.birth_date
    if birth is None:
        raise RuleError(Code.INVALID_INPUT, "No birth date is known.", field="elderIdNumber")
    age = rules.require_elderly(birth, today)
    now = ctx.now()
    app = applications.submit(
        session,
        now=now,
        measure=MEASURE,
        business=biz.code,
        city_code=city,
        actor_account_id=ctx.actor.account_id,
        applicant_person_id=relative_id,
        subject_person_id=person.id,
        vehicle_id=vehicle_id if biz.subject is rules.Subject.VEHICLE else None,
        licence_id=licence_id if biz.subject is rules.Subject.LICENCE else None,
        channel="ONLINE",
        data={"kind": "ELDER_PROXY", "liveness_check_ref": ref, "id_document_sha256": digest},
    )
    auth = ElderProxyAuthorisation(
        id=app.id,
        relative_person_id=relative_id,
        elder_person_id=person.id,
        business=biz.code,
        vehicle_id=app.vehicle_id,
        licence_id=app.licence_id,
        city_code=city,
        elder_id_type=doc.doc_type.value,
        liveness_check_ref=ref,
        id_document_sha256=digest,
        applied_on=today,
        elder_age_on_application=age,
        created_at=stamp(now),
    )
    session.add(auth)
    session.flush()
    scope.subject(person.id, f"Application:{app.id}", business=biz.code, age=age)
    relative = session.get(Person, relative_id)
    ctx.notify(
        session,
        person.id,
        f"{MEASURE}.applied",
        {"relative": relative.name if relative else "", "business": biz.label_zh,
         "application": app.id},
        measure=MEASURE,
    )  # fmt: skip
    return auth


def load(session: Session, auth_id: str) -> tuple[ElderProxyAuthorisation, Application]:
    auth = session.get(ElderProxyAuthorisation, lookup_id(auth_id))
    app = session.get(Application, auth.id) if auth else None
    if auth is None or app is None:
        raise NotFound("Proxy application", "applicationId")
    return auth, app


def review(
    ctx: Context, scope: WriteScope, *, auth_id: str, approve: bool, note: str | None
) -> tuple[ElderProxyAuthorisation, Application]:
    """A clerk of the elder's file's city reviews the application (审核, 六-一-1)."""
    auth, app = load(scope.session, auth_id)
    ctx.require_in_force(MEASURE, auth.city_code)
    ctx.require_jurisdiction(auth.city_code, rule=rules.RULE_REVIEW, field="applicationId")
    scope.subject(auth.elder_person_id, f"Application:{app.id}")
    if ctx.actor.person_id in (auth.relative_person_id, auth.elder_person_id):
        raise RuleError(
            Code.FORBIDDEN,
            "You cannot review an application you are party to.",
            field="applicationId",
            rule=rules.RULE_REVIEW,
        )
    text = require_text("note", note, 500, multiline=True) if (note or not approve) else None
    if app.status != AppStatus.SUBMITTED.value:
        raise RuleError(
            Code.INVALID_TRANSITION,
            f"This application is {app.status}, not waiting for review.",
            field="applicationId",
            rule=rules.RULE_REVIEW,
        )
    now = ctx.now()
    actor = ctx.actor.account_id
    applications.transition(
        scope.session, app, AppStatus.UNDER_REVIEW, now=now, actor_account_id=actor
    )
    decision = AppStatus.APPROVED if approve else AppStatus.REJECTED
    applications.transition(  # its declared notice goes to the relative and the elder
        scope.session,
        app,
        decision,
        now=now,
        actor_account_id=actor,
        note=text,
        ctx=ctx,
        params={"business": rules.business(auth.business).label_zh},
    )
    scope.subject(decision=decision.value)
    return auth, app


def _own(
    ctx: Context, auth_id: str, session: Session
) -> tuple[ElderProxyAuthorisation, Application]:
    """The caller's own authorisation as the relative; NOT_FOUND for anybody else."""
    relative_id = ctx.require_person()
    auth, app = load(session, auth_id)
    if auth.relative_person_id != relative_id:
        raise NotFound("Proxy application", "applicationId")
    return auth, app


def _require_file_unchanged(session: Session, auth: ElderProxyAuthorisation) -> None:
    """The elder still owns the vehicle / holds the licence, in the city that reviewed it."""
    if auth.vehicle_id:
        vehicle = session.get(Vehicle, auth.vehicle_id)
        same = (
            vehicle is not None
            and vehicle.owner_person_id == auth.elder_person_id
            and vehicle.registration_city == auth.city_code
        )
    else:
        licence = session.get(DrivingLicence, str(auth.licence_id))
        same = (
            licence is not None
            and licence.person_id == auth.elder_person_id
            and licence.issuing_city == auth.city_code
        )
    if not same:
        raise RuleError(
            ElderProxyErrorCode.FILE_CHANGED,
            "The elder's vehicle or licence changed hands or city since the review; apply again.",
            field="applicationId",
        )


def handle(
    ctx: Context,
    scope: WriteScope,
    *,
    auth_id: str,
    business_code: str,
    vehicle_id: str | None,
    licence_id: str | None,
) -> tuple[ElderProxyAuthorisation, Application, Application]:
    """The relative handles the one approved business; consumed once (一次代办仅限单笔业务)."""
    session = scope.session
    auth, app = _own(ctx, auth_id, session)
    ctx.require_in_force(MEASURE, auth.city_code)
    scope.subject(auth.elder_person_id, f"Application:{app.id}")
    if auth.used_at is not None:
        raise RuleError(
            ElderProxyErrorCode.ALREADY_USED,
            "This proxy authorisation has already been used for its one business.",
            field="applicationId",
            rule=rules.RULE_SINGLE,
        )
    if auth.cancelled_at is not None or app.status == AppStatus.CANCELLED.value:
        raise RuleError(
            ElderProxyErrorCode.CANCELLED,
            "This proxy application was cancelled.",
            field="applicationId",
        )
    if app.status != AppStatus.APPROVED.value:
        raise RuleError(
            ElderProxyErrorCode.NOT_APPROVED,
            f"This proxy application is {app.status}; it must be reviewed and approved first.",
            field="applicationId",
        )
    biz = rules.business(business_code)
    if (
        biz.code != auth.business
        or (vehicle_id or None) != auth.vehicle_id
        or (licence_id or None) != auth.licence_id
    ):
        raise RuleError(
            ElderProxyErrorCode.BUSINESS_MISMATCH,
            f"This authorisation covers only {auth.business} on the file it names.",
            field="business" if biz.code != auth.business else "vehicleId",
        )
    _require_file_unchanged(session, auth)
    now = ctx.now()
    if not consume_once(
        session, ElderProxyAuthorisation, auth.id, "used_at", stamp(now), cancelled_at=None
    ):
        raise RuleError(
            ElderProxyErrorCode.ALREADY_USED,
            "This proxy authorisation was used or cancelled meanwhile.",
            field="applicationId",
            rule=rules.RULE_SINGLE,
        )
    session.refresh(auth)
    handled = applications.submit(
        session,
        now=now,
        measure=MEASURE,
        business=biz.code,
        city_code=auth.city_code,
        actor_account_id=ctx.actor.account_id,
        applicant_person_id=auth.relative_person_id,
        subject_person_id=auth.elder_person_id,
        vehicle_id=auth.vehicle_id,
        licence_id=auth.licence_id,
        channel="PROXY",
        data={"kind": "ELDER_PROXY_BUSINESS", "authorisation": auth.id},
    )
    auth.handled_application_id = handled.id
    session.add(auth)
    applications.transition(
        session, app, AppStatus.COMPLETED, now=now, actor_account_id=ctx.actor.account_id
    )
    ctx.notify(
        session,
        auth.elder_person_id,
        f"{MEASURE}.handled",
        {"application": handled.id, "business": biz.label_zh},
        measure=MEASURE,
    )
    scope.subject(handled=handled.id)
    return auth, app, handled


def cancel(
    ctx: Context, scope: WriteScope, *, auth_id: str, by_elder: bool = False
) -> tuple[ElderProxyAuthorisation, Application]:
    """The relative cancels an application that has not been used, or the elder revokes the
    mandate (`by_elder`; the relative is told); race-safe against handling."""
    session = scope.session
    if by_elder:
        auth, app = load(session, auth_id)
        if auth.elder_person_id != ctx.require_person():
            raise NotFound("Proxy application", "applicationId")
    else:
        auth, app = _own(ctx, auth_id, session)
    ctx.require_in_force(MEASURE, auth.city_code)
    scope.subject(auth.elder_person_id, f"Application:{app.id}")
    if not consume_once(
        session, ElderProxyAuthorisation, auth.id, "cancelled_at", stamp(ctx.now()), used_at=None
    ):
        raise RuleError(
            ElderProxyErrorCode.ALREADY_USED if auth.used_at else ElderProxyErrorCode.CANCELLED,
            "This proxy application was already used or cancelled.",
            field="applicationId",
            rule=rules.RULE_SINGLE,
        )
    session.refresh(auth)
    applications.transition(
        session, app, AppStatus.CANCELLED, now=ctx.now(), actor_account_id=ctx.actor.account_id
    )
    if by_elder:
        ctx.notify(
            session, auth.relative_person_id, f"{MEASURE}.revoked",
            {"business": rules.business(auth.business).label_zh, "application": app.id},
            measure=MEASURE,
        )  # fmt: skip
    return auth, app
