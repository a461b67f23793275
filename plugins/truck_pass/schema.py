"""Query and Mutation fields of M04; each gated by a `truck_pass.*` permission action."""

from __future__ import annotations

import datetime as dt

import strawberry

from core.context import WriteScope
from core.graphql.mine import renamed_mine_list
from core.graphql.operations import mutation, operation_field
from core.graphql.pagination import Connection

from . import appeals, applications, blacklist, policies, verify
from .rules import MEASURE
from .types import (
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

OWN_CITY = "own city"


@strawberry.type
class TruckPassQuery:
    @operation_field(
        f"{MEASURE}.public_read", "A city's truck restrictions (roads/areas, windows)."
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

    @operation_field(
        f"{MEASURE}.public_read",
        "A city's published 申领条件、申领方式、核发时限、使用规则 (null if not yet published).",
    )
    def truck_pass_conditions(self, info: strawberry.Info, city: str) -> TruckPassConditions | None:
        return policies.get_conditions(info.context, city)

    @operation_field(
        f"{MEASURE}.own_read",
        "My pass codes in a city, with their QR.",
        qualifier="own",
        own_records=True,
    )
    def my_truck_pass_codes(
        self, info: strawberry.Info, city: str, first: int = 20, after: str | None = None
    ) -> Connection[TruckPassCode]:
        return applications.my_codes(info.context, city, first, after)

    @operation_field(
        f"{MEASURE}.own_read",
        "Your pass codes in a city, with their QR.",
        qualifier="own",
        deprecation_reason=renamed_mine_list("myTruckPassCodes"),
        own_records=True,
    )
    def truck_pass_my_codes(
        self, info: strawberry.Info, city: str, first: int = 20, after: str | None = None
    ) -> Connection[TruckPassCode]:
        return applications.my_codes(info.context, city, first, after)

    @operation_field(
        f"{MEASURE}.own_read",
        "My pass-code applications in a city.",
        qualifier="own",
        own_records=True,
    )
    def my_truck_pass_applications(
        self, info: strawberry.Info, city: str, first: int = 20, after: str | None = None
    ) -> Connection[TruckPassApplication]:
        return applications.my_applications(info.context, city, first, after)

    @operation_field(
        f"{MEASURE}.own_read",
        "Your pass-code applications in a city.",
        qualifier="own",
        deprecation_reason=renamed_mine_list("myTruckPassApplications"),
        own_records=True,
    )
    def truck_pass_my_applications(
        self, info: strawberry.Info, city: str, first: int = 20, after: str | None = None
    ) -> Connection[TruckPassApplication]:
        return applications.my_applications(info.context, city, first, after)

    @operation_field(
        f"{MEASURE}.overdue_read",
        "Pending applications past the published time limit.",
        qualifier=OWN_CITY,
    )
    def truck_pass_overdue_applications(
        self, info: strawberry.Info, city: str, first: int = 20, after: str | None = None
    ) -> Connection[TruckPassApplication]:
        return applications.overdue(info.context, city, first, after)

    @operation_field(
        f"{MEASURE}.verify",
        "Verify a pass-code QR (signature and live status).",
        qualifier="codes of own city; audited",
    )
    def truck_pass_verify(self, info: strawberry.Info, qr: str) -> TruckPassVerification:
        return verify.verify(info.context, qr)

    @operation_field(f"{MEASURE}.blacklist_read", "The city's blacklist.", qualifier=OWN_CITY)
    def truck_pass_blacklist(
        self,
        info: strawberry.Info,
        city: str,
        include_lifted: bool = False,
        first: int = 20,
        after: str | None = None,
    ) -> Connection[TruckPassBlacklistEntry]:
        return blacklist.entries(info.context, city, include_lifted, first, after)

    @operation_field(
        f"{MEASURE}.own_read",
        "My firm's blacklist listings in a city (as the vehicle's owner, or a unit's legal "
        "person / admin), lifted ones included.",
        qualifier="own",
        own_records=True,
    )
    def my_truck_pass_blacklist(
        self, info: strawberry.Info, city: str, first: int = 20, after: str | None = None
    ) -> Connection[TruckPassBlacklistEntry]:
        return appeals.my_entries(info.context, city, first, after)


@strawberry.type
class TruckPassMutation:
    @mutation(
        f"{MEASURE}.policy_write",
        "Record a restriction policy (checked against 2021-四-一).",
        qualifier=OWN_CITY,
    )
    def truck_pass_policy_create(
        self, info: strawberry.Info, input: TruckPassPolicyInput, scope: WriteScope
    ) -> TruckPassPolicyPayload:
        return policies.create_policy(info.context, scope, input)

    @mutation(
        f"{MEASURE}.policy_write",
        "Withdraw a restriction policy (kept, status WITHDRAWN).",
        qualifier=OWN_CITY,
        way_out=True,
    )
    def truck_pass_policy_withdraw(
        self, info: strawberry.Info, policy_id: strawberry.ID, scope: WriteScope
    ) -> TruckPassPolicyPayload:
        return policies.withdraw_policy(info.context, scope, str(policy_id))

    @mutation(
        f"{MEASURE}.conditions_publish",
        "Publish the city's conditions, method, time limit and usage rules.",
        qualifier=OWN_CITY,
    )
    def truck_pass_conditions_publish(
        self, info: strawberry.Info, input: TruckPassConditionsInput, scope: WriteScope
    ) -> TruckPassConditionsPayload:
        return policies.publish_conditions(info.context, scope, input)

    @mutation(
        f"{MEASURE}.apply",
        "Apply for an e-pass code for a truck you own, manage (unit legal person / admin) or "
        "drive (filed driver).",
    )
    def truck_pass_application_create(
        self,
        info: strawberry.Info,
        vehicle_id: strawberry.ID,
        policy_id: strawberry.ID,
        valid_from: dt.date,
        days: int,
        scope: WriteScope,
    ) -> TruckPassApplicationPayload:
        return applications.apply(
            info.context, scope, str(vehicle_id), str(policy_id), valid_from, days
        )

    @mutation(f"{MEASURE}.decide", "Approve an application and issue the code.", qualifier=OWN_CITY)
    def truck_pass_application_approve(
        self, info: strawberry.Info, application_id: strawberry.ID, scope: WriteScope
    ) -> TruckPassApplicationPayload:
        return applications.approve(info.context, scope, str(application_id))

    @mutation(
        f"{MEASURE}.decide",
        "Reject an application with a reason.",
        qualifier=OWN_CITY,
        way_out=True,
    )
    def truck_pass_application_reject(
        self, info: strawberry.Info, application_id: strawberry.ID, reason: str, scope: WriteScope
    ) -> TruckPassApplicationPayload:
        return applications.reject(info.context, scope, str(application_id), reason)

    @mutation(
        f"{MEASURE}.blacklist_write",
        "Put a unit or vehicle on the blacklist with a correction deadline.",
        qualifier=OWN_CITY,
    )
    def truck_pass_blacklist_add(
        self,
        info: strawberry.Info,
        city: str,
        accidents: int,
        reason: str,
        correction_days: int,
        scope: WriteScope,
        vehicle_id: strawberry.ID | None = None,
        unit_id: strawberry.ID | None = None,
    ) -> TruckPassBlacklistPayload:
        return blacklist.add(
            info.context,
            scope,
            city,
            str(vehicle_id) if vehicle_id is not None else None,
            str(unit_id) if unit_id is not None else None,
            accidents,
            reason,
            correction_days,
        )

    @mutation(
        f"{MEASURE}.blacklist_write",
        "Lift a blacklist entry once corrected.",
        qualifier=OWN_CITY,
        way_out=True,
    )
    def truck_pass_blacklist_lift(
        self, info: strawberry.Info, entry_id: strawberry.ID, note: str, scope: WriteScope
    ) -> TruckPassBlacklistPayload:
        return blacklist.lift(info.context, scope, str(entry_id), note)

    @mutation(
        f"{MEASURE}.blacklist_appeal",
        "Appeal your firm's listing once, with reasons (still listed until decided).",
        qualifier="the listed firm: the vehicle's owner, or the unit's legal person / admin",
    )
    def truck_pass_blacklist_appeal(
        self, info: strawberry.Info, entry_id: strawberry.ID, reason: str, scope: WriteScope
    ) -> TruckPassBlacklistPayload:
        return appeals.appeal(info.context, scope, str(entry_id), reason)

    @mutation(
        f"{MEASURE}.blacklist_write",
        "Decide an appeal with a reason: uphold (still listed) or overturn (off the list, codes "
        "restored).",
        qualifier=OWN_CITY,
        way_out=True,
    )
    def truck_pass_blacklist_appeal_decide(
        self,
        info: strawberry.Info,
        entry_id: strawberry.ID,
        uphold: bool,
        note: str,
        scope: WriteScope,
    ) -> TruckPassBlacklistPayload:
        return appeals.decide(info.context, scope, str(entry_id), uphold, note)
