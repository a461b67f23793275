"""Pure rules of M08 (2021 item 八): abroad / first return from exit-entry records, the relief
period, the six-month window, and what restoration needs.

Crossings are `(day, direction)` pairs, direction "EXIT" (出境) or "ENTRY" (入境), in order.
"""

from __future__ import annotations

import calendar
import datetime as dt
import enum
from dataclasses import dataclass

from .errors import OverseasReliefErrorCode

MEASURE = "overseas_relief"  # the plugin's slug: its folder, its actions' prefix

EPIDEMIC_START = dt.date(2020, 1, 20)  # setting `epidemic_start`; see README
PERIOD_END = dt.date(2021, 12, 31)  # 八-二-1 "至2021年12月31日"
WINDOW_FROM = dt.date(2021, 6, 1)  # 八-二-2 "在2021年6月1日前已回国（入境）的，…自2021年6月1日起算"
WINDOW_MONTHS = 6


class CancelledStatus(enum.StrEnum):
    """The licence status a restoration starts from (core LicenceStatus values, 八-二-3)."""

    CANCELLED = "CANCELLED"  # 注销: restored after Subject 1
    CANCELLED_RESTORABLE = "CANCELLED_RESTORABLE"  # 注销可恢复: restored directly


class DeferralBusiness(enum.StrEnum):
    """What a person at home may have deferred for a holder abroad (八-一)."""

    RENEWAL = "RENEWAL"  # 期满换证
    REVIEW = "REVIEW"  # 审验
    HEALTH_CERTIFICATE = "HEALTH_CERTIFICATE"  # 提交身体条件证明


class Documents(enum.StrEnum):
    """What was presented for a deferral: originals, or copies / printed images (八-一)."""

    ORIGINAL = "ORIGINAL"  # 原件
    COPY = "COPY"  # 复印件或者影像打印件


CANCELLED = CancelledStatus.CANCELLED
CANCELLED_RESTORABLE = CancelledStatus.CANCELLED_RESTORABLE

RULE_DEFERRAL = (
    "M08 2021-八-一: 出国（境）人员可以委托国（境）内人员申请延期办理；可凭复印件或者影像打印件办理"
)
RULE_PERIOD = "M08 2021-八-二-1: 适用于新冠肺炎疫情发生以来至2021年12月31日，因驾驶人在国（境）外未按规定时限换证、审验导致驾驶证被注销的"
RULE_WINDOW = (
    "M08 2021-八-二-2: 首次回国（入境）后6个月内办理；2021年6月1日前已回国的，自2021年6月1日起算"
)
RULE_DIRECT = "M08 2021-八-二-3: 状态变为'注销可恢复'的，直接予以恢复"
RULE_SUBJECT1 = "M08 2021-八-二-3: 状态变为'注销'的，科目一考试合格后予以恢复"
RULE_DOCUMENTS = "M08 2021-八-二-4: 审核申请人身份证明、身体条件证明、驾驶证，核查出入境信息"
RULE_REVIEW = "M08 2021-八-二-5: 业务受理岗受理后，报该业务部门负责人复核后予以办理"


@dataclass(frozen=True)
class Window:
    first_return: dt.date
    starts: dt.date
    last_day: dt.date
    explanation: str


def add_months_civil(start: dt.date, months: int) -> dt.date:
    """The last day of a period of `months` months counted from `start` (民法典 第二百零一条、第二百
    零二条: the start day is not counted; the period ends on the corresponding day of the last month,
    or that month's last day when it has no such day)."""
    month = start.month - 1 + months
    year, month = start.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def abroad_on(crossings: list[tuple[dt.date, str]], day: dt.date) -> bool:
    """Abroad on `day`: the last crossing on or before it was an exit."""
    last = None
    for when, direction in crossings:
        if when <= day:
            last = direction
    return last == "EXIT"


def first_return_after(crossings: list[tuple[dt.date, str]], day: dt.date) -> dt.date | None:
    """The first entry after `day` (the return that ended the absence covering `day`)."""
    for when, direction in crossings:
        if when > day and direction == "ENTRY":
            return when
    return None


RELIEF_REASONS = frozenset({"OVERDUE_RENEWAL", "OVERDUE_REVIEW", "NO_HEALTH_CERTIFICATE"})
RULE_REASON = "M08 2021-八-二-1: 因驾驶人在国（境）外未按规定时限换证、审验导致驾驶证被注销的"


@dataclass(frozen=True)
class PeriodStatus:
    """The cancellation the relief is decided on: the status the licence held at the end of the
    relief period (`day` it began, `reason` CancellationReason or None when not on file)."""

    day: dt.date
    status: str
    reason: str | None


def status_in_period(
    history: list[tuple[dt.date | None, str, str | None]],
    epidemic_start: dt.date = EPIDEMIC_START,
) -> PeriodStatus | None:
    """The cancellation the licence had in the relief period, from its status history
    (`(day, status, reason)` oldest first): the status in force on 2021-12-31 if it is 注销 or 注销
    可恢复 and began on or after `epidemic_start` (八-二-1, 八-二-3: "期间驾驶证状态变为…"); None
    otherwise. A later change (注销可恢复 becoming 注销 after the period) does not change it."""
    held = None
    for day, status, reason in history:
        if day is not None and day <= PERIOD_END:
            held = (day, status, reason)
    if (
        held is None
        or held[1] not in {s.value for s in CancelledStatus}
        or held[0] < epidemic_start
    ):
        return None
    return PeriodStatus(*held)


def in_relief_period(cancelled_on: dt.date, epidemic_start: dt.date = EPIDEMIC_START) -> bool:
    return epidemic_start <= cancelled_on <= PERIOD_END


def window(first_return: dt.date) -> Window:
    """The six months to apply: from the first return, or from 2021-06-01 for earlier returns."""
    starts = max(first_return, WINDOW_FROM)
    last = add_months_civil(starts, WINDOW_MONTHS)
    why = f"first return {first_return}"
    if first_return < WINDOW_FROM:
        why += f" (before {WINDOW_FROM}: counted from {WINDOW_FROM})"
    return Window(first_return, starts, last, why + f"; 6 months end {last}")


def needs_subject1(status: str) -> bool:
    """注销 needs Subject 1 before restoration; 注销可恢复 is restored directly (八-二-3)."""
    return status == CANCELLED


OverseasReliefErrorCode.cites(
    {
        OverseasReliefErrorCode.NOT_ABROAD: RULE_DEFERRAL,
        OverseasReliefErrorCode.AGENT_IS_HOLDER: RULE_DEFERRAL,
        OverseasReliefErrorCode.CANCELLED_OUTSIDE_PERIOD: RULE_PERIOD,
        OverseasReliefErrorCode.CANCELLED_FOR_OTHER_REASON: RULE_REASON,
        OverseasReliefErrorCode.NOT_ABROAD_AT_DEADLINE: RULE_PERIOD,
        OverseasReliefErrorCode.NOT_RETURNED: RULE_WINDOW,
        OverseasReliefErrorCode.WINDOW_PASSED: RULE_WINDOW,
        OverseasReliefErrorCode.HEALTH_CERTIFICATE_REQUIRED: RULE_DOCUMENTS,
        OverseasReliefErrorCode.SUBJECT1_REQUIRED: RULE_SUBJECT1,
        OverseasReliefErrorCode.SUBJECT1_NOT_NEEDED: RULE_DIRECT,
        OverseasReliefErrorCode.EXIT_ENTRY_UNAVAILABLE: RULE_DOCUMENTS,
    }
)
