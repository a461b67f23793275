"""Operations of M09: load, check the rules, write. Called by the resolvers in schema.py."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from core import units
from core.accounts import Person, Unit
from core.concurrency import consume_once
from core.context import Context, WriteScope
from core.db import stamp
from core.divisions import city as lookup_city
from core.documents.signing import sign_document, verify_document
from core.errors import Code, NotFound, RuleError
from core.identifiers import parse_vin
from core.identity import IdentityNumber, parse_identity
from core.ids import lookup_id
from core.notices import Addressee
from core.records import get_or_not_found
from core.registries.licences import DrivingLicence
from core.registries.persons import person_by_identity
from core.registries.vehicles import Vehicle, VehicleStatus
from core.validation import require_person_name

from . import rules
from .errors import EntrustmentErrorCode
from .models import EntrustmentGrant
from .rules import MEASURE


@dataclass(frozen=True)
class Target:
    """What a business is about and which city's office handles it."""

    city: str
    owner_person_id: str | None
    vehicle_id: str | None = None
    licence_id: str | None = None
    vin: str | None = None


@dataclass(frozen=True)
class AgentIdentity:
    doc: IdentityNumber
    name: str

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.doc.doc_type.value, self.doc.number, self.name)


def parse_agent(id_type: str, id_number: str, name: str, prefix: str = "agent") -> AgentIdentity:
    """Validate an identity given as type + number + name (fields `<prefix>IdType` ...)."""
    doc = parse_identity(id_type, id_number, field=f"{prefix}IdNumber")
    return AgentIdentity(doc, require_person_name(f"{prefix}Name", name, 64))


def _require_principals(
    row: Vehicle | DrivingLicence | None, principals: bool, hide_others: bool, what: str, role: str
) -> None:
    """The vehicle or licence exists and is the principal's (`principals`). If not: NOT_FOUND
    (`<what>`, field `<what>Id`) when it does not exist or `hide_others` (citizens cannot probe
    ids), else ENTRUSTMENT_OWNER_MISMATCH ("The principal is not <role>.")."""
    if row is not None and principals:
        return
    if hide_others or row is None:
        raise NotFound(what, f"{what.lower()}Id")
    raise RuleError(
        EntrustmentErrorCode.OWNER_MISMATCH,
        f"The principal is not {role}.",
        field="ownerIdNumber",
    )


