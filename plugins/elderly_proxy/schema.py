"""GraphQL types, inputs, payloads and the Query / Mutation of M06."""

from __future__ import annotations

import datetime as dt

import strawberry
from sqlmodel import or_, select

from core.accounts import Person
from core.api.types import Application, IdTypeEnum
from core.applications_types import ApplicationStatus
from core.context import Context, WriteScope
from core.errors import Code, RuleError
from core.graphql.mine import renamed_mine_list
from core.graphql.operations import Payload, mutation, operation_field
from core.graphql.pagination import Connection, paginate
from core.graphql.rows import from_row
from core.ids import lookup_id
from core.registries.applications import Application as ApplicationRow
from core.registries.applications import AppStatus

from . import queue, rules, service
from .models import ElderProxyAuthorisation as AuthRow
from .models import ElderQueueTicket as TicketRow
from .rules import MEASURE

FILE_CITY = "the elder's file's city"
OWN_OFFICE = "own office"
THE_RELATIVE = "the relative who applied"


@strawberry.type(description="A relative's proxy application for a person aged 60+ (M06).")
class ElderProxyApplication:
    id: strawberry.ID
    business: str
    business_label: str
    status: ApplicationStatus = strawberry.field(  # type: ignore[valid-type]
        description="The application's review state."
    )
    city: str
    vehicle_id: strawberry.ID | None
    licence_id: strawberry.ID | None
    elder_id_type: IdTypeEnum
    elder_age_on_application: int
    applied_on: dt.date
    liveness_check_ref: str = strawberry.field(description="Real-person authentication result.")
    id_document_sha256: str
    decision_note: str | None
    used_at: dt.datetime | None
    cancelled_at: dt.datetime | None
    handled_application_id: strawberry.ID | None
    i_am_relative: bool = strawberry.field(
        description="True for the relative, False for the elder."
    )

    @classmethod
    def of(cls, auth: AuthRow, app: ApplicationRow, me: str | None) -> ElderProxyApplication:
        return from_row(
            cls,
            auth,
            china_times=True,
            business_label=rules.BUSINESSES[auth.business].label_zh,
            status=app.status,
            city=auth.city_code,
            decision_note=app.decision_note,
            handled_application_id=strawberry.ID(auth.handled_application_id)
            if auth.handled_application_id
            else None,
            i_am_relative=me == auth.relative_person_id,
        )


@strawberry.type(description="A window queue ticket; 60+ get the green channel (六-二).")
class ElderQueueTicket:
    id: strawberry.ID
    label: str = strawberry.field(description="G001 for the green channel, A001 otherwise.")
    number: int
    priority: bool
    holder_age: int | None
    office_id: strawberry.ID
    day: dt.date
    issued_at: dt.datetime
    called_at: dt.datetime | None

    @classmethod
    def of(cls, row: TicketRow) -> ElderQueueTicket:
        label = f"{'G' if row.priority else 'A'}{row.number:03d}"
        return from_row(cls, row, china_times=True, label=label)


@strawberry.input
class ElderProxyApplyInput:
    elder_id_type: IdTypeEnum = strawberry.field(
        description="MAINLAND_ID or HMT_RESIDENCE_PERMIT is accepted (六-一-1)."
    )
    elder_id_number: str
    elder_name: str
    liveness_check_ref: str = strawberry.field(description="实人认证 result reference")
    id_document_sha256: str = strawberry.field(description="SHA-256 of the uploaded ID image")
    business: str
    vehicle_id: strawberry.ID | None = None
    licence_id: strawberry.ID | None = None


@strawberry.input
class ElderProxyReviewInput:
    application_id: strawberry.ID
    approve: bool
    note: str | None = None


@strawberry.input
class ElderProxyHandleInput:
    application_id: strawberry.ID
    business: str
    vehicle_id: strawberry.ID | None = None
    licence_id: strawberry.ID | None = None


@strawberry.input
class ElderQueueTicketIssueInput:
    office_id: strawberry.ID | None = None
    holder_id_type: IdTypeEnum | None = None
    holder_id_number: str | None = None


@strawberry.type
class ElderProxyPayload(Payload):
    application: ElderProxyApplication | None = None
    handled_application: Application | None = None


@strawberry.type
class ElderQueueTicketPayload(Payload):
    ticket: ElderQueueTicket | None = None


