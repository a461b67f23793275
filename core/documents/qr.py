"""Compact signed QR payloads: COSE_Sign1 (RFC 9052) over a CBOR claims map, Base45, with a prefix.

The design of the EU digital COVID certificate: integer claim keys, ES256, Base45 text behind a
context prefix (`DL1:` e-driving licence, `VL1:` e-vehicle licence, ...), alphanumeric QR mode. No
certificate inside: the protected header carries the key id, and the keys are published (JWKS).

The encoding and its strict decoding live in `verifier/codec.py`, which the standalone partner
verifier owns (it must not import `core`): the server and every offline verifier accept exactly
the same texts, each with exactly one valid encoding (see that module for the rules).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from verifier import codec
from verifier.codec import Shape

# kept under its historical name: a text that is not the one valid encoding of its kind
QrFormatError = codec.MalformedPayload


class _SignsBytes(Protocol):
    kid: str

    def sign(self, data: bytes) -> bytes: ...


def sign_payload(prefix: str, claims: dict[int, Any], signer: _SignsBytes) -> str:
    """Sign `claims` and return the QR text `PREFIX` + Base45(COSE_Sign1), deterministic CBOR,
    low-S signature. Raises ValueError for claims outside the payload data model (a float...)."""
    return codec.issue(prefix, signer.kid, claims, signer.sign)


@dataclass(frozen=True)
class ParsedPayload:
    """A payload split into its parts; the signature is NOT yet checked."""

    kid: str
    claims: dict[int, Any]
    signed_bytes: bytes
    signature: bytes


def parse_payload(
    text: str, prefix: str, shape: Shape | None = None, max_length: int = 2000
) -> ParsedPayload:
    """Split a QR text into key id, claims and signature; raise QrFormatError unless it is the
    one valid encoding of a `prefix` payload (and, with `shape`, has exactly those claims)."""
    signed = codec.parse(text, prefix, max_length=max_length, shape=shape)
    return ParsedPayload(signed.kid, signed.claims, signed.signed_bytes, signed.signature)
