"""Tables of M20 unit accounts (all prefixed `unit_accounts_`).

- `LegacyUnitAccount`: the unit accounts registered in the old system before 2024 (one row per
  registration: unit, person, when, legacy role). The clean-up job (八-一) decides each row:
  PENDING (not yet decided) -> FLAGGED (non-compliant, before 2024-07-01: only exported) or
  DISABLED (non-compliant, from 2024-07-01) or CONVERTED (compliant, became a core `UnitMember`
  with `UnitMember.id == LegacyUnitAccount.id` unless the person already had a membership).
- `UnitFile`: the unit's filed legal person (法人) as recorded at the window; conversion compares
  identities with it (八-二 "用户身份信息与单位法人一致的").
- `QrLoginChallenge`: a web sign-in challenge approved by the app and redeemed once (八-二 扫码登录).
- `CleanupRun`: one run of the clean-up and its figures.
"""

from __future__ import annotations

import datetime as dt
import enum

from sqlmodel import Field, SQLModel

from core.db import json_field
from core.ids import new_id


class LegacyStatus(enum.StrEnum):
    PENDING = "PENDING"
    FLAGGED = "FLAGGED"
    CONVERTED = "CONVERTED"
    DISABLED = "DISABLED"


class CleanupRule(enum.StrEnum):
    """Why the clean-up removed an account (seed 2024 八-一 rules 1..3)."""

    DUPLICATE_ID = "DUPLICATE_ID"  # 1、同一单位使用同一身份证明号码注册的用户仅保留最新1个
    UNIT_OVER_10 = "UNIT_OVER_10"  # 2、同一单位注册用户超过10个的，仅保留最新10个账号
    PERSON_OVER_3 = "PERSON_OVER_3"  # 3、同一人在3个以上单位注册用户的，仅保留最新注册的3个


class LegacyUnitAccount(SQLModel, table=True):
    """A unit account registered in the old system (before the 2024 unit version)."""

    __tablename__ = "unit_accounts_legacy"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    unit_id: str = Field(foreign_key="units.id", index=True)
    person_id: str = Field(foreign_key="persons.id", index=True)
    legacy_login: str | None = Field(default=None, max_length=64)
    legacy_role: str = Field(default="SUB", max_length=16)  # PRIMARY | SUB (old system)
    registered_at: dt.datetime
    status: str = Field(default=LegacyStatus.PENDING.value, max_length=16, index=True)
    cleanup_rule: str | None = Field(default=None, max_length=16)
    decided_at: dt.datetime | None = None
    member_id: str | None = Field(default=None, max_length=16)
    role_after: str | None = Field(default=None, max_length=16)  # role it converted to
    run_id: str | None = Field(default=None, max_length=16)


class UnitFile(SQLModel, table=True):
    """The unit's filed legal person, registered or changed by a clerk at the window."""

    __tablename__ = "unit_accounts_unit_files"

    unit_id: str = Field(foreign_key="units.id", primary_key=True, max_length=16)
    legal_person_id: str = Field(foreign_key="persons.id", index=True)
    recorded_at: dt.datetime
    recorded_by: str | None = Field(default=None, max_length=16)


class QrLoginChallenge(SQLModel, table=True):
    """A web sign-in challenge: created by the web page, approved by the app, redeemed once."""

    __tablename__ = "unit_accounts_qr_challenges"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    secret_hash: str = Field(max_length=64)
    city_code: str = Field(max_length=6)
    created_at: dt.datetime
    expires_at: dt.datetime
    approved_at: dt.datetime | None = None
    approved_account_id: str | None = Field(default=None, max_length=16)
    unit_id: str | None = Field(default=None, max_length=16)
    redeemed_at: dt.datetime | None = None


class CleanupRun(SQLModel, table=True):
    """One run of the clean-up job: mode (FLAG before 2024-07-01, DISABLE from then) and figures."""

    __tablename__ = "unit_accounts_cleanup_runs"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    ran_at: dt.datetime
    mode: str = Field(max_length=8)  # FLAG | DISABLE
    scope: str = Field(max_length=8)  # "*" or a province code
    figures: dict = json_field({})


class ReservationStatus(enum.StrEnum):
    """A preselected plate number (预选号牌, 八-三): RESERVED until the unit releases it or the
    daily job expires it after its last day."""

    RESERVED = "RESERVED"
    RELEASED = "RELEASED"
    EXPIRED = "EXPIRED"


class PlateReservation(SQLModel, table=True):
    """A plate number a unit chose in advance for a vehicle it will register (八-三 预选机动车号牌).

    `plate_key` equals `plate` while the reservation holds and is NULL once it ends, so the
    unique index lets one live reservation per plate number (two concurrent choices of the same
    number cannot both succeed)."""

    __tablename__ = "unit_accounts_plate_reservations"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    unit_id: str = Field(foreign_key="units.id", index=True, max_length=16)
    member_id: str = Field(max_length=16)
    city_code: str = Field(max_length=6, index=True)
    vin: str = Field(max_length=17, index=True)
    plate: str = Field(max_length=10)
    plate_key: str | None = Field(default=None, max_length=10, unique=True)
    status: str = Field(default=ReservationStatus.RESERVED.value, max_length=16, index=True)
    reserved_at: dt.datetime
    valid_until: dt.date
    closed_at: dt.datetime | None = None


class UnitContact(SQLModel, table=True):
    """The unit's contact details for traffic-administration business (八-三 变更联系方式)."""

    __tablename__ = "unit_accounts_contacts"

    unit_id: str = Field(foreign_key="units.id", primary_key=True, max_length=16)
    contact_name: str = Field(max_length=64)
    mobile: str = Field(max_length=20)
    postal_address: str = Field(max_length=200)
    updated_at: dt.datetime
    updated_by_member_id: str = Field(max_length=16)
