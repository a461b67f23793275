"""Operations of M03: load, check the rules, write. Called by schema.py resolvers."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, select

from core.context import Context
from core.db import stamp
from core.divisions import city as lookup_city
from core.errors import Code, NotFound, RuleError
from core.identity import DocumentType, parse_identity
from core.records import get_or_not_found
from core.registries.licences import LICENCE_CLASSES, DrivingLicence, LicenceStatus
from core.registries.persons import person_by_identity
from core.validation import optional_text

from . import rules
from .errors import DrivingExamErrorCode
from .models import ExamBooking, ExamPermit, ExamTransfer
from .rules import MEASURE

HELD_STATUSES = {
    LicenceStatus.NORMAL.value,
    LicenceStatus.SEIZED.value,
    LicenceStatus.OVERDUE_REVIEW.value,
}


def parse_class(value: str, field: str = "licenceClass") -> str:
    """One licence class code (C1, B2...), or INVALID_INPUT."""
    code = (value or "").strip().upper()
    if code not in LICENCE_CLASSES:
        raise RuleError(Code.INVALID_INPUT, "Unknown licence class.", field=field)
    return code


def check_date(field: str, day: dt.date, low: dt.date = dt.date(1990, 1, 1)) -> dt.date:
    """Dates outside 1990..2100 are typos, not rules: refuse them as input."""
    if not low <= day <= dt.date(2100, 12, 31):
        raise RuleError(Code.INVALID_DATE, f"`{field}` is out of range.", field=field)
    return day


def other_interval(ctx: Context, city_code: str) -> int:
    """The configured interval for classes the seed leaves unchanged: days, 1..365 (declared)."""
    return ctx.setting(MEASURE, "other_class_interval_days", city_code)


def load_permit_for(ctx: Context, session: Session, permit_id: str, write: bool) -> ExamPermit:
    """The permit if the caller may act on it: its holder, or staff of its exam or origin city.
    Others get NOT_FOUND (no probing). Staff reads are audited by the caller."""
    permit = get_or_not_found(session, ExamPermit, permit_id, "Exam permit", "permitId")
    if ctx.actor.person_id == permit.person_id and not ctx.actor.is_staff:
        return permit
    if ctx.actor.is_staff and not write:
        if ctx.in_jurisdiction(permit.exam_city) or ctx.in_jurisdiction(permit.origin_city):
            return permit
        ctx.require_jurisdiction(permit.exam_city, field="permitId")
    raise NotFound("Exam permit", "permitId")


def issue_permit(
    ctx: Context,
    session: Session,
    id_type: DocumentType,
    id_number: str,
    licence_class: str,
    issued_on: dt.date,
    driving_school: str | None,
) -> ExamPermit:
    """A clerk records a learner permit in their own city."""
    identity = parse_identity(id_type, id_number)
    cls = parse_class(licence_class)
    check_date("issuedOn", issued_on)
    if issued_on > ctx.today():
        raise RuleError(Code.INVALID_DATE, "`issuedOn` is in the future.", field="issuedOn")
    school = optional_text("drivingSchool", driving_school, 40)
    city_code = ctx.actor.city_code
    if not city_code:
        raise RuleError(Code.FORBIDDEN, "Only a clerk bound to a city records permits.")
    ctx.require_in_force(MEASURE, city_code)
    person = person_by_identity(session, identity)
    if person is None:
        raise NotFound("Person", "idNumber")
    licences = session.exec(
        select(DrivingLicence).where(
            DrivingLicence.person_id == person.id, DrivingLicence.status.in_(HELD_STATUSES)
        )
    ).all()
    held = {c for lic in licences for c in lic.class_list()}
    if cls in held:
        raise RuleError(
            DrivingExamErrorCode.CLASS_ALREADY_HELD,
            f"The applicant already holds {cls}.",
            field="licenceClass",
        )
    kind = rules.ADD if licences else rules.FIRST
    if kind == rules.FIRST and cls in rules.ADD_ONLY_CLASSES:
        raise RuleError(
            DrivingExamErrorCode.FIRST_APPLICATION_CLASS,
            f"{cls} can only be added to a licence (增驾), not applied for first.",
            field="licenceClass",
        )
    duplicate = session.exec(
        select(ExamPermit).where(
            ExamPermit.person_id == person.id,
            ExamPermit.licence_class == cls,
            ExamPermit.status == "ACTIVE",
        )
    ).first()
    if duplicate is not None and rules.permit_valid_until(duplicate.issued_on) >= ctx.today():
        raise RuleError(
            Code.ALREADY_EXISTS,
            "An active learner permit for this class exists.",
            field="licenceClass",
        )
    permit = ExamPermit(
        person_id=person.id,
        licence_class=cls,
        kind=kind,
        issued_on=issued_on,
        origin_city=city_code,
        exam_city=city_code,
        driving_school=school,
        created_by=ctx.actor.account_id,
        created_at=stamp(ctx.now()),
    )
    session.add(permit)
    session.flush()
    return permit


def _require_permit_valid(permit: ExamPermit, day: dt.date, field: str) -> None:
    if permit.status != "ACTIVE":
        raise RuleError(
            DrivingExamErrorCode.PERMIT_NOT_ACTIVE,
            "The learner permit is closed.",
            field="permitId",
        )
    last = rules.permit_valid_until(permit.issued_on)
    if day > last:
        raise RuleError(
            DrivingExamErrorCode.PERMIT_EXPIRED,
            f"The learner permit of {permit.issued_on} was valid until {last}.",
            field=field,
        )


def book(
    ctx: Context, session: Session, permit: ExamPermit, subject: int, exam_date: dt.date
) -> ExamBooking:
    """Book Subject 2 or 3 for the permit's exam city; Subject 3 only after the interval."""
    if subject not in (2, 3):
        raise RuleError(Code.INVALID_INPUT, "`subject` must be 2 or 3.", field="subject")
    check_date("examDate", exam_date)
    ctx.require_in_force(MEASURE, permit.exam_city)
    today = ctx.today()
    if exam_date < today:
        raise RuleError(
            DrivingExamErrorCode.EXAM_DATE_IN_PAST,
            "The exam date is in the past.",
            field="examDate",
        )
    _require_permit_valid(permit, today, "permitId")
    _require_permit_valid(permit, exam_date, "examDate")
    if subject == 3:
        decision = rules.may_book_subject3(
            permit.licence_class,
            permit.kind,
            permit.issued_on,
            today,
            other_interval(ctx, permit.exam_city),
        )
        if not decision.value:
            raise RuleError(
                DrivingExamErrorCode.BOOKING_TOO_EARLY,
                f"Subject 3 cannot be booked yet: {decision.explanation}.",
                field="subject",
                rule=decision.rule,
                date=today,
            )
        rule, text = decision.rule, decision.explanation
    else:
        if permit.licence_class in rules.SUBJECT2_CLASSES:
            items = rules.subject2_items(permit.licence_class, exam_date)
            rule, text = items.rule, f"{items.explanation}: {'、'.join(items.value)}"  # type: ignore[arg-type]
        else:
            rule, text = "M03 2021-三", f"Subject 2 for {permit.licence_class} on {exam_date}"
    booking = ExamBooking(
        permit_id=permit.id,
        subject=subject,
        exam_city=permit.exam_city,
        exam_date=exam_date,
        booked_on=today,
        rule=rule[:200],
        explanation=text[:400],
        created_at=stamp(ctx.now()),
    )
    session.add(booking)
    session.flush()
    return booking


