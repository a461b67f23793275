"""GraphQL types and operations of M11 (names prefixed `InsuranceCheck` / `insuranceCheck`)."""

from __future__ import annotations

import datetime as dt

import strawberry

from core.api.types import VehicleCategoryEnum
from core.context import Context, WriteScope
from core.graphql.operations import Payload, mutation, operation_field
from core.graphql.pagination import Connection, paginate
from core.graphql.rows import from_row
from core.registries.vehicles import VehicleCategory

from . import followup, rules, service
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


CauseEnum = strawberry.enum(
    rules.FailureCause,
    name="InsuranceCheckFailureCause",
    description="Why a check failed, as the insurer or the office found it (十一-三).",
)
ResolutionEnum = strawberry.enum(
    rules.Resolution,
    name="InsuranceCheckResolution",
    description="A failed check's follow-up: OPEN until resolved (none for FOUND).",
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
    resolution: ResolutionEnum | None = strawberry.field(  # type: ignore[valid-type]
        description="A failure's follow-up (十一-三); null for FOUND."
    )
    cause: CauseEnum | None  # type: ignore[valid-type]
    correction: str | None = strawberry.field(
        description="What was corrected, or the office's note."
    )
    resolved_at: dt.datetime | None

    @classmethod
    def of(cls, row: InsuranceCheckRow) -> InsuranceCheck:
        outcome = rules.Outcome(row.outcome)
        return from_row(
            cls,
            row,
            china_times=True,
            city=row.city_code,
            paper_required=outcome is not rules.Outcome.FOUND,
            rule=service.rule_for(outcome),
            resolution=rules.Resolution(row.resolution_status) if row.resolution_status else None,
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
        f"{MEASURE}.failures",
        "Failed checks to follow up (十一-三): an insurer sees those its policies concern; "
        "office staff those of a city (`city`, default their own). Audited.",
        qualifier="insurers: their own; staff: a city in their jurisdiction",
    )
    def insurance_check_failures(
        self,
        info: strawberry.Info,
        status: ResolutionEnum | None = None,  # type: ignore[valid-type]
        city: str | None = None,
        first: int = 20,
        after: str | None = None,
    ) -> Connection[InsuranceCheck]:
        ctx: Context = info.context
        resolution = rules.Resolution(status) if status else None
        return paginate(
            ctx, followup.failures(ctx, resolution, city), first, after, InsuranceCheck.of
        )

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
        f"{MEASURE}.failure_resolve",
        "The insurer concerned records why a check failed and what it corrected; the failure is "
        "resolved and the clerk who ran the check is told (十一-三).",
        qualifier="the insurer the failed check's policy names",
    )
    def insurance_check_failure_resolve(
        self,
        info: strawberry.Info,
        check_id: strawberry.ID,
        cause: CauseEnum,  # type: ignore[valid-type]
        correction: str,
        scope: WriteScope,
    ) -> InsuranceCheckPayload:
        row = followup.insurer_resolve(
            info.context, scope, str(check_id), rules.FailureCause(cause), correction
        )
        return InsuranceCheckPayload(check=InsuranceCheck.of(row))

    @mutation(
        f"{MEASURE}.failure_close",
        "Office staff close a failed check with its cause and a note; the insurer concerned and "
        "the clerk who ran the check are told (十一-三).",
        qualifier="the check's city",
        way_out=True,
    )
    def insurance_check_failure_close(
        self,
        info: strawberry.Info,
        check_id: strawberry.ID,
        cause: CauseEnum,  # type: ignore[valid-type]
        note: str,
        scope: WriteScope,
    ) -> InsuranceCheckPayload:
        row = followup.office_close(
            info.context, scope, str(check_id), rules.FailureCause(cause), note
        )
        return InsuranceCheckPayload(check=InsuranceCheck.of(row))

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
