"""The one strict codec of the platform's signed texts: PREFIX + Base45(COSE_Sign1(ES256)).

Owned by the standalone verifier (it needs only `cbor2` and `cryptography`) and imported
by the platform (`core/documents/qr.py`), so the server and an offline verifier accept exactly the
same texts. Every signed text has exactly one valid encoding; anything else is `MalformedPayload`:

- the prefix exactly as issued (`DL1:`: case-sensitive), no whitespace before, inside or after;
- Base45 (RFC 9285 §4) only in its 45-character alphabet, of a valid length (not 1 mod 3), every
  group in range, and canonical: encoding the decoded bytes gives the same text;
- those bytes are exactly one CBOR data item, nothing after it, in core deterministic encoding
  (RFC 8949 §4.2.1: shortest integers and lengths, definite lengths, map keys sorted bytewise by
  their encoding, no duplicate keys);
- the item is a tagged COSE_Sign1 (RFC 9052 §4.2): `18([protected bstr, {}, payload bstr,
  signature bstr])`; the protected header is itself deterministic CBOR and exactly
  `{1: -7 (ES256), 4: kid}` (RFC 9052 §3.1), plus `16: typ` (RFC 9596) for a format that declares
  a type (the status list token, `application/statuslist+cwt`); the unprotected header is empty;
- the payload is a deterministic CBOR map with integer keys (the claims), whose keys and value
  types are exactly those of its format (`Shape`);
- the signature is r || s, 32 bytes each (RFC 9053 §2.1), with 0 < r < n and 0 < s <= n/2 ("low
  S"): (r, n - s) would otherwise be a second valid signature of the same text, made without the
  key. The platform normalises its signatures to low S when it signs (`issue`).

Data model of every payload: integers within 64 bits, byte strings, text strings, arrays, and maps
whose keys are integers or text strings. No floats, no booleans, no null, no tags (except the outer
COSE tag 18).
"""

from __future__ import annotations

import re
import struct
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import cbor2
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

COSE_SIGN1_TAG = 18  # RFC 9052 §2
HEADER_ALG, HEADER_KID = 1, 4  # RFC 9052 §3.1
HEADER_TYP = 16  # RFC 9596: the media type of the content
COSE_ALG_ES256 = -7  # RFC 9053 §2.1
SIGNATURE_BYTES = 64
# order n of the P-256 group (FIPS 186-4 D.1.2.3)
P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
MAX_DEPTH = 8  # nesting of arrays and maps inside one payload
_UINT64 = 1 << 64
_BASE45 = re.compile(r"[0-9A-Z $%*+\-./:]*")  # RFC 9285 §4 alphabet
_KID = re.compile(r"[A-Za-z0-9_-]{1,64}")  # the platform's key ids ("D" + 7 characters)
_ECDSA = ec.ECDSA(hashes.SHA256())


class MalformedPayload(ValueError):
    """The text is not the one valid encoding of a payload of the expected kind."""


# --- deterministic CBOR ---------------------------------------------------------------------------
def _key_order(key: int | str) -> tuple[int, int, bytes]:
    """Where `key` sorts among map keys: the bytewise order of the keys' deterministic encodings
    (RFC 8949 §4.2.1) without encoding them. The first byte holds the major type (0 unsigned,
    1 negative, 3 text) and the head grows with the argument, so encodings order by major type,
    then by argument (the value; -1 - value for a negative; the UTF-8 length for a text), then,
    for texts of one length, by their bytes."""
    if isinstance(key, int):
        return (0, key, b"") if key >= 0 else (1, -1 - key, b"")
    data = key.encode()
    return (3, len(data), data)


def _ordered(value: Any, depth: int = 0) -> Any:
    """`value` checked against the data model, with every map's keys in deterministic order."""
    if depth > MAX_DEPTH:
        raise ValueError("nested too deeply")
    kind = type(value)
    # the exact built-in types first (a payload is made of them); subclasses take the path below
    if kind is str or kind is bytes:
        return value
    if kind is int:
        if not -_UINT64 <= value < _UINT64:
            raise ValueError("integer beyond 64 bits")
        return value
    if kind is list or kind is tuple:
        return [_ordered(item, depth + 1) for item in value]
    if kind is dict:
        return _ordered_map(value, depth)
    if isinstance(value, bool) or value is None:
        raise ValueError("booleans and null are outside the payload data model")
    if isinstance(value, int):
        if not -_UINT64 <= value < _UINT64:
            raise ValueError("integer beyond 64 bits")
        return value
    if isinstance(value, str | bytes):
        return value
    if isinstance(value, list | tuple):
        return [_ordered(item, depth + 1) for item in value]
    if isinstance(value, Mapping):
        return _ordered_map(value, depth)
    raise ValueError(f"{type(value).__name__} is outside the payload data model")


