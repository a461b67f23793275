"""GraphQL types and operations of M17 (names prefixed `ReapplicationExam` / `reapplicationExam`)."""

from __future__ import annotations

import datetime as dt

import strawberry
from sqlmodel import select

from core.accounts import Person
from core.context import Context, WriteScope
from core.divisions import city as lookup_city
from core.graphql.pagination import Connection, paginate
from core.graphql.types import UserError
from core.permissions import requires

from . import rules, service
from .models import Registration
from .service import MEASURE


@strawberry.type(description="What a re-applicant must still take, with the rules that decided it.")
class ReapplicationExamPlan:
    registration_id: strawberry.ID
    case: int | None = strawberry.field(description="Case 1-4 of 2024-五-一; null: full exams")
    required: list[str]
    remaining: list[str]
    passed: list[str]
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
            passed=list(row.passed),
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
    subject: str = strawberry.field(
        description="SUBJECT1 | SUBJECT2 | SUBJECT3_ROAD | SUBJECT3_SAFETY"
    )
    passed: bool


@strawberry.type
class ReapplicationExamPayload:
    errors: list[UserError] = strawberry.field(default_factory=list)
    plan: ReapplicationExamPlan | None = None


@strawberry.type
class ReapplicationExamNotifyPayload:
    errors: list[UserError] = strawberry.field(default_factory=list)
    notified: int | None = None


@strawberry.type
class ReapplicationExamQuery:
    @strawberry.field(
        extensions=[requires("reapplication_exam.plan_read")],
        description="The subjects a registration still needs (2024-五-一/二). Roles: CITIZEN (own), CLERK / SUPERVISOR (own city; audited).",
    )
    def reapplication_exam_plan(
        self, info: strawberry.Info, registration_id: strawberry.ID
    ) -> ReapplicationExamPlan:
        ctx: Context = info.context
        row = service.load_registration(ctx, ctx.session, str(registration_id))
        ctx.require_in_force(MEASURE, row.city_code, field="registrationId")
        if ctx.actor.person_id != row.person_id:
            ctx.audit_read(
                "reapplication_exam.plan_read",
                row.person_id,
                f"Registration:{row.id}",
                {"purpose": "re-application exam plan"},
                measure=MEASURE,
            )
        return ReapplicationExamPlan.of(row, ctx.today())

    @strawberry.field(
        extensions=[requires("reapplication_exam.own_registrations")],
        description="Your registrations, newest first. Rollout: your domicile city. Roles: CITIZEN.",
    )
    def reapplication_exam_my_registrations(
        self, info: strawberry.Info, first: int = 20, after: str | None = None
    ) -> Connection[ReapplicationExamPlan]:
        ctx: Context = info.context
        person_id = ctx.require_person()
        person = ctx.session.get(Person, person_id)
        ctx.require_in_force(MEASURE, (person.domicile_city if person else None) or "")
        statement = (
            select(Registration)
            .where(Registration.person_id == person_id)
            .order_by(Registration.registered_on.desc(), Registration.id)  # type: ignore[attr-defined]
        )
        return paginate(
            ctx, statement, first, after, lambda r: ReapplicationExamPlan.of(r, ctx.today())
        )


@strawberry.type
class ReapplicationExamMutation:
    @strawberry.mutation(
        extensions=[requires("reapplication_exam.register")],
        description="Register to restore a licence cancelled after 3 years without renewal (2024-五-一). Roles: CITIZEN (own licence), CLERK (licence of own city).",
    )
    def reapplication_exam_register(
        self, info: strawberry.Info, input: ReapplicationExamRegisterInput
    ) -> ReapplicationExamPayload:
        ctx: Context = info.context

        def work(scope: WriteScope) -> ReapplicationExamPayload:
            row = service.register(ctx, scope.session, str(input.licence_id), input.classes)
            scope.subject(row.person_id, f"Registration:{row.id}")
            return ReapplicationExamPayload(plan=ReapplicationExamPlan.of(row, ctx.today()))

        return ctx.mutate("reapplication_exam.register", ReapplicationExamPayload, work)

    @strawberry.mutation(
        extensions=[requires("reapplication_exam.result_record")],
        description="Record an exam result; the licence is restored when nothing remains. Roles: CLERK (own city).",
    )
    def reapplication_exam_result_record(
        self, info: strawberry.Info, input: ReapplicationExamResultInput
    ) -> ReapplicationExamPayload:
        ctx: Context = info.context

        def work(scope: WriteScope) -> ReapplicationExamPayload:
            row = service.load_registration(ctx, scope.session, str(input.registration_id))
            scope.subject(row.person_id, f"Registration:{row.id}")
            service.record_result(ctx, scope.session, row, input.subject, input.passed)
            scope.subject(subject=input.subject, passed=input.passed, status=row.status)
            return ReapplicationExamPayload(plan=ReapplicationExamPlan.of(row, ctx.today()))

        return ctx.mutate("reapplication_exam.result_record", ReapplicationExamPayload, work)

    @strawberry.mutation(
        extensions=[requires("reapplication_exam.notify")],
        description="Tell applicants registered before 2024-07-01 what the new rules change for them (2024-五-三). Allowed before the effective date where the measure is scheduled. Roles: CLERK, SUPERVISOR (own city).",
    )
    def reapplication_exam_transition_notify(
        self, info: strawberry.Info, city: str
    ) -> ReapplicationExamNotifyPayload:
        ctx: Context = info.context

        def work(scope: WriteScope) -> ReapplicationExamNotifyPayload:
            code = lookup_city(city).code
            ctx.require_jurisdiction(code, field="city")
            # the notice announces the change, so it may go out before 2024-07-01: what must hold
            # is that the measure is in force in this city on its effective date
            ctx.require_in_force(MEASURE, code, day=max(ctx.today(), rules.EFFECTIVE))
            count = service.notify_transition(ctx, scope.session, code)
            scope.subject(ref=f"City:{code}", notified=count)
            return ReapplicationExamNotifyPayload(notified=count)

        return ctx.mutate("reapplication_exam.notify", ReapplicationExamNotifyPayload, work)
