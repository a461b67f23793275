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

Freshness: a stored list is served until it is older than half its TTL, and the 15-minute job
rebuilds every list; on top of that, any flush that changes what a list says (a driving licence's
status, points or validity, a vehicle's status, a credential revoked: WATCHED) marks the lists
holding that subject's credentials stale in the same transaction, so the next fetch rebuilds them
(`mark_stale_on_change`). Changes written with bulk SQL instead of the ORM are caught by the job.
"""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Iterable
from typing import Any

from sqlalchemy import event, select, update
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session as OrmSession

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


# --- marking lists stale when the registry changes ----------------------------------------------
# table -> the columns whose change can change a status-list entry of a credential of that row
WATCHED: dict[str, tuple[str, ...]] = {
    "driving_licences": ("status", "points", "valid_until"),
    "vehicles": ("status",),
}
REVOKED_TABLE, REVOKED_COLUMN = "credentials_issued", "revoked_at"
STALE_ISSUED_AT = dt.datetime(
    2000, 1, 1, tzinfo=dt.UTC
)  # "issued" long ago: the next fetch rebuilds the list


def _changed(obj: Any, columns: tuple[str, ...]) -> bool:
    state = sa_inspect(obj)
    return any(state.attrs[c].history.has_changes() for c in columns if c in state.attrs)


def mark_stale_on_change(session: OrmSession, flush_context: Any) -> None:
    """after_flush listener: mark stale (issued long ago) the stored lists that hold a credential
    of a row whose WATCHED columns this flush changed, or a credential it revoked."""
    subjects: set[str] = set()
    lists: set[int] = set()
    for obj in session.dirty:
        table = getattr(getattr(obj, "__table__", None), "name", None)
        if table in WATCHED and _changed(obj, WATCHED[table]):
            subjects.add(obj.id)
        elif table == REVOKED_TABLE and _changed(obj, (REVOKED_COLUMN,)):
            lists.add(obj.list_id)
    if not subjects and not lists:
        return
    from core.documents.credentials import IssuedCredential, StatusListRecord

    issued = IssuedCredential.__table__  # type: ignore[attr-defined]
    records = StatusListRecord.__table__  # type: ignore[attr-defined]
    connection = session.connection()
    if subjects:
        found = connection.execute(
            select(issued.c.list_id).where(issued.c.subject_id.in_(sorted(subjects))).distinct()
        )
        lists.update(row[0] for row in found)
    if lists:
        connection.execute(
            update(records)
            .where(records.c.list_id.in_(sorted(lists)))
            .values(issued_at=STALE_ISSUED_AT)
        )


if not event.contains(OrmSession, "after_flush", mark_stale_on_change):
    event.listen(OrmSession, "after_flush", mark_stale_on_change)
