"""GraphQL operations of licence monitoring (core/monitoring/__init__.py).

holders (CITIZEN)      monitoringPartners, myMonitoringGrants, monitoringGrantCreate,
                       monitoringGrantRevoke
partners               partnerMonitoringGrants (their organisation's grants, no identity of the
                       holder), monitoringWebhookEndpointSet (returns the signing secret once)
administrators         partnerMonitoringRegister (the longest grant a partner may receive)
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import strawberry
from sqlmodel import select

from core.accounts import PartnerOrg
from core.clock import to_china
from core.context import Context, WriteScope
from core.graphql.operations import Payload, mutation, operation_field
from core.graphql.pagination import Connection, paginate

from . import rules, service
from .models import MonitoringGrant as GrantRow
from .models import MonitoringRegistration

MonitoringEvent = strawberry.enum(
    rules.MonitoringEvent,
    name="MonitoringEvent",
    description="A change of a licence a partner can be told of (docs/partners.md).",
)
MonitoringGrantStatus = strawberry.enum(
    rules.GrantStatus,
    name="MonitoringGrantStatus",
    description="ACTIVE, REVOKED by the holder, or EXPIRED at the end of its period.",
)


@strawberry.type(description="A partner firm registered for licence monitoring.")
class MonitoringPartner:
    id: strawberry.ID
    name: str
    kind: str
    max_days: int = strawberry.field(description="The longest grant it may receive, in days.")
    events: list[MonitoringEvent] = strawberry.field(  # type: ignore[valid-type]
        description="What it may be told of (its registration's allowed claims decide)."
    )


@strawberry.type(description="A holder's consent that one partner be told of changes to one "
                 "licence (监测授权).")  # fmt: skip
class MonitoringGrant:
    id: strawberry.ID
    partner_id: strawberry.ID
    partner_name: str
    purpose: str
    partner_reference: str | None = strawberry.field(
        description="What the holder gave the partner to match the grant (a policy number...)."
    )
    events: list[MonitoringEvent]  # type: ignore[valid-type]
    status: MonitoringGrantStatus  # type: ignore[valid-type]
    created_at: dt.datetime
    expires_at: dt.datetime
    ended_at: dt.datetime | None

    @classmethod
    def of(cls, row: Any) -> MonitoringGrant:
        grant, partner_name = row
        return cls(
            id=strawberry.ID(grant.id),
            partner_id=strawberry.ID(grant.partner_org_id),
            partner_name=partner_name,
            purpose=grant.purpose,
            partner_reference=grant.partner_reference,
            events=[rules.MonitoringEvent(e) for e in grant.events],
            status=rules.GrantStatus(grant.status),
            created_at=to_china(grant.created_at),
            expires_at=to_china(grant.expires_at),
            ended_at=to_china(grant.ended_at) if grant.ended_at else None,
        )


@strawberry.input
class MonitoringGrantCreateInput:
    partner_id: strawberry.ID
    purpose: str = strawberry.field(
        description="Why the partner monitors (at most 100 characters)."
    )
    days: int = strawberry.field(description="How long, in days (at most the partner's maxDays).")
    events: list[MonitoringEvent] | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Null: every event the partner may be told of."
    )
    licence_id: strawberry.ID | None = strawberry.field(
        default=None, description="Null: your only driving licence."
    )
    partner_reference: str | None = strawberry.field(
        default=None,
        description="Given to the partner with every delivery (at most 64 characters).",
    )


@strawberry.type
class MonitoringGrantPayload(Payload):
    grant: MonitoringGrant | None = None


@strawberry.type
class MonitoringEndpointPayload(Payload):
    url: str | None = None
    secret: str | None = strawberry.field(
        default=None,
        description="The Standard Webhooks signing secret (whsec_...), shown only now; a new "
        "call replaces it.",
    )


@strawberry.type
class MonitoringRegistrationPayload(Payload):
    partner_id: strawberry.ID | None = None
    max_days: int | None = None


def _with_partner_name(grant: GrantRow, session: Any) -> MonitoringGrant:
    org = session.get(PartnerOrg, grant.partner_org_id)
    return MonitoringGrant.of((grant, org.name if org else ""))


def _grants_query() -> Any:
    return select(GrantRow, PartnerOrg.name).join(
        PartnerOrg,
        PartnerOrg.id == GrantRow.partner_org_id,  # type: ignore[arg-type]
    )


@strawberry.type
class MonitoringQuery:
    @operation_field(
        "core.monitoring_partners",
        "Partner firms you may let monitor your licence, with what each may be told.",
    )
    def monitoring_partners(self, info: strawberry.Info) -> list[MonitoringPartner]:
        ctx: Context = info.context
        rows = ctx.session.exec(
            select(PartnerOrg, MonitoringRegistration.max_days)
            .join(MonitoringRegistration, MonitoringRegistration.partner_org_id == PartnerOrg.id)  # type: ignore[arg-type]
            .where(PartnerOrg.status == "ACTIVE")
            .order_by(PartnerOrg.name)
        ).all()
        return [
            MonitoringPartner(
                id=strawberry.ID(org.id),
                name=org.name,
                kind=org.kind,
                max_days=max_days,
                events=rules.offered_events(org.allowed_claims),
            )
            for org, max_days in rows
            if rules.offered_events(org.allowed_claims)
        ]

    @operation_field(
        "core.monitoring_read_own",
        "Your monitoring grants, newest first (who may be told of changes to your licence).",
    )
    def my_monitoring_grants(
        self, info: strawberry.Info, first: int = 20, after: str | None = None
    ) -> Connection[MonitoringGrant]:
        ctx: Context = info.context
        stmt = (
            _grants_query()
            .where(GrantRow.holder_person_id == ctx.require_person())
            .order_by(GrantRow.created_at.desc(), GrantRow.id)  # type: ignore[attr-defined]
        )
        return paginate(ctx, stmt, first, after, MonitoringGrant.of)

    @operation_field(
        "core.monitoring_partner_read",
        "Your organisation's monitoring grants, newest first (no identity of the holders: match "
        "them by grant id or partnerReference).",
        qualifier="their own organisation",
    )
    def partner_monitoring_grants(
        self,
        info: strawberry.Info,
        first: int = 20,
        after: str | None = None,
        status: MonitoringGrantStatus | None = None,  # type: ignore[valid-type]
    ) -> Connection[MonitoringGrant]:
        ctx: Context = info.context
        stmt = _grants_query().where(GrantRow.partner_org_id == (ctx.actor.partner_org_id or "-"))
        if status is not None:
            stmt = stmt.where(GrantRow.status == status.value)
        stmt = stmt.order_by(GrantRow.created_at.desc(), GrantRow.id)  # type: ignore[attr-defined]
        return paginate(ctx, stmt, first, after, MonitoringGrant.of)


@strawberry.type
class MonitoringMutation:
    @mutation(
        "core.monitoring_grant",
        "Let a registered partner be told when your licence's status changes (suspended, "
        "revoked, cancelled, expired, restored, 12 points, expiring), for a purpose and a "
        "period. Audited; you can revoke it at any time.",
        qualifier="the licence holder",
    )
    def monitoring_grant_create(
        self, info: strawberry.Info, input: MonitoringGrantCreateInput, scope: WriteScope
    ) -> MonitoringGrantPayload:
        ctx: Context = info.context
        grant = service.create_grant(
            ctx,
            scope,
            service.GrantRequest(
                partner_id=str(input.partner_id),
                purpose=input.purpose,
                days=input.days,
                events=[rules.MonitoringEvent(e) for e in input.events] if input.events else None,
                licence_id=str(input.licence_id) if input.licence_id else None,
                partner_reference=input.partner_reference,
            ),
        )
        return MonitoringGrantPayload(grant=_with_partner_name(grant, scope.session))

    @mutation(
        "core.monitoring_revoke",
        "End one of your monitoring grants: nothing more is delivered, what is queued included.",
        qualifier="the licence holder",
    )
    def monitoring_grant_revoke(
        self, info: strawberry.Info, grant_id: strawberry.ID, scope: WriteScope
    ) -> MonitoringGrantPayload:
        grant = service.revoke_grant(info.context, scope, str(grant_id))
        return MonitoringGrantPayload(grant=_with_partner_name(grant, scope.session))

    @mutation(
        "core.monitoring_endpoint_set",
        "Set your organisation's webhook endpoint (https) and get a new signing secret.",
        qualifier="partners registered for monitoring",
    )
    def monitoring_webhook_endpoint_set(
        self, info: strawberry.Info, url: str, scope: WriteScope
    ) -> MonitoringEndpointPayload:
        reg, secret = service.set_endpoint(info.context, scope, url)
        return MonitoringEndpointPayload(url=reg.webhook_url, secret=secret)

    @mutation(
        "core.monitoring_register",
        "Register a partner for licence monitoring: the longest grant it may receive (1-1095 "
        "days). Audited.",
        qualifier="national admins: any partner; province admins: partners of their province",
    )
    def partner_monitoring_register(
        self, info: strawberry.Info, partner_id: strawberry.ID, max_days: int, scope: WriteScope
    ) -> MonitoringRegistrationPayload:
        reg = service.register(info.context, scope, str(partner_id), max_days)
        return MonitoringRegistrationPayload(
            partner_id=strawberry.ID(reg.partner_org_id), max_days=reg.max_days
        )
