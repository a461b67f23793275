"""Query and Mutation fields of M04; each gated by a `truck_pass.*` permission action."""

from __future__ import annotations

import datetime as dt

import strawberry

from core.context import Context
from core.graphql.pagination import Connection
from core.permissions import requires
from plugins.truck_pass import applications, blacklist, policies, verify
from plugins.truck_pass.types import (
    TruckPassApplication,
    TruckPassApplicationPayload,
    TruckPassBlacklistEntry,
    TruckPassBlacklistPayload,
    TruckPassCode,
    TruckPassConditions,
    TruckPassConditionsInput,
    TruckPassConditionsPayload,
    TruckPassPolicy,
    TruckPassPolicyInput,
    TruckPassPolicyPayload,
    TruckPassVerification,
)


@strawberry.type
class TruckPassQuery:
    @strawberry.field(
        extensions=[requires("truck_pass.public_read")],
        description="A city's truck restrictions (roads/areas, windows). Public: every role.",
    )
    def truck_pass_policies(
        self,
        info: strawberry.Info,
        city: str,
        include_withdrawn: bool = False,
        first: int = 20,
        after: str | None = None,
    ) -> Connection[TruckPassPolicy]:
        return policies.list_policies(info.context, city, include_withdrawn, first, after)

    @strawberry.field(
        extensions=[requires("truck_pass.public_read")],
        description="A city's published 申领条件、申领方式、核发时限、使用规则 (null if not yet "
        "published). Public: every role.",
    )
    def truck_pass_conditions(self, info: strawberry.Info, city: str) -> TruckPassConditions | None:
        return policies.get_conditions(info.context, city)

    @strawberry.field(
        extensions=[requires("truck_pass.own_read")],
        description="Your pass codes in a city, with their QR. Roles: CITIZEN (own).",
    )
    def truck_pass_my_codes(
        self, info: strawberry.Info, city: str, first: int = 20, after: str | None = None
    ) -> Connection[TruckPassCode]:
        return applications.my_codes(info.context, city, first, after)

    @strawberry.field(
        extensions=[requires("truck_pass.own_read")],
        description="Your pass-code applications in a city. Roles: CITIZEN (own).",
    )
    def truck_pass_my_applications(
        self, info: strawberry.Info, city: str, first: int = 20, after: str | None = None
    ) -> Connection[TruckPassApplication]:
        return applications.my_applications(info.context, city, first, after)

    @strawberry.field(
        extensions=[requires("truck_pass.overdue_read")],
        description="Pending applications past the published time limit. Roles: CLERK, "
        "SUPERVISOR (own city).",
    )
    def truck_pass_overdue_applications(
        self, info: strawberry.Info, city: str, first: int = 20, after: str | None = None
    ) -> Connection[TruckPassApplication]:
        return applications.overdue(info.context, city, first, after)

    @strawberry.field(
        extensions=[requires("truck_pass.verify")],
        description="Verify a pass-code QR (signature and live status). Roles: ROAD_OFFICER "
        "(codes of own city).",
    )
    def truck_pass_verify(self, info: strawberry.Info, qr: str) -> TruckPassVerification:
        return verify.verify(info.context, qr)

    @strawberry.field(
        extensions=[requires("truck_pass.blacklist_read")],
        description="The city's blacklist. Roles: CLERK, SUPERVISOR (own city).",
    )
    def truck_pass_blacklist(
        self,
        info: strawberry.Info,
        city: str,
        include_lifted: bool = False,
        first: int = 20,
        after: str | None = None,
    ) -> Connection[TruckPassBlacklistEntry]:
        return blacklist.entries(info.context, city, include_lifted, first, after)


@strawberry.type
class TruckPassMutation:
    @strawberry.mutation(
        extensions=[requires("truck_pass.policy_write")],
        description="Record a restriction policy (checked against 2021-四-一). Roles: SUPERVISOR "
        "(own city).",
    )
    def truck_pass_policy_create(
        self, info: strawberry.Info, input: TruckPassPolicyInput
    ) -> TruckPassPolicyPayload:
        return policies.create_policy(info.context, input)

    @strawberry.mutation(
        extensions=[requires("truck_pass.policy_write")],
        description="Withdraw a restriction policy (kept, status WITHDRAWN). Roles: SUPERVISOR "
        "(own city).",
    )
    def truck_pass_policy_withdraw(
        self, info: strawberry.Info, policy_id: strawberry.ID
    ) -> TruckPassPolicyPayload:
        return policies.withdraw_policy(info.context, str(policy_id))

    @strawberry.mutation(
        extensions=[requires("truck_pass.conditions_publish")],
        description="Publish the city's conditions, method, time limit and usage rules. Roles: "
        "SUPERVISOR (own city).",
    )
    def truck_pass_conditions_publish(
        self, info: strawberry.Info, input: TruckPassConditionsInput
    ) -> TruckPassConditionsPayload:
        return policies.publish_conditions(info.context, input)

    @strawberry.mutation(
        extensions=[requires("truck_pass.apply")],
        description="Apply for an e-pass code for a truck you own, manage (unit legal person / "
        "admin) or drive (filed driver). Roles: CITIZEN.",
    )
    def truck_pass_application_create(
        self,
        info: strawberry.Info,
        vehicle_id: strawberry.ID,
        policy_id: strawberry.ID,
        valid_from: dt.date,
        days: int,
    ) -> TruckPassApplicationPayload:
        ctx: Context = info.context
        return applications.apply(ctx, str(vehicle_id), str(policy_id), valid_from, days)

    @strawberry.mutation(
        extensions=[requires("truck_pass.decide")],
        description="Approve an application and issue the code. Roles: CLERK (own city).",
    )
    def truck_pass_application_approve(
        self, info: strawberry.Info, application_id: strawberry.ID
    ) -> TruckPassApplicationPayload:
        return applications.approve(info.context, str(application_id))

    @strawberry.mutation(
        extensions=[requires("truck_pass.decide")],
        description="Reject an application with a reason. Roles: CLERK (own city).",
    )
    def truck_pass_application_reject(
        self, info: strawberry.Info, application_id: strawberry.ID, reason: str
    ) -> TruckPassApplicationPayload:
        return applications.reject(info.context, str(application_id), reason)

    @strawberry.mutation(
        extensions=[requires("truck_pass.blacklist_write")],
        description="Put a unit or vehicle on the blacklist with a correction deadline. Roles: "
        "SUPERVISOR (own city).",
    )
    def truck_pass_blacklist_add(
        self,
        info: strawberry.Info,
        city: str,
        accidents: int,
        reason: str,
        correction_days: int,
        vehicle_id: strawberry.ID | None = None,
        unit_id: strawberry.ID | None = None,
    ) -> TruckPassBlacklistPayload:
        return blacklist.add(
            info.context,
            city,
            str(vehicle_id) if vehicle_id is not None else None,
            str(unit_id) if unit_id is not None else None,
            accidents,
            reason,
            correction_days,
        )

    @strawberry.mutation(
        extensions=[requires("truck_pass.blacklist_write")],
        description="Lift a blacklist entry once corrected. Roles: SUPERVISOR (own city).",
    )
    def truck_pass_blacklist_lift(
        self, info: strawberry.Info, entry_id: strawberry.ID, note: str
    ) -> TruckPassBlacklistPayload:
        return blacklist.lift(info.context, str(entry_id), note)
