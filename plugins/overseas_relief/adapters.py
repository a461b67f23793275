"""Exit-entry records behind a name, with a built-in table-backed implementation."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlmodel import Session, select

from .models import BorderCrossing

ADAPTER = "exit_entry_records"


class ExitEntryUnavailable(Exception):
    """The exit-entry source did not answer."""


class TableExitEntryRecords:
    """Reads `overseas_relief_border_crossings`; `down = True` simulates an outage in tests."""

    def __init__(self, platform: Any = None) -> None:
        self.down = False

    def crossings(self, session: Session, id_number: str) -> list[tuple[dt.date, str]]:
        if self.down:
            raise ExitEntryUnavailable(ADAPTER)
        rows = session.exec(
            select(BorderCrossing)
            .where(BorderCrossing.id_number == id_number)
            .order_by(BorderCrossing.day, BorderCrossing.id)
        ).all()
        return [(r.day, r.direction) for r in rows]
