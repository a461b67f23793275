"""Tables of M19: service outlets, business guides, public corrections and pushed to-dos."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from core.db import json_field
from core.ids import new_id


class GuidanceOutlet(SQLModel, table=True):
    """A service outlet (服务网点): location, hours, business scope and window guide."""

    __tablename__ = "precise_guidance_outlets"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    city_code: str = Field(max_length=6, index=True)
    name: str = Field(max_length=100)
    address: str = Field(max_length=200)
    latitude: float = Field(index=True)
    longitude: float
    hours: str = Field(max_length=200)  # 工作时间
    phone: str | None = Field(default=None, max_length=20)
    window_guide: str = Field(default="", max_length=500)  # 窗口指引
    businesses: list[str] = json_field([])  # 业务范围 (Business values)
    version: int = 1
    updated_by: str | None = Field(default=None, max_length=16)
    updated_at: dt.datetime


class BusinessGuide(SQLModel, table=True):
    """办理流程 and 所需材料 of one business in one city (overrides the national default)."""

    __tablename__ = "precise_guidance_guides"
    __table_args__ = (UniqueConstraint("city_code", "business"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    city_code: str = Field(max_length=6, index=True)
    business: str = Field(max_length=24)
    process: str = Field(max_length=1000)
    materials: list[str] = json_field([])
    updated_by: str | None = Field(default=None, max_length=16)
    updated_at: dt.datetime


class OutletCorrection(SQLModel, table=True):
    """A correction the public reported (群众纠错反馈) and its decision."""

    __tablename__ = "precise_guidance_corrections"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    outlet_id: str = Field(foreign_key="precise_guidance_outlets.id", index=True)
    city_code: str = Field(max_length=6, index=True)
    field: str = Field(max_length=24)
    proposed: str = Field(max_length=500)
    note: str | None = Field(default=None, max_length=300)
    reporter_account_id: str | None = Field(default=None, max_length=16)
    reporter_person_id: str | None = Field(default=None, foreign_key="persons.id")
    status: str = Field(default="PENDING", max_length=12, index=True)
    decided_by: str | None = Field(default=None, max_length=16)
    decided_at: dt.datetime | None = None
    decision_note: str | None = Field(default=None, max_length=300)
    created_at: dt.datetime


class TodoPush(SQLModel, table=True):
    """One to-do pushed to one person (the unique key makes every push happen once)."""

    __tablename__ = "precise_guidance_pushes"
    __table_args__ = (UniqueConstraint("person_id", "todo_key"),)

    id: int | None = Field(default=None, primary_key=True)
    person_id: str = Field(foreign_key="persons.id", index=True)
    todo_key: str = Field(max_length=120)
    kind: str = Field(max_length=24)
    pushed_at: dt.datetime


class UpdateDeclaration(SQLModel, table=True):
    """A city's declaration that its outlet data is updated for a round (七-一 "6月25日前要全部
    完成服务网点信息更新"): one per city and deadline."""

    __tablename__ = "precise_guidance_update_declarations"
    __table_args__ = (UniqueConstraint("city_code", "deadline"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    city_code: str = Field(max_length=6, index=True)
    deadline: dt.date
    declared_at: dt.datetime
    declared_by: str | None = Field(default=None, max_length=16)
    outlets: int = 0


class SpotCheck(SQLModel, table=True):
    """The province's spot check (抽查核对) of a city's outlet data (七-一 "总队要安排专人对各支队
    采集维护的网点信息进行抽查核对"): OPEN -> COMPLETED (every sampled outlet checked) or
    CANCELLED (with a reason)."""

    __tablename__ = "precise_guidance_spot_checks"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    province_code: str = Field(max_length=6, index=True)
    city_code: str = Field(max_length=6, index=True)
    status: str = Field(default="OPEN", max_length=12, index=True)
    started_at: dt.datetime
    started_by: str | None = Field(default=None, max_length=16)
    closed_at: dt.datetime | None = None
    note: str | None = Field(default=None, max_length=300)


class SpotCheckItem(SQLModel, table=True):
    """One sampled outlet of a spot check and what the checker found."""

    __tablename__ = "precise_guidance_spot_check_items"
    __table_args__ = (UniqueConstraint("check_id", "outlet_id"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    check_id: str = Field(foreign_key="precise_guidance_spot_checks.id", index=True, max_length=16)
    outlet_id: str = Field(foreign_key="precise_guidance_outlets.id", max_length=16)
    outlet_version: int  # the version sampled
    result: str = Field(default="PENDING", max_length=12)  # PENDING | ACCURATE | INACCURATE
    findings: list[str] = json_field([])  # the CorrectionField values found wrong
    correction_ids: list[str] = json_field([])  # corrections raised for the city to decide
    checked_at: dt.datetime | None = None
    checked_by: str | None = Field(default=None, max_length=16)
    note: str | None = Field(default=None, max_length=300)


class DeadlineReminder(SQLModel, table=True):
    """A reminder the deadline job sent for one city and round (DUE_SOON to the city's
    supervisors in the last 5 days; OVERDUE to them and the province's admins after it), once."""

    __tablename__ = "precise_guidance_deadline_reminders"
    __table_args__ = (UniqueConstraint("city_code", "deadline", "kind"),)

    id: int | None = Field(default=None, primary_key=True)
    city_code: str = Field(max_length=6)
    deadline: dt.date
    kind: str = Field(max_length=12)  # DUE_SOON | OVERDUE
    sent_at: dt.datetime
    addressees: int = 0
