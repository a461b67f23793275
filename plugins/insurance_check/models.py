"""Tables of M11: the built-in policy table behind the adapter, and every check made."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Field, SQLModel

from core.ids import new_id


class InsuranceCheckPolicyRow(SQLModel, table=True):
    """A 交强险 policy per VIN: the built-in, table-backed data source."""

    __tablename__ = "insurance_check_policies"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    vin: str = Field(max_length=17, index=True)
    policy_number: str = Field(max_length=40, unique=True)
    insurer_name: str = Field(max_length=100)
    valid_from: dt.date
    valid_until: dt.date
    updated_at: dt.datetime


class InsuranceCheckRow(SQLModel, table=True):
    """One online check, found or failed (failures feed the weekly reports and are followed up
    until resolved, 十一-三)."""

    __tablename__ = "insurance_check_checks"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    vehicle_id: str | None = Field(default=None, foreign_key="vehicles.id", index=True)
    vin: str = Field(max_length=17, index=True)
    category: str = Field(max_length=24)
    city_code: str = Field(max_length=6, index=True)
    business: str = Field(max_length=20)
    outcome: str = Field(max_length=20, index=True)
    insurer_name: str | None = Field(default=None, max_length=100)
    policy_number: str | None = Field(default=None, max_length=40)
    valid_until: dt.date | None = None
    checked_by: str | None = Field(default=None, max_length=16)
    checked_at: dt.datetime = Field(index=True)
    # a failed check's follow-up (十一-三 反馈机制): the insurer its policy names, OPEN until the
    # insurer records the cause and correction, the office closes it, or a re-check finds cover
    insurer_org_id: str | None = Field(default=None, max_length=16, index=True)
    resolution_status: str | None = Field(default=None, max_length=12, index=True)
    cause: str | None = Field(default=None, max_length=24)
    correction: str | None = Field(default=None, max_length=500)
    resolved_by: str | None = Field(default=None, max_length=16)  # account or partner org id
    resolved_at: dt.datetime | None = None
