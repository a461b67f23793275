"""Local electronic vehicle-licence versions (本地发放的其他行驶证电子版本): accepted only where the
unified e-vehicle licence is not in force (2024-一-五-2), the rule M01 applies to driving
licences (2021-一-五-3)."""

from __future__ import annotations

from core.context import Context, WriteScope
from core.db import stamp
from core.validation import require_text

from . import rules
from .models import EvlLocalVersion


def local_version_register(
    ctx: Context, scope: WriteScope, city: str, name: str
) -> EvlLocalVersion:
    """Register / accept a local electronic vehicle-licence version: refused where the unified
    e-vehicle licence is in force (2024-一-五-2). Clerks act for their own city."""
    from core.divisions import city as lookup_city

    label = require_text("name", name, 100)
    place = lookup_city(city, "city").code
    if ctx.actor.is_staff:
        ctx.require_jurisdiction(place, field="city")
    decision = ctx.decision(rules.MEASURE, place)
    rules.refuse_local_version(decision.in_force, place, decision.day)
    row = EvlLocalVersion(
        city_code=place,
        name=label,
        registered_by=ctx.actor.account_id,
        registered_at=stamp(ctx.now()),
    )
    scope.session.add(row)
    scope.subject(None, f"EvlLocalVersion:{row.id}")
    return row
