"""GraphQL types and operations of M01 (the e-driving licence)."""

from __future__ import annotations

import base64
import datetime as dt
import functools
from typing import Any

import strawberry

from core.api.audit import AuditEntryRef
from core.api.credential_types import VerificationRecord, from_epoch, qr_payloads
from core.api.review_types import ApplicationPayload, ReviewDecisionInput
from core.api.types import Application, DrivingLicence
from core.clock import to_china
from core.context import Context, WriteScope
from core.documents import credentials as cred
from core.documents import local_versions
from core.errors import Code, RuleError
from core.graphql.operations import Payload, mutation, operation_field
from core.graphql.pagination import Connection
from core.registries import caller
from core.registries.licences import DrivingLicence as LicenceRow

from . import rules, service, verification
from .models import EdlLocalVersion, EdlVerification
from .rules import MEASURE

EDrivingLicencePresented = strawberry.enum(
    rules.Presented,
    name="EDrivingLicencePresented",
    description="What the driver presented at a roadside check.",
)
EDrivingLicenceLiveStatus = strawberry.enum(
    rules.LiveStatus,
    name="EDrivingLicenceLiveStatus",
    description="The e-licence's status, live from the licence registry.",
)


@strawberry.type(
    description="The nationally uniform e-driving licence (电子驾驶证), live from the registry."
)
class EDrivingLicence:
    issued_at: dt.datetime
    live_status: EDrivingLicenceLiveStatus
    status_reasons: list[str]
    licence: DrivingLicence = strawberry.field(
        description="Classes, first issue date, validity, status, remarks"
    )
    issuing_office: str | None
    paper_licence_still_issued: bool = strawberry.field(
        description="2021-一-五-4: paper licences keep being issued"
    )

    @classmethod
    def of(cls, ctx: Context, credential: Any, licence: Any) -> EDrivingLicence:
        """From a credential and its licence (ORM objects or Core rows: the same attributes)."""
        code, reasons = rules.live_status(
            licence.status, licence.valid_until, licence.points, ctx.today()
        )
        return cls(
            issued_at=to_china(credential.issued_at),
            live_status=rules.LiveStatus(rules.STATUS_NAMES[code]),
            status_reasons=reasons,
            licence=DrivingLicence.of(licence),
            issuing_office=caller.office_name(ctx, licence.issuing_office_id),
            paper_licence_still_issued=True,
        )


@strawberry.type(description="One signed QR payload and its validity window.")
class EDrivingLicenceQrPayload:
    text: str = strawberry.field(description="DL1: + Base45(COSE_Sign1); alphanumeric QR mode")
    not_before: dt.datetime
    expires_at: dt.datetime
    length: int


@strawberry.type(description="A batch of rotating QR payloads; images of the first one on request.")
class EDrivingLicenceQr:
    payloads: list[EDrivingLicenceQrPayload]
    qr_version: int = strawberry.field(description="QR version of the first payload at level M")

    @strawberry.field(description="The first payload as an SVG image (segno).")
    def svg(self) -> str:
        return cred.render_svg(self.payloads[0].text)

    @strawberry.field(description="The first payload as a PNG image, Base64.")
    def png_base64(self) -> str:
        return base64.b64encode(cred.render_png(self.payloads[0].text)).decode()


@strawberry.type(description="A disclosed claim or predicate answer (e.g. points_below_12 = YES).")
class EDrivingLicenceClaim:
    name: str
    value: str


@strawberry.type(description="What an online verification established: never a bare 'valid'.")
class EDrivingLicenceVerification:
    accepted: bool
    reasons: list[str]
    signature_valid: bool
    kid: str | None
    key_state: str | None
    payload_issued_at: dt.datetime | None
    payload_expires_at: dt.datetime | None
    payload_age_seconds: int | None
    payload_expired: bool | None
    live_status: EDrivingLicenceLiveStatus | None
    status_reasons: list[str]
    checked_at: dt.datetime
    claims: list[EDrivingLicenceClaim] = strawberry.field(
        description="Partners: only what they may see"
    )
    licence: DrivingLicence | None = strawberry.field(
        description="Officers and clerks: the full licence"
    )
    holder_name: str | None
    holder_id_number: str | None = strawberry.field(description="Masked")
    receipt_id: str
    receipt: str = strawberry.field(
        description="Signed verification receipt (VR2:), for the verifier to keep"
    )
    audit_entry: AuditEntryRef = strawberry.field(
        description="The audit entry this verification is logged under (also in the receipt): "
        "ask auditInclusionProof(logId, leafHash) later to prove it was logged."
    )


@functools.lru_cache(maxsize=64)
def qr_version_for_length(length: int) -> int:
    """The QR version (level M) of a payload of `length` characters: `cred.qr_version` encodes in
    alphanumeric mode, whose size depends on the number of characters only (ISO/IEC 18004 7.4.4:
    11 bits per pair), so it is worked out once per length instead of encoding and masking the
    whole symbol (about 13 ms with segno) on every request."""
    return cred.qr_version("0" * length)


