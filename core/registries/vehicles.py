"""Vehicles (机动车), their electronic archives (档案), filed users and traffic violations."""

from __future__ import annotations

import datetime as dt
import enum

from sqlmodel import Field, SQLModel

from core.db import json_field
from core.ids import new_id


class VehicleCategory(enum.StrEnum):
    """Vehicle categories after GA 802, with the codes of their usual types."""

    SMALL_PASSENGER = "SMALL_PASSENGER"  # 小型载客汽车 K3x
    MINI_PASSENGER = "MINI_PASSENGER"  # 微型载客汽车 K4x
    MEDIUM_PASSENGER = "MEDIUM_PASSENGER"  # 中型载客汽车 K2x
    LARGE_PASSENGER = "LARGE_PASSENGER"  # 大型载客汽车 K1x
    HEAVY_TRUCK = "HEAVY_TRUCK"  # 重型货车 H1x
    MEDIUM_TRUCK = "MEDIUM_TRUCK"  # 中型货车 H2x
    LIGHT_TRUCK = "LIGHT_TRUCK"  # 轻型货车 H3x
    MINI_TRUCK = "MINI_TRUCK"  # 微型货车 H4x
    LOW_SPEED_TRUCK = "LOW_SPEED_TRUCK"  # 低速货车 H5x
    TRICYCLE = "TRICYCLE"  # 三轮汽车 N
    MOTORCYCLE_2W = "MOTORCYCLE_2W"  # 普通二轮摩托车 M2x
    MOTORCYCLE_3W = "MOTORCYCLE_3W"  # 普通三轮摩托车 M1x
    MOTORCYCLE_LIGHT = "MOTORCYCLE_LIGHT"  # 轻便摩托车 M3x
    E_BIKE = "E_BIKE"  # 电动自行车 (non-motor, registered locally)
    TRAILER = "TRAILER"  # 挂车 G / B
    SPECIAL = "SPECIAL"  # 专项作业车 Z

    @property
    def is_motorcycle(self) -> bool:
        return self in MOTORCYCLES

    @property
    def is_small_or_mini_passenger(self) -> bool:
        return self in (VehicleCategory.SMALL_PASSENGER, VehicleCategory.MINI_PASSENGER)

    @property
    def is_truck(self) -> bool:
        return self.name.endswith("_TRUCK")


MOTORCYCLES = frozenset(
    {VehicleCategory.MOTORCYCLE_2W, VehicleCategory.MOTORCYCLE_3W, VehicleCategory.MOTORCYCLE_LIGHT}
)


class VehicleUse(enum.StrEnum):
    """使用性质 (simplified)."""

    NON_OPERATING = "NON_OPERATING"  # 非营运
    OPERATING = "OPERATING"  # 营运 (客运, 货运, 出租)
    RENTAL = "RENTAL"  # 租赁
    POLICE = "POLICE"  # 警用
    DANGEROUS_GOODS = "DANGEROUS_GOODS"  # 危险货物运输
    CONSTRUCTION = "CONSTRUCTION"  # 工程运输 (渣土等)


class VehicleStatus(enum.StrEnum):
    NORMAL = "NORMAL"  # 正常
    TRANSFERRED = "TRANSFERRED"  # 转出
    DEREGISTERED = "DEREGISTERED"  # 注销
    SEIZED = "SEIZED"  # 查封 / 扣押
    SCRAP_DUE = "SCRAP_DUE"  # 达到报废标准
    STOLEN = "STOLEN"  # 被盗抢


class Vehicle(SQLModel, table=True):
    """A registered motor vehicle. Owned by a person or a unit."""

    __tablename__ = "vehicles"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    vin: str = Field(max_length=17, unique=True)
    plate: str | None = Field(default=None, max_length=10, index=True)
    vehicle_type: str = Field(max_length=4)  # GA 802 code, e.g. K33
    category: str = Field(max_length=24)
    use: str = Field(default=VehicleUse.NON_OPERATING.value, max_length=24)
    owner_person_id: str | None = Field(default=None, foreign_key="persons.id", index=True)
    owner_unit_id: str | None = Field(default=None, foreign_key="units.id", index=True)
    registration_city: str = Field(max_length=6, index=True)
    status: str = Field(default=VehicleStatus.NORMAL.value, max_length=16)
    mortgaged: bool = False
    registered_at: dt.date
    inspection_valid_until: dt.date | None = None
    scrap_deadline: dt.date | None = None
    paper_archive: bool = True  # False once the archive lives only electronically
    archive_marks: list[str] = json_field([])  # e.g. "联网核查"
    updated_at: dt.datetime


class ArchiveFile(SQLModel, table=True):
    """One electronic file of a vehicle's archive (档案资料)."""

    __tablename__ = "vehicle_archive_files"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    vehicle_id: str = Field(foreign_key="vehicles.id", index=True)
    kind: str = Field(max_length=40)  # e.g. REGISTRATION, TRANSFER, MORTGAGE, INSPECTION
    title: str = Field(max_length=200)
    sha256: str = Field(max_length=64)
    source: str = Field(max_length=40)  # office code or partner id
    added_at: dt.datetime


class FiledDriver(SQLModel, table=True):
    """A person filed as a user / driver of a vehicle (备案驾驶人 / 备案用户)."""

    __tablename__ = "vehicle_filed_drivers"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    vehicle_id: str = Field(foreign_key="vehicles.id", index=True)
    person_id: str = Field(foreign_key="persons.id", index=True)
    filed_at: dt.datetime
    active: bool = True


class Violation(SQLModel, table=True):
    """A traffic violation record (交通违法记录)."""

    __tablename__ = "violations"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    vehicle_id: str | None = Field(default=None, foreign_key="vehicles.id", index=True)
    person_id: str | None = Field(default=None, foreign_key="persons.id", index=True)
    occurred_at: dt.datetime
    city_code: str = Field(max_length=6)
    description: str = Field(max_length=200)
    on_site: bool = False  # 现场 vs 非现场 (camera) violation
    points: int = 0
    fine_yuan: int = 0
    status: str = Field(default="UNHANDLED", max_length=16)  # UNHANDLED | HANDLED | PAID
    handled_by_person_id: str | None = Field(default=None, foreign_key="persons.id")
    handled_at: dt.datetime | None = None
    details: dict = json_field({})