def _ordered_map(value: Mapping[Any, Any], depth: int) -> dict[Any, Any]:
    entries = []
    for key, item in value.items():
        if isinstance(key, bool) or not isinstance(key, int | str):
            raise ValueError("map keys are integers or text strings")
        if type(key) is not str:
            _ordered(key, depth + 1)  # a key is checked like any value (64-bit integers)
        entries.append((_key_order(key), key, _ordered(item, depth + 1)))
    entries.sort(key=lambda entry: entry[0])  # RFC 8949 §4.2.1: bytewise order of the keys
    return {key: item for _, key, item in entries}


def encode(value: Any) -> bytes:
    """The core deterministic CBOR encoding (RFC 8949 §4.2.1) of `value`.

    Raises ValueError when `value` leaves the data model (float, bool, None, a tag, >64-bit int)."""
    return cbor2.dumps(_ordered(value))


def decode(data: bytes) -> Any:
    """The one CBOR item that `data` is the deterministic encoding of; else MalformedPayload
    (bytes after the item, indefinite lengths, longer-than-needed heads, unsorted or duplicate
    keys, tags, floats, simple values, invalid UTF-8)."""
    return _decode(data, tagged=False)


def _decode(data: bytes, tagged: bool) -> Any:
    if not isinstance(data, bytes) or not data:
        raise MalformedPayload("no CBOR item")
    try:
        value = cbor2.loads(
            data, allow_indefinite=False, allow_duplicate_keys=False, max_depth=MAX_DEPTH + 2
        )
        if tagged:
            if not isinstance(value, cbor2.CBORTag) or value.tag != COSE_SIGN1_TAG:
                raise MalformedPayload("not a tagged COSE_Sign1 message")
            again = cbor2.dumps(cbor2.CBORTag(COSE_SIGN1_TAG, _ordered(value.value)))
            value = value.value
        else:
            again = encode(value)
    except MalformedPayload:
        raise
    except Exception as exc:  # noqa: BLE001 - any decoding problem is a malformed payload
        raise MalformedPayload("not a CBOR item of the payload data model") from exc
    if again != data:
        raise MalformedPayload("not the deterministic encoding of one CBOR item")
    return value


