"""GraphQL types, inputs and payloads of M04 (all prefixed `TruckPass`)."""

from __future__ import annotations

import datetime as dt

import strawberry

from core.api.types import VehicleCategoryEnum, VehicleUseEnum
from core.applications_types import ApplicationStatus
from core.graphql.operations import Payload
from core.graphql.rows import from_row

from . import rules
from .models import TruckPassBlacklistEntry as BlacklistRow
from .models import TruckPassCode as CodeRow
from .models import TruckPassConditions as ConditionsRow
from .models import TruckPassPolicy as PolicyRow
from .models import TruckPassRequest as RequestRow
from .rules import DAY_MINUTES

TruckPassScope = strawberry.enum(
    rules.PolicyScope, name="TruckPassScope", description="What a restriction covers."
)
TruckPassApplicantKind = strawberry.enum(
    rules.ApplicantKind,
    name="TruckPassApplicantKind",
    description="The applicant's relation to the truck: OWNER, UNIT (legal person / admin of the "
    "owning unit) or DRIVER (an active filed driver).",
)
TruckPassBlacklistStatus = strawberry.enum(
    rules.BlacklistStatus,
    name="TruckPassBlacklistStatus",
    description="LISTED, APPEALED (still listed until decided), LIFTED (corrected, off the list), "
    "OVERTURNED (appeal upheld for the firm: off the list, codes restored).",
)
TruckPassPolicyStatus = strawberry.enum(
    rules.PolicyStatus,
    name="TruckPassPolicyStatus",
    description="ACTIVE (in the register), or WITHDRAWN (kept, no longer in force).",
)
TruckPassCodeStatus = strawberry.enum(
    rules.CodeStatus, name="TruckPassCodeStatus", description="ACTIVE, or REVOKED."
)
TruckPassRevokeReason = strawberry.enum(
    rules.RevokeReason,
    name="TruckPassRevokeReason",
    description="BLACKLIST: revoked by a listing (fewer codes, 2021-四-三).",
)
TruckPassVerificationReason = strawberry.enum(
    rules.VerificationReason,
    name="TruckPassVerificationReason",
    description="Why a scanned pass code is (not) valid: the signature, then the live record.",
)


@strawberry.type(description="A city's truck restriction on a road or area (货车禁限行).")
class TruckPassPolicy:
    id: strawberry.ID
    city: str
    name: str
    scope: TruckPassScope
    core_area: bool = strawberry.field(description="城市核心区等特殊区域")
    vehicle_categories: list[VehicleCategoryEnum]  # type: ignore[valid-type]
    vehicle_uses: list[VehicleUseEnum] = strawberry.field(  # type: ignore[valid-type]
        description="Uses affected; empty = every use."
    )
    restricted_windows: list[str] = strawberry.field(description="Daily windows, Beijing time.")
    open_minutes_per_day: int = strawberry.field(
        description="Minutes a day this policy alone leaves open (the union with the city's other "
        "policies in force is checked when a policy is recorded)."
    )
    valid_from: dt.date = strawberry.field(description="First day in force.")
    valid_until: dt.date | None = strawberry.field(description="Last day in force; null = open.")
    status: TruckPassPolicyStatus

    @classmethod
    def of(cls, row: PolicyRow) -> TruckPassPolicy:
        return from_row(
            cls,
            row,
            city=row.city_code,
            restricted_windows=list(row.windows),
            open_minutes_per_day=DAY_MINUTES - row.restricted_minutes,
        )


@strawberry.type(description="What a city publishes: 申领条件、申领方式、核发时限、使用规则.")
class TruckPassConditions:
    city: str
    conditions: str
    method: str
    time_limit_workdays: int = strawberry.field(description="核发时限, in working days")
    usage_rules: str
    max_codes_per_owner: int
    validity_days: int
    blacklist_max_codes: int
    blacklist_validity_days: int
    published_at: dt.datetime

    @classmethod
    def of(cls, row: ConditionsRow) -> TruckPassConditions:
        return from_row(cls, row, city=row.city_code)


