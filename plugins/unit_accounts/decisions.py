"""The office's decisions on the unit's business applications (补换领牌证, 申领免检标志; 八-三):
accept and approve or reject with a reason, then complete once the plates, licence or mark are
issued, or cancel with a reason (e.g. the vehicle was deregistered after the approval). Every
move is the declared one (workflows.APPLICATION) and told to the unit (its current legal person
and admins); the member who applied may withdraw a pending application (core
applicationWithdraw) while still a member of the unit.

The vehicle must still be the unit's and still registered when the office approves and when it
completes: a vehicle scrapped, deregistered or transferred meanwhile is refused with
UNIT_VEHICLE_NOT_ELIGIBLE (the office then rejects or cancels with its reason)."""

from __future__ import annotations

from sqlmodel import Session

from core.context import Context, WriteScope
from core.errors import NotFound, RuleError
from core.ids import lookup_id
from core.registries import applications as apps
from core.registries.applications import Application, AppStatus
from core.registries.vehicles import Vehicle
from core.validation import optional_text
from core.workflow import Party

from . import rules
from .errors import UnitAccountErrorCode
from .plates import NOT_ELIGIBLE
from .rules import MEASURE


def require_vehicle_still_eligible(session: Session, app: Application) -> None:
    """UNIT_VEHICLE_NOT_ELIGIBLE (field applicationId) when the application's vehicle is gone
    from the unit (transferred) or from the register (scrapped, deregistered) since it was
    applied for (八-三: the unit's own registered vehicles)."""
    if app.vehicle_id is None:
        return
    vehicle = session.get(Vehicle, app.vehicle_id)
    unit_id = (app.data or {}).get("unitId")
    if vehicle is None or vehicle.status in NOT_ELIGIBLE or vehicle.owner_unit_id != unit_id:
        status = vehicle.status if vehicle is not None else "UNKNOWN"
        raise RuleError(
            UnitAccountErrorCode.VEHICLE_NOT_ELIGIBLE,
            f"The vehicle is no longer the unit's registered vehicle (status {status}): reject "
            "or cancel the application with the reason.",
            field="applicationId",
        )


def decide(
    ctx: Context, scope: WriteScope, application_id: str, approve: bool, note: str | None
) -> Application:
    """A clerk or supervisor of the application's city approves it, or rejects it with a note
    (UNIT_NOTE_REQUIRED without one). Approval needs the vehicle still eligible."""
    session = scope.session

    def still_eligible(app: Application) -> None:
        if approve:
            require_vehicle_still_eligible(session, app)

    app, _note = apps.start_review(
        ctx,
        scope,
        application_id,
        MEASURE,
        approve,
        note,
        UnitAccountErrorCode.NOTE_REQUIRED,
        rule=rules.RULE_SCOPE,
        precondition=still_eligible,
    )
    if approve:
        apps.transition(
            session,
            app,
            AppStatus.APPROVED,
            now=ctx.now(),
            actor_account_id=ctx.actor.account_id,
            note=_note,
            ctx=ctx,
        )
    return app


def _office_application(ctx: Context, scope: WriteScope, application_id: str) -> Application:
    app = scope.session.get(Application, lookup_id(application_id))
    if app is None or app.measure != MEASURE:
        raise NotFound("Application", "applicationId")
    ctx.require_in_force(MEASURE, app.city_code, field="applicationId")
    ctx.require_jurisdiction(app.city_code, field="applicationId")
    scope.subject(app.applicant_person_id, f"Application:{app.id}")
    return app


def complete(ctx: Context, scope: WriteScope, application_id: str) -> Application:
    """The office records that the approved business is done (plates, licence or mark issued);
    the vehicle must still be eligible (UNIT_VEHICLE_NOT_ELIGIBLE)."""
    app = _office_application(ctx, scope, application_id)
    if app.status == AppStatus.APPROVED.value:
        require_vehicle_still_eligible(scope.session, app)
    apps.transition(
        scope.session,
        app,
        AppStatus.COMPLETED,
        now=ctx.now(),
        actor_account_id=ctx.actor.account_id,
        ctx=ctx,
    )
    return app


def cancel(ctx: Context, scope: WriteScope, application_id: str, reason: str) -> Application:
    """The office cancels a pending or approved application with its reason (e.g. the vehicle
    was deregistered after the approval); the unit is told (application_cancelled)."""
    text = optional_text("reason", reason, 500, multiline=True)
    if text is None:
        raise RuleError(
            UnitAccountErrorCode.NOTE_REQUIRED,
            "Say why the application is cancelled.",
            field="reason",
            rule=rules.RULE_SCOPE,
        )
    app = _office_application(ctx, scope, application_id)
    apps.transition(
        scope.session,
        app,
        AppStatus.CANCELLED,
        now=ctx.now(),
        actor_account_id=ctx.actor.account_id,
        note=text,
        ctx=ctx,
        by=Party.OFFICE,
        params={"note": text},
    )
    return app
