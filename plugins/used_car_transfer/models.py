"""Tables of M02: one row per cross-region transfer, and its inspection records."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Field, SQLModel

from core.ids import new_id


class UsedCarTransferRow(SQLModel, table=True):
    """A cross-region transfer registration (跨辖区转移登记) of one vehicle to a new owner."""

    __tablename__ = "used_car_transfer_transfers"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    application_id: str = Field(foreign_key="applications.id", index=True)
    vehicle_id: str = Field(foreign_key="vehicles.id", index=True)
    seller_person_id: str | None = Field(default=None, foreign_key="persons.id")
    seller_unit_id: str | None = Field(default=None, foreign_key="units.id")
    buyer_person_id: str = Field(foreign_key="persons.id", index=True)
    from_city: str = Field(max_length=6, index=True)  # 转出地 (registration city)
    to_city: str = Field(max_length=6, index=True)  # 转入地 (new owner's domicile)
    trade_city: str = Field(max_length=6)
    handling_city: str = Field(max_length=6, index=True)
    route: str = Field(max_length=32)
    channel: str = Field(max_length=8)
    status: str = Field(max_length=20, index=True)
    invoice_number: str = Field(max_length=20)
    invoice_date: dt.date
    dealer_credit_code: str | None = Field(default=None, max_length=18, index=True)
    plate_before: str | None = Field(default=None, max_length=10)
    plate_after: str | None = Field(default=None, max_length=10)
    return_reason: str | None = Field(default=None, max_length=40)
    return_note: str | None = Field(default=None, max_length=500)
    # 退档 evidence (二-四-1): what established the suspicion, recorded with the return
    return_basis: str | None = Field(default=None, max_length=20)  # INSPECTION | VEHICLE_STATUS
    return_inspection_id: str | None = Field(default=None, max_length=16)
    return_evidence: str | None = Field(default=None, max_length=500)
    # withdrawal by the new owner or rejection by the office: the reason given, and when
    close_note: str | None = Field(default=None, max_length=500)
    closed_at: dt.datetime | None = None
    submitted_at: dt.datetime
    registered_at: dt.datetime | None = None
    updated_at: dt.datetime


class UsedCarTransferInspection(SQLModel, table=True):
    """A vehicle inspection (查验) with its audio/video record reference (二-三-3)."""

    __tablename__ = "used_car_transfer_inspections"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    transfer_id: str = Field(foreign_key="used_car_transfer_transfers.id", index=True)
    inspector_account_id: str = Field(max_length=16)
    city_code: str = Field(max_length=6)
    vin_matches: bool
    suspicion: str = Field(max_length=24)
    passed: bool
    video_ref: str = Field(max_length=200)
    video_sha256: str = Field(max_length=64)
    note: str | None = Field(default=None, max_length=500)
    inspected_at: dt.datetime
