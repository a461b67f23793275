"""M13 operations: apply / review / issue, show, online verification, roadside checks, grants to
filed users and their handling of non-site violations."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import insert
from sqlalchemy import select as sa_select
from sqlmodel import Session, select

from core.accounts import Person, Role
from core.clock import to_china
from core.context import Context, WriteScope
from core.db import stamp
from core.documents import credentials as cred
from core.documents import issuing
from core.documents.online_check import OnlineCheck
from core.documents.partner_limit import PARTNER_VERIFICATIONS_PER_MINUTE
from core.documents.signing import signed_text
from core.errors import Code, Forbidden, NotFound, RuleError
from core.identifiers import parse_plate, parse_sha256
from core.ids import lookup_id
from core.registries import applications as apps
from core.registries.ownership import load_own
from core.registries.vehicles import FiledDriver, Vehicle, Violation
from core.validation import require_text

from . import rules
from .errors import EVehicleLicenceErrorCode
from .models import EvlGrant, EvlRoadsideCheck, EvlVerification

_RECORD = insert(EvlVerification.__table__)  # type: ignore[attr-defined] - receipt and owner log

KIND = "VL"
PREFIX = "VL1:"
BUSINESS = "E_VEHICLE_LICENCE_ISSUE"
ISSUER = issuing.Issuer(
    measure=rules.MEASURE,
    kind=KIND,
    business=BUSINESS,
    subject=Vehicle,
    link="vehicle_id",
    holder="owner_person_id",
    what="Vehicle",
    note_required=EVehicleLicenceErrorCode.NOTE_REQUIRED,
    already_issued=EVehicleLicenceErrorCode.ALREADY_ISSUED,
    pending=EVehicleLicenceErrorCode.PENDING_APPLICATION,
    review_rule=rules.R_REVIEW,
    submit_rule=rules.R_ONE_LICENCE,
)
SCOPE = "vehicle_licence:verify"  # the partner credential scope for e-vehicle-licence checks
WINDOW_SECONDS = 180
MAX_BATCH = 10


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _own_vehicle(ctx: Context, session: Session, vehicle_id: str) -> Vehicle:
    return load_own(ctx, session, Vehicle, vehicle_id, "owner_person_id", "Vehicle", "vehicleId")


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
            measure=rules.MEASURE,
        )
    rules.require_issuable(vehicle.status)
    return ISSUER.submit(
        ctx, scope, vehicle, vehicle.registration_city,
        field="vehicleId", data={"photoSha256": photo},
        messages=("The e-vehicle licence is already issued.", "An application is under review."),
    )  # fmt: skip


def review(
    ctx: Context, scope: WriteScope, application_id: str, approve: bool, note: str | None
) -> tuple[apps.Application, cred.IssuedCredential | None, Vehicle | None]:
    """A clerk of the registration city reviews; approval issues the e-vehicle licence.
    Returns the application, and on approval the credential and its vehicle."""
    app, vehicle, credential = ISSUER.review(
        ctx, scope, application_id, approve, note,
        check=lambda v: rules.require_issuable(v.status), issued_message="Already issued.",
    )  # fmt: skip
    if credential is not None:
        ctx.notify(
            scope.session,
            vehicle.owner_person_id or "",
            f"{rules.MEASURE}.issued",
            {"plate": vehicle.plate},
            measure=rules.MEASURE,
        )
    return app, credential, vehicle


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
            measure=rules.MEASURE,
        )
    return credential, vehicle


def show(ctx: Context, vehicle_id: str, count: int) -> list[tuple[str, int, int]]:
    """A batch of short-window signed payloads (text, iat, exp) for the owner or a grantee."""
    batch = issuing.windows(ctx.now(), count, WINDOW_SECONDS, MAX_BATCH)
    credential, vehicle = credential_for_viewer(ctx, vehicle_id)
    code, _ = rules.live_status(vehicle.status)
    return [
        (
            issuing.sign_presentation(
                ctx.platform.keys, PREFIX, credential, iat=iat, exp=exp,
                classes=vehicle.vehicle_type, status=code,
                valid_until=vehicle.inspection_valid_until,
            ),
            iat,
            exp,
        )
        for iat, exp in batch
    ]  # fmt: skip


@dataclass
class Checked(OnlineCheck):
    """What an online verification established."""

    vehicle: Vehicle | None = None


_CRED = cred.IssuedCredential.__table__  # type: ignore[attr-defined]


def check_payload(ctx: Context, session: Session, payload: str) -> Checked:
    """Signature, payload expiry, the vehicle's live status (read from the registry) and the
    licence's validity (claim 10 and the registry's inspection date) at the request's Beijing
    date: past it, INVALID with DOCUMENT_EXPIRED, as the offline verifier (rules.R_VALIDITY)."""
    text = signed_text("payload", payload, 600)
    out = Checked()
    claims = out.open(ctx, text, PREFIX, KIND)
    if claims is None:
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
    today = to_china(ctx.now()).date()
    if rules.document_expired(vehicle.inspection_valid_until, claims[cred.C_VALID_UNTIL], today):
        code, reasons = rules.INVALID, [*reasons, rules.DOCUMENT_EXPIRED]
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

        ctx.require_scope(SCOPE, "M13: partner registration scope")
        org = scope.session.get(PartnerOrg, actor.partner_org_id)
        if org is None or org.status != "ACTIVE":
            raise Forbidden("Your registration is not active.", rule="M13: partner registration")
        allowed = [c for c in org.allowed_claims if c in PARTNER_CLAIMS]
        # a PROVINCE setting: the partner's registration province (none: the nationwide value)
        limit = ctx.setting(rules.MEASURE, PARTNER_VERIFICATIONS_PER_MINUTE.key, org.province_code)
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
    name = org.name if org is not None else f"{actor.primary_role}@{actor.jurisdiction or '-'}"
    out.log(
        ctx,
        scope,
        _RECORD,
        now=ctx.now(),
        ref_type="EVehicleLicence",
        purpose=why,
        verifier_name=name,
        claims=claims,
        disclosed=sorted(claims) if actor.is_partner else ["full_vehicle"],
        columns={"owner_person_id": out.holder_person_id},
    )
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
    grant = load_own(ctx, scope.session, EvlGrant, grant_id, "owner_person_id", "Grant", "grantId")
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
            EVehicleLicenceErrorCode.ALREADY_HANDLED,
            "Already handled.",
            field="violationId",
            measure=rules.MEASURE,
        )
    session.refresh(violation)
    violation.status = "HANDLED"
    violation.handled_by_person_id = person_id
    session.add(violation)
    scope.subject(vehicle.owner_person_id, f"Violation:{violation.id}", grant=grant.id)
    return violation
