"""M14 operations: decide the documents, submit, review and complete a motorcycle application.

Resolvers in schema.py call these with the request context and plain, already-typed inputs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from core import units
from core.accounts import Office, Person, Unit
from core.context import Context
from core.db import stamp
from core.divisions import city as lookup_city
from core.errors import Code, NotFound, RuleError
from core.factory import plate_prefix
from core.identifiers import parse_plate, parse_sha256, parse_vin
from core.identity import DocumentType, parse_identity
from core.ids import lookup_id
from core.notices import Addressee
from core.registries import applications as apps
from core.registries.applications import Application, AppStatus
from core.registries.persons import person_by_identity
from core.registries.vehicles import ArchiveFile, Vehicle, VehicleStatus
from core.validation import require_text
from core.workflow import Party

from . import rules
from .errors import MotorcycleErrorCode
from .models import MotorcycleCase
from .rules import MEASURE, ApplicantCategory, Business, DocumentDecision

OPEN = (AppStatus.SUBMITTED.value, AppStatus.UNDER_REVIEW.value, AppStatus.APPROVED.value)
ARCHIVE_KINDS = frozenset(kind.value for kind in rules.ArchiveKind)


@dataclass
class CaseRequest:
    """What a citizen asks for (validated in `resolve`)."""

    business: Business
    city: str
    applicant_category: ApplicantCategory | None = None
    vehicle_category: str | None = None
    vin: str | None = None
    plate: str | None = None
    vehicle_id: str | None = None
    co_owner_id_type: DocumentType | None = None
    co_owner_id_number: str | None = None
    unit_id: str | None = None  # the unit applying, through its legal person or an admin


@dataclass
class ResolvedCase:
    city: str
    applicant: Person
    vehicle: Vehicle | None
    vin: str
    vehicle_category: str
    co_owner: Person | None
    decision: DocumentDecision
    unit: Unit | None = None


@dataclass
class ArchiveFileIn:
    kind: str
    title: str
    sha256: str


def resolve(ctx: Context, session: Session, req: CaseRequest) -> ResolvedCase:
    """Check the request against the rules and compute the required documents (no write)."""
    city = lookup_city(req.city, "city").code
    ctx.require_in_force(MEASURE, city)
    person = session.get(Person, ctx.require_person())
    if person is None:
        raise NotFound("Person")
    unit: Unit | None = None
    if req.unit_id:  # its active legal person or an admin (2024 八-二, 八-三), the core's check
        # shared with M09 and M20: a unit the caller is no active member of is NOT_FOUND, a plain
        # user MOTORCYCLE_UNIT_MANAGER_REQUIRED; on the web only after the app's QR sign-in
        unit, _member = units.require_unit_manager(
            session,
            person.id,
            req.unit_id,
            "unitId",
            ctx=ctx,
            code=MotorcycleErrorCode.UNIT_MANAGER_REQUIRED,
            rule=rules.R_UNIT,
            what="apply for the unit",
        )
    if unit is not None:
        rules.check_unit_business(req.business, unit.city_code, city)
    vehicle: Vehicle | None = None
    co_owner: Person | None = None
    if req.business is Business.REGISTRATION:
        if req.vehicle_category is None:
            raise RuleError(
                Code.INVALID_INPUT, "`vehicleCategory` is required.", field="vehicleCategory"
            )
        vin = parse_vin(req.vin)
        if session.exec(select(Vehicle.id).where(Vehicle.vin == vin)).first() is not None:
            raise RuleError(Code.ALREADY_EXISTS, "This VIN is already registered.", field="vin")
        category = req.vehicle_category
    elif req.business is Business.TRANSFER:
        vin = parse_vin(req.vin)
        plate = parse_plate(req.plate)
        vehicle = session.exec(select(Vehicle).where(Vehicle.vin == vin)).first()
        if vehicle is None or vehicle.plate != plate:
            raise NotFound("Vehicle with this VIN and plate", "vin")
        if _owns(vehicle, person, unit):
            raise RuleError(
                MotorcycleErrorCode.VEHICLE_NOT_ELIGIBLE,
                "The buyer already owns this motorcycle.",
                field="vin",
            )
        category = vehicle.category
    else:
        if not req.vehicle_id:
            raise RuleError(Code.INVALID_INPUT, "`vehicleId` is required.", field="vehicleId")
        vehicle = session.get(Vehicle, lookup_id(req.vehicle_id))
        if vehicle is None or not _owns(vehicle, person, unit):
            raise NotFound("Vehicle", "vehicleId")
        vin = vehicle.vin
        category = vehicle.category
    rules.require_motorcycle(category)
    if vehicle is not None:
        _require_normal(vehicle)
        rules.check_business_city(req.business, vehicle.registration_city, city)
    if req.business is Business.CO_OWNER_CHANGE:
        co_owner = _co_owner(session, req, person)
    if unit is not None:
        if req.applicant_category not in (None, ApplicantCategory.UNIT):
            raise RuleError(
                MotorcycleErrorCode.CATEGORY_MISMATCH,
                "A unit applies as UNIT: its documents are the unit's, not the signer's.",
                field="applicantCategory",
                rule=rules.R_UNIT,
            )
        applicant, home_city = ApplicantCategory.UNIT, unit.city_code
    else:
        applicant = rules.classify(person.id_type, req.applicant_category)
        home_city = person.domicile_city
    policy = rules.parse_local_policy(ctx.setting(MEASURE, "local_policy", city))
    decision = rules.required_documents(req.business, category, applicant, home_city, city, policy)
    return ResolvedCase(city, person, vehicle, vin, category, co_owner, decision, unit)


def _owns(vehicle: Vehicle, person: Person, unit: Unit | None) -> bool:
    """Whether the owner the request names (the unit, else the person) owns `vehicle`."""
    if unit is not None:
        return vehicle.owner_unit_id == unit.id
    return vehicle.owner_unit_id is None and vehicle.owner_person_id == person.id


def is_unit_manager(session: Session, unit_id: str, person_id: str) -> bool:
    """Whether `person_id` is an active legal person or admin of the unit (they see its cases)."""
    return units.is_unit_manager(session, person_id, unit_id)


def _tell(
    ctx: Context,
    session: Session,
    app: Application,
    case: MotorcycleCase,
    event: str,
    params: dict[str, Any],
) -> None:
    """Send the measure's notice `event` about the case: to the unit (its legal person and admins
    read it) for a unit's case, else to the applicant (if any)."""
    to_whom = Addressee.unit(case.unit_id) if case.unit_id else app.applicant_person_id
    if to_whom:
        ctx.notify(session, to_whom, f"{MEASURE}.{event}", params, measure=MEASURE)


