"""Road officers verify a pass code: signature offline, then live status online (2021-四-二)."""

from __future__ import annotations

import datetime as dt

from core.context import Context
from core.documents.signing import signed_text, verify_document
from core.errors import Forbidden
from core.ids import lookup_id

from .applications import QR_CLAIMS, QR_PREFIX
from .models import TruckPassCode as CodeRow
from .models import TruckPassPolicy as PolicyRow
from .policies import gate_city
from .rules import MEASURE, CodeStatus
from .rules import VerificationReason as Reason
from .types import TruckPassVerification


def live_reason(code: CodeRow | None, officer_city: str, today: dt.date) -> Reason:
    """Why a well-signed code is (not) valid now, for an officer of `officer_city`."""
    if code is None:
        return Reason.UNKNOWN_CODE
    if code.city_code != officer_city:
        return Reason.OTHER_CITY
    if code.status != CodeStatus.ACTIVE:
        return Reason.REVOKED
    if today < code.valid_from:
        return Reason.NOT_YET_VALID
    if today > code.valid_until:
        return Reason.EXPIRED
    return Reason.OK


def verify(ctx: Context, qr: str) -> TruckPassVerification:
    """The officer's own city must have the measure in force; codes only count in their city."""
    text = signed_text("qr", qr, 2000)
    city = ctx.actor.city_code
    if not city:
        raise Forbidden("Only an officer bound to a city verifies pass codes.")
    gate_city(ctx, city)
    checked = verify_document(ctx.platform.keys, text, QR_PREFIX, QR_CLAIMS)
    if not checked.valid or not checked.claims:
        return TruckPassVerification(valid=False, reason=Reason(checked.reason))
    code = ctx.session.get(CodeRow, lookup_id(checked.claims.get(1, "")))
    reason = live_reason(code, city, ctx.today())
    if code is None:
        return TruckPassVerification(valid=False, reason=reason)
    policy = ctx.session.get(PolicyRow, code.policy_id)
    ctx.audit_read(
        f"{MEASURE}.verify",
        code.holder_person_id,
        f"TruckPassCode:{code.id}",
        {"purpose": "roadside check", "outcome": reason.value},
        measure=MEASURE,
    )
    return TruckPassVerification(
        valid=reason is Reason.OK,
        reason=reason,
        plate=code.plate,
        city=code.city_code,
        policy_name=policy.name if policy else None,
        valid_from=code.valid_from,
        valid_until=code.valid_until,
    )
