"""Operations of M17: register, plan, record results, restore, and tell affected applicants."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, select

from core.context import Context
from core.db import stamp
from core.errors import Code, NotFound, RuleError
from core.records import get_or_not_found
from core.registries.licences import (
    CancellationReason,
    DrivingLicence,
    LicenceStatus,
    parse_classes,
    set_status,
)
from core.validation import optional_text
from core.workflow import move

from . import rules
from .errors import ReapplicationExamErrorCode
from .models import Registration
from .rules import MEASURE
from .workflow import REGISTRATION

TEMPLATE = f"{MEASURE}.transition"
NEW_VALIDITY_YEARS = 6  # 公安部令第162号: 初次/重新取得驾驶证有效期为六年


def load_licence(ctx: Context, session: Session, licence_id: str) -> DrivingLicence:
    """The licence if the caller may act on it: its holder, or staff of its issuing city."""
    licence = get_or_not_found(session, DrivingLicence, licence_id, "Licence", "licenceId")
    if ctx.actor.is_staff:
        ctx.require_jurisdiction(licence.issuing_city, field="licenceId")
    elif ctx.actor.person_id != licence.person_id:
        raise NotFound("Licence", "licenceId")
    return licence


def load_registration(ctx: Context, session: Session, registration_id: str) -> Registration:
    row = get_or_not_found(session, Registration, registration_id, "Registration", "registrationId")
    if ctx.actor.is_staff:
        ctx.require_jurisdiction(row.city_code, field="registrationId")
    elif ctx.actor.person_id != row.person_id:
        raise NotFound("Registration", "registrationId")
    return row


def check_applicable(licence: DrivingLicence, requested: set[str], day: dt.date) -> None:
    """The licence is within the measure (五-一) and every requested class may be asked back."""
    original = set(licence.class_list())
    if licence.status != LicenceStatus.CANCELLED.value:
        raise RuleError(
            ReapplicationExamErrorCode.NOT_CANCELLED,
            f"The licence is {LicenceStatus(licence.status).label_zh}, not 注销.",
            field="licenceId",
            rule=rules.RULE_SCOPE,
        )
    if licence.cancellation_reason is None:
        raise RuleError(
            ReapplicationExamErrorCode.REASON_NOT_ON_FILE,
            "Why the licence was cancelled is not on file; the office records it from the archive "
            "first (reapplicationExamCancellationReasonRecord).",
            field="licenceId",
        )
    if licence.cancellation_reason != CancellationReason.OVERDUE_RENEWAL.value:
        reason = CancellationReason(licence.cancellation_reason)
        raise RuleError(
            ReapplicationExamErrorCode.CANCELLED_FOR_OTHER_REASON,
            f"Cancelled for {reason.value} ({reason.label_zh}), not for 逾期未换证.",
            field="licenceId",
        )
    if not rules.overdue_three_years(licence.valid_until, day):
        limit = rules.add_years(licence.valid_until, rules.OVERDUE_YEARS)
        raise RuleError(
            ReapplicationExamErrorCode.NOT_OVERDUE_THREE_YEARS,
            f"Valid until {licence.valid_until}: overdue three years only after {limit}.",
            field="licenceId",
            date=day,
        )
    if not rules.covers_small_car(original):
        raise RuleError(
            ReapplicationExamErrorCode.NO_SMALL_CAR_CLASS,
            "The cancelled licence has no small-car (C) class.",
            field="licenceId",
        )
    bad = rules.restorable(original, requested)
    if bad is not None:
        raise RuleError(
            ReapplicationExamErrorCode.CLASS_NOT_RESTORABLE,
            f"{bad} was not a class of the cancelled licence.",
            field="classes",
        )


def record_cancellation_reason(
    ctx: Context, session: Session, licence_id: str, reason: CancellationReason
) -> DrivingLicence:
    """A clerk of the licence's city records, from the archive, why a 注销 licence was cancelled
    when the registry has no reason on file (licences cancelled before it kept reasons). A reason
    on file is never rewritten here (REAPPLY_CANCELLATION_REASON_ON_FILE)."""
    licence = load_licence(ctx, session, licence_id)
    ctx.require_in_force(MEASURE, licence.issuing_city, field="licenceId")
    if licence.status != LicenceStatus.CANCELLED.value:
        raise RuleError(
            ReapplicationExamErrorCode.NOT_CANCELLED,
            f"The licence is {LicenceStatus(licence.status).label_zh}, not 注销.",
            field="licenceId",
        )
    if licence.cancellation_reason is not None:
        raise RuleError(
            ReapplicationExamErrorCode.REASON_ON_FILE,
            "The cancellation reason is already on file.",
            field="licenceId",
        )
    licence.cancellation_reason = reason.value
    licence.updated_at = stamp(ctx.now())
    session.add(licence)
    return licence


def plan_of(row: Registration, day: dt.date) -> rules.Plan:
    return rules.plan(
        set(row.original_classes.split()),
        set(row.requested_classes.split()),
        row.registered_on,
        set(row.passed),
        day,
    )


def register(ctx: Context, session: Session, licence_id: str, classes: str) -> Registration:
    """Register for the re-application exams of a licence (citizen: own; clerk: own city)."""
    requested = parse_classes(classes, "classes")
    licence = load_licence(ctx, session, licence_id)
    ctx.require_in_force(MEASURE, licence.issuing_city, field="licenceId")
    today = ctx.today()
    check_applicable(licence, set(requested), today)
    open_row = session.exec(
        select(Registration).where(
            Registration.licence_id == licence.id, Registration.status == "OPEN"
        )
    ).first()
    if open_row is not None:
        raise RuleError(
            ReapplicationExamErrorCode.REGISTERED,
            "An open registration exists for this licence.",
            field="licenceId",
        )
    row = Registration(
        person_id=licence.person_id,
        licence_id=licence.id,
        city_code=licence.issuing_city,
        original_classes=licence.classes,
        requested_classes=" ".join(requested),
        registered_on=today,
        created_at=stamp(ctx.now()),
        updated_at=stamp(ctx.now()),
    )
    session.add(row)
    session.flush()
    return row


def record_result(
    ctx: Context, session: Session, row: Registration, subject: rules.Subject, passed: bool
) -> rules.Plan:
    """A clerk records one exam result; when nothing remains, the licence is restored."""
    if subject not in rules.ALL_SUBJECTS:
        raise RuleError(Code.INVALID_INPUT, "Unknown subject.", field="subject")
    ctx.require_in_force(MEASURE, row.city_code, field="registrationId")
    if row.status != "OPEN":
        raise RuleError(
            ReapplicationExamErrorCode.NOT_OPEN,
            "The registration is closed.",
            field="registrationId",
        )
    today = ctx.today()
    current = plan_of(row, today)
    if subject not in current.required:
        raise RuleError(
            ReapplicationExamErrorCode.SUBJECT_NOT_REQUIRED,
            f"{subject} is not required: {current.explanation}.",
            field="subject",
            rule=current.rules[0],
        )
    if subject in row.passed:
        raise RuleError(
            ReapplicationExamErrorCode.ALREADY_PASSED,
            f"{subject} is already passed.",
            field="subject",
        )
    if passed:
        row.passed = [*row.passed, subject]
    elif subject not in row.failed:
        row.failed = [*row.failed, subject]
    row.updated_at = stamp(ctx.now())
    after = plan_of(row, today)
    if not after.remaining:
        restore(ctx, session, row, after, today)
    session.add(row)
    return after


def restore(
    ctx: Context, session: Session, row: Registration, plan: rules.Plan, day: dt.date
) -> None:
    """Restore the requested classes (C6 with C1/C2 in case 4), valid six years from today."""
    licence = session.get(DrivingLicence, row.licence_id)
    assert licence is not None
    licence.classes = " ".join(plan.restores)
    set_status(licence, LicenceStatus.NORMAL, at=ctx.now())
    licence.valid_from = day
    licence.valid_until = rules.add_years(day, NEW_VALIDITY_YEARS)
    licence.remarks = [
        *licence.remarks,
        f"{day} 注销恢复考试合格，恢复准驾车型 {licence.classes} ({plan.rules[0][:40]})",
    ]
    licence.updated_at = stamp(ctx.now())
    session.add(licence)
    session.add(row)
    move(
        ctx, session, REGISTRATION, row, "restore", field_name="registrationId",
        params={"classes": licence.classes, "valid_until": licence.valid_until.isoformat()},
    )  # fmt: skip


def withdraw(ctx: Context, session: Session, row: Registration, reason: str | None) -> None:
    """The applicant withdraws an open registration (own, in force in its city); told by the
    workflow's `withdrawn` notice. REAPPLY_REGISTRATION_NOT_OPEN once it is closed."""
    ctx.require_in_force(MEASURE, row.city_code, field="registrationId")
    _require_open(row)
    note = optional_text("reason", reason, 500, multiline=True)
    move(
        ctx, session, REGISTRATION, row, "withdraw", field_name="registrationId",
        values={"closed_note": note, "updated_at": stamp(ctx.now())},
    )  # fmt: skip


