"""GraphQL types and operations of M14 (motorcycle registration with one ID)."""

from __future__ import annotations

import datetime as dt

import strawberry
from sqlmodel import select

from core.accounts import Person as PersonRow
from core.accounts import Unit as UnitRow
from core.api.types import IdTypeEnum, Person, Vehicle, VehicleCategoryEnum
from core.applications_types import ApplicationStatus
from core.clock import to_china
from core.context import Context, WriteScope
from core.divisions import city as lookup_city
from core.errors import NotFound
from core.graphql.operations import Payload, mutation, operation_field
from core.graphql.pagination import Connection, paginate
from core.graphql.rows import from_row
from core.ids import lookup_id
from core.registries.applications import Application as ApplicationRow
from core.registries.applications import AppStatus
from core.registries.vehicles import Vehicle as VehicleRow

from . import service
from .models import MotorcycleCase
from .rules import MEASURE, ApplicantCategory, ArchiveKind, Business, DocumentDecision

MotorcycleBusiness = strawberry.enum(
    Business,
    name="MotorcycleBusiness",
    description="注册登记 / 转让登记 / 住所迁入 / 共同所有人变更登记",
)
MotorcycleApplicantCategory = strawberry.enum(
    ApplicantCategory,
    name="MotorcycleApplicantCategory",
    description="内地居民 / 港澳台居民 / 华侨 / 外国人",
)
MotorcycleArchiveFileKind = strawberry.enum(
    ArchiveKind,
    name="MotorcycleArchiveFileKind",
    description="The kind of a file kept in the electronic archive (二-二-3); IDENTITY is required.",
)


@strawberry.type(description="A document the office checks, with the reason and seed clause.")
class MotorcycleRequiredDocument:
    code: str
    name: str
    reason: str
    rule: str


@strawberry.type(description="The documents the one-ID rule requires for an application.")
class MotorcycleDocumentList:
    business: MotorcycleBusiness  # type: ignore[valid-type]
    city: str
    applicant_category: MotorcycleApplicantCategory  # type: ignore[valid-type]
    cross_city: bool = strawberry.field(description="跨地市: applying outside the home city")
    residence_proof_required: bool
    local_policy: str | None = strawberry.field(description="The local policy applied (二-一-3)")
    documents: list[MotorcycleRequiredDocument]

    @classmethod
    def of(cls, business: Business, city: str, d: DocumentDecision) -> MotorcycleDocumentList:
        return cls(
            business=business,
            city=city,
            applicant_category=d.applicant,
            cross_city=d.cross_city,
            residence_proof_required=d.residence_proof_required,
            local_policy=d.local_policy.name if d.local_policy else None,
            documents=[MotorcycleRequiredDocument(**doc.__dict__) for doc in d.documents],
        )


@strawberry.type(description="A motorcycle application under the one-ID rule.")
class MotorcycleApplication:
    id: strawberry.ID
    business: MotorcycleBusiness  # type: ignore[valid-type]
    status: ApplicationStatus  # type: ignore[valid-type]
    city: str
    vehicle_category: VehicleCategoryEnum  # type: ignore[valid-type]
    applicant_category: MotorcycleApplicantCategory  # type: ignore[valid-type]
    cross_city: bool
    residence_proof_required: bool
    local_policy: str | None
    documents: list[MotorcycleRequiredDocument]
    documents_checked: list[str]
    applicant: Person | None = strawberry.field(
        description="Who applied: the person, or for a unit its legal person or admin who signed"
    )
    unit_id: strawberry.ID | None = strawberry.field(
        description="The unit (单位) applying, which owns the motorcycle once completed"
    )
    unit_name: str | None
    vehicle: Vehicle | None
    submitted_at: dt.datetime
    decision_note: str | None

    @classmethod
    def of(cls, ctx: Context, app: ApplicationRow, case: MotorcycleCase) -> MotorcycleApplication:
        session = ctx.session
        applicant = session.get(PersonRow, app.applicant_person_id or "")
        vehicle = session.get(VehicleRow, case.result_vehicle_id or app.vehicle_id or "")
        unit = session.get(UnitRow, case.unit_id) if case.unit_id else None
        return from_row(
            cls,
            case,
            id=app.id,
            status=AppStatus(app.status),
            city=app.city_code,
            documents=[MotorcycleRequiredDocument(**d) for d in case.documents],
            documents_checked=list(case.documents_checked or []),
            applicant=Person.of(applicant) if applicant else None,
            unit_id=strawberry.ID(unit.id) if unit else None,
            unit_name=unit.name if unit else None,
            vehicle=Vehicle.of(vehicle) if vehicle else None,
            submitted_at=to_china(app.submitted_at),
            decision_note=app.decision_note,
        )


