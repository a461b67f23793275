"""GraphQL types and operations of M15 (online deregistration)."""

from __future__ import annotations

import datetime as dt

import strawberry

from core.api.credential_types import ScannedPayloadInput, from_epoch
from core.api.review_types import ApplicationPayload, ReviewDecisionInput
from core.api.types import Application
from core.clock import to_china
from core.context import Context, WriteScope
from core.graphql.operations import Payload, mutation, operation_field

from . import rules, service
from .models import DeregCertificate, DeregScrapReport
from .rules import MEASURE

DeregistrationReason = strawberry.enum(
    rules.DeregReason,
    name="DeregistrationReason",
    description="Why a vehicle is deregistered (注销原因).",
)


@strawberry.type(description="The electronic deregistration certificate (机动车注销证明电子版).")
class DeregistrationCertificate:
    id: strawberry.ID
    number: str
    vehicle_id: strawberry.ID
    reason: DeregistrationReason
    deregistered_on: dt.date
    city: str
    paper_issued: bool = strawberry.field(
        description="2024-三-三-1: paper certificates are still issued"
    )

    @classmethod
    def of(cls, row: DeregCertificate) -> DeregistrationCertificate:
        return cls(
            id=strawberry.ID(row.id),
            number=row.number,
            vehicle_id=strawberry.ID(row.vehicle_id),
            reason=rules.DeregReason(row.reason),
            deregistered_on=row.deregistered_on,
            city=row.city_code,
            paper_issued=row.paper_issued,
        )


ScrapReportStatusEnum = strawberry.enum(
    rules.ScrapReportStatus,
    name="DeregistrationScrapReportStatus",
    description="Step of a scrap report: RECEIVED (one day to deregister), PROCESSED, REJECTED, "
    "SUPERSEDED (the owner's own application deregistered the vehicle first).",
)


@strawberry.type
class DeregistrationScrapReport:
    id: strawberry.ID
    vehicle_id: strawberry.ID
    registration_city: str
    scrap_city: str | None
    received_at: dt.datetime
    due_by: dt.date = strawberry.field(description="Deregister within one day of receipt (三-三-2)")
    processed: bool
    overdue: bool
    status: ScrapReportStatusEnum  # type: ignore[valid-type]
    close_reason: str | None = strawberry.field(
        description="Why the report was closed without deregistering on it: the office's reason "
        "(REJECTED), or the deregistration that happened meanwhile, with its certificate number "
        "(SUPERSEDED)"
    )

    @classmethod
    def of(cls, row: DeregScrapReport) -> DeregistrationScrapReport:
        return cls(
            id=strawberry.ID(row.id),
            vehicle_id=strawberry.ID(row.vehicle_id),
            registration_city=row.registration_city,
            scrap_city=row.scrap_city,
            received_at=to_china(row.received_at),
            due_by=rules.scrap_due_by(row.received_on),
            processed=row.processed_at is not None,
            overdue=row.overdue_flagged_at is not None,
            status=rules.ScrapReportStatus(row.status),
            close_reason=row.close_reason,
        )


@strawberry.type
class DeregistrationCertificateQr:
    text: str
    expires_at: dt.datetime


@strawberry.type(description="What a certificate verification established.")
class DeregistrationVerification:
    accepted: bool
    reasons: list[str]
    signature_valid: bool
    kid: str | None
    certificate_number: str | None
    deregistered_on: dt.date | None
    reason: DeregistrationReason | None
    vehicle_category: str | None


@strawberry.input
class DeregistrationApplyInput:
    vehicle_id: strawberry.ID
    reason: DeregistrationReason


@strawberry.type
class DeregistrationApplyPayload(ApplicationPayload):
    pass


@strawberry.input
class DeregistrationReviewInput(ReviewDecisionInput):
    pass


@strawberry.type
class DeregistrationCertificatePayload(ApplicationPayload):
    certificate: DeregistrationCertificate | None = None


@strawberry.input
class DeregistrationScrapReportInput:
    vin: str
    recycling_certificate_no: str
    scrapped_on: dt.date
    scrap_city: str


@strawberry.type
class DeregistrationScrapReportPayload(Payload):
    report: DeregistrationScrapReport | None = None


@strawberry.input
class DeregistrationVerifyInput(ScannedPayloadInput):
    pass


@strawberry.type
class DeregistrationVerifyPayload(Payload):
    verification: DeregistrationVerification | None = None


