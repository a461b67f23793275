"""Pass-code applications: apply (owner, unit manager or filed driver), approve, reject, list
(2021-四-二), with the blacklist limits applied at issuance (2021-四-三)."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, func, select

from core.accounts import UnitMember, UnitRole
from core.context import Context, WriteScope
from core.db import stamp
from core.documents.signing import sign_document, text_claims
from core.errors import NotFound, RuleError
from core.graphql.pagination import Connection, paginate
from core.registries import applications as apps
from core.registries.vehicles import FiledDriver, Vehicle, VehicleStatus
from core.validation import require_range, require_text

from . import rules
from .blacklist import is_blacklisted
from .errors import TruckPassErrorCode
from .models import TruckPassCode as CodeRow
from .models import TruckPassConditions as ConditionsRow
from .models import TruckPassPolicy as PolicyRow
from .models import TruckPassRequest as RequestRow
from .policies import gate_city, gate_staff_city
from .rules import MEASURE
from .types import (
    TruckPassApplication,
    TruckPassApplicationPayload,
    TruckPassCode,
)

QR_PREFIX = "TP1:"
# code id, plate, city, policy id, valid from, valid until (ISO dates)
QR_CLAIMS = text_claims("TP1", 6)
BUSINESS = "TRUCK_PASS_CODE"
MAX_DAYS = 366
# an application is pending while the core application is (the applicant may withdraw it with the
# core `applicationWithdraw`, so the measure reads the state from there, never from its own copy)
PENDING = (apps.AppStatus.SUBMITTED.value, apps.AppStatus.UNDER_REVIEW.value)


def applicant_kind(
    session: Session, vehicle: Vehicle, person_id: str
) -> rules.ApplicantKind | None:
    """How the caller relates to the truck: OWNER, UNIT (legal person / admin of the owning
    unit), DRIVER (an active filed driver), or None."""
    if vehicle.owner_person_id == person_id:
        return rules.ApplicantKind.OWNER
    if vehicle.owner_unit_id:
        member = session.exec(
            select(UnitMember).where(
                UnitMember.unit_id == vehicle.owner_unit_id,
                UnitMember.person_id == person_id,
                UnitMember.status == "ACTIVE",
                UnitMember.role.in_([UnitRole.LEGAL_PERSON.value, UnitRole.ADMIN.value]),
            )
        ).first()
        if member is not None:
            return rules.ApplicantKind.UNIT
    driver = session.exec(
        select(FiledDriver).where(
            FiledDriver.vehicle_id == vehicle.id,
            FiledDriver.person_id == person_id,
            FiledDriver.active == True,  # noqa: E712
        )
    ).first()
    return rules.ApplicantKind.DRIVER if driver is not None else None


def owner_key(vehicle: Vehicle) -> str:
    return f"U:{vehicle.owner_unit_id}" if vehicle.owner_unit_id else f"P:{vehicle.owner_person_id}"


def qr_for(ctx: Context, row: CodeRow) -> str:
    """Signed QR: 1 code id, 2 plate, 3 city, 4 policy id, 5 valid from, 6 valid until (no names,
    no ID numbers)."""
    claims = {
        1: row.id,
        2: row.plate or "",
        3: row.city_code,
        4: row.policy_id,
        5: row.valid_from.isoformat(),
        6: row.valid_until.isoformat(),
    }
    return sign_document(ctx.platform.keys, QR_PREFIX, claims)


def _view(session: Session, req: RequestRow, today: dt.date) -> TruckPassApplication:
    app = session.get(apps.Application, req.application_id)
    assert app is not None
    return TruckPassApplication.of(
        req, app.status, rules.is_overdue(today, req.due_date, app.status in PENDING),
        app.decision_note,
    )  # fmt: skip


def _policy_for(session: Session, policy_id: str) -> PolicyRow:
    policy = session.get(PolicyRow, require_text("policyId", policy_id, 16))
    if policy is None:
        raise NotFound("TruckPassPolicy", "policyId")
    return policy


def _check_vehicle(vehicle: Vehicle, policy: PolicyRow) -> None:
    if not vehicle.category.endswith("_TRUCK"):
        raise RuleError(
            TruckPassErrorCode.NOT_A_TRUCK,
            "Pass codes are for trucks.",
            field="vehicleId",
            rule=rules.RULE_NEEDED,
        )
    if vehicle.status != VehicleStatus.NORMAL.value:
        raise RuleError(
            TruckPassErrorCode.VEHICLE_NOT_NORMAL,
            f"The vehicle's status is {vehicle.status}.",
            field="vehicleId",
        )
    if policy.status != rules.PolicyStatus.ACTIVE:
        raise RuleError(
            TruckPassErrorCode.POLICY_WITHDRAWN,
            "The restriction was withdrawn: no pass is needed.",
            field="policyId",
            rule=rules.RULE_NEEDED,
        )
    if not rules.policy_applies(
        policy.vehicle_categories, policy.vehicle_uses, vehicle.category, vehicle.use
    ):
        raise RuleError(
            TruckPassErrorCode.PASS_NOT_NEEDED,
            "This restriction does not apply to this vehicle: no pass is needed.",
            field="policyId",
        )


def apply(
    ctx: Context,
    scope: WriteScope,
    vehicle_id: str,
    policy_id: str,
    valid_from: dt.date,
    days: int,
) -> TruckPassApplicationPayload:
    """A citizen (owner, unit manager or filed driver) applies for a code for one restriction."""
    session = scope.session
    person_id = ctx.require_person()
    policy = _policy_for(session, policy_id)
    city = gate_city(ctx, policy.city_code, "policyId")
    vehicle = session.exec(
        select(Vehicle)
        .where(Vehicle.id == require_text("vehicleId", vehicle_id, 16))
        .with_for_update()  # one pending application per vehicle and policy, even concurrently
    ).first()
    kind = applicant_kind(session, vehicle, person_id) if vehicle else None
    if vehicle is None or kind is None:
        raise NotFound("Vehicle", "vehicleId")  # not yours = not found (no probing)
    conditions = session.get(ConditionsRow, city)
    if conditions is None:
        raise RuleError(
            TruckPassErrorCode.CONDITIONS_NOT_PUBLISHED,
            "The city has not published its pass conditions yet.",
            field="policyId",
            city=city,
        )
    _check_vehicle(vehicle, policy)
    today = ctx.today()
    rules.check_start(today, valid_from)
    require_range("days", days, 1, MAX_DAYS)
    duplicate = session.exec(
        select(RequestRow)
        .join(apps.Application, apps.Application.id == RequestRow.application_id)
        .where(
            RequestRow.vehicle_id == vehicle.id,
            RequestRow.policy_id == policy.id,
            apps.Application.status.in_(PENDING),  # type: ignore[attr-defined]
        )
    ).first()
    if duplicate is not None:
        raise RuleError(
            TruckPassErrorCode.DUPLICATE_APPLICATION,
            "An application for this vehicle and restriction is already pending.",
            field="vehicleId",
        )
    app = apps.submit(
        session,
        now=ctx.now(),
        measure=MEASURE,
        business=BUSINESS,
        city_code=city,
        actor_account_id=ctx.actor.account_id,
        applicant_person_id=person_id,
        vehicle_id=vehicle.id,
        data={"policy_id": policy.id},
    )
    due = ctx.platform.calendar.add_workdays(today, conditions.time_limit_workdays)
    req = RequestRow(
        application_id=app.id,
        city_code=city,
        vehicle_id=vehicle.id,
        policy_id=policy.id,
        applicant_kind=kind.value,
        requested_from=valid_from,
        requested_days=days,
        submitted_on=today,
        due_date=due,
    )
    session.add(req)
    session.flush()
    scope.subject(person_id, f"Application:{app.id}", city=city)
    return TruckPassApplicationPayload(application=_view(session, req, today))


def _load_for_staff(ctx: Context, session: Session, application_id: str) -> RequestRow:
    req = session.get(RequestRow, require_text("applicationId", application_id, 16))
    if req is None:
        raise NotFound("TruckPassApplication", "applicationId")
    gate_staff_city(ctx, req.city_code, "applicationId")
    return req


def approve(ctx: Context, scope: WriteScope, application_id: str) -> TruckPassApplicationPayload:
    """A clerk of the city approves and the code is issued within the blacklist limits."""
    session = scope.session
    req = _load_for_staff(ctx, session, application_id)
    app = session.get(apps.Application, req.application_id)
    assert app is not None
    scope.subject(app.applicant_person_id, f"Application:{app.id}", city=req.city_code)
    vehicle = session.get(Vehicle, req.vehicle_id)
    policy = session.get(PolicyRow, req.policy_id)
    # lock the city's conditions row: approvals of one city run one at a time, so two
    # concurrent approvals cannot both take the owner's last allowed code
    conditions = session.exec(
        select(ConditionsRow).where(ConditionsRow.city_code == req.city_code).with_for_update()
    ).one()
    assert vehicle is not None and policy is not None
    if app.status == apps.AppStatus.SUBMITTED.value:
        apps.transition(
            session, app, apps.AppStatus.UNDER_REVIEW, now=ctx.now(),
            actor_account_id=ctx.actor.account_id,
        )  # fmt: skip
    _check_vehicle(vehicle, policy)
    today = ctx.today()
    listed = is_blacklisted(session, req.city_code, vehicle)
    limit_codes, limit_days, rule = rules.code_limits(
        listed,
        conditions.max_codes_per_owner,
        conditions.validity_days,
        conditions.blacklist_max_codes,
        conditions.blacklist_validity_days,
    )
    key = owner_key(vehicle)
    active = session.exec(
        select(func.count())
        .select_from(CodeRow)
        .where(
            CodeRow.owner_key == key,
            CodeRow.city_code == req.city_code,
            CodeRow.status == rules.CodeStatus.ACTIVE,
            CodeRow.valid_until >= today,
        )
    ).one()
    rules.check_code_count(int(active), limit_codes, rule)
    start, until = rules.code_window(today, req.requested_from, req.requested_days, limit_days)
    apps.transition(
        session, app, apps.AppStatus.APPROVED, now=ctx.now(),
        actor_account_id=ctx.actor.account_id,
        note=f"valid {start.isoformat()}..{until.isoformat()}" + (" (blacklist)" if listed else ""),
    )  # fmt: skip
    apps.transition(
        session,
        app,
        apps.AppStatus.COMPLETED,
        now=ctx.now(),
        actor_account_id=ctx.actor.account_id,
        ctx=ctx,
        params={"plate": vehicle.plate, "until": until.isoformat()},
    )  # fmt: skip (the declared notice: truck_pass.issued)
    code = CodeRow(
        application_id=app.id,
        city_code=req.city_code,
        vehicle_id=vehicle.id,
        plate=vehicle.plate,
        policy_id=policy.id,
        owner_key=key,
        holder_person_id=app.applicant_person_id,
        valid_from=start,
        valid_until=until,
        blacklisted=listed,
        issued_at=stamp(ctx.now()),
    )
    session.add(code)
    req.pending = False
    session.add(req)
    session.flush()
    return TruckPassApplicationPayload(
        application=_view(session, req, today), code=TruckPassCode.of(code, qr_for(ctx, code))
    )


def reject(
    ctx: Context, scope: WriteScope, application_id: str, reason: str
) -> TruckPassApplicationPayload:
    session = scope.session
    req = _load_for_staff(ctx, session, application_id)
    note = require_text("reason", reason, 300, multiline=True)
    app = session.get(apps.Application, req.application_id)
    assert app is not None
    scope.subject(app.applicant_person_id, f"Application:{app.id}", city=req.city_code)
    apps.transition(
        session,
        app,
        apps.AppStatus.REJECTED,
        now=ctx.now(),
        actor_account_id=ctx.actor.account_id,
        note=note,
        ctx=ctx,
    )  # fmt: skip (the declared notice: truck_pass.rejected, with the reason)
    req.pending = False
    session.add(req)
    return TruckPassApplicationPayload(application=_view(session, req, ctx.today()))


def overdue(
    ctx: Context, city_code: str, first: int, after: str | None
) -> Connection[TruckPassApplication]:
    """Pending applications past their published time limit (核发时限), oldest first."""
    city = gate_staff_city(ctx, city_code)
    today = ctx.today()
    stmt = (
        select(RequestRow)
        .join(apps.Application, apps.Application.id == RequestRow.application_id)
        .where(
            RequestRow.city_code == city,
            apps.Application.status.in_(PENDING),  # type: ignore[attr-defined]
            RequestRow.due_date < today,
        )
        .order_by(RequestRow.due_date, RequestRow.application_id)
    )
    session = ctx.session
    return paginate(ctx, stmt, first, after, lambda r: _view(session, r, today))


def my_codes(
    ctx: Context, city_code: str, first: int, after: str | None
) -> Connection[TruckPassCode]:
    person_id = ctx.require_person()
    city = gate_city(ctx, city_code)
    stmt = (
        select(CodeRow)
        .where(CodeRow.holder_person_id == person_id, CodeRow.city_code == city)
        .order_by(CodeRow.valid_until.desc(), CodeRow.id)  # type: ignore[attr-defined]
    )
    return paginate(ctx, stmt, first, after, lambda r: TruckPassCode.of(r, qr_for(ctx, r)))


def my_applications(
    ctx: Context, city_code: str, first: int, after: str | None
) -> Connection[TruckPassApplication]:
    person_id = ctx.require_person()
    city = gate_city(ctx, city_code)
    today = ctx.today()
    stmt = (
        select(RequestRow)
        .join(apps.Application, apps.Application.id == RequestRow.application_id)
        .where(RequestRow.city_code == city, apps.Application.applicant_person_id == person_id)
        .order_by(RequestRow.submitted_on.desc(), RequestRow.application_id)  # type: ignore[attr-defined]
    )
    session = ctx.session
    return paginate(ctx, stmt, first, after, lambda r: _view(session, r, today))