def _opt(value: strawberry.ID | None) -> str | None:
    return lookup_id(value) if value else None


def _node(session, me: str | None):  # noqa: ANN001, ANN202
    def convert(auth: AuthRow) -> ElderProxyApplication:
        return ElderProxyApplication.of(auth, session.get(ApplicationRow, auth.id), me)

    return convert


@strawberry.type
class ElderProxyQuery:
    @operation_field(
        f"{MEASURE}.read_own",
        "Proxy applications I made as relative, or made for me.",
        own_records=True,
    )
    def my_elder_proxy_applications(
        self, info: strawberry.Info, first: int = 20, after: str | None = None
    ) -> Connection[ElderProxyApplication]:
        ctx: Context = info.context
        me = ctx.require_person()
        person = ctx.session.get(Person, me)
        if person is not None and person.domicile_city:
            ctx.require_in_force(MEASURE, person.domicile_city)
        rows = ctx.session.exec(
            select(AuthRow.city_code).where(
                or_(AuthRow.relative_person_id == me, AuthRow.elder_person_id == me)
            )
        ).all()
        cities = [c for c in set(rows) if ctx.gate_passes(MEASURE, c)]
        statement = (
            select(AuthRow)
            .where(or_(AuthRow.relative_person_id == me, AuthRow.elder_person_id == me))
            .where(AuthRow.city_code.in_(cities))  # type: ignore[attr-defined]
            .order_by(AuthRow.created_at.desc(), AuthRow.id)  # type: ignore[attr-defined]
        )
        return paginate(ctx, statement, first, after, _node(ctx.session, me))

    @operation_field(
        f"{MEASURE}.read_own",
        "Proxy applications I made as relative, or made for me.",
        deprecation_reason=renamed_mine_list("myElderProxyApplications"),
        own_records=True,
    )
    def elder_proxy_applications_mine(
        self, info: strawberry.Info, first: int = 20, after: str | None = None
    ) -> Connection[ElderProxyApplication]:
        return ElderProxyQuery.my_elder_proxy_applications(self, info, first, after)  # type: ignore[operator]

    @operation_field(
        f"{MEASURE}.review",
        "Applications of my city waiting for review (audited).",
        qualifier="own city",
    )
    def elder_proxy_review_queue(
        self, info: strawberry.Info, first: int = 20, after: str | None = None
    ) -> Connection[ElderProxyApplication]:
        ctx: Context = info.context
        city = ctx.actor.city_code
        if not city:
            raise RuleError(Code.OUT_OF_JURISDICTION, "Your account has no city.", field="city")
        ctx.require_in_force(MEASURE, city)
        statement = (
            select(AuthRow)
            .join(ApplicationRow, ApplicationRow.id == AuthRow.id)
            .where(AuthRow.city_code == city, ApplicationRow.status == AppStatus.SUBMITTED.value)
            .order_by(AuthRow.created_at, AuthRow.id)
        )
        page = paginate(ctx, statement, first, after, _node(ctx.session, None))
        ctx.audit_read(
            f"{MEASURE}.review_queue",
            None,
            f"City:{city}",
            {"purpose": "review queue", "ids": [str(n.id) for n in page.nodes]},
            measure=MEASURE,
        )
        return page

    @operation_field(
        f"{MEASURE}.queue",
        "Waiting tickets in calling order (green first).",
        qualifier=OWN_OFFICE,
    )
    def elder_queue_waiting(
        self,
        info: strawberry.Info,
        office_id: strawberry.ID | None = None,
        first: int = 20,
        after: str | None = None,
    ) -> Connection[ElderQueueTicket]:
        ctx: Context = info.context
        office = queue.office_of(ctx, ctx.session, _opt(office_id))
        statement = queue.waiting_statement(office.id, ctx.today())
        return paginate(ctx, statement, first, after, ElderQueueTicket.of)


