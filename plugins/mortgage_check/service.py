"""M10 operations: national registry, online filings, and the transfer-in check."""

from __future__ import annotations

from sqlmodel import Session, select

from core.accounts import PartnerOrg
from core.context import Context, WriteScope
from core.db import stamp
from core.divisions import city as lookup_city
from core.errors import Code, Forbidden, NotFound, RuleError
from core.identifiers import parse_plate, parse_sha256, parse_vin
from core.identity import parse_credit_code
from core.registries import applications
from core.registries.applications import AppStatus
from core.registries.vehicles import ArchiveFile, Vehicle
from core.validation import require_text

from . import rules
from .errors import MortgageErrorCode
from .models import MortgageFilingRow, MortgageFinanceCompanyRow
from .rules import MEASURE, CompanyKind, FilingKind, Rule, SealType

SCOPE = "mortgage:file"


def vehicle_by_vin_and_plate(session: Session, vin: str, plate: str, lock: bool = False) -> Vehicle:
    """The same NOT_FOUND whether the VIN is unknown or the plate does not match (no probing).
    `lock` takes the row lock (PostgreSQL) so concurrent filings on one vehicle are serialised."""
    vin = parse_vin(vin)
    plate = parse_plate(plate)
    statement = select(Vehicle).where(Vehicle.vin == vin)
    vehicle = session.exec(statement.with_for_update() if lock else statement).first()
    if vehicle is None or vehicle.plate != plate:
        raise NotFound("Vehicle", "vin")
    return vehicle


def registry_entry(session: Session, credit_code: str) -> MortgageFinanceCompanyRow | None:
    return session.exec(
        select(MortgageFinanceCompanyRow).where(
            MortgageFinanceCompanyRow.credit_code == credit_code,
            MortgageFinanceCompanyRow.active == True,  # noqa: E712
        )
    ).first()


# --- national registry (十-三) ---------------------------------------------------------------------
def file_company(
    ctx: Context,
    scope: WriteScope,
    *,
    name: str,
    credit_code: str,
    kind: CompanyKind,
    city_code: str,
    licence_copy_ref: str,
    licence_copy_sha256: str,
    seal_sha256: str,
    seal_electronic: bool,
) -> MortgageFinanceCompanyRow:
    """The national admin files an auto-finance or finance company once, for every office."""
    session = scope.session
    clean_name = require_text("name", name, 100)
    code = parse_credit_code(credit_code, "creditCode")
    city = lookup_city(city_code, "city").code
    ref = require_text("licenceCopyRef", licence_copy_ref, 200)
    sha = parse_sha256(licence_copy_sha256, "licenceCopySha256")
    seal = parse_sha256(seal_sha256, "sealSha256")
    ctx.require_in_force(MEASURE, city)
    if session.exec(
        select(MortgageFinanceCompanyRow.id).where(MortgageFinanceCompanyRow.credit_code == code)
    ).first():
        raise RuleError(
            Code.ALREADY_EXISTS,
            "This company is already in the national registry.",
            field="creditCode",
            rule=Rule.REGISTRY,
        )
    row = MortgageFinanceCompanyRow(
        credit_code=code,
        name=clean_name,
        kind=kind.value,
        city_code=city,
        licence_copy_ref=ref,
        licence_copy_sha256=sha,
        seal_sha256=seal,
        seal_electronic=seal_electronic,
        filed_by=ctx.actor.account_id,
        filed_at=stamp(ctx.now()),
    )
    session.add(row)
    session.flush()
    scope.subject(None, f"MortgageFinanceCompany:{row.id}", kind=kind.value)
    return row


def lookup_company(
    ctx: Context, credit_code: str, city_code: str
) -> MortgageFinanceCompanyRow | None:
    """A local office consults the national registry instead of asking for a local filing."""
    code = parse_credit_code(credit_code, "creditCode")
    city = lookup_city(city_code, "city").code
    ctx.require_jurisdiction(city, field="city")
    ctx.require_in_force(MEASURE, city)
    return registry_entry(ctx.session, code)


