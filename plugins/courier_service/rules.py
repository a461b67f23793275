"""Pure rules of M16 (2024 item 四): businesses, booking window, agreements, inspector
qualification, fees and the booking's steps. No database, no GraphQL."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from core.errors import Code, RuleError

from .errors import CourierErrorCode

MEASURE = "courier_service"  # the plugin's slug: its folder, its actions' prefix

R_PILOT = "M16 2024-四-一-1: 总队确定试点地区和试点业务范围"
R_AGREEMENT = "M16 2024-四-一-2: 与快递企业签订协议，明确上门服务事项、服务标准、牌证寄递"
R_TERMS = "M16 2024-四-一-2: 与快递企业签订协议，明确…数据安全、责任赔偿等重点事项"
R_FOLLOW_UP = "M16 2024-四-三-3: 建立…服务定期回访等机制; 组织对上门业务开展数据分析、业务回访"
R_UNIT = (
    "M20 2024-八-三: 补换领牌证业务默认授权单位法人和管理员用户在线办理，"
    "单位普通用户需要前往属地公安交管部门线下窗口进行授权"
)
R_HAND_OVER = "M16 2024-四-二-1: 自主选择快递方式寄递牌证 (not mailed: collected at the window)"
R_VISIT = "M16 2024-四-二-2: 快递员上门协助核验申请人身份、收集业务资料、采集申请信息"
R_INSPECTOR = "M16 2024-四-二-2: 开展摩托车登记查验上门服务的，快递员应当具备相应查验员资格"
R_TRACE = "M16 2024-四-三-2: 健全牌证寄递全过程溯源管理"
R_SUSPEND = "M16 2024-四-三-3: 对涉嫌违法违规的，暂停或终止上门服务"
R_FEE = "M16 2024-四-三-3: 严格执行国家机动车牌证收费标准，严禁以上门服务名义变相收取服务费用或者设置强制性消费项目"
R_WINDOW = (
    "M16 platform rule (seed silent): a home visit is booked from tomorrow up to 30 days ahead"
)

BOOKING_HORIZON_DAYS = 30


class CourierBusiness(enum.StrEnum):
    """Home-service businesses named in 四-一-1."""

    E_BIKE_REGISTRATION = "E_BIKE_REGISTRATION"  # 电动自行车登记
    MOTORCYCLE_REGISTRATION = "MOTORCYCLE_REGISTRATION"  # 摩托车登记 (with inspection)
    PLATE_REPLACEMENT = "PLATE_REPLACEMENT"  # 补换领号牌
    LICENCE_REPLACEMENT = "LICENCE_REPLACEMENT"  # 补换领行驶证


class BookingStatus(enum.StrEnum):
    """A booking's step; every move is an event of its trail (四-三-2)."""

    BOOKED = "BOOKED"
    ASSIGNED = "ASSIGNED"  # a courier staff member is assigned
    COLLECTED = "COLLECTED"  # identity verified, materials collected, application submitted
    APPROVED = "APPROVED"  # the office approved; plates/licence produced
    REJECTED = "REJECTED"
    SHIPPED = "SHIPPED"  # picked up for mailing, tracking number known
    DELIVERED = "DELIVERED"
    CANCELLED = "CANCELLED"


STEPS: dict[BookingStatus, frozenset[BookingStatus]] = {
    BookingStatus.BOOKED: frozenset({BookingStatus.ASSIGNED, BookingStatus.CANCELLED}),
    BookingStatus.ASSIGNED: frozenset(
        {BookingStatus.ASSIGNED, BookingStatus.COLLECTED, BookingStatus.CANCELLED}
    ),
    BookingStatus.COLLECTED: frozenset({BookingStatus.APPROVED, BookingStatus.REJECTED}),
    # mailed (SHIPPED), or handed over at the window when the applicant chose to collect
    BookingStatus.APPROVED: frozenset({BookingStatus.SHIPPED, BookingStatus.DELIVERED}),
    BookingStatus.SHIPPED: frozenset({BookingStatus.SHIPPED, BookingStatus.DELIVERED}),
    BookingStatus.REJECTED: frozenset(),
    BookingStatus.DELIVERED: frozenset(),
    BookingStatus.CANCELLED: frozenset(),
}


class AgreementStatus(enum.StrEnum):
    """A courier company's agreement for an area: suspended or terminated on a violation (四-三-3)."""

    ACTIVE = "ACTIVE"
    SUSPENDED = "SUSPENDED"
    TERMINATED = "TERMINATED"  # final


