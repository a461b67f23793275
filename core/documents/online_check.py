"""Online verification of a scanned credential QR (e-driving licence, e-vehicle licence,
e-deregistration certificate): the steps the credential measures share.

`OnlineCheck` holds what a verification established; a measure subclasses it with its own
findings (the licence, the vehicle, disclosed claims). `open` checks the signature and the
payload's expiry, `verdict` names the result, `log` writes the audit event, the verifier's log
line and the signed receipt (VR2:, docs/partners.md). Hot path: no database read here, one
insert staged on the write scope, one ES256 signature.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, select

from core.context import Context, WriteScope
from core.db import stamp
from core.documents import credentials as cred
from core.documents.qr import sign_payload
from core.documents.signing import verify_document
from core.ids import new_id

LEEWAY = 30  # seconds of clock skew accepted on payload expiry
_CRED = cred.IssuedCredential.__table__  # type: ignore[attr-defined]
_HOLDER_BY_HANDLE = select(_CRED.c.holder_person_id).where(_CRED.c.handle == bindparam("handle"))
RECEIPT_PREFIX = "VR2:"  # claims: 1 receipt id, 2 handle, 3 verifier, 4 time, 5 result, 6 claims,
# 7 purpose, 8 live status, 9 audit log, 10 audit event id, 11 its leaf hash (docs/partners.md)


@dataclass
class OnlineCheck:
    """What one online verification established (a measure's subclass adds its findings)."""

    accepted: bool = False
    reasons: list[str] = field(default_factory=list)
    signature_valid: bool = False
    kid: str | None = None
    key_state: str | None = None
    iat: int | None = None
    exp: int | None = None
    age: int | None = None
    expired: bool | None = None
    handle: str | None = None  # the credential's handle, once the signature is valid
    live_status: str | None = None
    holder_person_id: str | None = None
    receipt_id: str = ""
    receipt: str = ""
    audit_entry: Any = None  # the EventDraft this verification is logged under

    def open(self, ctx: Context, text: str, prefix: str, kind: str) -> dict[int, Any] | None:
        """Check the signature of `text` (a `prefix` payload of the credential shape of `kind`)
        with the platform's keys and its expiry at the request's time (LEEWAY seconds of skew).
        Fills the signature fields and, when the signature is valid, iat, exp, handle, age and
        expired; records the first refusal in `reasons` (the signature's reason, or
        PAYLOAD_EXPIRED). Returns the claims when the signature is valid and the payload not
        expired, else None.

        An expired payload with a valid signature (a stale screenshot) shows no live data, but
        its holder is found (one primary-key read), so that the check still shows in the
        holder's own log and audit trail ("every verification is recorded in the holder's own
        list", docs/partners.md)."""
        epoch = int(ctx.now().timestamp())
        checked = verify_document(ctx.platform.keys, text, prefix, cred.credential_shape(kind))
        self.kid, self.key_state, self.signature_valid = (
            checked.kid,
            checked.key_state,
            checked.valid,
        )
        if not checked.valid:
            self.reasons.append(checked.reason)
            return None
        claims = checked.claims or {}  # the shape: every claim present with its type
        self.iat, self.exp = claims[cred.C_IAT], claims[cred.C_EXP]
        self.handle = cred.handle_from_bytes(claims[cred.C_HANDLE])
        self.age = epoch - self.iat
        self.expired = epoch > self.exp + LEEWAY
        if self.expired:
            self.reasons.append("PAYLOAD_EXPIRED")  # a stale screenshot: no live data shown
            row = ctx.fetch_one(_HOLDER_BY_HANDLE, handle=self.handle)
            self.holder_person_id = row.holder_person_id if row is not None else None
            return None
        return claims

    def verdict(self) -> str:
        """ACCEPTED, or REJECTED:<first reason> (UNKNOWN without one)."""
        if self.accepted:
            return "ACCEPTED"
        return "REJECTED:" + (self.reasons[0] if self.reasons else "UNKNOWN")

    def log(
        self,
        ctx: Context,
        scope: WriteScope,
        record: Any,
        *,
        now: dt.datetime,
        ref_type: str,
        purpose: str,
        verifier_name: str,
        claims: dict[str, str],
        disclosed: list[str],
        columns: dict[str, Any],
    ) -> None:
        """Log this verification: the audit subject (`<ref_type>:<handle>`, purpose, disclosed
        claims, result, receipt id), the verifier's log line (`record`: an INSERT of the measure's
        verification table, with the common columns plus `columns`, e.g. the holder's) and the
        signed receipt naming its audit entry, all at `now`. Sets receipt_id, receipt and
        audit_entry."""
        actor = ctx.actor
        result = self.verdict()
        self.receipt_id = new_id()
        scope.subject(
            self.holder_person_id,
            f"{ref_type}:{self.handle}" if self.handle else None,
            purpose=purpose,
            claims=disclosed,
            result=result,
            receipt=self.receipt_id,
        )
        entry = self.audit_entry = scope.audit_draft()  # fixed now: the receipt names its entry
        scope.insert(
            record,
            {
                "id": self.receipt_id,
                "at": stamp(now),
                "handle": self.handle,
                "verifier_kind": "PARTNER" if actor.is_partner else "STAFF",
                "verifier_name": verifier_name[:100],
                "purpose": purpose,
                "claims": disclosed,
                "result": result[:40],
                **columns,
            },
        )
        self.receipt = sign_payload(
            RECEIPT_PREFIX,
            {
                1: self.receipt_id,
                2: self.handle or "",
                3: actor.partner_org_id or actor.account_id or "",
                4: int(now.timestamp()),
                5: result,
                6: claims,
                7: purpose,
                8: self.live_status or "",
                9: entry.log_id,
                10: entry.uid,
                11: entry.leaf_hash(),
            },
            ctx.platform.keys.active("document"),
        )
