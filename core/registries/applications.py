"""Business applications (业务): one generic state machine that every measure specialises.

    SUBMITTED -accept-> UNDER_REVIEW -approve-> APPROVED -complete-> COMPLETED
    SUBMITTED, UNDER_REVIEW -reject-> REJECTED (the office, with its reason)
    SUBMITTED, UNDER_REVIEW -withdraw-> CANCELLED (the applicant: `applicationWithdraw`)
    SUBMITTED, UNDER_REVIEW, APPROVED -cancel-> CANCELLED (the office, or a job)

The graph is declared (`APPLICATION_TRANSITIONS`, core/workflow.py); a measure that uses
applications registers `application_workflow(MEASURE, notices={...})`, which names the notice each
transition sends to the applicant (and the subject). A measure stores its own fields in `data` (or
its own table keyed by the application id) and moves the application with `transition`, which
checks the move, records who made it, keeps the history in `application_events` and, given the
request's context, sends the declared notice.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Field, Session, SQLModel

from core.db import json_field, stamp
from core.errors import Code, RuleError
from core.ids import lookup_id, new_id
from core.workflow import Party, Transition, Workflow


class AppStatus(enum.StrEnum):
    SUBMITTED = "SUBMITTED"
    UNDER_REVIEW = "UNDER_REVIEW"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"
    COMPLETED = "COMPLETED"
    CANCELLED = "CANCELLED"


_S, _R, _A = AppStatus.SUBMITTED.value, AppStatus.UNDER_REVIEW.value, AppStatus.APPROVED.value
APPLICATION_STATES = tuple(s.value for s in AppStatus)
APPLICATION_FINAL = (AppStatus.REJECTED.value, AppStatus.COMPLETED.value, AppStatus.CANCELLED.value)
APPLICATION_TRANSITIONS = (
    Transition("accept", (_S,), _R, (Party.OFFICE,)),
    Transition("approve", (_R,), _A, (Party.OFFICE,)),
    Transition("reject", (_S, _R), AppStatus.REJECTED.value, (Party.OFFICE,)),
    Transition("complete", (_A,), AppStatus.COMPLETED.value, (Party.OFFICE, Party.SYSTEM)),
    Transition("withdraw", (_S, _R), AppStatus.CANCELLED.value, (Party.APPLICANT,)),
    Transition("cancel", (_S, _R, _A), AppStatus.CANCELLED.value, (Party.OFFICE, Party.SYSTEM)),
)
ALLOWED_TRANSITIONS: dict[AppStatus, frozenset[AppStatus]] = {
    status: frozenset(AppStatus(t.target) for t in APPLICATION_TRANSITIONS if status in t.source)
    for status in AppStatus
}


def _addressees(app: Any) -> tuple[str | None, ...]:
    """The applicant, and the subject when it is someone else (an elder, a deceased's relative)."""
    if app.subject_person_id and app.subject_person_id != app.applicant_person_id:
        return (app.applicant_person_id, app.subject_person_id)
    return (app.applicant_person_id or app.subject_person_id,)


def _notice_params(app: Any) -> dict[str, Any]:
    return {"application": app.id, "business": app.business, "note": app.decision_note or ""}


def application_workflow(
    measure: str,
    notices: Mapping[str, str] | None = None,
    *,
    withdraw: bool = True,
    addressees: Callable[[Any], Any] | None = None,
) -> Workflow:
    """The application workflow of `measure`: the core's graph, with the notice each transition
    sends (`notices`: transition name -> template, e.g. {"reject": f"{MEASURE}.rejected"}; the
    notice gets `application`, `business` and `note`). `withdraw=False` only where the seed says
    an application cannot be withdrawn. `addressees(app)` names whom the notices go to (person
    ids or `Addressee`s, e.g. the unit an application was made for); by default the applicant
    and the subject."""
    notices = dict(notices or {})
    unknown = set(notices) - {t.name for t in APPLICATION_TRANSITIONS}
    if unknown:
        raise ValueError(f"{measure}: no application transition {sorted(unknown)}")
    transitions = tuple(
        Transition(t.name, t.source, t.target, t.by, notices.get(t.name))
        for t in APPLICATION_TRANSITIONS
        if withdraw or t.name != "withdraw"
    )
    return Workflow(
        f"{measure}.application",
        measure,
        APPLICATION_STATES,
        (_S,),
        APPLICATION_FINAL,
        transitions,
        addressees=addressees or _addressees,
        notice_params=_notice_params,
    )


def workflow_of(ctx: Any, measure: str) -> Workflow:
    """The measure's declared application workflow, or the core's graph without notices."""
    found = ctx.platform.workflows.get(f"{measure}.application") if ctx is not None else None
    return found or application_workflow(measure)


class Application(SQLModel, table=True):
    """One business application, handled by one office."""

    __tablename__ = "applications"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    measure: str = Field(max_length=40, index=True)  # plugin slug
    business: str = Field(max_length=60)  # measure-specific business type
    applicant_person_id: str | None = Field(default=None, foreign_key="persons.id", index=True)
    subject_person_id: str | None = Field(default=None, foreign_key="persons.id", index=True)
    vehicle_id: str | None = Field(default=None, foreign_key="vehicles.id")
    licence_id: str | None = Field(default=None, foreign_key="driving_licences.id")
    city_code: str = Field(max_length=6, index=True)
    office_id: str | None = Field(default=None, foreign_key="offices.id")
    channel: str = Field(default="ONLINE", max_length=16)  # ONLINE | WINDOW | COURIER | PARTNER
    status: str = Field(default=AppStatus.SUBMITTED.value, max_length=16, index=True)
    data: dict = json_field({})
    accepted_by: str | None = Field(default=None, max_length=16)  # account that took it for review
    decided_by: str | None = Field(default=None, max_length=16)
    decision_note: str | None = Field(default=None, max_length=500)
    submitted_at: dt.datetime
    updated_at: dt.datetime


class ApplicationEvent(SQLModel, table=True):
    """History of an application's moves."""

    __tablename__ = "application_events"

    id: int | None = Field(default=None, primary_key=True)
    application_id: str = Field(foreign_key="applications.id", index=True)
    at: dt.datetime
    actor_account_id: str | None = Field(default=None, max_length=16)
    from_status: str | None = Field(default=None, max_length=16)
    to_status: str = Field(max_length=16)
    note: str | None = Field(default=None, max_length=500)


def submit(
    session: Session,
    *,
    now: dt.datetime,
    measure: str,
    business: str,
    city_code: str,
    actor_account_id: str | None,
    **fields: Any,
) -> Application:
    """Create an application in SUBMITTED and record the first history event."""
    app = Application(
        measure=measure,
        business=business,
        city_code=city_code,
        submitted_at=stamp(now),
        updated_at=stamp(now),
        **fields,
    )
    session.add(app)
    session.flush()
    session.add(
        ApplicationEvent(
            application_id=app.id,
            at=stamp(now),
            actor_account_id=actor_account_id,
            to_status=AppStatus.SUBMITTED.value,
        )
    )
    return app


def transition(
    session: Session,
    app: Application,
    to: AppStatus,
    *,
    now: dt.datetime,
    actor_account_id: str | None,
    note: str | None = None,
    ctx: Any = None,
    by: Party | None = None,
    params: Mapping[str, Any] | None = None,
) -> Application:
    """Move `app` to `to` by the declared transition that leads there from its status (taken by
    `by`, when given: the applicant's withdrawal and the office's cancellation both lead to
    CANCELLED), or refuse with INVALID_TRANSITION. Records accepted_by / decided_by. Given the
    request's `ctx`, the measure's declared notice for the transition is sent (with `params`).

    The move is one conditional UPDATE (`... WHERE id = ? AND status = <the status read>`), so two
    concurrent requests cannot both move the same application: the second gets CONFLICT.
    """
    current = AppStatus(app.status)
    workflow = workflow_of(ctx, app.measure)
    taken = next(
        (
            t
            for t in workflow.transitions
            if current.value in t.source and t.target == to.value and (by is None or by in t.by)
        ),
        None,
    )
    if taken is None:
        raise RuleError(
            Code.INVALID_TRANSITION,
            f"An application in {current.value} cannot become {to.value}.",
            field="applicationId",
        )
    values: dict[str, Any] = {"status": to.value, "updated_at": stamp(now)}
    if to is AppStatus.UNDER_REVIEW:
        values["accepted_by"] = actor_account_id
    if to in (AppStatus.APPROVED, AppStatus.REJECTED, AppStatus.CANCELLED):
        # a withdrawal's or a cancellation's reason is kept like a decision's
        values["decided_by"] = actor_account_id
        values["decision_note"] = note
    table = Application.__table__  # type: ignore[attr-defined]
    moved = session.execute(
        update(table).where(table.c.id == app.id, table.c.status == current.value).values(**values)
    )
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        raise RuleError(
            Code.CONFLICT,
            "The application was changed by someone else meanwhile; reload it.",
            field="applicationId",
        )
    for key, value in values.items():
        set_committed_value(app, key, value)
    session.add(
        ApplicationEvent(
            application_id=app.id,
            at=stamp(now),
            actor_account_id=actor_account_id,
            from_status=current.value,
            to_status=to.value,
            note=note,
        )
    )
    if ctx is not None and taken.notice is not None:
        merged = {**_notice_params(app), **(params or {})}
        for to in workflow.addressees(app):
            if to:
                ctx.notify(session, to, taken.notice, merged)
    return app


@dataclass(frozen=True)
class TwoPersonRule:
    """A review that needs a second person: the account that accepted the application (moved it
    to UNDER_REVIEW) may not decide it. Refused with `code`, naming `rule` (the seed clause, e.g.
    "M08 2021-八-二-5: 业务受理岗受理后，报该业务部门负责人复核")."""

    code: str
    rule: str | None = None


def start_review(
    ctx: Any,
    scope: Any,
    application_id: str,
    measure: str,
    approve: bool,
    note: str | None,
    note_required_code: str,
    rule: str | None = None,
    *,
    business: str | None = None,
    precondition: Callable[[Application], None] | None = None,
    two_person: TwoPersonRule | None = None,
) -> tuple[Application, str | None]:
    """The common first half of a clerk's review of one measure's application.

    Loads the application (NOT_FOUND unless it belongs to `measure` and, if given, is of
    `business`), gates it by the measure's rollout and the clerk's jurisdiction for its city,
    validates the note (required to reject), runs the measure's `precondition` (a function that
    raises RuleError when the application cannot be decided now, e.g. it is not in the measure's
    queue), applies the `two_person` rule if given (refused when the caller accepted the
    application, or would accept it now because it is still SUBMITTED), moves SUBMITTED to
    UNDER_REVIEW, names the subject for the audit, and, when `approve` is false, rejects it.
    Returns the application and the note; on approval the caller applies its own rules and then
    moves the application to APPROVED.

    Two reviewers deciding at once cannot both succeed: every move is a conditional UPDATE
    (`transition`), so the second gets CONFLICT and its whole write is rolled back.
    """
    from core.errors import NotFound
    from core.validation import optional_text

    session = scope.session
    app = session.get(Application, lookup_id(application_id))
    if app is None or app.measure != measure or (business is not None and app.business != business):
        raise NotFound("Application", "applicationId")
    ctx.require_in_force(measure, app.city_code, field="applicationId")
    ctx.require_jurisdiction(app.city_code, field="applicationId")
    text = optional_text("note", note, 500, multiline=True)
    if not approve and text is None:
        raise RuleError(
            note_required_code, "Say why the application is rejected.", field="note", rule=rule
        )
    if precondition is not None:
        precondition(app)
    now, actor = ctx.now(), ctx.actor.account_id
    if two_person is not None and app.accepted_by in (None, actor):
        raise RuleError(
            two_person.code,
            "The person who accepted the application cannot also decide it: a second person "
            "reviews.",
            field="applicationId",
            rule=two_person.rule,
        )
    if app.status == AppStatus.SUBMITTED.value:
        transition(session, app, AppStatus.UNDER_REVIEW, now=now, actor_account_id=actor, ctx=ctx)
    scope.subject(app.subject_person_id, f"Application:{app.id}")
    if not approve:
        transition(
            session, app, AppStatus.REJECTED, now=now, actor_account_id=actor, note=text, ctx=ctx
        )
    return app, text
