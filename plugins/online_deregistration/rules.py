"""Pure rules of M15 (no database, no GraphQL). Each refusal names the seed clause."""

from __future__ import annotations

import datetime as dt
import enum

from core.errors import Code, RuleError
from core.registries.vehicles import VehicleStatus

from .errors import DeregistrationErrorCode

MEASURE = "online_deregistration"  # the plugin's slug: its folder, its actions' prefix
EFFECTIVE = dt.date(2024, 7, 1)
REMIND_DAYS = 30  # default: remind owners 30 days before the scrap deadline (setting)
REMIND_DAYS_MAX = 180  # the setting's upper bound
# no plausible scrap date is older (electronic scrap information; the measure is of 2024)
SCRAP_DATE_FLOOR = dt.date(2000, 1, 1)

R_FORCE = "M15 2024-三-三-1: 机动车注销证明电子版式样全国统一……与纸质版具有同等法律效力"
R_PAPER = "M15 2024-三-三-1: 推行电子版机动车注销证明后，公安交管部门仍按规定核发纸质注销证明"
R_ONE_DAY = "M15 2024-三-三-2: 对车辆异地报废的，登记地车辆管理所应当自接到机动车报废信息之日起一日内办理注销登记"
R_REMIND = "M15 2024-三-二-2: 对临近报废期限的机动车加强告知，提示及时办理注销登记"
R_COMMERCE = "M15 2024-三-一-3: 便利群众办理申领汽车以旧换新补贴等手续 (商务部门核验)"
R_REGISTRATION = "M15 2024-三-三-2: 严格落实《机动车登记规定》"
R_APPLY = (
    "M15 2024-三-一-2: 互联网业务办理中心或者岗位要……及时受理注销登记申请，及时答复群众疑难问题"
)
R_PENDING = f"{R_APPLY} (一辆车的注销登记申请受理后、办结前，不再重复受理)"
R_NOTE = f"{R_APPLY} (不予注销登记的，答复申请人理由)"
R_ALREADY = f"{R_REGISTRATION} (已注销的机动车不再办理注销登记)"
R_SCRAP_DATE = f"{R_ONE_DAY} (报废信息的报废日期不能晚于报送之日)"
R_REPORT_ONCE = f"{R_ONE_DAY} (一份报废信息办结一次：已注销、已退回或因车辆已注销而关闭)"
R_REPORT_PENDING = f"{R_ONE_DAY} (一辆车同时只有一份待办的报废信息)"
R_OPEN_BUSINESS = "M15 2024-三-三-2: 严格落实《机动车登记规定》 (机动车有未办结的登记业务，如转移登记，不予办理注销登记)"


class DeregReason(enum.StrEnum):
    """Why a vehicle is deregistered (注销原因)."""

    SCRAPPED = "SCRAPPED"  # 报废
    DESTROYED = "DESTROYED"  # 灭失
    EXPORTED = "EXPORTED"  # 出境不再进境
    RETURNED = "RETURNED"  # 退车


class ScrapReportStatus(enum.StrEnum):
    """Step of a scrap report (declared in workflow.py)."""

    RECEIVED = "RECEIVED"  # the registration office has one day
    PROCESSED = "PROCESSED"  # deregistered, certificate issued
    REJECTED = "REJECTED"  # not deregistrable (e.g. still mortgaged): closed with the reason
    # the vehicle was deregistered by the other path (the owner's application) before the office
    # acted on the report: closed with that certificate's number, nothing left to do
    SUPERSEDED = "SUPERSEDED"


def require_deregistrable(status: str, mortgaged: bool, field: str = "vehicleId") -> None:
    """Only a registered vehicle that is not seized, stolen or mortgaged can be deregistered
    (《机动车登记规定》, applied per 三-三-2). `field` is the input that named the vehicle."""
    if status == VehicleStatus.DEREGISTERED.value:
        raise RuleError(
            DeregistrationErrorCode.ALREADY_DEREGISTERED,
            "The vehicle is already deregistered: its deregistration certificate is in the "
            "owner's list.",
            field=field,
            measure=MEASURE,
        )
    if (
        status
        in (VehicleStatus.SEIZED.value, VehicleStatus.STOLEN.value, VehicleStatus.TRANSFERRED.value)
        or mortgaged
    ):
        raise RuleError(
            DeregistrationErrorCode.NOT_DEREGISTRABLE,
            f"A vehicle that is {status.lower()}{' and mortgaged' if mortgaged else ''} cannot be deregistered.",
            field=field,
            measure=MEASURE,
        )


def require_no_open_business(open_businesses: list[str], field: str) -> None:
    """A vehicle with an open application of another business (a transfer to a buyer, a
    mortgage, …) is not deregistered until that application is finished or withdrawn: the
    other party would otherwise be left with a deregistered car (`open_businesses`: the
    measures of those applications)."""
    if open_businesses:
        raise RuleError(
            DeregistrationErrorCode.OPEN_BUSINESS,
            "The vehicle has an open application ("
            + ", ".join(sorted(set(open_businesses)))
            + "): it must be finished or withdrawn before the vehicle is deregistered.",
            field=field,
            measure=MEASURE,
        )


def scrap_due_by(received_on: dt.date) -> dt.date:
    """The last day for deregistering after scrap information arrives (之日起一日内)."""
    return received_on + dt.timedelta(days=1)


def is_overdue(received_on: dt.date, today: dt.date) -> bool:
    return today > scrap_due_by(received_on)


def require_scrap_date(scrapped_on: dt.date, today: dt.date) -> None:
    """The scrap date is not after the day it is reported (三-三-2) and not before 2000 (a typo
    such as 0001-01-01 is input, not a rule: INVALID_DATE)."""
    if scrapped_on > today:
        raise RuleError(
            DeregistrationErrorCode.SCRAP_DATE,
            "The scrap date is in the future.",
            field="scrappedOn",
            measure=MEASURE,
        )
    if scrapped_on < SCRAP_DATE_FLOOR:
        raise RuleError(
            Code.INVALID_DATE,
            f"The scrap date is before {SCRAP_DATE_FLOOR.isoformat()}: check it.",
            field="scrappedOn",
            measure=MEASURE,
        )


def require_scrapped_after_registration(scrapped_on: dt.date, registered_on: dt.date) -> None:
    """A vehicle is scrapped after it was registered (`Vehicle.registered_at`); an earlier
    date is a wrong date or a wrong VIN (INVALID_DATE). The date itself is not echoed: the
    firm gets no registration data it did not give."""
    if scrapped_on < registered_on:
        raise RuleError(
            Code.INVALID_DATE,
            "The scrap date is before the vehicle's registration date: check the date and the VIN.",
            field="scrappedOn",
            measure=MEASURE,
        )


def reminder_due(scrap_deadline: dt.date | None, today: dt.date, days: int) -> bool:
    """Remind when the scrap deadline is within `days` from today (and not yet passed long ago)."""
    if scrap_deadline is None:
        return False
    return today <= scrap_deadline <= today + dt.timedelta(days=days)


DeregistrationErrorCode.cites(
    {
        DeregistrationErrorCode.NOT_DEREGISTRABLE: R_REGISTRATION,
        DeregistrationErrorCode.ALREADY_DEREGISTERED: R_ALREADY,
        DeregistrationErrorCode.REPORT_DONE: R_REPORT_ONCE,
        DeregistrationErrorCode.SCRAP_DATE: R_SCRAP_DATE,
        DeregistrationErrorCode.OPEN_BUSINESS: R_OPEN_BUSINESS,
    }
)
