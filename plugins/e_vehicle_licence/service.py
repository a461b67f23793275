"""M13 operations: apply / review / issue, show, online verification, roadside checks, grants to
filed users and their handling of non-site violations."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert
from sqlalchemy import select as sa_select
from sqlmodel import Session, select

from core.accounts import Person, Role
from core.context import Context, WriteScope
from core.db import stamp
from core.documents import credentials as cred
from core.documents.qr import sign_payload
from core.documents.signing import sign_document, signed_text, verify_document
from core.errors import Code, Forbidden, NotFound, RuleError
from core.identifiers import parse_plate, parse_sha256
from core.ids import lookup_id, new_id
from core.registries import applications as apps
from core.registries.vehicles import FiledDriver, Vehicle, Violation
from core.validation import require_text

from . import rules
from .errors import EVehicleLicenceErrorCode
from .models import EvlGrant, EvlRoadsideCheck, EvlVerification

_RECORD = insert(EvlVerification.__table__)  # type: ignore[attr-defined] - receipt and owner log

KIND = "VL"
PREFIX = "VL1:"
BUSINESS = "E_VEHICLE_LICENCE_ISSUE"
LEEWAY = 30
WINDOW_SECONDS = 180
MAX_BATCH = 10


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _own_vehicle(ctx: Context, session: Session, vehicle_id: str) -> Vehicle:
    person_id = ctx.require_person()
    vehicle = session.get(Vehicle, lookup_id(vehicle_id))
    if vehicle is None or vehicle.owner_person_id != person_id:
        raise NotFound("Vehicle", "vehicleId")
    return vehicle


def apply(ctx: Context, scope: WriteScope, vehicle_id: str, photo_sha256: str) -> apps.Application:
    """The owner (real-person verified) applies for the e-vehicle licence."""
    session = scope.session
    photo = parse_sha256(photo_sha256, "photoSha256")
    vehicle = _own_vehicle(ctx, session, vehicle_id)
    ctx.require_in_force(rules.MEASURE, vehicle.registration_city, field="vehicleId")
    person = session.get(Person, vehicle.owner_person_id)
    if person is None or person.real_person_verified_at is None:
        raise RuleError(
            EVehicleLicenceErrorCode.REAL_PERSON_REQUIRED,
            "Complete the real-person check first.",
            field="vehicleId",
            rule=f"{rules.R_UNIFORM} (实人认证)",
            measure=rules.MEASURE,
        )
    rules.require_issuable(vehicle.status)
    if cred.active_for_subject(session, KIND, vehicle.id) is not None:
        raise RuleError(
            EVehicleLicenceErrorCode.ALREADY_ISSUED,
            "The e-vehicle licence is already issued.",
            field="vehicleId",
        )
    pending = session.exec(
        select(apps.Application).where(
            apps.Application.measure == rules.MEASURE,
            apps.Application.vehicle_id == vehicle.id,
            apps.Application.status.in_(["SUBMITTED", "UNDER_REVIEW"]),  # type: ignore[attr-defined]
        )
    ).first()
    if pending is not None:
        raise RuleError(
            EVehicleLicenceErrorCode.PENDING_APPLICATION,
            "An application is under review.",
            field="vehicleId",
        )
    app = apps.submit(
        session,
        now=ctx.now(),
        measure=rules.MEASURE,
        business=BUSINESS,
        city_code=vehicle.registration_city,
        actor_account_id=ctx.actor.account_id,
        applicant_person_id=vehicle.owner_person_id,
        subject_person_id=vehicle.owner_person_id,
        vehicle_id=vehicle.id,
        data={"photoSha256": photo},
    )
    scope.subject(vehicle.owner_person_id, f"Application:{app.id}")
    return app


def review(
    ctx: Context, scope: WriteScope, application_id: str, approve: bool, note: str | None
) -> tuple[apps.Application, cred.IssuedCredential | None]:
    session = scope.session
    app, text = apps.start_review(
        ctx,
        scope,
        application_id,
        rules.MEASURE,
        approve,
        note,
        EVehicleLicenceErrorCode.NOTE_REQUIRED,
    )
    if not approve:
        return app, None
    now, actor = ctx.now(), ctx.actor.account_id
    vehicle = session.get(Vehicle, app.vehicle_id)
    if vehicle is None:
        raise NotFound("Vehicle", "applicationId")
    rules.require_issuable(vehicle.status)
    if cred.active_for_subject(session, KIND, vehicle.id) is not None:
        raise RuleError(
            EVehicleLicenceErrorCode.ALREADY_ISSUED, "Already issued.", field="applicationId"
        )
    apps.transition(
        session, app, apps.AppStatus.APPROVED, now=now, actor_account_id=actor, note=text
    )
    credential = cred.issue(session, now, KIND, vehicle.id, vehicle.owner_person_id)
    apps.transition(session, app, apps.AppStatus.COMPLETED, now=now, actor_account_id=actor)
    ctx.notify(
        session,
        vehicle.owner_person_id or "",
        f"{rules.MEASURE}.issued",
        {"plate": vehicle.plate},
        measure=rules.MEASURE,
    )
    return app, credential


def active_grant(
    session: Session, vehicle_id: str, person_id: str, today: dt.date
) -> EvlGrant | None:
    """The person's live grant on the vehicle (not revoked, not past its end, still filed)."""
    for grant in session.exec(
        select(EvlGrant).where(
            EvlGrant.vehicle_id == vehicle_id,
            EvlGrant.grantee_person_id == person_id,
            EvlGrant.revoked_at.is_(None),  # type: ignore[union-attr]
        )
    ):
        filed = session.get(FiledDriver, grant.filed_driver_id)
        if grant.valid_until >= today and filed is not None and filed.active:
            return grant
    return None