def close(ctx: Context, session: Session, row: Registration, reason: str) -> None:
    """A clerk of the registration's city closes an open registration with the reason (e.g.
    registered in error, the licence restored by another route); the applicant is told why."""
    ctx.require_in_force(MEASURE, row.city_code, field="registrationId")
    _require_open(row)
    note = optional_text("reason", reason, 500, multiline=True)
    if note is None:
        raise RuleError(
            ReapplicationExamErrorCode.REASON_REQUIRED,
            "Say why the registration is closed.",
            field="reason",
        )
    move(
        ctx, session, REGISTRATION, row, "close", field_name="registrationId",
        values={"closed_note": note, "updated_at": stamp(ctx.now())},
    )  # fmt: skip


def _require_open(row: Registration) -> None:
    if row.status != rules.RegistrationStatus.OPEN.value:
        raise RuleError(
            ReapplicationExamErrorCode.NOT_OPEN,
            f"The registration is {row.status}.",
            field="registrationId",
        )


def pending_notices(session: Session, city_code: str | None = None) -> list[Registration]:
    """Open registrations made before 2024-07-01 that have not been told of the change yet."""
    query = select(Registration).where(
        Registration.status == "OPEN",
        Registration.registered_on < rules.EFFECTIVE,
        Registration.transition_notified_at.is_(None),  # type: ignore[union-attr]
    )
    if city_code is not None:
        query = query.where(Registration.city_code == city_code)
    return list(session.exec(query.order_by(Registration.registered_on, Registration.id)).all())


def notice_params(row: Registration, day: dt.date) -> dict:
    """What the notice tells: the effective date, the subjects left under the new rules, why."""
    after = plan_of(row, max(day, rules.EFFECTIVE))
    return {
        "effective": rules.EFFECTIVE.isoformat(),
        "remaining": list(after.remaining),
        "subject2_booked": row.subject2_booked_on.isoformat() if row.subject2_booked_on else None,
        "rule": after.rules[-1],
    }


def notify_transition(ctx: Context, session: Session, city_code: str) -> int:
    """Tell every open registration of `city_code` made before 2024-07-01 what changes (五-三)."""
    rows = pending_notices(session, city_code)
    for row in rows:
        ctx.notify(
            session, row.person_id, TEMPLATE, notice_params(row, ctx.today()), measure=MEASURE
        )
        row.transition_notified_at = stamp(ctx.now())
        session.add(row)
    return len(rows)