# --- online filing by a lender (十-一, 十-二) --------------------------------------------------------
def file_mortgage(
    ctx: Context,
    scope: WriteScope,
    *,
    vin: str,
    plate: str,
    kind: FilingKind,
    licence_copy_ref: str,
    licence_copy_sha256: str,
    seal_type: SealType,
) -> tuple[MortgageFilingRow, Vehicle]:
    """A lender files a mortgage or its release online: no paper, no main contract."""
    session = scope.session
    ref = require_text("licenceCopyRef", licence_copy_ref, 200)
    sha = parse_sha256(licence_copy_sha256, "licenceCopySha256")
    org = session.get(PartnerOrg, ctx.actor.partner_org_id) if ctx.actor.partner_org_id else None
    if org is None or org.status != "ACTIVE" or SCOPE not in ctx.actor.scopes:
        raise Forbidden(
            "Your partner registration does not allow mortgage filings.", rule=Rule.LENDERS
        )
    lender_kind = rules.check_lender_kind(org.kind)
    vehicle = vehicle_by_vin_and_plate(session, vin, plate, lock=True)
    ctx.require_in_force(MEASURE, vehicle.registration_city, field="vin")
    scope.subject(vehicle.owner_person_id, f"Vehicle:{vehicle.id}", kind=kind.value)
    if rules.needs_registry(lender_kind):
        entry = registry_entry(session, org.credit_code or "")
        rules.check_registry_match(
            entry is not None, entry.licence_copy_sha256 if entry else None, sha
        )
    rules.check_vehicle(vehicle.status, vehicle.mortgaged, kind)
    active = session.exec(
        select(MortgageFilingRow).where(
            MortgageFilingRow.vehicle_id == vehicle.id,
            MortgageFilingRow.kind == FilingKind.MORTGAGE.value,
            MortgageFilingRow.active == True,  # noqa: E712
        )
    ).first()
    if kind is FilingKind.RELEASE and (active is None or active.lender_org_id != org.id):
        raise RuleError(
            MortgageErrorCode.NOT_MORTGAGEE,
            "Only the mortgagee of record files the release.",
            field="vin",
            rule=Rule.ONLINE,
        )

    now = ctx.now()
    app = applications.submit(
        session,
        now=now,
        measure=MEASURE,
        business=kind.value,
        city_code=vehicle.registration_city,
        actor_account_id=ctx.actor.account_id,
        subject_person_id=vehicle.owner_person_id,
        vehicle_id=vehicle.id,
        channel="PARTNER",
        data={"lender_org_id": org.id, "seal_type": seal_type.value},
    )
    for step in (AppStatus.UNDER_REVIEW, AppStatus.APPROVED, AppStatus.COMPLETED):
        applications.transition(
            session, app, step, now=now, actor_account_id=ctx.actor.account_id, note="联网核查"
        )
    filing = MortgageFilingRow(
        vehicle_id=vehicle.id,
        application_id=app.id,
        kind=kind.value,
        lender_org_id=org.id,
        lender_name=org.name,
        lender_kind=lender_kind.value,
        licence_copy_ref=ref,
        licence_copy_sha256=sha,
        seal_type=seal_type.value,
        city_code=vehicle.registration_city,
        active=kind is FilingKind.MORTGAGE,
        filed_at=stamp(now),
    )
    if active is not None and kind is FilingKind.RELEASE:
        active.active = False
        session.add(active)
    session.add(filing)
    session.add(
        ArchiveFile(
            vehicle_id=vehicle.id,
            kind="MORTGAGE" if kind is FilingKind.MORTGAGE else "MORTGAGE_RELEASE",
            title=f"{'抵押' if kind is FilingKind.MORTGAGE else '解除抵押'}登记（联网核查，营业执照复印件）",
            sha256=sha,
            source=f"partner:{org.id}"[:40],
            added_at=stamp(now),
        )
    )
    vehicle.mortgaged = kind is FilingKind.MORTGAGE
    vehicle.archive_marks = rules.with_online_mark(vehicle.archive_marks)
    vehicle.updated_at = stamp(now)
    session.add(vehicle)
    session.flush()
    if vehicle.owner_person_id:
        ctx.notify(
            session,
            vehicle.owner_person_id,
            f"{MEASURE}.{kind.value.lower()}",
            {"plate": vehicle.plate, "lender": org.name},
            measure=MEASURE,
        )
    return filing, vehicle


# --- transfer-in check by any office ------------------------------------------------------------
def check_vehicle(
    ctx: Context, vin: str, plate: str, purpose: str
) -> tuple[Vehicle, list[MortgageFilingRow]]:
    """Any office where the measure is in force checks a vehicle's mortgage online (audited)."""
    why = require_text("purpose", purpose, 200)
    vehicle = vehicle_by_vin_and_plate(ctx.session, vin, plate)
    office_city = ctx.actor.city_code
    if not office_city:
        raise Forbidden("Only an office's staff check mortgages for a business.")
    ctx.require_in_force(MEASURE, office_city)
    filings = list(
        ctx.session.exec(
            select(MortgageFilingRow)
            .where(MortgageFilingRow.vehicle_id == vehicle.id)
            .order_by(MortgageFilingRow.filed_at.desc())  # type: ignore[attr-defined]
        ).all()
    )
    ctx.audit_read(
        f"{MEASURE}.vehicle_check",
        vehicle.owner_person_id,
        f"Vehicle:{vehicle.id}",
        {"purpose": why},
        measure=MEASURE,
    )
    return vehicle, filings
