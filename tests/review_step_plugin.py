"""A test-only measure that decides its applications with the core review step
(`core.registries.applications.start_review`), so tests/test_review_step.py can call it through
the GraphQL API with each option: `business`, `precondition`, `two_person`."""

from __future__ import annotations

import datetime as dt

import strawberry

from core.accounts import Role
from core.context import WriteScope
from core.errors import RuleError
from core.graphql.operations import Payload, mutation
from core.hookspecs import hookimpl
from core.notices import NoticeTemplate
from core.permissions import PermissionRule
from core.plugin_api import MeasureInfo
from core.registries import applications as apps
from core.rollout import RolloutDefault
from core.workflow import Workflow

PLUGIN_NAME = MEASURE = "review_probe"  # a measure's slug is its plugin's name
BUSINESS = "PROBE"
NOTE_REQUIRED = "PROBE_NOTE_REQUIRED"
NOT_QUEUED = "PROBE_NOT_QUEUED"
SAME_PERSON = "PROBE_SAME_PERSON"
RULE_TWO_PERSON = "M99 probe: 受理后报负责人复核"


def _queued(app: apps.Application) -> None:
    """The probe's own precondition: only applications flagged `queued` may be decided."""
    if not app.data.get("queued"):
        raise RuleError(NOT_QUEUED, "Not in the probe's queue.", field="applicationId")


@strawberry.type
class ReviewProbePayload(Payload):
    status: str | None = None
    accepted_by: str | None = None
    decided_by: str | None = None


@strawberry.type
class ReviewProbeQuery:
    @strawberry.field(description="Nothing (a root type needs a field).")
    def review_probe_ping(self) -> bool:
        return True


@strawberry.type
class ReviewProbeMutation:
    @mutation(f"{MEASURE}.decide", "Decide a probe application with the core review step.")
    def review_probe_decide(
        self,
        info: strawberry.Info,
        application_id: strawberry.ID,
        approve: bool,
        scope: WriteScope,
        note: str | None = None,
        two_person: bool = False,
        queue_check: bool = False,
        business: bool = False,
    ) -> ReviewProbePayload:
        ctx = info.context
        app, text = apps.start_review(
            ctx, scope, str(application_id), MEASURE, approve, note, NOTE_REQUIRED,
            business=BUSINESS if business else None,
            precondition=_queued if queue_check else None,
            two_person=apps.TwoPersonRule(SAME_PERSON, RULE_TWO_PERSON) if two_person else None,
        )  # fmt: skip
        if approve:
            apps.transition(
                scope.session, app, apps.AppStatus.APPROVED, now=ctx.now(),
                actor_account_id=ctx.actor.account_id, note=text,
            )  # fmt: skip
        return ReviewProbePayload(
            status=app.status, accepted_by=app.accepted_by, decided_by=app.decided_by
        )


@hookimpl
def register_measure() -> MeasureInfo:
    return MeasureInfo(MEASURE, "M99", "Review probe", "复核探针", "tests only")


@hookimpl
def register_query_types() -> list[type]:
    return [ReviewProbeQuery]


@hookimpl
def register_mutation_types() -> list[type]:
    return [ReviewProbeMutation]


@hookimpl
def register_permission_rules() -> list[PermissionRule]:
    return [PermissionRule.allow_roles(f"{MEASURE}.decide", Role.CLERK, Role.SUPERVISOR)]


@hookimpl
def register_workflows() -> list[Workflow]:
    return [
        apps.application_workflow(
            MEASURE, notices={"reject": f"{MEASURE}.rejected", "withdraw": f"{MEASURE}.withdrawn"}
        )
    ]


@hookimpl
def register_notice_templates() -> list[NoticeTemplate]:
    return [
        NoticeTemplate(f"{MEASURE}.rejected", MEASURE, "您的探针申请{application}未通过：{note}"),
        NoticeTemplate(f"{MEASURE}.withdrawn", MEASURE, "您已撤回探针申请{application}。"),
    ]


@hookimpl
def register_default_rollout() -> list[RolloutDefault]:
    return [RolloutDefault.nationwide(dt.date(2021, 6, 1))]
