"""GraphQL types and operations of M13 (the e-vehicle licence)."""

from __future__ import annotations

import base64
import datetime as dt

import strawberry

from core.api.audit import AuditEntryRef
from core.api.credential_types import ScannedPayloadInput, VerificationRecord, qr_payloads
from core.api.review_types import ApplicationPayload, ReviewDecisionInput
from core.api.types import Application, Vehicle
from core.clock import to_china
from core.context import Context, WriteScope
from core.documents import credentials as cred
from core.documents import local_versions
from core.graphql.operations import Payload, mutation, operation_field
from core.graphql.pagination import Connection
from core.registries.vehicles import Vehicle as VehicleRow

from . import rules, service
from .models import EvlGrant, EvlLocalVersion, EvlRoadsideCheck, EvlVerification
from .rules import MEASURE

EVehicleLicencePresented = strawberry.enum(
    rules.Presented,
    name="EVehicleLicencePresented",
    description="What the driver presented at a roadside check (2024-一-五-3).",
)
EVehicleLicenceRoadsideOutcome = strawberry.enum(
    rules.RoadsideOutcome,
    name="EVehicleLicenceRoadsideOutcome",
    description="The outcome of a roadside check (2024-一-五-3): COMPLIANT (paper carried), "
    "WARNING_NO_FINE (only a valid e-licence: 提示教育或警告), HANDLE_PER_LAW (依法处理).",
)


@strawberry.type(
    description="The nationally uniform e-vehicle licence (电子行驶证), live from the registry."
)
class EVehicleLicence:
    issued_at: dt.datetime
    live_status: str
    status_reasons: list[str]
    vehicle: Vehicle
    paper_licence_must_be_carried: bool = strawberry.field(description="2024-一-五-3")

    @classmethod
    def of(cls, credential: cred.IssuedCredential, vehicle: VehicleRow) -> EVehicleLicence:
        code, reasons = rules.live_status(vehicle.status)
        return cls(
            issued_at=to_china(credential.issued_at),
            live_status=rules.STATUS_NAMES[code],
            status_reasons=reasons,
            vehicle=Vehicle.of(vehicle),
            paper_licence_must_be_carried=True,
        )


@strawberry.type
class EVehicleLicenceQrPayload:
    text: str
    not_before: dt.datetime
    expires_at: dt.datetime
    length: int


@strawberry.type
class EVehicleLicenceQr:
    payloads: list[EVehicleLicenceQrPayload]

    @strawberry.field(description="The first payload as a PNG image, Base64.")
    def png_base64(self) -> str:
        return base64.b64encode(cred.render_png(self.payloads[0].text)).decode()


@strawberry.type
class EVehicleLicenceClaim:
    name: str
    value: str


@strawberry.type(description="What an online verification established.")
class EVehicleLicenceVerification:
    accepted: bool
    reasons: list[str]
    signature_valid: bool
    kid: str | None
    key_state: str | None
    payload_age_seconds: int | None
    payload_expired: bool | None
    live_status: str | None
    claims: list[EVehicleLicenceClaim]
    vehicle: Vehicle | None = strawberry.field(description="Officers and clerks only")
    receipt_id: str
    receipt: str = strawberry.field(description="Signed verification receipt (VR2:)")
    audit_entry: AuditEntryRef = strawberry.field(
        description="The audit entry this verification is logged under (also in the receipt)."
    )


@strawberry.type(
    description="One verification of your e-vehicle licence: who, when, purpose, claims, result."
)
class EVehicleLicenceVerificationRecord(VerificationRecord):
    pass


@strawberry.type
class EVehicleLicenceGrant:
    id: strawberry.ID
    vehicle_id: strawberry.ID
    grantee_person_id: strawberry.ID
    filed_at: dt.datetime
    valid_until: dt.date
    revoked: bool

    @classmethod
    def of(cls, row: EvlGrant) -> EVehicleLicenceGrant:
        return cls(
            id=strawberry.ID(row.id),
            vehicle_id=strawberry.ID(row.vehicle_id),
            grantee_person_id=strawberry.ID(row.grantee_person_id),
            filed_at=to_china(row.filed_at),
            valid_until=row.valid_until,
            revoked=row.revoked_at is not None,
        )


