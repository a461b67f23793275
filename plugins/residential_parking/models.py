"""Tables of M05; names start with `residential_parking_`. Versions are never deleted."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlmodel import Field, SQLModel

from core.db import json_field
from core.ids import new_id


class SegmentLayout(SQLModel):
    """Where and when residents may park on a segment: the columns of the segment that each of
    its versions records (no table of its own)."""

    windows: list[dict] = json_field([])  # [{"kind": NIGHT|WEEKEND|HOLIDAY, "start": m, "end": m}]
    marking: str = Field(max_length=12)  # SIGN_ONLY | BAYS
    bay_count: int = 0
    bay_time_marked: bool = False
    signs_installed_on: dt.date | None = None

    def layout(self) -> dict[str, Any]:
        """The values of these columns (the windows copied), for a version to record."""
        return {
            "windows": list(self.windows),
            "marking": self.marking,
            "bay_count": self.bay_count,
            "bay_time_marked": self.bay_time_marked,
            "signs_installed_on": self.signs_installed_on,
        }


class ParkingSegment(SegmentLayout, table=True):
    """A road segment (支路路段) where residents may park at designated times; the current state."""

    __tablename__ = "residential_parking_segments"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    city_code: str = Field(max_length=6, index=True)
    county: str | None = Field(default=None, max_length=50)  # 区 / 县
    road: str = Field(max_length=100)
    section: str = Field(max_length=200)  # from ... to ...
    emergency_route: bool = False  # set when emergency access is affected (五-三)
    status: str = Field(default="ACTIVE", max_length=12)  # ACTIVE | WITHDRAWN
    version: int = 1
    created_at: dt.datetime
    updated_at: dt.datetime


class ParkingSegmentVersion(SegmentLayout, table=True):
    """One designation, adjustment or withdrawal of a segment (the history)."""

    __tablename__ = "residential_parking_versions"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    segment_id: str = Field(foreign_key="residential_parking_segments.id", index=True)
    version: int
    action: str = Field(max_length=12)  # DESIGNATE | ADJUST | WITHDRAW | SIGNS
    status: str = Field(max_length=12)  # status after this version
    reason: str | None = Field(default=None, max_length=24)
    note: str | None = Field(default=None, max_length=300)
    effective_at: dt.datetime
    actor_account_id: str | None = Field(default=None, max_length=16)
