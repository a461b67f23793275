"""Token Status List (IETF draft-ietf-oauth-status-list), as a CWT.

Each issued credential gets a random index in one of several lists (so a verifier caching a list
cannot single out a holder by position, and no list reveals the issuance order). A list is a bit
array with 2 bits per entry (0 VALID, 1 INVALID, 2 SUSPENDED), entry i in bits 2i..2i+1 counted
from the least significant bit of byte 0 (the draft's order), compressed with zlib (RFC 1950).

The Status List Token is a CWT (RFC 8392): a COSE_Sign1 signed with the platform's "document" key,
protected header {alg ES256, kid, typ "application/statuslist+cwt"}, claims 2 sub (the list's URI,
`verifier.status_list.STATUS_LIST_URI`), 6 iat, 65534 ttl, 65533 status_list {"bits": 2, "lst": zlib bytes}. It
travels as text like every other signed artefact: `SL2:` + Base45 of the CWT's bytes (strip the
prefix and Base45-decode to get the `application/statuslist+cwt` body). A QR payload's claim 3
[list id, idx] refers to entry idx of the list whose `sub` is STATUS_LIST_URI.format(list id).
"""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Iterable
from typing import Any

from core.documents.keys import KeyRing
from core.documents.qr import parse_payload
from verifier import codec
from verifier import status_list as token

PREFIX = token.PREFIX
BITS = 2
VALID, INVALID, SUSPENDED = 0, 1, 2
STATUS_NAMES = {VALID: "VALID", INVALID: "INVALID", SUSPENDED: "SUSPENDED"}


def list_uri(list_id: int) -> str:
    """The URI of list `list_id`: its token's `sub`, the `uri` of a status reference."""
    return token.STATUS_LIST_URI.format(list_id)


def encode(statuses: Iterable[tuple[int, int]], capacity: int) -> bytes:
    """zlib-compressed 2-bit array of `capacity` entries; `statuses` gives (index, status)."""
    raw = bytearray((capacity * BITS + 7) // 8)
    for index, status in statuses:
        if not 0 <= index < capacity or not 0 <= status <= 3:
            raise ValueError("index or status out of range")
        bit = index * BITS
        raw[bit // 8] |= (status & 3) << (bit % 8)
    return zlib.compress(bytes(raw), 9)


def lookup(raw: bytes, index: int) -> int:
    """The status at `index` of an uncompressed array."""
    bit = index * BITS
    return (raw[bit // 8] >> (bit % 8)) & 3


def sign_list(
    keys: KeyRing, list_id: int, compressed: bytes, capacity: int, issued: dt.datetime, ttl: int
) -> str:
    """The signed Status List Token (`SL2:` text) of list `list_id`: `compressed` is `encode`'s
    zlib bytes of `capacity` entries (the format states no size: a reader derives it from the
    uncompressed length), `ttl` in seconds."""
    del capacity
    claims: dict[int, Any] = {
        token.CWT_SUB: list_uri(list_id),
        token.CWT_IAT: int(issued.timestamp()),
        token.CWT_TTL: ttl,
        token.CWT_STATUS_LIST: {"bits": BITS, "lst": compressed},
    }
    key = keys.active("document")
    return codec.issue(PREFIX, key.kid, claims, key.sign, typ=token.STATUS_LIST_TYP)


MAX_TEXT = 2_000_000  # characters of a signed list (about 25 000 when 1% of a full list is set)


def parse_list(text: str) -> dict[int, Any]:
    """Claims of a signed list WITHOUT checking its signature (the verifier does that); raises
    QrFormatError unless `text` is the one valid encoding of a Status List Token."""
    return parse_payload(text, PREFIX, token.STATUS_LIST_TOKEN, max_length=MAX_TEXT).claims