def resolve_target(
    session: Session,
    biz: rules.Business,
    *,
    vehicle_id: str | None,
    licence_id: str | None,
    vin: str | None,
    city: str | None,
    owner_person_id: str | None,
    hide_others: bool,
    owner_unit_id: str | None = None,
) -> Target:
    """Check that the business names exactly one vehicle or licence of the owner; its city.

    `hide_others`: answer NOT_FOUND for another person's file (citizens cannot probe ids);
    otherwise (a clerk recording a paper entrustment) say that the principal is not the owner.
    """
    if biz.subject is rules.Subject.VEHICLE:
        if licence_id:
            raise RuleError(
                EntrustmentErrorCode.WRONG_SUBJECT,
                f"{biz.code} is a vehicle business; give no licence.",
                field="licenceId",
                rule=rules.RULE_SCOPE,
            )
        if biz.new_vehicle:
            if vehicle_id:
                raise RuleError(
                    EntrustmentErrorCode.WRONG_SUBJECT,
                    f"{biz.code} is for a vehicle not registered yet: give its VIN and city.",
                    field="vehicleId",
                    rule=rules.RULE_SCOPE,
                )
            if not city:
                raise RuleError(Code.INVALID_INPUT, "`city` is required.", field="city")
            lookup_city(city)
            return Target(city, owner_person_id, vin=parse_vin(vin))
        if vin or city:
            raise RuleError(
                Code.INVALID_INPUT,
                "A registered vehicle is named by `vehicleId` only; it is handled in its "
                "registration city.",
                field="vin" if vin else "city",
                rule=rules.RULE_SCOPE,
            )
        vehicle = session.get(Vehicle, str(vehicle_id)) if vehicle_id else None
        if vehicle_id is None:
            raise RuleError(Code.INVALID_INPUT, "`vehicleId` is required.", field="vehicleId")
        owns = (
            vehicle is not None
            and (vehicle.owner_unit_id == owner_unit_id)
            and (owner_unit_id is not None or vehicle.owner_person_id == owner_person_id)
        )
        _require_principals(vehicle, owns, hide_others, "Vehicle", "the owner of this vehicle")
        if vehicle.status == VehicleStatus.DEREGISTERED.value:
            raise RuleError(
                EntrustmentErrorCode.VEHICLE_NOT_ACTIVE,
                "This vehicle is deregistered.",
                field="vehicleId",
            )
        return Target(vehicle.registration_city, owner_person_id, vehicle_id=vehicle.id)
    if owner_unit_id is not None:
        raise RuleError(
            EntrustmentErrorCode.WRONG_SUBJECT,
            f"{biz.code} is a licence business: a unit holds no driving licence.",
            field="unitId",
            rule=rules.RULE_UNIT,
        )
    if vehicle_id or vin:
        raise RuleError(
            EntrustmentErrorCode.WRONG_SUBJECT,
            f"{biz.code} is a licence business; give no vehicle.",
            field="vehicleId" if vehicle_id else "vin",
            rule=rules.RULE_SCOPE,
        )
    if licence_id is None:
        raise RuleError(Code.INVALID_INPUT, "`licenceId` is required.", field="licenceId")
    licence = session.get(DrivingLicence, str(licence_id))
    holds = licence is not None and licence.person_id == owner_person_id
    _require_principals(licence, holds, hide_others, "Licence", "the holder of this licence")
    handling_city = licence.issuing_city
    if biz.target_city:
        if not city:
            raise RuleError(
                Code.INVALID_INPUT, "`city` (the city moving to) is required.", field="city"
            )
        lookup_city(city)
        if city == licence.issuing_city:
            raise RuleError(
                Code.INVALID_INPUT,
                "A transfer-in exchange is handled in another city than the issuing one.",
                field="city",
                rule=rules.RULE_SCOPE,
            )
        handling_city = city
    elif city:
        raise RuleError(
            Code.INVALID_INPUT,
            "This licence business is handled in the issuing city; give no `city`.",
            field="city",
        )
    return Target(handling_city, owner_person_id, licence_id=licence.id)


def _qr(ctx: Context, grant: EntrustmentGrant) -> str:
    """The signed QR of an electronic entrustment (claims: see README; no names or ID numbers)."""
    claims = {
        1: grant.id,
        2: grant.business,
        3: grant.city_code,
        4: grant.valid_until.isoformat(),
        5: grant.valid_from.isoformat(),
    }
    return sign_document(ctx.platform.keys, rules.QR_PREFIX, claims)