def credential_for_viewer(ctx: Context, vehicle_id: str) -> tuple[cred.IssuedCredential, Vehicle]:
    """The vehicle's live e-licence for its owner or a granted filed user; NOT_FOUND otherwise."""
    person_id = ctx.require_person()
    session = ctx.session
    vehicle = session.get(Vehicle, lookup_id(vehicle_id))
    if vehicle is None:
        raise NotFound("Vehicle", "vehicleId")
    if (
        vehicle.owner_person_id != person_id
        and active_grant(session, vehicle.id, person_id, ctx.today()) is None
    ):
        raise NotFound("Vehicle", "vehicleId")
    ctx.require_in_force(rules.MEASURE, vehicle.registration_city, field="vehicleId")
    credential = cred.active_for_subject(session, KIND, vehicle.id)
    if credential is None:
        raise RuleError(
            EVehicleLicenceErrorCode.NOT_ISSUED,
            "No e-vehicle licence issued for this vehicle.",
            field="vehicleId",
        )
    return credential, vehicle


def show(ctx: Context, vehicle_id: str, count: int) -> list[tuple[str, int, int]]:
    if not 1 <= count <= MAX_BATCH:
        raise RuleError(
            Code.INVALID_INPUT, f"`count` must be between 1 and {MAX_BATCH}.", field="count"
        )
    credential, vehicle = credential_for_viewer(ctx, vehicle_id)
    code, _ = rules.live_status(vehicle.status)
    start = int(ctx.now().timestamp())
    until = vehicle.inspection_valid_until
    out = []
    for i in range(count):
        iat, exp = start + i * WINDOW_SECONDS, start + (i + 1) * WINDOW_SECONDS
        claims = {
            cred.C_KIND: KIND,
            cred.C_HANDLE: cred.handle_to_bytes(credential.handle),
            cred.C_STATUS_REF: cred.status_ref(credential),
            cred.C_EXP: exp,
            cred.C_IAT: iat,
            cred.C_NONCE: secrets.token_bytes(4),
            cred.C_CLASSES: vehicle.vehicle_type,
            cred.C_STATUS: code,
            cred.C_VALID_UNTIL: int(until.strftime("%Y%m%d")) if until else 0,
        }
        out.append((sign_document(ctx.platform.keys, PREFIX, claims), iat, exp))
    return out


@dataclass
class Checked:
    """What an online verification established."""

    accepted: bool = False
    reasons: list[str] = field(default_factory=list)
    signature_valid: bool = False
    kid: str | None = None
    key_state: str | None = None
    age: int | None = None
    expired: bool | None = None
    live_status: str | None = None
    vehicle: Vehicle | None = None
    holder_person_id: str | None = None
    handle: str | None = None
    receipt_id: str = ""
    receipt: str = ""
    audit_entry: Any = None  # the EventDraft this verification is logged under


_CRED = cred.IssuedCredential.__table__  # type: ignore[attr-defined]


def check_payload(ctx: Context, session: Session, payload: str) -> Checked:
    """Signature, payload expiry and the vehicle's live status (read from the registry)."""
    text = signed_text("payload", payload, 600)
    out = Checked()
    result = verify_document(ctx.platform.keys, text, PREFIX, cred.credential_shape(KIND))
    out.kid, out.key_state, out.signature_valid = result.kid, result.key_state, result.valid
    if not result.valid:
        out.reasons.append(result.reason)
        return out
    claims = result.claims or {}  # the VL1 shape: every claim present with its type
    iat, exp = claims[cred.C_IAT], claims[cred.C_EXP]
    out.handle = cred.handle_from_bytes(claims[cred.C_HANDLE])
    epoch = int(ctx.now().timestamp())
    out.age, out.expired = epoch - iat, epoch > exp + LEEWAY
    if out.expired:
        out.reasons.append("PAYLOAD_EXPIRED")
        return out
    row = session.execute(
        sa_select(_CRED.c.subject_id, _CRED.c.revoked_at, _CRED.c.holder_person_id).where(
            _CRED.c.handle == out.handle
        )
    ).first()
    if row is None:
        out.reasons.append("UNKNOWN_CREDENTIAL")
        return out
    out.holder_person_id = row.holder_person_id
    if row.revoked_at is not None:
        out.reasons.append("CREDENTIAL_REVOKED")
        return out
    vehicle = session.get(Vehicle, row.subject_id)
    if vehicle is None:  # pragma: no cover - foreign data
        out.reasons.append("UNKNOWN_CREDENTIAL")
        return out
    code, reasons = rules.live_status(vehicle.status)
    out.vehicle, out.live_status = vehicle, rules.STATUS_NAMES[code]
    out.accepted = code == rules.VALID
    out.reasons.extend(reasons)
    return out