def _require_normal(vehicle: Vehicle) -> None:
    if vehicle.status != VehicleStatus.NORMAL.value:
        raise RuleError(
            MotorcycleErrorCode.VEHICLE_NOT_ELIGIBLE,
            f"The motorcycle's status is {vehicle.status}; only a NORMAL vehicle can be handled.",
            field="vehicleId",
        )


def _co_owner(session: Session, req: CaseRequest, applicant: Person) -> Person:
    if not req.co_owner_id_type or not req.co_owner_id_number:
        raise RuleError(
            Code.INVALID_INPUT, "Give the new co-owner's identity.", field="coOwnerIdNumber"
        )
    ident = parse_identity(req.co_owner_id_type, req.co_owner_id_number, "coOwnerIdNumber")
    found = person_by_identity(session, ident)
    if found is None:
        raise NotFound("Co-owner (register in the app first)", "coOwnerIdNumber")
    if found.id == applicant.id:
        raise RuleError(
            Code.INVALID_INPUT, "The co-owner is another person.", field="coOwnerIdNumber"
        )
    return found


def submit(ctx: Context, session: Session, req: CaseRequest) -> tuple[Application, MotorcycleCase]:
    """Create the application (SUBMITTED) with its decided document list."""
    case = resolve(ctx, session, req)
    busy = session.exec(
        select(MotorcycleCase.application_id)
        .join(Application, Application.id == MotorcycleCase.application_id)  # type: ignore[arg-type]
        .where(MotorcycleCase.vin == case.vin, Application.status.in_(OPEN))  # type: ignore[attr-defined]
    ).first()
    if busy is not None:
        raise RuleError(
            Code.CONFLICT, "An application for this motorcycle is already open.", field="vin"
        )
    office = session.exec(
        select(Office).where(Office.city_code == case.city).order_by(Office.code)
    ).first()
    app = apps.submit(
        session,
        now=ctx.now(),
        measure=MEASURE,
        business=req.business.value,
        city_code=case.city,
        actor_account_id=ctx.actor.account_id,
        applicant_person_id=case.applicant.id,
        subject_person_id=case.applicant.id,
        vehicle_id=case.vehicle.id if case.vehicle else None,
        office_id=office.id if office else None,
        channel="ONLINE",
        data={
            "crossCity": case.decision.cross_city,
            "unitId": case.unit.id if case.unit is not None else None,
            # 转出地 of a transfer or move-in from another city (office tickets, core/tickets.py)
            "fromCity": case.vehicle.registration_city
            if case.vehicle is not None and case.vehicle.registration_city != case.city
            else None,
        },
    )
    row = MotorcycleCase(
        application_id=app.id,
        business=req.business.value,
        vehicle_category=case.vehicle_category,
        applicant_category=case.decision.applicant.value,
        home_city=case.unit.city_code if case.unit is not None else case.applicant.domicile_city,
        cross_city=case.decision.cross_city,
        vin=case.vin,
        unit_id=case.unit.id if case.unit is not None else None,
        co_owner_person_id=case.co_owner.id if case.co_owner else None,
        documents=[d.__dict__ for d in case.decision.documents],
        local_policy=case.decision.local_policy.name if case.decision.local_policy else None,
        residence_proof_required=case.decision.residence_proof_required,
    )
    row.open_vin = case.vin
    # an earlier application for this VIN that was withdrawn (the core's applicationWithdraw) or
    # cancelled no longer holds it open
    _release_closed(session, case.vin)
    try:
        with session.begin_nested():  # a concurrent submit for the same VIN loses here
            session.add(row)
            session.flush()
    except IntegrityError:
        raise RuleError(
            Code.CONFLICT, "An application for this motorcycle is already open.", field="vin"
        ) from None
    return app, row


