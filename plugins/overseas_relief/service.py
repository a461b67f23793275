"""Operations of M08: entrusted deferral, and restoration with acceptance, Subject 1 and review."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, select

from core.accounts import Person
from core.clock import to_china
from core.context import Context, WriteScope
from core.dates import add_years
from core.db import stamp
from core.errors import Code, NotFound, RuleError
from core.identity import DocumentType, parse_identity
from core.ids import lookup_id
from core.registries.applications import (
    Application,
    AppStatus,
    TwoPersonRule,
    start_review,
    submit,
)
from core.registries.licences import DrivingLicence, LicenceStatus, set_status, status_history
from core.registries.moves import move_by_caller
from core.registries.persons import person_by_identity

from . import rules
from .adapters import ADAPTER, ExitEntryUnavailable
from .errors import OverseasReliefErrorCode
from .rules import MEASURE

RESTORE = "RESTORE_AFTER_ABROAD"
DEFERRAL_BUSINESSES = {
    "RENEWAL": "期满换证",
    "REVIEW": "审验",
    "HEALTH_CERTIFICATE": "提交身体条件证明",
}
DOCUMENTS = {"ORIGINAL": "原件", "COPY": "复印件或者影像打印件"}
LIVE = {
    LicenceStatus.NORMAL.value,
    LicenceStatus.OVERDUE_RENEWAL.value,
    LicenceStatus.OVERDUE_REVIEW.value,
}
CANCELLED = {LicenceStatus.CANCELLED.value, LicenceStatus.CANCELLED_RESTORABLE.value}


def _person(session: Session, id_type: DocumentType, id_number: str, field: str) -> Person:
    person = person_by_identity(session, parse_identity(id_type, id_number, field))
    if person is None:
        raise NotFound("Person", field)
    return person


def _crossings(ctx: Context, session: Session, person: Person) -> list[tuple[dt.date, str]]:
    try:
        return ctx.adapter(ADAPTER).crossings(session, person.id_number)
    except ExitEntryUnavailable:
        raise RuleError(
            OverseasReliefErrorCode.EXIT_ENTRY_UNAVAILABLE,
            "Exit-entry records cannot be checked now; try again later.",
        ) from None


def _licence(session: Session, person: Person, statuses: set[str], field: str) -> DrivingLicence:
    licence = session.exec(
        select(DrivingLicence)
        .where(DrivingLicence.person_id == person.id, DrivingLicence.status.in_(statuses))
        .order_by(DrivingLicence.updated_at.desc())  # type: ignore[attr-defined]
    ).first()
    if licence is None:
        code = OverseasReliefErrorCode.NOT_CANCELLED if statuses == CANCELLED else Code.NOT_FOUND
        raise RuleError(code, "No licence in a state this business applies to.", field=field)
    return licence


def _gate(ctx: Context, licence: DrivingLicence, field: str) -> None:
    ctx.require_in_force(MEASURE, licence.issuing_city, field=field)
    ctx.require_jurisdiction(licence.issuing_city, field=field)


def record_deferral(
    ctx: Context,
    session: Session,
    holder_id_type: DocumentType,
    holder_id_number: str,
    agent_id_type: DocumentType,
    agent_id_number: str,
    business: rules.DeferralBusiness,
    documents: rules.Documents,
    until: dt.date,
) -> Application:
    """A clerk records a deferral that a person at home applies for on behalf of a holder abroad."""
    if business not in DEFERRAL_BUSINESSES:
        raise RuleError(
            Code.INVALID_INPUT,
            "business must be RENEWAL, REVIEW or HEALTH_CERTIFICATE.",
            field="business",
        )
    if documents not in DOCUMENTS:
        raise RuleError(
            Code.INVALID_INPUT, "documents must be ORIGINAL or COPY.", field="documents"
        )
    agent = parse_identity(agent_id_type, agent_id_number, "agentIdNumber")
    holder = _person(session, holder_id_type, holder_id_number, "holderIdNumber")
    if agent.number == holder.id_number:
        raise RuleError(
            OverseasReliefErrorCode.AGENT_IS_HOLDER,
            "The agent must be another person at home.",
            field="agentIdNumber",
        )
    licence = _licence(session, holder, LIVE, "holderIdNumber")
    _gate(ctx, licence, "holderIdNumber")
    today = ctx.today()
    max_years = ctx.setting(MEASURE, "deferral_max_years", licence.issuing_city)  # int, 1..3
    if not today < until <= add_years(today, max_years):
        raise RuleError(
            OverseasReliefErrorCode.DEFERRAL_TOO_LONG,
            f"Defer to a day after {today} and at most {max_years} years ahead.",
            field="until",
            rule=f"公安部令第162号 / setting deferral_max_years={max_years}",
        )
    if not rules.abroad_on(_crossings(ctx, session, holder), today):
        raise RuleError(
            OverseasReliefErrorCode.NOT_ABROAD,
            f"The holder is not abroad on {today} per exit-entry records.",
            field="holderIdNumber",
        )
    label = DEFERRAL_BUSINESSES[business]
    app = submit(
        session, now=ctx.now(), measure=MEASURE, business=f"DEFERRAL_{business}",
        city_code=licence.issuing_city, actor_account_id=ctx.actor.account_id,
        subject_person_id=holder.id, licence_id=licence.id, channel="WINDOW",
        data={"business": business, "documents": documents, "agent": agent.masked, "until": until.isoformat()},
    )  # fmt: skip
    for to in (AppStatus.UNDER_REVIEW, AppStatus.APPROVED, AppStatus.COMPLETED):
        move_by_caller(ctx, session, app, to)
    # the holder abroad is told what was deferred on their behalf, and until when (八-一)
    ctx.notify(
        session,
        holder.id,
        f"{MEASURE}.deferral_recorded",
        {"business": label, "until": until.isoformat(), "documents": DOCUMENTS[documents]},
    )
    licence.remarks = [
        *licence.remarks,
        f"{today} 出国（境）委托延期{label}至{until}（{DOCUMENTS[documents]}）",
    ]
    licence.updated_at = stamp(ctx.now())
    session.add(licence)
    return app


def _epidemic_start(ctx: Context, city_code: str) -> dt.date:
    """The configured start of the relief period (a YYYY-MM-DD date in 2019-12..2020, declared)."""
    return dt.date.fromisoformat(ctx.setting(MEASURE, "epidemic_start", city_code))


def accept_restore(
    ctx: Context,
    session: Session,
    id_type: DocumentType,
    id_number: str,
    health_certificate: bool,
) -> Application:
    """A clerk accepts a restoration after checking the period, exit-entry records and window."""
    person = _person(session, id_type, id_number, "idNumber")
    licence = _licence(session, person, CANCELLED, "idNumber")
    _gate(ctx, licence, "idNumber")
    if not health_certificate:
        raise RuleError(
            OverseasReliefErrorCode.HEALTH_CERTIFICATE_REQUIRED,
            "A health certificate (身体条件证明) is required.",
            field="healthCertificate",
        )
    today = ctx.today()
    epidemic_start = _epidemic_start(ctx, licence.issuing_city)
    history = [(p.day, p.status, p.reason) for p in status_history(session, licence)]
    held = rules.status_in_period(history, epidemic_start)
    if held is None:
        seen = "; ".join(f"{d or '?'} {LicenceStatus(st).label_zh}" for d, st, _ in history)
        raise RuleError(
            OverseasReliefErrorCode.CANCELLED_OUTSIDE_PERIOD,
            f"Not cancelled in {epidemic_start}..{rules.PERIOD_END} (status history: {seen}).",
            field="idNumber",
        )  # fmt: skip
    if held.reason is not None and held.reason not in rules.RELIEF_REASONS:
        raise RuleError(
            OverseasReliefErrorCode.CANCELLED_FOR_OTHER_REASON,
            f"Cancelled on {held.day} for {held.reason}, not for a missed renewal or review.",
            field="idNumber",
        )
    cancelled_on = held.day
    crossings = _crossings(ctx, session, person)
    deadline = licence.valid_until
    if not rules.abroad_on(crossings, deadline):
        raise RuleError(
            OverseasReliefErrorCode.NOT_ABROAD_AT_DEADLINE,
            f"Not abroad on {deadline}, the end of validity, per exit-entry records.",
            field="idNumber",
        )
    back = rules.first_return_after(crossings, deadline)
    if back is None or back > today:
        raise RuleError(
            OverseasReliefErrorCode.NOT_RETURNED,
            "No return (入境) after the deadline is recorded.",
            field="idNumber",
        )
    win = rules.window(back)
    if today > win.last_day:
        raise RuleError(
            OverseasReliefErrorCode.WINDOW_PASSED,
            f"{win.explanation}; today is {today}.",
            field="idNumber",
            date=today,
        )
    open_app = session.exec(
        select(Application).where(
            Application.licence_id == licence.id, Application.business == RESTORE,
            Application.status.in_([AppStatus.SUBMITTED.value, AppStatus.UNDER_REVIEW.value, AppStatus.APPROVED.value]),
        )
    ).first()  # fmt: skip
    if open_app is not None:
        raise RuleError(
            OverseasReliefErrorCode.OPEN_APPLICATION,
            "A restoration of this licence is already open.",
            field="idNumber",
        )
    direct = not rules.needs_subject1(held.status)
    why = (
        f"cancelled {cancelled_on} ({LicenceStatus(held.status).label_zh}) within {epidemic_start}..{rules.PERIOD_END}; "
        f"abroad on {deadline}; {win.explanation}; accepted {today}"
    )
    app = submit(
        session, now=ctx.now(), measure=MEASURE, business=RESTORE, city_code=licence.issuing_city,
        actor_account_id=ctx.actor.account_id, applicant_person_id=person.id, subject_person_id=person.id,
        licence_id=licence.id, office_id=ctx.actor.office_id, channel="WINDOW",
        data={"status": held.status, "needs_subject1": not direct, "subject1_passed_on": None,
              "last_day": win.last_day.isoformat(), "why": why,
              "rules": [rules.RULE_PERIOD, rules.RULE_WINDOW, rules.RULE_DIRECT if direct else rules.RULE_SUBJECT1]},
    )  # fmt: skip
    move_by_caller(ctx, session, app, AppStatus.UNDER_REVIEW, note="受理")
    return app


def load_application(ctx: Context, session: Session, application_id: str) -> Application:
    app = session.get(Application, lookup_id(application_id))
    if app is None or app.measure != MEASURE or app.business != RESTORE:
        raise NotFound("Application", "applicationId")
    if ctx.actor.is_staff:
        ctx.require_jurisdiction(app.city_code, field="applicationId")
    elif ctx.actor.person_id != app.subject_person_id:
        raise NotFound("Application", "applicationId")
    ctx.require_in_force(MEASURE, app.city_code, field="applicationId")
    return app


def _require_open(app: Application) -> None:
    if app.status != AppStatus.UNDER_REVIEW.value:
        raise RuleError(
            Code.INVALID_TRANSITION, f"The application is {app.status}.", field="applicationId"
        )


def record_subject1(ctx: Context, session: Session, app: Application, passed_on: dt.date) -> None:
    """A clerk records the Subject 1 pass that a 注销 licence needs (八-二-3)."""
    _require_open(app)
    if not app.data.get("needs_subject1"):
        raise RuleError(
            OverseasReliefErrorCode.SUBJECT1_NOT_NEEDED,
            "注销可恢复 is restored directly; no Subject 1.",
            field="applicationId",
        )
    if not to_china(app.submitted_at).date() <= passed_on <= ctx.today():
        raise RuleError(
            Code.INVALID_DATE,
            "The pass date must lie between acceptance and today.",
            field="passedOn",
        )
    app.data = {**app.data, "subject1_passed_on": passed_on.isoformat()}
    session.add(app)


def review(
    ctx: Context, scope: WriteScope, application_id: str, approve: bool, note: str
) -> tuple[Application, DrivingLicence | None]:
    """The department head reviews; never the clerk who accepted (八-二-5). The core review step
    loads and gates the restoration (rollout and jurisdiction of its city), requires it open and
    a second person, and rejects it; approval restores the licence. `note` is already validated
    (required either way)."""
    app, _ = start_review(
        ctx, scope, application_id, MEASURE, approve, note, Code.INVALID_INPUT,
        business=RESTORE, precondition=_require_open,
        two_person=TwoPersonRule(OverseasReliefErrorCode.SAME_PERSON_REVIEW, rules.RULE_REVIEW),
    )  # fmt: skip
    scope.subject(approve=approve)
    if not approve:
        return app, None
    session = scope.session
    if app.data.get("needs_subject1") and not app.data.get("subject1_passed_on"):
        raise RuleError(
            OverseasReliefErrorCode.SUBJECT1_REQUIRED,
            "注销: Subject 1 must be passed first.",
            field="applicationId",
        )
    licence = session.get(DrivingLicence, app.licence_id)
    assert licence is not None
    today = ctx.today()
    years = max(1, round((licence.valid_until - licence.valid_from).days / 365.25))
    set_status(licence, LicenceStatus.NORMAL, at=ctx.now())
    licence.valid_from, licence.valid_until = today, add_years(today, years)
    licence.remarks = [
        *licence.remarks,
        f"{today} 出国（境）人员救济措施恢复驾驶资格 (M08 2021-八-二)",
    ]
    licence.updated_at = stamp(ctx.now())
    session.add(licence)
    move_by_caller(ctx, session, app, AppStatus.APPROVED, note=note)
    move_by_caller(ctx, session, app, AppStatus.COMPLETED)
    ctx.notify(
        session,
        licence.person_id,
        f"{MEASURE}.restored",
        {"valid_until": licence.valid_until.isoformat()},
        measure=MEASURE,
    )
    return app, licence
