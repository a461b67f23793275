"""GraphQL for notices (core/notices.py): what the platform told the caller, newest first.

A citizen sees the notices addressed to them and to the units they administer (legal person or
admin); staff see those addressed to their account; a partner's clients those addressed to their
organisation.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import strawberry
from sqlalchemy import or_
from sqlmodel import select

from core.accounts import UnitMember, UnitRole
from core.clock import to_china
from core.context import Context
from core.graphql.operations import operation_field
from core.graphql.pagination import Connection, paginate
from core.notices import NoticeChannel
from core.outbox import OutboxMessage

_UNIT_ADMINS = (UnitRole.LEGAL_PERSON.value, UnitRole.ADMIN.value)


NoticeChannelEnum = strawberry.enum(
    NoticeChannel,
    name="NoticeChannel",
    description="How a notice was sent: APP (a message in the app), SMS, or WEBHOOK (to a "
    "partner's webhook).",
)


@strawberry.type(description="Something the platform told you (提示告知), as it was sent.")
class Notice:
    id: strawberry.ID
    measure: str | None = strawberry.field(description="The measure that sent it (or core).")
    template: str = strawberry.field(description="What kind of notice: '<measure>.<event>'.")
    text: str
    channel: NoticeChannelEnum  # type: ignore[valid-type]
    unit_id: strawberry.ID | None = strawberry.field(
        description="Set when the notice was addressed to one of your units."
    )
    created_at: dt.datetime
    sent_at: dt.datetime | None = strawberry.field(
        description="When the sender took it; null while it waits in the outbox."
    )

    @classmethod
    def of(cls, row: Any) -> Notice:
        return cls(
            id=strawberry.ID(row.id),
            measure=row.measure,
            template=row.template,
            text=row.text or row.template,
            channel=NoticeChannel(row.channel),
            unit_id=strawberry.ID(row.unit_id) if row.unit_id else None,
            created_at=to_china(row.created_at),
            sent_at=to_china(row.sent_at) if row.sent_at else None,
        )


def _addressed_to_caller(ctx: Context) -> Any:
    """The WHERE clause of the caller's notices (see the module docstring)."""
    actor = ctx.actor
    if actor.partner_org_id:
        return OutboxMessage.partner_org_id == actor.partner_org_id
    if actor.is_staff:
        return OutboxMessage.account_id == actor.account_id
    person_id = ctx.require_person()
    units = select(UnitMember.unit_id).where(
        UnitMember.person_id == person_id,
        UnitMember.status == "ACTIVE",
        UnitMember.role.in_(_UNIT_ADMINS),  # type: ignore[attr-defined]
    )
    return or_(OutboxMessage.person_id == person_id, OutboxMessage.unit_id.in_(units))  # type: ignore[union-attr]


@strawberry.type
class NoticesQuery:
    @operation_field(
        "core.my_notices",
        "What the platform told you: decisions on your applications and credentials, "
        "reminders and deadlines, newest first.",
    )
    def my_notices(
        self, info: strawberry.Info, first: int = 20, after: str | None = None
    ) -> Connection[Notice]:
        ctx: Context = info.context
        stmt = (
            select(OutboxMessage)
            .where(_addressed_to_caller(ctx))
            .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id)  # type: ignore[attr-defined]
        )
        return paginate(ctx, stmt, first, after, Notice.of)