def ticket_offices(session: Session, app: Application) -> tuple[str, str] | None:
    """The transfer-out and transfer-in cities of a transfer or move-in across cities (office
    tickets, core/tickets.py); None for a business within one city."""
    from_city = (app.data or {}).get("fromCity")
    return (str(from_city), app.city_code) if from_city and from_city != app.city_code else None


def _release_closed(session: Session, vin: str) -> None:
    """Clear `open_vin` of this VIN's cases whose application is no longer open."""
    table = MotorcycleCase.__table__  # type: ignore[attr-defined]
    closed = select(Application.id).where(Application.status.not_in(OPEN))  # type: ignore[attr-defined]
    session.execute(
        update(table)
        .where(table.c.open_vin == vin, table.c.application_id.in_(closed))
        .values(open_vin=None)
    )


def cancel(
    ctx: Context, session: Session, application_id: str, reason: str
) -> tuple[Application, MotorcycleCase]:
    """The office cancels an application it cannot carry out (e.g. approved, but the motorcycle
    was seized or its VIN registered meanwhile) with the reason; the applicant is told and may
    apply again."""
    app, case = load_for_staff(ctx, session, application_id)
    text = require_text("reason", reason, 500, multiline=True)
    apps.transition(
        session, app, AppStatus.CANCELLED, now=ctx.now(), actor_account_id=ctx.actor.account_id,
        note=text, ctx=ctx, by=Party.OFFICE, params={"reason": text},
    )  # fmt: skip
    case.open_vin = None
    session.add(case)
    if case.unit_id:  # the unit's other managers learn it too (the signer by the workflow)
        ctx.notify(
            session, Addressee.unit(case.unit_id), f"{MEASURE}.cancelled",
            {"application": app.id, "reason": text}, measure=MEASURE,
        )  # fmt: skip
    return app, case


