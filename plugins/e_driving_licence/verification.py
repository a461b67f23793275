"""Online verification (the hot path): signature, payload age, live status from the registry,
what the caller may see, a signed receipt, the holder's log line and the audit event.

Reads use SQLAlchemy Core by primary key (no ORM objects); partner registrations are cached per
process for a few seconds; the receipt is one ES256 signature (~50 µs).
"""

from __future__ import annotations

import datetime as dt
import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, insert, select

from core.accounts import STAFF_ROLES, PartnerOrg, Person
from core.concurrency import consume_once
from core.context import Context, WriteScope
from core.db import stamp
from core.documents import credentials as cred
from core.documents.online_check import OnlineCheck
from core.documents.partner_limit import PARTNER_VERIFICATIONS_PER_MINUTE
from core.documents.signing import signed_text
from core.errors import Code, Forbidden, RuleError
from core.identifiers import parse_reference
from core.identity import mask_id_number
from core.registries.licences import LICENCE_CLASSES, DrivingLicence
from core.text import fold_width
from core.validation import require_text

from . import rules
from .errors import EDrivingLicenceErrorCode
from .models import EdlConsent, EdlVerification

PREFIX = "DL1:"
SCOPE = "licence:verify"  # the partner credential scope for e-licence checks
_CRED = cred.IssuedCredential.__table__  # type: ignore[attr-defined]
_LIC = DrivingLicence.__table__  # type: ignore[attr-defined]
_PERSON = Person.__table__  # type: ignore[attr-defined]
_RECORD = insert(EdlVerification.__table__)  # type: ignore[attr-defined] - receipt and holder log
_LOOKUP = select(
    _CRED.c.holder_person_id,
    _CRED.c.revoked_at,
    _LIC.c.id,
    _LIC.c.status,
    _LIC.c.valid_until,
    _LIC.c.points,
    _LIC.c.classes,
    _LIC.c.first_issue_date,
).select_from(_CRED.join(_LIC, _LIC.c.id == _CRED.c.subject_id))
_LOOKUP_BY_HANDLE = _LOOKUP.where(_CRED.c.handle == bindparam("handle"))
_HOLDER = select(_PERSON.c.name, _PERSON.c.id_number).where(_PERSON.c.id == bindparam("person"))


@dataclass
class Outcome(OnlineCheck):
    """Everything one verification established (the GraphQL type is built from it)."""

    status_reasons: list[str] = field(default_factory=list)
    claims: dict[str, str] = field(default_factory=dict)
    licence_id: str | None = None
    holder_name: str | None = None
    holder_id_masked: str | None = None
    checked_at: dt.datetime | None = None


# --- partner registrations, cached per process (a suspension shows within TTL seconds) -----------
_SHARE_CODE = re.compile(r"[0-9A-Z]{4,16}")
_ORG_TTL = 10.0
_orgs: dict[str, tuple[float, dict[str, Any]]] = {}
_orgs_lock = threading.Lock()


def _partner(ctx: Context) -> dict[str, Any]:
    org_id = ctx.actor.partner_org_id or ""
    hit = _orgs.get(org_id)
    if hit is not None and time.monotonic() - hit[0] < _ORG_TTL:
        return hit[1]
    table = PartnerOrg.__table__  # type: ignore[attr-defined]
    with ctx.platform.engine.connect() as conn:
        row = conn.execute(
            select(
                table.c.name, table.c.status, table.c.allowed_claims, table.c.province_code
            ).where(table.c.id == org_id)
        ).first()
    info = (
        {
            "name": row.name,
            "status": row.status,
            "allowed": list(row.allowed_claims or []),
            "province": row.province_code,
        }
        if row
        else None
    )
    if info is None:
        raise Forbidden("Unknown partner.")
    with _orgs_lock:
        _orgs[org_id] = (time.monotonic(), info)
    return info


def _validate(
    payload: str,
    purpose: str,
    claims: list[str] | None,
    holds_class: str | None,
    share_code: str | None,
) -> tuple[str, str, str | None]:
    text = signed_text("payload", payload, 600)
    why = require_text("purpose", purpose, 100)
    if claims is not None and len(claims) > len(rules.CLAIMS):
        raise RuleError(Code.INVALID_INPUT, "Too many claims.", field="claims")
    cls = None
    if holds_class is not None:
        cls = fold_width(holds_class).strip().upper()
        if cls not in LICENCE_CLASSES:
            raise RuleError(Code.INVALID_INPUT, "Unknown licence class.", field="holdsClass")
    if share_code is not None:
        _share_code(share_code)
    return text, why, cls


