"""GraphQL types, inputs, payloads and the Query / Mutation of M09."""

from __future__ import annotations

import datetime as dt

import strawberry
from sqlmodel import or_, select

from core.accounts import Person
from core.api.types import IdTypeEnum
from core.context import Context, WriteScope
from core.errors import NotFound
from core.graphql.mine import renamed_mine_list
from core.graphql.operations import Payload, mutation, operation_field
from core.graphql.pagination import Connection, paginate
from core.graphql.rows import from_row
from core.identity import mask_id_number
from core.ids import lookup_id

from . import rules, service
from .models import EntrustmentGrant as GrantRow
from .rules import MEASURE

HANDLING_CITY = "the handling city's jurisdiction"

EntrustmentStatus = strawberry.enum(
    rules.GrantStatus, name="EntrustmentStatus", description="Live status of an entrustment."
)
EntrustmentKind = strawberry.enum(
    rules.GrantKind, name="EntrustmentKind", description="网上委托 (ONLINE) or 纸质委托书 (PAPER)."
)
EntrustmentSubject = strawberry.enum(
    rules.Subject, name="EntrustmentSubject", description="机动车业务 or 驾驶证业务."
)
EntrustmentScanReason = strawberry.enum(
    rules.ScanReason, name="EntrustmentScanReason", description="Why a scanned QR is (not) valid."
)


@strawberry.type(description="An entrustment (委托) of a named agent for one business (M09).")
class EntrustmentGrant:
    id: strawberry.ID
    kind: EntrustmentKind
    business: str = strawberry.field(description="Business code of the 九-一 table.")
    business_label: str
    status: EntrustmentStatus = strawberry.field(description="Live: on the platform's date.")
    city: str = strawberry.field(description="City whose office handles the business.")
    vehicle_id: strawberry.ID | None
    licence_id: strawberry.ID | None
    vin: str | None
    unit_id: strawberry.ID | None = strawberry.field(
        description="The owning unit, for a unit's vehicle (2024 八-三)."
    )
    agent_name: str
    agent_id_type: IdTypeEnum
    agent_id_number: str = strawberry.field(description="Masked (110101********1234).")
    valid_from: dt.date
    valid_until: dt.date = strawberry.field(description="Last day it can be used (inclusive).")
    created_at: dt.datetime
    revoked_at: dt.datetime | None
    used_at: dt.datetime | None
    qr: str | None = strawberry.field(description="Signed QR text (EN1:...), online ones only.")

    @classmethod
    def of(cls, row: GrantRow, today: dt.date, show_qr: bool = True) -> EntrustmentGrant:
        return from_row(
            cls,
            row,
            china_times=True,
            business_label=rules.BUSINESSES[row.business].label_zh,
            status=rules.status_of(row.used_at, row.revoked_at, row.valid_until, today),
            city=row.city_code,
            unit_id=strawberry.ID(row.owner_unit_id) if row.owner_unit_id else None,
            agent_id_number=mask_id_number(row.agent_id_number) or "",
            qr=row.qr if show_qr else None,
        )


@strawberry.type(description="An entrustable business of the seed's table (九-一).")
class EntrustmentBusiness:
    code: str
    label_zh: str
    subject: EntrustmentSubject
    new_vehicle: bool = strawberry.field(
        description="Identified by VIN and city (not yet registered)."
    )
    target_city: bool = strawberry.field(description="Needs the city moving to (转入换证).")


@strawberry.type(description="Result of scanning an electronic entrustment's QR.")
class EntrustmentScanResult:
    valid: bool
    reason: EntrustmentScanReason
    entrustment: EntrustmentGrant | None


@strawberry.type(description="Whether the person at the window needs an entrustment (九-二).")
class EntrustmentRequirement:
    owner_in_person: bool
    entrustment_required: bool
    rule: str
    usable_entrustments: list[EntrustmentGrant]


@strawberry.input
class EntrustmentCreateInput:
    business: str
    agent_id_type: IdTypeEnum
    agent_id_number: str
    agent_name: str
    valid_days: int = strawberry.field(description="1..30 (九-二).")
    vehicle_id: strawberry.ID | None = None
    licence_id: strawberry.ID | None = None
    vin: str | None = strawberry.field(default=None, description="New vehicles only.")
    city: str | None = strawberry.field(
        default=None, description="New vehicles; the city moving to for LICENCE_TRANSFER_IN."
    )
    unit_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="A unit's vehicle: the unit entrusts, signed by its legal person or an "
        "admin (2024 八-三).",
    )