def create(
    ctx: Context,
    scope: WriteScope,
    *,
    business_code: str,
    agent: tuple[str, str, str],
    valid_days: int,
    vehicle_id: str | None,
    licence_id: str | None,
    vin: str | None,
    city: str | None,
    unit_id: str | None = None,
) -> EntrustmentGrant:
    """The owner entrusts a named agent for one business of the table (九-一, 九-二); for a
    unit's vehicle (`unit_id`), the unit's legal person or an admin entrusts for the unit
    (2024 八-三). The agent, when registered, is told (notice `agent_named`)."""
    owner_id = ctx.require_person()
    biz = rules.business(business_code)
    who = parse_agent(*agent)
    unit: Unit | None = None
    if unit_id is not None:  # its active legal person or an admin (2024 八-二, 八-三), the core's
        # check shared with M14 and M20: a unit the caller is no active member of is NOT_FOUND, a
        # plain user ENTRUSTMENT_UNIT_MANAGER_REQUIRED; on the web only after the app's QR sign-in
        unit, _member = units.require_unit_manager(
            scope.session,
            owner_id,
            unit_id,
            "unitId",
            ctx=ctx,
            code=EntrustmentErrorCode.UNIT_MANAGER_REQUIRED,
            rule=rules.RULE_UNIT,
            what="entrust an agent for the unit",
        )
    target = resolve_target(
        scope.session,
        biz,
        vehicle_id=vehicle_id,
        licence_id=licence_id,
        vin=vin,
        city=city,
        owner_person_id=owner_id,
        hide_others=True,
        owner_unit_id=unit.id if unit is not None else None,
    )
    ctx.require_in_force(MEASURE, target.city)
    today = ctx.today()
    valid_until = rules.validity_end(today, valid_days)
    owner = scope.session.get(Person, owner_id)
    if owner is not None and (owner.id_type, owner.id_number) == who.key[:2]:
        raise RuleError(
            EntrustmentErrorCode.SELF_ENTRUSTMENT,
            "You cannot entrust yourself: the owner in person needs no entrustment.",
            field="agentIdNumber",
        )
    grant = EntrustmentGrant(
        kind="ONLINE",
        business=biz.code,
        owner_person_id=owner_id,
        owner_unit_id=unit.id if unit is not None else None,
        vehicle_id=target.vehicle_id,
        licence_id=target.licence_id,
        vin=target.vin,
        city_code=target.city,
        agent_id_type=who.doc.doc_type.value,
        agent_id_number=who.doc.number,
        agent_name=who.name,
        valid_from=today,
        valid_until=valid_until,
        created_by_account_id=ctx.actor.account_id,
        created_at=stamp(ctx.now()),
    )
    grant.qr = _qr(ctx, grant)
    scope.session.add(grant)
    scope.session.flush()
    scope.subject(owner_id, f"EntrustmentGrant:{grant.id}", business=biz.code, days=valid_days)
    agent_person = person_by_identity(scope.session, who.doc)
    if agent_person is not None:  # an agent with no record yet is told by the owner
        principal = unit.name if unit is not None else (owner.name if owner else "")
        ctx.notify(
            scope.session,
            agent_person.id,
            f"{MEASURE}.agent_named",
            {"owner": principal, "business": biz.label_zh, "until": valid_until.isoformat()},
            measure=MEASURE,
        )
    return grant


def _load(session: Session, grant_id: str, field: str) -> EntrustmentGrant:
    """The entrustment `grant_id`, or NOT_FOUND naming `field`: the argument the client sent the
    id in (`id` for entrustmentRevoke / entrustmentLookup, `entrustmentId` in entrustmentUse)."""
    return get_or_not_found(session, EntrustmentGrant, grant_id, "Entrustment", field)


def _consume(
    ctx: Context,
    scope: WriteScope,
    grant: EntrustmentGrant,
    column: str,
    field: str,
    **still_null: None,
) -> None:
    """Stamp `column` (used_at or revoked_at) now, once: a conditional UPDATE that needs the
    other stamp still empty (`core.concurrency.consume_once`), so a use and a revocation (or two
    of either) cannot both succeed; the loser gets ENTRUSTMENT_ALREADY_USED. Refreshes `grant`."""
    now = stamp(ctx.now())
    if not consume_once(scope.session, EntrustmentGrant, grant.id, column, now, **still_null):
        raise RuleError(
            EntrustmentErrorCode.ALREADY_USED,
            "This entrustment was used or revoked meanwhile.",
            field=field,
        )
    scope.session.refresh(grant)