@strawberry.type(description="An issued electronic truck pass code (电子通行码).")
class TruckPassCode:
    id: strawberry.ID
    city: str
    plate: str | None
    policy_id: strawberry.ID
    valid_from: dt.date
    valid_until: dt.date
    status: TruckPassCodeStatus
    blacklisted: bool = strawberry.field(description="Issued under the blacklist limits")
    qr: str = strawberry.field(description="Signed QR text (TP1:), verifiable offline")
    original_valid_until: dt.date | None = strawberry.field(
        default=None, description="The last day before a blacklist listing shortened the code."
    )
    revoked_on: dt.date | None = None
    revoke_reason: TruckPassRevokeReason | None = None

    @classmethod
    def of(cls, row: CodeRow, qr: str) -> TruckPassCode:
        return from_row(cls, row, city=row.city_code, qr=qr)


@strawberry.type(description="A pass-code application and its time limit (核发时限).")
class TruckPassApplication:
    id: strawberry.ID
    city: str
    status: ApplicationStatus  # type: ignore[valid-type]
    vehicle_id: strawberry.ID
    policy_id: strawberry.ID
    applicant_kind: TruckPassApplicantKind
    requested_from: dt.date
    requested_days: int
    submitted_on: dt.date
    due_date: dt.date
    overdue: bool
    decision_note: str | None = None

    @classmethod
    def of(
        cls, row: RequestRow, status: str, overdue: bool, note: str | None = None
    ) -> TruckPassApplication:
        return from_row(
            cls,
            row,
            id=row.application_id,
            city=row.city_code,
            status=status,
            overdue=overdue,
            decision_note=note,
        )


@strawberry.type(description="A road officer's check of a pass code: signature and live status.")
class TruckPassVerification:
    valid: bool
    reason: TruckPassVerificationReason
    plate: str | None = None
    city: str | None = None
    policy_name: str | None = None
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None


@strawberry.type(description="A unit or vehicle on a city's blacklist (黑名单).")
class TruckPassBlacklistEntry:
    id: strawberry.ID
    city: str
    vehicle_id: strawberry.ID | None
    unit_id: strawberry.ID | None
    violations: int
    accidents: int
    reason: str
    listed_on: dt.date
    correct_by: dt.date = strawberry.field(description="责令限期整改: the correction deadline")
    correction_overdue: bool
    lifted_on: dt.date | None = strawberry.field(description="Off the list (lifted or overturned).")
    status: TruckPassBlacklistStatus
    codes_revoked: int = strawberry.field(description="Codes held when listed, revoked by it.")
    codes_shortened: int = strawberry.field(description="Codes held when listed, shortened by it.")
    appeal_reason: str | None
    appealed_on: dt.date | None
    appeal_note: str | None = strawberry.field(description="The supervisor's decision on it.")
    appeal_decided_on: dt.date | None
    lift_note: str | None

    @classmethod
    def of(cls, row: BlacklistRow, today: dt.date) -> TruckPassBlacklistEntry:
        overdue = row.lifted_on is None and today > row.correct_by
        return from_row(cls, row, city=row.city_code, correction_overdue=overdue)


@strawberry.input(description="A restriction policy for one road or area.")
class TruckPassPolicyInput:
    city: str
    name: str
    scope: TruckPassScope
    core_area: bool
    vehicle_categories: list[VehicleCategoryEnum]  # type: ignore[valid-type]
    restricted_windows: list[str]
    vehicle_uses: list[VehicleUseEnum] = strawberry.field(default_factory=list)  # type: ignore[valid-type]
    valid_from: dt.date | None = strawberry.field(
        default=None, description="First day in force; default today."
    )
    valid_until: dt.date | None = strawberry.field(
        default=None, description="Last day in force; default open-ended (until withdrawn)."
    )


@strawberry.input(description="What a city publishes about its pass codes.")
class TruckPassConditionsInput:
    city: str
    conditions: str
    method: str
    time_limit_workdays: int
    usage_rules: str
    max_codes_per_owner: int
    validity_days: int
    blacklist_max_codes: int
    blacklist_validity_days: int


@strawberry.type
class TruckPassPolicyPayload(Payload):
    policy: TruckPassPolicy | None = None


@strawberry.type
class TruckPassConditionsPayload(Payload):
    conditions: TruckPassConditions | None = None


@strawberry.type
class TruckPassApplicationPayload(Payload):
    application: TruckPassApplication | None = None
    code: TruckPassCode | None = None


@strawberry.type
class TruckPassBlacklistPayload(Payload):
    entry: TruckPassBlacklistEntry | None = None
