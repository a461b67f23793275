"""Tables of M10: the national registry of finance companies and the online mortgage filings."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Field, SQLModel

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
    active: bool = True  # a MORTGAGE stays active until its RELEASE
    filed_at: dt.datetime
