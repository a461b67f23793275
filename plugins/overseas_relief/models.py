"""Tables of M08: the built-in exit-entry records (出入境记录) and the restoration files."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Field, SQLModel

from core.ids import new_id


class BorderCrossing(SQLModel, table=True):
    """One exit or entry as the exit-entry administration records it (the built-in adapter's data)."""

    __tablename__ = "overseas_relief_border_crossings"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    id_number: str = Field(max_length=40, index=True)  # the source's key; never logged or returned
    day: dt.date
    direction: str = Field(max_length=8)  # EXIT | ENTRY
    port: str | None = Field(default=None, max_length=40)
