"""Pure rules of M19 (2024 item 七): to-dos, distances, outlet fields. No database, no GraphQL."""

from __future__ import annotations

import datetime as dt
import enum
import math
from dataclasses import dataclass
from typing import Any, TypeVar

from core.errors import Code, RuleError
from core.identifiers import parse_phone as core_parse_phone
from core.identity import age_on
from core.registries.licences import LARGE_CLASSES, LicenceStatus
from core.registries.vehicles import VehicleCategory, VehicleStatus, VehicleUse
from core.text import fold_width
from core.validation import require_text

from .errors import PreciseGuidanceErrorCode

MEASURE = "precise_guidance"  # the plugin's slug: its folder, its actions' prefix

R_OUTLETS = "M19 2024-七-一"  # 维护服务网点信息, 信息更新机制, 群众纠错反馈
R_TODOS = "M19 2024-七-二"  # 精准导办内容
MEASURE_START = dt.date(2024, 7, 1)
UPDATE_DEADLINE = dt.date(2024, 6, 25)  # 七-一 "6月25日前要全部完成服务网点信息更新"
R_DEADLINE = "M19 2024-七-一: 6月25日前要全部完成服务网点信息更新"
R_SPOT_CHECK = "M19 2024-七-一: 总队要安排专人对各支队采集维护的网点信息进行抽查核对"
SPOT_CHECK_MAX = 20  # outlets sampled in one check
PREPARATION_DAYS = 30  # outlets are maintained before the start (七-一: 6月25日前完成更新)
RENEWAL_WINDOW_DAYS = 90  # 换证: 有效期满前九十日内 (驾驶证申领和使用规定)
INSPECTION_WINDOW_DAYS = 90  # 检验: 检验有效期满前三个月内
SCRAP_WINDOW_DAYS = 90
HEALTH_CHECK_DAYS = 30  # 记分周期结束后三十日内提交身体条件证明
HEALTH_CHECK_AGE = 70
EXEMPT_MAX_AGE_YEARS = 10  # 非营运小微型载客汽车 10 年内免予上线检验 (2022 检验制度改革)
HEALTH_CHECK_CLASSES = LARGE_CLASSES | {"N", "P"}


class Business(enum.StrEnum):
    """七-二: 机动车年检、申领免检标志、机动车报废、驾驶人考试、换证、审验、体检、交通违法处理、缴款."""

    INSPECTION = "INSPECTION"
    EXEMPT_MARK = "EXEMPT_MARK"
    SCRAP = "SCRAP"
    EXAM = "EXAM"
    RENEWAL = "RENEWAL"
    REVIEW = "REVIEW"
    HEALTH_CHECK = "HEALTH_CHECK"
    VIOLATION = "VIOLATION"
    PAYMENT = "PAYMENT"


LABELS = {
    Business.INSPECTION: "机动车年检",
    Business.EXEMPT_MARK: "申领免检标志",
    Business.SCRAP: "机动车报废",
    Business.EXAM: "驾驶人考试",
    Business.RENEWAL: "换证",
    Business.REVIEW: "审验",
    Business.HEALTH_CHECK: "体检",
    Business.VIOLATION: "交通违法处理",
    Business.PAYMENT: "缴款",
}

DEFAULT_GUIDES: dict[Business, tuple[str, list[str]]] = {
    Business.INSPECTION: (
        "在检验有效期满前三个月内到机动车安全技术检验机构检验，凭检验合格证明申领检验合格标志。",
        ["机动车行驶证", "交强险保单", "车船税纳税或者免征证明"],
    ),
    Business.EXEMPT_MARK: (
        "在“交管12123”APP“免检车申领检验标志”在线申请，邮寄或者到网点领取电子检验合格标志。",
        ["机动车行驶证", "交强险保单", "车船税纳税或者免征证明"],
    ),
    Business.SCRAP: (
        "达到报废标准的机动车交售报废机动车回收企业，由回收企业代为办理注销登记。",
        ["机动车登记证书", "号牌", "行驶证", "车主身份证明"],
    ),
    Business.EXAM: (
        "在“交管12123”APP预约考试，按约定时间到考场参加考试。",
        ["身份证明", "学习记录"],
    ),
    Business.RENEWAL: (
        "在有效期满前九十日内，通过“交管12123”APP或者到网点申请换证。",
        ["身份证明", "身体条件证明", "驾驶证"],
    ),
    Business.REVIEW: (
        "通过“交管12123”APP或者到网点参加审验教育，申请审验。",
        ["身份证明", "驾驶证"],
    ),
    Business.HEALTH_CHECK: (
        "到医疗机构体检，通过“交管12123”APP或者到网点提交身体条件证明。",
        ["身份证明", "身体条件证明"],
    ),
    Business.VIOLATION: (
        "通过“交管12123”APP“违法处理”在线处理非现场交通违法，或者到网点处理。",
        ["身份证明", "驾驶证", "行驶证"],
    ),
    Business.PAYMENT: (
        "通过“交管12123”APP“罚款缴纳”在线缴纳，或者到代收银行缴纳。",
        ["处罚决定书编号"],
    ),
}


