"""Restriction policies and published conditions of a city (2021-四-一, 四-二)."""

from __future__ import annotations

from sqlmodel import select

from core.context import Context, WriteScope
from core.db import stamp
from core.divisions import city as lookup_city
from core.errors import NotFound, RuleError
from core.graphql.pagination import Connection, paginate
from core.validation import require_range, require_text

from . import rules
from .errors import TruckPassErrorCode
from .models import TruckPassConditions as ConditionsRow
from .models import TruckPassPolicy as PolicyRow
from .rules import MEASURE
from .types import (
    TruckPassConditions,
    TruckPassConditionsInput,
    TruckPassConditionsPayload,
    TruckPassPolicy,
    TruckPassPolicyInput,
    TruckPassPolicyPayload,
)


def gate_city(ctx: Context, city_code: str, field: str = "city") -> str:
    """A known city where the measure is in force today (UNKNOWN_CITY / FEATURE_NOT_ENABLED)."""
    code = lookup_city(require_text(field, city_code, 6), field).code
    ctx.require_in_force(MEASURE, code, field=field)
    return code


def gate_register_city(ctx: Context, city_code: str, field: str = "city") -> str:
    """A known city, for the restriction register: open in every city from 2021-06-01 (四-一),
    not tied to the pass-code rollout (UNKNOWN_CITY / FEATURE_NOT_ENABLED before that day)."""
    code = lookup_city(require_text(field, city_code, 6), field).code
    rules.check_register_open(code, ctx.today(), field)
    return code


def gate_register_staff_city(ctx: Context, city_code: str, field: str = "city") -> str:
    """As gate_register_city, and the staff caller's jurisdiction must cover the city."""
    code = gate_register_city(ctx, city_code, field)
    ctx.require_jurisdiction(code, field=field)
    return code


def gate_staff_city(ctx: Context, city_code: str, field: str = "city") -> str:
    """As gate_city, and the staff caller's jurisdiction must cover the city."""
    code = gate_city(ctx, city_code, field)
    ctx.require_jurisdiction(code, field=field)
    return code


def create_policy(
    ctx: Context, scope: WriteScope, data: TruckPassPolicyInput
) -> TruckPassPolicyPayload:
    city = gate_register_staff_city(ctx, data.city)
    name = require_text("name", data.name, 100)
    windows = [w.strip() for w in data.restricted_windows]
    minutes = rules.check_policy(
        data.scope.value, data.core_area, data.vehicle_categories, data.vehicle_uses, windows
    )
    row = PolicyRow(
        city_code=city,
        name=name,
        scope=data.scope.value,
        core_area=data.core_area,
        vehicle_categories=sorted({c.value for c in data.vehicle_categories}),
        vehicle_uses=sorted({u.value for u in data.vehicle_uses}),
        windows=windows,
        restricted_minutes=minutes,
        created_by=ctx.actor.account_id,
        created_at=stamp(ctx.now()),
    )
    scope.session.add(row)
    scope.session.flush()
    scope.subject(ref=f"TruckPassPolicy:{row.id}", city=city)
    return TruckPassPolicyPayload(policy=TruckPassPolicy.of(row))


def withdraw_policy(ctx: Context, scope: WriteScope, policy_id: str) -> TruckPassPolicyPayload:
    row = scope.session.get(PolicyRow, require_text("policyId", policy_id, 16))
    if row is None:
        raise NotFound("TruckPassPolicy", "policyId")
    gate_register_staff_city(ctx, row.city_code, "policyId")
    if row.status != "ACTIVE":
        raise RuleError(
            TruckPassErrorCode.POLICY_WITHDRAWN,
            "The policy is already withdrawn.",
            field="policyId",
        )
    row.status = "WITHDRAWN"
    row.withdrawn_at = stamp(ctx.now())
    scope.session.add(row)
    scope.subject(ref=f"TruckPassPolicy:{row.id}", city=row.city_code)
    return TruckPassPolicyPayload(policy=TruckPassPolicy.of(row))


def list_policies(
    ctx: Context, city_code: str, include_withdrawn: bool, first: int, after: str | None
) -> Connection[TruckPassPolicy]:
    city = gate_register_city(ctx, city_code)
    stmt = select(PolicyRow).where(PolicyRow.city_code == city)
    if not include_withdrawn:
        stmt = stmt.where(PolicyRow.status == "ACTIVE")
    return paginate(
        ctx, stmt.order_by(PolicyRow.name, PolicyRow.id), first, after, TruckPassPolicy.of
    )


def publish_conditions(
    ctx: Context, scope: WriteScope, data: TruckPassConditionsInput
) -> TruckPassConditionsPayload:
    city = gate_staff_city(ctx, data.city)
    values = {
        "conditions": require_text("conditions", data.conditions, 1000, multiline=True),
        "method": require_text("method", data.method, 500, multiline=True),
        "usage_rules": require_text("usageRules", data.usage_rules, 1000, multiline=True),
        "time_limit_workdays": require_range("timeLimitWorkdays", data.time_limit_workdays, 1, 20),
        "max_codes_per_owner": require_range("maxCodesPerOwner", data.max_codes_per_owner, 1, 100),
        "validity_days": require_range("validityDays", data.validity_days, 1, 366),
        "blacklist_max_codes": require_range("blacklistMaxCodes", data.blacklist_max_codes, 0, 100),
        "blacklist_validity_days": require_range(
            "blacklistValidityDays", data.blacklist_validity_days, 1, 366
        ),
    }
    if values["blacklist_max_codes"] >= values["max_codes_per_owner"]:
        raise RuleError(
            "INVALID_INPUT",
            "Blacklisted owners must get fewer codes than others.",
            field="blacklistMaxCodes",
            rule=rules.RULE_BLACKLIST_LIMITS,
        )
    if values["blacklist_validity_days"] >= values["validity_days"]:
        raise RuleError(
            "INVALID_INPUT",
            "Blacklisted owners' codes must be valid for a shorter time.",
            field="blacklistValidityDays",
            rule=rules.RULE_BLACKLIST_LIMITS,
        )
    row = scope.session.get(ConditionsRow, city)
    if row is None:
        row = ConditionsRow(city_code=city, published_at=stamp(ctx.now()), **values)
    else:
        for key, value in values.items():
            setattr(row, key, value)
        row.published_at = stamp(ctx.now())
    row.published_by = ctx.actor.account_id
    scope.session.add(row)
    scope.subject(ref=f"TruckPassConditions:{city}", city=city)
    return TruckPassConditionsPayload(conditions=TruckPassConditions.of(row))


def get_conditions(ctx: Context, city_code: str) -> TruckPassConditions | None:
    city = gate_city(ctx, city_code)
    row = ctx.session.get(ConditionsRow, city)
    return TruckPassConditions.of(row) if row else None
