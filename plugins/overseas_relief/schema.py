"""GraphQL types and operations of M08 (names prefixed `OverseasRelief` / `overseasRelief`)."""

from __future__ import annotations

import datetime as dt

import strawberry

from core.api.review_types import NotedDecisionInput
from core.api.types import DrivingLicence, IdTypeEnum
from core.context import Context, WriteScope
from core.graphql.operations import Payload, mutation, operation_field
from core.identity import DocumentType
from core.registries.applications import Application
from core.registries.licences import DrivingLicence as LicenceRow

from . import rules, service
from .rules import MEASURE

OverseasReliefLicenceStatus = strawberry.enum(
    rules.CancelledStatus,
    name="OverseasReliefLicenceStatus",
    description="The licence's status when the restoration was accepted: 注销 (CANCELLED) or "
    "注销可恢复 (CANCELLED_RESTORABLE).",
)
OverseasReliefDeferralBusiness = strawberry.enum(
    rules.DeferralBusiness,
    name="OverseasReliefDeferralBusiness",
    description="期满换证 (RENEWAL), 审验 (REVIEW) or 提交身体条件证明 (HEALTH_CERTIFICATE).",
)
OverseasReliefDocuments = strawberry.enum(
    rules.Documents,
    name="OverseasReliefDocuments",
    description="原件 (ORIGINAL) or 复印件或者影像打印件 (COPY, accepted for a deferral).",
)


@strawberry.type(description="A restoration of a licence cancelled while the holder was abroad.")
class OverseasReliefRestoration:
    application_id: strawberry.ID
    status: str
    licence_status: OverseasReliefLicenceStatus
    needs_subject1: bool
    subject1_passed_on: dt.date | None
    last_day: dt.date = strawberry.field(description="Last day of the six months to apply")
    rules: list[str]
    explanation: str
    licence: DrivingLicence | None = None

    @classmethod
    def of(cls, app: Application, licence: LicenceRow | None = None) -> OverseasReliefRestoration:
        d = app.data
        passed = d.get("subject1_passed_on")
        return cls(
            application_id=strawberry.ID(app.id),
            status=app.status,
            licence_status=rules.CancelledStatus(d["status"]),
            needs_subject1=bool(d.get("needs_subject1")),
            subject1_passed_on=dt.date.fromisoformat(passed) if passed else None,
            last_day=dt.date.fromisoformat(d["last_day"]),
            rules=list(d.get("rules", [])) + ([rules.RULE_REVIEW] if app.decided_by else []),
            explanation=d.get("why", ""),
            licence=DrivingLicence.of(licence) if licence else None,
        )


@strawberry.type(description="A deferral entrusted to a person at home (八-一).")
class OverseasReliefDeferral:
    application_id: strawberry.ID
    business: OverseasReliefDeferralBusiness
    documents: OverseasReliefDocuments
    agent: str = strawberry.field(description="The agent's ID number, masked")
    until: dt.date
    rule: str


@strawberry.input
class OverseasReliefDeferralInput:
    holder_id_type: IdTypeEnum = DocumentType.MAINLAND_ID
    holder_id_number: str
    agent_id_type: IdTypeEnum = DocumentType.MAINLAND_ID
    agent_id_number: str
    business: OverseasReliefDeferralBusiness
    documents: OverseasReliefDocuments
    until: dt.date


@strawberry.input
class OverseasReliefRestoreInput:
    id_type: IdTypeEnum = DocumentType.MAINLAND_ID
    id_number: str
    health_certificate: bool


@strawberry.input
class OverseasReliefReviewInput(NotedDecisionInput):
    pass


@strawberry.type
class OverseasReliefDeferralPayload(Payload):
    deferral: OverseasReliefDeferral | None = None


@strawberry.type
class OverseasReliefRestorePayload(Payload):
    restoration: OverseasReliefRestoration | None = None


