"""Token Status List (IETF draft-ietf-oauth-status-list style), written for this platform.

Each issued credential gets a random index in one of several lists (so a verifier caching a list
cannot single out a holder by position, and no list reveals the issuance order). A list is a bit
array with 2 bits per entry (0 VALID, 1 INVALID, 2 SUSPENDED), LSB-first within each byte as in
the draft, zlib-compressed, and signed with the platform's "document" key as a COSE_Sign1 message
behind the prefix `SL1:` (the same format as the QR payloads, so one verifier parses both).

Claims of a signed list: 1 list id, 2 bits per entry, 3 capacity (entries), 4 zlib bytes,
5 issued-at (epoch s), 6 time-to-live (s).
"""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Iterable
from typing import Any

from core.documents.keys import KeyRing
from core.documents.qr import parse_payload, sign_payload
from verifier.codec import STATUS_LIST

PREFIX = "SL1:"
BITS = 2
VALID, INVALID, SUSPENDED = 0, 1, 2
STATUS_NAMES = {VALID: "VALID", INVALID: "INVALID", SUSPENDED: "SUSPENDED"}

L_ID, L_BITS, L_SIZE, L_LST, L_IAT, L_TTL = 1, 2, 3, 4, 5, 6


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
    claims: dict[int, Any] = {
        L_ID: list_id,
        L_BITS: BITS,
        L_SIZE: capacity,
        L_LST: compressed,
        L_IAT: int(issued.timestamp()),
        L_TTL: ttl,
    }
    return sign_payload(PREFIX, claims, keys.active("document"))


MAX_TEXT = 2_000_000  # characters of a signed list (about 25 000 when 1% of a full list is set)


def parse_list(text: str) -> dict[int, Any]:
    """Claims of a signed list WITHOUT checking its signature (the verifier does that); raises
    QrFormatError unless `text` is the one valid encoding of a list."""
    return parse_payload(text, PREFIX, STATUS_LIST, max_length=MAX_TEXT).claims
