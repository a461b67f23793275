"""The status-list source of e-vehicle licences: live vehicle status per list entry."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from sqlalchemy import select
from sqlmodel import Session

from core.documents import credentials as cred
from core.registries.vehicles import Vehicle

from . import rules

_CRED = cred.IssuedCredential.__table__  # type: ignore[attr-defined]
_VEH = Vehicle.__table__  # type: ignore[attr-defined]


def vl_statuses(session: Session, list_id: int, today: dt.date) -> Iterator[tuple[int, int]]:
    stmt = (
        select(_CRED.c.list_index, _VEH.c.status)
        .select_from(_CRED.join(_VEH, _VEH.c.id == _CRED.c.subject_id))
        .where(
            _CRED.c.kind == "VL",
            _CRED.c.list_id == list_id,
            _CRED.c.revoked_at.is_(None),
            _VEH.c.status != "NORMAL",
        )
    )
    for index, status in session.execute(stmt):
        code, _ = rules.live_status(status)
        if code:
            yield index, code
