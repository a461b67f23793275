"""M16 tables: pilot areas, agreements, courier staff, bookings and their tracking events."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Field, SQLModel

from core.db import json_field
from core.ids import new_id


class PilotArea(SQLModel, table=True):
    """A pilot area (试点地区) of a city with its business scope, chosen by the province (四-一-1)."""

    __tablename__ = "courier_service_pilot_areas"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    province_code: str = Field(max_length=6)
    city_code: str = Field(max_length=6, index=True)
    name: str = Field(max_length=60)  # district / county, e.g. 溧水区
    businesses: list[str] = json_field([])
    status: str = Field(default="ACTIVE", max_length=16)  # ACTIVE | CLOSED
    valid_from: dt.date
    updated_by: str | None = Field(default=None, max_length=16)
    updated_at: dt.datetime


class Agreement(SQLModel, table=True):
    """An agreement with a courier company for one pilot area (四-一-2)."""

    __tablename__ = "courier_service_agreements"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    partner_org_id: str = Field(foreign_key="partner_orgs.id", index=True)
    area_id: str = Field(foreign_key="courier_service_pilot_areas.id", index=True)
    businesses: list[str] = json_field([])
    valid_from: dt.date
    valid_until: dt.date | None = None
    postage_cap_yuan: int = 0
    # 四-一-2 "明确…数据安全、责任赔偿等重点事项": required for agreements signed from now on;
    # NULL only on rows recorded before these terms were kept
    data_security_terms: str | None = Field(default=None, max_length=1000)
    liability_terms: str | None = Field(default=None, max_length=1000)
    status: str = Field(default="ACTIVE", max_length=16)  # ACTIVE | SUSPENDED | TERMINATED
    status_reason: str | None = Field(default=None, max_length=300)
    updated_by: str | None = Field(default=None, max_length=16)
    updated_at: dt.datetime


class CourierStaff(SQLModel, table=True):
    """A courier company's staff member serving a city, with an inspector qualification if any."""

    __tablename__ = "courier_service_staff"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    partner_org_id: str = Field(foreign_key="partner_orgs.id", index=True)
    city_code: str = Field(max_length=6, index=True)
    name: str = Field(max_length=64)
    staff_code: str = Field(max_length=32)
    qualification_no: str | None = Field(default=None, max_length=40)  # 查验员资格
    qualified_until: dt.date | None = None
    qualified_by: str | None = Field(default=None, max_length=16)
    created_at: dt.datetime


class Booking(SQLModel, table=True):
    """A citizen's booking of a home visit."""

    __tablename__ = "courier_service_bookings"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    person_id: str = Field(foreign_key="persons.id", index=True)
    # a unit's vehicle (2024 八-三): booked by a member of the unit that owns it
    unit_id: str | None = Field(default=None, foreign_key="units.id", index=True, max_length=16)
    area_id: str = Field(foreign_key="courier_service_pilot_areas.id")
    city_code: str = Field(max_length=6, index=True)
    partner_org_id: str = Field(foreign_key="partner_orgs.id", index=True)
    agreement_id: str = Field(foreign_key="courier_service_agreements.id")
    business: str = Field(max_length=32)
    vehicle_id: str | None = Field(default=None, foreign_key="vehicles.id")
    vehicle_kind: str = Field(max_length=16)
    address: str = Field(max_length=200)
    visit_date: dt.date
    mail_plates: bool = True
    status: str = Field(default="BOOKED", max_length=16, index=True)
    staff_id: str | None = Field(default=None, foreign_key="courier_service_staff.id")
    application_id: str | None = Field(default=None, foreign_key="applications.id")
    inspection_passed: bool | None = None
    charges: list[dict] = json_field([])
    total_yuan: int = 0
    tracking_number: str | None = Field(default=None, max_length=40)
    created_at: dt.datetime
    updated_at: dt.datetime


class BookingEvent(SQLModel, table=True):
    """One step of a booking's trail (booked, assigned, collected, reviewed, shipped, delivered)."""

    __tablename__ = "courier_service_events"

    id: int | None = Field(default=None, primary_key=True)
    booking_id: str = Field(foreign_key="courier_service_bookings.id", index=True)
    at: dt.datetime
    status: str = Field(max_length=16)
    actor_kind: str = Field(max_length=16)
    note: str | None = Field(default=None, max_length=200)


class FollowUp(SQLModel, table=True):
    """A service follow-up (服务回访) of a booking by the office (四-三-3 "服务定期回访…业务回访")."""

    __tablename__ = "courier_service_follow_ups"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    booking_id: str = Field(foreign_key="courier_service_bookings.id", index=True, max_length=16)
    city_code: str = Field(max_length=6, index=True)
    at: dt.datetime
    by_account_id: str | None = Field(default=None, max_length=16)
    channel: str = Field(max_length=8)  # PHONE | SMS | APP | VISIT
    reached: bool = True  # the applicant was reached
    satisfied: bool | None = None  # None when not reached
    problems: list[str] = json_field([])  # e.g. EXTRA_CHARGE, LATE, DAMAGED, RUDE
    note: str | None = Field(default=None, max_length=500)
