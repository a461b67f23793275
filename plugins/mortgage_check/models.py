"""Tables of M10: the national registry of finance companies and the online mortgage filings."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Field, SQLModel

from core.db import json_field
from core.ids import new_id


class MortgageFinanceCompanyRow(SQLModel, table=True):
    """An auto-finance or finance company filed once nationally (十-三)."""

    __tablename__ = "mortgage_check_finance_companies"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    credit_code: str = Field(max_length=18, unique=True)
    name: str = Field(max_length=100)
    kind: str = Field(max_length=24)
    city_code: str = Field(max_length=6)  # domicile on the business licence
    licence_copy_ref: str = Field(max_length=200)
    licence_copy_sha256: str = Field(max_length=64)
    seal_sha256: str = Field(max_length=64)  # 公章影印件
    seal_electronic: bool = False
    active: bool = True
    filed_by: str | None = Field(default=None, max_length=16)
    filed_at: dt.datetime
    # updates by the national admin (a new licence copy or seal; deactivation and reactivation)
    updated_at: dt.datetime | None = None
    updated_by: str | None = Field(default=None, max_length=16)
    status_reason: str | None = Field(default=None, max_length=300)
    # earlier licence copies, oldest first: [{"ref", "sha256", "sealSha256", "until"}]
    previous_copies: list[dict] = json_field([])


class MortgageFilingRow(SQLModel, table=True):
    """One online mortgage or release filing by a lender (no paper, no main contract)."""

    __tablename__ = "mortgage_check_filings"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    vehicle_id: str = Field(foreign_key="vehicles.id", index=True)
    application_id: str = Field(foreign_key="applications.id")
    kind: str = Field(max_length=12)  # MORTGAGE | RELEASE
    lender_org_id: str = Field(foreign_key="partner_orgs.id", index=True)
    lender_name: str = Field(max_length=100)
    lender_kind: str = Field(max_length=24)
    licence_copy_ref: str = Field(max_length=200)
    licence_copy_sha256: str = Field(max_length=64)
    seal_type: str = Field(max_length=12)
    city_code: str = Field(max_length=6)
    active: bool = True  # a MORTGAGE stays active until its RELEASE (or an upheld dispute)
    filed_at: dt.datetime
    # the parties (十-二): the owner (mortgagor) of the vehicle when filed
    owner_person_id: str | None = Field(default=None, max_length=16, index=True)
    owner_unit_id: str | None = Field(default=None, max_length=16, index=True)
    # 十-二 "营业执照复印件、书面委托、抵押合同加盖的公章可为电子印章": the mortgage contract and the
    # owner's written entrustment of the lender, each as a reference and a SHA-256 with its seal
    contract_ref: str | None = Field(default=None, max_length=200)
    contract_sha256: str | None = Field(default=None, max_length=64)
    contract_seal_type: str | None = Field(default=None, max_length=12)
    entrustment_ref: str | None = Field(default=None, max_length=200)
    entrustment_sha256: str | None = Field(default=None, max_length=64)
    entrustment_seal_type: str | None = Field(default=None, max_length=12)


class MortgageDisputeRow(SQLModel, table=True):
    """The owner disputes a mortgage filed on their vehicle; the registration city's office
    decides: OPEN -> UPHELD (the filing is struck off) / DISMISSED, or WITHDRAWN by the owner."""

    __tablename__ = "mortgage_check_disputes"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    filing_id: str = Field(foreign_key="mortgage_check_filings.id", index=True, max_length=16)
    vehicle_id: str = Field(foreign_key="vehicles.id", max_length=16)
    city_code: str = Field(max_length=6, index=True)
    lender_org_id: str = Field(max_length=16)
    raised_by_person_id: str = Field(foreign_key="persons.id", index=True, max_length=16)
    owner_unit_id: str | None = Field(default=None, max_length=16)
    reason: str = Field(max_length=500)
    status: str = Field(default="OPEN", max_length=12, index=True)
    raised_at: dt.datetime
    decided_at: dt.datetime | None = None
    decided_by: str | None = Field(default=None, max_length=16)
    decision_note: str | None = Field(default=None, max_length=500)
