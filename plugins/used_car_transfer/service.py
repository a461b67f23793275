"""M02 operations: load, check the rules, write. Called by the resolvers in schema.py."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re

from sqlmodel import Session, select

from core.accounts import Office, Person, Role
from core.clock import to_china
from core.context import Context, WriteScope
from core.db import stamp
from core.divisions import city as lookup_city
from core.errors import Code, NotFound, RuleError
from core.identifiers import parse_plate, parse_reference, parse_sha256, parse_vin
from core.identity import DocumentType, parse_credit_code, parse_identity
from core.ids import lookup_id
from core.records import get_or_not_found
from core.registries import applications
from core.registries.applications import AppStatus
from core.registries.persons import person_by_identity
from core.registries.vehicles import ArchiveFile, Vehicle
from core.text import strip_blanks
from core.tickets import close_moot
from core.validation import optional_text, require_text
from core.workflow import move

from . import rules
from .errors import UsedCarTransferErrorCode
from .models import UsedCarTransferInspection, UsedCarTransferRow
from .rules import (
    MEASURE,
    Channel,
    ReturnReason,
    Rule,
    Suspicion,
    TransferStatus,
)
from .workflow import TRANSFER_WORKFLOW

INVOICE_RE = re.compile(r"[0-9A-Z]{8,20}")  # 发票号码: ASCII letters and digits
BUSINESS = "CROSS_REGION_TRANSFER"


# --- input ---------------------------------------------------------------------------------------
def _vehicle_by_vin_and_plate(session: Session, vin: str, plate: str) -> Vehicle:
    """The vehicle with this VIN and plate; the same NOT_FOUND for either mismatch (no probing).
    The row is locked (PostgreSQL) so two concurrent applications for it are serialised."""
    vehicle = session.exec(select(Vehicle).where(Vehicle.vin == vin).with_for_update()).first()
    if vehicle is None or vehicle.plate != plate:
        raise NotFound("Vehicle", "vin")
    return vehicle


def _office_source(ctx: Context, session: Session, city_code: str) -> str:
    office = session.get(Office, ctx.actor.office_id) if ctx.actor.office_id else None
    return (office.code if office else f"city:{city_code}")[:40]


def load_transfer(session: Session, transfer_id: str) -> UsedCarTransferRow:
    row = session.get(UsedCarTransferRow, lookup_id(transfer_id), with_for_update=True)
    if row is None:
        raise NotFound("UsedCarTransfer", "transferId")
    return row


def application_of(session: Session, row: UsedCarTransferRow) -> applications.Application:
    app = session.get(applications.Application, row.application_id)
    assert app is not None  # created with the transfer, never deleted
    return app


def end_tickets(ctx: Context, session: Session, app: applications.Application) -> None:
    """The application reached a final state: the offices' unsettled tickets on it are resolved
    as moot (core/tickets.py `close_moot`: audited, both offices told)."""
    close_moot(session, ctx.now(), ctx.platform.notices, app.id, app.status, ctx.actor.account_id)


# --- apply ---------------------------------------------------------------------------------------
def apply(
    ctx: Context,
    scope: WriteScope,
    *,
    vin: str,
    plate: str,
    trade_city: str,
    invoice_number: str,
    invoice_date: dt.date,
    dealer_credit_code: str | None,
    buyer_id_type: DocumentType | None,
    buyer_id_number: str | None,
) -> UsedCarTransferRow:
    """A new owner (online) or a clerk (at the window) applies for a cross-region transfer."""
    session = scope.session
    vin = parse_vin(vin)
    plate = parse_plate(plate, "plate")
    trade = lookup_city(trade_city, "tradeCity").code
    invoice = parse_reference(
        invoice_number,
        "invoiceNumber",
        INVOICE_RE,
        "An invoice number is 8-20 letters or digits",
        drop="-",
        max_len=40,
    )
    rules.check_invoice_date(invoice_date, ctx.today())
    dealer = (
        parse_credit_code(dealer_credit_code, "dealerCreditCode")
        if dealer_credit_code and strip_blanks(dealer_credit_code)
        else None
    )

    if ctx.has_role(Role.CLERK):
        channel = Channel.WINDOW
        if not buyer_id_number:
            raise RuleError(
                Code.INVALID_INPUT, "At the window, give the new owner's ID.", field="buyerIdNumber"
            )
        ident = parse_identity(
            buyer_id_type or DocumentType.MAINLAND_ID, buyer_id_number, "buyerIdNumber"
        )
        buyer = person_by_identity(session, ident)
        if buyer is None:
            raise NotFound("Person", "buyerIdNumber")
    else:
        channel = Channel.ONLINE
        buyer = session.get(Person, ctx.require_person())
        if buyer is None:
            raise NotFound("Person", None)

    vehicle = _vehicle_by_vin_and_plate(session, vin, plate)
    rules.check_invoice_date(invoice_date, ctx.today(), vehicle.registered_at)
    if not buyer.domicile_city:
        raise RuleError(
            UsedCarTransferErrorCode.NO_DOMICILE,
            "The new owner's domicile (住所地) is unknown, so the transfer-in city is unknown.",
            field="buyerIdNumber",
        )
    from_city, to_city = vehicle.registration_city, buyer.domicile_city
    route = rules.route_for(trade, from_city, to_city)
    handling = rules.handling_city(route, from_city, to_city)
    ctx.require_in_force(MEASURE, handling, field="tradeCity")
    other = from_city if handling == to_city else to_city
    rules.check_pair(other, ctx.decision(MEASURE, other).in_force)
    rules.check_channel(route, channel)
    if channel is Channel.WINDOW:
        ctx.require_jurisdiction(handling, rule=Rule.CHANNEL, field="tradeCity")

    rules.check_vehicle_scope(vehicle.category, vehicle.use)
    rules.check_vehicle_status(vehicle.status)
    if vehicle.owner_person_id == buyer.id:
        raise RuleError(
            UsedCarTransferErrorCode.SAME_OWNER,
            "The applicant already owns this vehicle.",
            field="vin",
        )
    open_one = session.exec(
        select(UsedCarTransferRow).where(
            UsedCarTransferRow.vehicle_id == vehicle.id,
            UsedCarTransferRow.status.in_([s.value for s in rules.OPEN_STATUSES]),  # type: ignore[attr-defined]
        )
    ).first()
    if open_one is not None:
        raise RuleError(
            UsedCarTransferErrorCode.OPEN_TRANSFER_EXISTS,
            "This vehicle already has an open transfer.",
            field="vin",
        )

    now = ctx.now()
    app = applications.submit(
        session,
        now=now,
        measure=MEASURE,
        business=BUSINESS,
        city_code=handling,
        actor_account_id=ctx.actor.account_id,
        applicant_person_id=buyer.id,
        subject_person_id=buyer.id,
        vehicle_id=vehicle.id,
        channel=channel.value,
        data={"route": route.value, "from_city": from_city, "to_city": to_city},
    )
    row = UsedCarTransferRow(
        application_id=app.id,
        vehicle_id=vehicle.id,
        seller_person_id=vehicle.owner_person_id,
        seller_unit_id=vehicle.owner_unit_id,
        buyer_person_id=buyer.id,
        from_city=from_city,
        to_city=to_city,
        trade_city=trade,
        handling_city=handling,
        route=route.value,
        channel=channel.value,
        status=TransferStatus.SUBMITTED.value,
        invoice_number=invoice,
        invoice_date=invoice_date,
        dealer_credit_code=dealer,
        plate_before=vehicle.plate,
        submitted_at=stamp(now),
        updated_at=stamp(now),
    )
    session.add(row)
    session.flush()
    scope.subject(buyer.id, f"UsedCarTransfer:{row.id}", route=route.value, channel=channel.value)
    ctx.notify(session, buyer.id, f"{MEASURE}.submitted", {"transfer": row.id}, measure=MEASURE)
    return row


# --- inspect -------------------------------------------------------------------------------------
def inspect(
    ctx: Context,
    scope: WriteScope,
    *,
    transfer_id: str,
    vin_matches: bool,
    suspicion: Suspicion,
    video_ref: str,
    video_sha256: str,
    note: str | None,
) -> tuple[UsedCarTransferRow, UsedCarTransferInspection]:
    """The handling office's inspector records the inspection with its audio/video reference.

    A first inspection, or a re-inspection after the owner corrected what failed (a failed
    inspection without suspicion, INSPECTION_FAILED): passed → INSPECTED; a suspicion of 二-四-1
    → SUSPECTED (the transfer-in office returns the archive); otherwise INSPECTION_FAILED, and
    the new owner is told what failed and that they may correct it or withdraw.

    A suspicion that proves unfounded (二-三-3: the office investigates and decides) is cleared
    by a re-inspection of a SUSPECTED transfer with no suspicion and the evidence in `note`
    (required): back to INSPECTED (the VIN matches) or INSPECTION_FAILED, and the new owner is
    told. The vehicle must still be transferable (not stolen, seized or deregistered since)."""
    session = scope.session
    ref = require_text("videoRef", video_ref, 200)
    sha = parse_sha256(video_sha256, "videoSha256")
    remark = optional_text("note", note, 500, multiline=True)
    row = load_transfer(session, transfer_id)
    ctx.require_in_force(MEASURE, row.handling_city, field="transferId")
    ctx.require_jurisdiction(row.handling_city, rule=Rule.ONE_STEP, field="transferId")
    clearing = row.status == TransferStatus.SUSPECTED.value
    if (
        row.status not in (TransferStatus.SUBMITTED.value, TransferStatus.INSPECTION_FAILED.value)
        and not clearing
    ):
        raise RuleError(
            UsedCarTransferErrorCode.WRONG_STATE,
            f"A transfer in {row.status} cannot be inspected.",
            field="transferId",
        )
    if clearing and suspicion is not Suspicion.NONE:
        raise RuleError(
            UsedCarTransferErrorCode.WRONG_STATE,
            "The suspicion is recorded already: the transfer-in office returns the archive.",
            field="suspicion",
            rule=Rule.NO_RETURN,
        )
    if clearing and remark is None:
        raise RuleError(
            Code.INVALID_INPUT,
            "Clearing a suspicion needs the evidence that it was unfounded in the note.",
            field="note",
            rule=Rule.SUSPECT_HANDLING,
        )
    vehicle = session.get(Vehicle, row.vehicle_id)
    assert vehicle is not None
    rules.check_vehicle_status(vehicle.status, "transferId")
    now = ctx.now()
    passed = vin_matches and suspicion is Suspicion.NONE
    record = UsedCarTransferInspection(
        transfer_id=row.id,
        inspector_account_id=ctx.actor.account_id or "-",
        city_code=row.handling_city,
        vin_matches=vin_matches,
        suspicion=suspicion.value,
        passed=passed,
        video_ref=ref,
        video_sha256=sha,
        note=remark,
        inspected_at=stamp(now),
    )
    session.add(record)
    session.add(
        ArchiveFile(
            vehicle_id=row.vehicle_id,
            kind="INSPECTION",
            title="机动车查验记录（含音视频）",
            sha256=sha,
            source=_office_source(ctx, session, row.handling_city),
            added_at=stamp(now),
        )
    )
    if clearing:
        step = "clear_pass" if passed else "clear_fail"
        found = f"嫌疑排除: {remark}" + ("" if passed else "；车辆识别代号与档案不一致")
    elif passed:
        step, found = "inspect_pass", "查验通过"
    elif suspicion is not Suspicion.NONE:
        step, found = "inspect_suspect", f"查验发现嫌疑: {suspicion.value}"
    else:
        step, found = (
            "inspect_fail",
            "车辆识别代号与档案不一致" + (f"（{remark}）" if remark else ""),
        )
    move(ctx, session, TRANSFER_WORKFLOW, row, step, values={"updated_at": stamp(now)},
         params={"note": found}, field_name="transferId")  # fmt: skip
    app = application_of(session, row)
    if app.status == AppStatus.SUBMITTED.value:  # a re-inspection finds it under review already
        applications.transition(
            session, app, AppStatus.UNDER_REVIEW, now=now, actor_account_id=ctx.actor.account_id,
            note=found,
        )  # fmt: skip
    session.flush()
    scope.subject(
        row.buyer_person_id, f"UsedCarTransfer:{row.id}", passed=passed, suspicion=suspicion.value
    )
    return row, record


# --- register ------------------------------------------------------------------------------------
def register(
    ctx: Context, scope: WriteScope, *, transfer_id: str, new_plate: str
) -> UsedCarTransferRow:
    """The transfer-in office registers the new owner in one step; the archive moves online."""
    session = scope.session
    plate = parse_plate(new_plate, "newPlate")
    row = load_transfer(session, transfer_id)
    ctx.require_in_force(MEASURE, row.to_city, field="transferId")
    rules.check_pair(row.from_city, ctx.decision(MEASURE, row.from_city).in_force)
    ctx.require_jurisdiction(row.to_city, rule=Rule.ONE_STEP, field="transferId")
    if row.status in (
        TransferStatus.SUBMITTED.value,
        TransferStatus.INSPECTION_FAILED.value,
        TransferStatus.SUSPECTED.value,
    ):
        raise RuleError(
            UsedCarTransferErrorCode.NOT_INSPECTED,
            "The vehicle has no passed inspection for this transfer.",
            field="transferId",
        )
    if row.status != TransferStatus.INSPECTED.value:
        raise RuleError(
            UsedCarTransferErrorCode.WRONG_STATE,
            f"A transfer in {row.status} cannot be registered.",
            field="transferId",
        )
    vehicle = session.get(Vehicle, row.vehicle_id, with_for_update=True)
    assert vehicle is not None
    rules.check_vehicle_status(vehicle.status, "transferId")
    if (
        vehicle.owner_person_id != row.seller_person_id
        or vehicle.owner_unit_id != row.seller_unit_id
    ):
        raise RuleError(
            Code.CONFLICT, "The vehicle changed owner since the application.", field="transferId"
        )
    taken = session.exec(
        select(Vehicle.id).where(Vehicle.plate == plate, Vehicle.id != vehicle.id)
    ).first()
    if taken is not None:
        raise RuleError(
            UsedCarTransferErrorCode.PLATE_TAKEN,
            "This plate is assigned to another vehicle.",
            field="newPlate",
        )

    now = ctx.now()
    summary = json.dumps(
        {"transfer": row.id, "from": row.from_city, "to": row.to_city, "plate": plate},
        sort_keys=True,
    )
    session.add(
        ArchiveFile(
            vehicle_id=vehicle.id,
            kind="TRANSFER",
            title=f"跨辖区转移登记 {row.from_city}→{row.to_city}",
            sha256=hashlib.sha256(summary.encode()).hexdigest(),
            source=_office_source(ctx, session, row.to_city),
            added_at=stamp(now),
        )
    )
    vehicle.owner_person_id = row.buyer_person_id
    vehicle.owner_unit_id = None
    vehicle.registration_city = row.to_city
    vehicle.plate = plate
    vehicle.paper_archive = False  # 二-一-4: the archive moved electronically, no paper extracted
    vehicle.updated_at = stamp(now)
    session.add(vehicle)
    app = application_of(session, row)
    applications.transition(
        session, app, AppStatus.APPROVED, now=now, actor_account_id=ctx.actor.account_id
    )
    applications.transition(
        session, app, AppStatus.COMPLETED, now=now, actor_account_id=ctx.actor.account_id
    )
    end_tickets(ctx, session, app)
    move(ctx, session, TRANSFER_WORKFLOW, row, "register", params={"plate": plate},
         values={"plate_after": plate, "registered_at": stamp(now), "updated_at": stamp(now)},
         field_name="transferId")  # fmt: skip
    session.flush()
    scope.subject(row.buyer_person_id, f"UsedCarTransfer:{row.id}")
    return row


# --- archive return (退档) -----------------------------------------------------------------------
def return_archive(
    ctx: Context, scope: WriteScope, *, transfer_id: str, reason: ReturnReason, note: str
) -> UsedCarTransferRow:
    """The transfer-in office returns the archive: only for the suspicions of 二-四-1, and only
    when the suspicion is established by this transfer's inspection or by the vehicle registry
    (`rules.check_archive_return`). The evidence (the inspection with its audio/video record, or
    the registry status on the day) is stored on the transfer and filed in the vehicle's archive."""
    session = scope.session
    remark = require_text("note", note, 500, multiline=True)
    row = load_transfer(session, transfer_id)
    ctx.require_in_force(MEASURE, row.to_city, field="transferId")
    ctx.require_jurisdiction(row.to_city, rule=Rule.NO_RETURN, field="transferId")
    scope.subject(row.buyer_person_id, f"UsedCarTransfer:{row.id}", reason=reason.value)
    if row.status not in {s.value for s in rules.OPEN_STATUSES}:
        raise RuleError(
            UsedCarTransferErrorCode.WRONG_STATE,
            f"A transfer in {row.status} cannot be returned.",
            field="transferId",
        )
    vehicle = session.get(Vehicle, row.vehicle_id)
    assert vehicle is not None
    latest = inspection_of(session, row.id)
    basis = rules.check_archive_return(
        reason, TransferStatus(row.status), latest.suspicion if latest else None, vehicle.status
    )
    now = ctx.now()
    if basis is rules.ReturnBasis.INSPECTION:
        assert latest is not None
        evidence = {
            "basis": basis.value, "inspection": latest.id, "suspicion": latest.suspicion,
            "inspector": latest.inspector_account_id, "at": to_china(latest.inspected_at).isoformat(),
            "video": latest.video_ref, "videoSha256": latest.video_sha256,
        }  # fmt: skip
    else:
        evidence = {
            "basis": basis.value, "vehicle": vehicle.id, "vehicleStatus": vehicle.status,
            "at": to_china(now).isoformat(),
        }  # fmt: skip
    text = json.dumps(evidence, sort_keys=True, ensure_ascii=False)
    session.add(
        ArchiveFile(
            vehicle_id=row.vehicle_id,
            kind="ARCHIVE_RETURN",
            title=f"退档 {reason.value}（{basis.value}）",
            sha256=hashlib.sha256(text.encode()).hexdigest(),
            source=_office_source(ctx, session, row.to_city),
            added_at=stamp(now),
        )
    )
    app = application_of(session, row)
    applications.transition(
        session, app, AppStatus.REJECTED, now=now, actor_account_id=ctx.actor.account_id,
        note=f"退档: {reason.value}",
    )  # fmt: skip
    end_tickets(ctx, session, app)
    move(ctx, session, TRANSFER_WORKFLOW, row, "archive_return", params={"reason": reason.value},
         values={"return_reason": reason.value, "return_note": remark, "return_basis": basis.value,
                 "return_inspection_id": latest.id if basis is rules.ReturnBasis.INSPECTION
                 and latest else None, "return_evidence": text[:500], "closed_at": stamp(now),
                 "updated_at": stamp(now)},
         field_name="transferId")  # fmt: skip
    session.flush()
    return row


