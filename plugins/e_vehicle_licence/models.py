"""Tables of M13 (prefixed with the slug)."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Field, SQLModel

from core.db import json_field
from core.documents.local_versions import LocalVersion
from core.ids import new_id


class EvlGrant(SQLModel, table=True):
    """The owner's grant to a filed user of the vehicle: show the e-vehicle licence and handle
    non-site violations after the filing time (2024-一-五-4). Revocable and time-boxed."""

    __tablename__ = "e_vehicle_licence_grants"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    vehicle_id: str = Field(max_length=16, index=True)
    owner_person_id: str = Field(max_length=16)
    grantee_person_id: str = Field(max_length=16, index=True)
    filed_driver_id: str = Field(max_length=16)
    filed_at: dt.datetime
    created_at: dt.datetime
    valid_until: dt.date
    revoked_at: dt.datetime | None = None
    revoked_reason: str | None = Field(default=None, max_length=80)


class EvlRoadsideCheck(SQLModel, table=True):
    """A roadside check of the vehicle licence and its outcome (2024-一-五-3)."""

    __tablename__ = "e_vehicle_licence_roadside_checks"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    at: dt.datetime
    vehicle_id: str = Field(max_length=16, index=True)
    officer_account_id: str | None = Field(default=None, max_length=16)
    city_code: str = Field(max_length=6)
    presented: str = Field(max_length=12)
    outcome: str = Field(max_length=20)
    fine_allowed: bool = False
    details: dict = json_field({})


class EvlVerification(SQLModel, table=True):
    """One online verification of an e-vehicle licence: the owner's log line and the receipt id."""

    __tablename__ = "e_vehicle_licence_verifications"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    at: dt.datetime
    owner_person_id: str | None = Field(default=None, max_length=16, index=True)
    handle: str | None = Field(default=None, max_length=20)
    verifier_kind: str = Field(max_length=16)
    verifier_name: str = Field(max_length=100)
    purpose: str = Field(max_length=100)
    claims: list[str] = json_field([])
    result: str = Field(max_length=40)


class EvlLocalVersion(LocalVersion, table=True):
    """A local electronic vehicle-licence version registered where the unified e-vehicle licence
    is not yet in force (refused once it is: 2024-一-五-2)."""

    __tablename__ = "e_vehicle_licence_local_versions"
