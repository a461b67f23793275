"""Tables of licence monitoring (migration core_0008)."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Field, SQLModel

from core.db import json_field
from core.ids import new_id


class MonitoringRegistration(SQLModel, table=True):
    """A partner firm's registration for licence monitoring: set by an administrator (the longest
    grant it may receive), the webhook endpoint and its signing secret set by the partner."""

    __tablename__ = "monitoring_registrations"

    partner_org_id: str = Field(foreign_key="partner_orgs.id", primary_key=True, max_length=16)
    max_days: int
    webhook_url: str | None = Field(default=None, max_length=500)
    # the Standard Webhooks secret, "whsec_" + base64 of 32 random bytes (shown once to the partner)
    webhook_secret: str | None = Field(default=None, max_length=80)
    updated_at: dt.datetime


class MonitoringGrant(SQLModel, table=True):
    """A holder's consent that one partner be told of changes to one licence."""

    __tablename__ = "monitoring_grants"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    holder_person_id: str = Field(foreign_key="persons.id", index=True)
    licence_id: str = Field(foreign_key="driving_licences.id", index=True)
    partner_org_id: str = Field(foreign_key="partner_orgs.id", index=True, max_length=16)
    purpose: str = Field(max_length=100)
    partner_reference: str | None = Field(default=None, max_length=64)
    events: list[str] = json_field([])  # MonitoringEvent values
    status: str = Field(default="ACTIVE", max_length=12, index=True)  # GrantStatus
    last_state: dict = json_field({})  # rules.LicenceState.stored(): what the partner was told
    state_seq: int = 0  # bumped with every change of last_state (a scan's conditional update)
    created_at: dt.datetime
    expires_at: dt.datetime
    ended_at: dt.datetime | None = None
