"""Offline verification: COSE_Sign1 (ES256) QR payloads, verification receipts, signed trust lists,
signed status lists.

Independent of the platform's `core` package on purpose; the strict decoding of every signed text
is `verifier/codec.py`, which the platform imports too, so both accept exactly the same texts.
"""

from __future__ import annotations

import base64
import json
import time
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec

from verifier import codec
from verifier import status_list as token
from verifier.answer import (  # noqa: F401 - REASONS, STATUS_NAMES: the verifier's vocabulary
    HARD_REASONS,
    LEEWAY_SECONDS,
    REASONS,
    STATUS_NAMES,
    Answer,
    StatusList,
    VerifierError,
    read_list,
    receipt,
    status_list,
    tree_head,
    trust_list,
)
from verifier.codec import (
    C_CLASSES,
    C_EXP,
    C_HANDLE,
    C_IAT,
    C_STATUS,
    C_STATUS_REF,
    C_VALID_UNTIL,
    CREDENTIAL_PREFIXES,
)

RECEIPT_PREFIX = "VR2:"  # receipts naming their audit entry; VR1: receipts issued before
RECEIPT_SHAPES = {"VR1:": codec.RECEIPT, "VR2:": codec.RECEIPT_V2}
# SL2: the IETF Token Status List (CWT); SL1: the platform's own format, issued before
LIST_SHAPES = {"SL2:": token.STATUS_LIST_TOKEN, "SL1:": codec.STATUS_LIST}
PREFIXES = {
    **CREDENTIAL_PREFIXES,
    "VR1:": "VR",
    "VR2:": "VR",
    **dict.fromkeys(LIST_SHAPES, "SL"),
    "TL1:": "TL",
    "TH1:": "TH",
}
MAX_TEXT = 2_000_000  # characters (a signed status list is the longest text)
# Claim 10 is the document's validity (valid until, YYYYMMDD; 0: none) on DL1: and VL1:. A
# payload is signed minutes before it is shown, but the status list a verifier holds offline can
# be up to its ttl old and the e-vehicle licence's list does not encode the end of validity, so
# the date is checked here against the verifier's own clock: a licence valid until 20250501 is not
# accepted on 20250502. (On DC1: claim 10 is the deregistration date: not a validity.)
VALIDITY_KINDS = frozenset({"DL", "VL"})
CHINA_UTC_OFFSET_SECONDS = 8 * 3600  # validity dates are Beijing dates (UTC+8, no DST)


def china_date(now: float) -> int:
    """Today's date in China Standard Time as YYYYMMDD, from epoch seconds."""
    day = time.gmtime(now + CHINA_UTC_OFFSET_SECONDS)
    return day.tm_year * 10000 + day.tm_mon * 100 + day.tm_mday


CLASS_ORDER = codec.CLASS_ORDER


