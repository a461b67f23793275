"""GraphQL types and operations of M17 (names prefixed `ReapplicationExam` / `reapplicationExam`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import strawberry

from core.context import Context, WriteScope
from core.divisions import city as lookup_city
from core.graphql.mine import audit_unless_mine, my_rows_newest_first, renamed_mine_list
from core.graphql.operations import Payload, mutation, operation_field
from core.graphql.pagination import Connection, paginate
from core.registries.licences import CancellationReason

from . import rules, service
from .models import Registration
from .rules import MEASURE

ReapplicationExamSubject = strawberry.enum(
    rules.Subject,
    name="ReapplicationExamSubject",
    description="科目一 (SUBJECT1), 科目二 (SUBJECT2), 科目三道路驾驶技能 (SUBJECT3_ROAD), "
    "科目三安全文明驾驶常识 (SUBJECT3_SAFETY).",
)


ReapplicationExamCancellationReason = strawberry.enum(
    CancellationReason,
    name="ReapplicationExamCancellationReason",
    description="Why a licence was cancelled (注销原因, 公安部令第162号 第七十九条): OVERDUE_RENEWAL "
    "超过有效期未换证, OVERDUE_REVIEW 未按规定审验, NO_HEALTH_CERTIFICATE 未提交身体条件证明, "
    "HOLDER_REQUEST 本人申请注销, DECEASED 死亡, UNFIT 身体条件不适合驾驶, PERMIT_WITHDRAWN 驾驶许可被撤销, "
    "PROBATION_POINTS 实习期内记满12分, OTHER.",
)


@strawberry.type(description="What a re-applicant must still take, with the rules that decided it.")
class ReapplicationExamPlan:
    registration_id: strawberry.ID
    case: int | None = strawberry.field(description="Case 1-4 of 2024-五-一; null: full exams")
    required: list[ReapplicationExamSubject]
    remaining: list[ReapplicationExamSubject]
    passed: list[ReapplicationExamSubject]
    restores: list[str] = strawberry.field(description="Classes restored when all are passed")
    registered_on: dt.date
    status: str
    rules: list[str]
    explanation: str

    @classmethod
    def of(cls, row: Registration, day: dt.date) -> ReapplicationExamPlan:
        p = service.plan_of(row, day)
        return cls(
            registration_id=strawberry.ID(row.id),
            case=p.case,
            required=list(p.required),
            remaining=list(p.remaining) if row.status == "OPEN" else [],
            passed=[rules.Subject(s) for s in row.passed],
            restores=list(p.restores),
            registered_on=row.registered_on,
            status=row.status,
            rules=list(p.rules),
            explanation=p.explanation,
        )


@strawberry.input
class ReapplicationExamRegisterInput:
    licence_id: strawberry.ID
    classes: str = strawberry.field(description="Classes to restore, e.g. 'C1' or 'C2 C6'")


@strawberry.input
class ReapplicationExamResultInput:
    registration_id: strawberry.ID
    subject: ReapplicationExamSubject
    passed: bool


@strawberry.type
class ReapplicationExamPayload(Payload):
    plan: ReapplicationExamPlan | None = None


@strawberry.type
class ReapplicationExamReasonPayload(Payload):
    licence_id: strawberry.ID | None = None
    reason: ReapplicationExamCancellationReason | None = None


@strawberry.type
class ReapplicationExamNotifyPayload(Payload):
    notified: int | None = None


def _registration_step(
    ctx: Context,
    scope: WriteScope,
    registration_id: strawberry.ID,
    step: Callable[[Registration], object],
) -> ReapplicationExamPayload:
    """Load the registration (`service.load_registration`: NOT_FOUND for another's, staff in
    their jurisdiction), name its applicant as the write's subject, take `step` on it and
    answer its plan."""
    row = service.load_registration(ctx, scope.session, str(registration_id))
    scope.subject(row.person_id, f"Registration:{row.id}")
    step(row)
    return ReapplicationExamPayload(plan=ReapplicationExamPlan.of(row, ctx.today()))


@strawberry.type
class ReapplicationExamQuery:
    @operation_field(
        f"{MEASURE}.plan_read",
        "The subjects a registration still needs (2024-五-一/二).",
        qualifier="citizen: own; staff: own city, audited",
        own_records=True,
    )
    def reapplication_exam_plan(
        self, info: strawberry.Info, registration_id: strawberry.ID
    ) -> ReapplicationExamPlan:
        ctx: Context = info.context
        row = service.load_registration(ctx, ctx.session, str(registration_id))
        ctx.require_in_force(MEASURE, row.city_code, field="registrationId")
        audit_unless_mine(
            ctx,
            f"{MEASURE}.plan_read",
            row.person_id,
            f"Registration:{row.id}",
            "re-application exam plan",
            MEASURE,
        )
        return ReapplicationExamPlan.of(row, ctx.today())

    @operation_field(
        f"{MEASURE}.own_registrations",
        "Your registrations, newest first. Rollout: your domicile city.",
        qualifier="own",
        own_records=True,
    )
    def my_reapplication_exam_registrations(
        self, info: strawberry.Info, first: int = 20, after: str | None = None
    ) -> Connection[ReapplicationExamPlan]:
        ctx: Context = info.context
        statement = my_rows_newest_first(ctx, MEASURE, Registration, Registration.registered_on)
        return paginate(
            ctx, statement, first, after, lambda r: ReapplicationExamPlan.of(r, ctx.today())
        )

    @operation_field(
        f"{MEASURE}.own_registrations",
        "Your registrations, newest first.",
        qualifier="own",
        deprecation_reason=renamed_mine_list("myReapplicationExamRegistrations"),
        own_records=True,
    )
    def reapplication_exam_my_registrations(
        self, info: strawberry.Info, first: int = 20, after: str | None = None
    ) -> Connection[ReapplicationExamPlan]:
        return ReapplicationExamQuery.my_reapplication_exam_registrations(self, info, first, after)  # type: ignore[operator]


@strawberry.type
class ReapplicationExamMutation:
    @mutation(
        f"{MEASURE}.register",
        "Register to restore a licence cancelled after 3 years without renewal (2024-五-一).",
        qualifier="citizen: own licence; clerk: licence of own city",
    )
    def reapplication_exam_register(
        self, info: strawberry.Info, input: ReapplicationExamRegisterInput, scope: WriteScope
    ) -> ReapplicationExamPayload:
        ctx: Context = info.context
        row = service.register(ctx, scope.session, str(input.licence_id), input.classes)
        scope.subject(row.person_id, f"Registration:{row.id}")
        return ReapplicationExamPayload(plan=ReapplicationExamPlan.of(row, ctx.today()))

    @mutation(
        f"{MEASURE}.cancellation_reason_record",
        "Record from the archive why a 注销 licence was cancelled, when the registry has no "
        "reason on file; the measure applies only to 逾期三年未换证 (2024-五-一).",
        qualifier="licence of own city",
    )
    def reapplication_exam_cancellation_reason_record(
        self,
        info: strawberry.Info,
        licence_id: strawberry.ID,
        reason: ReapplicationExamCancellationReason,
        scope: WriteScope,
    ) -> ReapplicationExamReasonPayload:
        ctx: Context = info.context
        licence = service.record_cancellation_reason(ctx, scope.session, str(licence_id), reason)
        scope.subject(licence.person_id, f"DrivingLicence:{licence.id}", reason=reason.value)
        return ReapplicationExamReasonPayload(
            licence_id=strawberry.ID(licence.id), reason=CancellationReason(reason)
        )

    @mutation(
        f"{MEASURE}.withdraw",
        "Withdraw your open registration (with an optional reason); you are told.",
        qualifier="own registration",
        way_out=True,
    )
    def reapplication_exam_registration_withdraw(
        self,
        info: strawberry.Info,
        registration_id: strawberry.ID,
        scope: WriteScope,
        reason: str | None = None,
    ) -> ReapplicationExamPayload:
        ctx: Context = info.context
        return _registration_step(
            ctx,
            scope,
            registration_id,
            lambda row: service.withdraw(ctx, scope.session, row, reason),
        )

    @mutation(
        f"{MEASURE}.close",
        "Close an open registration with the reason (registered in error, restored by another "
        "route); the applicant is told why.",
        qualifier="own city",
        way_out=True,
    )
    def reapplication_exam_registration_close(
        self, info: strawberry.Info, registration_id: strawberry.ID, reason: str, scope: WriteScope
    ) -> ReapplicationExamPayload:
        ctx: Context = info.context
        return _registration_step(
            ctx, scope, registration_id, lambda row: service.close(ctx, scope.session, row, reason)
        )

    @mutation(
        f"{MEASURE}.result_record",
        "Record an exam result; the licence is restored when nothing remains.",
        qualifier="own city",
    )
    def reapplication_exam_result_record(
        self, info: strawberry.Info, input: ReapplicationExamResultInput, scope: WriteScope
    ) -> ReapplicationExamPayload:
        ctx: Context = info.context

        def record(row: Registration) -> None:
            service.record_result(ctx, scope.session, row, input.subject, input.passed)
            scope.subject(subject=input.subject, passed=input.passed, status=row.status)

        return _registration_step(ctx, scope, input.registration_id, record)

    @mutation(
        f"{MEASURE}.notify",
        "Tell applicants registered before 2024-07-01 what the new rules change for them "
        "(2024-五-三). Allowed before the effective date where the measure is scheduled.",
        qualifier="own city",
    )
    def reapplication_exam_transition_notify(
        self, info: strawberry.Info, city: str, scope: WriteScope
    ) -> ReapplicationExamNotifyPayload:
        ctx: Context = info.context
        code = lookup_city(city).code
        ctx.require_jurisdiction(code, field="city")
        # the notice announces the change, so it may go out before 2024-07-01: what must hold
        # is that the measure is in force in this city on its effective date
        ctx.require_in_force(MEASURE, code, day=max(ctx.today(), rules.EFFECTIVE))
        count = service.notify_transition(ctx, scope.session, code)
        scope.subject(ref=f"City:{code}", notified=count)
        return ReapplicationExamNotifyPayload(notified=count)