@strawberry.input
class EntrustmentUseInput:
    entrustment_id: strawberry.ID
    business: str = strawberry.field(description="The business actually being handled.")
    agent_id_type: IdTypeEnum
    agent_id_number: str
    agent_name: str


@strawberry.input
class EntrustmentPaperRecordInput:
    business: str
    owner_id_type: IdTypeEnum
    owner_id_number: str
    owner_name: str
    agent_id_type: IdTypeEnum
    agent_id_number: str
    agent_name: str
    document_sha256: str = strawberry.field(description="SHA-256 of the scanned paper 委托书.")
    vehicle_id: strawberry.ID | None = None
    licence_id: strawberry.ID | None = None
    vin: str | None = None
    city: str | None = None


@strawberry.input
class EntrustmentRequirementInput:
    business: str
    applicant_id_type: IdTypeEnum
    applicant_id_number: str
    applicant_name: str
    vehicle_id: strawberry.ID | None = None
    licence_id: strawberry.ID | None = None


@strawberry.type
class EntrustmentPayload(Payload):
    entrustment: EntrustmentGrant | None = None


def _citizen(ctx: Context) -> Person:
    """The calling citizen, with the measure in force in their domicile city."""
    person = ctx.session.get(Person, ctx.require_person())
    if person is None:
        raise NotFound("Person", None)
    if person.domicile_city:
        ctx.require_in_force(MEASURE, person.domicile_city)
    return person


def _opt(value: strawberry.ID | None) -> str | None:
    return lookup_id(value) if value is not None else None


@strawberry.type
class EntrustmentQuery:
    @operation_field(f"{MEASURE}.read_own", "The businesses that may be entrusted online (九-一).")
    def entrustment_businesses(self, info: strawberry.Info) -> list[EntrustmentBusiness]:
        ctx: Context = info.context
        _citizen(ctx)
        return [from_row(EntrustmentBusiness, b) for b in rules.BUSINESSES.values()]

    @operation_field(
        f"{MEASURE}.read_own",
        "Entrustments I made (as owner) or that name me (as agent), where the measure is in force "
        "in the handling city.",
        own_records=True,
    )
    def my_entrustments(
        self, info: strawberry.Info, first: int = 20, after: str | None = None
    ) -> Connection[EntrustmentGrant]:
        ctx: Context = info.context
        person = _citizen(ctx)
        person_id = person.id
        as_agent = (GrantRow.agent_id_type == person.id_type) & (
            GrantRow.agent_id_number == person.id_number
        )
        in_force = [
            c
            for c in {
                g
                for g in ctx.session.exec(
                    select(GrantRow.city_code).where(
                        or_(GrantRow.owner_person_id == person_id, as_agent)
                    )
                ).all()
            }
            if ctx.gate_passes(MEASURE, c)
        ]
        statement = (
            select(GrantRow)
            .where(or_(GrantRow.owner_person_id == person_id, as_agent))
            .where(GrantRow.city_code.in_(in_force))  # type: ignore[attr-defined]
            .order_by(GrantRow.created_at.desc(), GrantRow.id)  # type: ignore[attr-defined]
        )
        today = ctx.today()
        return paginate(ctx, statement, first, after, lambda r: EntrustmentGrant.of(r, today))

    @operation_field(
        f"{MEASURE}.read_own",
        "Entrustments I made or that name me.",
        deprecation_reason=renamed_mine_list("myEntrustments"),
        own_records=True,
    )
    def entrustments_mine(
        self, info: strawberry.Info, first: int = 20, after: str | None = None
    ) -> Connection[EntrustmentGrant]:
        return EntrustmentQuery.my_entrustments(self, info, first, after)  # type: ignore[operator]

    @operation_field(
        f"{MEASURE}.check",
        "Look an entrustment up on the platform by id (audited).",
        qualifier=HANDLING_CITY,
    )
    def entrustment_lookup(self, info: strawberry.Info, id: strawberry.ID) -> EntrustmentGrant:
        ctx: Context = info.context
        grant = service.load_for_clerk(ctx, str(id), "lookup", field="id")
        return EntrustmentGrant.of(grant, ctx.today(), show_qr=False)

    @operation_field(
        f"{MEASURE}.check",
        "Verify a scanned entrustment QR: signature, then live record.",
        qualifier=HANDLING_CITY,
    )
    def entrustment_scan(self, info: strawberry.Info, qr: str) -> EntrustmentScanResult:
        ctx: Context = info.context
        outcome = service.scan(ctx, qr)
        return EntrustmentScanResult(
            valid=outcome.valid,
            reason=rules.ScanReason(outcome.reason),
            entrustment=EntrustmentGrant.of(outcome.grant, ctx.today(), show_qr=False)
            if outcome.grant
            else None,
        )

    @operation_field(
        f"{MEASURE}.check",
        "Does the applicant at the window need an entrustment? The owner in person needs none "
        "(九-二).",
        qualifier=HANDLING_CITY,
    )
    def entrustment_requirement(
        self, info: strawberry.Info, input: EntrustmentRequirementInput
    ) -> EntrustmentRequirement:
        ctx: Context = info.context
        found = service.requirement(
            ctx,
            business_code=input.business,
            applicant=(input.applicant_id_type, input.applicant_id_number, input.applicant_name),
            vehicle_id=_opt(input.vehicle_id),
            licence_id=_opt(input.licence_id),
        )
        today = ctx.today()
        usable = [EntrustmentGrant.of(g, today, False) for g in found.usable]
        return from_row(EntrustmentRequirement, found, usable_entrustments=usable)