class CorrectionField(enum.StrEnum):
    """Outlet facts the public may correct."""

    NAME = "NAME"
    ADDRESS = "ADDRESS"
    LOCATION = "LOCATION"  # "latitude,longitude"
    HOURS = "HOURS"
    PHONE = "PHONE"
    WINDOW_GUIDE = "WINDOW_GUIDE"
    BUSINESSES = "BUSINESSES"  # comma-separated Business values


class CorrectionStatus(enum.StrEnum):
    """Where a public correction stands: waiting for a clerk, then accepted or rejected once."""

    PENDING = "PENDING"
    ACCEPTED = "ACCEPTED"
    REJECTED = "REJECTED"


E = TypeVar("E", bound=enum.StrEnum)


def parse_enum(kind: type[E], value: str, field: str) -> E:
    """An enum value from client text, or INVALID_INPUT naming the field and the allowed values."""
    try:
        return kind(str(value).strip().upper())
    except ValueError:
        allowed = ", ".join(m.value for m in kind)
        raise RuleError(
            Code.INVALID_INPUT, f"`{field}` must be one of: {allowed}.", field=field
        ) from None


def parse_location(
    latitude: float, longitude: float, field: str | None = None, rule: str = R_OUTLETS
) -> tuple[float, float]:
    """WGS-84 coordinates inside mainland China's bounding box (lat 3..54, lon 73..136).

    The refusal names `field` when both came in one input (a correction's proposed value), else
    the coordinate at fault (`latitude`, or `longitude`). `rule` is the clause the coordinates
    serve: an outlet's 位置 (七-一, the default) or the citizen's position for 线下网点精准导航
    (七-二, `R_TODOS`)."""
    for name, value, low, high in (
        ("latitude", latitude, 3.0, 54.0),
        ("longitude", longitude, 73.0, 136.0),
    ):
        number = isinstance(value, (int, float)) and math.isfinite(value)
        if not (number and low <= value <= high):
            raise RuleError(
                PreciseGuidanceErrorCode.INVALID_LOCATION,
                "Coordinates must be WGS-84 within China (lat 3..54, lon 73..136).",
                field=field or name,
                rule=rule,
            )
    return float(latitude), float(longitude)


def parse_businesses(values: list[str], field: str = "businesses") -> list[str]:
    if not values or len(values) > len(Business):
        raise RuleError(Code.INVALID_INPUT, "Give the outlet's businesses.", field=field)
    found = {parse_enum(Business, v, field) for v in values}
    return [b.value for b in Business if b in found]


SERVICE_NUMBERS = frozenset({"12123"})  # the traffic-administration hotline


def parse_phone(value: str, field: str = "phone") -> str:
    """An outlet's phone in its stored form: a mobile number, a landline as `area-number`, or the
    12123 hotline (`core.identifiers.parse_phone`). Raises INVALID_INPUT."""
    return core_parse_phone(value, field, SERVICE_NUMBERS)


