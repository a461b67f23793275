"""Tables of M06: proxy authorisations (keyed by their business application) and queue tickets."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from core.ids import new_id


class ElderProxyAuthorisation(SQLModel, table=True):
    """A relative's application to handle one business for a person aged 60+ (老年人业务代办).

    `id` is the id of the core business application (`applications`), which carries the review
    state. `used_at` / `cancelled_at` are set once each by a conditional UPDATE
    (`core.concurrency.consume_once`): one authorisation, one business.
    """

    __tablename__ = "elderly_proxy_authorisations"

    id: str = Field(foreign_key="applications.id", primary_key=True, max_length=16)
    relative_person_id: str = Field(foreign_key="persons.id", index=True)
    elder_person_id: str = Field(foreign_key="persons.id", index=True)
    business: str = Field(max_length=40)
    vehicle_id: str | None = Field(default=None, foreign_key="vehicles.id")
    licence_id: str | None = Field(default=None, foreign_key="driving_licences.id")
    city_code: str = Field(max_length=6, index=True)
    elder_id_type: str = Field(max_length=24)
    liveness_check_ref: str = Field(max_length=64)  # 实人认证 result reference
    id_document_sha256: str = Field(max_length=64)  # uploaded ID / residence permit
    applied_on: dt.date
    elder_age_on_application: int
    created_at: dt.datetime
    used_at: dt.datetime | None = None
    cancelled_at: dt.datetime | None = None
    handled_application_id: str | None = Field(default=None, max_length=16)


class ElderQueueTicket(SQLModel, table=True):
    """A window queue ticket; people aged 60+ get the green channel (绿色通道, 六-二)."""

    __tablename__ = "elderly_proxy_queue_tickets"
    __table_args__ = (UniqueConstraint("office_id", "day", "number"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    office_id: str = Field(foreign_key="offices.id", index=True)
    city_code: str = Field(max_length=6)
    day: dt.date = Field(index=True)
    number: int
    priority: bool
    holder_age: int | None = None  # age on the day; no ID number is kept
    issued_at: dt.datetime
    issued_by_account_id: str | None = Field(default=None, max_length=16)
    called_at: dt.datetime | None = None
    called_by_account_id: str | None = Field(default=None, max_length=16)