PARTNER_CLAIMS = ("status", "vehicle_type", "inspection_valid_until")


def verify(
    ctx: Context, scope: WriteScope, payload: str, purpose: str
) -> tuple[Checked, dict[str, str]]:
    """Online verification, valid nationwide (2024-一-五-1: not gated by rollout). Officers and
    clerks see the vehicle; partners only the claims their registration allows."""
    why = require_text("purpose", purpose, 100)
    actor = ctx.actor
    allowed: list[str] = []
    org = None
    if actor.is_partner:
        from core.accounts import PartnerOrg

        org = scope.session.get(PartnerOrg, actor.partner_org_id)
        if org is None or org.status != "ACTIVE":
            raise Forbidden("Your registration is not active.")
        allowed = [c for c in org.allowed_claims if c in PARTNER_CLAIMS]
        # a PROVINCE setting: the partner's registration province (none: the nationwide value)
        limit = ctx.setting(rules.MEASURE, "partner_verifications_per_minute", org.province_code)
        ctx.platform.limiter.hit("evl.verify", actor.partner_org_id or "", limit, 60.0)
    out = check_payload(ctx, scope.session, payload)
    claims: dict[str, str] = {}
    if out.vehicle is not None and actor.is_partner:
        v = out.vehicle
        values = {
            "status": out.live_status or "",
            "vehicle_type": v.vehicle_type,
            "inspection_valid_until": v.inspection_valid_until.isoformat()
            if v.inspection_valid_until
            else "",
        }
        claims = {k: values[k] for k in allowed}
    result = (
        "ACCEPTED" if out.accepted else "REJECTED:" + (out.reasons[0] if out.reasons else "UNKNOWN")
    )
    out.receipt_id = new_id()
    name = org.name if org is not None else f"{actor.primary_role}@{actor.jurisdiction or '-'}"
    disclosed = sorted(claims) if actor.is_partner else ["full_vehicle"]
    scope.subject(
        out.holder_person_id,
        f"EVehicleLicence:{out.handle}" if out.handle else None,
        purpose=why,
        claims=disclosed,
        result=result,
        receipt=out.receipt_id,
    )
    entry = out.audit_entry = scope.audit_draft()  # fixed now: the receipt names its entry
    scope.insert(
        _RECORD,
        {
            "id": out.receipt_id,
            "at": stamp(ctx.now()),
            "owner_person_id": out.holder_person_id,
            "handle": out.handle,
            "verifier_kind": "PARTNER" if actor.is_partner else "STAFF",
            "verifier_name": name[:100],
            "purpose": why,
            "claims": disclosed,
            "result": result[:40],
        },
    )
    out.receipt = sign_payload(
        "VR2:",
        {1: out.receipt_id, 2: out.handle or "", 3: actor.partner_org_id or actor.account_id or "",
         4: int(ctx.now().timestamp()), 5: result, 6: claims, 7: why, 8: out.live_status or "",
         9: entry.log_id, 10: entry.uid, 11: entry.leaf_hash()},
        ctx.platform.keys.active("document"),
    )  # fmt: skip
    return out, claims