@strawberry.type
class EVehicleLicenceRoadsideCheck:
    outcome: EVehicleLicenceRoadsideOutcome
    fine_allowed: bool
    rule: str

    @classmethod
    def of(cls, row: EvlRoadsideCheck) -> EVehicleLicenceRoadsideCheck:
        return cls(
            outcome=rules.RoadsideOutcome(row.outcome),
            fine_allowed=row.fine_allowed,
            rule=str(row.details.get("rule", "")),
        )


@strawberry.input
class EVehicleLicenceApplyInput:
    vehicle_id: strawberry.ID
    photo_sha256: str


@strawberry.type
class EVehicleLicenceApplyPayload(ApplicationPayload):
    pass


@strawberry.input
class EVehicleLicenceReviewInput(ReviewDecisionInput):
    pass


@strawberry.type
class EVehicleLicenceReviewPayload(ApplicationPayload):
    e_licence: EVehicleLicence | None = None


@strawberry.input
class EVehicleLicenceVerifyInput(ScannedPayloadInput):
    pass


@strawberry.type
class EVehicleLicenceVerifyPayload(Payload):
    verification: EVehicleLicenceVerification | None = None


@strawberry.input
class EVehicleLicenceRoadsideCheckInput:
    plate: str
    presented: EVehicleLicencePresented
    city: str
    payload: str | None = None


@strawberry.type
class EVehicleLicenceRoadsideCheckPayload(Payload):
    check: EVehicleLicenceRoadsideCheck | None = None


@strawberry.input
class EVehicleLicenceGrantCreateInput:
    vehicle_id: strawberry.ID
    grantee_person_id: strawberry.ID
    valid_until: dt.date


@strawberry.type
class EVehicleLicenceGrantPayload(Payload):
    grant: EVehicleLicenceGrant | None = None


@strawberry.type
class EVehicleLicenceViolationPayload(Payload):
    violation_id: strawberry.ID | None = None
    status: str | None = None


@strawberry.type
class EVehicleLicenceQuery:
    @operation_field(
        f"{MEASURE}.view", "The e-vehicle licence of a vehicle you own or are authorised for."
    )
    def e_vehicle_licence(
        self, info: strawberry.Info, vehicle_id: strawberry.ID
    ) -> EVehicleLicence:
        ctx: Context = info.context
        credential, vehicle = service.credential_for_viewer(ctx, str(vehicle_id))
        return EVehicleLicence.of(credential, vehicle)

    @operation_field(
        f"{MEASURE}.show",
        "Signed short-window QR payloads.",
        qualifier="owner or granted filed user",
    )
    def e_vehicle_licence_show(
        self, info: strawberry.Info, vehicle_id: strawberry.ID, count: int = 1
    ) -> EVehicleLicenceQr:
        ctx: Context = info.context
        batch = service.show(ctx, str(vehicle_id), count)
        return EVehicleLicenceQr(payloads=qr_payloads(EVehicleLicenceQrPayload, batch))

    @operation_field(
        f"{MEASURE}.view",
        "Every verification of your vehicles' e-licences, newest first.",
        qualifier="owner",
        own_records=True,
    )
    def my_e_vehicle_licence_verifications(
        self, info: strawberry.Info, first: int = 20, after: str | None = None
    ) -> Connection[EVehicleLicenceVerificationRecord]:
        return EVehicleLicenceVerificationRecord.page(
            info.context, EvlVerification, EvlVerification.owner_person_id, first, after
        )


@strawberry.input
class EVehicleLicenceLocalVersionInput:
    city: str
    name: str


@strawberry.type
class EVehicleLicenceLocalVersionPayload(Payload):
    local_version_id: str | None = None