@strawberry.type
class EntrustmentMutation:
    @mutation(
        f"{MEASURE}.create",
        "Entrust a named agent for one business of the table, valid at most 30 days.",
        qualifier="owner of the vehicle / holder of the licence",
    )
    def entrustment_create(
        self, info: strawberry.Info, input: EntrustmentCreateInput, scope: WriteScope
    ) -> EntrustmentPayload:
        grant = service.create(
            info.context,
            scope,
            business_code=input.business,
            agent=(input.agent_id_type, input.agent_id_number, input.agent_name),
            valid_days=input.valid_days,
            vehicle_id=_opt(input.vehicle_id),
            licence_id=_opt(input.licence_id),
            vin=input.vin,
            city=input.city,
            unit_id=_opt(input.unit_id),
        )
        return EntrustmentPayload(entrustment=EntrustmentGrant.of(grant, scope.today))

    @mutation(
        f"{MEASURE}.revoke",
        "Revoke an entrustment before it is used.",
        qualifier="the owner",
        way_out=True,
    )
    def entrustment_revoke(
        self, info: strawberry.Info, id: strawberry.ID, scope: WriteScope
    ) -> EntrustmentPayload:
        grant = service.revoke(info.context, scope, str(id), field="id")
        return EntrustmentPayload(entrustment=EntrustmentGrant.of(grant, scope.today))

    @mutation(
        f"{MEASURE}.use",
        "Handle the entrusted business for the agent: agent and business must match (else "
        "re-entrust, 九-二); used once.",
        qualifier="handling city",
    )
    def entrustment_use(
        self, info: strawberry.Info, input: EntrustmentUseInput, scope: WriteScope
    ) -> EntrustmentPayload:
        grant = service.use(
            info.context,
            scope,
            grant_id=str(input.entrustment_id),
            business_code=input.business,
            agent=(input.agent_id_type, input.agent_id_number, input.agent_name),
        )
        return EntrustmentPayload(entrustment=EntrustmentGrant.of(grant, scope.today, False))

    @mutation(
        f"{MEASURE}.paper",
        "Record a paper entrustment presented at the window (九-三); it is used at once.",
        qualifier="handling city",
    )
    def entrustment_paper_record(
        self, info: strawberry.Info, input: EntrustmentPaperRecordInput, scope: WriteScope
    ) -> EntrustmentPayload:
        grant = service.record_paper(
            info.context,
            scope,
            business_code=input.business,
            owner=(input.owner_id_type, input.owner_id_number, input.owner_name),
            agent=(input.agent_id_type, input.agent_id_number, input.agent_name),
            document_sha256=input.document_sha256,
            vehicle_id=_opt(input.vehicle_id),
            licence_id=_opt(input.licence_id),
            vin=input.vin,
            city=input.city,
        )
        return EntrustmentPayload(entrustment=EntrustmentGrant.of(grant, scope.today, False))
