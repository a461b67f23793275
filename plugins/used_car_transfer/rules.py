"""Pure rules of M02: scope, trade city and route, channel, rollout pair, archive return, dates."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence

from core.errors import Code, RuleError
from core.registries.vehicles import VehicleCategory, VehicleStatus, VehicleUse

from .errors import UsedCarTransferErrorCode

MEASURE = "used_car_transfer"  # the plugin's slug: its folder, its actions' prefix


class Rule:
    """Seed clauses (2021 item 二) quoted briefly; every refusal names one."""

    SCOPE = "M02 2021-二-一-1: 该措施适用于非营运小型、微型载客汽车二手车交易登记"
    TRADE_CITY = "M02 2021-二-一-2: 可自主选择在机动车登记地（转出地）或者现机动车所有人住所地（转入地）进行交易"
    ONE_STEP = "M02 2021-二-一-3: 由转入地车辆管理所直接办理车辆查验、登记"
    ARCHIVE_ONLINE = "M02 2021-二-一-4: 机动车档案资料实行电子化网上转递"
    CHANNEL = "M02 2021-二-一-5: 在转入地交易的，可以通过互联网平台或者向转入地车辆管理所申请；在转出地交易的，向转出地车辆管理所申请"
    PILOT_PAIR = "M02 2021-二-二-1: 试点期间，仅在试点地方之间办理二手车异地交易登记适用该措施，其余仍按照原规定执行"
    INSPECTION_AV = "M02 2021-二-三-3: 落实查验全过程音视频记录留存要求"
    CONCENTRATION = "M02 2021-二-三-3: 加强异地集中转入、转出等异常业务研判分析核查"
    NO_RETURN = "M02 2021-二-四-1: 除属于被盗抢骗、走私、非法拼（组）装等嫌疑车辆的，转入地车辆管理所严禁退档"
    NO_PAPER = "M02 2021-二-四-2: 因试点地车辆管理所未收存实物档案资料，再次转出时，转入地车辆管理所不得因此退档"
    MORTGAGE_PAPER = "M10 2021-十-一: 已实现联网核查的……各地在转入时不得以没有纸质资料为由退档"
    STATUS = "M02 (机动车登记规定, not in the seed): 被盗抢、查封、注销的机动车不予办理转移登记"
    SUSPECT_HANDLING = "M02 2021-二-三-3: 严格走私、盗抢等嫌疑车辆调查处置"
    NO_RUNAROUND = "M02 2021-二-四-1: 严禁因两地间沟通不畅、协调不力、推诿扯皮导致群众来回跑"
    LIAISON = "M02 2021-二-四: 对电子化档案转递不及时、资料不完整、与实车不一致等问题，要及时沟通、及时响应、及时反馈、及时解决"


PILOT_FROM = dt.date(2021, 6, 1)
MAJOR_FROM = dt.date(2021, 9, 1)
NATIONWIDE_FROM = dt.date(2022, 6, 30)

# 二-二: 天津、太原、沈阳、上海、南京、苏州、杭州、宁波、合肥、福州、南昌、淄博、郑州、武汉、深圳、南宁、重庆、成都、昆明、西宁
PILOT_CITIES: tuple[str, ...] = (
    "120100", "140100", "210100", "310100", "320100", "320500", "330100", "330200", "340100",
    "350100", "360100", "370300", "410100", "420100", "440300", "450100", "500100", "510100",
    "530100", "630100",
)  # fmt: skip


class Route(enum.StrEnum):
    """Where the trade happened, which decides who handles the application (二-一-5)."""

    TRADED_IN_TRANSFER_IN_CITY = "TRADED_IN_TRANSFER_IN_CITY"  # 转入地交易: one-step at 转入地
    TRADED_IN_TRANSFER_OUT_CITY = "TRADED_IN_TRANSFER_OUT_CITY"  # 转出地交易: 转出地车管所受理


class Channel(enum.StrEnum):
    """How the application came in (二-一-5): the new owner online, or a clerk at the window."""

    ONLINE = "ONLINE"
    WINDOW = "WINDOW"


class TransferStatus(enum.StrEnum):
    """Step of a transfer (the declared graph is `workflow.TRANSFER_WORKFLOW`)."""

    SUBMITTED = "SUBMITTED"
    INSPECTED = "INSPECTED"  # passed: the transfer-in office registers
    INSPECTION_FAILED = "INSPECTION_FAILED"  # no suspicion (e.g. VIN mismatch): correct, re-inspect
    SUSPECTED = "SUSPECTED"  # the inspection found a suspicion of 二-四-1: archive return
    REGISTERED = "REGISTERED"
    ARCHIVE_RETURNED = "ARCHIVE_RETURNED"
    WITHDRAWN = "WITHDRAWN"  # by the new owner
    REJECTED = "REJECTED"  # by the office, with its reason


OPEN_STATUSES = frozenset(
    {
        TransferStatus.SUBMITTED,
        TransferStatus.INSPECTED,
        TransferStatus.INSPECTION_FAILED,
        TransferStatus.SUSPECTED,
    }
)
FINAL_STATUSES = frozenset(
    {
        TransferStatus.REGISTERED,
        TransferStatus.ARCHIVE_RETURNED,
        TransferStatus.WITHDRAWN,
        TransferStatus.REJECTED,
    }
)


class Suspicion(enum.StrEnum):
    """What an inspection may find (二-三-3, 二-四-1)."""

    NONE = "NONE"
    STOLEN = "STOLEN"  # 被盗
    ROBBED = "ROBBED"  # 被抢
    DEFRAUDED = "DEFRAUDED"  # 被骗
    SMUGGLED = "SMUGGLED"  # 走私
    ILLEGALLY_ASSEMBLED = "ILLEGALLY_ASSEMBLED"  # 非法拼（组）装


class ReturnReason(enum.StrEnum):
    """Reasons a transfer-in office might give for returning an archive (退档)."""

    STOLEN = "STOLEN"
    ROBBED = "ROBBED"
    DEFRAUDED = "DEFRAUDED"
    SMUGGLED = "SMUGGLED"
    ILLEGALLY_ASSEMBLED = "ILLEGALLY_ASSEMBLED"
    NO_PAPER_ARCHIVE = "NO_PAPER_ARCHIVE"
    MISSING_PAPER_MORTGAGE_DOCUMENTS = "MISSING_PAPER_MORTGAGE_DOCUMENTS"
    INCOMPLETE_ARCHIVE = "INCOMPLETE_ARCHIVE"
    ARCHIVE_MISMATCH = "ARCHIVE_MISMATCH"
    COMMUNICATION_PROBLEM = "COMMUNICATION_PROBLEM"
    SYSTEM_ERROR = "SYSTEM_ERROR"
    OTHER = "OTHER"


RETURN_ALLOWED = frozenset(
    {
        ReturnReason.STOLEN,
        ReturnReason.ROBBED,
        ReturnReason.DEFRAUDED,
        ReturnReason.SMUGGLED,
        ReturnReason.ILLEGALLY_ASSEMBLED,
    }
)


class ReturnBasis(enum.StrEnum):
    """What established the suspicion an archive return rests on (二-四-1)."""

    INSPECTION = "INSPECTION"  # the transfer's latest inspection found it (audio/video recorded)
    VEHICLE_STATUS = "VEHICLE_STATUS"  # the vehicle registry marks the car 被盗抢 (STOLEN)


# the registry's 被盗抢 status establishes a stolen or robbed car; 骗、走私、拼装 only an inspection
STATUS_ESTABLISHES = {VehicleStatus.STOLEN: frozenset({ReturnReason.STOLEN, ReturnReason.ROBBED})}

BLOCKING_STATUSES = frozenset(
    {VehicleStatus.STOLEN, VehicleStatus.SEIZED, VehicleStatus.DEREGISTERED}
)


def check_vehicle_scope(category: str, use: str) -> None:
    """Only small and mini non-operating passenger cars (二-一-1)."""
    if not VehicleCategory(category).is_small_or_mini_passenger:
        raise RuleError(
            UsedCarTransferErrorCode.VEHICLE_OUT_OF_SCOPE,
            "Only small and mini passenger cars may use cross-region used-car registration.",
            field="vin",
        )
    if use != VehicleUse.NON_OPERATING.value:
        raise RuleError(
            UsedCarTransferErrorCode.VEHICLE_OUT_OF_SCOPE,
            "Only non-operating (非营运) cars may use cross-region used-car registration.",
            field="vin",
        )


def check_vehicle_status(status: str, field: str = "vin") -> None:
    """A stolen, seized or deregistered vehicle is not transferred (nor inspected or registered
    for a transfer); `field` is the input of the operation that named the vehicle ("vin" when
    applying, "transferId" afterwards)."""
    if VehicleStatus(status) in BLOCKING_STATUSES:
        raise RuleError(
            UsedCarTransferErrorCode.VEHICLE_NOT_TRANSFERABLE,
            f"The vehicle's status {status} does not allow a transfer.",
            field=field,
        )


def route_for(trade_city: str, from_city: str, to_city: str) -> Route:
    """The route decided by where the trade and invoice happened (二-一-2)."""
    if from_city == to_city:
        raise RuleError(
            UsedCarTransferErrorCode.NOT_CROSS_REGION,
            "The new owner lives in the registration city: this is not a cross-region transfer.",
            field="vin",
        )
    if trade_city == to_city:
        return Route.TRADED_IN_TRANSFER_IN_CITY
    if trade_city == from_city:
        return Route.TRADED_IN_TRANSFER_OUT_CITY
    raise RuleError(
        UsedCarTransferErrorCode.TRADE_CITY_NOT_ALLOWED,
        "The trade must happen in the registration city or the new owner's city.",
        field="tradeCity",
    )


def handling_city(route: Route, from_city: str, to_city: str) -> str:
    """The office that receives the application (二-一-5)."""
    return to_city if route is Route.TRADED_IN_TRANSFER_IN_CITY else from_city


def check_channel(route: Route, channel: Channel) -> None:
    """Online only when traded in the transfer-in city (二-一-5)."""
    if channel is Channel.ONLINE and route is not Route.TRADED_IN_TRANSFER_IN_CITY:
        raise RuleError(
            UsedCarTransferErrorCode.WRONG_CHANNEL,
            "Traded in the registration city: apply at that city's vehicle office.",
            field="tradeCity",
        )


def check_pair(other_city: str, other_in_force: bool) -> None:
    """The measure applies only between two cities where it is in force (二-二-1)."""
    if not other_in_force:
        raise RuleError(
            UsedCarTransferErrorCode.PILOT_PAIR_REQUIRED,
            f"Cross-region registration is not in force in city {other_city}: the original "
            "two-step procedure applies (转出 at the registration city, then 转入).",
            field="tradeCity",
            measure=MEASURE,
            city=other_city,
        )


INVOICE_FLOOR = dt.date(1990, 1, 1)  # no used-car sale invoice (二手车销售统一发票) is older


def check_invoice_date(
    invoice_date: dt.date, today: dt.date, registered_on: dt.date | None = None
) -> None:
    """An invoice cannot be dated after today, before the vehicle was first registered (a
    used car is sold after its registration) or before 1990 (an absurd date)."""
    if invoice_date > today:
        raise RuleError(
            Code.INVALID_DATE, "The invoice date is in the future.", field="invoiceDate"
        )
    if invoice_date < INVOICE_FLOOR:
        raise RuleError(
            Code.INVALID_DATE,
            f"The invoice date is before {INVOICE_FLOOR.isoformat()}: check it.",
            field="invoiceDate",
        )
    if registered_on is not None and invoice_date < registered_on:
        raise RuleError(
            Code.INVALID_DATE,
            f"The invoice date is before the vehicle's registration ({registered_on.isoformat()}).",
            field="invoiceDate",
        )


def check_archive_return(
    reason: ReturnReason,
    status: TransferStatus,
    inspection_suspicion: str | None,
    vehicle_status: str,
) -> ReturnBasis:
    """退档 only for suspected stolen, robbed, defrauded, smuggled or illegally assembled cars
    (二-四-1), and only when the suspicion is established: by this transfer's latest inspection
    (the transfer is SUSPECTED and the inspection found `reason`), or by the vehicle registry
    (a car marked 被盗抢 for STOLEN / ROBBED). A clerk's word alone returns nothing. Returns the
    basis to record with the return; raises ARCHIVE_RETURN_FORBIDDEN otherwise."""
    _check_reason(reason)
    if status is TransferStatus.SUSPECTED and inspection_suspicion == reason.value:
        return ReturnBasis.INSPECTION
    registry = STATUS_ESTABLISHES.get(VehicleStatus(vehicle_status), frozenset())
    if reason in registry:
        return ReturnBasis.VEHICLE_STATUS
    found = (
        f"the inspection found {inspection_suspicion}"
        if status is TransferStatus.SUSPECTED
        else "no inspection of this transfer found a suspicion"
    )
    raise RuleError(
        UsedCarTransferErrorCode.ARCHIVE_RETURN_FORBIDDEN,
        f"{reason.value} is not established: {found} and the vehicle registry says "
        f"{vehicle_status}. Raise an office ticket with the other office instead.",
        field="reason",
        rule=Rule.NO_RETURN,
    )


def _check_reason(reason: ReturnReason) -> None:
    """Only the suspicions listed in 二-四-1 can ever be a reason (二-四-2, 十-一 name two that
    never are)."""
    if reason in RETURN_ALLOWED:
        return
    rule = {
        ReturnReason.NO_PAPER_ARCHIVE: Rule.NO_PAPER,
        ReturnReason.MISSING_PAPER_MORTGAGE_DOCUMENTS: Rule.MORTGAGE_PAPER,
    }.get(reason, Rule.NO_RETURN)
    raise RuleError(
        UsedCarTransferErrorCode.ARCHIVE_RETURN_FORBIDDEN,
        f"An archive may not be returned for {reason.value}; query the electronic archive and "
        "resolve it with the other office through an office ticket instead.",
        field="reason",
        rule=rule,
    )


def max_in_window(times: Sequence[dt.datetime], window: dt.timedelta) -> int:
    """The largest number of `times` inside any window of length `window` (inclusive)."""
    ordered = sorted(times)
    best = 0
    start = 0
    for end, moment in enumerate(ordered):
        while moment - ordered[start] > window:
            start += 1
        best = max(best, end - start + 1)
    return best


UsedCarTransferErrorCode.cites(
    {
        UsedCarTransferErrorCode.VEHICLE_OUT_OF_SCOPE: Rule.SCOPE,
        UsedCarTransferErrorCode.VEHICLE_NOT_TRANSFERABLE: Rule.STATUS,
        UsedCarTransferErrorCode.NOT_CROSS_REGION: Rule.TRADE_CITY,
        UsedCarTransferErrorCode.TRADE_CITY_NOT_ALLOWED: Rule.TRADE_CITY,
        UsedCarTransferErrorCode.WRONG_CHANNEL: Rule.CHANNEL,
        UsedCarTransferErrorCode.PILOT_PAIR_REQUIRED: Rule.PILOT_PAIR,
        UsedCarTransferErrorCode.NO_DOMICILE: Rule.TRADE_CITY,
        UsedCarTransferErrorCode.NOT_INSPECTED: Rule.INSPECTION_AV,
        UsedCarTransferErrorCode.REJECTION_FORBIDDEN: Rule.NO_RUNAROUND,
    }
)