# --- Base45 ---------------------------------------------------------------------------------------
# RFC 9285 §4.2: two bytes n = a*256 + b are three characters c + d*45 + e*45*45 = n, least
# significant first; a last odd byte is two. Table-driven: one lookup per pair instead of the
# `base45` package's two divmods (6x faster on a receipt); the package stays the reference the
# tests compare with (tests/test_signed_codec.py), for every length and random bytes.
_B45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
_B45_PAIRS = [_B45[v % 45] + _B45[v // 45 % 45] + _B45[v // 2025] for v in range(65536)]
_B45_VALUE = {ch: i for i, ch in enumerate(_B45)}


def b45encode(data: bytes) -> str:
    """The Base45 text of `data` (RFC 9285 §4.2)."""
    even = len(data) & ~1
    parts = [_B45_PAIRS[v] for v in struct.unpack(f">{even // 2}H", data[:even])]
    if len(data) & 1:
        last = data[-1]
        parts.append(_B45[last % 45] + _B45[last // 45])
    return "".join(parts)


def b45decode(text: str) -> bytes:
    """The bytes of a canonical Base45 text (RFC 9285 §4); else MalformedPayload.

    Only the 45 characters, a length that is not 1 mod 3, and every group in range: then the text
    is the one encoding of its bytes, since each group of three characters (two for the last byte)
    in range stands for exactly one pair of bytes. No leniency: a newline is not in the alphabet."""
    if not isinstance(text, str) or not _BASE45.fullmatch(text) or len(text) % 3 == 1:
        raise MalformedPayload("not Base45")
    value = _B45_VALUE
    out = bytearray()
    full = len(text) - len(text) % 3
    for i in range(0, full, 3):
        n = value[text[i]] + value[text[i + 1]] * 45 + value[text[i + 2]] * 2025
        if n > 0xFFFF:
            raise MalformedPayload("not Base45")
        out += n.to_bytes(2, "big")
    if full < len(text):
        n = value[text[full]] + value[text[full + 1]] * 45
        if n > 0xFF:
            raise MalformedPayload("not Base45")
        out.append(n)
    return bytes(out)


# --- COSE_Sign1 with ES256 ------------------------------------------------------------------------
def sig_structure(protected: bytes, payload: bytes, external_aad: bytes = b"") -> bytes:
    """The bytes that are signed (RFC 9052 §4.4): ["Signature1", protected, external_aad, payload]."""
    return cbor2.dumps(["Signature1", protected, external_aad, payload])


def low_s(signature: bytes) -> bytes:
    """The same ES256 signature r || s with s replaced by n - s when s > n/2 (still valid)."""
    if len(signature) != SIGNATURE_BYTES:
        raise ValueError("an ES256 signature is 64 bytes")
    s = int.from_bytes(signature[32:], "big")
    if s > P256_ORDER // 2:
        s = P256_ORDER - s
    return signature[:32] + s.to_bytes(32, "big")


def es256_verify(key: ec.EllipticCurvePublicKey, signature: bytes, data: bytes) -> bool:
    """Check a raw r || s ES256 signature (RFC 9053 §2.1) over `data`."""
    if len(signature) != SIGNATURE_BYTES:
        return False
    der = encode_dss_signature(
        int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
    )
    try:
        key.verify(der, data, _ECDSA)
    except (InvalidSignature, ValueError):
        return False
    return True


def issue(
    prefix: str,
    kid: str,
    claims: Mapping[int, Any],
    sign: Callable[[bytes], bytes],
    typ: str | None = None,
) -> str:
    """The text `prefix` + Base45(COSE_Sign1) of `claims`, signed by `sign` (raw r || s ES256);
    `typ` adds the protected `typ` header (RFC 9596), as the format's `Shape.typ` requires."""
    if not _KID.fullmatch(kid) or not all(isinstance(k, int) for k in claims):
        raise ValueError("a key id of letters and digits, integer claim keys")
    header: dict[int, Any] = {HEADER_ALG: COSE_ALG_ES256, HEADER_KID: kid.encode()}
    if typ is not None:
        header[HEADER_TYP] = typ
    protected = encode(header)
    payload = encode(dict(claims))
    signature = low_s(sign(sig_structure(protected, payload)))
    message = cbor2.dumps(cbor2.CBORTag(COSE_SIGN1_TAG, [protected, {}, payload, signature]))
    return prefix + b45encode(message)


@dataclass(frozen=True)
class Signed:
    """A well-formed signed text split into its parts; the signature is NOT yet checked."""

    kid: str
    claims: dict[int, Any]
    protected: bytes
    payload: bytes
    signature: bytes
    typ: str | None = None  # the protected typ header (RFC 9596), when the format has one

    @property
    def signed_bytes(self) -> bytes:
        return sig_structure(self.protected, self.payload)


def parse(text: str, prefix: str, max_length: int = 2000, shape: Shape | None = None) -> Signed:
    """Split `text` into key id, claims and signature; MalformedPayload unless `text` is the one
    valid encoding (see the module docstring) and, with `shape`, its claims have that shape."""
    if not isinstance(text, str) or len(text) > max_length or not text.startswith(prefix):
        raise MalformedPayload("wrong prefix or size")
    parts = _decode(b45decode(text[len(prefix) :]), tagged=True)  # cbor2: a tag's array is a tuple
    if not isinstance(parts, list | tuple) or len(parts) != 4:
        raise MalformedPayload("a COSE_Sign1 is an array of four")
    protected, unprotected, payload, signature = parts
    if not (
        isinstance(protected, bytes)
        and isinstance(unprotected, Mapping)
        and len(unprotected) == 0
        and isinstance(payload, bytes)
        and isinstance(signature, bytes)
        and len(signature) == SIGNATURE_BYTES
    ):
        raise MalformedPayload("not a COSE_Sign1 of this profile")
    header = decode(protected)
    if not isinstance(header, dict) or set(header) - {HEADER_TYP} != {HEADER_ALG, HEADER_KID}:
        raise MalformedPayload("the protected header is exactly {alg, kid} (and typ)")
    typ = header.get(HEADER_TYP)
    if typ is not None and not isinstance(typ, str):
        raise MalformedPayload("typ is a media type")
    if header[HEADER_ALG] != COSE_ALG_ES256:
        raise MalformedPayload("algorithm not allowed")
    raw_kid = header[HEADER_KID]
    kid = raw_kid.decode("ascii", "replace") if isinstance(raw_kid, bytes) else ""
    if not _KID.fullmatch(kid):
        raise MalformedPayload("bad key id")
    claims = decode(payload)
    if not isinstance(claims, dict) or not all(isinstance(k, int) for k in claims):
        raise MalformedPayload("the claims are a map with integer keys")
    r, s = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
    if not (0 < r < P256_ORDER and 0 < s <= P256_ORDER // 2):
        raise MalformedPayload("the signature is not in its one (low-S) form")
    if shape is not None:
        if typ != shape.typ:
            raise MalformedPayload(f"{shape.name} has the typ header {shape.typ}")
        shape.check(claims)
    return Signed(kid, claims, protected, payload, signature, typ)


# --- claim shapes ---------------------------------------------------------------------------------
Check = Callable[[Any], bool]


def integer(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def natural(value: Any) -> bool:
    return integer(value) and value >= 0


def text(value: Any) -> bool:
    return isinstance(value, str)


def octets(length: int) -> Check:
    return lambda value: isinstance(value, bytes) and len(value) == length


def naturals(count: int) -> Check:
    return lambda value: (
        isinstance(value, list) and len(value) == count and all(map(natural, value))
    )


def text_map(value: Any) -> bool:
    return isinstance(value, dict) and all(text(k) and text(v) for k, v in value.items())


def one_of(*choices: Any) -> Check:
    return lambda value: not isinstance(value, bool) and value in choices


@dataclass(frozen=True)
class Shape:
    """The claims of one format: exactly these integer keys, each value passing its check."""

    name: str
    claims: Mapping[int, Check]
    typ: str | None = None  # the protected typ header the format requires (None: none allowed)

    def check(self, claims: dict[int, Any]) -> None:
        if set(claims) != set(self.claims):
            raise MalformedPayload(f"not the claims of {self.name}")
        for key, check in self.claims.items():
            if not check(claims[key]):
                raise MalformedPayload(f"claim {key} of {self.name} has the wrong type")


# credential QR payloads (DL1:, VL1:, DC1:); keys documented in core/documents/credentials.py
C_KIND, C_HANDLE, C_STATUS_REF, C_EXP, C_IAT, C_NONCE, C_CLASSES, C_STATUS, C_VALID_UNTIL = (
    1, 2, 3, 4, 6, 7, 8, 9, 10,
)  # fmt: skip
CREDENTIAL_PREFIXES = {"DL1:": "DL", "VL1:": "VL", "DC1:": "DC"}
# bit i of a DL payload's class mask (claim 8) is CLASS_ORDER[i] (the licence classes, 准驾车型);
# fixed for ever: issued payloads and every verifier decode with it. New classes go at the end.
CLASS_ORDER = ("A1", "A2", "A3", "B1", "B2", "C1", "C2", "C3", "C4", "C5", "C6", "D", "E", "F", "M", "N", "P")  # fmt: skip


def credential_shape(kind: str) -> Shape:
    """Claims of a credential payload of `kind` (DL: classes as a bit mask; VL, DC: type code)."""
    return Shape(
        f"{kind}1",
        {
            C_KIND: one_of(kind),
            C_HANDLE: octets(10),
            C_STATUS_REF: naturals(2),
            C_EXP: natural,
            C_IAT: natural,
            C_NONCE: octets(4),
            C_CLASSES: natural if kind == "DL" else text,
            C_STATUS: one_of(0, 1, 2),
            C_VALID_UNTIL: natural,
        },
    )


# signed status list (SL1:, issued until the IETF format SL2:): list id, bits per entry, capacity,
# zlib bytes, issued at, TTL
STATUS_LIST = Shape(
    "SL1",
    {
        1: natural,
        2: one_of(2),
        3: natural,
        4: lambda v: isinstance(v, bytes),
        5: natural,
        6: natural,
    },
)
# signed trust list (TL1:): the published document keys as a JSON array
TRUST_LIST = Shape("TL1", {1: text})
# verification receipt (VR1:): receipt id, credential handle, verifier, epoch seconds, result,
# disclosed claims, purpose, live status (issued until the audit log named its entries)
RECEIPT = Shape(
    "VR1",
    {1: text, 2: text, 3: text, 4: natural, 5: text, 6: text_map, 7: text, 8: text},
)
# verification receipt (VR2:): VR1's claims, plus the audit entry it is logged under: 9 audit log
# id, 10 audit event id, 11 the entry's leaf hash (SHA-256, RFC 9162 §2.1.1)
RECEIPT_V2 = Shape(
    "VR2",
    {**RECEIPT.claims, 9: text, 10: text, 11: octets(32)},
)
# signed tree head of an audit log (TH1:): log id, tree size, root hash, timestamp (ms)
TREE_HEAD = Shape("TH1", {1: text, 2: natural, 3: octets(32), 4: natural})
