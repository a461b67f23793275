"""The office's decisions on the unit's business applications (补换领牌证, 申领免检标志; 八-三):
accept and approve or reject with a reason, then complete once the plates, licence or mark are
issued. Every move is the declared one (workflows.APPLICATION) and told to the member who
applied; the member may withdraw a pending application (core applicationWithdraw)."""

from __future__ import annotations

from core.context import Context, WriteScope
from core.errors import NotFound
from core.ids import lookup_id
from core.registries import applications as apps
from core.registries.applications import Application, AppStatus

from . import rules
from .errors import UnitAccountErrorCode
from .rules import MEASURE


def decide(
    ctx: Context, scope: WriteScope, application_id: str, approve: bool, note: str | None
) -> Application:
    """A clerk or supervisor of the application's city approves it, or rejects it with a note
    (UNIT_NOTE_REQUIRED without one)."""
    app, _note = apps.start_review(
        ctx,
        scope,
        application_id,
        MEASURE,
        approve,
        note,
        UnitAccountErrorCode.NOTE_REQUIRED,
        rule=rules.RULE_SCOPE,
    )
    if approve:
        apps.transition(
            scope.session,
            app,
            AppStatus.APPROVED,
            now=ctx.now(),
            actor_account_id=ctx.actor.account_id,
            note=_note,
            ctx=ctx,
        )
    return app


def complete(ctx: Context, scope: WriteScope, application_id: str) -> Application:
    """The office records that the approved business is done (plates, licence or mark issued)."""
    app = scope.session.get(Application, lookup_id(application_id))
    if app is None or app.measure != MEASURE:
        raise NotFound("Application", "applicationId")
    ctx.require_in_force(MEASURE, app.city_code, field="applicationId")
    ctx.require_jurisdiction(app.city_code, field="applicationId")
    scope.subject(app.applicant_person_id, f"Application:{app.id}")
    apps.transition(
        scope.session,
        app,
        AppStatus.COMPLETED,
        now=ctx.now(),
        actor_account_id=ctx.actor.account_id,
        ctx=ctx,
    )
    return app