def revoke(ctx: Context, scope: WriteScope, grant_id: str, field: str = "id") -> EntrustmentGrant:
    """The owner revokes an unused entrustment (race-safe against a concurrent use). Every
    refusal names `field`, the argument the entrustment's id came in (`entrustmentRevoke(id:)`)."""
    owner_id = ctx.require_person()
    grant = _load(scope.session, grant_id, field)
    # the owner, or another legal person / admin of the owning unit, revokes it
    if grant.owner_person_id != owner_id and (
        grant.owner_unit_id is None
        or not units.is_unit_manager(scope.session, owner_id, grant.owner_unit_id)
    ):
        raise NotFound("Entrustment", field)
    if grant.owner_unit_id is not None:  # unit business: on the web only after the QR sign-in
        units.require_web_rule(ctx, grant.owner_unit_id, field)
    ctx.require_in_force(MEASURE, grant.city_code, field=field)  # the city comes from the id
    scope.subject(owner_id, f"EntrustmentGrant:{grant.id}")
    status = rules.status_of(grant.used_at, grant.revoked_at, grant.valid_until, ctx.today())
    if status in (rules.GrantStatus.USED, rules.GrantStatus.REVOKED):
        rules.require_usable(status, grant.valid_until, ctx.today(), field)
    _consume(ctx, scope, grant, "revoked_at", field, used_at=None)
    return grant


def load_for_clerk(
    ctx: Context, grant_id: str, purpose: str, field: str = "id"
) -> EntrustmentGrant:
    """A clerk's look-up on the platform: in force, in jurisdiction, audited. Refusals name
    `field`, the argument the id came from (`entrustmentLookup(id:)`, `entrustmentScan(qr:)`)."""
    grant = _load(ctx.session, grant_id, field)
    ctx.require_in_force(MEASURE, grant.city_code, field=field)  # the city comes from the id
    ctx.require_jurisdiction(grant.city_code, rule=rules.RULE_CHECK, field=field)
    ctx.audit_read(
        f"{MEASURE}.lookup",
        grant.owner_person_id,
        f"EntrustmentGrant:{grant.id}",
        {"purpose": purpose},
        measure=MEASURE,
    )
    return grant


@dataclass(frozen=True)
class ScanOutcome:
    valid: bool
    reason: str
    grant: EntrustmentGrant | None


def scan(ctx: Context, qr: str) -> ScanOutcome:
    """Verify a scanned QR (signature offline), then its live record (online)."""
    if ctx.actor.city_code:
        ctx.require_in_force(MEASURE, ctx.actor.city_code)
    if not isinstance(qr, str) or len(qr) > 1000:
        raise RuleError(Code.INVALID_INPUT, "The QR text is too long.", field="qr")
    verified = verify_document(ctx.platform.keys, qr, rules.QR_PREFIX, rules.QR_CLAIMS)
    if not verified.valid or not verified.claims:
        return ScanOutcome(False, verified.reason, None)
    claims = verified.claims
    grant = ctx.session.get(EntrustmentGrant, lookup_id(claims.get(1)))
    if grant is None:
        return ScanOutcome(False, "UNKNOWN_ENTRUSTMENT", None)
    if (claims.get(2), claims.get(3), claims.get(4)) != (
        grant.business,
        grant.city_code,
        grant.valid_until.isoformat(),
    ):
        return ScanOutcome(False, "CLAIMS_DIFFER", None)
    grant = load_for_clerk(ctx, grant.id, "scan", field="qr")
    return ScanOutcome(True, "OK", grant)


def _require_owner_unchanged(session: Session, grant: EntrustmentGrant) -> None:
    """The principal must still own the vehicle / hold the licence when the agent uses it."""
    if grant.vehicle_id:
        vehicle = session.get(Vehicle, grant.vehicle_id)
        owner_same = (
            (
                vehicle.owner_unit_id == grant.owner_unit_id
                if grant.owner_unit_id is not None
                else vehicle.owner_person_id == grant.owner_person_id
            )
            if vehicle is not None
            else False
        )
        still = owner_same and vehicle.status != VehicleStatus.DEREGISTERED.value
    elif grant.licence_id:
        licence = session.get(DrivingLicence, grant.licence_id)
        still = licence is not None and licence.person_id == grant.owner_person_id
    else:
        still = True  # a new vehicle: nothing registered to compare with
    if not still:
        raise RuleError(
            EntrustmentErrorCode.OWNER_CHANGED,
            "The principal no longer owns this vehicle or holds this licence.",
            field="entrustmentId",
        )


