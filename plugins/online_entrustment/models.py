"""Tables of M09: one row per entrustment (online, or paper recorded by a clerk)."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Field, SQLModel

from core.ids import new_id


class EntrustmentGrant(SQLModel, table=True):
    """An owner's entrustment of a named agent for one business (委托书).

    `used_at` and `revoked_at` are each set once by a conditional UPDATE
    (`core.concurrency.consume_once`), so a grant is used at most once and never after revocation.
    The agent's ID number is stored to compare it at the window; it is never returned unmasked.
    """

    __tablename__ = "online_entrustment_grants"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    kind: str = Field(max_length=8)  # ONLINE | PAPER
    business: str = Field(max_length=40, index=True)
    owner_person_id: str = Field(foreign_key="persons.id", index=True)
    # a unit's vehicle (2024 八-三): the unit is the owner, `owner_person_id` its legal person or
    # admin who signed the entrustment for it
    owner_unit_id: str | None = Field(
        default=None, foreign_key="units.id", index=True, max_length=16
    )
    vehicle_id: str | None = Field(default=None, foreign_key="vehicles.id", index=True)
    licence_id: str | None = Field(default=None, foreign_key="driving_licences.id", index=True)
    vin: str | None = Field(default=None, max_length=17)  # new vehicles (注册登记, 临时号牌)
    city_code: str = Field(max_length=6, index=True)  # the city whose office handles it
    agent_id_type: str = Field(max_length=24)
    agent_id_number: str = Field(max_length=40, index=True)
    agent_name: str = Field(max_length=64)
    valid_from: dt.date
    valid_until: dt.date
    qr: str | None = Field(default=None, max_length=1000)
    paper_document_sha256: str | None = Field(default=None, max_length=64)
    created_by_account_id: str | None = Field(default=None, max_length=16)
    created_at: dt.datetime
    revoked_at: dt.datetime | None = None
    used_at: dt.datetime | None = None
    used_by_account_id: str | None = Field(default=None, max_length=16)
    used_office_id: str | None = Field(default=None, max_length=16)
