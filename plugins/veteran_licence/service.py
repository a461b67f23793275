"""Operations of M07: exchange with the registry check, the suspicious queue, record remarks."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from sqlmodel import Session, select

from core.accounts import Person
from core.context import Context, WriteScope
from core.db import stamp
from core.errors import Code, NotFound, RuleError
from core.identifiers import parse_reference
from core.identity import DocumentType, age_on, parse_identity
from core.ids import new_id
from core.registries.applications import (
    Application,
    AppStatus,
    start_review,
    submit,
)
from core.registries.licences import DrivingLicence, LicenceStatus, parse_classes
from core.registries.moves import move_by_caller
from core.registries.persons import person_by_identity

from . import rules
from .adapters import ADAPTER, RegistryUnavailable
from .errors import VeteranLicenceErrorCode
from .models import DrivingRecordRemark, MilitaryLicenceRecord
from .rules import MEASURE

BUSINESS = "MILITARY_EXCHANGE"
LIVE = {
    LicenceStatus.NORMAL.value,
    LicenceStatus.SEIZED.value,
    LicenceStatus.OVERDUE_RENEWAL.value,
    LicenceStatus.OVERDUE_REVIEW.value,
    LicenceStatus.POINTS_EXCEEDED.value,
}
_NUMBER = re.compile(r"[A-Z]{2}[A-Z0-9]{2,18}")


@dataclass
class Outcome:
    """What an exchange did: issued a licence, or queued the business as suspicious."""

    application: Application
    licence: DrivingLicence | None = None
    first_issue: rules.FirstIssue | None = None
    reasons: list[str] = field(default_factory=list)


def parse_number(value: str, field_name: str = "militaryNumber") -> str:
    """A military / armed-police licence number as stored: a 2-letter prefix then 2-18 ASCII
    letters or digits, upper case (full-width forms and spaces folded). Raises INVALID_INPUT."""
    return parse_reference(
        value,
        field_name,
        _NUMBER,
        "Military licence numbers are 4-20 letters and digits starting with a 2-letter prefix",
        max_len=40,
    )


def check_date(field_name: str, day: dt.date) -> dt.date:
    if not dt.date(1950, 1, 1) <= day <= dt.date(2100, 12, 31):
        raise RuleError(Code.INVALID_DATE, f"`{field_name}` is out of range.", field=field_name)
    return day


def live_licence(session: Session, person_id: str) -> DrivingLicence | None:
    return session.exec(
        select(DrivingLicence).where(
            DrivingLicence.person_id == person_id, DrivingLicence.status.in_(LIVE)
        )
    ).first()


def _lookup(
    ctx: Context, session: Session, id_number: str, number: str
) -> tuple[MilitaryLicenceRecord | None, str | None]:
    try:
        return ctx.adapter(ADAPTER).lookup(session, id_number, number), None
    except RegistryUnavailable:
        return None, "REGISTRY_UNAVAILABLE"


def _issue(
    ctx: Context,
    session: Session,
    person: Person,
    classes: list[str],
    military_first: dt.date,
    additions: list[tuple[str, dt.date]],
    new_issued: dt.date | None,
    city_code: str,
    office_id: str | None,
) -> tuple[DrivingLicence, rules.FirstIssue]:
    """Issue the civil licence: first-issue date (七-四), six years (七-五), remark (七-三-1)."""
    today = ctx.today()
    if person.birth_date is not None:
        table = rules.min_age_table(today)
        for cls in classes:
            if age_on(person.birth_date, today) < table[cls]:
                raise RuleError(
                    VeteranLicenceErrorCode.UNDER_MIN_AGE,
                    f"Under the civil minimum age {table[cls]} for {cls} on {today} ({rules.regulation(today)}).",
                    field="classes",
                )
    added = {c for c, _ in additions}
    initial = [c for c in classes if c not in added] or classes
    first = rules.first_issue_date(military_first, today, person.birth_date, initial)
    start, end = rules.validity(today)
    licence = DrivingLicence(
        person_id=person.id,
        file_number=f"{city_code}V{new_id()[:12]}",
        classes=" ".join(classes),
        first_issue_date=first.day,
        valid_from=start,
        valid_until=end,
        status=LicenceStatus.NORMAL.value,
        issuing_city=city_code,
        issuing_office_id=office_id,
        remarks=[rules.remark(military_first, classes, additions, new_issued)],
        updated_at=stamp(ctx.now()),
    )
    session.add(licence)
    session.flush()
    return licence, first


def apply_exchange(
    ctx: Context,
    session: Session,
    id_type: DocumentType,
    id_number: str,
    military_number: str,
    classes: str,
    military_first: dt.date,
) -> Outcome:
    """A clerk exchanges a military licence: the registry check decides issue or suspicious queue."""
    identity = parse_identity(id_type, id_number)
    number = parse_number(military_number)
    claimed = parse_classes(classes, "classes")
    check_date("militaryFirstIssueDate", military_first)
    city_code = ctx.actor.city_code
    if not city_code:
        raise RuleError(Code.FORBIDDEN, "Only a clerk bound to a city exchanges licences.")
    ctx.require_in_force(MEASURE, city_code)
    today = ctx.today()
    if military_first > today:
        raise RuleError(
            Code.INVALID_DATE,
            "`militaryFirstIssueDate` is in the future.",
            field="militaryFirstIssueDate",
        )
    person = person_by_identity(session, identity)
    if person is None:
        raise NotFound("Person", "idNumber")
    if live_licence(session, person.id) is not None:
        raise RuleError(
            VeteranLicenceErrorCode.ALREADY_LICENSED,
            "The applicant already holds a civil licence.",
            field="idNumber",
        )
    record, problem = _lookup(ctx, session, identity.number, number)
    reasons = [problem] if problem else []
    if record is None and not problem:
        reasons.append("NOT_FOUND_IN_REGISTRY")
    if record is not None:
        if record.name != person.name:
            reasons.append("NAME_MISMATCH")
        if sorted(record.classes.split()) != sorted(claimed):
            reasons.append("CLASSES_MISMATCH")
        if record.first_issue_date != military_first:
            reasons.append("FIRST_DATE_MISMATCH")
        if record.exchanged_on is not None:
            reasons.append("ALREADY_EXCHANGED")
    app = submit(
        session,
        now=ctx.now(),
        measure=MEASURE,
        business=BUSINESS,
        city_code=city_code,
        actor_account_id=ctx.actor.account_id,
        applicant_person_id=person.id,
        subject_person_id=person.id,
        office_id=getattr(ctx.actor, "office_id", None),
        channel="WINDOW",
        data={
            "military_number": number,
            "classes": claimed,
            "military_first": military_first.isoformat(),
            "check": "FAILED" if reasons else "PASSED",
            "reasons": reasons,
        },
    )
    move_by_caller(ctx, session, app, AppStatus.UNDER_REVIEW, note="registry check")
    if reasons:
        return Outcome(app, reasons=reasons)
    assert record is not None
    additions = [(a["class"], dt.date.fromisoformat(a["date"])) for a in record.additions]
    licence, first = _issue(
        ctx,
        session,
        person,
        claimed,
        record.first_issue_date,
        additions,
        None,
        city_code,
        app.office_id,
    )
    record.exchanged_on = today
    session.add(record)
    _complete(ctx, session, app, licence, first)
    return Outcome(app, licence, first)


def _complete(
    ctx: Context,
    session: Session,
    app: Application,
    licence: DrivingLicence,
    first: rules.FirstIssue,
) -> None:
    app.licence_id = licence.id
    app.data = {
        **app.data,
        "licence_id": licence.id,
        "first_issue": first.day.isoformat(),
        "why": first.explanation,
    }
    move_by_caller(ctx, session, app, AppStatus.APPROVED, note=first.explanation[:500])
    move_by_caller(
        ctx, session, app, AppStatus.COMPLETED,
        notify=True, params={"first_issue": first.day.isoformat()},
    )  # fmt: skip


def _require_suspicious(app: Application) -> None:
    """Only a business waiting in the suspicious queue (check failed, under review) is resolved."""
    if app.status != AppStatus.UNDER_REVIEW.value or app.data.get("check") != "FAILED":
        raise RuleError(
            VeteranLicenceErrorCode.NOT_SUSPICIOUS,
            "The application is not waiting in the suspicious queue.",
            field="applicationId",
        )


def resolve(
    ctx: Context, scope: WriteScope, application_id: str, approve: bool, note: str
) -> Outcome:
    """A clerk or head closes a suspicious business after checking it by hand (七-一): the core
    review step loads and gates it (rollout and jurisdiction of its city) and rejects it; approval
    issues the licence. `note` is already validated (required either way)."""
    app, _ = start_review(
        ctx, scope, application_id, MEASURE, approve, note, Code.INVALID_INPUT,
        business=BUSINESS, precondition=_require_suspicious,
    )  # fmt: skip
    scope.subject(approve=approve)
    if not approve:
        return Outcome(app, reasons=list(app.data.get("reasons", [])))
    session = scope.session
    person = session.get(Person, app.subject_person_id)
    assert person is not None
    if live_licence(session, person.id) is not None:
        raise RuleError(
            VeteranLicenceErrorCode.ALREADY_LICENSED,
            "The applicant already holds a civil licence.",
            field="applicationId",
        )
    licence, first = _issue(
        ctx, session, person, list(app.data["classes"]),
        dt.date.fromisoformat(app.data["military_first"]), [], None, app.city_code, app.office_id,
    )  # fmt: skip
    app.data = {**app.data, "resolved_note": note}
    record, _ = _lookup(ctx, session, person.id_number, app.data["military_number"])
    if record is not None and record.exchanged_on is None:
        record.exchanged_on = ctx.today()  # the registry's record, if any, is now exchanged
        session.add(record)
    _complete(ctx, session, app, licence, first)
    return Outcome(app, licence, first)


def record_remark(ctx: Context, session: Session, military_number: str) -> DrivingRecordRemark:
    """Remark the military dates in the driving record of a holder exchanged by 2021-05-31 (七-三-2)."""
    number = parse_number(military_number)
    if not rules.prefix_listed(number):
        raise RuleError(
            VeteranLicenceErrorCode.PREFIX_NOT_LISTED,
            f"Prefix {number[:2]} is not a new-format military licence.",
            field="militaryNumber",
        )
    person_id = ctx.require_person()
    person = session.get(Person, person_id)
    assert person is not None
    licence = live_licence(session, person_id)
    if licence is None:
        raise RuleError(
            VeteranLicenceErrorCode.NO_CIVIL_LICENCE,
            "You hold no civil licence to remark.",
            field="militaryNumber",
        )
    ctx.require_in_force(MEASURE, licence.issuing_city, field="militaryNumber")
    record, problem = _lookup(ctx, session, person.id_number, number)
    if record is None:
        raise RuleError(
            VeteranLicenceErrorCode.NOT_VERIFIED,
            "The military registry did not confirm this licence"
            + (" (unavailable)." if problem else "."),
            field="militaryNumber",
        )
    if record.exchanged_on is None or record.exchanged_on > rules.REMARK_CUTOFF:
        raise RuleError(
            VeteranLicenceErrorCode.EXCHANGED_TOO_LATE,
            f"Exchanged {record.exchanged_on or 'not yet'}; only exchanges by {rules.REMARK_CUTOFF} are remarked in the driving record.",
            field="militaryNumber",
        )
    exists = session.exec(
        select(DrivingRecordRemark).where(DrivingRecordRemark.military_number == number)
    ).first()
    if exists is not None:
        raise RuleError(
            VeteranLicenceErrorCode.ALREADY_REMARKED,
            "This licence is already remarked.",
            field="militaryNumber",
        )
    additions = [(a["class"], dt.date.fromisoformat(a["date"])) for a in record.additions]
    row = DrivingRecordRemark(
        person_id=person_id,
        licence_id=licence.id,
        military_number=number,
        text=rules.remark(
            record.first_issue_date, record.classes.split(), additions, record.issued_on
        ),
        rule=rules.RULE_RECORD[:200],
        created_at=stamp(ctx.now()),
    )
    session.add(row)
    session.flush()
    return row
