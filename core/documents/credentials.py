"""Issued electronic credentials (e-driving licence, e-vehicle licence, e-deregistration certificate).

One registry for every kind, so status lists, QR rendering and the partner verifier are shared:
- `IssuedCredential` rows: an opaque random `handle` (what the QR carries instead of any personal
  data), the kind, the registry record it stands for (`subject_id`: a licence or vehicle id), the
  holder, and a random position in one of several status lists.
- Status sources: each plugin registers, per kind, how to compute the status of its credentials
  from the live registry (the `register_status_sources` hook; `platform_sources`), so a status
  list is always derived from the
  registry (a licence seized or cancelled shows in the next list) and never from a copy.
- `build_status_list` / `current_status_list`: compress and sign one list, cached in a table.
- `render_svg` / `render_png`: the QR image (segno, alphanumeric mode, error level M).
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import secrets
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import Text, UniqueConstraint, select
from sqlmodel import Field, Session, SQLModel

from core.db import stamp
from core.documents import status_list as sl
from core.documents.keys import KeyRing
from verifier import codec

# claim keys of every credential QR payload (small integers keep the QR small); defined once, with
# the claims' types, in the verifier's codec (`codec.credential_shape`), which both sides check
C_KIND = codec.C_KIND  # 1: "DL" | "VL" | "DC"
C_HANDLE = codec.C_HANDLE  # 2: 10 random bytes: the credential's opaque handle
C_STATUS_REF = codec.C_STATUS_REF  # 3: [list id, index]
C_EXP = codec.C_EXP  # 4: payload expiry, epoch seconds (minutes after iat)
C_IAT = codec.C_IAT  # 6: payload issued-at, epoch seconds
C_NONCE = codec.C_NONCE  # 7: 4 random bytes: two payloads of the same window differ
C_CLASSES = codec.C_CLASSES  # 8: DL: classes as a bit mask (CLASS_ORDER); VL/DC: type code "K33"
C_STATUS = codec.C_STATUS  # 9: status at signing: 0 valid, 1 invalid, 2 suspended
C_VALID_UNTIL = codec.C_VALID_UNTIL  # 10: document validity, YYYYMMDD integer (0: none)
credential_shape = codec.credential_shape

CLASS_ORDER = codec.CLASS_ORDER  # bit i of the DL class mask (defined once, in the codec)

LIST_COUNT = 4  # several lists: a verifier cannot profile one holder by list or position
LIST_CAPACITY = 1 << 20  # 1,048,576 entries (256 KiB raw, ~16 KB compressed at 1% revoked)
LIST_TTL_SECONDS = 3600  # a handheld may use a cached list for one hour


class IssuedCredential(SQLModel, table=True):
    """One issued credential. Never holds personal data beyond the holder's person id."""

    __tablename__ = "credentials_issued"
    __table_args__ = (UniqueConstraint("list_id", "list_index"),)

    handle: str = Field(primary_key=True, max_length=20)
    kind: str = Field(max_length=4)
    subject_id: str = Field(max_length=16, index=True)
    holder_person_id: str | None = Field(default=None, max_length=16, index=True)
    list_id: int
    list_index: int
    issued_at: dt.datetime
    revoked_at: dt.datetime | None = None
    revoked_reason: str | None = Field(default=None, max_length=80)


class StatusListRecord(SQLModel, table=True):
    """The latest signed status list per list id (rebuilt when older than half its TTL)."""

    __tablename__ = "credentials_status_lists"

    list_id: int = Field(primary_key=True)
    issued_at: dt.datetime
    ttl: int
    token: str = Field(sa_type=Text)


StatusSource = Callable[[Session, int, dt.date], Iterable[tuple[int, int]]]


def classes_to_mask(classes: str) -> int:
    """ "C1 C6" -> bit mask: at most 3 bytes in the QR whatever the number of classes."""
    mask = 0
    for name in classes.split():
        mask |= 1 << CLASS_ORDER.index(name)
    return mask


def mask_to_classes(mask: int) -> str:
    return " ".join(name for i, name in enumerate(CLASS_ORDER) if mask >> i & 1)


def handle_to_bytes(handle: str) -> bytes:
    return base64.b32decode(handle + "=" * (-len(handle) % 8))


def handle_from_bytes(raw: bytes) -> str:
    return base64.b32encode(raw).decode().rstrip("=")


def issue(
    session: Session,
    now: dt.datetime,
    kind: str,
    subject_id: str,
    holder_person_id: str | None,
    lists: int = LIST_COUNT,
    capacity: int = LIST_CAPACITY,
) -> IssuedCredential:
    """Create a credential with a fresh random handle and a random free status-list slot."""
    table = IssuedCredential.__table__  # type: ignore[attr-defined]
    for _ in range(16):
        list_id = secrets.randbelow(lists)
        index = secrets.randbelow(capacity)
        taken = session.execute(
            select(table.c.handle).where(table.c.list_id == list_id, table.c.list_index == index)
        ).first()
        if taken is None:
            break
    else:  # pragma: no cover - 16 collisions in a sparse list do not happen
        raise RuntimeError("status lists are full")
    credential = IssuedCredential(
        handle=handle_from_bytes(secrets.token_bytes(10)),
        kind=kind,
        subject_id=subject_id,
        holder_person_id=holder_person_id,
        list_id=list_id,
        list_index=index,
        issued_at=stamp(now),
    )
    session.add(credential)
    session.flush()
    return credential