@strawberry.type
class ElderProxyMutation:
    @mutation(
        f"{MEASURE}.apply",
        "Apply to handle one of the 8 businesses for a person aged 60+ (real-person check "
        "reference and ID upload).",
        qualifier="the relative, own account",
    )
    def elder_proxy_apply(
        self, info: strawberry.Info, input: ElderProxyApplyInput, scope: WriteScope
    ) -> ElderProxyPayload:
        ctx: Context = info.context
        auth = service.apply(
            ctx,
            scope,
            elder=(input.elder_id_type, input.elder_id_number, input.elder_name),
            liveness_check_ref=input.liveness_check_ref,
            id_document_sha256=input.id_document_sha256,
            business_code=input.business,
            vehicle_id=_opt(input.vehicle_id),
            licence_id=_opt(input.licence_id),
        )
        app = scope.session.get(ApplicationRow, auth.id)
        return ElderProxyPayload(
            application=ElderProxyApplication.of(auth, app, ctx.actor.person_id)
        )

    @mutation(
        f"{MEASURE}.review",
        "Approve or reject a proxy application (a note is required to reject).",
        qualifier=FILE_CITY,
        way_out=lambda a: not a["input"].approve,
    )
    def elder_proxy_review(
        self, info: strawberry.Info, input: ElderProxyReviewInput, scope: WriteScope
    ) -> ElderProxyPayload:
        auth, app = service.review(
            info.context,
            scope,
            auth_id=str(input.application_id),
            approve=input.approve,
            note=input.note,
        )
        return ElderProxyPayload(application=ElderProxyApplication.of(auth, app, None))

    @mutation(
        f"{MEASURE}.handle",
        "Handle the one approved business; the authorisation is then used up.",
        qualifier=THE_RELATIVE,
    )
    def elder_proxy_handle(
        self, info: strawberry.Info, input: ElderProxyHandleInput, scope: WriteScope
    ) -> ElderProxyPayload:
        ctx: Context = info.context
        auth, app, handled = service.handle(
            ctx,
            scope,
            auth_id=str(input.application_id),
            business_code=input.business,
            vehicle_id=_opt(input.vehicle_id),
            licence_id=_opt(input.licence_id),
        )
        return ElderProxyPayload(
            application=ElderProxyApplication.of(auth, app, ctx.actor.person_id),
            handled_application=Application.of(handled),
        )

    @mutation(
        f"{MEASURE}.cancel",
        "Cancel before the business is handled.",
        qualifier=THE_RELATIVE,
        way_out=True,
    )
    def elder_proxy_cancel(
        self, info: strawberry.Info, application_id: strawberry.ID, scope: WriteScope
    ) -> ElderProxyPayload:
        ctx: Context = info.context
        auth, app = service.cancel(ctx, scope, auth_id=str(application_id))
        return ElderProxyPayload(
            application=ElderProxyApplication.of(auth, app, ctx.actor.person_id)
        )

    @mutation(
        f"{MEASURE}.revoke",
        "The elder revokes the mandate before the business is handled; the relative is told.",
        qualifier="the elder",
        way_out=True,
    )
    def elder_proxy_revoke(
        self, info: strawberry.Info, application_id: strawberry.ID, scope: WriteScope
    ) -> ElderProxyPayload:
        ctx: Context = info.context
        auth, app = service.cancel(ctx, scope, auth_id=str(application_id), by_elder=True)
        return ElderProxyPayload(
            application=ElderProxyApplication.of(auth, app, ctx.actor.person_id)
        )

    @mutation(
        f"{MEASURE}.queue_issue",
        "Issue a window ticket; the green channel for a holder aged 60+ today (六-二).",
        qualifier=OWN_OFFICE,
    )
    def elder_queue_ticket_issue(
        self, info: strawberry.Info, input: ElderQueueTicketIssueInput, scope: WriteScope
    ) -> ElderQueueTicketPayload:
        ticket = queue.issue(
            info.context,
            scope,
            office_id=_opt(input.office_id),
            holder_id_type=input.holder_id_type,
            holder_id_number=input.holder_id_number,
        )
        return ElderQueueTicketPayload(ticket=ElderQueueTicket.of(ticket))

    @mutation(
        f"{MEASURE}.queue_call",
        "Call the next ticket: the green channel first.",
        qualifier=OWN_OFFICE,
    )
    def elder_queue_call_next(
        self, info: strawberry.Info, scope: WriteScope, office_id: strawberry.ID | None = None
    ) -> ElderQueueTicketPayload:
        ticket = queue.call_next(info.context, scope, office_id=_opt(office_id))
        return ElderQueueTicketPayload(ticket=ElderQueueTicket.of(ticket))