def _share_code(value: str) -> str:
    """A holder's share code as stored (issued as 10 upper-case hex digits; lower case, spaces
    and full-width forms folded). Raises INVALID_INPUT."""
    return parse_reference(
        value, "shareCode", _SHARE_CODE, "A share code has 4-16 letters or digits", max_len=16
    )


def _consented(ctx: Context, scope: WriteScope, code: str, handle: str, org_id: str) -> list[str]:
    """Claims the holder consented to with a share code (consumed once)."""
    session = scope.session
    consent = (
        session.exec(  # type: ignore[call-overload]
            select(EdlConsent).where(EdlConsent.code == _share_code(code))
        )
        .scalars()
        .first()
    )
    now = ctx.now()
    bad = RuleError(
        EDrivingLicenceErrorCode.SHARE_CODE_INVALID,
        "The share code is unknown, used or expired.",
        field="shareCode",
    )
    if consent is None or consent.handle != handle:
        raise bad
    expires = (
        consent.expires_at
        if consent.expires_at.tzinfo
        else consent.expires_at.replace(tzinfo=dt.UTC)
    )
    if now > expires or (consent.partner_org_id and consent.partner_org_id != org_id):
        raise bad
    if not consume_once(session, EdlConsent, consent.id, "used_at", stamp(now)):
        raise bad
    return list(consent.claims)


def verify(
    ctx: Context,
    scope: WriteScope,
    payload: str,
    purpose: str,
    claims: list[str] | None,
    holds_class: str | None,
    share_code: str | None,
) -> Outcome:
    text, why, cls = _validate(payload, purpose, claims, holds_class, share_code)
    actor = ctx.actor
    partner = None
    if actor.is_partner:
        ctx.require_scope(SCOPE, "M01: partner registration scope")
        partner = _partner(ctx)
        if partner["status"] != "ACTIVE":
            raise RuleError(
                EDrivingLicenceErrorCode.PARTNER_SUSPENDED,
                "Your registration is suspended.",
                field=None,
            )
        # a PROVINCE setting: the partner's registration province (none: the nationwide value)
        limit = ctx.setting(
            rules.MEASURE, PARTNER_VERIFICATIONS_PER_MINUTE.key, partner["province"]
        )
        ctx.platform.limiter.hit("edl.verify", actor.partner_org_id or "", limit, 60.0)
    elif not (actor.is_staff and actor.roles & STAFF_ROLES):
        raise Forbidden()
    now = ctx.now()
    out = Outcome(checked_at=now)
    opened = out.open(ctx, text, PREFIX, "DL")
    handle = out.handle if opened is not None else None  # a stale screenshot: no live data shown
    if handle is not None:
        with_row = ctx.fetch_one(_LOOKUP_BY_HANDLE, handle=handle)
        if with_row is None:
            out.reasons.append("UNKNOWN_CREDENTIAL")
        elif with_row.revoked_at is not None:
            out.reasons.append("CREDENTIAL_REVOKED")
            out.holder_person_id = with_row.holder_person_id
        else:
            out.holder_person_id = with_row.holder_person_id
            code, reasons = rules.live_status(
                with_row.status, with_row.valid_until, with_row.points, now.date()
            )
            out.live_status, out.status_reasons = rules.STATUS_NAMES[code], reasons
            out.accepted = code == rules.VALID
            if not out.accepted:
                out.reasons.extend(reasons)
            classes = with_row.classes.split()
            if partner is not None:
                consented = (
                    _consented(ctx, scope, share_code, handle, actor.partner_org_id or "")
                    if share_code
                    else []
                )
                names = rules.disclosed_claims(claims, partner["allowed"], consented, cls)
                out.claims = rules.claim_values(
                    names,
                    code=code,
                    classes=classes,
                    valid_until=with_row.valid_until,
                    first_issue_date=with_row.first_issue_date,
                    points=with_row.points,
                    holds_class=cls,
                )
            else:  # road officers and clerks see the full licence
                out.licence_id = with_row.id
                person = ctx.fetch_one(_HOLDER, person=with_row.holder_person_id)
                if person is not None:
                    out.holder_name = person.name
                    out.holder_id_masked = mask_id_number(person.id_number)
    verifier_name = (
        partner["name"] if partner else f"{actor.primary_role}@{actor.jurisdiction or '-'}"
    )
    out.log(
        ctx,
        scope,
        _RECORD,
        now=now,
        ref_type="EDrivingLicence",
        purpose=why,
        verifier_name=verifier_name,
        claims=out.claims,
        disclosed=sorted(out.claims) if partner else ["full_licence"] if out.licence_id else [],
        columns={
            "holder_person_id": out.holder_person_id,
            "verifier_ref": actor.partner_org_id or actor.account_id,
        },
    )
    return out