def active_for_subject(session: Session, kind: str, subject_id: str) -> IssuedCredential | None:
    return (
        session.exec(  # type: ignore[call-overload]
            select(IssuedCredential).where(
                IssuedCredential.kind == kind,
                IssuedCredential.subject_id == subject_id,
                IssuedCredential.revoked_at.is_(None),  # type: ignore[union-attr]
            )
        )
        .scalars()
        .first()
    )


def revoke_for_subject(
    session: Session, now: dt.datetime, kind: str, subject_id: str, reason: str
) -> int:
    """Revoke every live credential of `kind` for a registry record (in the caller's transaction)."""
    count = 0
    for credential in session.exec(  # type: ignore[call-overload]
        select(IssuedCredential).where(
            IssuedCredential.kind == kind,
            IssuedCredential.subject_id == subject_id,
            IssuedCredential.revoked_at.is_(None),  # type: ignore[union-attr]
        )
    ).scalars():
        credential.revoked_at = stamp(now)
        credential.revoked_reason = reason[:80]
        session.add(credential)
        count += 1
    return count


def revoked_entries(session: Session, list_id: int) -> Iterable[tuple[int, int]]:
    """Entries of revoked credentials (any kind): INVALID whatever the registry says."""
    table = IssuedCredential.__table__  # type: ignore[attr-defined]
    rows = session.execute(
        select(table.c.list_index).where(
            table.c.list_id == list_id, table.c.revoked_at.is_not(None)
        )
    )
    return ((row[0], sl.INVALID) for row in rows)


def platform_sources(platform: Any) -> list[StatusSource]:
    """The status source of every credential kind the platform's measures issue."""
    return [spec.source for spec in platform.status_sources.values()]


def build_status_list(
    session: Session,
    keys: KeyRing,
    list_id: int,
    now: dt.datetime,
    sources: Iterable[StatusSource],
    capacity: int = LIST_CAPACITY,
) -> str:
    """Compute one list from the live registries (`sources`: each credential kind's status
    source, `platform.status_sources`), sign it and store it."""
    statuses: dict[int, int] = {}
    for source in sources:
        for index, status in source(session, list_id, now.date()):
            statuses[index] = status
    for index, status in revoked_entries(session, list_id):
        statuses[index] = status
    token = sl.sign_list(
        keys,
        list_id,
        sl.encode(statuses.items(), capacity),
        capacity,
        now,
        LIST_TTL_SECONDS,
    )
    record = session.get(StatusListRecord, list_id)
    if record is None:
        record = StatusListRecord(
            list_id=list_id, issued_at=stamp(now), ttl=LIST_TTL_SECONDS, token=token
        )
    record.issued_at, record.ttl, record.token = stamp(now), LIST_TTL_SECONDS, token
    session.add(record)
    return token


def current_status_list(
    session: Session,
    keys: KeyRing,
    list_id: int,
    now: dt.datetime,
    sources: Iterable[StatusSource],
) -> str:
    """The stored list if younger than half its TTL, else a freshly built one."""
    record = session.get(StatusListRecord, list_id)
    if record is not None and record.token.startswith(sl.PREFIX):  # else: a former format
        issued = (
            record.issued_at if record.issued_at.tzinfo else record.issued_at.replace(tzinfo=dt.UTC)
        )
        if dt.timedelta(0) <= now - issued < dt.timedelta(seconds=record.ttl // 2):
            return record.token
    return build_status_list(session, keys, list_id, now, sources)


def rebuild_all(
    session: Session,
    keys: KeyRing,
    now: dt.datetime,
    sources: Iterable[StatusSource],
    lists: int = LIST_COUNT,
) -> int:
    sources = list(sources)
    for list_id in range(lists):
        build_status_list(session, keys, list_id, now, sources)
    return lists


def status_ref(credential: Any) -> list[int]:
    return [credential.list_id, credential.list_index]


def render_svg(text: str, scale: int = 4) -> str:
    """The QR as SVG: alphanumeric mode (Base45 fits it), error correction level M."""
    import segno

    qr = segno.make_qr(text, error="m", mode="alphanumeric", boost_error=False)
    buffer = io.BytesIO()
    qr.save(buffer, kind="svg", scale=scale, border=4, xmldecl=False)
    return buffer.getvalue().decode()


def render_png(text: str, scale: int = 4) -> bytes:
    import segno

    qr = segno.make_qr(text, error="m", mode="alphanumeric", boost_error=False)
    buffer = io.BytesIO()
    qr.save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()


def qr_version(text: str) -> int:
    import segno

    return int(segno.make_qr(text, error="m", mode="alphanumeric", boost_error=False).version)


def signed_trust_list(keys: KeyRing) -> str:
    """The published document keys as a signed trust list ("TL1:"), for offline readers.

    Signed with the ACTIVE document key, which was published as NEXT before it signed anything,
    so a reader that trusted the previous list can check this one."""
    import json

    from core.documents.qr import sign_payload

    published = [k for k in keys.jwks()["keys"] if k.get("purpose") == "document"]
    return sign_payload(
        "TL1:", {1: json.dumps(published, separators=(",", ":"))}, keys.active("document")
    )