def use(
    ctx: Context,
    scope: WriteScope,
    *,
    grant_id: str,
    business_code: str,
    agent: tuple[str, str, str],
) -> EntrustmentGrant:
    """The clerk handles the business for the agent at the window: check, then consume once."""
    field = "entrustmentId"  # EntrustmentUseInput.entrustmentId
    grant = _load(scope.session, grant_id, field)
    ctx.require_in_force(MEASURE, grant.city_code, field=field)  # the city comes from the id
    ctx.require_jurisdiction(grant.city_code, rule=rules.RULE_CHECK, field=field)
    scope.subject(grant.owner_person_id, f"EntrustmentGrant:{grant.id}")
    biz = rules.business(business_code)
    who = parse_agent(*agent)
    today = ctx.today()
    rules.require_usable(
        rules.status_of(grant.used_at, grant.revoked_at, grant.valid_until, today),
        grant.valid_until,
        today,
        field,
    )
    rules.require_same_business(grant.business, biz.code)
    rules.require_same_agent(
        (grant.agent_id_type, grant.agent_id_number, grant.agent_name), who.key
    )
    _require_owner_unchanged(scope.session, grant)
    _consume(ctx, scope, grant, "used_at", field, revoked_at=None)
    grant.used_by_account_id = ctx.actor.account_id
    grant.used_office_id = ctx.actor.office_id
    scope.session.add(grant)
    scope.subject(business=biz.code)
    params = {"agent": grant.agent_name, "business": biz.label_zh, "day": today.isoformat()}
    ctx.notify(scope.session, grant.owner_person_id, f"{MEASURE}.used", params, measure=MEASURE)
    if grant.owner_unit_id is not None:
        ctx.notify(
            scope.session, Addressee.unit(grant.owner_unit_id), f"{MEASURE}.used", params,
            measure=MEASURE,
        )  # fmt: skip
    return grant


def record_paper(
    ctx: Context,
    scope: WriteScope,
    *,
    business_code: str,
    owner: tuple[str, str, str],
    agent: tuple[str, str, str],
    document_sha256: str,
    vehicle_id: str | None,
    licence_id: str | None,
    vin: str | None,
    city: str | None,
) -> EntrustmentGrant:
    """A clerk records a paper entrustment presented at the window (九-三); used at once."""
    biz = rules.business(business_code)
    principal = parse_agent(*owner, prefix="owner")
    who = parse_agent(*agent)
    digest = (document_sha256 or "").strip().lower()
    if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        raise RuleError(
            Code.INVALID_INPUT, "`documentSha256` is 64 hex characters.", field="documentSha256"
        )
    person = person_by_identity(scope.session, principal.doc)
    if person is None or rules.normalise_name(person.name) != rules.normalise_name(principal.name):
        raise NotFound("Principal", "ownerIdNumber")
    if principal.key[:2] == who.key[:2]:
        raise RuleError(
            EntrustmentErrorCode.SELF_ENTRUSTMENT,
            "The owner in person needs no entrustment.",
            field="agentIdNumber",
        )
    target = resolve_target(
        scope.session,
        biz,
        vehicle_id=vehicle_id,
        licence_id=licence_id,
        vin=vin,
        city=city,
        owner_person_id=person.id,
        hide_others=False,
    )
    ctx.require_in_force(MEASURE, target.city)
    ctx.require_jurisdiction(target.city, rule=rules.RULE_PAPER, field="city")
    now = ctx.now()
    grant = EntrustmentGrant(
        kind="PAPER",
        business=biz.code,
        owner_person_id=person.id,
        vehicle_id=target.vehicle_id,
        licence_id=target.licence_id,
        vin=target.vin,
        city_code=target.city,
        agent_id_type=who.doc.doc_type.value,
        agent_id_number=who.doc.number,
        agent_name=who.name,
        valid_from=ctx.today(),
        valid_until=ctx.today(),
        paper_document_sha256=digest,
        created_by_account_id=ctx.actor.account_id,
        created_at=stamp(now),
        used_at=stamp(now),
        used_by_account_id=ctx.actor.account_id,
        used_office_id=ctx.actor.office_id,
    )
    scope.session.add(grant)
    scope.session.flush()
    scope.subject(person.id, f"EntrustmentGrant:{grant.id}", business=biz.code, kind="PAPER")
    return grant