class ChargeItem(enum.StrEnum):
    """What a courier may charge: fees up to the national standard, postage if mailing was chosen."""

    PLATE_FEE = "PLATE_FEE"  # 号牌工本费
    LICENCE_FEE = "LICENCE_FEE"  # 行驶证工本费
    POSTAGE = "POSTAGE"  # 寄递费 (only when the citizen chose mailing)
    SERVICE_FEE = "SERVICE_FEE"  # 上门服务费: forbidden
    OTHER = "OTHER"  # any other item: a compulsory extra, forbidden


# National standard per business and vehicle kind, in yuan (国家机动车牌证收费标准). The figures
# live here, in one table; a charge above them is refused.
NATIONAL_FEE_STANDARD: dict[tuple[CourierBusiness, str], dict[ChargeItem, int]] = {
    (CourierBusiness.E_BIKE_REGISTRATION, "E_BIKE"): {ChargeItem.PLATE_FEE: 0},
    (CourierBusiness.MOTORCYCLE_REGISTRATION, "MOTORCYCLE"): {
        ChargeItem.PLATE_FEE: 35,
        ChargeItem.LICENCE_FEE: 10,
    },
    (CourierBusiness.PLATE_REPLACEMENT, "MOTORCYCLE"): {ChargeItem.PLATE_FEE: 35},
    (CourierBusiness.PLATE_REPLACEMENT, "CAR"): {ChargeItem.PLATE_FEE: 100},
    (CourierBusiness.LICENCE_REPLACEMENT, "MOTORCYCLE"): {ChargeItem.LICENCE_FEE: 10},
    (CourierBusiness.LICENCE_REPLACEMENT, "CAR"): {ChargeItem.LICENCE_FEE: 10},
}


@dataclass(frozen=True)
class Charge:
    item: ChargeItem
    amount_yuan: int


def vehicle_kind(category: str) -> str:
    """E_BIKE, MOTORCYCLE or CAR (anything else with a plate)."""
    if category == "E_BIKE":
        return "E_BIKE"
    if category.startswith("MOTORCYCLE_"):
        return "MOTORCYCLE"
    return "CAR"


def fee_standard(business: CourierBusiness, kind: str) -> dict[ChargeItem, int]:
    """The national standard for this business and vehicle kind (empty: nothing may be charged)."""
    return dict(NATIONAL_FEE_STANDARD.get((business, kind), {}))


def check_charges(
    business: CourierBusiness,
    kind: str,
    charges: list[Charge],
    mail_chosen: bool,
    postage_cap_yuan: int,
) -> int:
    """Refuse any charge above the national standard, any service fee or extra item; returns the
    total. Postage only when the citizen chose mailing, up to the agreement's cap."""
    standard = fee_standard(business, kind)
    seen: set[ChargeItem] = set()
    total = 0
    for charge in charges:
        if charge.amount_yuan < 0 or charge.amount_yuan > 100000:
            raise RuleError(
                Code.INVALID_INPUT, "A charge is between 0 and 100000 yuan.", field="charges"
            )
        if charge.item in seen:
            raise RuleError(Code.INVALID_INPUT, "Each item is charged once.", field="charges")
        seen.add(charge.item)
        if charge.item in (ChargeItem.SERVICE_FEE, ChargeItem.OTHER):
            if charge.amount_yuan > 0:
                raise RuleError(
                    CourierErrorCode.FORBIDDEN_CHARGE,
                    "No service fee and no compulsory extra item may be charged.",
                    field="charges",
                )
        elif charge.item is ChargeItem.POSTAGE:
            if charge.amount_yuan > 0 and not mail_chosen:
                raise RuleError(
                    CourierErrorCode.FORBIDDEN_CHARGE,
                    "Postage only when the applicant chose to have plates mailed.",
                    field="charges",
                )
            if charge.amount_yuan > postage_cap_yuan:
                raise RuleError(
                    CourierErrorCode.FEE_ABOVE_STANDARD,
                    f"Postage above the agreed {postage_cap_yuan} yuan.",
                    field="charges",
                    rule=R_AGREEMENT,
                )
        elif charge.amount_yuan > standard.get(charge.item, 0):
            raise RuleError(
                CourierErrorCode.FEE_ABOVE_STANDARD,
                f"{charge.item.value} above the national standard of "
                f"{standard.get(charge.item, 0)} yuan.",
                field="charges",
                rule=R_FEE,
            )
        total += charge.amount_yuan
    return total


