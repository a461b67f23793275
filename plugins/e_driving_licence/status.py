"""The status-list source of e-driving licences: live registry status per list entry."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from sqlalchemy import select
from sqlmodel import Session

from core.documents import credentials as cred
from core.registries.licences import DrivingLicence

from . import rules

_CRED = cred.IssuedCredential.__table__  # type: ignore[attr-defined]
_LIC = DrivingLicence.__table__  # type: ignore[attr-defined]


def dl_statuses(session: Session, list_id: int, today: dt.date) -> Iterator[tuple[int, int]]:
    """(index, status) of every e-licence in `list_id` whose licence is not VALID today."""
    stmt = (
        select(_CRED.c.list_index, _LIC.c.status, _LIC.c.valid_until, _LIC.c.points)
        .select_from(_CRED.join(_LIC, _LIC.c.id == _CRED.c.subject_id))
        .where(_CRED.c.kind == "DL", _CRED.c.list_id == list_id, _CRED.c.revoked_at.is_(None))
    )
    for index, status, valid_until, points in session.execute(stmt):
        if status == "NORMAL" and points < rules.POINTS_LIMIT and valid_until >= today:
            continue
        code, _ = rules.live_status(status, valid_until, points, today)
        if code:
            yield index, code
