"""GraphQL types and operations of M11 (names prefixed `InsuranceCheck` / `insuranceCheck`)."""

from __future__ import annotations

import datetime as dt

import strawberry

from core.api.types import VehicleCategoryEnum
from core.clock import to_china
from core.context import Context, WriteScope
from core.graphql.operations import Payload, mutation, operation_field
from core.graphql.pagination import Connection, paginate
from core.registries.vehicles import VehicleCategory

from . import rules, service
from .models import InsuranceCheckRow
from .rules import MEASURE

BusinessEnum = strawberry.enum(
    rules.Business,
    name="InsuranceCheckBusiness",
    description="机动车登记 (REGISTRATION) or 核发检验合格标志 (INSPECTION_MARK).",
)
OutcomeEnum = strawberry.enum(
    rules.Outcome,
    name="InsuranceCheckOutcome",
    description="FOUND, or why the check failed (recorded for the weekly report, 十一-三).",
)


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
class InsuranceCheckPayload(Payload):
    check: InsuranceCheck | None = None


@strawberry.type
class InsuranceCheckQuery:
    @operation_field(
        f"{MEASURE}.history",
        "A vehicle's online checks.",
        qualifier="registration city; audited",
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
    @mutation(
        f"{MEASURE}.run",
        "Check 交强险 online (not for motorcycles, low-speed trucks, tricycles); every failure is "
        "recorded for the weekly report.",
        qualifier="registration city; for a first registration, the clerk's city",
    )
    def insurance_check_run(
        self, info: strawberry.Info, input: InsuranceCheckRunInput, scope: WriteScope
    ) -> InsuranceCheckPayload:
        row, _verdict = service.run_check(
            info.context,
            scope,
            vin=input.vin,
            business=rules.Business(input.business),
            category=VehicleCategory(input.category) if input.category else None,
        )
        return InsuranceCheckPayload(check=InsuranceCheck.of(row))
