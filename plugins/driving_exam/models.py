"""Tables of M03: learner permits (学习驾驶证明), exam bookings and exam-city changes."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Field, SQLModel

from core.ids import new_id


class ExamPermit(SQLModel, table=True):
    """A learner permit for one class: the start of the Subject 3 booking interval."""

    __tablename__ = "driving_exam_permits"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    person_id: str = Field(foreign_key="persons.id", index=True)
    licence_class: str = Field(max_length=4)
    kind: str = Field(max_length=8)  # FIRST | ADD
    issued_on: dt.date
    origin_city: str = Field(max_length=6, index=True)  # where the application was registered
    exam_city: str = Field(max_length=6, index=True)  # current exam location
    location_changes: int = 0
    driving_school: str | None = Field(default=None, max_length=40)
    status: str = Field(default="ACTIVE", max_length=16)  # ACTIVE | CLOSED
    created_by: str | None = Field(default=None, max_length=16)
    created_at: dt.datetime


class ExamBooking(SQLModel, table=True):
    """A booked exam (Subject 2 or 3) with the decision that allowed it."""

    __tablename__ = "driving_exam_bookings"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    permit_id: str = Field(foreign_key="driving_exam_permits.id", index=True)
    subject: int
    exam_city: str = Field(max_length=6)
    exam_date: dt.date
    booked_on: dt.date
    rule: str = Field(max_length=200)
    explanation: str = Field(max_length=400)
    created_at: dt.datetime


class ExamTransfer(SQLModel, table=True):
    """One change of exam location of a split (异地分科目) exam."""

    __tablename__ = "driving_exam_transfers"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    permit_id: str = Field(foreign_key="driving_exam_permits.id", index=True)
    from_city: str = Field(max_length=6, index=True)
    to_city: str = Field(max_length=6, index=True)
    driving_school: str | None = Field(default=None, max_length=40, index=True)
    on_day: dt.date = Field(index=True)
    sequence: int  # 1st, 2nd, 3rd change of this permit
    created_at: dt.datetime