def _ts(epoch: int | None) -> dt.datetime | None:
    return None if epoch is None else from_epoch(epoch)


def _verification(ctx: Context, out: verification.Outcome) -> EDrivingLicenceVerification:
    licence = ctx.session.get(LicenceRow, out.licence_id) if out.licence_id else None
    return EDrivingLicenceVerification(
        accepted=out.accepted,
        reasons=out.reasons,
        signature_valid=out.signature_valid,
        kid=out.kid,
        key_state=out.key_state,
        payload_issued_at=_ts(out.iat),
        payload_expires_at=_ts(out.exp),
        payload_age_seconds=out.age,
        payload_expired=out.expired,
        live_status=rules.LiveStatus(out.live_status) if out.live_status else None,
        status_reasons=out.status_reasons,
        checked_at=to_china(out.checked_at or ctx.now()),
        claims=[EDrivingLicenceClaim(name=k, value=v) for k, v in out.claims.items()],
        licence=DrivingLicence.of(licence) if licence else None,
        holder_name=out.holder_name,
        holder_id_number=out.holder_id_masked,
        receipt_id=out.receipt_id,
        receipt=out.receipt,
        audit_entry=AuditEntryRef.of(out.audit_entry),
    )


@strawberry.type(
    description="One verification of your e-licence: who, when, purpose, claims, result."
)
class EDrivingLicenceVerificationRecord(VerificationRecord):
    pass


@strawberry.input
class EDrivingLicenceApplyInput:
    licence_id: strawberry.ID
    photo_sha256: str = strawberry.field(description="SHA-256 (hex) of the photo taken in the app")


@strawberry.type
class EDrivingLicenceApplyPayload(ApplicationPayload):
    pass


@strawberry.input
class EDrivingLicenceReviewInput(ReviewDecisionInput):
    pass


@strawberry.type
class EDrivingLicenceReviewPayload(ApplicationPayload):
    e_licence: EDrivingLicence | None = None


@strawberry.input
class EDrivingLicenceVerifyInput:
    payload: str = strawberry.field(description="The scanned QR text (DL1:...)")
    purpose: str = strawberry.field(
        description="Why you verify (insurance claim, car rental, hiring...)"
    )
    claims: list[str] | None = strawberry.field(
        default=None, description="Default: all your registration allows"
    )
    holds_class: str | None = strawberry.field(
        default=None, description="Class for the holds_class predicate"
    )
    share_code: str | None = strawberry.field(
        default=None, description="A holder's share code for more claims"
    )


@strawberry.type
class EDrivingLicenceVerifyPayload(Payload):
    verification: EDrivingLicenceVerification | None = None


@strawberry.input
class EDrivingLicenceShareCreateInput:
    claims: list[str]
    minutes: int = 30
    partner_org_id: strawberry.ID | None = None


@strawberry.type
class EDrivingLicenceSharePayload(Payload):
    code: str | None = None
    expires_at: dt.datetime | None = None


@strawberry.input
class EDrivingLicenceSeizeInput:
    file_number: str
    presented: EDrivingLicencePresented
    city: str
    reason: str


@strawberry.type
class EDrivingLicenceSeizePayload(Payload):
    licence: DrivingLicence | None = None


@strawberry.input
class EDrivingLicenceLocalVersionInput:
    city: str
    name: str


@strawberry.type
class EDrivingLicenceLocalVersionPayload(Payload):
    local_version_id: str | None = None


@strawberry.type
class EDrivingLicenceQuery:
    @operation_field(
        f"{MEASURE}.view",
        "Your e-driving licence with its live status.",
        qualifier="own; licence city in force",
        own_records=True,
    )
    def my_e_driving_licence(self, info: strawberry.Info) -> EDrivingLicence:
        ctx: Context = info.context
        credential, licence = service.my_credential(ctx)
        return EDrivingLicence.of(ctx, credential, licence)

    @operation_field(
        f"{MEASURE}.show",
        "Signed short-window QR payloads (up to 10 windows ahead).",
        qualifier="own",
    )
    def e_driving_licence_show(self, info: strawberry.Info, count: int = 1) -> EDrivingLicenceQr:
        ctx: Context = info.context
        batch = service.show(ctx, count)
        return EDrivingLicenceQr(
            payloads=qr_payloads(EDrivingLicenceQrPayload, batch),
            qr_version=qr_version_for_length(len(batch[0][0])),
        )

    @operation_field(
        f"{MEASURE}.my_verifications",
        "Every verification of your e-licence, newest first.",
        qualifier="own",
        own_records=True,
    )
    def my_e_driving_licence_verifications(
        self, info: strawberry.Info, first: int = 20, after: str | None = None
    ) -> Connection[EDrivingLicenceVerificationRecord]:
        return EDrivingLicenceVerificationRecord.page(
            info.context, EdlVerification, EdlVerification.holder_person_id, first, after
        )

    @operation_field(
        f"{MEASURE}.status_list",
        "A signed status list (SL2:, an IETF Token Status List CWT) for offline verifiers to cache (valid nationwide).",
    )
    def e_driving_licence_status_list(self, info: strawberry.Info, list_id: int) -> str:
        ctx: Context = info.context
        if not 0 <= list_id < cred.LIST_COUNT:
            raise RuleError(Code.INVALID_INPUT, "Unknown status list.", field="listId")
        token = cred.current_status_list(
            ctx.session, ctx.platform.keys, list_id, ctx.now(), cred.platform_sources(ctx.platform)
        )
        ctx.session.commit()
        return token

    @operation_field(f"{MEASURE}.status_list", "The document keys as a signed trust list (TL1:).")
    def e_driving_licence_trust_list(self, info: strawberry.Info) -> str:
        ctx: Context = info.context
        return cred.signed_trust_list(ctx.platform.keys)