@strawberry.input(description="A motorcycle business to apply for (fields by business).")
class MotorcycleCaseInput:
    business: MotorcycleBusiness  # type: ignore[valid-type]
    city: str = strawberry.field(description="The city that handles it (where you live now)")
    applicant_category: MotorcycleApplicantCategory | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Required for passport holders"
    )
    vehicle_category: VehicleCategoryEnum | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="REGISTRATION"
    )
    vin: str | None = strawberry.field(default=None, description="REGISTRATION, TRANSFER")
    plate: str | None = strawberry.field(default=None, description="TRANSFER")
    vehicle_id: strawberry.ID | None = strawberry.field(
        default=None, description="MOVE_IN, CO_OWNER_CHANGE (your motorcycle)"
    )
    co_owner_id_type: IdTypeEnum | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="CO_OWNER_CHANGE"
    )
    co_owner_id_number: str | None = strawberry.field(default=None, description="CO_OWNER_CHANGE")
    unit_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="A unit (单位) applies (REGISTRATION, TRANSFER, MOVE_IN in the unit's city): "
        "signed by its legal person or an admin; the unit's credit-code certificate is checked and "
        "the unit owns the motorcycle",
    )

    def request(self) -> service.CaseRequest:
        return service.CaseRequest(
            business=Business(self.business),
            city=self.city,
            applicant_category=ApplicantCategory(self.applicant_category)
            if self.applicant_category
            else None,
            vehicle_category=self.vehicle_category.value if self.vehicle_category else None,
            vin=self.vin,
            plate=self.plate,
            vehicle_id=str(self.vehicle_id) if self.vehicle_id else None,
            co_owner_id_type=self.co_owner_id_type,
            co_owner_id_number=self.co_owner_id_number,
            unit_id=str(self.unit_id) if self.unit_id is not None else None,
        )


@strawberry.input
class MotorcycleReviewInput:
    application_id: strawberry.ID
    approve: bool
    documents_checked: list[str] = strawberry.field(
        default_factory=list,
        description="Codes of the documents the clerk checked: a closed set, the codes of "
        "`requiredDocuments` (RESIDENT_ID, HMT_RESIDENCE_PERMIT, HMT_TRAVEL_PERMIT, PRC_PASSPORT, "
        "FOREIGN_PASSPORT, FOREIGNER_RESIDENCE_PERMIT, ACCOMMODATION_REGISTRATION, "
        "RESIDENCE_PROOF, UNIT_CREDIT_CODE_CERT) and the local policy's extra documents by their "
        "declared names; anything else is INVALID_INPUT.",
    )
    note: str | None = None


@strawberry.input
class MotorcycleArchiveFileInput:
    kind: MotorcycleArchiveFileKind  # type: ignore[valid-type]
    title: str
    sha256: str


@strawberry.input
class MotorcycleCompleteInput:
    application_id: strawberry.ID
    archive_files: list[MotorcycleArchiveFileInput]


@strawberry.type
class MotorcycleApplicationPayload(Payload):
    application: MotorcycleApplication | None = None


