"""GraphQL for office tickets (core/tickets.py): two offices settle a problem on an application.

The roles are the permission rules in core/core_plugin.py; who may take which step on which
ticket is decided in core/ticket_steps.py.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import strawberry
from sqlmodel import select

from core import ticket_steps as steps
from core.clock import to_china
from core.context import Context, WriteScope
from core.graphql.operations import Payload, mutation, operation_field
from core.graphql.pagination import Connection, paginate
from core.tickets import (
    OfficeTicketEvent,
    TicketKind,
    TicketStatus,
    TicketStep,
)

KindEnum = strawberry.enum(
    TicketKind,
    name="OfficeTicketKind",
    description="What is wrong: ARCHIVE_LATE (转递不及时), ARCHIVE_INCOMPLETE (资料不完整), "
    "VEHICLE_MISMATCH (与实车不一致), SYSTEM_ERROR (信息系统异常、数据传输错误).",
)
StatusEnum = strawberry.enum(
    TicketStatus,
    name="OfficeTicketStatus",
    description="OPEN, PENDING (acknowledged), ANSWERED, ESCALATED (to the province), RESOLVED.",
)
StepEnum = strawberry.enum(
    TicketStep,
    name="OfficeTicketStepName",
    description="RAISE, then the workflow's steps: ACKNOWLEDGE, ANSWER, REOPEN, RESOLVE, ESCALATE "
    "(by the office or the deadline job), CLOSE (answered and not disputed in time), DECIDE (the "
    "province), MOOT (the application ended).",
)


@strawberry.type(description="One step of an office ticket.")
class OfficeTicketStep:
    at: dt.datetime
    step: StepEnum  # type: ignore[valid-type]
    from_status: StatusEnum | None  # type: ignore[valid-type]
    to_status: StatusEnum  # type: ignore[valid-type]
    note: str | None


def _history(ctx: Context, keys: list[str]) -> list[list[OfficeTicketStep]]:
    rows = ctx.session.exec(
        select(OfficeTicketEvent)
        .where(OfficeTicketEvent.ticket_id.in_(keys))  # type: ignore[attr-defined]
        .order_by(OfficeTicketEvent.id)  # type: ignore[arg-type]
    ).all()
    found: dict[str, list[OfficeTicketStep]] = {k: [] for k in keys}
    for r in rows:
        found[r.ticket_id].append(
            OfficeTicketStep(
                at=to_china(r.at),
                step=TicketStep(r.step),
                from_status=TicketStatus(r.from_status) if r.from_status else None,
                to_status=TicketStatus(r.to_status),
                note=r.note,
            )
        )
    return [found[k] for k in keys]


@strawberry.type(description="A problem one vehicle office raised with another on an application.")
class OfficeTicket:
    id: strawberry.ID
    measure: str
    application_id: strawberry.ID
    kind: KindEnum  # type: ignore[valid-type]
    status: StatusEnum  # type: ignore[valid-type]
    transfer_out_city: str
    transfer_in_city: str
    raised_city: str = strawberry.field(description="The office that raised it")
    counterpart_city: str = strawberry.field(description="The office it was raised to")
    description: str
    answer: str | None
    resolution: str | None
    due_on: dt.date | None = strawberry.field(
        description="The day by which the office to act next must act (answer, or accept the "
        "answer); past it, the job escalates (or closes an uncontested answer)"
    )
    escalated_at: dt.datetime | None
    resolved_at: dt.datetime | None
    created_at: dt.datetime

    @strawberry.field(description="Every step, oldest first.")
    async def history(self, info: strawberry.Info) -> list[OfficeTicketStep]:
        ctx: Context = info.context
        loader = ctx.loader("office_ticket_history", lambda keys: _history(ctx, list(keys)))
        return await loader.load(str(self.id))  # type: ignore[no-any-return]

    @classmethod
    def of(cls, row: Any) -> OfficeTicket:
        return cls(
            id=strawberry.ID(row.id),
            measure=row.measure,
            application_id=strawberry.ID(row.application_id),
            kind=TicketKind(row.kind),
            status=TicketStatus(row.status),
            transfer_out_city=row.out_city,
            transfer_in_city=row.in_city,
            raised_city=row.raised_city,
            counterpart_city=row.counterpart_city,
            description=row.description,
            answer=row.answer,
            resolution=row.resolution,
            due_on=row.due_on,
            escalated_at=to_china(row.escalated_at) if row.escalated_at else None,
            resolved_at=to_china(row.resolved_at) if row.resolved_at else None,
            created_at=to_china(row.created_at),
        )


@strawberry.input(description="A problem to settle with the other office of an application.")
class OfficeTicketRaiseInput:
    application_id: strawberry.ID
    kind: KindEnum  # type: ignore[valid-type]
    description: str


@strawberry.type
class OfficeTicketPayload(Payload):
    ticket: OfficeTicket | None = None


# --- GraphQL -------------------------------------------------------------------------------------


@strawberry.type
class TicketQuery:
    @operation_field(
        "core.office_ticket_read",
        "One office ticket with its history.",
        qualifier="staff of the two offices' cities; province admins: escalated ones",
        own_records=True,
    )
    def office_ticket(self, info: strawberry.Info, id: strawberry.ID) -> OfficeTicket:
        return OfficeTicket.of(steps.read_one(info.context, str(id)))

    @operation_field(
        "core.office_ticket_read",
        "Office tickets of a city (either side), newest first; province admins give their "
        "province and get its escalated tickets.",
        qualifier="own city or province",
        own_records=True,
    )
    def office_tickets(
        self,
        info: strawberry.Info,
        code: str,
        status: StatusEnum | None = None,  # type: ignore[valid-type]
        first: int = 20,
        after: str | None = None,
    ) -> Connection[OfficeTicket]:
        ctx: Context = info.context
        page = paginate(ctx, steps.list_statement(ctx, code, status), first, after, OfficeTicket.of)
        ctx.audit_read(
            "core.office_ticket_read", None, None, {"purpose": "tickets", "count": len(page.nodes)}
        )
        return page


@strawberry.type
class TicketMutation:
    @mutation(
        "core.office_ticket_raise",
        "Raise a problem (archive late, incomplete, not matching the vehicle, system error) with "
        "the other office of an application; it answers by the deadline or the ticket escalates.",
        qualifier="clerks and supervisors of the transfer-out or transfer-in city",
    )
    def office_ticket_raise(
        self, info: strawberry.Info, input: OfficeTicketRaiseInput, scope: WriteScope
    ) -> OfficeTicketPayload:
        row = steps.raise_ticket(
            info.context, scope, str(input.application_id), input.kind, input.description
        )
        return OfficeTicketPayload(ticket=OfficeTicket.of(row))

    @mutation(
        "core.office_ticket_acknowledge",
        "Acknowledge a ticket raised to your office (PENDING), with an optional note.",
        qualifier="the office it was raised to",
        way_out=True,
    )
    def office_ticket_acknowledge(
        self,
        info: strawberry.Info,
        ticket_id: strawberry.ID,
        scope: WriteScope,
        note: str | None = None,
    ) -> OfficeTicketPayload:
        row = steps.take_step(info.context, scope, str(ticket_id), "acknowledge", note, "note")
        return OfficeTicketPayload(ticket=OfficeTicket.of(row))

    @mutation(
        "core.office_ticket_answer",
        "Answer a ticket raised to your office (also once escalated).",
        qualifier="the office it was raised to",
        way_out=True,
    )
    def office_ticket_answer(
        self, info: strawberry.Info, ticket_id: strawberry.ID, answer: str, scope: WriteScope
    ) -> OfficeTicketPayload:
        row = steps.take_step(info.context, scope, str(ticket_id), "answer", answer, "answer")
        return OfficeTicketPayload(ticket=OfficeTicket.of(row))

    @mutation(
        "core.office_ticket_reopen",
        "The answer did not solve it: back to the other office with a new deadline.",
        qualifier="the raising office",
        way_out=True,
    )
    def office_ticket_reopen(
        self, info: strawberry.Info, ticket_id: strawberry.ID, reason: str, scope: WriteScope
    ) -> OfficeTicketPayload:
        row = steps.take_step(info.context, scope, str(ticket_id), "reopen", reason, "reason")
        return OfficeTicketPayload(ticket=OfficeTicket.of(row))

    @mutation(
        "core.office_ticket_resolve",
        "Close your ticket as solved, saying how.",
        qualifier="the raising office",
        way_out=True,
    )
    def office_ticket_resolve(
        self, info: strawberry.Info, ticket_id: strawberry.ID, resolution: str, scope: WriteScope
    ) -> OfficeTicketPayload:
        row = steps.take_step(
            info.context, scope, str(ticket_id), "resolve", resolution, "resolution"
        )
        return OfficeTicketPayload(ticket=OfficeTicket.of(row))

    @mutation(
        "core.office_ticket_escalate",
        "Contest the other office's answer (or its silence): the province (总队) decides.",
        qualifier="the raising office",
        way_out=True,
    )
    def office_ticket_escalate(
        self, info: strawberry.Info, ticket_id: strawberry.ID, reason: str, scope: WriteScope
    ) -> OfficeTicketPayload:
        row = steps.take_step(info.context, scope, str(ticket_id), "escalate", reason, "reason")
        return OfficeTicketPayload(ticket=OfficeTicket.of(row))

    @mutation(
        "core.office_ticket_decide",
        "Decide an escalated ticket; both offices are told.",
        qualifier="province admins of either city's province",
        way_out=True,
    )
    def office_ticket_decide(
        self, info: strawberry.Info, ticket_id: strawberry.ID, decision: str, scope: WriteScope
    ) -> OfficeTicketPayload:
        row = steps.take_step(info.context, scope, str(ticket_id), "decide", decision, "decision")
        return OfficeTicketPayload(ticket=OfficeTicket.of(row))
