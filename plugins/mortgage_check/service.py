"""M10 operations: national registry, online filings, and the transfer-in check."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from core.accounts import PartnerOrg, UnitMember, UnitRole
from core.context import Context, WriteScope
from core.db import stamp
from core.divisions import city as lookup_city
from core.errors import Code, Forbidden, NotFound, RuleError
from core.identifiers import parse_plate, parse_sha256, parse_vin
from core.identity import parse_credit_code
from core.ids import lookup_id
from core.notices import Addressee
from core.records import get_or_not_found
from core.registries import applications
from core.registries.applications import AppStatus
from core.registries.vehicles import ArchiveFile, Vehicle
from core.validation import optional_text, require_text
from core.workflow import move

from . import rules
from .errors import MortgageErrorCode
from .models import MortgageDisputeRow, MortgageFilingRow, MortgageFinanceCompanyRow
from .rules import MEASURE, CompanyKind, FilingKind, Rule, SealType
from .workflows import DISPUTE

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


def registry_entry(
    session: Session, credit_code: str, active_only: bool = True
) -> MortgageFinanceCompanyRow | None:
    statement = select(MortgageFinanceCompanyRow).where(
        MortgageFinanceCompanyRow.credit_code == credit_code
    )
    if active_only:
        statement = statement.where(MortgageFinanceCompanyRow.active == True)  # noqa: E712
    return session.exec(statement).first()


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
    contract: tuple[str | None, str | None, SealType] = (None, None, SealType.ELECTRONIC),
    entrustment: tuple[str | None, str | None, SealType] = (None, None, SealType.ELECTRONIC),
) -> tuple[MortgageFilingRow, Vehicle]:
    """A lender files a mortgage or its release online: no paper, no main contract. A mortgage
    records the mortgage contract and the owner's written entrustment (十-二: reference, SHA-256
    and seal, which may be electronic); a release may give them."""
    session = scope.session
    ref = require_text("licenceCopyRef", licence_copy_ref, 200)
    sha = parse_sha256(licence_copy_sha256, "licenceCopySha256")
    contract_ref = optional_text("contractRef", contract[0], 200)
    contract_sha = parse_sha256(contract[1], "contractSha256") if contract[1] else None
    entrust_ref = optional_text("entrustmentRef", entrustment[0], 200)
    entrust_sha = parse_sha256(entrustment[1], "entrustmentSha256") if entrustment[1] else None
    if kind is FilingKind.MORTGAGE:
        rules.check_mortgage_documents((contract_ref, contract_sha), (entrust_ref, entrust_sha))
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
        entry = registry_entry(session, org.credit_code or "", active_only=False)
        if entry is not None and not entry.active:
            raise RuleError(
                MortgageErrorCode.COMPANY_INACTIVE,
                "This company is deactivated in the national registry.",
                field="licenceCopySha256",
            )
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
        owner_person_id=vehicle.owner_person_id,
        owner_unit_id=vehicle.owner_unit_id,
        contract_ref=contract_ref,
        contract_sha256=contract_sha,
        contract_seal_type=contract[2].value if contract_ref else None,
        entrustment_ref=entrust_ref,
        entrustment_sha256=entrust_sha,
        entrustment_seal_type=entrustment[2].value if entrust_ref else None,
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


# --- registry upkeep by the national admin (十-三) ---------------------------------------------------
def update_company(
    ctx: Context,
    scope: WriteScope,
    *,
    credit_code: str,
    name: str | None,
    licence_copy_ref: str,
    licence_copy_sha256: str,
    seal_sha256: str,
    seal_electronic: bool,
) -> MortgageFinanceCompanyRow:
    """A company's licence copy (or seal, or name) changed: the national admin records the new
    one; the previous copy is kept in `previous_copies` and no longer matches a filing."""
    session = scope.session
    row = _company(session, credit_code)
    ref = require_text("licenceCopyRef", licence_copy_ref, 200)
    sha = parse_sha256(licence_copy_sha256, "licenceCopySha256")
    seal = parse_sha256(seal_sha256, "sealSha256")
    clean_name = optional_text("name", name, 100)
    ctx.require_in_force(MEASURE, row.city_code)
    now = stamp(ctx.now())
    row.previous_copies = [
        *row.previous_copies,
        {
            "ref": row.licence_copy_ref,
            "sha256": row.licence_copy_sha256,
            "sealSha256": row.seal_sha256,
            "until": now.isoformat(),
        },
    ]
    row.licence_copy_ref, row.licence_copy_sha256 = ref, sha
    row.seal_sha256, row.seal_electronic = seal, seal_electronic
    if clean_name:
        row.name = clean_name
    row.updated_at, row.updated_by = now, ctx.actor.account_id
    session.add(row)
    session.flush()
    scope.subject(None, f"MortgageFinanceCompany:{row.id}", change="licence_copy")
    return row


def set_company_active(
    ctx: Context, scope: WriteScope, credit_code: str, active: bool, reason: str | None
) -> MortgageFinanceCompanyRow:
    """Deactivate (with a reason: its filings are refused, MORTGAGE_COMPANY_INACTIVE) or
    reactivate a company of the national registry."""
    session = scope.session
    row = _company(session, credit_code)
    note = (
        require_text("reason", reason, 300, multiline=True)
        if not active
        else optional_text("reason", reason, 300, multiline=True)
    )
    ctx.require_in_force(MEASURE, row.city_code)
    row.active, row.status_reason = active, note
    row.updated_at, row.updated_by = stamp(ctx.now()), ctx.actor.account_id
    session.add(row)
    session.flush()
    scope.subject(None, f"MortgageFinanceCompany:{row.id}", active=active)
    return row


def _company(session: Session, credit_code: str) -> MortgageFinanceCompanyRow:
    code = parse_credit_code(credit_code, "creditCode")
    row = registry_entry(session, code, active_only=False)
    if row is None:
        raise NotFound("Finance company", "creditCode")
    return row


# --- the owner is party to the mortgage and can dispute it --------------------------------------------
def _is_party(session: Session, filing: MortgageFilingRow, person_id: str) -> bool:
    """The owner who was the mortgagor, or a legal person / admin of the owning unit."""
    if filing.owner_person_id == person_id:
        return True
    if filing.owner_unit_id is None:
        return False
    role = session.exec(
        select(UnitMember.role).where(
            UnitMember.unit_id == filing.owner_unit_id,
            UnitMember.person_id == person_id,
            UnitMember.status == "ACTIVE",
        )
    ).first()
    return role in (UnitRole.LEGAL_PERSON.value, UnitRole.ADMIN.value)


def my_filings_query(person_id: str):  # noqa: ANN201 - a SQLModel select
    """Filings where the caller is the owner of record (the mortgagor), or the legal person or
    an admin of the owning unit, newest first."""
    managed = select(UnitMember.unit_id).where(
        UnitMember.person_id == person_id,
        UnitMember.status == "ACTIVE",
        UnitMember.role.in_((UnitRole.LEGAL_PERSON.value, UnitRole.ADMIN.value)),  # type: ignore[attr-defined]
    )
    return (
        select(MortgageFilingRow)
        .where(
            (MortgageFilingRow.owner_person_id == person_id)
            | (MortgageFilingRow.owner_unit_id.in_(managed))  # type: ignore[union-attr]
        )
        .order_by(MortgageFilingRow.filed_at.desc(), MortgageFilingRow.id)  # type: ignore[attr-defined]
    )


def raise_dispute(
    ctx: Context, scope: WriteScope, filing_id: str, reason: str
) -> MortgageDisputeRow:
    """The owner disputes an active mortgage filed on their vehicle (e.g. never signed the
    contract or the entrustment): the lender is told; the registration city's office decides."""
    session = scope.session
    person_id = ctx.require_person()
    text = require_text("reason", reason, 500, min_len=4, multiline=True)
    filing = session.get(MortgageFilingRow, lookup_id(filing_id))
    if filing is None or not _is_party(session, filing, person_id):
        raise NotFound("Mortgage filing", "filingId")
    ctx.require_in_force(MEASURE, filing.city_code, field="filingId")
    if filing.kind != FilingKind.MORTGAGE.value or not filing.active:
        raise RuleError(
            MortgageErrorCode.NOT_DISPUTABLE,
            "Only a mortgage in force can be disputed.",
            field="filingId",
        )
    row = MortgageDisputeRow(
        filing_id=filing.id,
        vehicle_id=filing.vehicle_id,
        city_code=filing.city_code,
        lender_org_id=filing.lender_org_id,
        raised_by_person_id=person_id,
        owner_unit_id=filing.owner_unit_id,
        reason=text,
        raised_at=stamp(ctx.now()),
    )
    session.add(row)
    session.flush()
    if (
        session.exec(  # counted after the insert: of two concurrent disputes, neither slips by
            select(func.count())
            .select_from(MortgageDisputeRow)
            .where(
                MortgageDisputeRow.filing_id == filing.id,
                MortgageDisputeRow.status == rules.DisputeStatus.OPEN.value,
            )
        ).one()
        > 1
    ):
        raise _open_exists()
    vehicle = session.get(Vehicle, filing.vehicle_id)
    scope.subject(person_id, f"MortgageDispute:{row.id}", filing=filing.id)
    ctx.notify(
        session,
        Addressee.partner(filing.lender_org_id),
        f"{MEASURE}.dispute_raised",
        {"plate": vehicle.plate if vehicle else "", "lender": filing.lender_name, "reason": text},
        measure=MEASURE,
    )
    return row


