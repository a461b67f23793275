"""What the offline verifier answers (`Answer`, every reason in `REASONS`) and how each kind of
signed artefact whose signature holds is read: status lists (SL2: Token Status List, SL1: the
former format), receipts, the trust list, audit tree heads. QR payloads are read in verify.py."""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass, field
from typing import Any

from verifier import status_list as token

STATUS_NAMES = {0: "VALID", 1: "INVALID", 2: "SUSPENDED", 3: "UNKNOWN"}
LEEWAY_SECONDS = 30

# Every reason an answer can carry (docs/partners.md, "What the verifier answers", lists each
# one; a test checks that). Reasons marked hard make the verdict REJECT; the others INCONCLUSIVE.
REASONS = {
    "MALFORMED": "not the one valid encoding of a known artefact (prefix, Base45, CBOR, COSE)",
    "UNKNOWN_KEY": "signed with a key id the trust store does not hold (unknown, retired, or of "
    "another purpose)",
    "BAD_SIGNATURE": "the ES256 signature does not verify with the named key",
    "PAYLOAD_EXPIRED": "a QR payload past its expiry (plus 30 s leeway)",
    "PAYLOAD_NOT_YET_VALID": "issued more than 30 s in the future of the verifier's clock",
    "NOT_VALID_AT_SIGNING": "the platform signed the payload with a status other than valid",
    "DOCUMENT_EXPIRED": "a DL1:/VL1: payload whose document validity (claim 10, valid until) "
    "ended before today (China Standard Time)",
    "STATUS_INVALID": "the status list says revoked or cancelled",
    "STATUS_SUSPENDED": "the status list says suspended (seized, suspended licence)",
    "STATUS_UNKNOWN": "the status list holds the reserved value 3 at the index",
    "NO_STATUS_LIST": "no cached status list covers the payload's list and index",
    "STATUS_LIST_STALE": "the status list is older than its time-to-live",
}
HARD_REASONS = frozenset(REASONS) - {"NO_STATUS_LIST", "STATUS_LIST_STALE"}


class VerifierError(ValueError):
    """Malformed input (not a payload, not a JWKS, not a status list)."""


