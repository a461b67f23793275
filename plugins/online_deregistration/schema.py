"""GraphQL types and operations of M15 (online deregistration)."""

from __future__ import annotations

import datetime as dt
import enum

import strawberry

from core.api.types import Application
from core.clock import to_china
from core.context import Context, WriteScope
from core.graphql.types import UserError
from core.permissions import requires

from . import service
from .models import DeregCertificate, DeregScrapReport


@strawberry.enum(description="Why a vehicle is deregistered (注销原因).")
class DeregistrationReason(enum.Enum):
    SCRAPPED = "SCRAPPED"
    DESTROYED = "DESTROYED"
    EXPORTED = "EXPORTED"
    RETURNED = "RETURNED"


@strawberry.type(description="The electronic deregistration certificate (机动车注销证明电子版).")
class DeregistrationCertificate:
    id: strawberry.ID
    number: str
    vehicle_id: strawberry.ID
    reason: str
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
            reason=row.reason,
            deregistered_on=row.deregistered_on,
            city=row.city_code,
            paper_issued=row.paper_issued,
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

    @classmethod
    def of(cls, row: DeregScrapReport) -> DeregistrationScrapReport:
        from . import rules

        return cls(
            id=strawberry.ID(row.id),
            vehicle_id=strawberry.ID(row.vehicle_id),
            registration_city=row.registration_city,
            scrap_city=row.scrap_city,
            received_at=to_china(row.received_at),
            due_by=rules.scrap_due_by(row.received_on),
            processed=row.processed_at is not None,
            overdue=row.overdue_flagged_at is not None,
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
    reason: str | None
    vehicle_category: str | None


@strawberry.input
class DeregistrationApplyInput:
    vehicle_id: strawberry.ID
    reason: DeregistrationReason


@strawberry.type
class DeregistrationApplyPayload:
    errors: list[UserError] = strawberry.field(default_factory=list)
    application: Application | None = None


@strawberry.input
class DeregistrationReviewInput:
    application_id: strawberry.ID
    approve: bool
    note: str | None = None


@strawberry.type
class DeregistrationCertificatePayload:
    errors: list[UserError] = strawberry.field(default_factory=list)
    application: Application | None = None
    certificate: DeregistrationCertificate | None = None


@strawberry.input
class DeregistrationScrapReportInput:
    vin: str
    recycling_certificate_no: str
    scrapped_on: dt.date
    scrap_city: str


@strawberry.type
class DeregistrationScrapReportPayload:
    errors: list[UserError] = strawberry.field(default_factory=list)
    report: DeregistrationScrapReport | None = None


@strawberry.input
class DeregistrationVerifyInput:
    payload: str
    purpose: str


@strawberry.type
class DeregistrationVerifyPayload:
    errors: list[UserError] = strawberry.field(default_factory=list)
    verification: DeregistrationVerification | None = None


@strawberry.type
class DeregistrationQuery:
    @strawberry.field(
        extensions=[requires("online_deregistration.view")],
        description="Your deregistration certificates. Roles: CITIZEN (own).",
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

    @strawberry.field(
        extensions=[requires("online_deregistration.view")],
        description="A signed QR payload of your certificate (10 minutes). Roles: CITIZEN (own).",
    )
    def deregistration_certificate_show(
        self, info: strawberry.Info, certificate_id: strawberry.ID
    ) -> DeregistrationCertificateQr:
        ctx: Context = info.context
        text, _iat, exp = service.show(ctx, str(certificate_id))
        return DeregistrationCertificateQr(
            text=text, expires_at=to_china(dt.datetime.fromtimestamp(exp, dt.UTC))
        )

    @strawberry.field(
        extensions=[requires("online_deregistration.scrap_process")],
        description="Scrap reports of your city, pending first. Roles: CLERK, SUPERVISOR (own city).",
    )
    def deregistration_scrap_reports(
        self, info: strawberry.Info, city: str, overdue_only: bool = False
    ) -> list[DeregistrationScrapReport]:
        from sqlmodel import select

        from core.divisions import city as lookup_city

        ctx: Context = info.context
        place = lookup_city(city, "city").code
        ctx.require_jurisdiction(place, field="city")
        ctx.require_in_force(service.rules.MEASURE, place)
        stmt = select(DeregScrapReport).where(
            DeregScrapReport.registration_city == place,
            DeregScrapReport.processed_at.is_(None),  # type: ignore[union-attr]
        )
        if overdue_only:
            stmt = stmt.where(DeregScrapReport.overdue_flagged_at.is_not(None))  # type: ignore[union-attr]
        return [DeregistrationScrapReport.of(r) for r in ctx.session.exec(stmt.limit(200)).all()]


@strawberry.type
class DeregistrationMutation:
    @strawberry.mutation(
        extensions=[requires("online_deregistration.apply")],
        description="Apply online to deregister your vehicle. Roles: CITIZEN (owner; registration city in force).",
    )
    def deregistration_apply(
        self, info: strawberry.Info, input: DeregistrationApplyInput
    ) -> DeregistrationApplyPayload:
        ctx: Context = info.context

        def work(scope: WriteScope) -> DeregistrationApplyPayload:
            app = service.apply(ctx, scope, str(input.vehicle_id), input.reason.value)
            return DeregistrationApplyPayload(application=Application.of(app))

        return ctx.mutate("online_deregistration.apply", DeregistrationApplyPayload, work)

    @strawberry.mutation(
        extensions=[requires("online_deregistration.review")],
        description="Review; approval deregisters (cascade) and issues the certificate. Roles: CLERK, SUPERVISOR.",
    )
    def deregistration_review(
        self, info: strawberry.Info, input: DeregistrationReviewInput
    ) -> DeregistrationCertificatePayload:
        ctx: Context = info.context

        def work(scope: WriteScope) -> DeregistrationCertificatePayload:
            app, certificate = service.review(
                ctx, scope, str(input.application_id), input.approve, input.note
            )
            return DeregistrationCertificatePayload(
                application=Application.of(app),
                certificate=DeregistrationCertificate.of(certificate) if certificate else None,
            )

        return ctx.mutate("online_deregistration.review", DeregistrationCertificatePayload, work)

    @strawberry.mutation(
        extensions=[requires("online_deregistration.scrap_report")],
        description="Report a scrapped vehicle (any city). Roles: PARTNER_SCRAPPING.",
    )
    def deregistration_scrap_report(
        self, info: strawberry.Info, input: DeregistrationScrapReportInput
    ) -> DeregistrationScrapReportPayload:
        ctx: Context = info.context

        def work(scope: WriteScope) -> DeregistrationScrapReportPayload:
            report = service.scrap_report(
                ctx,
                scope,
                input.vin,
                input.recycling_certificate_no,
                input.scrapped_on,
                input.scrap_city,
            )
            return DeregistrationScrapReportPayload(report=DeregistrationScrapReport.of(report))

        return ctx.mutate(
            "online_deregistration.scrap_report", DeregistrationScrapReportPayload, work
        )

    @strawberry.mutation(
        extensions=[requires("online_deregistration.scrap_process")],
        description="Deregister on scrap information (within one day). Roles: CLERK, SUPERVISOR (registration city).",
    )
    def deregistration_scrap_process(
        self, info: strawberry.Info, report_id: strawberry.ID
    ) -> DeregistrationCertificatePayload:
        ctx: Context = info.context

        def work(scope: WriteScope) -> DeregistrationCertificatePayload:
            _report, certificate = service.scrap_process(ctx, scope, str(report_id))
            return DeregistrationCertificatePayload(
                certificate=DeregistrationCertificate.of(certificate)
            )

        return ctx.mutate(
            "online_deregistration.scrap_process", DeregistrationCertificatePayload, work
        )

    @strawberry.mutation(
        extensions=[requires("online_deregistration.verify")],
        description="Verify a deregistration certificate (trade-in subsidies; nationwide). Roles: PARTNER_COMMERCE, CLERK.",
    )
    def deregistration_certificate_verify(
        self, info: strawberry.Info, input: DeregistrationVerifyInput
    ) -> DeregistrationVerifyPayload:
        ctx: Context = info.context

        def work(scope: WriteScope) -> DeregistrationVerifyPayload:
            out = service.verify(ctx, scope, input.payload, input.purpose)
            found = out["certificate"]
            certificate, vehicle = found if found else (None, None)
            return DeregistrationVerifyPayload(
                verification=DeregistrationVerification(
                    accepted=out["accepted"],
                    reasons=out["reasons"],
                    signature_valid=out["signature_valid"],
                    kid=out["kid"],
                    certificate_number=certificate.number if certificate else None,
                    deregistered_on=certificate.deregistered_on if certificate else None,
                    reason=certificate.reason if certificate else None,
                    vehicle_category=vehicle.category if vehicle else None,
                )
            )

        return ctx.mutate("online_deregistration.verify", DeregistrationVerifyPayload, work)
