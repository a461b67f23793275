"""Tables of the truck pass measure (M04); every table name starts with `truck_pass_`."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Field, SQLModel

from core.db import json_field
from core.ids import new_id


class TruckPassPolicy(SQLModel, table=True):
    """A city's truck restriction on one road or area (货车禁限行政策), with daily restricted windows."""

    __tablename__ = "truck_pass_policies"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    city_code: str = Field(max_length=6, index=True)
    name: str = Field(max_length=100)  # road or area name
    scope: str = Field(max_length=12)  # ROAD | AREA | CITY_WIDE
    core_area: bool = False  # 城市核心区等特殊区域
    vehicle_categories: list[str] = json_field([])  # truck categories affected
    vehicle_uses: list[str] = json_field([])  # empty = every use
    windows: list[str] = json_field([])  # restricted windows "HH:MM-HH:MM" (Beijing time)
    restricted_minutes: int = 0
    valid_from: dt.date  # first day in force (四-一 checks the union of each day's policies)
    valid_until: dt.date | None = None  # last day in force; None = until withdrawn
    status: str = Field(default="ACTIVE", max_length=12)  # ACTIVE | WITHDRAWN
    created_by: str | None = Field(default=None, max_length=16)
    created_at: dt.datetime
    withdrawn_at: dt.datetime | None = None


class TruckPassConditions(SQLModel, table=True):
    """What a city publishes (主动公示): 申领条件、申领方式、核发时限、使用规则, and its limits."""

    __tablename__ = "truck_pass_conditions"

    city_code: str = Field(primary_key=True, max_length=6)
    conditions: str = Field(max_length=1000)  # 申领条件
    method: str = Field(max_length=500)  # 申领方式
    time_limit_workdays: int  # 核发时限 (working days)
    usage_rules: str = Field(max_length=1000)  # 使用规则
    max_codes_per_owner: int
    validity_days: int
    blacklist_max_codes: int
    blacklist_validity_days: int
    published_by: str | None = Field(default=None, max_length=16)
    published_at: dt.datetime


class TruckPassRequest(SQLModel, table=True):
    """The measure's fields of a pass-code application (core `applications` row, same id)."""

    __tablename__ = "truck_pass_requests"

    application_id: str = Field(primary_key=True, foreign_key="applications.id", max_length=16)
    city_code: str = Field(max_length=6, index=True)
    vehicle_id: str = Field(foreign_key="vehicles.id", index=True)
    policy_id: str = Field(foreign_key="truck_pass_policies.id")
    applicant_kind: str = Field(max_length=12)  # OWNER | UNIT | DRIVER
    requested_from: dt.date
    requested_days: int
    submitted_on: dt.date
    due_date: dt.date  # submitted_on + the published working days (核发时限)
    pending: bool = Field(default=True, index=True)  # a copy; the application status decides


class TruckPassCode(SQLModel, table=True):
    """An issued electronic pass code (电子通行码)."""

    __tablename__ = "truck_pass_codes"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    application_id: str = Field(foreign_key="applications.id", index=True)
    city_code: str = Field(max_length=6, index=True)
    vehicle_id: str = Field(foreign_key="vehicles.id", index=True)
    plate: str | None = Field(default=None, max_length=10)
    policy_id: str = Field(foreign_key="truck_pass_policies.id")
    owner_key: str = Field(max_length=20, index=True)  # "P:<person id>" | "U:<unit id>"
    holder_person_id: str = Field(foreign_key="persons.id", index=True)
    valid_from: dt.date
    valid_until: dt.date
    blacklisted: bool = False  # issued under the blacklist limits
    status: str = Field(default="ACTIVE", max_length=12)  # ACTIVE | REVOKED
    issued_at: dt.datetime
    # a listing (四-三) reduces and shortens codes already held: which listing, and what it changed
    blacklist_entry_id: str | None = Field(default=None, max_length=16, index=True)
    original_valid_until: dt.date | None = None  # the last day before the listing shortened it
    revoked_on: dt.date | None = None
    revoke_reason: str | None = Field(default=None, max_length=24)  # BLACKLIST


class TruckPassBlacklistEntry(SQLModel, table=True):
    """A company (unit) or vehicle on a city's blacklist (黑名单), with its correction deadline."""

    __tablename__ = "truck_pass_blacklist"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    city_code: str = Field(max_length=6, index=True)
    vehicle_id: str | None = Field(default=None, foreign_key="vehicles.id", index=True)
    unit_id: str | None = Field(default=None, foreign_key="units.id", index=True)
    violations: int
    accidents: int
    reason: str = Field(max_length=300)
    listed_on: dt.date
    correct_by: dt.date  # 责令限期整改
    listed_by: str | None = Field(default=None, max_length=16)
    lifted_on: dt.date | None = None  # off the list (lifted after correction, or overturned)
    lift_note: str | None = Field(default=None, max_length=300)
    # the workflow (rules.BlacklistStatus): LISTED -> APPEALED -> LISTED / OVERTURNED; -> LIFTED
    status: str = Field(default="LISTED", max_length=12, index=True)
    firm_unit_id: str | None = Field(default=None, max_length=16)  # the unit concerned, if any
    firm_person_id: str | None = Field(default=None, max_length=16)  # else the owning person
    codes_revoked: int = 0  # codes held when listed that the listing revoked (fewer codes)
    codes_shortened: int = 0  # codes held when listed whose validity it shortened
    appeal_reason: str | None = Field(default=None, max_length=500)
    appealed_on: dt.date | None = None
    appealed_by: str | None = Field(default=None, max_length=16)  # account
    appeal_note: str | None = Field(default=None, max_length=300)  # the supervisor's decision
    appeal_decided_on: dt.date | None = None
    lifted_by: str | None = Field(default=None, max_length=16)  # account