def _b64u(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _parse(
    text: str, prefix: str, shape: codec.Shape | None = None
) -> tuple[str, dict[int, Any], bytes, bytes]:
    """(kid, claims, signed bytes, signature) of a `prefix` + Base45(COSE_Sign1) text; VerifierError
    unless it is the one valid encoding with claims of `shape` (verifier/codec.py)."""
    try:
        signed = codec.parse(text, prefix, max_length=MAX_TEXT, shape=shape)
    except codec.MalformedPayload as exc:
        raise VerifierError(f"malformed: {exc}") from exc
    return signed.kid, signed.claims, signed.signed_bytes, signed.signature


def _check(key: ec.EllipticCurvePublicKey, signature: bytes, data: bytes) -> bool:
    return codec.es256_verify(key, signature, data)


def _public_key(jwk: dict[str, Any]) -> ec.EllipticCurvePublicKey:
    x = int.from_bytes(_b64u(jwk["x"]), "big")
    y = int.from_bytes(_b64u(jwk["y"]), "big")
    return ec.EllipticCurvePublicNumbers(x, y, ec.SECP256R1()).public_key()


class TrustStore:
    """The keys a verifier trusts, by key id: `keys` the document keys (QR payloads, receipts,
    status and trust lists), `audit_keys` the audit-log keys (signed tree heads)."""

    def __init__(
        self,
        keys: dict[str, ec.EllipticCurvePublicKey] | None = None,
        audit_keys: dict[str, ec.EllipticCurvePublicKey] | None = None,
    ) -> None:
        self.keys: dict[str, ec.EllipticCurvePublicKey] = dict(keys or {})
        self.audit_keys: dict[str, ec.EllipticCurvePublicKey] = dict(audit_keys or {})
        self.updated_at: float | None = None

    @classmethod
    def from_jwks(cls, jwks: dict[str, Any] | str) -> TrustStore:
        """Keys of purpose "document" and "audit" from a JWKS (/.well-known/jwks.json)."""
        store = cls()
        store.load_jwks(jwks)
        return store

    def load_jwks(
        self, jwks: dict[str, Any] | str, purposes: tuple[str, ...] = ("document", "audit")
    ) -> None:
        """Replace the keys of `purposes` by those of `jwks` (P-256 keys not retired; an audit key
        only once active: a tree head is never signed by a NEXT audit key)."""
        try:
            data = json.loads(jwks) if isinstance(jwks, str) else jwks
            found: dict[str, dict[str, ec.EllipticCurvePublicKey]] = {p: {} for p in purposes}
            for jwk in data["keys"]:
                purpose = jwk.get("purpose", "document")
                if purpose not in found or jwk.get("status") == "retired":
                    continue
                if purpose == "audit" and jwk.get("status") == "next":
                    continue
                if jwk.get("kty") != "EC" or jwk.get("crv") != "P-256":
                    continue
                found[purpose][jwk["kid"]] = _public_key(jwk)
        except Exception as exc:  # noqa: BLE001
            raise VerifierError("not a JWKS") from exc
        if "document" in found:
            self.keys = found["document"]
        if "audit" in found:
            self.audit_keys = found["audit"]
        self.updated_at = time.time()

    def update_from_trust_list(self, text: str) -> None:
        """Replace the document keys by a signed trust list ("TL1:"), accepted only if signed by
        a key this store already trusts (the next key is published before it signs anything)."""
        kid, claims, signed, signature = _parse(text, "TL1:", codec.TRUST_LIST)
        key = self.keys.get(kid)
        if key is None or not _check(key, signature, signed):
            raise VerifierError("trust list not signed by a trusted key")
        self.load_jwks({"keys": json.loads(claims[1])}, purposes=("document",))


class Verifier:
    """Verifies the platform's signed artefacts offline against a trust store and cached status
    lists: QR payloads (DL1: VL1: DC1:), receipts (VR1: VR2:), status lists, the trust list
    (TL1:) and audit tree heads (TH1:)."""

    def __init__(self, store: TrustStore) -> None:
        self.store = store
        self.lists: dict[int, StatusList] = {}

    def add_status_list(self, text: str) -> int:
        """Check a signed status list and cache it; returns its list id. VerifierError unless it
        is well-formed and signed by a trusted document key."""
        prefix = text[:4] if isinstance(text, str) else ""
        if prefix not in LIST_SHAPES:
            raise VerifierError("malformed: not a status list prefix")
        kid, claims, signed, signature = _parse(text, prefix, LIST_SHAPES[prefix])
        key = self.store.keys.get(kid)
        if key is None or not _check(key, signature, signed):
            raise VerifierError("status list not signed by a trusted key")
        entry = read_list(prefix, claims)
        self.lists[entry.list_id] = entry
        return entry.list_id

    def verify(self, text: str, now: float | None = None) -> Answer:
        """Verify any artefact the platform hands out, by its prefix: a credential payload (DL1:,
        VL1:, DC1:), a verification receipt (VR2:, or VR1: as issued before receipts named their
        audit entry), a status list, the trust list (TL1:) or an audit tree head (TH1:)."""
        now = time.time() if now is None else now
        prefix = text[:4] if isinstance(text, str) else ""
        kind = PREFIXES.get(prefix)
        if kind is None:
            return Answer("REJECT", reasons=["MALFORMED"])
        if kind == "VR":
            shape = RECEIPT_SHAPES[prefix]
        elif kind == "SL":
            shape = LIST_SHAPES[prefix]
        elif kind == "TL":
            shape = codec.TRUST_LIST
        elif kind == "TH":
            shape = codec.TREE_HEAD
        else:
            shape = codec.credential_shape(kind)
        try:
            kid, claims, signed, signature = _parse(text, prefix, shape)
        except VerifierError:
            return Answer("REJECT", kind=kind, reasons=["MALFORMED"])
        answer = Answer("REJECT", kind=kind, kid=kid)
        key = (self.store.audit_keys if kind == "TH" else self.store.keys).get(kid)
        if key is None:
            answer.reasons.append("UNKNOWN_KEY")
            return answer
        if not _check(key, signature, signed):
            answer.reasons.append("BAD_SIGNATURE")
            return answer
        answer.signature_valid = True
        if kind == "VR":
            return receipt(answer, claims, now)
        if kind == "SL":
            return status_list(answer, prefix, claims, now)
        if kind == "TL":
            return trust_list(answer, claims)
        if kind == "TH":
            return tree_head(answer, claims, now)
        return self._credential(answer, kind, claims, now)

    def _credential(self, answer: Answer, kind: str, claims: dict[int, Any], now: float) -> Answer:
        iat, exp = claims[C_IAT], claims[C_EXP]
        list_id, index = claims[C_STATUS_REF]
        answer.handle = base64.b32encode(claims[C_HANDLE]).decode().rstrip("=")
        answer.payload_issued_at, answer.payload_expires_at = iat, exp
        answer.payload_age_seconds = int(now - iat)
        answer.payload_expired = now > exp + LEEWAY_SECONDS
        classes = claims.get(C_CLASSES)
        if kind == "DL" and isinstance(classes, int):
            classes = " ".join(name for i, name in enumerate(CLASS_ORDER) if classes >> i & 1)
        answer.claims = {
            "classes": classes,
            "statusAtSigning": STATUS_NAMES.get(claims.get(C_STATUS, 3), "UNKNOWN"),
            "validUntil": claims.get(C_VALID_UNTIL),
            "statusList": list_id,
            "statusIndex": index,
        }
        if answer.payload_expired:
            answer.reasons.append("PAYLOAD_EXPIRED")
        if iat > now + LEEWAY_SECONDS:
            answer.reasons.append("PAYLOAD_NOT_YET_VALID")
        status_list = self.lists.get(list_id)
        if status_list is None or not 0 <= index < status_list.capacity:
            answer.reasons.append("NO_STATUS_LIST")
        else:
            code = status_list.status(index)
            answer.status = STATUS_NAMES.get(code, "UNKNOWN")
            answer.status_list_age_seconds = int(now - status_list.issued_at)
            answer.status_list_fresh = answer.status_list_age_seconds <= status_list.ttl
            if not answer.status_list_fresh:
                answer.reasons.append("STATUS_LIST_STALE")
            if code != 0:
                answer.reasons.append(f"STATUS_{answer.status}")
        if claims.get(C_STATUS, 0) != 0:
            answer.reasons.append("NOT_VALID_AT_SIGNING")
        if kind in VALIDITY_KINDS and 0 < claims[C_VALID_UNTIL] < china_date(now):
            answer.reasons.append("DOCUMENT_EXPIRED")
        return answer.conclude()


def signature_only(store: TrustStore, text: str) -> bool:
    """Just the signature check (for benchmarks): parse + ES256 verify."""
    kid, _claims, signed, signature = _parse(text, text[:4])
    key = store.keys.get(kid)
    return key is not None and _check(key, signature, signed)
