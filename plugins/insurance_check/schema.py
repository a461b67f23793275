"""GraphQL types and operations of M11 (names prefixed `InsuranceCheck` / `insuranceCheck`)."""

from __future__ import annotations

import datetime as dt

import strawberry

from core.api.types import VehicleCategoryEnum
from core.clock import to_china
from core.context import Context, WriteScope
from core.graphql.pagination import Connection, paginate
from core.graphql.types import UserError
from core.permissions import requires
from core.registries.vehicles import VehicleCategory
from plugins.insurance_check import rules, service
from plugins.insurance_check.models import InsuranceCheckRow

BusinessEnum = strawberry.enum(rules.Business, name="InsuranceCheckBusiness")
OutcomeEnum = strawberry.enum(rules.Outcome, name="InsuranceCheckOutcome")


@strawberry.type(description="One online 交强险 check and what it means for the applicant.")
class InsuranceCheck:
    id: strawberry.ID
    vin: str
    city: str
    business: BusinessEnum  # type: ignore[valid-type]
    outcome: OutcomeEnum  # type: ignore[valid-type]
    paper_required: bool = strawberry.field(
        description="False when found: no paper 交强险 / 车船税 certificate (十一-一)"
    )
    insurer_name: str | None
    policy_number: str | None
    valid_until: dt.date | None
    checked_at: dt.datetime
    rule: str

    @classmethod
    def of(cls, row: InsuranceCheckRow) -> InsuranceCheck:
        outcome = rules.Outcome(row.outcome)
        return cls(
            id=strawberry.ID(row.id),
            vin=row.vin,
            city=row.city_code,
            business=rules.Business(row.business),
            outcome=outcome,
            paper_required=outcome is not rules.Outcome.FOUND,
            insurer_name=row.insurer_name,
            policy_number=row.policy_number,
            valid_until=row.valid_until,
            checked_at=to_china(row.checked_at),
            rule=service.rule_for(outcome),
        )


@strawberry.input(description="A check for a registration or an inspection-mark issuance.")
class InsuranceCheckRunInput:
    vin: str
    business: BusinessEnum  # type: ignore[valid-type]
    category: VehicleCategoryEnum | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Only for a vehicle not registered yet"
    )


@strawberry.type
class InsuranceCheckPayload:
    errors: list[UserError] = strawberry.field(default_factory=list)
    check: InsuranceCheck | None = None


@strawberry.type
class InsuranceCheckQuery:
    @strawberry.field(
        extensions=[requires("insurance_check.history")],
        description="A vehicle's online checks. Roles: CLERK, SUPERVISOR (registration city; "
        "audited).",
    )
    def insurance_checks(
        self,
        info: strawberry.Info,
        vehicle_id: strawberry.ID,
        first: int = 20,
        after: str | None = None,
    ) -> Connection[InsuranceCheck]:
        ctx: Context = info.context
        return paginate(ctx, service.history(ctx, str(vehicle_id)), first, after, InsuranceCheck.of)


@strawberry.type
class InsuranceCheckMutation:
    @strawberry.mutation(
        extensions=[requires("insurance_check.run")],
        description="Check 交强险 online (not for motorcycles, low-speed trucks, tricycles); every "
        "failure is recorded for the weekly report. Roles: CLERK (registration city; for a first "
        "registration, the clerk's city).",
    )
    def insurance_check_run(
        self, info: strawberry.Info, input: InsuranceCheckRunInput
    ) -> InsuranceCheckPayload:
        ctx: Context = info.context

        def work(scope: WriteScope) -> InsuranceCheckPayload:
            row, _verdict = service.run_check(
                ctx,
                scope,
                vin=input.vin,
                business=rules.Business(input.business),
                category=VehicleCategory(input.category) if input.category else None,
            )
            return InsuranceCheckPayload(check=InsuranceCheck.of(row))

        return ctx.mutate("insurance_check.run", InsuranceCheckPayload, work)
