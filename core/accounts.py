"""Persons, accounts, staff, units and partners: who can act on this platform.

- `Person`: a natural person with one identity document (masked in every answer by default).
- `Account`: something that signs in: a citizen's personal account (个人账号) or a staff account
  bound to a jurisdiction (province, city, office) with one or more staff roles.
- `Unit` and `UnitMember`: a company or public body (统一社会信用代码) and its members in the roles
  legal person (法人), admin (管理员) and user (普通用户).
- `PartnerOrg` and `PartnerClient`: partner firms and their machine credentials with scopes.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import hmac
import secrets

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from core.db import json_field
from core.ids import new_id


class Role(enum.StrEnum):
    """Every role a permission rule can name."""

    ANONYMOUS = "ANONYMOUS"
    CITIZEN = "CITIZEN"
    # staff (民警 / 工作人员), each bound to a jurisdiction
    CLERK = "CLERK"  # 窗口 / 业务受理岗
    SUPERVISOR = "SUPERVISOR"  # 业务部门负责人 (two-person review)
    ROAD_OFFICER = "ROAD_OFFICER"  # 路面执勤执法
    ACCIDENT_OFFICER = "ACCIDENT_OFFICER"  # 办案民警
    ACCIDENT_UNIT_HEAD = "ACCIDENT_UNIT_HEAD"  # 事故处理机构负责人
    INSPECTOR = "INSPECTOR"  # 查验员
    PROVINCE_ADMIN = "PROVINCE_ADMIN"  # 总队
    NATIONAL_ADMIN = "NATIONAL_ADMIN"  # 部局
    # partners (machine credentials)
    PARTNER_INSURER = "PARTNER_INSURER"
    PARTNER_RENTAL = "PARTNER_RENTAL"
    PARTNER_EMPLOYER = "PARTNER_EMPLOYER"
    PARTNER_BANK = "PARTNER_BANK"
    PARTNER_AUTO_FINANCE = "PARTNER_AUTO_FINANCE"
    PARTNER_FINANCE_COMPANY = "PARTNER_FINANCE_COMPANY"
    PARTNER_COURIER = "PARTNER_COURIER"
    PARTNER_COMMERCE = "PARTNER_COMMERCE"  # 商务部门 (trade-in subsidies)
    PARTNER_SCRAPPING = "PARTNER_SCRAPPING"  # 报废机动车回收企业
    PARTNER_DATA_SOURCE = "PARTNER_DATA_SOURCE"  # insurance data, military registry, exit-entry


STAFF_ROLES = frozenset(
    {
        Role.CLERK,
        Role.SUPERVISOR,
        Role.ROAD_OFFICER,
        Role.ACCIDENT_OFFICER,
        Role.ACCIDENT_UNIT_HEAD,
        Role.INSPECTOR,
        Role.PROVINCE_ADMIN,
        Role.NATIONAL_ADMIN,
    }
)


class PartnerKind(enum.StrEnum):
    INSURER = "INSURER"
    RENTAL = "RENTAL"
    EMPLOYER = "EMPLOYER"
    BANK = "BANK"
    AUTO_FINANCE = "AUTO_FINANCE"
    FINANCE_COMPANY = "FINANCE_COMPANY"
    COURIER = "COURIER"
    COMMERCE = "COMMERCE"
    SCRAPPING = "SCRAPPING"
    DATA_SOURCE = "DATA_SOURCE"

    @property
    def role(self) -> Role:
        return Role("PARTNER_" + self.value)


class UnitRole(enum.StrEnum):
    LEGAL_PERSON = "LEGAL_PERSON"  # 法人
    ADMIN = "ADMIN"  # 管理员
    USER = "USER"  # 普通用户


class Person(SQLModel, table=True):
    """A natural person. `id_number` is never returned unmasked unless a rule allows it."""

    __tablename__ = "persons"
    __table_args__ = (UniqueConstraint("id_type", "id_number"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    id_type: str = Field(max_length=24)
    id_number: str = Field(max_length=40, index=True)
    name: str = Field(max_length=64)
    birth_date: dt.date | None = None
    phone: str | None = Field(default=None, max_length=20)
    domicile_city: str | None = Field(default=None, max_length=6)  # 户籍 / 住所地
    real_name_verified: bool = False  # 实名认证
    real_person_verified_at: dt.datetime | None = None  # 实人认证 (face check)
    created_at: dt.datetime


class Office(SQLModel, table=True):
    """An office that handles business: 车辆管理所, 登记服务站, 大队, 事故处理机构, 网办中心."""

    __tablename__ = "offices"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    code: str = Field(max_length=16, unique=True)
    name: str = Field(max_length=100)
    city_code: str = Field(max_length=6, index=True)
    kind: str = Field(default="VEHICLE_OFFICE", max_length=32)


class Account(SQLModel, table=True):
    """Something that signs in. Citizens have `person_id`; staff also have roles and a jurisdiction."""

    __tablename__ = "accounts"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    kind: str = Field(max_length=16)  # CITIZEN | STAFF
    login: str = Field(max_length=64, unique=True)
    password_hash: str = Field(max_length=200)
    person_id: str | None = Field(default=None, foreign_key="persons.id", index=True)
    roles: list[str] = json_field([])
    province_code: str | None = Field(default=None, max_length=6)
    city_code: str | None = Field(default=None, max_length=6)
    office_id: str | None = Field(default=None, foreign_key="offices.id")
    status: str = Field(default="ACTIVE", max_length=16)
    created_at: dt.datetime


class Unit(SQLModel, table=True):
    """A company or public body (单位), identified by its unified social credit code."""

    __tablename__ = "units"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    credit_code: str = Field(max_length=18, unique=True)
    name: str = Field(max_length=100)
    city_code: str = Field(max_length=6)
    created_at: dt.datetime


class UnitMember(SQLModel, table=True):
    """A person's account in a unit, with one unit role."""

    __tablename__ = "unit_members"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    unit_id: str = Field(foreign_key="units.id", index=True)
    person_id: str = Field(foreign_key="persons.id", index=True)
    role: str = Field(max_length=16)
    status: str = Field(default="ACTIVE", max_length=16)  # ACTIVE | DISABLED | REMOVED
    can_replace_plates: bool = False  # 补换领牌证 permission for USER (granted at a window)
    registered_at: dt.datetime