@strawberry.type
class OverseasReliefQuery:
    @operation_field(
        f"{MEASURE}.read", "A restoration file.", qualifier="citizen: own; staff: own city, audited"
    )
    def overseas_relief_restoration(
        self, info: strawberry.Info, application_id: strawberry.ID
    ) -> OverseasReliefRestoration:
        ctx: Context = info.context
        app = service.load_application(ctx, ctx.session, str(application_id))
        if ctx.actor.person_id != app.subject_person_id:
            ctx.audit_read(
                f"{MEASURE}.read",
                app.subject_person_id,
                f"Application:{app.id}",
                {"purpose": "restoration file"},
                measure=MEASURE,
            )
        return OverseasReliefRestoration.of(app)


@strawberry.type
class OverseasReliefMutation:
    @mutation(
        f"{MEASURE}.deferral",
        "Record a deferral of renewal, review or health certificate for a holder abroad, applied "
        "for by a person at home; copies accepted (2021-八-一).",
        qualifier="licence of own city",
    )
    def overseas_relief_deferral_record(
        self, info: strawberry.Info, input: OverseasReliefDeferralInput, scope: WriteScope
    ) -> OverseasReliefDeferralPayload:
        app = service.record_deferral(
            info.context, scope.session, input.holder_id_type, input.holder_id_number,
            input.agent_id_type, input.agent_id_number, input.business, input.documents,
            input.until,
        )  # fmt: skip
        scope.subject(app.subject_person_id, f"Application:{app.id}", business=app.business)
        d = app.data
        return OverseasReliefDeferralPayload(
            deferral=OverseasReliefDeferral(
                application_id=strawberry.ID(app.id),
                business=rules.DeferralBusiness(d["business"]),
                documents=rules.Documents(d["documents"]),
                agent=d["agent"],
                until=dt.date.fromisoformat(d["until"]),
                rule=rules.RULE_DEFERRAL,
            )
        )

    @mutation(
        f"{MEASURE}.accept",
        "Accept (受理) a restoration: relief period, exit-entry records, six-month window "
        "(2021-八-二).",
        qualifier="licence of own city",
    )
    def overseas_relief_restore_accept(
        self, info: strawberry.Info, input: OverseasReliefRestoreInput, scope: WriteScope
    ) -> OverseasReliefRestorePayload:
        app = service.accept_restore(
            info.context, scope.session, input.id_type, input.id_number, input.health_certificate
        )
        scope.subject(app.subject_person_id, f"Application:{app.id}")
        return OverseasReliefRestorePayload(restoration=OverseasReliefRestoration.of(app))

    @mutation(
        f"{MEASURE}.subject1",
        "Record the Subject 1 pass a 注销 licence needs before restoration (2021-八-二-3).",
        qualifier="own city",
    )
    def overseas_relief_subject1_record(
        self,
        info: strawberry.Info,
        application_id: strawberry.ID,
        passed_on: dt.date,
        scope: WriteScope,
    ) -> OverseasReliefRestorePayload:
        ctx: Context = info.context
        app = service.load_application(ctx, scope.session, str(application_id))
        scope.subject(app.subject_person_id, f"Application:{app.id}")
        service.record_subject1(ctx, scope.session, app, passed_on)
        return OverseasReliefRestorePayload(restoration=OverseasReliefRestoration.of(app))

    @mutation(
        f"{MEASURE}.review",
        "The department head reviews a restoration before it is completed; not the person who "
        "accepted it (2021-八-二-5).",
        qualifier="own city",
        way_out=lambda a: not a["input"].approve,
    )
    def overseas_relief_restore_review(
        self, info: strawberry.Info, input: OverseasReliefReviewInput, scope: WriteScope
    ) -> OverseasReliefRestorePayload:
        app, licence = service.review(
            info.context, scope, str(input.application_id), input.approve, input.checked_note()
        )
        return OverseasReliefRestorePayload(restoration=OverseasReliefRestoration.of(app, licence))
