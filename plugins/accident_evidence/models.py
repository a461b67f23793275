"""Tables of M12: accidents, their parties, evidence items and registered requesters."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from core.ids import new_id


class AccidentCase(SQLModel, table=True):
    """A traffic accident case (交通事故案件) as the accident-handling system records it."""

    __tablename__ = "accident_evidence_cases"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    accident_number: str = Field(max_length=32, unique=True)  # 事故编号
    city_code: str = Field(max_length=6, index=True)
    procedure: str = Field(max_length=16)  # GENERAL (一般程序) | SIMPLE (简易程序)
    occurred_on: dt.date
    summary: str | None = Field(default=None, max_length=500)
    determination_delivered_on: dt.date | None = None  # 事故认定书送达
    certificate_delivered_on: dt.date | None = None  # 事故证明送达
    officer_account_id: str | None = Field(default=None, max_length=16)
    created_at: dt.datetime
    # 十二-四: the officer checks the evidence entered is complete before submitting it for review
    completeness_checked_at: dt.datetime | None = None
    completeness_checked_by: str | None = Field(default=None, max_length=16)
    completeness_note: str | None = Field(default=None, max_length=300)
    completeness_items: int | None = None  # items on file when checked (a new item: check again)


class CasePerson(SQLModel):
    """The columns of a person a case names by identity document and tells at acceptance that
    they may look evidence up (no table of its own)."""

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    case_id: str = Field(foreign_key="accident_evidence_cases.id", index=True)
    name: str = Field(max_length=64)
    id_type: str = Field(max_length=24)
    id_number: str = Field(max_length=40)
    person_id: str | None = Field(default=None, foreign_key="persons.id", index=True)
    phone: str | None = Field(default=None, max_length=20)  # 联系电话, for the notice by SMS
    told_at: dt.datetime | None = None


class AccidentParty(CasePerson, table=True):
    """A party (当事人) of an accident. `deceased` marks a party who died in the accident."""

    __tablename__ = "accident_evidence_parties"

    deceased: bool = False


class AccidentRelative(CasePerson, table=True):
    """A close relative (近亲属) of a party who died, told at acceptance in the party's place."""

    __tablename__ = "accident_evidence_relatives"

    party_id: str = Field(foreign_key="accident_evidence_parties.id", index=True)
    recorded_at: dt.datetime


class EvidenceItem(SQLModel, table=True):
    """One piece of evidence (证据材料) with its confidentiality and offer state."""

    __tablename__ = "accident_evidence_items"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    case_id: str = Field(foreign_key="accident_evidence_cases.id", index=True)
    kind: str = Field(max_length=32)
    title: str = Field(max_length=200)
    content: str = Field(max_length=4000)  # stand-in for the file
    sha256: str = Field(max_length=64)
    confidentiality: str = Field(default="NONE", max_length=24)
    offer_status: str = Field(default="NOT_OFFERED", max_length=16)
    offered_by: str | None = Field(default=None, max_length=16)
    offered_at: dt.datetime | None = None
    reviewed_by: str | None = Field(default=None, max_length=16)
    reviewed_at: dt.datetime | None = None
    review_note: str | None = Field(default=None, max_length=300)
    recorded_at: dt.datetime


class EvidenceRequester(SQLModel, table=True):
    """A person whose identity the officer checked (查阅人), with the hash of their access code."""

    __tablename__ = "accident_evidence_requesters"
    __table_args__ = (UniqueConstraint("case_id", "id_type", "id_number"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    case_id: str = Field(foreign_key="accident_evidence_cases.id", index=True)
    party_id: str = Field(foreign_key="accident_evidence_parties.id")
    requester_type: str = Field(max_length=24)
    id_type: str = Field(max_length=24)
    id_number: str = Field(max_length=40)
    phone: str = Field(max_length=20)
    person_id: str | None = Field(default=None, foreign_key="persons.id", index=True)
    code_hash: str = Field(max_length=64)
    registered_by: str | None = Field(default=None, max_length=16)
    registered_at: dt.datetime
    # 十二-二: the written application (书面申请): its date and the digest of the document
    application_date: dt.date | None = None
    application_sha256: str | None = Field(default=None, max_length=64)