@dataclass
class StatusList:
    list_id: int
    raw: bytes
    capacity: int
    issued_at: int
    ttl: int
    bits: int = 2

    def status(self, index: int) -> int:
        """The status code at `index` (draft-ietf-oauth-status-list: entry i in bits
        i*bits .. i*bits+bits-1, counted from the least significant bit of byte 0)."""
        bit = index * self.bits
        return (self.raw[bit // 8] >> (bit % 8)) & ((1 << self.bits) - 1)


@dataclass
class Answer:
    """What verification established. `verdict` sums it up; `reasons` says why (REASONS)."""

    verdict: str  # ACCEPT | REJECT | INCONCLUSIVE
    kind: str | None = None  # DL VL DC (QR payloads), VR (receipt), SL, TL, TH
    signature_valid: bool = False
    kid: str | None = None
    payload_issued_at: int | None = None
    payload_expires_at: int | None = None
    payload_age_seconds: int | None = None
    payload_expired: bool | None = None
    status: str = "UNKNOWN"  # from the status list: VALID | INVALID | SUSPENDED | UNKNOWN
    status_list_age_seconds: int | None = None
    status_list_fresh: bool | None = None
    handle: str | None = None
    claims: dict[str, Any] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)

    @property
    def established(self) -> dict[str, Any]:
        return {
            "signature": self.signature_valid,
            "kid": self.kid,
            "payloadAgeSeconds": self.payload_age_seconds,
            "payloadExpired": self.payload_expired,
            "statusListAgeSeconds": self.status_list_age_seconds,
            "status": self.status,
        }

    def conclude(self) -> Answer:
        """REJECT on a hard reason, INCONCLUSIVE on another (the signature holds, the status is
        unproven), else ACCEPT."""
        if any(r in HARD_REASONS for r in self.reasons):
            self.verdict = "REJECT"
        elif self.reasons:
            self.verdict = "INCONCLUSIVE"
        else:
            self.verdict = "ACCEPT"
        return self


def read_list(prefix: str, claims: dict[int, Any]) -> StatusList:
    """The status list in the claims of a signed list (SL2: or SL1:), uncompressed;
    VerifierError when it does not decompress or is shorter than it says."""
    try:
        if prefix == "SL2:":
            status_list = claims[token.CWT_STATUS_LIST]
            raw = zlib.decompress(status_list["lst"])
            bits = status_list["bits"]
            list_id = token.list_id_of(claims[token.CWT_SUB])
            entry = StatusList(list_id, raw, len(raw) * 8 // bits, claims[token.CWT_IAT],
                          claims[token.CWT_TTL], bits)  # fmt: skip
        else:
            entry = StatusList(int(claims[1]), zlib.decompress(claims[4]), int(claims[3]),
                          int(claims[5]), int(claims[6]))  # fmt: skip
    except Exception as exc:  # noqa: BLE001
        raise VerifierError("bad status list") from exc
    if entry.list_id is None or len(entry.raw) * 8 < entry.capacity * entry.bits:
        raise VerifierError("bad status list")
    return entry


def receipt(answer: Answer, claims: dict[int, Any], now: float) -> Answer:
    """A verification receipt (VR1:/VR2:) with a good signature is authentic: ACCEPT. What the platform
    found then (ACCEPTED or REJECTED:<reason>) is `claims["result"]`, not the verdict."""
    answer.payload_issued_at = claims[4]
    answer.payload_age_seconds = int(now - claims[4])
    answer.handle = claims[2] or None
    answer.claims = {
        "receiptId": claims[1],
        "handle": claims[2],
        "verifier": claims[3],
        "verifiedAt": claims[4],
        "result": claims[5],
        "disclosed": claims[6],
        "purpose": claims[7],
        "liveStatus": claims[8],
    }
    if 9 in claims:  # VR2: the audit entry the verification is logged under
        answer.claims.update(
            {"auditLog": claims[9], "auditEntry": claims[10], "auditLeafHash": claims[11].hex()}
        )
    return answer.conclude()


def status_list(answer: Answer, prefix: str, claims: dict[int, Any], now: float) -> Answer:
    """A signed status list: authentic and well-formed; INCONCLUSIVE (STATUS_LIST_STALE) once
    older than its time-to-live, REJECT when it is issued in the future or undecodable."""
    try:
        entry = read_list(prefix, claims)
    except VerifierError:
        answer.reasons.append("MALFORMED")  # signed, yet not a list / key set we can read
        return answer.conclude()
    counts = dict.fromkeys(STATUS_NAMES.values(), 0)
    mask = (1 << entry.bits) - 1
    for byte in entry.raw:
        if byte:  # most entries are valid (0): only the set bytes are looked into
            for shift in range(0, 8, entry.bits):
                if byte >> shift & mask:
                    counts[STATUS_NAMES.get(byte >> shift & mask, "UNKNOWN")] += 1
    answer.payload_issued_at = entry.issued_at
    answer.payload_age_seconds = answer.status_list_age_seconds = int(now - entry.issued_at)
    answer.status_list_fresh = answer.status_list_age_seconds <= entry.ttl
    answer.claims = {
        "listId": entry.list_id,
        "uri": claims.get(token.CWT_SUB),
        "bits": entry.bits,
        "size": entry.capacity,
        "issuedAt": entry.issued_at,
        "ttl": entry.ttl,
        "notValid": {k: v for k, v in counts.items() if k != "VALID" and v},
    }
    if entry.issued_at > now + LEEWAY_SECONDS:
        answer.reasons.append("PAYLOAD_NOT_YET_VALID")
    elif not answer.status_list_fresh:
        answer.reasons.append("STATUS_LIST_STALE")
    return answer.conclude()


def trust_list(answer: Answer, claims: dict[int, Any]) -> Answer:
    """A signed trust list: authentic when signed by a trusted document key; its keys listed."""
    try:
        keys = json.loads(claims[1])
        answer.claims = {"keys": [{"kid": k["kid"], "status": k.get("status")} for k in keys]}
    except (ValueError, TypeError, KeyError):
        answer.reasons.append("MALFORMED")  # signed, yet not a list / key set we can read
    return answer.conclude()


def tree_head(answer: Answer, claims: dict[int, Any], now: float) -> Answer:
    """A signed tree head of the audit log (RFC 9162), signed by a published audit key."""
    answer.payload_issued_at = claims[4] // 1000
    answer.payload_age_seconds = int(now - claims[4] / 1000)
    answer.claims = {
        "logId": claims[1],
        "treeSize": claims[2],
        "rootHash": claims[3].hex(),
        "timestampMs": claims[4],
    }
    if claims[4] / 1000 > now + LEEWAY_SECONDS:
        answer.reasons.append("PAYLOAD_NOT_YET_VALID")
    return answer.conclude()