def check_visit_date(today: dt.date, visit: dt.date) -> None:
    """A visit is booked for tomorrow at the earliest and 30 days ahead at the latest."""
    if visit <= today or visit > today + dt.timedelta(days=BOOKING_HORIZON_DAYS):
        raise RuleError(
            CourierErrorCode.BAD_VISIT_DATE,
            f"Book a visit between {today + dt.timedelta(days=1)} and "
            f"{today + dt.timedelta(days=BOOKING_HORIZON_DAYS)}.",
            field="visitDate",
            rule=R_WINDOW,
        )


def agreement_covers(valid_from: dt.date, valid_until: dt.date | None, day: dt.date) -> bool:
    """Whether the agreement's validity covers `day` (both ends inclusive)."""
    return valid_from <= day and (valid_until is None or day <= valid_until)


def require_agreement_status(status: str) -> None:
    """A suspended or terminated company takes no new bookings and does no new visits."""
    if status != "ACTIVE":
        raise RuleError(
            CourierErrorCode.COURIER_SUSPENDED,
            f"The courier company's home service is {status.lower()}.",
            field="courierOrgId",
        )


def check_inspector(
    business: CourierBusiness, qualified_until: dt.date | None, visit: dt.date
) -> None:
    """Motorcycle registration at home needs a courier qualified as inspector on the visit day."""
    if business is not CourierBusiness.MOTORCYCLE_REGISTRATION:
        return
    if qualified_until is None or qualified_until < visit:
        raise RuleError(
            CourierErrorCode.INSPECTOR_REQUIRED,
            "Only a courier with a valid inspector qualification inspects a motorcycle at home.",
            field="staffId",
        )


def step(current: BookingStatus, to: BookingStatus) -> None:
    """Refuse a move the booking's flow does not allow (the tracking trail stays in order)."""
    if to not in STEPS[current]:
        raise RuleError(
            CourierErrorCode.INVALID_STEP,
            f"A booking in {current.value} cannot become {to.value}.",
            field="bookingId",
            rule=R_TRACE,
        )


def guidance(business: CourierBusiness, mail_plates: bool) -> list[str]:
    """What the applicant is told with a booking."""
    out = ["上门服务不收取服务费用，牌证工本费执行国家标准 (M16 2024-四-三-3)"]
    if business is CourierBusiness.MOTORCYCLE_REGISTRATION:
        out.append(
            "请通过“交管12123”APP网上选号，上门查验由具备查验员资格的快递员办理 (M16 2024-四-二-2)"
        )
    if mail_plates:
        out.append("牌证将快递寄递，可在本预约中查看全程寄递轨迹 (M16 2024-四-三-2)")
    return out


class FollowUpChannel(enum.StrEnum):
    """How the office reached the applicant for a service follow-up (回访)."""

    PHONE = "PHONE"
    SMS = "SMS"
    APP = "APP"
    VISIT = "VISIT"  # 实地检查


class FollowUpProblem(enum.StrEnum):
    """What a follow-up found wrong with the home service (四-三-3)."""

    EXTRA_CHARGE = "EXTRA_CHARGE"  # 变相收取服务费用 / 强制性消费
    IDENTITY_NOT_CHECKED = "IDENTITY_NOT_CHECKED"
    LATE = "LATE"
    DAMAGED_OR_LOST = "DAMAGED_OR_LOST"  # 牌证寄递
    DATA_MISUSE = "DATA_MISUSE"  # 数据安全
    CONDUCT = "CONDUCT"
    OTHER = "OTHER"


# a follow-up is about a service that took place: from the visit on (四-三-3 业务回访)
FOLLOW_UP_FROM = frozenset(
    {
        BookingStatus.COLLECTED,
        BookingStatus.APPROVED,
        BookingStatus.REJECTED,
        BookingStatus.SHIPPED,
        BookingStatus.DELIVERED,
    }
)


CourierErrorCode.cites(
    {
        CourierErrorCode.NOT_A_PILOT_AREA: R_PILOT,
        CourierErrorCode.NO_AGREEMENT: R_AGREEMENT,
        CourierErrorCode.COURIER_SUSPENDED: R_SUSPEND,
        CourierErrorCode.INSPECTOR_REQUIRED: R_INSPECTOR,
        CourierErrorCode.FORBIDDEN_CHARGE: R_FEE,
        CourierErrorCode.IDENTITY_NOT_VERIFIED: R_VISIT,
        CourierErrorCode.VEHICLE_NOT_ELIGIBLE: R_PILOT,
        CourierErrorCode.UNIT_PERMISSION_REQUIRED: R_UNIT,
    }
)