@strawberry.type
class EVehicleLicenceMutation:
    @mutation(
        f"{MEASURE}.apply",
        "Apply for the e-vehicle licence.",
        qualifier="owner; registration city in force",
    )
    def e_vehicle_licence_apply(
        self, info: strawberry.Info, input: EVehicleLicenceApplyInput, scope: WriteScope
    ) -> EVehicleLicenceApplyPayload:
        app = service.apply(info.context, scope, str(input.vehicle_id), input.photo_sha256)
        return EVehicleLicenceApplyPayload(application=Application.of(app))

    @mutation(
        f"{MEASURE}.review",
        "Review; approval issues the e-vehicle licence.",
        qualifier="registration city",
        way_out=lambda a: not a["input"].approve,
    )
    def e_vehicle_licence_review(
        self, info: strawberry.Info, input: EVehicleLicenceReviewInput, scope: WriteScope
    ) -> EVehicleLicenceReviewPayload:
        app, credential, vehicle = service.review(
            info.context, scope, str(input.application_id), input.approve, input.note
        )
        e_licence = EVehicleLicence.of(credential, vehicle) if credential and vehicle else None
        return EVehicleLicenceReviewPayload(application=Application.of(app), e_licence=e_licence)

    @mutation(
        f"{MEASURE}.verify",
        "Verify a scanned e-vehicle licence online (valid nationwide, not gated by rollout).",
        qualifier="road officers and clerks see the vehicle, partners the claims they may see",
    )
    def e_vehicle_licence_verify(
        self, info: strawberry.Info, input: EVehicleLicenceVerifyInput, scope: WriteScope
    ) -> EVehicleLicenceVerifyPayload:
        ctx: Context = info.context
        out, claims = service.verify(ctx, scope, input.payload, input.purpose)
        staff = ctx.actor.is_staff
        return EVehicleLicenceVerifyPayload(
            verification=EVehicleLicenceVerification(
                accepted=out.accepted,
                reasons=out.reasons,
                signature_valid=out.signature_valid,
                kid=out.kid,
                key_state=out.key_state,
                payload_age_seconds=out.age,
                payload_expired=out.expired,
                live_status=out.live_status,
                claims=[EVehicleLicenceClaim(name=k, value=v) for k, v in claims.items()],
                vehicle=Vehicle.of(out.vehicle) if staff and out.vehicle else None,
                receipt_id=out.receipt_id,
                receipt=out.receipt,
                audit_entry=AuditEntryRef.of(out.audit_entry),
            )
        )

    @mutation(
        f"{MEASURE}.roadside",
        "Record a roadside check and its outcome (2024-一-五-3).",
        qualifier="own city",
    )
    def e_vehicle_licence_roadside_check(
        self, info: strawberry.Info, input: EVehicleLicenceRoadsideCheckInput, scope: WriteScope
    ) -> EVehicleLicenceRoadsideCheckPayload:
        row = service.roadside_check(
            info.context, scope, input.plate, input.presented.value, input.payload, input.city
        )
        return EVehicleLicenceRoadsideCheckPayload(check=EVehicleLicenceRoadsideCheck.of(row))

    @mutation(
        f"{MEASURE}.grant",
        "Authorise a filed user of your vehicle (2024-一-五-4).",
        qualifier="owner",
    )
    def e_vehicle_licence_grant_create(
        self, info: strawberry.Info, input: EVehicleLicenceGrantCreateInput, scope: WriteScope
    ) -> EVehicleLicenceGrantPayload:
        grant = service.grant_create(
            info.context,
            scope,
            str(input.vehicle_id),
            str(input.grantee_person_id),
            input.valid_until,
        )
        return EVehicleLicenceGrantPayload(grant=EVehicleLicenceGrant.of(grant))

    @mutation(f"{MEASURE}.grant", "Revoke an authorisation.", qualifier="owner", way_out=True)
    def e_vehicle_licence_grant_revoke(
        self, info: strawberry.Info, grant_id: strawberry.ID, scope: WriteScope
    ) -> EVehicleLicenceGrantPayload:
        grant = service.grant_revoke(info.context, scope, str(grant_id))
        return EVehicleLicenceGrantPayload(grant=EVehicleLicenceGrant.of(grant))

    @mutation(
        f"{MEASURE}.violation",
        "Handle a non-site violation as an authorised filed user.",
        qualifier="grantee",
    )
    def e_vehicle_licence_violation_handle(
        self, info: strawberry.Info, violation_id: strawberry.ID, scope: WriteScope
    ) -> EVehicleLicenceViolationPayload:
        v = service.violation_handle(info.context, scope, str(violation_id))
        return EVehicleLicenceViolationPayload(violation_id=strawberry.ID(v.id), status=v.status)

    @mutation(
        f"{MEASURE}.local_version",
        "Register / accept a local electronic vehicle-licence version: refused where the unified "
        "e-vehicle licence is in force (2024-一-五-2).",
        qualifier="clerks: own city",
    )
    def e_vehicle_licence_local_version_register(
        self, info: strawberry.Info, input: EVehicleLicenceLocalVersionInput, scope: WriteScope
    ) -> EVehicleLicenceLocalVersionPayload:
        row = local_versions.register_local_version(
            info.context, scope, MEASURE, input.city, input.name,
            EvlLocalVersion, rules.refuse_local_version,
        )  # fmt: skip
        return EVehicleLicenceLocalVersionPayload(local_version_id=row.id)