class PartnerOrg(SQLModel, table=True):
    """A partner firm or data source, with what its registration allows it to see."""

    __tablename__ = "partner_orgs"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    name: str = Field(max_length=100)
    kind: str = Field(max_length=24)
    # one partner per credit code: a unique index, so two concurrent registrations cannot both
    # insert (Context.mutate reruns the loser, which then answers ALREADY_EXISTS)
    credit_code: str | None = Field(default=None, max_length=18, unique=True, index=True)
    scopes: list[str] = json_field([])
    allowed_claims: list[str] = json_field([])  # claims / predicates for credential verification
    province_code: str | None = Field(default=None, max_length=6)
    status: str = Field(default="ACTIVE", max_length=16)  # ACTIVE | SUSPENDED
    created_at: dt.datetime


class PartnerClient(SQLModel, table=True):
    """A machine credential of a partner (client credentials grant)."""

    __tablename__ = "partner_clients"

    client_id: str = Field(primary_key=True, max_length=40)
    org_id: str = Field(foreign_key="partner_orgs.id", index=True)
    secret_hash: str = Field(max_length=200)
    status: str = Field(default="ACTIVE", max_length=16)
    created_at: dt.datetime


# --- secrets -------------------------------------------------------------------------------------

_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


def hash_secret(secret: str) -> str:
    """scrypt with a random salt, stored as `scrypt$salt$hash` (hex)."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(secret.encode(), salt=salt, dklen=32, **_SCRYPT)
    return f"scrypt${salt.hex()}${digest.hex()}"


def check_secret(secret: str, stored: str) -> bool:
    try:
        scheme, salt_hex, digest_hex = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    digest = hashlib.scrypt(
        secret.encode()[:256], salt=bytes.fromhex(salt_hex), dklen=32, **_SCRYPT
    )
    return hmac.compare_digest(digest.hex(), digest_hex)