@strawberry.type
class MotorcycleQuery:
    @operation_field(
        f"{MEASURE}.documents_check",
        "Which documents the office will check for this business (no write).",
        qualifier="for themself",
    )
    def motorcycle_documents_check(
        self, info: strawberry.Info, input: MotorcycleCaseInput
    ) -> MotorcycleDocumentList:
        ctx: Context = info.context
        req = input.request()
        case = service.resolve(ctx, ctx.session, req)
        return MotorcycleDocumentList.of(req.business, case.city, case.decision)

    @operation_field(
        f"{MEASURE}.view",
        "One application.",
        qualifier="citizens: own, or their unit's as its legal person or admin; clerks and supervisors: own city, audited",
        own_records=True,
    )
    def motorcycle_application(
        self, info: strawberry.Info, application_id: strawberry.ID
    ) -> MotorcycleApplication:
        ctx: Context = info.context
        session = ctx.session
        app = session.get(ApplicationRow, lookup_id(application_id))
        case = session.get(MotorcycleCase, app.id) if app else None
        if app is None or case is None:
            raise NotFound("Application", "applicationId")
        if ctx.actor.is_staff:
            ctx.require_in_force(MEASURE, app.city_code)
            ctx.require_jurisdiction(app.city_code, field="applicationId")
            result = MotorcycleApplication.of(ctx, app, case)
            ctx.audit_read(
                f"{MEASURE}.view",
                app.applicant_person_id,
                f"Application:{app.id}",
                {"purpose": "review"},
                measure=MEASURE,
            )
            return result
        person_id = ctx.require_person()
        # the applicant, and for a unit's case the unit's legal person and admins
        mine = app.applicant_person_id == person_id or (
            case.unit_id is not None and service.is_unit_manager(session, case.unit_id, person_id)
        )
        if not mine:
            raise NotFound("Application", "applicationId")
        ctx.require_in_force(MEASURE, app.city_code)
        return MotorcycleApplication.of(ctx, app, case)

    @operation_field(
        f"{MEASURE}.queue",
        "Applications of a city to handle, oldest first.",
        qualifier="own city; audited",
    )
    def motorcycle_application_queue(
        self,
        info: strawberry.Info,
        city: str,
        status: ApplicationStatus | None = None,  # type: ignore[valid-type]
        first: int = 20,
        after: str | None = None,
    ) -> Connection[MotorcycleApplication]:
        ctx: Context = info.context
        code = lookup_city(city).code
        ctx.require_in_force(MEASURE, code)
        ctx.require_jurisdiction(code, field="city")
        stmt = (
            select(ApplicationRow, MotorcycleCase)
            .join(MotorcycleCase, MotorcycleCase.application_id == ApplicationRow.id)  # type: ignore[arg-type]
            .where(ApplicationRow.measure == MEASURE, ApplicationRow.city_code == code)
            .order_by(ApplicationRow.submitted_at, ApplicationRow.id)  # type: ignore[arg-type]
        )
        if status is not None:
            stmt = stmt.where(ApplicationRow.status == AppStatus(status).value)
        page = paginate(
            ctx, stmt, first, after, lambda r: MotorcycleApplication.of(ctx, r[0], r[1])
        )
        ctx.audit_read(
            f"{MEASURE}.queue",
            None,
            f"City:{code}",
            {"purpose": "queue", "count": len(page.nodes)},
            measure=MEASURE,
        )
        return page


def _payload(
    ctx: Context, scope: WriteScope, pair: tuple[ApplicationRow, MotorcycleCase]
) -> MotorcycleApplicationPayload:
    """Name the applicant as the write's subject and answer the application."""
    scope.subject(pair[0].applicant_person_id, f"Application:{pair[0].id}")
    return MotorcycleApplicationPayload(application=MotorcycleApplication.of(ctx, *pair))


@strawberry.type
class MotorcycleMutation:
    @mutation(
        f"{MEASURE}.apply",
        "Apply for a motorcycle business with the documents the one-ID rule decides.",
    )
    def motorcycle_application_submit(
        self, info: strawberry.Info, input: MotorcycleCaseInput, scope: WriteScope
    ) -> MotorcycleApplicationPayload:
        ctx: Context = info.context
        pair = service.submit(ctx, scope.session, input.request())
        return _payload(ctx, scope, pair)

    @mutation(
        f"{MEASURE}.review",
        "Approve (every required document checked) or reject (with a note).",
        qualifier="own city",
        way_out=lambda a: not a["input"].approve,
    )
    def motorcycle_application_review(
        self, info: strawberry.Info, input: MotorcycleReviewInput, scope: WriteScope
    ) -> MotorcycleApplicationPayload:
        ctx: Context = info.context
        pair = service.review(
            ctx,
            scope.session,
            str(input.application_id),
            input.approve,
            input.documents_checked,
            input.note,
        )
        return _payload(ctx, scope, pair)

    @mutation(
        f"{MEASURE}.complete",
        "Carry out an approved business and file its electronic archive.",
        qualifier="own city",
    )
    def motorcycle_application_complete(
        self, info: strawberry.Info, input: MotorcycleCompleteInput, scope: WriteScope
    ) -> MotorcycleApplicationPayload:
        ctx: Context = info.context
        files = [
            service.ArchiveFileIn(f.kind.value, f.title, f.sha256) for f in input.archive_files
        ]
        pair = service.complete(ctx, scope.session, str(input.application_id), files)
        return _payload(ctx, scope, pair)

    @mutation(
        f"{MEASURE}.cancel",
        "Cancel an application the office cannot carry out (submitted, under review or approved) "
        "with the reason; the applicant is told and may apply again.",
        qualifier="own city",
        way_out=True,
    )
    def motorcycle_application_cancel(
        self, info: strawberry.Info, application_id: strawberry.ID, reason: str, scope: WriteScope
    ) -> MotorcycleApplicationPayload:
        ctx: Context = info.context
        pair = service.cancel(ctx, scope.session, str(application_id), reason)
        return _payload(ctx, scope, pair)


__all__ = ["MotorcycleMutation", "MotorcycleQuery"]
