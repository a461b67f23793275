"""Other encodings of a valid signed text (for the tests of issue 12 item 5): each one still
carries a signature that verifies, yet is not the one valid encoding, so it must be MALFORMED.

`envelope_variants(text)` needs no key: it re-encodes the parts outside the signature (trailing
bytes, indefinite or over-long CBOR heads, an untagged message, a non-empty unprotected header, the
other S of the ECDSA signature, the prefix in lower case, Base45 with a trailing newline).
`signed_variants(text, signer)` re-signs non-deterministic encodings of the signed parts (the
claims and the protected header) with the platform's own key, as a sloppy encoder would.
The raw CBOR writer here is independent of the codec under test (RFC 8949 §3).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import base45
import cbor2

P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


def head(major: int, value: int, width: int | None = None) -> bytes:
    """A CBOR head (RFC 8949 §3): shortest form unless `width` (1, 2, 4 or 8 bytes) is forced."""
    if width is None:
        if value < 24:
            return bytes([major << 5 | value])
        width = 1 if value < 0x100 else 2 if value < 0x10000 else 4 if value < 1 << 32 else 8
    info = {1: 24, 2: 25, 4: 26, 8: 27}[width]
    return bytes([major << 5 | info]) + value.to_bytes(width, "big")


def raw(
    value: Any,
    wide: bool = False,
    indefinite: bool = False,
    key_order: Callable[[list[Any]], list[Any]] | None = None,
) -> bytes:
    """CBOR of ints, bytes, text, lists and maps with deliberate choices: `wide` writes every head
    with 8 bytes, `indefinite` writes arrays and maps with indefinite length, `key_order` orders
    map keys (default: as given)."""

    def h(major: int, n: int) -> bytes:
        return head(major, n, 8 if wide else None)

    def enc(v: Any) -> bytes:
        if isinstance(v, int):
            return h(0, v) if v >= 0 else h(1, -1 - v)
        if isinstance(v, bytes):
            return h(2, len(v)) + v
        if isinstance(v, str):
            data = v.encode()
            return h(3, len(data)) + data
        if isinstance(v, list | tuple):
            body = b"".join(enc(x) for x in v)
            return (b"\x9f" + body + b"\xff") if indefinite else h(4, len(v)) + body
        if isinstance(v, dict):
            keys = key_order(list(v)) if key_order else list(v)
            body = b"".join(enc(k) + enc(v[k]) for k in keys)
            return (b"\xbf" + body + b"\xff") if indefinite else h(5, len(v)) + body
        raise TypeError(type(v))

    return enc(value)


def split(text: str, prefix: str) -> tuple[bytes, bytes, bytes, bytes]:
    """(protected, payload, signature, message bytes) of a valid text."""
    message = base45.b45decode(text[len(prefix) :])
    tag = cbor2.loads(message)
    protected, _unprotected, payload, signature = tag.value
    return protected, payload, signature, message


def _text(prefix: str, message: bytes) -> str:
    return prefix + base45.b45encode(message).decode()


def _message(protected: bytes, payload: bytes, signature: bytes, unprotected: bytes = b"\xa0"):
    body = raw(protected) + unprotected + raw(payload) + raw(signature)
    return b"\xd2\x84" + body


def envelope_variants(text: str, prefix: str) -> dict[str, str]:
    """Encodings of `text` that keep its signature valid but are not its one valid encoding."""
    protected, payload, signature, message = split(text, prefix)
    assert message == _message(protected, payload, signature)  # the canonical form, rebuilt
    body = message[2:]
    s = int.from_bytes(signature[32:], "big")
    other_s = signature[:32] + (P256_ORDER - s).to_bytes(32, "big")
    kid = cbor2.loads(protected)[4]
    return {
        "trailing bytes": _text(prefix, message + b"\x00"),
        "trailing CBOR item": _text(prefix, message + raw(1)),
        "indefinite-length array": _text(prefix, b"\xd2\x9f" + body + b"\xff"),
        "tag in two bytes": _text(prefix, b"\xd8\x12\x84" + body),
        "array head in two bytes": _text(prefix, b"\xd2\x98\x04" + body),
        "signature length in three bytes": _text(
            prefix,
            b"\xd2\x84" + raw(protected) + b"\xa0" + raw(payload) + b"\x59\x00\x40" + signature,
        ),
        "untagged": _text(prefix, message[1:]),
        "kid also unprotected": _text(
            prefix, _message(protected, payload, signature, raw({4: kid}))
        ),
        "high S": _text(prefix, _message(protected, payload, other_s)),
        "lower-case prefix": prefix.lower() + text[len(prefix) :],
        "Base45 with a newline": text + "\n",
        "leading space": " " + text,
    }


def _sign(signer: Any, protected: bytes, payload: bytes) -> bytes:
    signature = signer.sign(cbor2.dumps(["Signature1", protected, b"", payload]))
    s = int.from_bytes(signature[32:], "big")
    if s > P256_ORDER // 2:  # keep the signature canonical: only the signed parts are off
        signature = signature[:32] + (P256_ORDER - s).to_bytes(32, "big")
    return signature


def signed_variants(text: str, prefix: str, signer: Any) -> dict[str, str]:
    """Texts whose signed parts are not deterministic CBOR (or not of this profile), each with a
    valid signature by `signer` (the platform's active document key)."""
    protected, payload, _signature, _message_bytes = split(text, prefix)
    claims = cbor2.loads(payload)
    header = cbor2.loads(protected)
    kid = header[4]

    def signed(p: bytes, c: bytes) -> str:
        return _text(prefix, _message(p, c, _sign(signer, p, c)))

    extra_key = max(claims) + 1
    out = {
        "claims with 8-byte heads": signed(protected, raw(claims, wide=True)),
        "claims as an indefinite map": signed(protected, raw(claims, indefinite=True)),
        "claims in reverse key order": signed(protected, raw(claims, key_order=lambda k: k[::-1])),
        "claims with trailing bytes": signed(protected, raw(claims) + b"\x00"),
        "claims with an extra claim": signed(protected, raw({**claims, extra_key: 1})),
        "claims with a missing claim": signed(protected, raw(dict(list(claims.items())[1:]))),
        "claims with a float": signed(protected, cbor2.dumps({**claims, min(claims): 1.5})),
        "header with alg in two bytes": signed(b"\xa2\x01\x38\x06\x04" + raw(kid), payload),
        "header in reverse key order": signed(raw({4: kid, 1: -7}), payload),
        "header with an extra parameter": signed(raw({1: -7, 3: 0, 4: kid}), payload),
        "header with kid as text": signed(raw({1: -7, 4: kid.decode()}), payload),
        "header without kid": signed(raw({1: -7}), payload),
        "header with alg ES384": signed(raw({1: -35, 4: kid}), payload),
    }
    if len(claims) < 2:  # one claim: no other order
        del out["claims in reverse key order"]
    return out


def all_variants(text: str, prefix: str, signer: Any) -> dict[str, str]:
    return {**envelope_variants(text, prefix), **signed_variants(text, prefix, signer)}


def signature_holds(text: str, prefix: str, key: Any) -> bool:
    """Whether a lenient decoder (the first CBOR item, tag optional, Base45 as the library takes
    it) finds a signature by `key` that verifies: a variant must be refused for its form alone."""
    try:
        item = cbor2.loads(base45.b45decode(text[len(prefix) :]))
        protected, _unprotected, payload, signature = getattr(item, "value", item)
        return key.verify(bytes(signature), cbor2.dumps(["Signature1", protected, b"", payload]))
    except Exception:  # noqa: BLE001 - not decodable even leniently
        return False