def _claim(session: Session, app: Application, now_stamp: object) -> None:
    """Lock the application in the status it was read in (a conditional UPDATE): of two
    concurrent decisions on one application only the first proceeds, the second gets CONFLICT."""
    table = Application.__table__  # type: ignore[attr-defined]
    result = session.execute(
        update(table)
        .where(table.c.id == app.id, table.c.status == app.status)
        .values(updated_at=now_stamp)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise RuleError(
            Code.CONFLICT, "The application changed meanwhile; reload it.", field="applicationId"
        )


def load_for_staff(
    ctx: Context, session: Session, application_id: str
) -> tuple[Application, MotorcycleCase]:
    """The application, if it is M14's, in force and in the caller's jurisdiction."""
    app = session.get(Application, lookup_id(application_id))
    case = session.get(MotorcycleCase, app.id) if app is not None else None
    if app is None or case is None or app.measure != MEASURE:
        raise NotFound("Application", "applicationId")
    ctx.require_in_force(MEASURE, app.city_code)
    ctx.require_jurisdiction(app.city_code, field="applicationId")
    return app, case


def review(
    ctx: Context,
    session: Session,
    application_id: str,
    approve: bool,
    documents_checked: list[str],
    note: str | None,
) -> tuple[Application, MotorcycleCase]:
    """The clerk's decision: approve only with every required document checked and no residence
    proof demanded beyond the rule; reject only with a reason."""
    app, case = load_for_staff(ctx, session, application_id)
    if len(documents_checked) > 20:
        raise RuleError(Code.INVALID_INPUT, "At most 20 documents.", field="documentsChecked")
    seen = [require_text("documentsChecked", d, 60) for d in documents_checked]
    rules.check_document_codes(frozenset(d["code"] for d in case.documents), seen)
    clean_note = require_text("note", note, 500, multiline=True) if (note or not approve) else None
    actor = ctx.actor.account_id
    _claim(session, app, stamp(ctx.now()))
    if AppStatus(app.status) is AppStatus.SUBMITTED:
        apps.transition(session, app, AppStatus.UNDER_REVIEW, now=ctx.now(), actor_account_id=actor)
    if approve:
        rules.check_reviewed_documents(frozenset(d["code"] for d in case.documents), seen)
    to = AppStatus.APPROVED if approve else AppStatus.REJECTED
    apps.transition(session, app, to, now=ctx.now(), actor_account_id=actor, note=clean_note)
    case.documents_checked = seen
    if to is AppStatus.REJECTED:
        case.open_vin = None
    session.add(case)
    _tell(ctx, session, app, case, "reviewed", {"application": app.id, "status": to.value})
    return app, case


def complete(
    ctx: Context, session: Session, application_id: str, files: list[ArchiveFileIn]
) -> tuple[Application, MotorcycleCase]:
    """Carry out the approved business and keep its electronic archive (二-二-3)."""
    app, case = load_for_staff(ctx, session, application_id)
    if not 1 <= len(files) <= 20:
        raise RuleError(Code.INVALID_INPUT, "Give 1 to 20 archive files.", field="archiveFiles")
    cleaned: list[tuple[str, str, str]] = []  # kind, title, sha256 as stored
    for f in files:
        if f.kind not in ARCHIVE_KINDS:
            raise RuleError(Code.INVALID_INPUT, "Unknown archive file kind.", field="archiveFiles")
        title = require_text("archiveFiles.title", f.title, 200)
        cleaned.append((f.kind, title, parse_sha256(f.sha256, "archiveFiles")))
    rules.check_archive_kinds(frozenset(d["code"] for d in case.documents), [f.kind for f in files])
    if AppStatus(app.status) is not AppStatus.APPROVED:
        raise RuleError(
            Code.INVALID_TRANSITION, "Only an approved application is completed.", field="status"
        )
    _claim(session, app, stamp(ctx.now()))
    vehicle = _carry_out(ctx, session, app, case)
    for kind, title, sha256 in cleaned:
        session.add(
            ArchiveFile(
                vehicle_id=vehicle.id,
                kind=f"M14_{kind}"[:40],
                title=title,
                sha256=sha256,
                source=app.office_id or app.city_code,
                added_at=stamp(ctx.now()),
            )
        )
    case.result_vehicle_id = vehicle.id
    case.open_vin = None
    session.add(case)
    apps.transition(
        session, app, AppStatus.COMPLETED, now=ctx.now(), actor_account_id=ctx.actor.account_id
    )
    _tell(ctx, session, app, case, "completed", {"application": app.id, "plate": vehicle.plate})
    return app, case


def _plate(city: str, app: Application) -> str:
    return f"{plate_prefix(city)}{app.id[-5:]}"  # a GA 36 ordinary layout (ids have no I, O)


def _carry_out(ctx: Context, session: Session, app: Application, case: MotorcycleCase) -> Vehicle:
    business = Business(case.business)
    now = stamp(ctx.now())
    if business is Business.REGISTRATION:
        if session.exec(select(Vehicle.id).where(Vehicle.vin == case.vin)).first() is not None:
            raise RuleError(Code.ALREADY_EXISTS, "This VIN was registered meanwhile.", field="vin")
        vehicle = Vehicle(
            vin=case.vin or "",
            plate=_plate(app.city_code, app),
            vehicle_type={"MOTORCYCLE_2W": "M21", "MOTORCYCLE_3W": "M11"}.get(
                case.vehicle_category, "M31"
            ),
            category=case.vehicle_category,
            # a unit's case makes the unit the owner (its manager only signed)
            owner_person_id=None if case.unit_id else app.applicant_person_id,
            owner_unit_id=case.unit_id,
            registration_city=app.city_code,
            registered_at=ctx.today(),
            paper_archive=False,
            archive_marks=["一证通办"],
            updated_at=now,
        )
        session.add(vehicle)
        session.flush()
        return vehicle
    vehicle = session.get(Vehicle, app.vehicle_id or "")
    if vehicle is None:
        raise NotFound("Vehicle", "applicationId")
    _require_normal(vehicle)
    if business is Business.TRANSFER:  # the buyer, a person or a unit, becomes the only owner
        vehicle.owner_person_id = None if case.unit_id else app.applicant_person_id
        vehicle.owner_unit_id = case.unit_id
    if vehicle.registration_city != app.city_code:  # 转籍: the archive moves electronically
        vehicle.registration_city = app.city_code
        vehicle.plate = _plate(app.city_code, app)
        vehicle.paper_archive = False
    if "一证通办" not in (vehicle.archive_marks or []):
        vehicle.archive_marks = [*(vehicle.archive_marks or []), "一证通办"]
    vehicle.updated_at = now
    session.add(vehicle)
    return vehicle
