"""GraphQL for the core's applications registry: an applicant's way out of any measure's
application that is still pending (core/registries/applications.py, core/workflow.py)."""

from __future__ import annotations

import strawberry

from core.api.types import Application
from core.context import Context, WriteScope
from core.errors import Code, NotFound, RuleError
from core.graphql.operations import Payload, mutation
from core.ids import lookup_id
from core.registries import applications as apps
from core.units import active_membership
from core.validation import optional_text
from core.workflow import Party


@strawberry.type
class ApplicationWithdrawPayload(Payload):
    application: Application | None = None


@strawberry.type
class ApplicationMutation:
    @mutation(
        "core.application_withdraw",
        "Withdraw your own application while it is submitted or under review (it becomes "
        "CANCELLED, with your reason); the measure's declared notice is sent. An approved "
        "application the office can no longer carry out because the measure was switched off "
        "in its city can be withdrawn too. Measures whose applications carry their own records "
        "withdraw through their own operation. A way out: works whatever the rollout.",
        qualifier="the applicant",
        way_out=True,
    )
    def application_withdraw(
        self,
        info: strawberry.Info,
        application_id: strawberry.ID,
        scope: WriteScope,
        reason: str | None = None,
    ) -> ApplicationWithdrawPayload:
        ctx: Context = info.context
        person_id = ctx.require_person()
        app = scope.session.get(apps.Application, lookup_id(application_id))
        unit_id = (app.data or {}).get("unitId") if app is not None else None
        if (
            app is None
            or app.applicant_person_id != person_id
            or (unit_id and active_membership(scope.session, unit_id, person_id) is None)
        ):  # a unit's application is withdrawn only by a member who still belongs to the unit
            raise NotFound("Application", "applicationId")
        text = optional_text("reason", reason, 500, multiline=True)
        workflow = ctx.platform.workflows.get(f"{app.measure}.application")
        if workflow is None or not any(t.name == "withdraw" for t in workflow.transitions):
            raise RuleError(
                Code.INVALID_TRANSITION,
                "Applications of this measure are withdrawn through the measure's own operation.",
                field="applicationId",
            )
        # approved, but the measure was switched off in its city since: the office cannot
        # complete it any more, so the applicant's withdrawal ends it as the office's
        # cancellation would (the rollout gates new business only: docs/plugins.md rule 2)
        stranded = (
            app.status == apps.AppStatus.APPROVED.value
            and not ctx.decision(app.measure, app.city_code).in_force
        )
        apps.transition(
            scope.session,
            app,
            apps.AppStatus.CANCELLED,
            now=ctx.now(),
            actor_account_id=ctx.actor.account_id,
            note=text,
            ctx=ctx,
            by=Party.SYSTEM if stranded else Party.APPLICANT,
            params={"reason": text or "申请人撤回 (withdrawn by the applicant)"},
        )
        scope.subject(person_id, f"Application:{app.id}", reason=text)
        return ApplicationWithdrawPayload(application=Application.of(app))
