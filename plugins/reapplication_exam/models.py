"""Tables of M17: registrations for the re-application exams and their subject results."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Field, SQLModel

from core.db import json_field
from core.ids import new_id


class Registration(SQLModel, table=True):
    """A registration (报名) to restore a licence cancelled after 3 years without renewal."""

    __tablename__ = "reapplication_exam_registrations"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    person_id: str = Field(foreign_key="persons.id", index=True)
    licence_id: str = Field(foreign_key="driving_licences.id", index=True)
    city_code: str = Field(max_length=6, index=True)
    original_classes: str = Field(max_length=60)
    requested_classes: str = Field(max_length=60)
    registered_on: dt.date
    subject2_booked_on: dt.date | None = None
    passed: list[str] = json_field([])  # subjects passed
    failed: list[str] = json_field([])  # subjects failed at least once
    status: str = Field(default="OPEN", max_length=16)  # OPEN | RESTORED | CANCELLED
    transition_notified_at: dt.datetime | None = None
    created_at: dt.datetime
    updated_at: dt.datetime
