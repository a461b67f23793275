"""Tables of M01 (prefixed with the slug). The credentials themselves live in the shared
registry `credentials_issued` (core/documents/credentials.py)."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Field, SQLModel

from core.db import json_field
from core.documents.local_versions import LocalVersion
from core.ids import new_id


class EdlVerification(SQLModel, table=True):
    """One verification of an e-licence: the signed receipt the verifier keeps, and the line the
    holder sees (who, when, purpose, which claims, result)."""

    __tablename__ = "e_driving_licence_verifications"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    at: dt.datetime
    holder_person_id: str | None = Field(default=None, max_length=16, index=True)
    handle: str | None = Field(default=None, max_length=20)
    verifier_kind: str = Field(max_length=16)  # PARTNER | STAFF
    verifier_name: str = Field(max_length=100)  # partner org name, or staff role + jurisdiction
    verifier_ref: str | None = Field(default=None, max_length=40)  # partner org id / account id
    purpose: str = Field(max_length=100)
    claims: list[str] = json_field([])
    result: str = Field(max_length=40)  # ACCEPTED | REJECTED:<reason>


class EdlConsent(SQLModel, table=True):
    """A share code the holder gives a partner: extra claims, once, until it expires."""

    __tablename__ = "e_driving_licence_consents"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    code: str = Field(max_length=12, unique=True)
    holder_person_id: str = Field(max_length=16, index=True)
    handle: str = Field(max_length=20)
    claims: list[str] = json_field([])
    partner_org_id: str | None = Field(default=None, max_length=16)
    created_at: dt.datetime
    expires_at: dt.datetime
    used_at: dt.datetime | None = None


class EdlLocalVersion(LocalVersion, table=True):
    """A local electronic licence version registered where the unified e-licence is not yet in
    force (refused once it is: 2021-一-五-3)."""

    __tablename__ = "e_driving_licence_local_versions"
