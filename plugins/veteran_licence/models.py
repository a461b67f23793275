"""Tables of M07: the built-in military licence registry and the driving-record remarks."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Field, SQLModel

from core.db import json_field
from core.ids import new_id


class MilitaryLicenceRecord(SQLModel, table=True):
    """A military / armed-police licence as the registry knows it (the built-in adapter's data)."""

    __tablename__ = "veteran_licence_military_records"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    military_number: str = Field(max_length=20, unique=True)
    id_number: str = Field(
        max_length=40, index=True
    )  # the registry's key; never logged or returned
    name: str = Field(max_length=64)
    first_issue_date: dt.date  # first military licence (初次取得)
    classes: str = Field(max_length=60)  # current classes
    additions: list[dict] = json_field([])  # [{"class": "B2", "date": "2015-03-01"}]
    issued_on: dt.date  # issue date of this (new-format) military licence
    exchanged_on: dt.date | None = None  # when it was exchanged for a civil licence, if it was


class DrivingRecordRemark(SQLModel, table=True):
    """A remark in the app's traffic-safety driving record (交通安全驾驶记录, 七-三-2)."""

    __tablename__ = "veteran_licence_record_remarks"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    person_id: str = Field(foreign_key="persons.id", index=True)
    licence_id: str = Field(foreign_key="driving_licences.id")
    military_number: str = Field(max_length=20, unique=True)
    text: str = Field(max_length=400)
    rule: str = Field(max_length=200)
    created_at: dt.datetime