@strawberry.type
class DeregistrationQuery:
    @operation_field(
        f"{MEASURE}.view", "Your deregistration certificates.", qualifier="own", own_records=True
    )
    def my_deregistration_certificates(
        self, info: strawberry.Info
    ) -> list[DeregistrationCertificate]:
        from sqlmodel import select

        ctx: Context = info.context
        pid = ctx.require_person()
        rows = ctx.session.exec(
            select(DeregCertificate).where(DeregCertificate.owner_person_id == pid).limit(100)
        ).all()
        return [DeregistrationCertificate.of(r) for r in rows]

    @operation_field(
        f"{MEASURE}.view",
        "A signed QR payload of your certificate (10 minutes).",
        qualifier="own",
    )
    def deregistration_certificate_show(
        self, info: strawberry.Info, certificate_id: strawberry.ID
    ) -> DeregistrationCertificateQr:
        ctx: Context = info.context
        text, _iat, exp = service.show(ctx, str(certificate_id))
        return DeregistrationCertificateQr(text=text, expires_at=from_epoch(exp))

    @operation_field(
        f"{MEASURE}.scrap_process",
        "Scrap reports of your city in one status: RECEIVED by default (the office's queue, "
        "oldest first), or PROCESSED, REJECTED or SUPERSEDED (newest first, with why they were "
        "closed).",
        qualifier="own city",
    )
    def deregistration_scrap_reports(
        self,
        info: strawberry.Info,
        city: str,
        overdue_only: bool = False,
        status: ScrapReportStatusEnum = rules.ScrapReportStatus.RECEIVED,  # type: ignore[valid-type]
    ) -> list[DeregistrationScrapReport]:
        from sqlmodel import select

        from core.divisions import city as lookup_city

        ctx: Context = info.context
        place = lookup_city(city, "city").code
        ctx.require_jurisdiction(place, field="city")
        ctx.require_in_force(MEASURE, place)
        pending = status == rules.ScrapReportStatus.RECEIVED
        stmt = select(DeregScrapReport).where(
            DeregScrapReport.registration_city == place,
            DeregScrapReport.status == rules.ScrapReportStatus(status).value,
        )
        if overdue_only:
            stmt = stmt.where(DeregScrapReport.overdue_flagged_at.is_not(None))  # type: ignore[union-attr]
        order = DeregScrapReport.received_at if pending else DeregScrapReport.received_at.desc()  # type: ignore[attr-defined]
        rows = ctx.session.exec(stmt.order_by(order).limit(200)).all()
        return [DeregistrationScrapReport.of(r) for r in rows]

    @operation_field(
        f"{MEASURE}.scrap_report",
        "The scrap reports your firm filed, newest first, each with its status and why it was "
        "closed (a REJECTED report's reason; a SUPERSEDED one's deregistration and certificate).",
        qualifier="own firm's",
        own_records=True,
    )
    def my_deregistration_scrap_reports(
        self, info: strawberry.Info
    ) -> list[DeregistrationScrapReport]:
        from sqlmodel import select

        ctx: Context = info.context
        org_id = ctx.actor.partner_org_id
        if not org_id:
            return []
        rows = ctx.session.exec(
            select(DeregScrapReport)
            .where(DeregScrapReport.reporter_org_id == org_id)
            .order_by(DeregScrapReport.received_at.desc())  # type: ignore[attr-defined]
            .limit(200)
        ).all()
        return [DeregistrationScrapReport.of(r) for r in rows]


@strawberry.type
class DeregistrationMutation:
    @mutation(
        f"{MEASURE}.apply",
        "Apply online to deregister your vehicle.",
        qualifier="owner; registration city in force",
    )
    def deregistration_apply(
        self, info: strawberry.Info, input: DeregistrationApplyInput, scope: WriteScope
    ) -> DeregistrationApplyPayload:
        app = service.apply(info.context, scope, str(input.vehicle_id), input.reason.value)
        return DeregistrationApplyPayload(application=Application.of(app))

    @mutation(
        f"{MEASURE}.review",
        "Review; approval deregisters (cascade) and issues the certificate.",
        qualifier="registration city",
        way_out=lambda a: not a["input"].approve,
    )
    def deregistration_review(
        self, info: strawberry.Info, input: DeregistrationReviewInput, scope: WriteScope
    ) -> DeregistrationCertificatePayload:
        app, certificate = service.review(
            info.context, scope, str(input.application_id), input.approve, input.note
        )
        return DeregistrationCertificatePayload(
            application=Application.of(app),
            certificate=DeregistrationCertificate.of(certificate) if certificate else None,
        )

    @mutation(f"{MEASURE}.scrap_report", "Report a scrapped vehicle (any city).")
    def deregistration_scrap_report(
        self, info: strawberry.Info, input: DeregistrationScrapReportInput, scope: WriteScope
    ) -> DeregistrationScrapReportPayload:
        report = service.scrap_report(
            info.context,
            scope,
            input.vin,
            input.recycling_certificate_no,
            input.scrapped_on,
            input.scrap_city,
        )
        return DeregistrationScrapReportPayload(report=DeregistrationScrapReport.of(report))

    @mutation(
        f"{MEASURE}.scrap_process",
        "Deregister on scrap information (within one day).",
        qualifier="registration city",
    )
    def deregistration_scrap_process(
        self, info: strawberry.Info, report_id: strawberry.ID, scope: WriteScope
    ) -> DeregistrationCertificatePayload:
        _report, certificate = service.scrap_process(info.context, scope, str(report_id))
        return DeregistrationCertificatePayload(
            certificate=DeregistrationCertificate.of(certificate)
        )

    @mutation(
        f"{MEASURE}.scrap_process",
        "Close a scrap report that cannot be processed (e.g. the car is still mortgaged) with the "
        "reason; the scrapping firm and the owner are told.",
        qualifier="registration city",
        way_out=True,
    )
    def deregistration_scrap_report_reject(
        self, info: strawberry.Info, report_id: strawberry.ID, reason: str, scope: WriteScope
    ) -> DeregistrationScrapReportPayload:
        report = service.scrap_reject(info.context, scope, str(report_id), reason)
        return DeregistrationScrapReportPayload(report=DeregistrationScrapReport.of(report))

    @mutation(
        f"{MEASURE}.verify",
        "Verify a deregistration certificate (trade-in subsidies; nationwide).",
    )
    def deregistration_certificate_verify(
        self, info: strawberry.Info, input: DeregistrationVerifyInput, scope: WriteScope
    ) -> DeregistrationVerifyPayload:
        out = service.verify(info.context, scope, input.payload, input.purpose)
        certificate, vehicle = out.certificate, out.vehicle
        return DeregistrationVerifyPayload(
            verification=DeregistrationVerification(
                accepted=out.accepted,
                reasons=out.reasons,
                signature_valid=out.signature_valid,
                kid=out.kid,
                certificate_number=certificate.number if certificate else None,
                deregistered_on=certificate.deregistered_on if certificate else None,
                reason=rules.DeregReason(certificate.reason) if certificate else None,
                vehicle_category=vehicle.category if vehicle else None,
            )
        )
