"""Office tickets: the operations behind the GraphQL fields (core/api/tickets.py) — who may take
which step on which ticket, the deadlines, the history and the notices (core/tickets.py).

Clerks and supervisors of the two offices' cities act for their side (OUT_OF_JURISDICTION for
anyone else); the office a ticket was raised to acknowledges and answers it, the raising office
reopens, resolves or escalates it (TICKET_WRONG_SIDE otherwise); province admins of either city's
province act only on tickets that were escalated (NOT_FOUND for the others). Every step is gated
by the rollout of the ticket's measure in the caller's city.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_
from sqlmodel import Session, select

from core.accounts import Role
from core.context import Context, WriteScope
from core.divisions import CITIES, PROVINCES
from core.divisions import city as lookup_city
from core.divisions import province as lookup_province
from core.errors import Code, NotFound, RuleError
from core.ids import lookup_id
from core.registries.applications import APPLICATION_FINAL, Application
from core.tickets import (
    RULE,
    TICKET_WORKFLOW,
    UNSETTLED,
    OfficeTicket,
    TicketErrorCode,
    TicketKind,
    TicketStatus,
    due_after,
    record,
    tell,
)
from core.validation import optional_text, require_text
from core.workflow import move


# --- object-level checks -------------------------------------------------------------------------
def _is_province_admin(ctx: Context) -> bool:
    return ctx.has_role(Role.PROVINCE_ADMIN) and not ctx.actor.city_code


def _side(ctx: Context, ticket: OfficeTicket | Any, field: str = "ticketId") -> str:
    """The caller's city among the ticket's two offices (OUT_OF_JURISDICTION for neither)."""
    for code in (ticket.raised_city, ticket.counterpart_city):
        if ctx.actor.city_code == code:
            return str(code)
    raise RuleError(
        Code.OUT_OF_JURISDICTION,
        "Only the two offices of the application act on its tickets.",
        field=field,
    )


def _load(
    session: Session, ctx: Context, ticket_id: str, field: str = "ticketId"
) -> tuple[Any, str]:
    """The ticket and the city the caller acts for, gated by the measure's rollout there.
    `field`: the argument that carried `ticket_id` (`ticketId` in the steps, `id` in the query)."""
    ticket = session.get(OfficeTicket, lookup_id(ticket_id), with_for_update=True)
    if ticket is None:
        raise NotFound("OfficeTicket", field)
    if _is_province_admin(ctx):
        provinces = (ticket.out_province, ticket.in_province)
        if ticket.escalated_at is None or ctx.actor.province_code not in provinces:
            raise NotFound("OfficeTicket", field)
        city = ticket.out_city if ctx.actor.province_code == ticket.out_province else ticket.in_city
    else:
        city = _side(ctx, ticket, field)
    ctx.require_in_force(ticket.measure, city, field=field)
    return ticket, city


def _app_person(session: Session, application_id: str) -> str | None:
    app = session.get(Application, application_id)
    return app.applicant_person_id if app else None


# --- operations ----------------------------------------------------------------------------------
def raise_ticket(
    ctx: Context, scope: WriteScope, application_id: str, kind: TicketKind, description: str
) -> Any:
    """Raise a ticket on an application with the other office of it."""
    session = scope.session
    text = require_text("description", description, 1000, multiline=True)
    app = session.get(Application, lookup_id(application_id))
    if app is None:
        raise NotFound("Application", "applicationId")
    source = ctx.platform.ticket_sources.get(app.measure)
    pair = source.offices(session, app) if source else None
    if source is None or pair is None or pair[0] == pair[1]:
        raise RuleError(
            TicketErrorCode.TICKET_NOT_APPLICABLE,
            "This application is not between two offices that settle problems by ticket.",
            field="applicationId",
            rule=source.rule if source else RULE,
        )
    out_city, in_city = pair
    if ctx.actor.city_code not in pair:
        raise RuleError(
            Code.OUT_OF_JURISDICTION,
            "Only the transfer-out or the transfer-in office raises a ticket on it.",
            field="applicationId",
        )
    mine = ctx.actor.city_code
    assert mine is not None
    ctx.require_in_force(app.measure, mine, field="applicationId")
    if app.status in APPLICATION_FINAL:
        raise RuleError(
            TicketErrorCode.TICKET_APPLICATION_FINAL,
            f"The application is {app.status.lower()}: there is nothing left to settle on it.",
            field="applicationId",
            rule=source.rule,
        )
    kind = TicketKind(kind)
    row_type = OfficeTicket
    twin = session.exec(
        select(row_type.id).where(
            row_type.application_id == app.id,
            row_type.kind == kind.value,
            row_type.status.in_(UNSETTLED),
        )
    ).first()
    if twin is not None:
        raise RuleError(
            Code.ALREADY_EXISTS,
            f"Ticket {twin} on this application and problem is not settled yet.",
            field="kind",
        )
    now = ctx.now()
    ticket = row_type(
        measure=app.measure,
        application_id=app.id,
        kind=kind.value,
        status=TicketStatus.OPEN.value,
        out_city=out_city,
        in_city=in_city,
        out_province=lookup_city(out_city).province_code,
        in_province=lookup_city(in_city).province_code,
        raised_city=mine,
        counterpart_city=in_city if mine == out_city else out_city,
        raised_by=ctx.actor.account_id,
        description=text,
        due_on=due_after(ctx.platform, ctx.today(), source.response_workdays),
        created_at=now,
        updated_at=now,
    )
    session.add(ticket)
    session.flush()
    record(session, ticket, now, ctx.actor.account_id, "raise", None, text)
    tell(session, now, ctx.platform.notices, ticket, "raise", text)
    scope.subject(app.applicant_person_id, f"OfficeTicket:{ticket.id}", kind=kind.value)
    return ticket


def take_step(
    ctx: Context, scope: WriteScope, ticket_id: str, step: str, note: str | None, field: str
) -> Any:
    """Take `step` on a ticket for the caller's side (TICKET_WRONG_SIDE for the other side's
    step, INVALID_TRANSITION from a state the step does not leave)."""
    session = scope.session
    optional = step == "acknowledge"
    text = (optional_text if optional else require_text)(field, note, 1000, multiline=True)  # type: ignore[operator]
    ticket, city = _load(session, ctx, ticket_id)
    province = _is_province_admin(ctx)
    if (step == "decide") != province or (
        not province
        and (
            (step in ("acknowledge", "answer") and city != ticket.counterpart_city)
            or (step in ("reopen", "resolve", "escalate") and city != ticket.raised_city)
        )
    ):
        raise RuleError(
            TicketErrorCode.TICKET_WRONG_SIDE,
            f"'{step}' is for the {'province' if step == 'decide' else 'other office'}.",
            field="ticketId",
            rule=RULE,
        )
    now, before = ctx.now(), ticket.status
    source = ctx.platform.ticket_sources.get(ticket.measure)
    days = source.response_workdays if source else 2
    values: dict[str, Any] = {"updated_at": now}
    if step == "answer":
        values.update(answer=text, due_on=due_after(ctx.platform, ctx.today(), days))
    elif step == "reopen":
        values.update(due_on=due_after(ctx.platform, ctx.today(), days))
    elif step in ("resolve", "decide"):
        values.update(resolution=text, resolved_at=now, due_on=None)
    elif step == "escalate":
        values.update(escalated_at=now, due_on=None)
    move(ctx, session, TICKET_WORKFLOW, ticket, step, values=values, field_name="ticketId")
    record(session, ticket, now, ctx.actor.account_id, step, before, text)
    tell(session, now, ctx.platform.notices, ticket, step, text or "处理中")
    scope.subject(_app_person(session, ticket.application_id), f"OfficeTicket:{ticket.id}")
    return ticket


def read_one(ctx: Context, ticket_id: str) -> Any:
    ticket, _city = _load(ctx.session, ctx, ticket_id, field="id")
    ctx.audit_read(
        "core.office_ticket_read",
        _app_person(ctx.session, ticket.application_id),
        f"OfficeTicket:{ticket.id}",
        {"purpose": "office ticket"},
    )
    return ticket


def list_statement(ctx: Context, code: str, status: TicketStatus | None) -> Any:
    """Clerks and supervisors: the tickets of their city (either side). Province admins: the
    escalated tickets touching their province (`code` is the province)."""
    row = OfficeTicket
    if _is_province_admin(ctx):
        if code not in PROVINCES:
            raise RuleError(
                Code.UNKNOWN_CITY,
                f"{str(code)[:12]!r} is not a province code: as a province admin give your "
                f"province's code ({ctx.actor.province_code}).",
                field="code",
            )
        place = lookup_province(code, "code").code
        if place != ctx.actor.province_code:
            raise RuleError(Code.OUT_OF_JURISDICTION, "Not your province.", field="code")
        where = [
            row.escalated_at.is_not(None),
            or_(row.out_province == place, row.in_province == place),
        ]
    else:
        if code not in CITIES:
            raise RuleError(
                Code.UNKNOWN_CITY,
                f"{str(code)[:12]!r} is not a city code: give the code of your office's city"
                + (f" ({ctx.actor.city_code})." if ctx.actor.city_code else "."),
                field="code",
            )
        place = lookup_city(code, "code").code
        ctx.require_jurisdiction(place, field="code")
        where = [or_(row.out_city == place, row.in_city == place)]
    if status is not None:
        where.append(row.status == TicketStatus(status).value)
    return select(row).where(*where).order_by(row.created_at.desc(), row.id)
