"""Compact signed QR payloads: COSE_Sign1 (RFC 9052) over a CBOR claims map, Base45, with a prefix.

The design of the EU digital COVID certificate: integer claim keys, ES256, Base45 text behind a
context prefix (`DL1:` e-driving licence, `VL1:` e-vehicle licence, ...), alphanumeric QR mode. No
certificate inside: the protected header carries the key id, and the keys are published (JWKS).
This module needs only `cbor2`, `base45` and `cryptography`, so a partner's verifier can vendor it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import base45
import cbor2

COSE_ALG_ES256 = -7
HEADER_ALG = 1
HEADER_KID = 4
COSE_SIGN1_TAG = 18


class _SignsBytes(Protocol):
    kid: str

    def sign(self, data: bytes) -> bytes: ...


class QrFormatError(ValueError):
    """The text is not a well-formed payload of the expected kind."""


def _sig_structure(protected: bytes, payload: bytes) -> bytes:
    return cbor2.dumps(["Signature1", protected, b"", payload])


def sign_payload(prefix: str, claims: dict[int, Any], signer: _SignsBytes) -> str:
    """Sign `claims` and return the QR text `PREFIX` + Base45(COSE_Sign1)."""
    protected = cbor2.dumps({HEADER_ALG: COSE_ALG_ES256, HEADER_KID: signer.kid.encode()})
    payload = cbor2.dumps(claims)
    signature = signer.sign(_sig_structure(protected, payload))
    message = cbor2.dumps(cbor2.CBORTag(COSE_SIGN1_TAG, [protected, {}, payload, signature]))
    return prefix + base45.b45encode(message).decode()


@dataclass(frozen=True)
class ParsedPayload:
    """A payload split into its parts; the signature is NOT yet checked."""

    kid: str
    claims: dict[int, Any]
    signed_bytes: bytes
    signature: bytes


def parse_payload(text: str, prefix: str) -> ParsedPayload:
    """Split a QR text into key id, claims and signature; raise QrFormatError when malformed."""
    if not isinstance(text, str) or not text.startswith(prefix) or len(text) > 2000:
        raise QrFormatError("wrong prefix or size")
    try:
        raw = base45.b45decode(text[len(prefix) :])
        obj = cbor2.loads(raw)
        if isinstance(obj, cbor2.CBORTag):
            if obj.tag != COSE_SIGN1_TAG:
                raise QrFormatError("not a COSE_Sign1 message")
            obj = obj.value
        protected, _unprotected, payload, signature = obj
        header = cbor2.loads(protected)
        if header.get(HEADER_ALG) != COSE_ALG_ES256:
            raise QrFormatError("algorithm not allowed")
        kid = header[HEADER_KID].decode()
        claims = cbor2.loads(payload)
        if not isinstance(claims, dict):
            raise QrFormatError("claims are not a map")
    except QrFormatError:
        raise
    except Exception as exc:  # noqa: BLE001 - any decoding problem is a format error
        raise QrFormatError("undecodable payload") from exc
    return ParsedPayload(kid, claims, _sig_structure(protected, payload), bytes(signature))