def parse_correction(kind: CorrectionField, proposed: str) -> Any:
    """The validated new value for one outlet field (the same checks as the clerk's form)."""
    field = "proposed"
    if kind is CorrectionField.LOCATION:
        text = fold_width(proposed or "")  # `float` alone also reads other scripts' digits
        parts = text.split(",")
        try:
            if not text.isascii():
                raise ValueError
            lat, lon = (float(p) for p in parts)
        except ValueError:
            raise RuleError(
                PreciseGuidanceErrorCode.INVALID_LOCATION,
                "Give `latitude,longitude`.",
                field=field,
                rule=R_OUTLETS,
            ) from None
        return parse_location(lat, lon, field)
    if kind is CorrectionField.BUSINESSES:
        return parse_businesses((proposed or "").replace("，", ",").split(","), field)
    if kind is CorrectionField.PHONE:
        return parse_phone(proposed, field)
    limits = {
        CorrectionField.NAME: 100,
        CorrectionField.ADDRESS: 200,
        CorrectionField.HOURS: 200,
        CorrectionField.WINDOW_GUIDE: 500,
    }
    multiline = kind in (CorrectionField.HOURS, CorrectionField.WINDOW_GUIDE)
    return require_text(field, proposed, limits[kind], multiline=multiline)


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine, Earth radius 6371 km)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(min(1.0, a)))


def maintenance_day(today: dt.date) -> dt.date:
    """Outlet data may be prepared up to PREPARATION_DAYS before the measure starts in a city."""
    return today + dt.timedelta(days=PREPARATION_DAYS)


# --- to-dos -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Todo:
    """One pending business for a citizen, with the day it is due and what it concerns."""

    business: Business
    key: str  # stable per subject and cycle: a to-do is pushed once
    due: dt.date
    city_code: str  # where it is handled (vehicle / licence / violation city)
    subject_ref: str
    subject_label: str
    reason: str


def _anniversary(first: dt.date, year: int) -> dt.date:
    try:
        return first.replace(year=year)
    except ValueError:  # 29 February
        return dt.date(year, 3, 1)


def last_cycle_end(first_issue: dt.date, today: dt.date) -> dt.date | None:
    """The latest end of a 12-month scoring cycle (anniversary of the first issue) on or before today."""
    end = _anniversary(first_issue, today.year)
    if end > today:
        end = _anniversary(first_issue, today.year - 1)
    return end if end > first_issue else None


def licence_todos(licence: Any, birth_date: dt.date | None, today: dt.date) -> list[Todo]:
    """换证, 审验, 体检, 驾驶人考试 for one licence (七-二)."""
    out: list[Todo] = []
    status = licence.status
    if status in (LicenceStatus.REVOKED, LicenceStatus.CANCELLED):
        return out
    ref, label, city = (
        f"DrivingLicence:{licence.id}",
        f"驾驶证 {licence.file_number}",
        licence.issuing_city,
    )
    opens = licence.valid_until - dt.timedelta(days=RENEWAL_WINDOW_DAYS)
    if today >= opens or status == LicenceStatus.OVERDUE_RENEWAL:
        out.append(
            Todo(Business.RENEWAL, f"RENEWAL:{licence.id}:{licence.valid_until}", licence.valid_until,
                 city, ref, label, f"驾驶证有效期至{licence.valid_until}，有效期满前九十日内可申请换证")
        )  # fmt: skip
    if status == LicenceStatus.OVERDUE_REVIEW:
        out.append(
            Todo(
                Business.REVIEW, f"REVIEW:{licence.id}", today, city, ref, label, "驾驶证逾期未审验"
            )
        )
    if status == LicenceStatus.POINTS_EXCEEDED or licence.points >= 12:
        out.append(
            Todo(Business.EXAM, f"EXAM:{licence.id}:{licence.first_issue_date}", today, city, ref,
                 label, "记分满12分，应参加学习并参加考试")
        )  # fmt: skip
    elderly = birth_date is not None and age_on(birth_date, today) >= HEALTH_CHECK_AGE
    large = bool(HEALTH_CHECK_CLASSES.intersection(licence.classes.split()))
    cycle_end = last_cycle_end(licence.first_issue_date, today)
    if (elderly or large) and cycle_end is not None:
        due = cycle_end + dt.timedelta(days=HEALTH_CHECK_DAYS)
        if today <= due:
            out.append(
                Todo(Business.HEALTH_CHECK, f"HEALTH_CHECK:{licence.id}:{cycle_end}", due, city,
                     ref, label, f"记分周期结束后三十日内（{due}前）提交身体条件证明")
            )  # fmt: skip
    return out


