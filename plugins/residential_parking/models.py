"""Tables of M05; names start with `residential_parking_`. Versions are never deleted."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Field, SQLModel

from core.db import json_field
from core.ids import new_id


class ParkingSegment(SQLModel, table=True):
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
    windows: list[dict] = json_field([])  # [{"kind": NIGHT|WEEKEND|HOLIDAY, "start": m, "end": m}]
    marking: str = Field(max_length=12)  # SIGN_ONLY | BAYS
    bay_count: int = 0
    bay_time_marked: bool = False
    signs_installed_on: dt.date | None = None
    created_at: dt.datetime
    updated_at: dt.datetime


class ParkingSegmentVersion(SQLModel, table=True):
    """One designation, adjustment or withdrawal of a segment (the history)."""

    __tablename__ = "residential_parking_versions"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    segment_id: str = Field(foreign_key="residential_parking_segments.id", index=True)
    version: int
    action: str = Field(max_length=12)  # DESIGNATE | ADJUST | WITHDRAW | SIGNS
    status: str = Field(max_length=12)  # status after this version
    windows: list[dict] = json_field([])
    marking: str = Field(max_length=12)
    bay_count: int = 0
    bay_time_marked: bool = False
    signs_installed_on: dt.date | None = None
    reason: str | None = Field(default=None, max_length=24)
    note: str | None = Field(default=None, max_length=300)
    effective_at: dt.datetime
    actor_account_id: str | None = Field(default=None, max_length=16)
