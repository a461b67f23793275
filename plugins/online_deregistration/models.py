"""Tables of M15 (prefixed with the slug)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from core.ids import new_id


class DeregCertificate(SQLModel, table=True):
    """The electronic deregistration certificate (机动车注销证明电子版); paper is still issued."""

    __tablename__ = "online_deregistration_certificates"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    number: str = Field(max_length=24, unique=True)
    vehicle_id: str = Field(max_length=16, index=True)
    owner_person_id: str | None = Field(default=None, max_length=16, index=True)
    reason: str = Field(max_length=16)
    deregistered_on: dt.date
    city_code: str = Field(max_length=6)
    handle: str = Field(max_length=20)
    paper_issued: bool = True
    issued_at: dt.datetime


class DeregScrapReport(SQLModel, table=True):
    """Scrap information from a scrapping firm (possibly in another city)."""

    __tablename__ = "online_deregistration_scrap_reports"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    vehicle_id: str = Field(max_length=16, index=True)
    registration_city: str = Field(max_length=6, index=True)
    scrap_city: str | None = Field(default=None, max_length=6)
    reporter_org_id: str | None = Field(default=None, max_length=16)
    recycling_certificate_no: str = Field(max_length=40)
    scrapped_on: dt.date
    received_at: dt.datetime
    received_on: dt.date
    processed_at: dt.datetime | None = None
    overdue_flagged_at: dt.datetime | None = None
    # RECEIVED -> PROCESSED (deregistered) | REJECTED (the office, with its reason): workflow.py
    status: str = Field(default="RECEIVED", max_length=12, index=True)
    close_reason: str | None = Field(default=None, max_length=500)
    closed_by: str | None = Field(default=None, max_length=16)
    closed_at: dt.datetime | None = None


class DeregReminder(SQLModel, table=True):
    """One scrap-deadline reminder per vehicle and deadline (never twice)."""

    __tablename__ = "online_deregistration_reminders"
    __table_args__ = (UniqueConstraint("vehicle_id", "scrap_deadline"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    vehicle_id: str = Field(max_length=16)
    scrap_deadline: dt.date
    sent_at: dt.datetime
