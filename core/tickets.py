"""Office tickets: two vehicle offices settle a problem with each other on one application.

The seeds ask the transfer-out and transfer-in offices to settle archive problems between them,
never by sending the citizen back (2021 item 二-四, 2024 item 二-三: "对电子化档案转递不及时、资料不完整、
与实车不一致等问题，要及时沟通、及时响应、及时反馈、及时解决……严禁因两地间沟通不畅、协调不力、推诿扯皮导致群众来回跑").
One office raises a ticket on an application of a measure that declares ticket sources
(`register_ticket_sources`: which two offices the application is between); the other office
acknowledges it (PENDING) and answers by a deadline from the platform clock and calendar; the
raising office resolves it or reopens it; a ticket not answered in time is escalated to the
province (总队) by the scheduled job `office_ticket_escalation`, and the province decides it.

    OPEN ─acknowledge─> PENDING ─answer─> ANSWERED ─resolve─> RESOLVED
    OPEN, PENDING, ESCALATED ─answer (the other office)─> ANSWERED
    ANSWERED ─reopen (the raising office: not solved)─> PENDING
    OPEN, PENDING ─resolve (the raising office: solved otherwise)─> RESOLVED
    OPEN, PENDING ─escalate (the job: deadline passed)─> ESCALATED
    ANSWERED ─escalate (the raising office disagrees)─> ESCALATED
    ANSWERED ─close (the job: no objection by the deadline)─> RESOLVED
    ESCALATED ─decide (the province)─> RESOLVED
    OPEN, PENDING, ANSWERED, ESCALATED ─moot (the application reached a final state)─> RESOLVED

A ticket is raised only on an application that is still open (TICKET_APPLICATION_FINAL); when the
application is completed, rejected or cancelled its unsettled tickets are resolved as moot
(`close_moot`: by the measure in the same transaction, and by the scheduled job for any left),
audited, and both offices are told.

Every step is a mutation of the frame (audited), moves the ticket with one conditional UPDATE
(core/workflow.py), keeps its history (`office_ticket_events`) and tells the offices concerned:
the clerks and supervisors of the office's city, and on escalation the province admins of both
cities' provinces.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from typing import Any

from sqlmodel import Field, Session, SQLModel, select

from core import audit
from core.accounts import Account, Role
from core.clock import to_china
from core.db import stamp, write_session
from core.divisions import city as lookup_city
from core.errors import ErrorCode
from core.ids import new_id
from core.notices import Addressee, NoticeTemplate
from core.outbox import notify
from core.workflow import Party, Transition, Workflow, move


class TicketKind(enum.StrEnum):
    """What is wrong (the seed's list: 转递不及时、资料不完整、与实车不一致; 信息系统异常、数据传输错误)."""

    ARCHIVE_LATE = "ARCHIVE_LATE"  # 电子化档案转递不及时
    ARCHIVE_INCOMPLETE = "ARCHIVE_INCOMPLETE"  # 资料不完整
    VEHICLE_MISMATCH = "VEHICLE_MISMATCH"  # 与实车不一致
    SYSTEM_ERROR = "SYSTEM_ERROR"  # 信息系统异常、数据传输错误


class TicketStatus(enum.StrEnum):
    OPEN = "OPEN"
    PENDING = "PENDING"
    ANSWERED = "ANSWERED"
    ESCALATED = "ESCALATED"
    RESOLVED = "RESOLVED"


class TicketStep(enum.StrEnum):
    """A step in a ticket's history: its raising, then a transition of TICKET_WORKFLOW (the
    names are the workflow's; tests/test_office_tickets.py checks that they agree)."""

    RAISE = "raise"
    ACKNOWLEDGE = "acknowledge"
    ANSWER = "answer"
    REOPEN = "reopen"
    RESOLVE = "resolve"
    ESCALATE = "escalate"
    CLOSE = "close"  # answered and not disputed in time (the scheduled job)
    DECIDE = "decide"  # the province decides an escalated ticket
    MOOT = "moot"  # the application it was about ended


class TicketErrorCode(ErrorCode):
    """Refusals of office tickets (docs/architecture.md, "Office tickets")."""

    TICKET_NOT_APPLICABLE = "TICKET_NOT_APPLICABLE"  # not between two offices of a ticket measure
    TICKET_WRONG_SIDE = "TICKET_WRONG_SIDE"  # the step is the other office's (or the province's)
    TICKET_APPLICATION_FINAL = (
        "TICKET_APPLICATION_FINAL"  # the application is completed/rejected/cancelled
    )


OPEN_STATES = (TicketStatus.OPEN.value, TicketStatus.PENDING.value)
UNSETTLED = (*OPEN_STATES, TicketStatus.ANSWERED.value, TicketStatus.ESCALATED.value)
RULE = (
    "2021-二-四 / 2024-二-三: 对电子化档案转递不及时、资料不完整、与实车不一致等问题，要及时沟通、及时响应、"
    "及时反馈、及时解决"
)


class OfficeTicket(SQLModel, table=True):
    """A problem one office raises with the other on one application."""

    __tablename__ = "office_tickets"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    measure: str = Field(max_length=40, index=True)
    application_id: str = Field(foreign_key="applications.id", index=True)
    kind: str = Field(max_length=24)
    status: str = Field(max_length=12, index=True)
    out_city: str = Field(max_length=6, index=True)  # 转出地 office
    in_city: str = Field(max_length=6, index=True)  # 转入地 office
    out_province: str = Field(max_length=6, index=True)
    in_province: str = Field(max_length=6, index=True)
    raised_city: str = Field(max_length=6)  # one of out_city / in_city
    counterpart_city: str = Field(max_length=6)  # the other
    raised_by: str | None = Field(default=None, max_length=16)
    description: str = Field(max_length=1000)
    answer: str | None = Field(default=None, max_length=1000)
    resolution: str | None = Field(default=None, max_length=1000)
    due_on: dt.date | None = None  # who is to act next must by this day (Beijing date)
    escalated_at: dt.datetime | None = None
    resolved_at: dt.datetime | None = None
    created_at: dt.datetime
    updated_at: dt.datetime


class OfficeTicketEvent(SQLModel, table=True):
    """One step of a ticket: who, what, the text they gave."""

    __tablename__ = "office_ticket_events"

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: str = Field(foreign_key="office_tickets.id", index=True)
    at: dt.datetime
    actor_account_id: str | None = Field(default=None, max_length=16)
    step: str = Field(max_length=16)
    from_status: str | None = Field(default=None, max_length=12)
    to_status: str = Field(max_length=12)
    note: str | None = Field(default=None, max_length=1000)


_O, _P, _A, _E, _R = (s.value for s in TicketStatus)
_OFFICE, _SYSTEM = (Party.OFFICE,), (Party.SYSTEM,)
TICKET_WORKFLOW = Workflow(
    "core.office_ticket",
    "core",
    tuple(s.value for s in TicketStatus),
    (_O,),
    (_R,),
    (
        Transition("acknowledge", (_O,), _P, _OFFICE, "core.ticket.acknowledged"),
        Transition("answer", (_O, _P, _E), _A, _OFFICE, "core.ticket.answered"),
        Transition("reopen", (_A,), _P, _OFFICE, "core.ticket.reopened"),
        Transition("resolve", (_O, _P, _A), _R, _OFFICE, "core.ticket.resolved"),
        Transition("escalate", (_O, _P, _A), _E, (Party.OFFICE, Party.SYSTEM), "core.ticket.escalated"),
        Transition("close", (_A,), _R, _SYSTEM, "core.ticket.resolved"),
        Transition("decide", (_E,), _R, _OFFICE, "core.ticket.decided"),
        Transition("moot", (_O, _P, _A, _E), _R, (Party.OFFICE, Party.SYSTEM), "core.ticket.moot"),
    ),
)  # fmt: skip
# who takes each office step: the office the ticket was raised to, or the one that raised it
COUNTERPART_STEPS = frozenset({"acknowledge", "answer"})
RAISER_STEPS = frozenset({"reopen", "resolve", "escalate"})

TEMPLATES = (
    NoticeTemplate(
        "core.ticket.raised",
        "core",
        "{raised_city}车辆管理所就业务{application}提出协调工单{ticket}（{kind}）：{text}。请于{due}前答复。",
        "APP",
    ),
    NoticeTemplate(
        "core.ticket.acknowledged",
        "core",
        "协调工单{ticket}已由对方车辆管理所受理：{text}。",
        "APP",
    ),
    NoticeTemplate("core.ticket.answered", "core", "协调工单{ticket}已答复：{text}。", "APP"),
    NoticeTemplate(
        "core.ticket.reopened",
        "core",
        "协调工单{ticket}的答复未解决问题：{text}。请于{due}前再次答复。",
        "APP",
    ),
    NoticeTemplate("core.ticket.resolved", "core", "协调工单{ticket}已解决：{text}。", "APP"),
    NoticeTemplate(
        "core.ticket.escalated",
        "core",
        "协调工单{ticket}（业务{application}，{kind}）已上报总队协调：{text}。",
        "APP",
    ),
    NoticeTemplate(
        "core.ticket.decided", "core", "协调工单{ticket}经总队协调处理：{text}。", "APP"
    ),
    NoticeTemplate(
        "core.ticket.moot",
        "core",
        "协调工单{ticket}所涉业务{application}已终结，工单关闭：{text}。",
        "APP",
    ),
)


# --- who is told ---------------------------------------------------------------------------------
def office_accounts(session: Session, city_code: str) -> list[str]:
    """The active clerks and supervisors of a city's offices (the office a notice goes to)."""
    rows = session.exec(
        select(Account).where(
            Account.kind == "STAFF", Account.status == "ACTIVE", Account.city_code == city_code
        )
    ).all()
    wanted = {Role.CLERK.value, Role.SUPERVISOR.value}
    return sorted(a.id for a in rows if wanted.intersection(a.roles or []))


def province_accounts(session: Session, province_codes: Iterable[str]) -> list[str]:
    """The active province admins (总队) of these provinces."""
    codes = sorted(set(province_codes))
    rows = session.exec(
        select(Account).where(
            Account.kind == "STAFF",
            Account.status == "ACTIVE",
            Account.province_code.in_(codes),  # type: ignore[union-attr]
        )
    ).all()
    return sorted(
        a.id for a in rows if not a.city_code and Role.PROVINCE_ADMIN.value in (a.roles or [])
    )


def recipients(session: Session, ticket: OfficeTicket, step: str) -> list[str]:
    """The staff accounts told of `step` (a transition name, or "raise")."""
    if step in ("raise", "reopen"):
        cities = [ticket.counterpart_city]
    elif step in ("acknowledge", "answer"):
        cities = [ticket.raised_city]
    else:  # resolve, close, escalate, decide: both offices
        cities = [ticket.raised_city, ticket.counterpart_city]
    found = [a for c in cities for a in office_accounts(session, c)]
    if step == "escalate":
        found += province_accounts(session, (ticket.out_province, ticket.in_province))
    return sorted(set(found))


def tell(
    session: Session,
    now: dt.datetime,
    templates: Any,
    ticket: OfficeTicket,
    step: str,
    text: str,
) -> None:
    """Queue the step's notice (declared in TEMPLATES) to the offices concerned."""
    name = "core.ticket.raised" if step == "raise" else TICKET_WORKFLOW.transition(step).notice
    assert name is not None
    params = {
        "ticket": ticket.id,
        "application": ticket.application_id,
        "kind": ticket.kind,
        "raised_city": lookup_city(ticket.raised_city).name,
        "text": text,
        "due": ticket.due_on.isoformat() if ticket.due_on else "—",
    }
    for account_id in recipients(session, ticket, step):
        notify(session, now, templates, Addressee.account(account_id), name, params)


def record(
    session: Session,
    ticket: OfficeTicket,
    now: dt.datetime,
    actor: str | None,
    step: str,
    before: str | None,
    note: str | None,
) -> None:
    """Append one step to the ticket's history."""
    session.add(
        OfficeTicketEvent(
            ticket_id=ticket.id,
            at=stamp(now),
            actor_account_id=actor,
            step=step,
            from_status=before,
            to_status=ticket.status,
            note=note,
        )
    )


# --- tickets whose application ended --------------------------------------------------------------
def close_moot(
    session: Session,
    now: dt.datetime,
    templates: Any,
    application_id: str,
    application_status: str,
    actor_account_id: str | None = None,
) -> list[str]:
    """Resolve as moot every unsettled ticket of an application that reached a final state
    (`application_status`: COMPLETED, REJECTED or CANCELLED): each moves by the declared `moot`
    step, keeps its history, is audited (one event per ticket, the acting account or SYSTEM) and
    both offices are told. Returns the ids of the tickets closed."""
    text = f"业务已{_FINAL_WORDS.get(application_status, application_status)}，工单无需继续处理"
    tickets = session.exec(
        select(OfficeTicket).where(
            OfficeTicket.application_id == application_id,
            OfficeTicket.status.in_(UNSETTLED),  # type: ignore[attr-defined]
        )
    ).all()
    for ticket in tickets:
        before = ticket.status
        move(None, session, TICKET_WORKFLOW, ticket, "moot", field_name="ticketId",
             values={"resolution": text, "resolved_at": stamp(now), "due_on": None,
                     "updated_at": stamp(now)})  # fmt: skip
        record(session, ticket, now, actor_account_id, "moot", before, text)
        tell(session, now, templates, ticket, "moot", text)
        audit.insert_event(
            session,
            audit.EventDraft(
                log_id=audit.log_for("STAFF", ticket.in_province),
                at=now,
                actor_account_id=actor_account_id,
                actor_kind="STAFF" if actor_account_id else "SYSTEM",
                actor_role=None if actor_account_id else "SYSTEM",
                jurisdiction=ticket.in_province,
                action="core.office_ticket_moot",
                measure=ticket.measure,
                subject_person_id=None,
                subject_ref=f"OfficeTicket:{ticket.id}",
                outcome="OK",
                detail={"application": application_id, "applicationStatus": application_status},
            ),
        )
    return [t.id for t in tickets]


_FINAL_WORDS = {"COMPLETED": "办结", "REJECTED": "不予办理", "CANCELLED": "撤回或取消"}


def _close_all_moot(session: Session, now: dt.datetime, templates: Any) -> int:
    """The job's sweep: every unsettled ticket whose application is final is resolved as moot."""
    from core.registries.applications import APPLICATION_FINAL, Application

    rows = session.exec(
        select(OfficeTicket.application_id, Application.status)
        .join(Application, Application.id == OfficeTicket.application_id)  # type: ignore[arg-type]
        .where(
            OfficeTicket.status.in_(UNSETTLED),  # type: ignore[attr-defined]
            Application.status.in_(APPLICATION_FINAL),  # type: ignore[attr-defined]
        )
        .distinct()
    ).all()
    return sum(len(close_moot(session, now, templates, a, s)) for a, s in rows)


# --- the scheduled job ---------------------------------------------------------------------------
def escalate_overdue(platform: Any, now: dt.datetime) -> dict[str, Any]:
    """Escalate to the province every ticket the other office left unanswered past its day
    (OPEN or PENDING, `due_on` before today, Beijing date), and close every answer the raising
    office neither accepted nor contested by its day. Each move is a conditional UPDATE, so two
    runs (or a run and an office's answer) never both move one ticket. First, every unsettled
    ticket whose application reached a final state is resolved as moot (`close_moot`), so it
    never escalates."""
    today = to_china(now).date()
    escalated = closed = 0
    with write_session(platform.engine) as session:
        moot = _close_all_moot(session, now, platform.notices)
        due = session.exec(
            select(OfficeTicket).where(
                OfficeTicket.status.in_([*OPEN_STATES, _A]),  # type: ignore[attr-defined]
                OfficeTicket.due_on < today,  # type: ignore[operator]
            )
        ).all()
        for ticket in due:
            before = ticket.status
            if before == _A:
                step, text = "close", "答复后逾期未提出异议，视为已解决"
                values = {"resolution": text, "resolved_at": stamp(now), "due_on": None}
            else:
                step, text = "escalate", f"对方车辆管理所逾期未答复（期限{ticket.due_on}）"
                values = {"escalated_at": stamp(now), "due_on": None}
            move(None, session, TICKET_WORKFLOW, ticket, step, values={**values,
                 "updated_at": stamp(now)}, field_name="ticketId")  # fmt: skip
            record(session, ticket, now, None, step, before, text)
            tell(session, now, platform.notices, ticket, step, text)
            escalated += step == "escalate"
            closed += step == "close"
        session.commit()
    return {"escalated": escalated, "closed": closed, "moot": moot, "rule": RULE}


def due_after(platform: Any, today: dt.date, workdays: int) -> dt.date:
    """The answer's last day: `workdays` working days after today (statutory holidays skipped)."""
    return platform.calendar.add_workdays(today, workdays)
