"""M15 operations: online application, deregistration with its cascade, the electronic
certificate (show / verify), scrap reports from scrapping firms, and the two scheduled jobs."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, SQLModel, select

from core import outbox
from core.context import Context, WriteScope
from core.db import stamp
from core.divisions import city as lookup_city
from core.documents import credentials as cred
from core.documents import issuing
from core.documents.online_check import OnlineCheck
from core.documents.signing import signed_text
from core.errors import Code, NotFound, RuleError
from core.identifiers import parse_reference, parse_vin
from core.ids import lookup_id
from core.registries import applications as apps
from core.registries.moves import move_by_caller
from core.registries.ownership import load_own
from core.registries.vehicles import Vehicle, VehicleStatus
from core.validation import require_text
from core.workflow import Party, move

from . import rules
from .errors import DeregistrationErrorCode
from .models import DeregCertificate, DeregReminder, DeregScrapReport
from .workflow import SCRAP_REPORT_WORKFLOW

# 报废机动车回收证明编号: the scrapping firm's number, ASCII letters, digits and hyphens
_CERTIFICATE_NO = re.compile(r"[0-9A-Z][0-9A-Z-]{0,39}")
KIND, PREFIX = "DC", "DC1:"
WINDOW_SECONDS = 600


def open_other_business(session: Session, vehicle_id: str) -> list[str]:
    """The measures of the vehicle's open applications (core applications registry) other than
    deregistration itself: e.g. a cross-region transfer (M02) a buyer applied for."""
    rows = session.exec(
        select(apps.Application.measure).where(
            apps.Application.vehicle_id == vehicle_id,
            apps.Application.measure != rules.MEASURE,
            apps.Application.status.not_in(apps.APPLICATION_FINAL),  # type: ignore[attr-defined]
        )
    ).all()
    return list(rows)


def apply(ctx: Context, scope: WriteScope, vehicle_id: str, reason: str) -> apps.Application:
    """The owner applies online to deregister their vehicle."""
    session = scope.session
    vehicle = load_own(ctx, session, Vehicle, vehicle_id, "owner_person_id", "Vehicle", "vehicleId")
    ctx.require_in_force(rules.MEASURE, vehicle.registration_city, field="vehicleId")
    rules.require_deregistrable(vehicle.status, vehicle.mortgaged)
    rules.require_no_open_business(open_other_business(session, vehicle.id), "vehicleId")
    return issuing.submit_once(
        ctx, scope, measure=rules.MEASURE, business="DEREGISTRATION", link="vehicle_id",
        subject_id=vehicle.id, holder_person_id=vehicle.owner_person_id,
        city_code=vehicle.registration_city,
        field="vehicleId", data={"reason": reason},
        pending=(DeregistrationErrorCode.PENDING_APPLICATION, "An application is already open."),
        rule=rules.R_PENDING,
    )  # fmt: skip


def _revoke_other_grants(session: Session, now: dt.datetime, vehicle_id: str) -> int:
    """Every grant / entrustment table of any plugin keyed by vehicle (vehicle_id + revoked_at)."""
    count = 0
    for name, table in SQLModel.metadata.tables.items():
        if not any(word in name for word in ("grant", "entrust")):
            continue
        cols = table.c
        if "vehicle_id" not in cols or "revoked_at" not in cols:
            continue
        values: dict[str, Any] = {"revoked_at": stamp(now)}
        if "revoked_reason" in cols:
            values["revoked_reason"] = "VEHICLE_DEREGISTERED"
        result = session.execute(
            update(table)
            .where(cols.vehicle_id == vehicle_id, cols.revoked_at.is_(None))
            .values(values)
        )
        count += result.rowcount or 0  # type: ignore[attr-defined]
    return count


def deregister(
    ctx: Context,
    session: Session,
    vehicle: Vehicle,
    reason: str,
    city: str,
    field: str,
    *,
    application: apps.Application | None = None,
    report: DeregScrapReport | None = None,
) -> DeregCertificate:
    """In one transaction, unless the vehicle is not deregistrable or another application is open
    on it (`field` named): vehicle DEREGISTERED, its e-vehicle licence revoked, every grant and
    entrustment on it revoked, the electronic certificate issued (paper still issued), and what
    the other path left open settled (`_settle_other_path`): deregistered on the owner's
    `application`, a pending scrap report is superseded; on a scrap `report`, the owner's open
    application is closed."""
    now = ctx.now()
    rules.require_deregistrable(vehicle.status, vehicle.mortgaged, field)
    # whichever path: a buyer's open transfer (M02) or another open application is finished or
    # withdrawn first, or its party would be left with a deregistered car
    rules.require_no_open_business(open_other_business(session, vehicle.id), field)
    vehicle.status = VehicleStatus.DEREGISTERED.value
    vehicle.updated_at = stamp(now)
    session.add(vehicle)
    cred.revoke_for_subject(session, now, "VL", vehicle.id, "VEHICLE_DEREGISTERED")
    _revoke_other_grants(session, now, vehicle.id)
    credential = cred.issue(session, now, KIND, vehicle.id, vehicle.owner_person_id)
    certificate = DeregCertificate(
        number=f"ZX{city}{now.strftime('%Y%m%d')}{secrets.randbelow(10**8):08d}",
        vehicle_id=vehicle.id,
        owner_person_id=vehicle.owner_person_id,
        reason=reason,
        deregistered_on=now.date(),
        city_code=city,
        handle=credential.handle,
        issued_at=stamp(now),
    )
    session.add(certificate)
    if vehicle.owner_person_id:
        ctx.notify(
            session,
            vehicle.owner_person_id,
            f"{rules.MEASURE}.certificate",
            {"number": certificate.number},
            measure=rules.MEASURE,
        )
    _settle_other_path(ctx, session, vehicle, certificate, application, report)
    return certificate


def _supersede(
    notices: Any,
    session: Session,
    report: DeregScrapReport,
    vehicle: Vehicle | None,
    certificate: DeregCertificate,
    closed_by: str | None,
    how: str = "",
) -> None:
    """Close a RECEIVED scrap report whose vehicle is already deregistered (`certificate`): the
    declared `supersede` step (the firm told, with the certificate's number), and the owner told.
    `notices` is the request's context or, for the job, a `core.outbox.JobNotifier`."""
    date = certificate.deregistered_on.isoformat()
    text = f"车辆已{how}于{date}注销（注销证明编号{certificate.number}），本报废信息无需再办理"
    params = {"number": certificate.number, "date": date}
    move(notices, session, SCRAP_REPORT_WORKFLOW, report, "supersede", field_name="reportId",
         values={"close_reason": text, "closed_at": stamp(notices.now()), "closed_by": closed_by},
         params=params)  # fmt: skip
    if vehicle is not None and vehicle.owner_person_id:
        notices.notify(
            session, vehicle.owner_person_id, f"{rules.MEASURE}.scrap_already_deregistered",
            {**params, "plate": vehicle.plate or "—",
             "certificate_no": report.recycling_certificate_no},
        )  # fmt: skip


def _settle_other_path(
    ctx: Context,
    session: Session,
    vehicle: Vehicle,
    certificate: DeregCertificate,
    application: apps.Application | None,
    report: DeregScrapReport | None,
) -> None:
    """A vehicle is deregistered once, by the owner's application or by a scrap report; whatever
    the other path left open is settled in the same transaction, so nobody waits for an office
    that can no longer act (review finding): every other RECEIVED scrap report of the vehicle is
    superseded, every other open deregistration application is closed by the office (CANCELLED,
    with the certificate's number; the owner is told)."""
    actor = ctx.actor.account_id
    how = f"依车主的注销登记申请{application.id}" if application is not None else ""
    for other in session.exec(
        select(DeregScrapReport).where(
            DeregScrapReport.vehicle_id == vehicle.id,
            DeregScrapReport.status == rules.ScrapReportStatus.RECEIVED.value,
        )
    ).all():
        if report is None or other.id != report.id:
            _supersede(ctx, session, other, vehicle, certificate, actor, how)
    source = (
        f"依报废信息{report.id}"
        if report is not None
        else f"依注销登记申请{application.id}"
        if application is not None
        else ""
    )
    note = f"车辆已{source}于{certificate.deregistered_on.isoformat()}注销，注销证明编号{certificate.number}"
    for open_app in session.exec(
        select(apps.Application).where(
            apps.Application.measure == rules.MEASURE,
            apps.Application.vehicle_id == vehicle.id,
            apps.Application.status.not_in(apps.APPLICATION_FINAL),  # type: ignore[attr-defined]
        )
    ).all():
        if application is not None and open_app.id == application.id:
            continue
        apps.transition(session, open_app, apps.AppStatus.CANCELLED, now=ctx.now(),
                        actor_account_id=actor, note=note, ctx=ctx, by=Party.OFFICE)  # fmt: skip


def review(
    ctx: Context, scope: WriteScope, application_id: str, approve: bool, note: str | None
) -> tuple[apps.Application, DeregCertificate | None]:
    session = scope.session
    app, text = apps.start_review(
        ctx,
        scope,
        application_id,
        rules.MEASURE,
        approve,
        note,
        DeregistrationErrorCode.NOTE_REQUIRED,
        rules.R_NOTE,
    )
    if not approve:
        return app, None
    vehicle = session.get(Vehicle, app.vehicle_id)
    if vehicle is None:
        raise NotFound("Vehicle", "applicationId")
    move_by_caller(ctx, session, app, apps.AppStatus.APPROVED, note=text)
    certificate = deregister(
        ctx,
        session,
        vehicle,
        str(app.data.get("reason", "SCRAPPED")),
        app.city_code,
        "applicationId",
        application=app,
    )
    move_by_caller(ctx, session, app, apps.AppStatus.COMPLETED)
    return app, certificate


def scrap_report(
    ctx: Context,
    scope: WriteScope,
    vin: str,
    certificate_no: str,
    scrapped_on: dt.date,
    scrap_city: str,
) -> DeregScrapReport:
    """A scrapping firm reports a scrapped vehicle (any city); the registration office has one day."""
    session = scope.session
    number = parse_vin(vin)
    cert_no = parse_reference(
        certificate_no,
        "recyclingCertificateNo",
        _CERTIFICATE_NO,
        "A recycling certificate number has letters, digits and hyphens",
    )
    place = lookup_city(scrap_city, "scrapCity").code
    rules.require_scrap_date(scrapped_on, ctx.today())
    vehicle = session.exec(select(Vehicle).where(Vehicle.vin == number)).first()
    if vehicle is None:
        raise NotFound("Vehicle", "vin")
    ctx.require_in_force(rules.MEASURE, vehicle.registration_city, field="vin")
    rules.require_scrapped_after_registration(scrapped_on, vehicle.registered_at)
    rules.require_deregistrable(vehicle.status, False, "vin")
    open_report = session.exec(
        select(DeregScrapReport).where(
            DeregScrapReport.vehicle_id == vehicle.id,
            DeregScrapReport.status == rules.ScrapReportStatus.RECEIVED.value,
        )
    ).first()
    if open_report is not None:
        raise RuleError(
            Code.ALREADY_EXISTS,
            "This vehicle's scrap report is already pending.",
            field="vin",
            rule=rules.R_REPORT_PENDING,
            measure=rules.MEASURE,
        )
    now = ctx.now()
    report = DeregScrapReport(
        vehicle_id=vehicle.id,
        registration_city=vehicle.registration_city,
        scrap_city=place,
        reporter_org_id=ctx.actor.partner_org_id,
        recycling_certificate_no=cert_no,
        scrapped_on=scrapped_on,
        received_at=stamp(now),
        received_on=now.date(),
    )
    session.add(report)
    scope.subject(vehicle.owner_person_id, f"DeregScrapReport:{report.id}")
    return report


def scrap_process(
    ctx: Context, scope: WriteScope, report_id: str
) -> tuple[DeregScrapReport, DeregCertificate]:
    """The registration office deregisters on the scrap information (三-三-2)."""
    session = scope.session
    report = _received_report(ctx, session, report_id)
    vehicle = session.get(Vehicle, report.vehicle_id)
    if vehicle is None:  # pragma: no cover - foreign key
        raise NotFound("Vehicle", "reportId")
    certificate = deregister(
        ctx,
        session,
        vehicle,
        rules.DeregReason.SCRAPPED.value,
        report.registration_city,
        "reportId",
        report=report,
    )
    now = ctx.now()
    move(ctx, session, SCRAP_REPORT_WORKFLOW, report, "process", field_name="reportId",
         values={"processed_at": stamp(now), "closed_by": ctx.actor.account_id},
         params={"number": certificate.number})  # fmt: skip
    scope.subject(
        vehicle.owner_person_id,
        f"DeregCertificate:{certificate.id}",
        overdue=report.overdue_flagged_at is not None,
    )
    return report, certificate


def _received_report(ctx: Context, session: Session, report_id: str) -> DeregScrapReport:
    """The scrap report the registration office settles: NOT_FOUND, FEATURE_NOT_ENABLED and
    OUT_OF_JURISDICTION for its registration city, REPORT_DONE once processed or rejected."""
    report = session.get(DeregScrapReport, lookup_id(report_id))
    if report is None:
        raise NotFound("Scrap report", "reportId")
    ctx.require_in_force(rules.MEASURE, report.registration_city, field="reportId")
    ctx.require_jurisdiction(report.registration_city, field="reportId")
    if report.status != rules.ScrapReportStatus.RECEIVED.value:
        raise RuleError(
            DeregistrationErrorCode.REPORT_DONE,
            f"This report is already {report.status.lower()}.",
            field="reportId",
            measure=rules.MEASURE,
        )
    return report


def scrap_reject(ctx: Context, scope: WriteScope, report_id: str, reason: str) -> DeregScrapReport:
    """The registration office closes a scrap report it cannot process (the car is still
    mortgaged, seized, …) with its reason: the scrapping firm and the owner are told, and the
    overdue job stops flagging it. Once the obstacle is gone the firm reports again."""
    session = scope.session
    text = require_text("reason", reason, 500, multiline=True)
    report = _received_report(ctx, session, report_id)
    vehicle = session.get(Vehicle, report.vehicle_id)
    now = ctx.now()
    move(ctx, session, SCRAP_REPORT_WORKFLOW, report, "reject", field_name="reportId",
         values={"close_reason": text, "closed_at": stamp(now), "closed_by": ctx.actor.account_id},
         params={"reason": text})  # fmt: skip
    owner = vehicle.owner_person_id if vehicle else None
    if owner:
        ctx.notify(
            session, owner, f"{rules.MEASURE}.scrap_not_deregistered",
            {"plate": (vehicle.plate if vehicle else None) or "—", "reason": text},
        )  # fmt: skip
    scope.subject(owner, f"DeregScrapReport:{report.id}", outcome="REJECTED")
    return report


def own_certificate(ctx: Context, certificate_id: str) -> DeregCertificate:
    certificate = load_own(
        ctx, ctx.session, DeregCertificate, certificate_id, "owner_person_id", "Certificate",
        "certificateId",
    )  # fmt: skip
    ctx.require_in_force(rules.MEASURE, certificate.city_code, field="certificateId")
    return certificate


def show(ctx: Context, certificate_id: str) -> tuple[str, int, int]:
    certificate = own_certificate(ctx, certificate_id)
    credential = ctx.session.get(cred.IssuedCredential, certificate.handle)
    vehicle = ctx.session.get(Vehicle, certificate.vehicle_id)
    iat = int(ctx.now().timestamp())
    text = issuing.sign_presentation(
        ctx.platform.keys, PREFIX, credential, iat=iat, exp=iat + WINDOW_SECONDS,
        classes=vehicle.vehicle_type if vehicle else "", status=0,
        valid_until=certificate.deregistered_on,
    )  # fmt: skip
    return text, iat, iat + WINDOW_SECONDS


@dataclass
class CertificateCheck(OnlineCheck):
    """What a certificate verification established: the certificate and its vehicle, if accepted."""

    certificate: DeregCertificate | None = None
    vehicle: Vehicle | None = None


def verify(ctx: Context, scope: WriteScope, payload: str, purpose: str) -> CertificateCheck:
    """Commerce departments (trade-in subsidies) and clerks verify a certificate, nationwide."""
    text = signed_text("payload", payload, 600)
    why = require_text("purpose", purpose, 100)
    ctx.require_scope("deregistration:verify", "M15: partner registration scope")
    out = CertificateCheck()
    if out.open(ctx, text, PREFIX, KIND) is not None:
        handle = out.handle
        certificate = scope.session.exec(
            select(DeregCertificate).where(DeregCertificate.handle == handle)
        ).first()
        credential = scope.session.get(cred.IssuedCredential, handle)
        vehicle = scope.session.get(Vehicle, certificate.vehicle_id) if certificate else None
        if certificate is None or credential is None or credential.revoked_at is not None:
            out.reasons.append("CERTIFICATE_REVOKED" if certificate else "UNKNOWN_CERTIFICATE")
        elif vehicle is None or vehicle.status != VehicleStatus.DEREGISTERED.value:
            out.reasons.append("VEHICLE_NOT_DEREGISTERED")
        else:
            out.holder_person_id = certificate.owner_person_id
            out.accepted = True
            out.certificate, out.vehicle = certificate, vehicle
    scope.subject(out.holder_person_id, None, purpose=why, result=out.verdict())
    return out


# --- jobs ------------------------------------------------------------------------------------------
def flag_overdue_scrap_reports(platform: Any, now: dt.datetime) -> dict[str, Any]:
    """Flag scrap reports not processed within one day of receipt (三-三-2); first supersede
    any report left RECEIVED by a deregistration made before such reports were settled with it
    (the firm and the owner told), which is not overdue but moot."""
    today = now.date()
    flagged = superseded = 0
    with Session(platform.engine) as session:
        stranded = session.exec(
            select(DeregScrapReport, Vehicle)
            .join(Vehicle, Vehicle.id == DeregScrapReport.vehicle_id)  # type: ignore[arg-type]
            .where(
                DeregScrapReport.status == rules.ScrapReportStatus.RECEIVED.value,
                Vehicle.status == VehicleStatus.DEREGISTERED.value,
            )
        ).all()
        notices = outbox.JobNotifier(platform.notices, now)
        for report, vehicle in stranded:
            certificate = session.exec(
                select(DeregCertificate)
                .where(DeregCertificate.vehicle_id == vehicle.id)
                .order_by(DeregCertificate.issued_at.desc())  # type: ignore[attr-defined]
            ).first()
            if certificate is not None:
                _supersede(notices, session, report, vehicle, certificate, None)
                superseded += 1
        session.flush()
        for report in session.exec(
            select(DeregScrapReport).where(
                DeregScrapReport.status == rules.ScrapReportStatus.RECEIVED.value,
                DeregScrapReport.overdue_flagged_at.is_(None),  # type: ignore[union-attr]
            )
        ):
            if rules.is_overdue(report.received_on, today):
                report.overdue_flagged_at = stamp(now)
                session.add(report)
                flagged += 1
        session.commit()
    return {"flagged": flagged, "superseded": superseded, "rule": rules.R_ONE_DAY}


def remind_scrap_deadlines(platform: Any, now: dt.datetime) -> dict[str, Any]:
    """Remind owners whose vehicle nears its scrap deadline, once per vehicle and deadline."""
    today = now.date()
    horizon = today + dt.timedelta(days=rules.REMIND_DAYS_MAX)  # any city's setting is within it
    sent = 0
    with Session(platform.engine) as session:
        vehicles = session.exec(
            select(Vehicle).where(
                Vehicle.scrap_deadline.is_not(None),  # type: ignore[union-attr]
                Vehicle.scrap_deadline >= today,  # type: ignore[operator]
                Vehicle.scrap_deadline <= horizon,  # type: ignore[operator]
                Vehicle.status.in_([VehicleStatus.NORMAL.value, VehicleStatus.SCRAP_DUE.value]),  # type: ignore[attr-defined]
                Vehicle.owner_person_id.is_not(None),  # type: ignore[union-attr]
            )
        ).all()
        for vehicle in vehicles:
            days = platform.settings_store.get(  # the vehicle's registration city's setting
                rules.MEASURE, "reminder_days_before_scrap_deadline", vehicle.registration_city
            )
            if not rules.reminder_due(vehicle.scrap_deadline, today, days):
                continue
            if not platform.rollout.decide(
                rules.MEASURE, lookup_city(vehicle.registration_city), today
            ).in_force:
                continue
            done = session.exec(
                select(DeregReminder).where(
                    DeregReminder.vehicle_id == vehicle.id,
                    DeregReminder.scrap_deadline == vehicle.scrap_deadline,
                )
            ).first()
            if done is not None:
                continue
            session.add(
                DeregReminder(
                    vehicle_id=vehicle.id, scrap_deadline=vehicle.scrap_deadline, sent_at=stamp(now)
                )
            )  # type: ignore[arg-type]
            outbox.notify(
                session, now, platform.notices, vehicle.owner_person_id,  # type: ignore[arg-type]
                f"{rules.MEASURE}.scrap_deadline",
                {"plate": vehicle.plate, "deadline": vehicle.scrap_deadline.isoformat()},  # type: ignore[union-attr]
            )  # fmt: skip
            sent += 1
        session.commit()
    return {"reminded": sent, "rule": rules.R_REMIND}