# --- office tickets ------------------------------------------------------------------------------
def ticket_offices(session: Session, app: applications.Application) -> tuple[str, str] | None:
    """The transfer-out and transfer-in cities of a transfer's application (core/tickets.py)."""
    data = app.data or {}
    pair = (data.get("from_city"), data.get("to_city"))
    return (str(pair[0]), str(pair[1])) if all(pair) else None


# --- reads ---------------------------------------------------------------------------------------
def read_one(ctx: Context, transfer_id: str) -> UsedCarTransferRow:
    """The new owner reads their own transfer; staff of either city read it (audited)."""
    row = get_or_not_found(ctx.session, UsedCarTransferRow, transfer_id, "UsedCarTransfer", "id")
    if ctx.actor.is_staff:
        if not (ctx.in_jurisdiction(row.from_city) or ctx.in_jurisdiction(row.to_city)):
            ctx.require_jurisdiction(row.handling_city, field="id")
        ctx.require_in_force(MEASURE, row.handling_city, field="id")
        ctx.audit_read(
            f"{MEASURE}.read",
            row.buyer_person_id,
            f"UsedCarTransfer:{row.id}",
            {"purpose": "transfer file"},
            measure=MEASURE,
        )
        return row
    if row.buyer_person_id != ctx.require_person():
        raise NotFound("UsedCarTransfer", "id")
    ctx.require_in_force(MEASURE, row.handling_city, field="id")
    return row


def open_statement(city_code: str):  # noqa: ANN201 - a SQLAlchemy select
    """Open transfers a city's office has to act on (it handles them or receives the car)."""
    return (
        select(UsedCarTransferRow)
        .where(
            (UsedCarTransferRow.handling_city == city_code)
            | (UsedCarTransferRow.to_city == city_code),
            UsedCarTransferRow.status.in_([s.value for s in rules.OPEN_STATUSES]),  # type: ignore[attr-defined]
        )
        .order_by(UsedCarTransferRow.submitted_at, UsedCarTransferRow.id)
    )


def inspection_of(session: Session, transfer_id: str) -> UsedCarTransferInspection | None:
    return session.exec(
        select(UsedCarTransferInspection)
        .where(UsedCarTransferInspection.transfer_id == transfer_id)
        .order_by(UsedCarTransferInspection.inspected_at.desc())  # type: ignore[attr-defined]
    ).first()