def change_location(
    ctx: Context, session: Session, permit: ExamPermit, to_city: str
) -> ExamTransfer:
    """Move a small-car split exam to another city, at most 3 times from 2021-06-01 (三-三)."""
    target = lookup_city(to_city, "toCity")
    ctx.require_in_force(MEASURE, target.code, field="toCity")
    today = ctx.today()
    _require_permit_valid(permit, today, "permitId")
    if permit.licence_class not in rules.SPLIT_EXAM_CLASSES:
        raise RuleError(
            DrivingExamErrorCode.SPLIT_EXAM_NOT_ALLOWED,
            f"Split exams across cities are for small cars (C1/C2/C5), not {permit.licence_class}.",
            field="permitId",
        )
    if target.code == permit.exam_city:
        raise RuleError(
            DrivingExamErrorCode.SAME_LOCATION, "That is already the exam city.", field="toCity"
        )
    limit = rules.max_location_changes(today)
    if permit.location_changes >= int(limit.value):  # type: ignore[call-overload]
        raise RuleError(
            DrivingExamErrorCode.LOCATION_CHANGES_EXHAUSTED,
            f"{permit.location_changes} changes made; {limit.explanation}.",
            field="toCity",
            rule=limit.rule,
            date=today,
        )
    transfer = ExamTransfer(
        permit_id=permit.id,
        from_city=permit.exam_city,
        to_city=target.code,
        driving_school=permit.driving_school,
        on_day=today,
        sequence=permit.location_changes + 1,
        created_at=stamp(ctx.now()),
    )
    permit.exam_city = target.code
    permit.location_changes += 1
    session.add(permit)
    session.add(transfer)
    session.flush()
    return transfer
