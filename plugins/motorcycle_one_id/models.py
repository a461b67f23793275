"""M14's own table: the measure-specific part of a motorcycle application (keyed by application id)."""

from __future__ import annotations

from sqlmodel import Field, SQLModel

from core.db import json_field


class MotorcycleCase(SQLModel, table=True):
    """What the one-ID rule decided for one application, and the business details."""

    __tablename__ = "motorcycle_one_id_cases"

    application_id: str = Field(foreign_key="applications.id", primary_key=True, max_length=16)
    business: str = Field(max_length=20)
    vehicle_category: str = Field(max_length=24)
    applicant_category: str = Field(max_length=24)
    home_city: str | None = Field(default=None, max_length=6)
    cross_city: bool = False
    vin: str | None = Field(default=None, max_length=17)
    open_vin: str | None = Field(default=None, max_length=17, unique=True)  # NULL once decided
    # the owning unit when a unit applies (its legal person or an admin is the applicant)
    unit_id: str | None = Field(default=None, foreign_key="units.id", index=True, max_length=16)
    co_owner_person_id: str | None = Field(default=None, foreign_key="persons.id")
    documents: list[dict] = json_field([])  # [{code, name, reason, rule}]
    local_policy: str | None = Field(default=None, max_length=100)
    residence_proof_required: bool = False
    documents_checked: list[str] = json_field([])
    result_vehicle_id: str | None = Field(default=None, foreign_key="vehicles.id")