@strawberry.type
class EDrivingLicenceMutation:
    @mutation(
        f"{MEASURE}.apply",
        "Apply for the e-licence (real-person verified).",
        qualifier="own licence; its city in force",
    )
    def e_driving_licence_apply(
        self, info: strawberry.Info, input: EDrivingLicenceApplyInput, scope: WriteScope
    ) -> EDrivingLicenceApplyPayload:
        app = service.apply(info.context, scope, str(input.licence_id), input.photo_sha256)
        return EDrivingLicenceApplyPayload(application=Application.of(app))

    @mutation(
        f"{MEASURE}.review",
        "Review the photo; approval issues the e-licence.",
        qualifier="licence city",
        way_out=lambda a: not a["input"].approve,
    )
    def e_driving_licence_review(
        self, info: strawberry.Info, input: EDrivingLicenceReviewInput, scope: WriteScope
    ) -> EDrivingLicenceReviewPayload:
        ctx: Context = info.context
        app, credential, licence = service.review(
            ctx, scope, str(input.application_id), input.approve, input.note
        )
        e_licence = EDrivingLicence.of(ctx, credential, licence) if credential and licence else None
        return EDrivingLicenceReviewPayload(application=Application.of(app), e_licence=e_licence)

    @mutation(
        f"{MEASURE}.verify",
        "Verify a scanned e-licence online (valid nationwide, not gated by rollout).",
        qualifier="road officers and clerks see the full licence, partners the claims they may see",
    )
    def e_driving_licence_verify(
        self, info: strawberry.Info, input: EDrivingLicenceVerifyInput, scope: WriteScope
    ) -> EDrivingLicenceVerifyPayload:
        ctx: Context = info.context
        out = verification.verify(
            ctx,
            scope,
            input.payload,
            input.purpose,
            input.claims,
            input.holds_class,
            input.share_code,
        )
        return EDrivingLicenceVerifyPayload(verification=_verification(ctx, out))

    @mutation(
        f"{MEASURE}.share",
        "Give a partner a one-time share code for more claims.",
        qualifier="own",
    )
    def e_driving_licence_share_create(
        self, info: strawberry.Info, input: EDrivingLicenceShareCreateInput, scope: WriteScope
    ) -> EDrivingLicenceSharePayload:
        consent = service.share_create(
            info.context,
            scope,
            list(input.claims),
            input.minutes,
            str(input.partner_org_id) if input.partner_org_id else None,
        )
        return EDrivingLicenceSharePayload(
            code=consent.code, expires_at=to_china(consent.expires_at)
        )

    @mutation(
        f"{MEASURE}.seize",
        "Seize (扣留) a licence: only on the paper licence (2021-一-五-1).",
        qualifier="own city",
    )
    def e_driving_licence_seize(
        self, info: strawberry.Info, input: EDrivingLicenceSeizeInput, scope: WriteScope
    ) -> EDrivingLicenceSeizePayload:
        licence = service.seize(
            info.context, scope, input.file_number, input.presented, input.city, input.reason
        )
        return EDrivingLicenceSeizePayload(licence=DrivingLicence.of(licence))

    @mutation(
        f"{MEASURE}.local_version",
        "Register / accept a local electronic licence version: refused where the unified "
        "e-licence is in force (2021-一-五-3).",
        qualifier="clerks: own city",
    )
    def e_driving_licence_local_version_register(
        self, info: strawberry.Info, input: EDrivingLicenceLocalVersionInput, scope: WriteScope
    ) -> EDrivingLicenceLocalVersionPayload:
        row = local_versions.register_local_version(
            info.context, scope, MEASURE, input.city, input.name,
            EdlLocalVersion, rules.refuse_local_version,
        )  # fmt: skip
        return EDrivingLicenceLocalVersionPayload(local_version_id=row.id)
