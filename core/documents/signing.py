"""Sign and verify compact QR documents with the platform's "document" keys.

Any plugin that issues something a clerk, officer or partner scans (an e-licence, an electronic
entrustment, a truck pass code, an evidence voucher) uses these two functions with its own prefix
(`DL1:`, `VL1:`, `EN1:`, ...) and declares the shape of its claims (`Shape`, `text_claims`), which
verification enforces: the prefix names one format, with exactly those claims (a new claim is a
new prefix, `EN2:`). Claims use small integer keys to keep the QR small; document your keys in the
plugin README.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.documents.keys import KeyRing, KeyState
from core.documents.qr import QrFormatError, parse_payload, sign_payload
from core.errors import Code, RuleError
from verifier import codec
from verifier.codec import Shape

__all__ = [
    "Shape",
    "VerifiedDocument",
    "sign_document",
    "signed_text",
    "text_claims",
    "verify_document",
]


def signed_text(field: str, value: str | None, max_len: int) -> str:
    """A scanned or pasted signed text exactly as received: required (INVALID_INPUT) and at most
    `max_len` characters (TOO_LONG), never trimmed or otherwise changed. Whitespace, control
    characters, a lower-case prefix: `verify_document` answers MALFORMED, as the offline verifier
    does, for anything that is not the one valid encoding."""
    if not isinstance(value, str) or not value:
        raise RuleError(Code.INVALID_INPUT, f"`{field}` is required.", field=field)
    if len(value) > max_len:
        raise RuleError(
            Code.TOO_LONG, f"`{field}` is longer than {max_len} characters.", field=field
        )
    return value


def text_claims(name: str, count: int) -> Shape:
    """The shape of a format whose claims are text strings under keys 1..`count`."""
    return Shape(name, dict.fromkeys(range(1, count + 1), codec.text))


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


def verify_document(
    keys: KeyRing, text: str, prefix: str, shape: Shape | None = None
) -> VerifiedDocument:
    """Check format, key and signature (not expiry or live status: the caller's rules do that).

    MALFORMED unless `text` is the one valid encoding of a `prefix` payload (verifier/codec.py:
    exact prefix, canonical Base45, one deterministic CBOR item, the COSE_Sign1 profile, a low-S
    signature) and, with `shape`, its claims are exactly those of the format."""
    try:
        parsed = parse_payload(text, prefix, shape)
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