@dataclass(frozen=True)
class Requirement:
    owner_in_person: bool
    entrustment_required: bool
    rule: str
    usable: list[EntrustmentGrant]


def requirement(
    ctx: Context,
    *,
    business_code: str,
    applicant: tuple[str, str, str],
    vehicle_id: str | None,
    licence_id: str | None,
) -> Requirement:
    """Does the person at the window need an entrustment for this business on this file?"""
    biz = rules.business(business_code)
    who = parse_agent(*applicant, prefix="applicant")
    session = ctx.session
    if biz.new_vehicle:
        raise RuleError(
            Code.INVALID_INPUT,
            "For a vehicle not registered yet, check the entrustment by id or QR.",
            field="business",
        )
    if biz.subject is rules.Subject.VEHICLE:
        vehicle = session.get(Vehicle, str(vehicle_id)) if vehicle_id else None
        if vehicle is None or licence_id:
            raise NotFound("Vehicle", "vehicleId")
        owner_id, city, field_ = vehicle.owner_person_id, vehicle.registration_city, "vehicle"
        ref = f"Vehicle:{vehicle.id}"
    else:
        licence = session.get(DrivingLicence, str(licence_id)) if licence_id else None
        if licence is None or vehicle_id:
            raise NotFound("Licence", "licenceId")
        owner_id, city, field_ = licence.person_id, licence.issuing_city, "licence"
        ref = f"DrivingLicence:{licence.id}"
    ctx.require_in_force(MEASURE, city)
    ctx.require_jurisdiction(city, rule=rules.RULE_CHECK)
    ctx.audit_read(
        f"{MEASURE}.requirement", owner_id, ref, {"purpose": "window check"}, measure=MEASURE
    )
    owner = session.get(Person, owner_id) if owner_id else None
    if (
        owner is not None
        and (owner.id_type, owner.id_number) == who.key[:2]
        and rules.normalise_name(owner.name) == rules.normalise_name(who.name)
    ):
        return Requirement(True, False, rules.RULE_IN_PERSON, [])
    column = EntrustmentGrant.vehicle_id if field_ == "vehicle" else EntrustmentGrant.licence_id
    rows = session.exec(
        select(EntrustmentGrant)
        .where(
            column == (vehicle_id if field_ == "vehicle" else licence_id),
            EntrustmentGrant.business == biz.code,
            EntrustmentGrant.agent_id_type == who.doc.doc_type.value,
            EntrustmentGrant.agent_id_number == who.doc.number,
            EntrustmentGrant.used_at.is_(None),  # type: ignore[union-attr]
            EntrustmentGrant.revoked_at.is_(None),  # type: ignore[union-attr]
            EntrustmentGrant.valid_until >= ctx.today(),
        )
        .order_by(EntrustmentGrant.created_at)
    ).all()
    usable = [
        g for g in rows if rules.normalise_name(g.agent_name) == rules.normalise_name(who.name)
    ]
    rule = rules.RULE_NO_PAPER if usable else rules.RULE_PAPER
    return Requirement(False, True, rule, list(usable))
