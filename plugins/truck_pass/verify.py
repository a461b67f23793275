"""Road officers verify a pass code: signature offline, then live status online (2021-四-二)."""

from __future__ import annotations

import datetime as dt

from core.context import Context
from core.documents.signing import signed_text, verify_document
from core.errors import Forbidden
from plugins.truck_pass.applications import QR_CLAIMS, QR_PREFIX
from plugins.truck_pass.models import TruckPassCode as CodeRow
from plugins.truck_pass.models import TruckPassPolicy as PolicyRow
from plugins.truck_pass.policies import gate_city
from plugins.truck_pass.types import TruckPassVerification


def live_reason(code: CodeRow | None, officer_city: str, today: dt.date) -> str:
    """Why a well-signed code is (not) valid now, for an officer of `officer_city`."""
    if code is None:
        return "UNKNOWN_CODE"
    if code.city_code != officer_city:
        return "OTHER_CITY"
    if code.status != "ACTIVE":
        return "REVOKED"
    if today < code.valid_from:
        return "NOT_YET_VALID"
    if today > code.valid_until:
        return "EXPIRED"
    return "OK"


def verify(ctx: Context, qr: str) -> TruckPassVerification:
    """The officer's own city must have the measure in force; codes only count in their city."""
    text = signed_text("qr", qr, 2000)
    city = ctx.actor.city_code
    if not city:
        raise Forbidden("Only an officer bound to a city verifies pass codes.")
    gate_city(ctx, city)
    checked = verify_document(ctx.platform.keys, text, QR_PREFIX, QR_CLAIMS)
    if not checked.valid or not checked.claims:
        return TruckPassVerification(valid=False, reason=checked.reason)
    code = ctx.session.get(CodeRow, str(checked.claims.get(1, ""))[:16])
    reason = live_reason(code, city, ctx.today())
    if code is None:
        return TruckPassVerification(valid=False, reason=reason)
    policy = ctx.session.get(PolicyRow, code.policy_id)
    ctx.audit_read(
        "truck_pass.verify",
        code.holder_person_id,
        f"TruckPassCode:{code.id}",
        {"purpose": "roadside check", "outcome": reason},
        measure="truck_pass",
    )
    return TruckPassVerification(
        valid=reason == "OK",
        reason=reason,
        plate=code.plate,
        city=code.city_code,
        policy_name=policy.name if policy else None,
        valid_from=code.valid_from,
        valid_until=code.valid_until,
    )