def roadside_check(
    ctx: Context, scope: WriteScope, plate: str, presented: str, payload: str | None, city: str
) -> EvlRoadsideCheck:
    """A road officer records what the driver presented; the outcome follows 2024-一-五-3."""
    from core.divisions import city as lookup_city

    place = lookup_city(city, "city").code
    ctx.require_jurisdiction(place, field="city")
    if Role.ROAD_OFFICER not in ctx.actor.roles:
        raise Forbidden()
    number = parse_plate(plate)
    kind = rules.parse_presented(presented)
    vehicle = scope.session.exec(select(Vehicle).where(Vehicle.plate == number)).first()
    if vehicle is None:
        raise NotFound("Vehicle", "plate")
    valid = False
    details: dict[str, object] = {}
    if kind == rules.Presented.E_LICENCE:
        if not payload:
            raise RuleError(Code.INVALID_INPUT, "Scan the e-vehicle licence QR.", field="payload")
        checked = check_payload(ctx, scope.session, payload)
        valid = (
            checked.accepted and checked.vehicle is not None and checked.vehicle.id == vehicle.id
        )
        details = {"eLicenceAccepted": valid, "reasons": checked.reasons[:3]}
    outcome, fine_allowed, rule = rules.roadside_outcome(kind, valid)
    row = EvlRoadsideCheck(
        at=stamp(ctx.now()),
        vehicle_id=vehicle.id,
        officer_account_id=ctx.actor.account_id,
        city_code=place,
        presented=kind,
        outcome=outcome.value,
        fine_allowed=fine_allowed,
        details={**details, "rule": rule},
    )
    scope.session.add(row)
    scope.subject(vehicle.owner_person_id, f"Vehicle:{vehicle.id}", outcome=outcome.value)
    return row


def grant_create(
    ctx: Context, scope: WriteScope, vehicle_id: str, grantee_person_id: str, valid_until: dt.date
) -> EvlGrant:
    """The owner grants a filed user of the vehicle (2024-一-五-4)."""
    session = scope.session
    vehicle = _own_vehicle(ctx, session, vehicle_id)
    ctx.require_in_force(rules.MEASURE, vehicle.registration_city, field="vehicleId")
    rules.require_grant_window(ctx.today(), valid_until)
    filed = session.exec(
        select(FiledDriver).where(
            FiledDriver.vehicle_id == vehicle.id,
            FiledDriver.person_id == lookup_id(grantee_person_id),
            FiledDriver.active == True,  # noqa: E712
        )
    ).first()
    if filed is None:
        raise RuleError(
            EVehicleLicenceErrorCode.NOT_A_FILED_USER,
            "Only a filed user of this vehicle can be authorised.",
            field="granteePersonId",
            rule=rules.R_FILED_USER,
            measure=rules.MEASURE,
        )
    grant = EvlGrant(
        vehicle_id=vehicle.id,
        owner_person_id=vehicle.owner_person_id or "",
        grantee_person_id=filed.person_id,
        filed_driver_id=filed.id,
        filed_at=filed.filed_at,
        created_at=stamp(ctx.now()),
        valid_until=valid_until,
    )
    session.add(grant)
    ctx.notify(
        session,
        filed.person_id,
        f"{rules.MEASURE}.granted",
        {"plate": vehicle.plate},
        measure=rules.MEASURE,
    )
    scope.subject(filed.person_id, f"EvlGrant:{grant.id}")
    return grant


def grant_revoke(ctx: Context, scope: WriteScope, grant_id: str) -> EvlGrant:
    person_id = ctx.require_person()
    grant = scope.session.get(EvlGrant, lookup_id(grant_id))
    if grant is None or grant.owner_person_id != person_id:
        raise NotFound("Grant", "grantId")
    if grant.revoked_at is not None:
        raise RuleError(Code.INVALID_TRANSITION, "Already revoked.", field="grantId")
    grant.revoked_at, grant.revoked_reason = stamp(ctx.now()), "OWNER"
    scope.session.add(grant)
    scope.subject(grant.grantee_person_id, f"EvlGrant:{grant.id}")
    return grant


def violation_handle(ctx: Context, scope: WriteScope, violation_id: str) -> Violation:
    """A granted filed user handles a non-site violation that occurred after the filing time."""
    person_id = ctx.require_person()
    session = scope.session
    violation = session.get(Violation, lookup_id(violation_id))
    if violation is None or violation.vehicle_id is None:
        raise NotFound("Violation", "violationId")
    vehicle = session.get(Vehicle, violation.vehicle_id)
    grant = active_grant(session, violation.vehicle_id, person_id, ctx.today())
    if vehicle is None or grant is None:
        raise RuleError(
            EVehicleLicenceErrorCode.NO_ACTIVE_GRANT,
            "You hold no live authorisation for this vehicle.",
            field="violationId",
            rule=rules.R_NON_SITE,
            measure=rules.MEASURE,
        )
    ctx.require_in_force(rules.MEASURE, vehicle.registration_city, field="violationId")
    rules.require_handleable(
        violation.on_site, _aware(violation.occurred_at), _aware(grant.filed_at), violation.status
    )
    from core.concurrency import consume_once

    if not consume_once(
        session, Violation, violation.id, "handled_at", stamp(ctx.now()), status="UNHANDLED"
    ):
        raise RuleError(
            EVehicleLicenceErrorCode.ALREADY_HANDLED, "Already handled.", field="violationId"
        )
    session.refresh(violation)
    violation.status = "HANDLED"
    violation.handled_by_person_id = person_id
    session.add(violation)
    scope.subject(vehicle.owner_person_id, f"Violation:{violation.id}", grant=grant.id)
    return violation
