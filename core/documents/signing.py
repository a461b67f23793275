"""Sign and verify compact QR documents with the platform's "document" keys.

Any plugin that issues something a clerk, officer or partner scans (an e-licence, an electronic
entrustment, a truck pass code, an evidence voucher) uses these two functions with its own prefix
(`DL1:`, `VL1:`, `EN1:`, ...). Claims use small integer keys to keep the QR small; document your
keys in the plugin README.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.documents.keys import KeyRing, KeyState
from core.documents.qr import QrFormatError, parse_payload, sign_payload


def sign_document(keys: KeyRing, prefix: str, claims: dict[int, Any]) -> str:
    """QR text for `claims`, signed with the ACTIVE document key."""
    return sign_payload(prefix, claims, keys.active("document"))


@dataclass(frozen=True)
class VerifiedDocument:
    """What verification established. `valid` means well-formed, known key, good signature."""

    valid: bool
    reason: str  # OK | MALFORMED | UNKNOWN_KEY | RETIRED_KEY | BAD_SIGNATURE
    kid: str | None = None
    key_state: str | None = None
    claims: dict[int, Any] | None = None


def verify_document(keys: KeyRing, text: str, prefix: str) -> VerifiedDocument:
    """Check format, key and signature (not expiry or live status: the caller's rules do that)."""
    try:
        parsed = parse_payload(text, prefix)
    except QrFormatError:
        return VerifiedDocument(False, "MALFORMED")
    key = keys.verifying_key(parsed.kid, "document")
    if key is None:
        return VerifiedDocument(False, "UNKNOWN_KEY", parsed.kid)
    if key.state == KeyState.RETIRED:
        return VerifiedDocument(False, "RETIRED_KEY", parsed.kid, key.state)
    if not key.verify(parsed.signature, parsed.signed_bytes):
        return VerifiedDocument(False, "BAD_SIGNATURE", parsed.kid, key.state)
    return VerifiedDocument(True, "OK", parsed.kid, key.state, parsed.claims)
