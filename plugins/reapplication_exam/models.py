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
    status: str = Field(default="OPEN", max_length=16)  # rules.RegistrationStatus
    closed_note: str | None = Field(default=None, max_length=500)  # why withdrawn / closed
    transition_notified_at: dt.datetime | None = None
    created_at: dt.datetime
    updated_at: dt.datetime


class ProspectNotice(SQLModel, table=True):
    """A holder of a licence that qualifies for the measure, told of it before registering
    (2024-五-三 "对新措施实施前拟报名注销恢复驾驶资格考试…的申请人，要针对性加强告知提醒"): one row
    per licence, so each is told once."""

    __tablename__ = "reapplication_exam_prospect_notices"

    licence_id: str = Field(foreign_key="driving_licences.id", primary_key=True, max_length=16)
    person_id: str = Field(foreign_key="persons.id", index=True)
    city_code: str = Field(max_length=6, index=True)
    notified_at: dt.datetime
