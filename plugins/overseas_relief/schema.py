"""GraphQL types and operations of M08 (names prefixed `OverseasRelief` / `overseasRelief`)."""

from __future__ import annotations

import datetime as dt

import strawberry

from core.api.types import DrivingLicence
from core.context import Context, WriteScope
from core.graphql.types import UserError
from core.permissions import requires
from core.registries.applications import Application
from core.registries.licences import DrivingLicence as LicenceRow
from core.validation import require_text

from . import rules, service
from .service import MEASURE


@strawberry.type(description="A restoration of a licence cancelled while the holder was abroad.")
class OverseasReliefRestoration:
    application_id: strawberry.ID
    status: str
    licence_status: str = strawberry.field(description="注销 or 注销可恢复 when accepted")
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
            licence_status=d.get("status", ""),
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
    business: str
    documents: str
    agent: str = strawberry.field(description="The agent's ID number, masked")
    until: dt.date
    rule: str


@strawberry.input
class OverseasReliefDeferralInput:
    holder_id_type: str = "MAINLAND_ID"
    holder_id_number: str
    agent_id_type: str = "MAINLAND_ID"
    agent_id_number: str
    business: str = strawberry.field(description="RENEWAL | REVIEW | HEALTH_CERTIFICATE")
    documents: str = strawberry.field(
        description="ORIGINAL | COPY (copies and printed images accepted)"
    )
    until: dt.date


@strawberry.input
class OverseasReliefRestoreInput:
    id_type: str = "MAINLAND_ID"
    id_number: str
    health_certificate: bool


@strawberry.input
class OverseasReliefReviewInput:
    application_id: strawberry.ID
    approve: bool
    note: str


@strawberry.type
class OverseasReliefDeferralPayload:
    errors: list[UserError] = strawberry.field(default_factory=list)
    deferral: OverseasReliefDeferral | None = None


@strawberry.type
class OverseasReliefRestorePayload:
    errors: list[UserError] = strawberry.field(default_factory=list)
    restoration: OverseasReliefRestoration | None = None


@strawberry.type
class OverseasReliefQuery:
    @strawberry.field(
        extensions=[requires("overseas_relief.read")],
        description="A restoration file. Roles: CITIZEN (own), CLERK / SUPERVISOR (own city; audited).",
    )
    def overseas_relief_restoration(
        self, info: strawberry.Info, application_id: strawberry.ID
    ) -> OverseasReliefRestoration:
        ctx: Context = info.context
        app = service.load_application(ctx, ctx.session, str(application_id))
        if ctx.actor.person_id != app.subject_person_id:
            ctx.audit_read(
                "overseas_relief.read",
                app.subject_person_id,
                f"Application:{app.id}",
                {"purpose": "restoration file"},
                measure=MEASURE,
            )
        return OverseasReliefRestoration.of(app)


@strawberry.type
class OverseasReliefMutation:
    @strawberry.mutation(
        extensions=[requires("overseas_relief.deferral")],
        description="Record a deferral of renewal, review or health certificate for a holder abroad, applied for by a person at home; copies accepted (2021-八-一). Roles: CLERK (licence of own city).",
    )
    def overseas_relief_deferral_record(
        self, info: strawberry.Info, input: OverseasReliefDeferralInput
    ) -> OverseasReliefDeferralPayload:
        ctx: Context = info.context

        def work(scope: WriteScope) -> OverseasReliefDeferralPayload:
            app = service.record_deferral(
                ctx, scope.session, input.holder_id_type, input.holder_id_number, input.agent_id_type,
                input.agent_id_number, input.business, input.documents, input.until,
            )  # fmt: skip
            scope.subject(app.subject_person_id, f"Application:{app.id}", business=app.business)
            d = app.data
            return OverseasReliefDeferralPayload(
                deferral=OverseasReliefDeferral(
                    application_id=strawberry.ID(app.id), business=d["business"], documents=d["documents"],
                    agent=d["agent"], until=dt.date.fromisoformat(d["until"]), rule=rules.RULE_DEFERRAL,
                )
            )  # fmt: skip

        return ctx.mutate("overseas_relief.deferral", OverseasReliefDeferralPayload, work)

    @strawberry.mutation(
        extensions=[requires("overseas_relief.accept")],
        description="Accept (受理) a restoration: relief period, exit-entry records, six-month window (2021-八-二). Roles: CLERK (licence of own city).",
    )
    def overseas_relief_restore_accept(
        self, info: strawberry.Info, input: OverseasReliefRestoreInput
    ) -> OverseasReliefRestorePayload:
        ctx: Context = info.context

        def work(scope: WriteScope) -> OverseasReliefRestorePayload:
            app = service.accept_restore(
                ctx, scope.session, input.id_type, input.id_number, input.health_certificate
            )
            scope.subject(app.subject_person_id, f"Application:{app.id}")
            return OverseasReliefRestorePayload(restoration=OverseasReliefRestoration.of(app))

        return ctx.mutate("overseas_relief.accept", OverseasReliefRestorePayload, work)

    @strawberry.mutation(
        extensions=[requires("overseas_relief.subject1")],
        description="Record the Subject 1 pass a 注销 licence needs before restoration (2021-八-二-3). Roles: CLERK (own city).",
    )
    def overseas_relief_subject1_record(
        self, info: strawberry.Info, application_id: strawberry.ID, passed_on: dt.date
    ) -> OverseasReliefRestorePayload:
        ctx: Context = info.context

        def work(scope: WriteScope) -> OverseasReliefRestorePayload:
            app = service.load_application(ctx, scope.session, str(application_id))
            scope.subject(app.subject_person_id, f"Application:{app.id}")
            service.record_subject1(ctx, scope.session, app, passed_on)
            return OverseasReliefRestorePayload(restoration=OverseasReliefRestoration.of(app))

        return ctx.mutate("overseas_relief.subject1", OverseasReliefRestorePayload, work)

    @strawberry.mutation(
        extensions=[requires("overseas_relief.review")],
        description="The department head reviews a restoration before it is completed; not the person who accepted it (2021-八-二-5). Roles: SUPERVISOR (own city).",
    )
    def overseas_relief_restore_review(
        self, info: strawberry.Info, input: OverseasReliefReviewInput
    ) -> OverseasReliefRestorePayload:
        ctx: Context = info.context

        def work(scope: WriteScope) -> OverseasReliefRestorePayload:
            note = require_text("note", input.note, 500, multiline=True)
            app = service.load_application(ctx, scope.session, str(input.application_id))
            scope.subject(app.subject_person_id, f"Application:{app.id}", approve=input.approve)
            licence = service.review(ctx, scope.session, app, input.approve, note)
            return OverseasReliefRestorePayload(
                restoration=OverseasReliefRestoration.of(app, licence)
            )

        return ctx.mutate("overseas_relief.review", OverseasReliefRestorePayload, work)
