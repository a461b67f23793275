"""Restriction policies and published conditions of a city (2021-四-一, 四-二)."""

from __future__ import annotations

import datetime as dt
import zlib

from sqlalchemy import text
from sqlmodel import Session, or_, select

from core.context import Context, WriteScope
from core.db import stamp
from core.divisions import city as lookup_city
from core.errors import Code, NotFound, RuleError
from core.graphql.pagination import Connection, paginate
from core.validation import require_range, require_text
from core.workflow import move

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
from .workflows import POLICY


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


def lock_city_register(session: Session, city: str) -> None:
    """Serialise policy writes of one city, so that two supervisors cannot each add half of a
    ban that the union check would refuse (PostgreSQL: a transaction advisory lock; SQLite
    already runs one write transaction at a time)."""
    if session.get_bind().dialect.name == "postgresql":
        key = zlib.crc32(f"{MEASURE}.policies:{city}".encode())
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": key})


def facts_of(row: PolicyRow) -> rules.PolicyFacts:
    return rules.PolicyFacts(
        ref=row.id,
        scope=row.scope,
        place="" if row.scope == rules.PolicyScope.CITY_WIDE.value else rules.place_key(row.name),
        core_area=row.core_area,
        categories=frozenset(row.vehicle_categories),
        uses=frozenset(row.vehicle_uses),
        windows=tuple(rules.parse_window(w) for w in row.windows),
        since=row.valid_from,
        until=row.valid_until,
    )


def in_force_policies(session: Session, city: str, today: dt.date) -> list[rules.PolicyFacts]:
    """The city's active policies in force today or later (one statement)."""
    rows = session.exec(
        select(PolicyRow).where(
            PolicyRow.city_code == city,
            PolicyRow.status == rules.PolicyStatus.ACTIVE,
            or_(PolicyRow.valid_until.is_(None), PolicyRow.valid_until >= today),  # type: ignore[union-attr]
        )
    ).all()
    return [facts_of(r) for r in rows]


def create_policy(
    ctx: Context, scope: WriteScope, data: TruckPassPolicyInput
) -> TruckPassPolicyPayload:
    city = gate_register_staff_city(ctx, data.city)
    name = require_text("name", data.name, 100)
    windows = [w.strip() for w in data.restricted_windows]
    minutes = rules.check_policy(
        data.scope.value, data.core_area, data.vehicle_categories, data.vehicle_uses, windows
    )
    today = ctx.today()
    since = data.valid_from or today
    rules.check_policy_dates(today, since, data.valid_until)
    if data.valid_until is not None and data.valid_until < max(since, today):
        raise RuleError(
            Code.INVALID_INPUT,
            "`validUntil` is on or after `validFrom` and today.",
            field="validUntil",
        )
    new = rules.PolicyFacts(
        ref="new",
        scope=data.scope.value,
        place=""
        if data.scope.value == rules.PolicyScope.CITY_WIDE.value
        else rules.place_key(name),
        core_area=data.core_area,
        categories=frozenset(c.value for c in data.vehicle_categories),
        uses=frozenset(u.value for u in data.vehicle_uses),
        windows=tuple(rules.parse_window(w) for w in windows),
        since=since,
        until=data.valid_until,
    )
    lock_city_register(scope.session, city)
    rules.check_union(new, in_force_policies(scope.session, city, today), today)
    row = PolicyRow(
        city_code=city,
        name=name,
        scope=data.scope.value,
        core_area=data.core_area,
        vehicle_categories=sorted({c.value for c in data.vehicle_categories}),
        vehicle_uses=sorted({u.value for u in data.vehicle_uses}),
        windows=windows,
        restricted_minutes=minutes,
        valid_from=since,
        valid_until=data.valid_until,
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
    if row.status != rules.PolicyStatus.ACTIVE:
        raise RuleError(
            TruckPassErrorCode.POLICY_WITHDRAWN,
            "The policy is already withdrawn.",
            field="policyId",
        )
    move(ctx, scope.session, POLICY, row, "withdraw", field_name="policyId",
         values={"withdrawn_at": stamp(ctx.now())})  # fmt: skip
    scope.subject(ref=f"TruckPassPolicy:{row.id}", city=row.city_code)
    return TruckPassPolicyPayload(policy=TruckPassPolicy.of(row))


def list_policies(
    ctx: Context, city_code: str, include_withdrawn: bool, first: int, after: str | None
) -> Connection[TruckPassPolicy]:
    city = gate_register_city(ctx, city_code)
    stmt = select(PolicyRow).where(PolicyRow.city_code == city)
    if not include_withdrawn:  # in force today or later: active, and not past its last day
        stmt = stmt.where(
            PolicyRow.status == rules.PolicyStatus.ACTIVE,
            or_(PolicyRow.valid_until.is_(None), PolicyRow.valid_until >= ctx.today()),  # type: ignore[union-attr]
        )
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
            Code.INVALID_INPUT,
            "Blacklisted owners must get fewer codes than others.",
            field="blacklistMaxCodes",
            rule=rules.RULE_BLACKLIST_LIMITS,
        )
    if values["blacklist_validity_days"] >= values["validity_days"]:
        raise RuleError(
            Code.INVALID_INPUT,
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
