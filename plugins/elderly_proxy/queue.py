"""Window queue tickets with a green channel for people aged 60+ (六-二)."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import select

from core.accounts import Office
from core.concurrency import consume_once
from core.context import Context, WriteScope
from core.db import stamp
from core.errors import NotFound, RuleError
from core.identity import DocumentType, age_on, parse_identity
from core.ids import lookup_id

from . import rules
from .errors import ElderProxyErrorCode
from .models import ElderQueueTicket
from .rules import MEASURE


def office_of(ctx: Context, session, office_id: str | None) -> Office:  # noqa: ANN001
    """The office named (or the clerk's own), in force and in the clerk's jurisdiction."""
    wanted = lookup_id(office_id) if office_id else ctx.actor.office_id
    if not wanted:
        raise RuleError(
            ElderProxyErrorCode.NO_OFFICE,
            "Name the office (your account has none).",
            field="officeId",
        )
    office = session.get(Office, wanted)
    if office is None:
        raise NotFound("Office", "officeId")
    ctx.require_in_force(MEASURE, office.city_code)
    ctx.require_jurisdiction(office.city_code, rule=rules.RULE_QUEUE, field="officeId")
    return office


def issue(
    ctx: Context,
    scope: WriteScope,
    *,
    office_id: str | None,
    holder_id_type: DocumentType | str | None,
    holder_id_number: str | None,
) -> ElderQueueTicket:
    """Issue the next ticket of the office's day; priority when the holder is 60+ today."""
    session = scope.session
    holder_age = None
    birth = None
    today = ctx.today()
    if holder_id_number:
        doc = parse_identity(
            holder_id_type or DocumentType.MAINLAND_ID, holder_id_number, "holderIdNumber"
        )
        birth = doc.birth_date
        if birth is not None:
            holder_age = age_on(birth, today)
    office = office_of(ctx, session, office_id)
    # serialise numbering per office (row lock on PostgreSQL; SQLite has one writer anyway)
    session.exec(select(Office).where(Office.id == office.id).with_for_update()).first()
    last = session.exec(
        select(func.max(ElderQueueTicket.number)).where(
            ElderQueueTicket.office_id == office.id, ElderQueueTicket.day == today
        )
    ).one()
    ticket = ElderQueueTicket(
        office_id=office.id,
        city_code=office.city_code,
        day=today,
        number=(last or 0) + 1,
        priority=rules.is_priority(birth, today),
        holder_age=holder_age,
        issued_at=stamp(ctx.now()),
        issued_by_account_id=ctx.actor.account_id,
    )
    session.add(ticket)
    session.flush()
    scope.subject(None, f"ElderQueueTicket:{ticket.id}", priority=ticket.priority)
    return ticket


def waiting_statement(office_id: str, day):  # noqa: ANN001, ANN201
    """Waiting tickets in calling order: the green channel first, then by number."""
    return (
        select(ElderQueueTicket)
        .where(
            ElderQueueTicket.office_id == office_id,
            ElderQueueTicket.day == day,
            ElderQueueTicket.called_at.is_(None),  # type: ignore[union-attr]
        )
        .order_by(ElderQueueTicket.priority.desc(), ElderQueueTicket.number)  # type: ignore[attr-defined]
    )


def call_next(ctx: Context, scope: WriteScope, *, office_id: str | None) -> ElderQueueTicket:
    """Call the next waiting ticket (priority first); two clerks never call the same ticket."""
    session = scope.session
    office = office_of(ctx, session, office_id)
    now = stamp(ctx.now())
    for _attempt in range(5):
        ticket = session.exec(waiting_statement(office.id, ctx.today()).limit(1)).first()
        if ticket is None:
            break
        if consume_once(session, ElderQueueTicket, ticket.id, "called_at", now):
            session.refresh(ticket)
            ticket.called_by_account_id = ctx.actor.account_id
            session.add(ticket)
            scope.subject(None, f"ElderQueueTicket:{ticket.id}")
            return ticket
        session.expire_all()
    raise RuleError(ElderProxyErrorCode.QUEUE_EMPTY, "Nobody is waiting.", field="officeId")
