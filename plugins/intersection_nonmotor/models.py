"""M18 tables: intersections with their non-motor design, staffing shifts, enforcement records."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Field, SQLModel

from core.db import json_field
from core.ids import new_id


class Intersection(SQLModel, table=True):
    """A city intersection, its non-motor design (as validated) and key-intersection status."""

    __tablename__ = "intersection_nonmotor_intersections"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    city_code: str = Field(max_length=6, index=True)
    name: str = Field(max_length=100)
    design: dict = json_field({})  # the Design fields, camelCase-free snake_case keys
    left_turn: str = Field(max_length=16)
    advice: list[str] = json_field([])
    key_reasons: list[str] = json_field([])  # empty = not a key intersection
    key_since: dt.date | None = None
    updated_by: str | None = Field(default=None, max_length=16)
    created_at: dt.datetime
    updated_at: dt.datetime


class DayRecord(SQLModel):
    """The columns of a record of one day at an intersection (no table of its own)."""

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    intersection_id: str = Field(foreign_key="intersection_nonmotor_intersections.id", index=True)
    city_code: str = Field(max_length=6, index=True)
    day: dt.date
    flags: list[str] = json_field([])  # RecordFlag values: what the city's policy would not expect
    recorded_by: str | None = Field(default=None, max_length=16)
    recorded_at: dt.datetime


class StaffingShift(DayRecord, table=True):
    """Staff on duty at a key intersection on one day (六-三)."""

    __tablename__ = "intersection_nonmotor_staffing"

    police: int
    auxiliaries: int
    volunteers: int


class EnforcementRecord(DayRecord, table=True):
    """Counts of non-motor violations dealt with at an intersection on one day (no personal data)."""

    __tablename__ = "intersection_nonmotor_enforcement"

    kind: str = Field(max_length=16)
    action: str = Field(max_length=24)
    count: int