def _open_exists() -> RuleError:
    return RuleError(
        MortgageErrorCode.DISPUTE_OPEN,
        "A dispute of this filing is already open.",
        field="filingId",
    )


def _load_dispute(session: Session, dispute_id: str) -> MortgageDisputeRow:
    row = get_or_not_found(session, MortgageDisputeRow, dispute_id, "Mortgage dispute", "disputeId")
    return row


def withdraw_dispute(ctx: Context, scope: WriteScope, dispute_id: str) -> MortgageDisputeRow:
    """The owner who raised it withdraws an open dispute."""
    session = scope.session
    person_id = ctx.require_person()
    row = _load_dispute(session, dispute_id)
    if row.raised_by_person_id != person_id:
        raise NotFound("Mortgage dispute", "disputeId")
    ctx.require_in_force(MEASURE, row.city_code, field="disputeId")
    _close_dispute(ctx, session, row, "withdraw", None)
    scope.subject(person_id, f"MortgageDispute:{row.id}")
    return row


def decide_dispute(
    ctx: Context, scope: WriteScope, dispute_id: str, upheld: bool, note: str
) -> MortgageDisputeRow:
    """The registration city's office decides, with a note: upheld strikes the mortgage off
    (the filing inactive, the vehicle unmortgaged, an archive file recording it); dismissed
    leaves it. The owner and the lender are told."""
    session = scope.session
    row = _load_dispute(session, dispute_id)
    ctx.require_in_force(MEASURE, row.city_code, field="disputeId")
    ctx.require_jurisdiction(row.city_code, field="disputeId", rule=Rule.PARTY)
    text = require_text("note", note, 500, min_len=2, multiline=True)
    to = rules.DisputeStatus.UPHELD if upheld else rules.DisputeStatus.DISMISSED
    filing = session.get(MortgageFilingRow, row.filing_id)
    vehicle = session.get(Vehicle, row.vehicle_id)
    assert filing is not None and vehicle is not None
    params = {
        "plate": vehicle.plate or vehicle.vin,
        "outcome": "异议成立，抵押登记已撤销" if upheld else "异议不成立，抵押登记维持",
        "note": text,
    }
    _close_dispute(ctx, session, row, "uphold" if upheld else "dismiss", text, params)
    if upheld:
        filing.active = False
        session.add(filing)
        vehicle.mortgaged = False
        vehicle.updated_at = stamp(ctx.now())
        session.add(vehicle)
        session.add(
            ArchiveFile(
                vehicle_id=vehicle.id,
                kind="MORTGAGE_STRUCK_OFF",
                title="抵押登记异议成立，抵押登记撤销",
                sha256=filing.licence_copy_sha256,
                source=f"office:{ctx.actor.city_code or row.city_code}"[:40],
                added_at=stamp(ctx.now()),
            )
        )
    scope.subject(row.raised_by_person_id, f"MortgageDispute:{row.id}", outcome=to.value)
    return row


def _close_dispute(
    ctx: Context,
    session: Session,
    row: MortgageDisputeRow,
    transition: str,
    note: str | None,
    params: dict | None = None,
) -> None:
    """The declared move (workflows.DISPUTE) from OPEN; already closed: MORTGAGE_DISPUTE_CLOSED."""
    if row.status != rules.DisputeStatus.OPEN.value:
        raise RuleError(
            MortgageErrorCode.DISPUTE_CLOSED,
            "This dispute was already decided or withdrawn.",
            field="disputeId",
        )
    values = {"decided_at": stamp(ctx.now()), "decided_by": ctx.actor.account_id}
    if note is not None:
        values["decision_note"] = note
    move(ctx, session, DISPUTE, row, transition, values=values, params=params,
         field_name="disputeId")  # fmt: skip


def disputes_query(city: str, status: rules.DisputeStatus | None):  # noqa: ANN201
    statement = select(MortgageDisputeRow).where(MortgageDisputeRow.city_code == city)
    if status is not None:
        statement = statement.where(MortgageDisputeRow.status == status.value)
    return statement.order_by(MortgageDisputeRow.raised_at, MortgageDisputeRow.id)  # type: ignore[arg-type]