def exempt_from_inspection(vehicle: Any, on: dt.date) -> bool:
    """Non-operating small / mini passenger cars younger than EXEMPT_MAX_AGE_YEARS on `on`."""
    small = vehicle.category in (VehicleCategory.SMALL_PASSENGER, VehicleCategory.MINI_PASSENGER)
    young = age_on(vehicle.registered_at, on) < EXEMPT_MAX_AGE_YEARS
    return small and vehicle.use == VehicleUse.NON_OPERATING and young


def vehicle_todos(vehicle: Any, today: dt.date) -> list[Todo]:
    """机动车年检 / 申领免检标志, 机动车报废 for one vehicle (七-二)."""
    out: list[Todo] = []
    if vehicle.status in (VehicleStatus.DEREGISTERED, VehicleStatus.TRANSFERRED):
        return out
    ref = f"Vehicle:{vehicle.id}"
    label, city = f"机动车 {vehicle.plate or vehicle.vin}", vehicle.registration_city
    until = vehicle.inspection_valid_until
    if until is not None and today >= until - dt.timedelta(days=INSPECTION_WINDOW_DAYS):
        kind = (
            Business.EXEMPT_MARK if exempt_from_inspection(vehicle, until) else Business.INSPECTION
        )
        out.append(
            Todo(kind, f"{kind.value}:{vehicle.id}:{until}", until, city, ref, label,
                 f"检验有效期至{until}，期满前三个月内可办理")
        )  # fmt: skip
    scrap = vehicle.scrap_deadline
    if scrap is not None and today >= scrap - dt.timedelta(days=SCRAP_WINDOW_DAYS):
        out.append(
            Todo(Business.SCRAP, f"SCRAP:{vehicle.id}:{scrap}", scrap, city, ref, label,
                 f"强制报废期止{scrap}，请及时交售报废机动车回收企业")
        )  # fmt: skip
    return out


def violation_todos(violation: Any, today: dt.date) -> list[Todo]:
    """交通违法处理 (unhandled) and 缴款 (handled, fine unpaid) (七-二)."""
    ref = f"Violation:{violation.id}"
    day = violation.occurred_at.date()
    label = f"{day} {violation.description}"[:80]
    if violation.status == "UNHANDLED":
        return [
            Todo(Business.VIOLATION, f"VIOLATION:{violation.id}", today, violation.city_code, ref,
                 label, "有未处理的交通违法记录")
        ]  # fmt: skip
    if violation.status == "HANDLED" and violation.fine_yuan > 0:
        return [
            Todo(Business.PAYMENT, f"PAYMENT:{violation.id}", today, violation.city_code, ref,
                 label, f"罚款{violation.fine_yuan}元未缴纳")
        ]  # fmt: skip
    return []


class UpdateStatus(enum.StrEnum):
    """Where a city stands against the update deadline (七-一, 6月25日)."""

    DONE_ON_TIME = "DONE_ON_TIME"  # declared on or before the deadline
    DONE_LATE = "DONE_LATE"  # declared after it
    PENDING = "PENDING"  # not declared, deadline not passed
    OVERDUE = "OVERDUE"  # not declared, deadline passed


def update_status(declared_on: dt.date | None, today: dt.date, deadline: dt.date) -> UpdateStatus:
    """The deadline day itself is on time ("6月25日前" read as up to and including 6-25)."""
    if declared_on is not None:
        return UpdateStatus.DONE_ON_TIME if declared_on <= deadline else UpdateStatus.DONE_LATE
    return UpdateStatus.PENDING if today <= deadline else UpdateStatus.OVERDUE


class SpotCheckStatus(enum.StrEnum):
    OPEN = "OPEN"
    COMPLETED = "COMPLETED"
    CANCELLED = "CANCELLED"


class SpotResult(enum.StrEnum):
    PENDING = "PENDING"
    ACCURATE = "ACCURATE"
    INACCURATE = "INACCURATE"


PreciseGuidanceErrorCode.cites(
    {
        PreciseGuidanceErrorCode.ALREADY_DECIDED: R_OUTLETS,
        PreciseGuidanceErrorCode.NO_CITY: R_TODOS,
        PreciseGuidanceErrorCode.ALREADY_DECLARED: R_DEADLINE,
        PreciseGuidanceErrorCode.SPOT_CHECK_CLOSED: R_SPOT_CHECK,
        PreciseGuidanceErrorCode.SPOT_ITEM_ALREADY_CHECKED: R_SPOT_CHECK,
    }
)
